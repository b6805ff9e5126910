// Tests of what only the PostgreSQL store has (the store's other tests run on it too: tst_store*_postgresql): the
// errors of bad connection settings, each naming its [store] setting; TLS with the server's certificate verified;
// the server restarted under the store's feet (writes refused with Io while it is away, nothing committed lost, the
// store connecting again by itself); prekeys claimed from one pool by two stores at once (the writers of two nodes),
// each key once; and changes made by another connection reaching the change feed.

#include "storefixture.h"

#include "store/sharedlimits.h"

#include <QDateTime>
#include <QMutex>
#include <QScopeGuard>
#include <QSqlDriver>

#include <functional>
#include <vector>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

namespace {

// Collects what a store's change feed reports.
class ChangeLog {
public:
    explicit ChangeLog(Store &store) : m_store(store)
    {
        m_id = store.subscribe([this](const StoreChanges &c) {
            QMutexLocker lock(&m_mutex);
            m_changes.append(c);
        });
    }
    ~ChangeLog() { m_store.unsubscribe(m_id); }

    QList<StoreChanges> take()
    {
        QMutexLocker lock(&m_mutex);
        return std::exchange(m_changes, {});
    }

private:
    Store &m_store;
    int m_id = 0;
    QMutex m_mutex;
    QList<StoreChanges> m_changes;
};

bool anyEverything(const QList<StoreChanges> &changes)
{
    return std::any_of(changes.cbegin(), changes.cend(), [](const StoreChanges &c) { return c.everything; });
}

} // namespace

class tst_StorePostgres : public StoreTest {
    Q_OBJECT

    Result<std::unique_ptr<Store>> openWith(const PostgresSettings &settings)
    {
        StoreOptions options = storeOptions();
        options.postgres = settings;
        return Store::open(options);
    }

private Q_SLOTS:
    // Each setting that keeps the store from connecting is named in the error.
    void badSettingsAreNamed_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("wrong password") << u"password"_s << u"not-the-password"_s << u"store/password_file"_s;
        QTest::newRow("no password") << u"password"_s << QString() << u"store/password_file"_s;
        QTest::newRow("unknown user") << u"user"_s << u"nobody_here"_s << u"store/user"_s;
        QTest::newRow("missing database") << u"database"_s << u"no_such_database"_s << u"store/database"_s;
        QTest::newRow("nothing listening") << u"port"_s << u"1"_s << u"store/port"_s;
        QTest::newRow("unknown host") << u"host"_s << u"no-such-host.invalid"_s << u"store/host"_s;
        QTest::newRow("no socket") << u"host"_s << u"/nonexistent-socket-dir"_s << u"store/host"_s;
        QTest::newRow("certificate from another CA") << u"ca_file"_s << u"other"_s << u"store/ca_file"_s;
        QTest::newRow("CA file missing") << u"ca_file"_s << u"/nonexistent/ca.crt"_s << u"store/ca_file"_s;
    }

    void badSettingsAreNamed()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, named);
        PostgresSettings settings = field == u"ca_file"_s ? s_postgres->tlsSettings(m_database) : s_postgres->settings(m_database);
        if (field == u"password"_s)
            settings.password = value;
        else if (field == u"user"_s)
            settings.user = value;
        else if (field == u"database"_s)
            settings.database = value;
        else if (field == u"port"_s)
            settings.port = value.toInt();
        else if (field == u"host"_s)
            settings.host = value;
        else if (field == u"ca_file"_s)
            settings.caFile = value == u"other"_s ? s_postgres->otherCaFile() : value;
        Result<std::unique_ptr<Store>> store = openWith(settings);
        QVERIFY(!store);
        QVERIFY2(store.error().message.contains(named), qPrintable(store.error().message));
        QVERIFY2(!store.error().message.contains(PostgresServer::RolePassword), "the password is in the error");
        qInfo().noquote() << store.error().message;
    }

    // TLS with the server's certificate checked against the CA for the host's name: the store works.
    void tlsVerifiesTheServer()
    {
        Result<std::unique_ptr<Store>> store = openWith(s_postgres->tlsSettings(m_database));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        QVERIFY(newUser(**store, u"alice"_s, 'a'));
        QSqlQuery tls((*store)->reader().database());
        QVERIFY(tls.exec(u"SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"_s) && tls.next());
        QVERIFY(tls.value(0).toBool());
    }

    // The server goes away with the store open: writes are refused with Io (the storage failing) and count as not
    // stored, reads fail too; once the server is back, the store connects again by itself, every write it answered
    // before is there, and its caches hear that anything may have changed.
    void reconnectsAfterARestart()
    {
        auto store = openStore();
        QVERIFY(store);
        ChangeLog changes(*store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        QVERIFY(insert(*store, message(*alice, u"alice"_s, {bob->deviceId})));
        QVERIFY(store->reader().userByName(u"alice"_s));

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Storage failure: "_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Storage recovered: "_s));
        QVERIFY2(s_postgres->stop(), qPrintable(s_postgres->error()));
        for (int i = 0; i < 3; ++i) {
            const Result<InsertedMessage> refused = insert(*store, message(*alice, u"alice"_s, {bob->deviceId}));
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::Io);
            QVERIFY(store->storageFailing());
        }
        const Result<UserRecord> read = store->reader().userByName(u"alice"_s);
        QVERIFY(!read);
        QCOMPARE(read.error().code, ErrorCode::Io);

        QVERIFY2(s_postgres->startServer(), qPrintable(s_postgres->error()));
        (void)changes.take();
        Result<InsertedMessage> after = makeError(ErrorCode::Internal, u"not sent"_s);
        for (int i = 0; i < 50 && !after; ++i) {
            after = insert(*store, message(*alice, u"alice"_s, {bob->deviceId}));
            if (!after)
                QTest::qWait(100);   // a reconnect is tried at most once a second
        }
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QVERIFY(!store->storageFailing());
        Result<UserRecord> reread = makeError(ErrorCode::Internal, u"not read"_s);
        for (int i = 0; i < 50 && !reread; ++i) {
            reread = store->reader().userByName(u"alice"_s);
            if (!reread)
                QTest::qWait(100);
        }
        QVERIFY2(reread, qPrintable(reread ? QString() : reread.error().message));
        QCOMPARE(*store->reader().queuedCount(bob->deviceId), 2);   // the one before and the one after; none of those refused
        QVERIFY(anyEverything(changes.take()));
    }

    // The same under load: threads write while the server stops (fast: its sessions are ended) and starts again.
    // Every write the store answered as done is in the database afterwards; every other one failed with Io.
    void restartUnderLoad()
    {
        auto store = openStore(50);
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(alice && bob);
        QMutex mutex;
        QList<QByteArray> stored;
        QStringList unexpected;
        std::atomic<int> refused{0};
        std::atomic<bool> stop{false};
        // Each thread's next write. Held here, not by the callbacks (a function that held itself would never be
        // freed), and declared before the threads, so that it outlives them. The callbacks capture by value what
        // they need of each other: a captured function copy is gone once its timer fired.
        std::vector<std::function<void()>> chains(3);
        ContextThreads threads(3);
        for (int t = 0; t < 3; ++t) {
            QObject *ctx = threads.context(t);
            std::function<void()> *next = &chains[size_t(t)];
            *next = [&, ctx, next] {
                if (stop)
                    return;
                const NewMessage m = message(*alice, u"alice"_s, {bob->deviceId});
                store->write<InsertedMessage>(ctx, [m](Db &db) { return db.insertMessage(m); },
                                              [&, ctx, next, mid = m.envelope.mid](Result<InsertedMessage> r) {
                                                  {
                                                      QMutexLocker lock(&mutex);
                                                      if (r)
                                                          stored.append(mid);
                                                      else if (r.error().code == ErrorCode::Io)
                                                          ++refused;
                                                      else
                                                          unexpected.append(r.error().message);
                                                  }
                                                  QTimer::singleShot(r ? 0 : 20, ctx, *next);
                                              });
            };
            QMetaObject::invokeMethod(ctx, *next, Qt::QueuedConnection);
        }
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Storage failure: "_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Storage recovered: "_s));
        QTest::qWait(300);
        QVERIFY2(s_postgres->stop(), qPrintable(s_postgres->error()));
        QTest::qWait(500);
        QVERIFY2(s_postgres->startServer(), qPrintable(s_postgres->error()));
        const qsizetype storedAtStart = [&] {
            QMutexLocker lock(&mutex);
            return stored.size();
        }();
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            QMutexLocker lock(&mutex);
            return stored.size() > storedAtStart + 50;
        }(), LongWaitMs);
        stop = true;
        QVERIFY(threads.stop());
        QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.mid(0, 5).join(u"; "_s)));
        QVERIFY(refused > 0);
        Result<QList<QueuedMessage>> queue = store->reader().queuePage(bob->deviceId, 0, 1000000);
        QVERIFY(queue);
        QSet<QByteArray> inDatabase;
        for (const QueuedMessage &m : std::as_const(*queue))
            inDatabase.insert(m.mid);
        for (const QByteArray &mid : std::as_const(stored))
            QVERIFY2(inDatabase.contains(mid), "a write answered as done is not in the database");
        qInfo("%lld writes stored, %d refused while the server was away, %lld in the queue", qint64(stored.size()),
              refused.load(), qint64(inDatabase.size()));
    }

    // Two stores on one database, as the writers of two nodes: they drain one device's pool at once, and each
    // one-time key goes to one of them only.
    void prekeysClaimedOnceAcrossStores()
    {
        auto first = openStore(20);
        auto second = openStore(20);
        QVERIFY(first && second);
        Result<EnrollResult> alice = newUser(*first, u"alice"_s, 'a');
        QVERIFY(alice);
        const qint64 device = alice->deviceId;
        constexpr int Pool = 300;
        const Result<int> added = fillPrekeys(*first, device, Pool);
        QVERIFY(added);
        QCOMPARE(*added, Pool);

        PrekeyTally tally;
        constexpr int PerStore = 200;   // 400 fetches: each key once, the rest the last-resort key
        ContextThreads threads(2);
        Store *stores[] = {first.get(), second.get()};
        // Both writers held until both queues are full, so that their group transactions overlap.
        Gate gates[2];
        gates[0].hold(*first, this);
        gates[1].hold(*second, this);
        QTRY_COMPARE_WITH_TIMEOUT(first->queuedWrites() + second->queuedWrites(), std::size_t(0), LongWaitMs);   // both held
        for (int t = 0; t < 2; ++t) {
            QObject *ctx = threads.context(t);
            Store *store = stores[t];
            QMetaObject::invokeMethod(ctx, [&, ctx, store] {
                for (int i = 0; i < PerStore; ++i)
                    tally.claim(*store, ctx, device);
            }, Qt::QueuedConnection);
        }
        QTRY_COMPARE_WITH_TIMEOUT(first->queuedWrites() + second->queuedWrites(), std::size_t(2 * PerStore), LongWaitMs);
        gates[0].open();
        gates[1].open();
        QTRY_COMPARE_WITH_TIMEOUT(tally.received.load(), 2 * PerStore, LongWaitMs);
        QVERIFY(threads.stop());
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.mid(0, 5).join(u"; "_s)));
        const QSet<quint32> unique(tally.oneTime.cbegin(), tally.oneTime.cend());
        QCOMPARE(unique.size(), tally.oneTime.size());
        QCOMPARE(tally.oneTime.size(), Pool);
        QCOMPARE(tally.lastResort, 2 * PerStore - Pool);
        QCOMPARE(*first->reader().prekeyCount(device), 0);
    }

    // The limits two nodes count together (SharedLimits): a token bucket taken from at both stores runs dry for
    // both (several keys all or none, as a fetch takes them, and one key in one statement, as a send, a room record
    // or TURN credentials take it), each kind of bucket apart; a prekey reserve's claim at one store is seen at the
    // other; every bucket goes once full again, whatever its rate.
    void limitsSharedAcrossStores()
    {
        auto first = openStore(20);
        auto second = openStore(20);
        QVERIFY(first && second);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QList<SharedLimits::Key> pair{{7, 9}};
        const auto take = [&](Store &store, qint64 at) {
            return store.writeSync<qint64>([&](Db &db) { return SharedLimits::take(db, SharedLimits::Fetch, pair, 1.0 / 60, 3, at); });
        };
        QCOMPARE(*take(*first, now), qint64(0));
        QCOMPARE(*take(*second, now), qint64(0));
        QCOMPARE(*take(*first, now), qint64(0));
        const Result<qint64> dry = take(*second, now);
        QVERIFY(dry);
        QCOMPARE(*dry, qint64(60000));             // one token comes back a minute later
        QCOMPARE(*take(*first, now + 60000), qint64(0));
        // Pruned once full again, not before.
        const auto prune = [&](Store &store, qint64 at) {
            return *store.writeSync<int>([&](Db &db) { return SharedLimits::prune(db, 1000, at); });
        };
        QCOMPARE(prune(*second, now + 60000), 0);
        QCOMPARE(prune(*second, now + 60000 + 3 * 60000), 1);

        const auto claim = [&](Store &store, qint64 at) {
            return *store.writeSync<bool>([&](Db &db) { return SharedLimits::claimReserve(db, 7, 9, 3600000, at); });
        };
        QVERIFY(claim(*first, now));
        QVERIFY(!claim(*second, now + 1000));      // within the window, whichever node
        QVERIFY(claim(*second, now + 1000 + 3600000));

        const SharedLimits::Key account{42, 0};
        const auto send = [&](Store &store, const QString &kind, qint64 at) {
            return *store.writeSync<qint64>([&](Db &db) { return SharedLimits::take(db, kind, {account}, 2, 4, at); });
        };
        for (int i = 0; i < 4; ++i)
            QCOMPARE(send(i % 2 ? *first : *second, SharedLimits::Send, now), qint64(0));
        QCOMPARE(send(*first, SharedLimits::Send, now), qint64(500));   // 2 a second: the next token in half a second
        QCOMPARE(send(*second, SharedLimits::Send, now + 250), qint64(250));
        QCOMPARE(send(*second, SharedLimits::Room, now + 250), qint64(0));   // the same ids, another kind
        QCOMPARE(send(*second, SharedLimits::Send, now + 500), qint64(0));
        QCOMPARE(send(*first, SharedLimits::Send, now + 500), qint64(500));
        qint64 wait = 0;
        const Result<bool> refused = first->writeSync<bool>([&](Db &db) -> Result<bool> {
            if (Status s = SharedLimits::takeOrRefuse(db, SharedLimits::Send, account, 2, 4, now + 600, wait); !s)
                return s.error();
            return true;
        });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::RateLimited);
        QCOMPARE(wait, qint64(400));
        // Each bucket goes once full again: the room's at now + 750, the account's 2 s after its last token (now + 500).
        QCOMPARE(prune(*first, now + 2400), 1);
        QCOMPARE(prune(*first, now + 2499), 0);
        QCOMPARE(prune(*first, now + 2500), 1);
    }

    // A key another transaction holds (another node's writer claiming it) is skipped at once: the claim takes the next
    // one, never waits for it, and the held key is there again when that transaction rolls back.
    void claimSkipsAKeyAnotherTransactionHolds()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        const qint64 device = alice->deviceId;
        QVERIFY(store->writeSync<int>([&](Db &db) {
            return db.addPrekeys(device, prekeys(1, 3), PrekeyRecord{9999, key('l'), "sig", false}, 1000);
        }));
        QSqlDatabase side = sideConnection();
        QVERIFY(side.isOpen());
        QSqlQuery hold(side);
        QVERIFY(hold.exec(u"BEGIN"_s));
        QVERIFY2(hold.exec(u"SELECT kid FROM prekeys WHERE device_id = %1 AND kid = 1 FOR UPDATE"_s.arg(device)) && hold.next(),
                 qPrintable(hold.lastError().text()));
        auto release = qScopeGuard([&hold] { hold.exec(u"ROLLBACK"_s); });   // a failed check leaves no writer waiting
        Outcome<Db::Consumed> claimed;
        QObject context;
        store->write<Db::Consumed>(&context, [device](Db &db) { return db.consumePrekey(device); }, claimed.receiver());
        QTRY_VERIFY_WITH_TIMEOUT(claimed.result, 5000);
        release.dismiss();
        QVERIFY(hold.exec(u"ROLLBACK"_s));
        QVERIFY2(claimed.result->ok(), qPrintable(claimed.result->ok() ? QString() : claimed.result->error().message));
        QCOMPARE((*claimed.result)->key.kid, 2u);
        QVERIFY(!(*claimed.result)->key.lastResort);
        Result<Db::Consumed> again = store->writeSync<Db::Consumed>([device](Db &db) { return db.consumePrekey(device); });
        QVERIFY(again);
        QCOMPARE(again->key.kid, 1u);
        hold = QSqlQuery();
        closeSideConnection(side);
    }

    // A store's own commits name what they changed. Every change of a cached row, whoever commits it (another node's
    // writer, a subcommand, psql), is announced by name on the channel parley_changes, which the daemon's cluster link
    // listens on; a change by a session that notes nothing (psql, another program) also makes this store's next commit
    // report that anything may have changed. Another parleyd store's changes do not: its names are announced.
    void changesOfAnotherConnectionReachTheFeed()
    {
        auto store = openStore();
        QVERIFY(store);
        ChangeLog changes(*store);
        QStringList heard;
        {
            QSqlDatabase listener = QSqlDatabase::cloneDatabase(sideConnection(), u"listener"_s);
            QSqlDatabase::removeDatabase(u"side"_s);
            QVERIFY(listener.open());
            QObject::connect(listener.driver(), &QSqlDriver::notification, this,
                             [&heard](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                                 heard.append(payload.toString());
                             });
            QVERIFY(listener.driver()->subscribeToNotification(u"parley_changes"_s));

            QVERIFY(newUser(*store, u"alice"_s, 'a'));
            QList<StoreChanges> own = changes.take();
            QVERIFY(!own.isEmpty());
            QVERIFY(!anyEverything(own));
            QVERIFY(std::any_of(own.cbegin(), own.cend(), [](const StoreChanges &c) { return c.users.contains(u"alice"_s); }));
            QTRY_VERIFY(heard.contains(u"1:alice"_s));

            {
                auto other = openStore();
                QVERIFY(other);
                RoomSettings settings;
                settings.maxMembers = 50;
                QVERIFY(other->writeSync<void>([&](Db &db) { return db.setRoomSettings(settings); }));
            }
            QTRY_VERIFY(heard.contains(u"3:"_s));
            QVERIFY(newCode(*store, u"bob"_s));   // any commit of this store's writer
            QVERIFY(!anyEverything(changes.take()));

            // A change by a session that notes nothing (psql, another program): announced, and counted.
            heard.clear();
            QVERIFY(elsewhere(u"UPDATE users SET suspended = 1 WHERE name = 'alice'"_s));
            QTRY_VERIFY(heard.contains(u"1:alice"_s));
            QVERIFY(newCode(*store, u"dave"_s));
            QVERIFY(anyEverything(changes.take()));
            listener.close();
        }
        QSqlDatabase::removeDatabase(u"listener"_s);
    }

    // The audit log stays append-only on PostgreSQL too.
    void auditLogIsAppendOnly()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(raw(*store, u"INSERT INTO audit_log (at, actor, action, target, outcome) VALUES (1, 'a', 'b', 'c', 'ok')"_s));
        for (const QString &statement : {u"UPDATE audit_log SET outcome = 'changed'"_s, u"DELETE FROM audit_log"_s,
                                         u"TRUNCATE audit_log"_s}) {
            const Status s = raw(*store, statement);
            QVERIFY2(!s, qPrintable(statement));
            QVERIFY2(s.error().message.contains(u"append-only"_s), qPrintable(s.error().message));
        }
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'"_s), 1);
    }
};

int main(int argc, char **argv)
{
    qputenv("PARLEY_TEST_STORE_DRIVER", "postgresql");   // the fixture's server and databases, whatever ctest says
    QCoreApplication app(argc, argv);
    tst_StorePostgres test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_storepostgres.moc"
