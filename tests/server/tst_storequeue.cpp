// Tests of the daemon's storage layer and its queues: messages, acknowledgements, numbers, re-sends, quotas and
// expiry. The writer (group commit, threads, busy databases) runs in tst_storewriter; opening, enrollment and
// prekeys in tst_storeaccounts.

#include "storefixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_StoreQueue : public StoreTest {
    Q_OBJECT

private Q_SLOTS:
    // --- messages ---

    void messageQueueAndAcks()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob1 = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob1);
        Result<QString> code = newCode(*store, u"bob"_s);
        QVERIFY(code);
        Result<EnrollResult> bob2 = enroll(*store, u"bob"_s, *code, key('b'), 'c');
        QVERIFY(bob2);

        const NewMessage first = message(*alice, u"alice"_s, {bob1->deviceId, bob2->deviceId});
        Result<InsertedMessage> inserted = insert(*store, first);
        QVERIFY2(inserted, qPrintable(inserted.ok() ? QString() : inserted.error().message));
        QCOMPARE(inserted->seqs.size(), 2);
        QVERIFY(inserted->seqs[0] < inserted->seqs[1]);
        QVERIFY(inserted->payloadId > 0);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 1);   // stored once
        QCOMPARE(scalar(*store, u"SELECT refs FROM messages"_s), 2);
        QCOMPARE(*store->reader().queuedCount(bob1->deviceId), 1);
        QCOMPARE(*store->reader().queuedCount(bob2->deviceId), 1);

        Result<QList<QueuedMessage>> page = store->reader().queuePage(bob1->deviceId, 0, 10);
        QVERIFY(page);
        QCOMPARE(page->size(), 1);
        const QueuedMessage &m = page->first();
        QCOMPARE(m.seq, inserted->seqs[0]);
        QCOMPARE(m.sender, u"alice"_s);
        QCOMPARE(m.dev, alice->deviceNo);
        QCOMPARE(m.mid, first.envelope.mid);
        QCOMPARE(m.to, first.envelope.to);
        QCOMPARE(m.at, first.envelope.at);
        QCOMPARE(m.pl, first.envelope.pl);
        QCOMPARE(m.kc, first.envelope.kc);
        QCOMPARE(m.opts, first.envelope.opts);
        QCOMPARE(m.sig, first.envelope.sig);
        QCOMPARE(m.kid, 7u);
        QCOMPARE(m.eph, first.entries[0].eph);
        QCOMPARE(m.wk, first.entries[0].wrappedKey);
        Result<QList<QueuedMessage>> page2 = store->reader().queuePage(bob2->deviceId, 0, 10);
        QVERIFY(page2);
        QCOMPARE(page2->size(), 1);
        QCOMPARE(page2->first().wk, first.entries[1].wrappedKey);

        // More messages: pages come in seq order, after the given seq, at most `limit`.
        QList<quint64> bob1Seqs{inserted->seqs[0]};
        for (int i = 0; i < 5; ++i) {
            Result<InsertedMessage> more = insert(*store, message(*alice, u"alice"_s, {bob1->deviceId, bob2->deviceId}));
            QVERIFY(more);
            bob1Seqs.append(more->seqs[0]);
        }
        Result<QList<QueuedMessage>> all = store->reader().queuePage(bob1->deviceId, 0, 100);
        QVERIFY(all);
        QCOMPARE(all->size(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(all->at(i).seq, bob1Seqs[i]);
        Result<QList<QueuedMessage>> tail = store->reader().queuePage(bob1->deviceId, bob1Seqs[2], 2);
        QVERIFY(tail);
        QCOMPARE(tail->size(), 2);
        QCOMPARE(tail->at(0).seq, bob1Seqs[3]);
        QCOMPARE(tail->at(1).seq, bob1Seqs[4]);
        QVERIFY(!store->reader().queuePage(bob1->deviceId, 0, 0));

        // Acks delete the device's entries; the message goes with its last entry.
        Result<int> acked = ack(*store, bob1->deviceId, {inserted->seqs[0]});
        QVERIFY(acked);
        QCOMPARE(*acked, 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 6);
        QCOMPARE(scalar(*store, u"SELECT refs FROM messages WHERE id = %1"_s.arg(inserted->payloadId)), 1);
        QCOMPARE(*store->reader().queuedCount(bob1->deviceId), 5);

        // Someone else's seq, an unknown seq and a repeated ack change nothing.
        Result<int> foreign = ack(*store, bob1->deviceId, {inserted->seqs[1], 999999, inserted->seqs[0],
                                                           quint64(std::numeric_limits<quint64>::max())});
        QVERIFY(foreign);
        QCOMPARE(*foreign, 0);
        QCOMPARE(*store->reader().queuedCount(bob2->deviceId), 6);
        QCOMPARE(store->reader().queuePage(bob2->deviceId, 0, 1)->first().seq, inserted->seqs[1]);

        Result<int> last = ack(*store, bob2->deviceId, {inserted->seqs[1]});
        QVERIFY(last);
        QCOMPARE(*last, 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE id = %1"_s.arg(inserted->payloadId)), 0);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 5);

        // Everything acked: nothing left anywhere.
        Result<QList<QueuedMessage>> rest1 = store->reader().queuePage(bob1->deviceId, 0, 100);
        Result<QList<QueuedMessage>> rest2 = store->reader().queuePage(bob2->deviceId, 0, 100);
        QVERIFY(rest1 && rest2);
        QList<quint64> seqs1, seqs2;
        for (const QueuedMessage &q : *rest1)
            seqs1.append(q.seq);
        for (const QueuedMessage &q : *rest2)
            seqs2.append(q.seq);
        QCOMPARE(*ack(*store, bob1->deviceId, seqs1), 5);
        QCOMPARE(*ack(*store, bob2->deviceId, seqs2), 5);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 0);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM queue"_s), 0);
        QCOMPARE(*store->reader().queuedCount(bob1->deviceId), 0);
        QCOMPARE(*store->reader().queuedCount(bob2->deviceId), 0);

        // New seqs never reuse old ones.
        Result<InsertedMessage> after = insert(*store, message(*alice, u"alice"_s, {bob1->deviceId}));
        QVERIFY(after);
        QVERIFY(after->seqs[0] > bob1Seqs.last());
    }

    void replayRefused()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        const NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
        QVERIFY(insert(*store, m));
        Result<InsertedMessage> again = insert(*store, m);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 1);

        // The same id from another sender device is a different message.
        NewMessage other = m;
        other.senderDeviceId = bob->deviceId;
        QVERIFY(insert(*store, other));

        // Forgotten replay records no longer block.
        Result<int> purged = store->writeSync<int>([](Db &db) {
            return db.purgeSeenBefore(QDateTime::currentMSecsSinceEpoch() + 1000);
        });
        QVERIFY(purged);
        QCOMPARE(*purged, 2);
        QVERIFY(insert(*store, m));
    }

    // A message stored before under the same (sender device, mid) with the same digest gets its first outcome and
    // nothing new is stored; another digest (or none) is a replay.
    void resentMessageGetsFirstOutcome()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
        m.digest = crypto::randomBytes(64);
        Result<InsertedMessage> first = insert(*store, m);
        QVERIFY(first);
        QVERIFY(!first->duplicate);
        Result<InsertedMessage> again = insert(*store, m);
        QVERIFY(again);
        QVERIFY(again->duplicate);
        QCOMPARE(again->payloadId, first->payloadId);
        QVERIFY(again->seqs.isEmpty());
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 1);

        // Still known once the recipient acked it and the message is gone.
        QCOMPARE(*ack(*store, bob->deviceId, first->seqs), 1);
        Result<InsertedMessage> late = insert(*store, m);
        QVERIFY(late && late->duplicate);
        QCOMPARE(late->payloadId, first->payloadId);
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 0);

        NewMessage other = m;
        other.digest = crypto::randomBytes(64);
        Result<InsertedMessage> replay = insert(*store, other);
        QVERIFY(!replay);
        QCOMPARE(replay.error().code, ErrorCode::Conflict);
    }

    // A message's number (`accepted.seq`) is never used again, not after every message was acked and deleted, nor
    // after the store is opened again.
    void messageNumbersNeverRepeat()
    {
        qint64 last = 0;
        {
            auto store = openStore();
            QVERIFY(store);
            Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
            Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
            QVERIFY(alice && bob);
            for (int i = 0; i < 3; ++i) {
                Result<InsertedMessage> r = insert(*store, message(*alice, u"alice"_s, {bob->deviceId}));
                QVERIFY(r);
                QVERIFY(r->payloadId > last);
                last = r->payloadId;
                QCOMPARE(*ack(*store, bob->deviceId, r->seqs), 1);
                QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 0);
            }
        }
        auto store = openStore();
        QVERIFY(store);
        const Result<UserRecord> alice = store->reader().userByName(u"alice"_s);
        QVERIFY(alice);
        EnrollResult sender;
        sender.deviceId = scalar(*store, u"SELECT id FROM devices WHERE device_no = 1 AND user_id = %1"_s.arg(alice->id));
        sender.deviceNo = 1;
        const qint64 bobDevice = scalar(*store, u"SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id "
                                                "WHERE u.name = 'bob'"_s);
        Result<InsertedMessage> r = insert(*store, message(sender, u"alice"_s, {bobDevice}));
        QVERIFY(r);
        QVERIFY(r->payloadId > last);
    }

    void queueQuota()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        Result<EnrollResult> carol = newUser(*store, u"carol"_s, 'c');
        QVERIFY(alice && bob && carol);
        QList<quint64> seqs;
        for (int i = 0; i < 2; ++i) {
            NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
            m.maxQueuePerDevice = 2;
            Result<InsertedMessage> r = insert(*store, m);
            QVERIFY(r);
            seqs.append(r->seqs[0]);
        }
        NewMessage full = message(*alice, u"alice"_s, {carol->deviceId, bob->deviceId});
        full.maxQueuePerDevice = 2;
        Result<InsertedMessage> refused = insert(*store, full);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::QuotaExceeded);
        // Nothing of the refused message stays: not carol's entry, not the replay record.
        QCOMPARE(*store->reader().queuedCount(carol->deviceId), 0);
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 2);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 2);

        QCOMPARE(*ack(*store, bob->deviceId, {seqs[0]}), 1);
        Result<InsertedMessage> accepted = insert(*store, full);
        QVERIFY(accepted);
        QCOMPARE(accepted->seqs.size(), 2);

        NewMessage unknown = message(*alice, u"alice"_s, {424242});
        Result<InsertedMessage> noDevice = insert(*store, unknown);
        QVERIFY(!noDevice);
        QCOMPARE(noDevice.error().code, ErrorCode::NotFound);
    }

    // Store::queuedMessages() follows every way an entry comes and goes without counting rows: stored, refused for
    // a full queue (carol's entry rolled back), acknowledged, expired, deleted with its device, rolled back with a
    // failing operation, and written by another process; a store opened again counts what is there.
    void queuedMessagesKeptByTheWriter()
    {
        auto store = openStore();
        QVERIFY(store);
        const auto counted = [&store] { return scalar(*store, u"SELECT COUNT(*) FROM queue"_s); };
        QCOMPARE(store->queuedMessages(), 0);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        Result<EnrollResult> carol = newUser(*store, u"carol"_s, 'c');
        QVERIFY(alice && bob && carol);

        QList<quint64> bobSeqs;
        for (int i = 0; i < 3; ++i) {
            Result<InsertedMessage> r = insert(*store, message(*alice, u"alice"_s, {bob->deviceId, carol->deviceId}));
            QVERIFY(r);
            bobSeqs.append(r->seqs[0]);
        }
        QCOMPARE(store->queuedMessages(), 6);
        NewMessage full = message(*alice, u"alice"_s, {carol->deviceId, bob->deviceId});
        full.maxQueuePerDevice = 3;
        QVERIFY(!insert(*store, full));
        QCOMPARE(store->queuedMessages(), 6);

        QCOMPARE(*ack(*store, bob->deviceId, {bobSeqs[0], bobSeqs[1]}), 2);
        QCOMPARE(store->queuedMessages(), 4);
        QCOMPARE(store->queuedMessages(), counted());

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        NewMessage expired = message(*alice, u"alice"_s, {bob->deviceId, carol->deviceId});
        expired.expiresAt = now - 1000;
        QVERIFY(insert(*store, expired));
        QCOMPARE(store->queuedMessages(), 6);
        QCOMPARE(*store->writeSync<int>([now](Db &db) { return db.purgeExpired(now); }), 1);
        QCOMPARE(store->queuedMessages(), 4);

        // A failing operation takes its entries with it.
        const NewMessage rolledBack = message(*alice, u"alice"_s, {bob->deviceId});
        Result<int> failed = store->writeSync<int>([rolledBack](Db &db) -> Result<int> {
            if (Result<InsertedMessage> r = db.insertMessage(rolledBack); !r)
                return r.error();
            return makeError(ErrorCode::Conflict, u"changed its mind"_s);
        });
        QVERIFY(!failed);
        QCOMPARE(store->queuedMessages(), 4);

        // carol's device goes with its three entries (ON DELETE CASCADE).
        QVERIFY(raw(*store, u"DELETE FROM devices WHERE id = %1"_s.arg(carol->deviceId)));
        QCOMPARE(store->queuedMessages(), 1);
        QCOMPARE(store->queuedMessages(), counted());

        // Another process deletes bob's last entry: the store's next commit notices and counts again.
        QVERIFY(elsewhere(u"DELETE FROM queue"_s));
        QVERIFY(insert(*store, message(*alice, u"alice"_s, {bob->deviceId})));
        QCOMPARE(store->queuedMessages(), 1);
        QCOMPARE(store->queuedMessages(), counted());

        QVERIFY(insert(*store, message(*alice, u"alice"_s, {bob->deviceId, alice->deviceId})));
        store.reset();
        store = openStore();
        QVERIFY(store);
        QCOMPARE(store->queuedMessages(), 3);
    }

    void failedCallInsideOperationLeavesNothing()
    {
        // An operation that carries on after a failed call commits none of that call's partial work.
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
        m.maxQueuePerDevice = 0;
        Result<int> r = store->writeSync<int>([&](Db &db) -> Result<int> {
            Result<InsertedMessage> inserted = db.insertMessage(m);
            return inserted ? 1 : 0;
        });
        QVERIFY(r);
        QCOMPARE(*r, 0);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM seen"_s), 0);
        m.maxQueuePerDevice = 10;
        QVERIFY(insert(*store, m));
    }

    void expiredMessagesAreNotDelivered()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        NewMessage expired = message(*alice, u"alice"_s, {bob->deviceId});
        expired.expiresAt = now - 1000;
        NewMessage live = message(*alice, u"alice"_s, {bob->deviceId});
        live.expiresAt = now + 3600 * 1000;
        NewMessage forever = message(*alice, u"alice"_s, {bob->deviceId});
        QVERIFY(insert(*store, expired));
        Result<InsertedMessage> liveSeq = insert(*store, live);
        QVERIFY(liveSeq);
        QVERIFY(insert(*store, forever));

        Result<QList<QueuedMessage>> page = store->reader().queuePage(bob->deviceId, 0, 10);
        QVERIFY(page);
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->first().seq, liveSeq->seqs[0]);

        Result<int> purged = store->writeSync<int>([now](Db &db) { return db.purgeExpired(now); });
        QVERIFY(purged);
        QCOMPARE(*purged, 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 2);
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 2);
    }

    void recoveryPutGet()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        QVERIFY(store->reader().recovery(alice->userId)->isEmpty());
        const QByteArray one = crypto::randomBytes(64 * 1024);
        const QByteArray two = crypto::randomBytes(10);
        QVERIFY(store->writeSync<void>([&](Db &db) { return db.putRecovery(alice->userId, one); }));
        QCOMPARE(*store->reader().recovery(alice->userId), one);
        QVERIFY(store->writeSync<void>([&](Db &db) { return db.putRecovery(alice->userId, two); }));
        QCOMPARE(*store->reader().recovery(alice->userId), two);
        QVERIFY(store->writeSync<void>([&](Db &db) { return db.putRecovery(alice->userId, QByteArray()); }));
        QVERIFY(store->reader().recovery(alice->userId)->isEmpty());
        Status unknown = store->writeSync<void>([&](Db &db) { return db.putRecovery(alice->userId + 100, two); });
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);
    }

    void touchDevice()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        QVERIFY(store->writeSync<void>([&](Db &db) { return db.touchDevice(alice->deviceId, 123456); }));
        QCOMPARE(store->reader().deviceById(alice->deviceId)->lastSeen, 123456);
        Status unknown = store->writeSync<void>([&](Db &db) { return db.touchDevice(alice->deviceId + 5, 1); });
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(tst_StoreQueue)
#include "tst_storequeue.moc"
