// The send path's caches and the store's bounded write queue against a real parleyd-core instance in this process
// (real TLS on 127.0.0.1 port 0, two workers, raw protocol frames): a device enrolled or revoked is seen by the very
// next send; room settings and rooms changed through any write path are seen by the very next read of the cache,
// also when another process wrote them; and with the writer stalled by a lock another connection holds, sends get
// `busy` once the queue is full, while every send taken is stored and delivered once the lock goes.

#include "serverfixture.h"

#include "relay/devicedirectory.h"
#include "relay/roomcache.h"
#include "store/adminstore.h"
#include "store/roomstore.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <thread>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_SendCaches : public ServerTest {
    Q_OBJECT

private:
    // Sends a message from `from` to `to` with key entries for `devices`; returns the reply.
    std::optional<Frame> send(TestClient &client, const TestDevice &from, quint64 id, const QString &to,
                              const QList<quint32> &devices)
    {
        QList<Recipient> recipients;
        for (quint32 d : devices)
            recipients.append(Recipient{to, d});
        client.send(sendFrame(from, id, {to}, recipients, crypto::randomBytes(16)));
        return client.reply(id, WaitMs);
    }

    static QStringList refs(const Frame &f, QLatin1StringView key)
    {
        QStringList out;
        for (const QCborValue &v : f.array(key))
            out.append(u"%1/%2"_s.arg(v.toMap().value("user"_L1).toString()).arg(v.toMap().value("device"_L1).toInteger()));
        return out;
    }

    static std::unique_ptr<Store> openStore(const QString &path)
    {
        StoreOptions options;
        options.path = path;
        auto store = Store::open(options);
        return store ? std::move(*store) : nullptr;
    }

private Q_SLOTS:
    void deviceChangesReachTheNextSend()
    {
        TestDevice alice = TestDevice::create(u"carol"_s);
        TestDevice bob1 = TestDevice::create(u"dave"_s);
        auto a = enrollAndLogin(*m_server, alice);
        auto b = enrollAndLogin(*m_server, bob1);
        QVERIFY(a && b);
        QCOMPARE(errorCode(send(*a, alice, 10, u"dave"_s, {bob1.number})), u"accepted"_s);   // the list is cached now

        // A second device enrolled: the next send must name it.
        TestDevice bob2 = TestDevice::create(u"dave"_s, bob1.root);
        auto b2 = enrollAndLogin(*m_server, bob2);
        QVERIFY(b2);
        auto mismatch = send(*a, alice, 11, u"dave"_s, {bob1.number});
        QCOMPARE(errorCode(mismatch), u"device_mismatch"_s);
        QCOMPARE(refs(*mismatch, "missing"_L1), QStringList{u"dave/%1"_s.arg(bob2.number)});
        QCOMPARE(errorCode(send(*a, alice, 12, u"dave"_s, {bob1.number, bob2.number})), u"accepted"_s);

        // Revoked by the store write the admin call user.revoke_device makes: the next send must leave it out.
        auto revoked = m_server->store()->writeSync<qint64>(
            [n = bob2.number](Db &db) { return AdminStore(db).revokeDevice(u"dave"_s, n); });
        QVERIFY(revoked);
        auto stale = send(*a, alice, 13, u"dave"_s, {bob1.number, bob2.number});
        QCOMPARE(errorCode(stale), u"device_mismatch"_s);
        QCOMPARE(refs(*stale, "stale"_L1), QStringList{u"dave/%1"_s.arg(bob2.number)});
        QCOMPARE(errorCode(send(*a, alice, 14, u"dave"_s, {bob1.number})), u"accepted"_s);

        // Suspended: the directory shows it at once (the flag is the directory's to report).
        QVERIFY(m_server->store()->writeSync<QList<qint64>>([](Db &db) { return AdminStore(db).setSuspended(u"dave"_s, true); }));
        auto entry = m_server->directory()->lookup(u"dave"_s);
        QVERIFY(entry);
        QVERIFY((*entry)->user.suspended);
    }

    // The room cache over a store of its own: every write path (the rooms store, plain SQL, another process) reaches
    // the next read, from any thread.
    void roomChangesReachTheCache()
    {
        const QString path = m_dir.filePath(u"rooms.sqlite"_s);
        auto store = openStore(path);
        QVERIFY(store);
        RoomCache cache(*store);
        auto settings = cache.settings();
        QVERIFY(settings);
        QCOMPARE(settings->maxExpireSeconds, qint64(0));

        RoomSettings changed = *settings;
        changed.maxExpireSeconds = 600;
        changed.defaultExpireSeconds = 60;
        QVERIFY(store->writeSync<bool>([&changed](Db &db) -> Result<bool> {
            if (Status s = db.setRoomSettings(changed); !s)
                return s.error();
            return true;
        }));
        std::optional<qint64> seen;
        std::thread other([&] { auto s = cache.settings(); seen = s ? s->maxExpireSeconds : -1; });
        other.join();
        QCOMPARE(seen, std::optional<qint64>(600));
        QCOMPARE(cache.settings()->maxExpireSeconds, qint64(600));

        // A room written with plain SQL, then its retention tightened through the rooms store (admin rooms.policy).
        QVERIFY(store->writeSync<bool>([](Db &db) -> Result<bool> {
            const Status s = sql::apply(db.database(),
                u"INSERT INTO rooms (name, expire_seconds, next_seq, head, last_at, created_at) VALUES ('hall', 3600, 1, x'00', 0, 0)"_s,
                {}, u"test room");
            if (!s)
                return s.error();
            return true;
        }));
        auto room = cache.room(u"hall"_s);
        QVERIFY(room);
        QCOMPARE((*room)->retention.effectiveExpireSeconds(), quint64(3600));
        QVERIFY(store->writeSync<RoomSettings>([](Db &db) -> Result<RoomSettings> {
            auto s = db.roomSettings();
            if (!s)
                return s.error();
            auto retained = roomstore::setRetention(db, u"hall"_s, 60, std::nullopt, *s);
            if (!retained)
                return retained.error();
            return *s;
        }));
        room = cache.room(u"hall"_s);
        QVERIFY(room);
        QCOMPARE((*room)->retention.effectiveExpireSeconds(), quint64(60));
        QVERIFY(store->writeSync<bool>([](Db &db) -> Result<bool> {
            const Status s = sql::apply(db.database(), u"INSERT INTO room_members (room_id, user_name) SELECT id, 'erin' FROM rooms"_s,
                                        {}, u"test member");
            if (!s)
                return s.error();
            return true;
        }));
        room = cache.room(u"hall"_s);
        QVERIFY(room);
        QVERIFY((*room)->state.isMember(u"erin"_s));

        // Another process (as `parleyd rooms-defaults` is) changes the settings: seen with the writer's next commit.
        {
            auto elsewhere = openStore(path);
            QVERIFY(elsewhere);
            changed.maxExpireSeconds = 300;
            QVERIFY(elsewhere->writeSync<bool>([&changed](Db &db) -> Result<bool> {
                if (Status s = db.setRoomSettings(changed); !s)
                    return s.error();
                return true;
            }));
            elsewhere->close();
        }
        QVERIFY(store->writeSync<int>([](Db &db) { return db.purgeExpired(0); }));
        QCOMPARE(cache.settings()->maxExpireSeconds, qint64(300));
        store->close();
    }

    void busyWhileTheWriterStalls()
    {
        Config config = baseConfig(u"busy"_s);
        config.limits.writeQueue = 2;
        auto server = startServer(config);
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"fay"_s);
        TestDevice bob = TestDevice::create(u"gil"_s);
        auto a = enrollAndLogin(*server, alice);
        auto b = enrollAndLogin(*server, bob);
        QVERIFY(a && b);

        // Another connection takes the write lock: the writer waits for it (busy timeout and retries).
        QSqlDatabase locker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"busy-locker"_s);
        locker.setDatabaseName(server->config().databaseFile());
        QVERIFY(locker.open());
        QVERIFY2(QSqlQuery(locker).exec(u"BEGIN EXCLUSIVE"_s), qPrintable(locker.lastError().text()));

        constexpr int Sends = 20;
        QHash<quint64, QByteArray> mids;
        for (int i = 0; i < Sends; ++i) {
            const quint64 id = 100 + quint64(i);
            mids.insert(id, crypto::randomBytes(16));
            a->send(sendFrame(alice, id, {u"gil"_s}, {{u"gil"_s, bob.number}}, mids.value(id)));
        }
        // The last one finds the queue full while the lock is held.
        auto last = a->reply(100 + Sends - 1, WaitMs);
        QCOMPARE(errorCode(last), u"busy"_s);
        QVERIFY(last->uint("retry"_L1) > 0);

        QVERIFY(QSqlQuery(locker).exec(u"ROLLBACK"_s));
        QSet<QByteArray> accepted;
        int busy = 1;
        for (int i = 0; i < Sends - 1; ++i) {
            auto reply = a->reply(100 + quint64(i), WaitMs);
            const QString code = errorCode(reply);
            QVERIFY2(code == u"accepted"_s || code == u"busy"_s, qPrintable(code));
            if (code == u"accepted"_s)
                accepted.insert(reply->bytes("mid"_L1));
            else
                ++busy;
        }
        QVERIFY(!accepted.isEmpty());
        QCOMPARE(int(accepted.size()) + busy, Sends);

        // Everything taken is delivered, once; nothing refused was stored.
        QSet<QByteArray> delivered;
        while (delivered.size() < accepted.size()) {
            auto msg = b->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(!delivered.contains(msg->bytes("mid"_L1)));
            delivered.insert(msg->bytes("mid"_L1));
        }
        QCOMPARE(delivered, accepted);
        QSqlQuery count(locker);
        QVERIFY(count.exec(u"SELECT COUNT(*) FROM messages"_s) && count.next());
        QCOMPARE(count.value(0).toInt(), int(accepted.size()));

        // A refused send tried again is taken.
        for (auto it = mids.cbegin(); it != mids.cend(); ++it) {
            if (accepted.contains(it.value()))
                continue;
            a->send(sendFrame(alice, it.key() + 1000, {u"gil"_s}, {{u"gil"_s, bob.number}}, it.value()));
            QCOMPARE(errorCode(a->reply(it.key() + 1000, WaitMs)), u"accepted"_s);
        }
        locker.close();
        locker = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"busy-locker"_s);
        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
    }
};

QTEST_GUILESS_MAIN(tst_SendCaches)
#include "tst_sendcaches.moc"
