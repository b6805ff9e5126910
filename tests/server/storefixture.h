#pragma once

// The fixture of the storage layer's tests: a store in a fresh temporary directory for every test function (any Qt
// warning fails the test), and helpers that enroll users, build messages and run SQL on the side.
//
// PARLEY_TEST_STORE_DRIVER=postgresql runs the same tests on PostgreSQL (ctest's *_postgresql entries): one server
// for the executable (postgresfixture.h), a fresh database for every test function. The few tests of what only one
// driver has (SQLite's file, its locks, its migration from before version 8) say so and skip on the other.

#include "postgresfixture.h"

#include "store/store.h"

#include "crypto/crypto.h"

#include <QCborMap>
#include <QCborValue>
#include <QDateTime>
#include <QFile>
#include <QMutex>
#include <QRegularExpression>
#include <QSet>
#include <QDeadlineTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>
#include <semaphore>

namespace parley::server::test {

using namespace Qt::StringLiterals;

constexpr int LongWaitMs = 60000;
constexpr QFileDevice::Permissions GroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                                | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                                | QFileDevice::WriteOther | QFileDevice::ExeOther;

inline QByteArray key(char tag)
{
    QByteArray k(133, tag);
    k[0] = 0x04;
    return k;
}

// Holds the writer inside one operation until released, so that the jobs queued meanwhile form one group.
struct Gate {
    std::shared_ptr<std::binary_semaphore> semaphore = std::make_shared<std::binary_semaphore>(0);
    bool opened = false;
    ~Gate()
    {
        if (!opened)
            semaphore->release();   // a failed test must not leave the writer stuck
    }
    void hold(Store &store, QObject *context)
    {
        store.write<int>(
            context,
            [semaphore = semaphore](Db &) -> Result<int> {
                semaphore->acquire();
                return 0;
            },
            [](Result<int>) {});
    }
    void open()
    {
        opened = true;
        semaphore->release();
    }
};

// Threads that each hold a context object living on them, so that store writes are made and answered there.
class ContextThreads {
public:
    explicit ContextThreads(int count)
    {
        for (int t = 0; t < count; ++t) {
            auto thread = std::make_unique<QThread>();
            auto context = std::make_unique<QObject>();
            context->moveToThread(thread.get());
            thread->start();
            m_threads.push_back(std::move(thread));
            m_contexts.push_back(std::move(context));
        }
    }
    ~ContextThreads() { stop(); }
    QObject *context(int i) const { return m_contexts.at(std::size_t(i)).get(); }
    QThread *thread(int i) const { return m_threads.at(std::size_t(i)).get(); }
    // Stops every thread, then deletes the contexts; false when a thread did not stop within LongWaitMs.
    bool stop()
    {
        bool stopped = true;
        for (auto &thread : m_threads) {
            thread->quit();
            stopped = thread->wait(LongWaitMs) && stopped;
        }
        m_contexts.clear();
        return stopped;
    }

private:
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<std::unique_ptr<QObject>> m_contexts;
};

// A second connection to the database that holds its write lock (BEGIN IMMEDIATE) from construction on, as another
// process writing at the same time would, until end() commits or rolls back.
class WriteLockHolder {
public:
    explicit WriteLockHolder(const QString &path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, Name);
        db.setDatabaseName(path);
        m_locked = db.open() && QSqlQuery(db).exec(u"BEGIN IMMEDIATE"_s);
    }
    ~WriteLockHolder()
    {
        if (m_locked)
            end(u"ROLLBACK"_s);
        QSqlDatabase::removeDatabase(Name);
    }
    bool locked() const { return m_locked; }
    bool end(const QString &statement)
    {
        m_locked = false;
        QSqlQuery query(QSqlDatabase::database(Name, false));
        return query.exec(statement);
    }

private:
    static constexpr QLatin1StringView Name{"blocker"};
    bool m_locked = false;
};

// What a run of prekey claims handed out, from whichever threads answer them: each one-time key's id, how many
// last-resort keys, the failures, and the answers that came on another thread than the one that asked.
struct PrekeyTally {
    QMutex mutex;
    QList<quint32> oneTime;
    int lastResort = 0;
    QStringList failures;
    int wrongThread = 0;
    std::atomic<int> received{0};

    // Claims one key of `device` through `store`, answered on `context`'s thread.
    void claim(Store &store, QObject *context, qint64 device)
    {
        QThread *expected = context->thread();
        store.write<Db::Consumed>(context, [device](Db &db) { return db.consumePrekey(device); },
                                  [this, expected](Result<Db::Consumed> r) {
                                      QMutexLocker lock(&mutex);
                                      if (QThread::currentThread() != expected)
                                          ++wrongThread;
                                      if (!r)
                                          failures.append(r.error().message);
                                      else if (r->key.lastResort)
                                          ++lastResort;
                                      else
                                          oneTime.append(r->key.kid);
                                      ++received;
                                  });
    }
};

template<typename T>
struct Outcome {
    std::optional<Result<T>> result;
    QThread *thread = nullptr;
    std::function<void(Result<T>)> receiver()
    {
        return [this](Result<T> r) {
            thread = QThread::currentThread();
            result.emplace(std::move(r));
        };
    }
};

// The driver the tests run on.
inline StoreDriver testDriver()
{
    return qEnvironmentVariable("PARLEY_TEST_STORE_DRIVER") == u"postgresql"_s ? StoreDriver::PostgreSql
                                                                               : StoreDriver::Sqlite;
}

class StoreTest : public QObject {
    Q_OBJECT

protected:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_database;                              // PostgreSQL: this test's database
    static inline std::unique_ptr<PostgresServer> s_postgres;
    static inline int s_databases = 0;

    QString dbPath() const { return m_dir->filePath(u"parley.db"_s); }
    static bool onPostgres() { return testDriver() == StoreDriver::PostgreSql; }

    // The options of this test's store.
    StoreOptions storeOptions() const
    {
        StoreOptions options;
        options.driver = testDriver();
        options.path = dbPath();
        if (onPostgres())
            options.postgres = s_postgres->settings(m_database);
        return options;
    }

    std::unique_ptr<Store> openStore(int maxBatch = 2000, int busyTimeoutMs = 5000, int commitDelayUs = 0,
                                     StoreMetrics *metrics = nullptr)
    {
        StoreOptions options = storeOptions();
        options.maxBatch = maxBatch;
        options.busyTimeoutMs = busyTimeoutMs;
        options.commitDelayUs = commitDelayUs;
        options.metrics = metrics;
        Result<std::unique_ptr<Store>> store = Store::open(options);
        if (!store) {
            qWarning("open failed: %s", qPrintable(store.error().message));
            return nullptr;
        }
        return std::move(*store);
    }

    static qint64 scalar(Store &store, const QString &sql)
    {
        QSqlQuery query(store.reader().database());
        if (!query.exec(sql) || !query.next())
            return -1;
        return query.value(0).toLongLong();
    }

    static Result<QString> newCode(Store &store, const QString &user, qint64 validForMs = 3600 * 1000)
    {
        return store.writeSync<QString>([&](Db &db) { return db.createEnrollCode(user, validForMs); });
    }

    static Result<EnrollResult> enroll(Store &store, const QString &user, const QString &code, const QByteArray &root,
                                       char deviceTag, int maxDevices = 10, const QByteArray &recovery = {})
    {
        EnrollRequest request;
        request.user = user;
        request.code = code;
        request.rootPub = root;
        request.devicePub = key(deviceTag);
        request.deviceSig = QByteArray(100, deviceTag);
        request.deviceName = u"device %1"_s.arg(QLatin1Char(deviceTag));
        request.recovery = recovery;
        request.maxDevices = maxDevices;
        return store.writeSync<EnrollResult>([request](Db &db) { return db.enrollDevice(request); });
    }

    // A user with a fresh code and one device.
    static Result<EnrollResult> newUser(Store &store, const QString &user, char tag)
    {
        Result<QString> code = newCode(store, user);
        if (!code)
            return code.error();
        return enroll(store, user, *code, key(tag), tag);
    }

    // The schema version, as the driver keeps it.
    static qint64 schemaVersion(Store &store)
    {
        return scalar(store, onPostgres() ? u"SELECT version FROM schema_version"_s : u"PRAGMA user_version"_s);
    }

    static Status setSchemaVersion(Store &store, int version)
    {
        return raw(store, onPostgres() ? u"UPDATE schema_version SET version = %1"_s.arg(version)
                                       : u"PRAGMA user_version = %1"_s.arg(version));
    }

    // How many of `names` are tables (or, with `kind` index, indexes) of the database.
    static qint64 countSchemaObjects(Store &store, const QStringList &names, const QString &kind = u"table"_s)
    {
        const QString list = u"'"_s + names.join(u"', '"_s) + u"'"_s;
        if (onPostgres()) {
            return scalar(store, u"SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = 'public' AND c.relkind = '%1' AND c.relname IN (%2)"_s
                                     .arg(kind == u"index"_s ? u"i"_s : u"r"_s, list));
        }
        return scalar(store, u"SELECT COUNT(*) FROM sqlite_master WHERE type = '%1' AND name IN (%2)"_s.arg(kind, list));
    }

    // Runs, inside `db`'s transaction, a write that breaks a constraint only checked at COMMIT: the group commit fails.
    static Status failAtCommit(Db &db)
    {
        QSqlQuery query(db.database());
        const QStringList statements = onPostgres()
            ? QStringList{u"CREATE TEMP TABLE deferred_probe (x BIGINT UNIQUE DEFERRABLE INITIALLY DEFERRED)"_s,
                          u"INSERT INTO deferred_probe VALUES (1), (1)"_s}
            : QStringList{u"PRAGMA defer_foreign_keys = ON"_s,
                          u"INSERT INTO prekeys (device_id, kid, pub, sig) VALUES (987654, 1, x'01', x'02')"_s};
        for (const QString &statement : statements) {
            if (!query.exec(statement))
                return makeError(ErrorCode::Database, query.lastError().text());
        }
        return {};
    }

    // A connection of the test's own to this test's database, as another process (or node) would have.
    QSqlDatabase sideConnection() const
    {
        QSqlDatabase side = QSqlDatabase::addDatabase(onPostgres() ? u"QPSQL"_s : u"QSQLITE"_s, u"side"_s);
        if (onPostgres()) {
            const PostgresSettings pg = s_postgres->settings(m_database);
            side.setHostName(pg.host);
            side.setPort(pg.port);
            side.setDatabaseName(pg.database);
            side.setUserName(pg.user);
            side.setPassword(pg.password);
            side.setConnectOptions(u"sslmode=disable"_s);
        } else {
            side.setDatabaseName(dbPath());
        }
        side.open();
        return side;
    }

    static void closeSideConnection(QSqlDatabase &side)
    {
        side.close();
        side = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"side"_s);
    }

    // Runs `sql` on a side connection, as another process would.
    bool elsewhere(const QString &sql) const
    {
        QSqlDatabase side = sideConnection();
        bool ok = side.isOpen();
        if (ok) {
            QSqlQuery query(side);
            ok = query.exec(sql);
        }
        closeSideConnection(side);
        return ok;
    }

    static Status raw(Store &store, const QString &sql)
    {
        return store.writeSync<void>([sql](Db &db) -> Status {
            QSqlQuery query(db.database());
            if (!query.exec(sql))
                return makeError(ErrorCode::Database, query.lastError().text());
            return {};
        });
    }

    static NewMessage message(const EnrollResult &sender, const QString &from, const QList<qint64> &recipients)
    {
        NewMessage m;
        m.senderDeviceId = sender.deviceId;
        m.envelope.sender = from;
        m.envelope.dev = sender.deviceNo;
        m.envelope.mid = crypto::randomBytes(16);
        m.envelope.to.cbor = QByteArray::fromHex("8163626f62");   // ["bob"]
        m.envelope.at = quint64(QDateTime::currentMSecsSinceEpoch());
        m.envelope.pl = crypto::randomBytes(200);
        m.envelope.kc = crypto::randomBytes(32);
        m.envelope.opts.cbor = QByteArray::fromHex("a0");
        m.envelope.sig = crypto::randomBytes(139);
        for (qint64 device : recipients)
            m.entries.append({device, 7, key('e'), crypto::randomBytes(48)});
        return m;
    }

    // `count` one-time prekeys (kids 1 to count, in uploads of at most 200) and the last-resort key 9999 for `device`;
    // the pool's size afterwards.
    static Result<int> fillPrekeys(Store &store, qint64 device, int count)
    {
        return store.writeSync<int>([device, count](Db &db) -> Result<int> {
            Result<int> pool = 0;
            for (int first = 1; first <= count; first += 200) {
                const std::optional<PrekeyRecord> lastResort =
                    first == 1 ? std::optional(PrekeyRecord{9999, key('l'), "sig", false}) : std::nullopt;
                pool = db.addPrekeys(device, prekeys(quint32(first), std::min(200, count - first + 1)), lastResort, 1000);
                if (!pool)
                    return pool;
            }
            return pool;
        });
    }

    static Result<InsertedMessage> insert(Store &store, const NewMessage &m)
    {
        return store.writeSync<InsertedMessage>([m](Db &db) { return db.insertMessage(m); });
    }

    static Result<int> ack(Store &store, qint64 deviceId, const QList<quint64> &seqs)
    {
        return store.writeSync<int>([=](Db &db) { return db.deleteQueued(deviceId, seqs); });
    }

    static QList<PrekeyRecord> prekeys(quint32 firstKid, int count)
    {
        QList<PrekeyRecord> keys;
        for (int i = 0; i < count; ++i)
            keys.append({firstKid + quint32(i), key('p'), QByteArray(90, 's'), false});
        return keys;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!onPostgres())
            return;
        s_postgres = std::make_unique<PostgresServer>();
        QVERIFY2(s_postgres->start(), qPrintable(s_postgres->error()));
    }

    void cleanupTestCase()
    {
        s_postgres.reset();
    }

    void init()
    {
        // Qt warns about connections removed while in use, or used from the wrong thread: none of that may happen.
        QTest::failOnWarning(QRegularExpression(u".*"_s));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (onPostgres()) {
            m_database = u"store_test_%1"_s.arg(++s_databases);
            QVERIFY2(s_postgres->createDatabase(m_database), qPrintable(s_postgres->error()));
        }
    }

    void cleanup()
    {
        if (onPostgres())
            QVERIFY2(s_postgres->dropDatabase(m_database), qPrintable(s_postgres->error()));
        m_dir.reset();
    }
};

} // namespace parley::server::test
