// Tests of the store's writer: group commits (a failing operation alone rolled back, a failed commit failing the
// whole group, writes in a stream gathered into one commit), results on the caller's thread, many writers at once,
// closing and reopening, the per-thread readers, a database kept busy by another process, and the commits counted.

#include "storefixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_StoreWriter : public StoreTest {
    Q_OBJECT

private Q_SLOTS:
    void failingOperationDoesNotAffectItsGroup()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);

        Gate gate;
        gate.hold(*store, this);
        Outcome<void> a, b, c;
        QObject context;   // destroyed first: nothing is delivered into a finished test
        store->write<void>(&context, [&](Db &db) { return db.putRecovery(alice->userId, QByteArray("alice's")); }, a.receiver());
        store->write<void>(&context, [&](Db &db) -> Status {
            if (Status s = db.putRecovery(bob->userId, QByteArray("bob's")); !s)
                return s;
            return makeError(ErrorCode::Conflict, u"changed my mind"_s);
        }, b.receiver());
        store->write<void>(&context, [&](Db &db) { return db.touchDevice(bob->deviceId, 77); }, c.receiver());
        gate.open();

        QTRY_VERIFY_WITH_TIMEOUT(a.result && b.result && c.result, LongWaitMs);
        QVERIFY(a.result->ok());
        QVERIFY(!b.result->ok());
        QCOMPARE(b.result->error().code, ErrorCode::Conflict);
        QCOMPARE(b.result->error().message, u"changed my mind"_s);
        QVERIFY(c.result->ok());
        QCOMPARE(*store->reader().recovery(alice->userId), "alice's");
        QVERIFY(store->reader().recovery(bob->userId)->isEmpty());
        QCOMPARE(store->reader().deviceById(bob->deviceId)->lastSeen, 77);
    }

    // A write that follows a commit closely waits (up to the configured delay) for more to share its commit, and
    // goes as soon as enough are waiting; a write after a quiet spell commits at once. The delay here is far longer
    // than any wait the test makes, so which of the three happened does not depend on the machine's speed.
    void streamedWritesWaitToShareACommit()
    {
        constexpr int DelayUs = 30 * 1000 * 1000;
        Result<EnrollResult> alice = makeError(ErrorCode::Internal, u"not made"_s);
        {
            auto plain = openStore();
            QVERIFY(plain);
            alice = newUser(*plain, u"alice"_s, 'a');
            QVERIFY(alice);
        }
        auto store = openStore(2000, 5000, DelayUs);
        QVERIFY(store);
        QObject context;
        // After a quiet spell (here: none yet) a write commits at once.
        Outcome<void> first;
        store->write<void>(&context, [&](Db &db) { return db.touchDevice(alice->deviceId, 1000); }, first.receiver());
        QTRY_VERIFY_WITH_TIMEOUT(first.result && first.result->ok(), DelayUs / 3000);
        std::vector<Outcome<void>> outcomes(64);
        store->write<void>(&context, [&](Db &db) { return db.touchDevice(alice->deviceId, 1); }, outcomes[0].receiver());
        QTest::qWait(500);
        QVERIFY2(!outcomes[0].result, "a write in a stream committed without waiting for more");
        for (int i = 1; i < 64; ++i)
            store->write<void>(&context, [&, i](Db &db) { return db.touchDevice(alice->deviceId, 1 + i); }, outcomes[size_t(i)].receiver());
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(outcomes.cbegin(), outcomes.cend(), [](const auto &o) { return o.result && o.result->ok(); }),
                                 DelayUs / 3000);
        QCOMPARE(store->reader().deviceById(alice->deviceId)->lastSeen, 64);
    }

    void commitFailureFailsTheWholeGroup()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"group commit of .* failed"_s));
        Gate gate;
        gate.hold(*store, this);
        // The writer inside the gate's write before the three come: otherwise it can take the gate and the first of
        // them as one group, and the other two as the next.
        QTRY_COMPARE_WITH_TIMEOUT(store->queuedWrites(), std::size_t(0), LongWaitMs);
        Outcome<void> a, b, c;
        QObject context;   // destroyed first: nothing is delivered into a finished test
        store->write<void>(&context, [&](Db &db) { return db.putRecovery(alice->userId, QByteArray("first")); }, a.receiver());
        // Violates a constraint only checked at COMMIT.
        store->write<void>(&context, [](Db &db) { return failAtCommit(db); }, b.receiver());
        store->write<void>(&context, [&](Db &db) { return db.touchDevice(alice->deviceId, 55); }, c.receiver());
        gate.open();

        QTRY_VERIFY_WITH_TIMEOUT(a.result && b.result && c.result, LongWaitMs);
        for (Outcome<void> *o : {&a, &b, &c}) {
            QVERIFY(!o->result->ok());
            QCOMPARE(o->result->error().code, ErrorCode::Database);
        }
        QVERIFY(store->reader().recovery(alice->userId)->isEmpty());
        QCOMPARE(store->reader().deviceById(alice->deviceId)->lastSeen, 0);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM prekeys"_s), 0);

        // The writer carries on.
        QVERIFY(store->writeSync<void>([&](Db &db) { return db.putRecovery(alice->userId, QByteArray("second")); }));
        QCOMPARE(*store->reader().recovery(alice->userId), "second");
    }

    // Each group commit is counted once: its duration when it succeeded, a failure otherwise. A failure that is not
    // the storage's does not mark the storage failing.
    void commitsAreCounted()
    {
        StoreMetrics metrics;
        auto store = openStore(2000, 5000, 0, &metrics);
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        const quint64 before = metrics.commitDuration.snapshot().count;
        QVERIFY(before >= 1);
        // writeSync waits for its commit: three commits.
        for (int i = 0; i < 3; ++i)
            QVERIFY(store->writeSync<void>([&, i](Db &db) { return db.touchDevice(alice->deviceId, i); }));
        const metrics::Histogram::Snapshot after = metrics.commitDuration.snapshot();
        QCOMPARE(after.count, before + 3);
        QVERIFY(after.sum > 0);
        QCOMPARE(metrics.commitFailures.value(), quint64(0));

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"group commit of .* failed"_s));
        const Status failed = store->writeSync<void>([](Db &db) { return failAtCommit(db); });
        QVERIFY(!failed);
        QCOMPARE(metrics.commitFailures.value(), quint64(1));
        QCOMPARE(metrics.commitDuration.snapshot().count, before + 3);
        QVERIFY(!store->storageFailing());
    }

    void resultsArriveOnTheContextThread()
    {
        auto store = openStore();
        QVERIFY(store);
        Outcome<int> here;
        QObject mine;
        store->write<int>(&mine, [](Db &) -> Result<int> { return 42; }, here.receiver());
        QVERIFY(!here.result);   // never synchronously
        QTRY_VERIFY(here.result);
        QCOMPARE(**here.result, 42);
        QCOMPARE(here.thread, QThread::currentThread());

        QThread thread;
        QObject context;
        context.moveToThread(&thread);
        thread.start();
        Outcome<int> there;
        store->write<int>(&context, [](Db &) -> Result<int> { return 7; }, there.receiver());
        QTRY_VERIFY(there.result);
        QCOMPARE(there.thread, &thread);
        thread.quit();
        QVERIFY(thread.wait());
    }

    void resultsDroppedWhenTheContextIsGone()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        Gate gate;
        gate.hold(*store, this);
        bool called = false;
        auto context = std::make_unique<QObject>();
        store->write<void>(context.get(), [&](Db &db) { return db.putRecovery(alice->userId, QByteArray("kept")); },
                           [&](Status) { called = true; });
        context.reset();
        gate.open();
        QVERIFY(store->writeSync<void>([](Db &) { return Status(); }));
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QVERIFY(!called);
        QCOMPARE(*store->reader().recovery(alice->userId), "kept");   // the write itself happened
    }

    void manyConcurrentWritesAllCommit()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        Result<EnrollResult> carol = newUser(*store, u"carol"_s, 'c');
        QVERIFY(alice && bob && carol);
        constexpr int Threads = 4;
        constexpr int PerThread = 500;
        std::atomic<int> ok{0}, failed{0}, received{0};

        ContextThreads threads(Threads);
        for (int t = 0; t < Threads; ++t) {
            QObject *ctx = threads.context(t);
            QMetaObject::invokeMethod(ctx, [&, ctx] {
                for (int i = 0; i < PerThread; ++i) {
                    const NewMessage m = message(*alice, u"alice"_s, {bob->deviceId, carol->deviceId});
                    store->write<InsertedMessage>(
                        ctx, [m](Db &db) { return db.insertMessage(m); },
                        [&](Result<InsertedMessage> r) {
                            (r && r->seqs.size() == 2 ? ok : failed)++;
                            received++;
                        });
                }
            }, Qt::QueuedConnection);
        }
        // Meanwhile this thread reads.
        const QDeadlineTimer deadline(LongWaitMs);
        while (received.load() < Threads * PerThread && !deadline.hasExpired()) {
            QVERIFY(store->reader().queuedCount(bob->deviceId));
            QTest::qWait(5);
        }
        QCOMPARE(received.load(), Threads * PerThread);
        QVERIFY(threads.stop());
        QCOMPARE(failed.load(), 0);
        QCOMPARE(ok.load(), Threads * PerThread);
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), Threads * PerThread);
        QCOMPARE(*store->reader().queuedCount(carol->deviceId), Threads * PerThread);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), Threads * PerThread);
        Result<QList<QueuedMessage>> page = store->reader().queuePage(bob->deviceId, 0, Threads * PerThread);
        QVERIFY(page);
        for (qsizetype i = 1; i < page->size(); ++i)
            QVERIFY(page->at(i - 1).seq < page->at(i).seq);
    }

    void dataSurvivesCloseAndReopen()
    {
        QByteArray payload;
        qint64 bobDevice = 0;
        {
            auto store = openStore();
            QVERIFY(store);
            Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
            Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
            QVERIFY(alice && bob);
            bobDevice = bob->deviceId;
            const NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
            payload = m.envelope.pl;
            // Queued asynchronously and not waited for: close() finishes it.
            store->write<InsertedMessage>(this, [m](Db &db) { return db.insertMessage(m); },
                                          [](Result<InsertedMessage>) {});
            store->close();
        }
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->reader().userByName(u"alice"_s));
        Result<QList<QueuedMessage>> page = store->reader().queuePage(bobDevice, 0, 10);
        QVERIFY(page);
        QCOMPARE(page->size(), 1);
        QCOMPARE(page->first().pl, payload);
    }

    void closedStoreRefusesWork()
    {
        auto store = openStore();
        QVERIFY(store);
        store->close();
        store->close();   // twice is fine
        Result<int> sync = store->writeSync<int>([](Db &) -> Result<int> { return 1; });
        QVERIFY(!sync);
        QCOMPARE(sync.error().code, ErrorCode::Unavailable);
        Outcome<int> async;
        QObject context;
        store->write<int>(&context, [](Db &) -> Result<int> { return 1; }, async.receiver());
        QTRY_VERIFY(async.result);
        QVERIFY(!async.result->ok());
        QCOMPARE(async.result->error().code, ErrorCode::Unavailable);
        Result<UserRecord> read = store->reader().userByName(u"alice"_s);
        QVERIFY(!read);
        QCOMPARE(read.error().code, ErrorCode::Unavailable);
    }

    void writeSyncInsideAnOperationIsRefused()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<int> outer = store->writeSync<int>([&](Db &) -> Result<int> {
            Result<int> inner = store->writeSync<int>([](Db &) -> Result<int> { return 1; });
            if (inner)
                return 1;
            return inner.error().code == ErrorCode::Internal ? 2 : 3;
        });
        QVERIFY(outer);
        QCOMPARE(*outer, 2);
    }

    void readerIsReadOnlyAndCurrent()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<QString> viaReader = store->reader().createEnrollCode(u"alice"_s, 1000);
        QVERIFY(!viaReader);
        QCOMPARE(viaReader.error().code, ErrorCode::Database);

        Result<UserRecord> before = store->reader().userByName(u"alice"_s);
        QVERIFY(!before);
        QCOMPARE(before.error().code, ErrorCode::NotFound);
        QVERIFY(newUser(*store, u"alice"_s, 'a'));
        QVERIFY(store->reader().userByName(u"alice"_s));   // a new read sees the latest commit
        QCOMPARE(&store->reader(), &store->reader());
    }

    void readerConnectionsGoAway()
    {
        auto connections = [] {
            QStringList names = QSqlDatabase::connectionNames();
            names.removeIf([](const QString &n) { return !n.startsWith(u"parley-store-"_s); });
            return names;
        };
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(newUser(*store, u"alice"_s, 'a'));
        const int base = connections().size();   // the writer and this thread's reader
        QVERIFY(base >= 1);

        // A thread that finishes drops its connection.
        std::atomic<bool> shortRead{false};
        std::unique_ptr<QThread> shortLived(QThread::create([&] {
            shortRead = store->reader().userByName(u"alice"_s).ok();
        }));
        shortLived->start();
        QVERIFY(shortLived->wait(LongWaitMs));
        QVERIFY(shortRead.load());
        QCOMPARE(connections().size(), base);

        // A thread with an event loop drops it when the store closes.
        QThread looping;
        QObject context;
        context.moveToThread(&looping);
        looping.start();
        std::atomic<bool> read{false};
        QMetaObject::invokeMethod(&context, [&] {
            read = store->reader().userByName(u"alice"_s).ok();
        }, Qt::QueuedConnection);
        QTRY_VERIFY(read.load());
        QCOMPARE(connections().size(), base + 1);

        store->close();
        QTRY_COMPARE(connections().size(), 0);
        looping.quit();
        QVERIFY(looping.wait());
        store.reset();
        QCOMPARE(connections().size(), 0);
    }

    void busyDatabaseIsRetried()
    {
        if (onPostgres())
            QSKIP("SQLite's write lock: PostgreSQL's writers do not wait for one another to begin");
        auto store = openStore(2000, 20);
        QVERIFY(store);
        WriteLockHolder blocker(dbPath());
        QVERIFY(blocker.locked());
        Outcome<QString> outcome;
        QObject context;
        store->write<QString>(&context, [](Db &db) { return db.createEnrollCode(u"alice"_s, 1000); },
                              outcome.receiver());
        QTimer::singleShot(100, this, [&] { QVERIFY(blocker.end(u"COMMIT"_s)); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.result, LongWaitMs);
        QVERIFY2(outcome.result->ok(), qPrintable(outcome.result->ok() ? QString() : outcome.result->error().message));
    }

    void busyDatabaseFailsAfterRetries()
    {
        if (onPostgres())
            QSKIP("SQLite's write lock: PostgreSQL's writers do not wait for one another to begin");
        auto store = openStore(2000, 10);
        QVERIFY(store);
        {
            WriteLockHolder blocker(dbPath());
            QVERIFY(blocker.locked());
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot start a write transaction"_s));
            Outcome<QString> outcome;
            QObject context;
            store->write<QString>(&context, [](Db &db) { return db.createEnrollCode(u"alice"_s, 1000); },
                                  outcome.receiver());
            QTRY_VERIFY_WITH_TIMEOUT(outcome.result, LongWaitMs);
            QVERIFY(!outcome.result->ok());
            QCOMPARE(outcome.result->error().code, ErrorCode::Database);
            QVERIFY(blocker.end(u"ROLLBACK"_s));
        }
        QVERIFY(newCode(*store, u"alice"_s));
    }
};

QTEST_GUILESS_MAIN(tst_StoreWriter)
#include "tst_storewriter.moc"
