// Tests of the daemon's messaging against a real parleyd-core instance in this process (real TLS on 127.0.0.1 port
// 0, raw protocol frames from QWebSocket clients): sending and delivery, recovery bundles, copies to one's own
// devices, the order of concurrent senders and the delivery window. Sessions run in tst_serversessions.

#include "serverfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_ServerMessaging : public ServerTest {
    Q_OBJECT

private Q_SLOTS:
    void messaging()
    {
        TestDevice alice = TestDevice::create(u"alice"_s);
        TestDevice bob = TestDevice::create(u"bob"_s);
        auto a = enrollAndLogin(*m_server, alice);
        QVERIFY(a);
        auto b = enrollAndLogin(*m_server, bob);
        QVERIFY(b);
        QVERIFY(uploadPrekeys(*a, alice, 1, 30, true));
        QVERIFY(uploadPrekeys(*b, bob, 1, 21, true));

        // A kid already stored is refused.
        Frame again(u"prekeys"_s, 4);
        again.set("keys"_L1, QCborArray{bob.prekey(1)});
        b->send(again);
        QCOMPARE(errorCode(b->reply(4, WaitMs)), u"bad_field"_s);
        // A prekey signed by another key is refused.
        Frame forged(u"prekeys"_s, 5);
        forged.set("keys"_L1, QCborArray{alice.prekey(500)});
        b->send(forged);
        QCOMPARE(errorCode(b->reply(5, WaitMs)), u"bad_signature"_s);

        // Directory.
        a->send(Frame(u"devices"_s, 10).set("users"_L1, QCborArray{u"bob"_s, u"nobody"_s}));
        auto list = a->reply(10, WaitMs);
        QCOMPARE(errorCode(list), u"device_list"_s);
        QCOMPARE(list->array("users"_L1).size(), 1);
        const QCborMap bobEntry = list->array("users"_L1).at(0).toMap();
        QCOMPARE(bobEntry.value("user"_L1).toString(), u"bob"_s);
        QCOMPARE(bobEntry.value("root"_L1).toByteArray(), bob.root.publicPoint());
        QCOMPARE(bobEntry.value("devices"_L1).toArray().at(0).toMap().value("pub"_L1).toByteArray(), bob.key.publicPoint());
        QCOMPARE(list->array("unknown"_L1), QCborArray{u"nobody"_s});

        // Fetching consumes one prekey per fetch; below 20 the owner is told to refill; the 6th fetch is limited.
        QSet<qint64> kids;
        for (int i = 0; i < 5; ++i) {
            a->send(Frame(u"fetch"_s, quint64(20 + i)).set("user"_L1, u"bob"_s));
            auto bundle = a->reply(quint64(20 + i), WaitMs);
            QCOMPARE(errorCode(bundle), u"bundle"_s);
            const QCborMap dev = bundle->array("devices"_L1).at(0).toMap();
            QCOMPARE(dev.value("lr"_L1).toBool(), false);
            kids.insert(dev.value("pk"_L1).toMap().value("kid"_L1).toInteger());
        }
        QCOMPARE(kids.size(), 5);
        const auto refill = b->next(u"refill"_s, WaitMs);
        QVERIFY(refill);
        QVERIFY(refill->uint("remaining"_L1) < 20);
        a->send(Frame(u"fetch"_s, 30).set("user"_L1, u"bob"_s));
        auto limited = a->reply(30, WaitMs);
        QCOMPARE(errorCode(limited), u"rate_limited"_s);
        QVERIFY(limited->uint("retry"_L1) > 0);
        a->send(Frame(u"fetch"_s, 31).set("user"_L1, u"nobody"_s));
        QCOMPARE(errorCode(a->reply(31, WaitMs)), u"not_found"_s);

        // A message to bob, with a sync copy for nobody else (alice has one device).
        const QByteArray mid = crypto::randomBytes(16);
        a->send(sendFrame(alice, 40, {u"bob"_s}, {{u"bob"_s, bob.number}}, mid));
        auto accepted = a->reply(40, WaitMs);
        QCOMPARE(errorCode(accepted), u"accepted"_s);
        QCOMPARE(accepted->bytes("mid"_L1), mid);
        auto msg = b->next(u"msg"_s, WaitMs);
        QVERIFY(msg);
        QCOMPARE(msg->text("from"_L1), u"alice"_s);
        QCOMPARE(msg->uint("dev"_L1), quint64(alice.number));
        QCOMPARE(msg->bytes("mid"_L1), mid);
        QCOMPARE(msg->array("to"_L1), QCborArray{u"bob"_s});
        QCOMPARE(msg->uint("kid"_L1), quint64(7));
        QCOMPARE(msg->bytes("eph"_L1), m_dummyPoint);
        {
            // The signature the sender made verifies over the core rebuilt from the delivered frame.
            const protocol::MessageCore core = protocol::MessageCore::of(protocol::Msg::from(*msg));
            QCOMPARE(core.from, u"alice"_s);
            QCOMPARE(core.to, QStringList{u"bob"_s});
            QVERIFY(alice.key.verify(core.encode(), msg->bytes("sig"_L1)));
        }
        b->send(Frame(u"ack"_s).set("seqs"_L1, QCborArray{qint64(msg->uint("seq"_L1))}));

        // The same message id again is a replay.
        a->send(sendFrame(alice, 41, {u"bob"_s}, {{u"bob"_s, bob.number}}, mid));
        QCOMPARE(errorCode(a->reply(41, WaitMs)), u"replay"_s);

        // Key entries that do not match the device lists.
        a->send(sendFrame(alice, 42, {u"bob"_s, u"zed"_s}, {{u"bob"_s, 7}}, crypto::randomBytes(16)));
        auto mismatch = a->reply(42, WaitMs);
        QCOMPARE(errorCode(mismatch), u"device_mismatch"_s);
        QCOMPARE(mismatch->array("missing"_L1).size(), 1);
        QCOMPARE(mismatch->array("missing"_L1).at(0).toMap().value("device"_L1).toInteger(), qint64(bob.number));
        QCOMPARE(mismatch->array("stale"_L1).size(), 1);
        QCOMPARE(mismatch->array("stale"_L1).at(0).toMap().value("device"_L1).toInteger(), 7);
        QCOMPARE(mismatch->array("unknown"_L1), QCborArray{u"zed"_s});

        // Unsorted recipients, stale time; a send that names its sender.
        a->send(sendFrame(alice, 43, {u"bob"_s, u"alice"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(a->reply(43, WaitMs)), u"bad_field"_s);
        a->send(sendFrame(alice, 44, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16),
                          QDateTime::currentMSecsSinceEpoch() - 10 * 60 * 1000));
        QCOMPARE(errorCode(a->reply(44, WaitMs)), u"stale_time"_s);
        Frame named = sendFrame(alice, 46, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16));
        named.set("from"_L1, u"bob"_s);
        a->send(named);
        auto refused = a->reply(46, WaitMs);
        QCOMPARE(errorCode(refused), u"bad_field"_s);
        QVERIFY(refused->text("msg"_L1).contains(u"from"_s));

        // A bad signature is for the recipients to find: the server relays the message stamped with the sender of
        // the session, and the signature does not verify over the core the recipient rebuilds.
        const QByteArray forgedMid = crypto::randomBytes(16);
        a->send(sendFrame(alice, 45, {u"bob"_s}, {{u"bob"_s, bob.number}}, forgedMid, 0, false));
        QCOMPARE(errorCode(a->reply(45, WaitMs)), u"accepted"_s);
        auto badlySigned = b->next(u"msg"_s, WaitMs);
        QVERIFY(badlySigned);
        QCOMPARE(badlySigned->bytes("mid"_L1), forgedMid);
        QCOMPARE(badlySigned->text("from"_L1), alice.user);
        QCOMPARE(badlySigned->uint("dev"_L1), quint64(alice.number));
        QVERIFY(!alice.key.verify(protocol::MessageCore::of(protocol::Msg::from(*badlySigned)).encode(),
                                  badlySigned->bytes("sig"_L1)));
        b->send(Frame(u"ack"_s).set("seqs"_L1, QCborArray{qint64(badlySigned->uint("seq"_L1))}));
        const auto queuedForBob = [this, &bob]() -> qint64 {
            Db &db = m_server->store()->reader();
            auto user = db.userByName(bob.user);
            auto device = user ? db.device(user->id, bob.number) : Result<DeviceRecord>(user.error());
            auto count = device ? db.queuedCount(device->id) : Result<qint64>(device.error());
            return count ? *count : -1;
        };
        QTRY_COMPARE_WITH_TIMEOUT(queuedForBob(), qint64(0), WaitMs);   // the ack is committed

        // Offline delivery: queued while bob is away, delivered in order after login, then `synced`.
        b->socket().close();
        QVERIFY(b->waitClosed(WaitMs));
        QList<quint64> sentSeqs;
        for (int i = 0; i < 3; ++i) {
            a->send(sendFrame(alice, quint64(50 + i), {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
            QCOMPARE(errorCode(a->reply(quint64(50 + i), WaitMs)), u"accepted"_s);
        }
        auto back = connectTo(*m_server);
        QVERIFY(back);
        back->send(bob.loginFrame(60, back->hello().bytes("ch"_L1)));
        auto welcome = back->reply(60, WaitMs);
        QCOMPARE(errorCode(welcome), u"welcome"_s);
        QCOMPARE(welcome->uint("queued"_L1), quint64(3));
        QCOMPARE(welcome->boolean("lr"_L1), true);
        quint64 last = 0;
        QCborArray acks;
        for (int i = 0; i < 3; ++i) {
            auto m = back->next(u"msg"_s, WaitMs);
            QVERIFY(m);
            QVERIFY(m->uint("seq"_L1) > last);
            last = m->uint("seq"_L1);
            acks.append(qint64(last));
        }
        QVERIFY(back->next(u"synced"_s, WaitMs));
        // Live delivery after synced.
        a->send(sendFrame(alice, 61, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(a->reply(61, WaitMs)), u"accepted"_s);
        auto live = back->next(u"msg"_s, WaitMs);
        QVERIFY(live);
        QVERIFY(live->uint("seq"_L1) > last);
        acks.append(qint64(live->uint("seq"_L1)));
        back->send(Frame(u"ack"_s).set("seqs"_L1, acks));

        // Acked messages are gone: a later login finds an empty queue.
        back->socket().close();
        QVERIFY(back->waitClosed(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto c = connectTo(*m_server);
                if (!c)
                    return false;
                c->send(bob.loginFrame(70, c->hello().bytes("ch"_L1)));
                auto w = c->reply(70, WaitMs);
                return w && w->type == u"welcome"_s && w->uint("queued"_L1) == 0 && c->next(u"synced"_s, WaitMs).has_value()
                    && c->next(u"refill"_s, WaitMs).has_value() && c->pending() == 0;
            }(),
            WaitMs);
        QVERIFY(a->invalidFrames().isEmpty());
    }

    void recoveryBundle()
    {
        TestDevice gina = TestDevice::create(u"gina"_s);
        auto client = enrollAndLogin(*m_server, gina);
        QVERIFY(client);
        client->send(Frame(u"recovery_get"_s, 1));
        auto none = client->reply(1, WaitMs);
        QCOMPARE(errorCode(none), u"recovery"_s);
        QVERIFY(!none->has("blob"_L1));
        const QByteArray blob = crypto::randomBytes(500);
        client->send(Frame(u"recovery_put"_s, 2).set("blob"_L1, blob));
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"ok"_s);
        client->send(Frame(u"recovery_get"_s, 3));
        auto got = client->reply(3, WaitMs);
        QCOMPARE(errorCode(got), u"recovery"_s);
        QCOMPARE(got->bytes("blob"_L1), blob);

        // A second device of the user sees the bundle through enroll_info.
        auto other = connectTo(*m_server);
        QVERIFY(other);
        other->send(Frame(u"enroll_info"_s, 4).set("user"_L1, gina.user).set("code"_L1, enrollCode(*m_server, gina.user)));
        auto info = other->reply(4, WaitMs);
        QCOMPARE(errorCode(info), u"enroll_info_ok"_s);
        QCOMPARE(info->boolean("new_user"_L1), false);
        QCOMPARE(info->bytes("recovery"_L1), blob);
    }

    void syncCopyToOwnDevices()
    {
        TestDevice hal1 = TestDevice::create(u"hal"_s);
        TestDevice hal2 = TestDevice::create(u"hal"_s, hal1.root);
        TestDevice ivy = TestDevice::create(u"ivy"_s);
        auto h1 = enrollAndLogin(*m_server, hal1);
        QVERIFY(h1);
        auto h2 = enrollAndLogin(*m_server, hal2);
        QVERIFY(h2);
        auto i = enrollAndLogin(*m_server, ivy);
        QVERIFY(i);
        QCOMPARE(hal2.number, quint32(2));

        // Without the sync copy the send is refused: hal's other device is missing.
        h1->send(sendFrame(hal1, 1, {u"ivy"_s}, {{u"ivy"_s, ivy.number}}, crypto::randomBytes(16)));
        auto mismatch = h1->reply(1, WaitMs);
        QCOMPARE(errorCode(mismatch), u"device_mismatch"_s);
        QCOMPARE(mismatch->array("missing"_L1).at(0).toMap().value("user"_L1).toString(), u"hal"_s);

        h1->send(sendFrame(hal1, 2, {u"ivy"_s}, {{u"hal"_s, 2}, {u"ivy"_s, ivy.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(h1->reply(2, WaitMs)), u"accepted"_s);
        QVERIFY(i->next(u"msg"_s, WaitMs));
        auto copy = h2->next(u"msg"_s, WaitMs);
        QVERIFY(copy);
        QCOMPARE(copy->text("from"_L1), u"hal"_s);
        QCOMPARE(copy->uint("dev"_L1), quint64(1));
        QCOMPARE(h1->pending(), 0);
    }

    void concurrentSendersArriveInOrder()
    {
        TestDevice kai = TestDevice::create(u"kai"_s);
        TestDevice lou = TestDevice::create(u"lou"_s);
        TestDevice max = TestDevice::create(u"max"_s);
        auto k = enrollAndLogin(*m_server, kai);
        QVERIFY(k);
        auto l = enrollAndLogin(*m_server, lou);
        QVERIFY(l);
        auto m = enrollAndLogin(*m_server, max);
        QVERIFY(m);

        // Two senders on their own connections (spread over the workers) pipeline messages to one recipient.
        constexpr int PerSender = 150;
        QList<QByteArray> fromKai;
        QList<QByteArray> fromLou;
        for (int i = 0; i < PerSender; ++i) {
            fromKai.append(protocol::encode(sendFrame(kai, quint64(100 + i), {u"max"_s}, {{u"max"_s, max.number}}, crypto::randomBytes(16))));
            fromLou.append(protocol::encode(sendFrame(lou, quint64(100 + i), {u"max"_s}, {{u"max"_s, max.number}}, crypto::randomBytes(16))));
        }
        for (int i = 0; i < PerSender; ++i) {
            k->sendRaw(fromKai.at(i));
            l->sendRaw(fromLou.at(i));
        }
        quint64 last = 0;
        int received = 0;
        QCborArray acks;
        while (received < 2 * PerSender) {
            auto msg = m->next(u"msg"_s, WaitMs);
            QVERIFY2(msg, qPrintable(u"received %1 of %2"_s.arg(received).arg(2 * PerSender)));
            QVERIFY(msg->uint("seq"_L1) > last);
            last = msg->uint("seq"_L1);
            ++received;
            acks.append(qint64(last));
            if (acks.size() == 100) {
                m->send(Frame(u"ack"_s).set("seqs"_L1, acks));
                acks = {};
            }
        }
        for (int i = 0; i < PerSender; ++i) {
            QCOMPARE(errorCode(k->reply(quint64(100 + i), WaitMs)), u"accepted"_s);
            QCOMPARE(errorCode(l->reply(quint64(100 + i), WaitMs)), u"accepted"_s);
        }
        // One more message, committed after all of them: delivery is in order, so anything sent twice before it
        // reaches max ahead of it.
        const QByteArray marker = crypto::randomBytes(16);
        k->send(sendFrame(kai, 999, {u"max"_s}, {{u"max"_s, max.number}}, marker));
        QCOMPARE(errorCode(k->reply(999, WaitMs)), u"accepted"_s);
        auto after = m->next(u"msg"_s, WaitMs);
        QVERIFY(after);
        QVERIFY(after->uint("seq"_L1) > last);
        QCOMPARE(after->bytes("mid"_L1), marker);
        QCOMPARE(m->pending(), 0);   // nothing twice
    }

    void deliveryWindow()
    {
        TestDevice ned = TestDevice::create(u"ned"_s);
        TestDevice ola = TestDevice::create(u"ola"_s);
        auto n = enrollAndLogin(*m_server, ned);
        QVERIFY(n);
        auto o = enrollAndLogin(*m_server, ola);
        QVERIFY(o);
        o->socket().close();
        QVERIFY(o->waitClosed(WaitMs));

        constexpr int Backlog = 1050;
        for (int i = 0; i < Backlog; ++i)
            n->send(sendFrame(ned, quint64(1000 + i), {u"ola"_s}, {{u"ola"_s, ola.number}}, crypto::randomBytes(16)));
        for (int i = 0; i < Backlog; ++i)
            QCOMPARE(errorCode(n->reply(quint64(1000 + i), WaitMs)), u"accepted"_s);

        auto back = connectTo(*m_server);
        QVERIFY(back);
        back->send(ola.loginFrame(1, back->hello().bytes("ch"_L1)));
        auto welcome = back->reply(1, WaitMs);
        QCOMPARE(errorCode(welcome), u"welcome"_s);
        QCOMPARE(welcome->uint("queued"_L1), quint64(Backlog));
        QCOMPARE(back->next(u"refill"_s, WaitMs)->uint("remaining"_L1), quint64(0));   // ola never uploaded prekeys
        QList<quint64> seqs;
        while (seqs.size() < 1000) {
            auto msg = back->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(seqs.isEmpty() || msg->uint("seq"_L1) > seqs.last());
            seqs.append(msg->uint("seq"_L1));
        }
        // The window is full: nothing more until acks arrive. The session streams its backlog before it reads the
        // next request, so the reply to one sent now comes after any message beyond the window.
        back->send(Frame(u"rooms"_s, 2));
        auto rooms = back->reply(2, WaitMs);
        QVERIFY(rooms);
        QCOMPARE(rooms->type, u"room_list"_s);
        QCOMPARE(back->pending(), 0);
        QCborArray acks;
        for (int i = 0; i < 100; ++i)
            acks.append(qint64(seqs.at(i)));
        back->send(Frame(u"ack"_s).set("seqs"_L1, acks));
        for (int i = 0; i < Backlog - 1000; ++i) {
            auto msg = back->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(msg->uint("seq"_L1) > seqs.last());
            seqs.append(msg->uint("seq"_L1));
        }
        QVERIFY(back->next(u"synced"_s, WaitMs));
    }

    // A message sent again under its id (the sender lost its connection before `accepted`) is answered with the
    // first `accepted` and delivered once; another message under a used id is a replay.
    void resentMessageIsAcceptedOnce()
    {
        TestDevice quin = TestDevice::create(u"quin"_s);
        TestDevice rae = TestDevice::create(u"rae"_s);
        auto q = enrollAndLogin(*m_server, quin);
        QVERIFY(q);
        auto r = enrollAndLogin(*m_server, rae);
        QVERIFY(r);

        // Cut off right after sending: whether or not the first copy was stored, the second is accepted.
        const Frame lost = sendFrame(quin, 1, {u"rae"_s}, {{u"rae"_s, rae.number}}, crypto::randomBytes(16));
        q->send(lost);
        q->socket().abort();
        auto again = login(*m_server, quin);
        QVERIFY(again);
        Frame resent = lost;
        resent.id = 2;
        again->send(resent);
        const auto accepted = again->reply(2, WaitMs);
        QCOMPARE(errorCode(accepted), u"accepted"_s);
        QCOMPARE(accepted->bytes("mid"_L1), lost.bytes("mid"_L1));

        // Sent a third time on the same connection: the same answer.
        resent.id = 3;
        again->send(resent);
        const auto third = again->reply(3, WaitMs);
        QCOMPARE(errorCode(third), u"accepted"_s);
        QCOMPARE(third->uint("seq"_L1), accepted->uint("seq"_L1));

        // Other content under the same id: refused.
        Frame other = sendFrame(quin, 4, {u"rae"_s}, {{u"rae"_s, rae.number}}, lost.bytes("mid"_L1));
        again->send(other);
        QCOMPARE(errorCode(again->reply(4, WaitMs)), u"replay"_s);

        // Delivered once: the next message rae gets after it is the marker sent afterwards.
        const QByteArray marker = crypto::randomBytes(16);
        again->send(sendFrame(quin, 5, {u"rae"_s}, {{u"rae"_s, rae.number}}, marker));
        QCOMPARE(errorCode(again->reply(5, WaitMs)), u"accepted"_s);
        const auto first = r->next(u"msg"_s, WaitMs);
        QVERIFY(first);
        QCOMPARE(first->bytes("mid"_L1), lost.bytes("mid"_L1));
        const auto next = r->next(u"msg"_s, WaitMs);
        QVERIFY(next);
        QCOMPARE(next->bytes("mid"_L1), marker);
        QVERIFY(!r->take([](const Frame &f) { return f.type == u"msg"_s; }, 0));
    }

    // A device that logs in with fewer than 20 one-time prekeys gets `refill` right after `welcome`, with its count.
    void refillAfterWelcomeWhenThePoolIsLow()
    {
        TestDevice pia = TestDevice::create(u"pia"_s);
        auto first = connectTo(*m_server);
        QVERIFY(first);
        first->send(pia.enrollFrame(1, enrollCode(*m_server, pia.user)));
        const auto enrolled = first->reply(1, WaitMs);
        QCOMPARE(errorCode(enrolled), u"enrolled"_s);
        pia.number = quint32(enrolled->uint("device"_L1));

        auto empty = welcomed(*m_server, pia);
        QVERIFY(empty);
        const auto none = empty->next(u"refill"_s, WaitMs);
        QVERIFY(none);
        QCOMPARE(none->uint("remaining"_L1), quint64(0));
        QVERIFY(uploadPrekeys(*empty, pia, 1, 19, true));

        auto low = welcomed(*m_server, pia);
        QVERIFY(low);
        const auto nineteen = low->next(u"refill"_s, WaitMs);
        QVERIFY(nineteen);
        QCOMPARE(nineteen->uint("remaining"_L1), quint64(19));
        QVERIFY(uploadPrekeys(*low, pia, 20, 1, false));

        // 20 keys: none. `refill` would come before `synced`.
        auto full = welcomed(*m_server, pia);
        QVERIFY(full);
        QVERIFY(full->next(u"synced"_s, WaitMs));
        QVERIFY(!full->take([](const Frame &f) { return f.type == u"refill"_s; }, 0));
    }
};

QTEST_GUILESS_MAIN(tst_ServerMessaging)
#include "tst_servermessaging.moc"
