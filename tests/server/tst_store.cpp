// Tests of the daemon's storage layer: schema, enrollment, prekeys, queues, group commit and threading.

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

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

constexpr int LongWaitMs = 60000;
constexpr QFileDevice::Permissions GroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                                | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                                | QFileDevice::WriteOther | QFileDevice::ExeOther;

QByteArray key(char tag)
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

} // namespace

class tst_Store : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString dbPath() const { return m_dir->filePath(u"parley.db"_s); }

    std::unique_ptr<Store> openStore(int maxBatch = 2000, int busyTimeoutMs = 5000)
    {
        StoreOptions options;
        options.path = dbPath();
        options.maxBatch = maxBatch;
        options.busyTimeoutMs = busyTimeoutMs;
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
    void init()
    {
        // Qt warns about connections removed while in use, or used from the wrong thread: none of that may happen.
        QTest::failOnWarning(QRegularExpression(u".*"_s));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void cleanup()
    {
        m_dir.reset();
    }

    // --- opening ---

    void openCreatesOwnerOnlyFile()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(newUser(*store, u"alice"_s, 'a'));
        for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s}) {
            const QString file = dbPath() + suffix;
            QVERIFY2(QFile::exists(file), qPrintable(file));
            const QFileDevice::Permissions permissions = QFile::permissions(file);
            QVERIFY2(permissions.testFlag(QFileDevice::ReadOwner) && permissions.testFlag(QFileDevice::WriteOwner),
                     qPrintable(file));
            QVERIFY2(!(permissions & GroupOrOther), qPrintable(file));
        }
        QCOMPARE(store->path(), QFileInfo(dbPath()).absoluteFilePath());
    }

    void openTightensExistingFile()
    {
        {
            QFile file(dbPath());
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        QVERIFY(QFile::setPermissions(dbPath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                    | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"tightening"_s));
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(!(QFile::permissions(dbPath()) & GroupOrOther));
    }

    void openMigratesAndReopens()
    {
        {
            auto store = openStore();
            QVERIFY(store);
            // The highest migration (6: the messages' room column) is the schema version, whatever order the steps were
            // written in.
            QCOMPARE(scalar(*store, u"PRAGMA user_version"_s), 6);
            QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                    "('users', 'devices', 'enroll_codes', 'prekeys', 'messages', 'queue', 'seen', "
                                    "'recovery')"_s),
                     8);
            QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                    "('push_tokens', 'push_queue')"_s),
                     2);
            QSqlQuery mode(store->reader().database());
            QVERIFY(mode.exec(u"PRAGMA journal_mode"_s) && mode.next());
            QCOMPARE(mode.value(0).toString(), u"wal"_s);
            QVERIFY(mode.exec(u"PRAGMA foreign_keys"_s) && mode.next());
            QCOMPARE(mode.value(0).toInt(), 1);
            QVERIFY(mode.exec(u"PRAGMA secure_delete"_s) && mode.next());
            QCOMPARE(mode.value(0).toInt(), 1);
            QVERIFY(mode.exec(u"PRAGMA query_only"_s) && mode.next());
            QCOMPARE(mode.value(0).toInt(), 1);
            QVERIFY(newUser(*store, u"alice"_s, 'a'));
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(scalar(*store, u"PRAGMA user_version"_s), 6);
        QVERIFY(store->reader().userByName(u"alice"_s));
    }

    // Version 6 gives messages a room column; messages stored under version 5 get theirs from their options.
    void migrationBackfillsMessageRooms()
    {
        {
            auto store = openStore();
            QVERIFY(store);
            auto alice = newUser(*store, u"alice"_s, 'a');
            auto bob = newUser(*store, u"bob"_s, 'b');
            QVERIFY(alice && bob);
            NewMessage inRoom = message(*alice, u"alice"_s, {bob->deviceId});
            inRoom.envelope.opts.cbor = QCborValue(QCborMap{{u"room"_s, u"ops"_s}}).toCbor();
            inRoom.room = u"ops"_s;
            QVERIFY(insert(*store, inRoom));
            QVERIFY(insert(*store, message(*alice, u"alice"_s, {bob->deviceId})));
            QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE room = 'ops'"_s), 1);
            // Back to a version 5 database: no room column, and the messages as they were stored then.
            QVERIFY(raw(*store, u"DROP INDEX messages_room"_s));
            QVERIFY(raw(*store, u"ALTER TABLE messages DROP COLUMN room"_s));
            QVERIFY(raw(*store, u"PRAGMA user_version = 5"_s));
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(scalar(*store, u"PRAGMA user_version"_s), 6);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 2);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE room = 'ops'"_s), 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE room IS NULL"_s), 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'messages_room'"_s), 1);
    }

    void openRefusesNewerSchema()
    {
        QVERIFY(openStore());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(dbPath());
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"PRAGMA user_version = 99"_s));
        }
        QSqlDatabase::removeDatabase(u"tamper"_s);
        StoreOptions options;
        options.path = dbPath();
        Result<std::unique_ptr<Store>> store = Store::open(options);
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::Database);
        QVERIFY2(store.error().message.contains(u"99"_s), qPrintable(store.error().message));
    }

    void openRefusesBadOptions()
    {
        StoreOptions options;
        Result<std::unique_ptr<Store>> empty = Store::open(options);
        QVERIFY(!empty);
        QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);

        options.path = m_dir->filePath(u"missing/dir/parley.db"_s);
        Result<std::unique_ptr<Store>> missing = Store::open(options);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::Io);

        {
            QFile garbage(dbPath());
            QVERIFY(garbage.open(QIODevice::WriteOnly));
            garbage.write(QByteArray(8192, 'x'));
        }
        QVERIFY(QFile::setPermissions(dbPath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        options.path = dbPath();
        Result<std::unique_ptr<Store>> notDb = Store::open(options);
        QVERIFY(!notDb);
        QCOMPARE(notDb.error().code, ErrorCode::Database);
    }

    // --- enrollment ---

    void enrollCodeFormat()
    {
        auto store = openStore();
        QVERIFY(store);
        const QRegularExpression format(u"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$"_s);
        QSet<QString> codes;
        for (int i = 0; i < 100; ++i) {
            Result<QString> code = newCode(*store, u"alice"_s);
            QVERIFY(code);
            QVERIFY2(format.match(*code).hasMatch(), qPrintable(*code));
            codes.insert(*code);
        }
        QCOMPARE(codes.size(), 100);
        // Only hashes are stored.
        QSqlQuery query(store->reader().database());
        QVERIFY(query.exec(u"SELECT code_hash FROM enroll_codes"_s));
        while (query.next()) {
            const QByteArray hash = query.value(0).toByteArray();
            QCOMPARE(hash.size(), 32);
            for (const QString &code : std::as_const(codes))
                QVERIFY(!hash.contains(code.toLatin1()));
        }

        Result<QString> badUser = newCode(*store, u"Not A Name"_s);
        QVERIFY(!badUser);
        QCOMPARE(badUser.error().code, ErrorCode::InvalidArgument);
        Result<QString> badValidity = newCode(*store, u"alice"_s, 0);
        QVERIFY(!badValidity);
        QCOMPARE(badValidity.error().code, ErrorCode::InvalidArgument);
    }

    void normaliseEnrollCode_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("canonical") << u"ABCDE-FGHJK-MNPQR-STVWX"_s << u"ABCDEFGHJKMNPQRSTVWX"_s;
        QTest::newRow("lower, spaces") << u" abcde fghjk mnpqr stvwx "_s << u"ABCDEFGHJKMNPQRSTVWX"_s;
        QTest::newRow("I L O") << u"IIIII-LLLLL-OOOOO-00000"_s << u"11111111110000000000"_s;
        QTest::newRow("no dashes") << u"0123456789abcdefghjk"_s << u"0123456789ABCDEFGHJK"_s;
        QTest::newRow("too short") << u"ABCDE-FGHJK-MNPQR-STVW"_s << QString();
        QTest::newRow("too long") << u"ABCDE-FGHJK-MNPQR-STVWXY"_s << QString();
        QTest::newRow("U not in alphabet") << u"UBCDE-FGHJK-MNPQR-STVWX"_s << QString();
        QTest::newRow("punctuation") << u"ABCDE_FGHJK_MNPQR_STVWX"_s << QString();
        QTest::newRow("non-ASCII") << u"ÄBCDE-FGHJK-MNPQR-STVWX"_s << QString();
        QTest::newRow("NUL") << QString(QChar(0)).repeated(20) << QString();
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("huge") << QString(100000, u'A') << QString();
    }

    void normaliseEnrollCode()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(Db::normaliseEnrollCode(input), expected);
    }

    void enrollCodeLifeCycle()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<QString> code = newCode(*store, u"alice"_s);
        QVERIFY(code);

        // Checking does not consume, and accepts sloppy typing.
        for (const QString &typed : {*code, code->toLower(), code->toLower().replace(u'-', u' ')}) {
            Result<EnrollCheck> check = store->reader().checkEnrollCode(u"alice"_s, typed);
            QVERIFY2(check, qPrintable(check.ok() ? QString() : check.error().message));
            QVERIFY(check->newUser);
            QVERIFY(check->recovery.isEmpty());
        }
        // Another user's name does not go with this code.
        Result<EnrollCheck> wrongUser = store->reader().checkEnrollCode(u"bob"_s, *code);
        QVERIFY(!wrongUser);
        QCOMPARE(wrongUser.error().code, ErrorCode::Unauthorized);
        Result<EnrollResult> wrongEnroll = enroll(*store, u"bob"_s, *code, key('R'), 'b');
        QVERIFY(!wrongEnroll);
        QCOMPARE(wrongEnroll.error().code, ErrorCode::Unauthorized);
        QVERIFY(!store->reader().userByName(u"bob"_s));

        // Garbage never matches.
        for (const QString &garbage : {QString(), u"hello"_s, QString(5000, u'x'), u"ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ"_s}) {
            Result<EnrollCheck> check = store->reader().checkEnrollCode(u"alice"_s, garbage);
            QVERIFY(!check);
            QCOMPARE(check.error().code, ErrorCode::Unauthorized);
        }

        const QByteArray recovery = crypto::randomBytes(300);
        Result<EnrollResult> first = enroll(*store, u"alice"_s, code->toLower(), key('R'), 'a', 10, recovery);
        QVERIFY2(first, qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->deviceNo, 1u);

        // Used once: refused afterwards, for checks and for enrollments.
        Result<EnrollCheck> used = store->reader().checkEnrollCode(u"alice"_s, *code);
        QVERIFY(!used);
        QCOMPARE(used.error().code, ErrorCode::Unauthorized);
        Result<EnrollResult> second = enroll(*store, u"alice"_s, *code, key('R'), 'c');
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::Unauthorized);

        // The user exists now: a new code reports it together with the recovery bundle.
        Result<QString> next = newCode(*store, u"alice"_s);
        QVERIFY(next);
        Result<EnrollCheck> existing = store->reader().checkEnrollCode(u"alice"_s, *next);
        QVERIFY(existing);
        QVERIFY(!existing->newUser);
        QCOMPARE(existing->recovery, recovery);

        Result<UserRecord> user = store->reader().userByName(u"alice"_s);
        QVERIFY(user);
        QCOMPARE(user->id, first->userId);
        QCOMPARE(user->rootPub, key('R'));
        QVERIFY(!user->suspended);
        Result<DeviceRecord> device = store->reader().device(user->id, 1);
        QVERIFY(device);
        QCOMPARE(device->id, first->deviceId);
        QCOMPARE(device->userName, u"alice"_s);
        QCOMPARE(device->pub, key('a'));
        QCOMPARE(device->sig, QByteArray(100, 'a'));
        QCOMPARE(device->name, u"device a"_s);
        QVERIFY(!device->lastResort);
        QCOMPARE(device->queued, 0);

        // Purging forgets used codes but keeps live ones.
        Result<int> purged = store->writeSync<int>([](Db &db) {
            return db.purgeEnrollCodes(QDateTime::currentMSecsSinceEpoch());
        });
        QVERIFY(purged);
        QCOMPARE(*purged, 1);
        QVERIFY(store->reader().checkEnrollCode(u"alice"_s, *next));
    }

    void enrollCodeExpires()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<QString> code = newCode(*store, u"alice"_s, 1);
        QVERIFY(code);
        QThread::msleep(20);
        Result<EnrollCheck> check = store->reader().checkEnrollCode(u"alice"_s, *code);
        QVERIFY(!check);
        QCOMPARE(check.error().code, ErrorCode::Unauthorized);
        Result<EnrollResult> enrolled = enroll(*store, u"alice"_s, *code, key('R'), 'a');
        QVERIFY(!enrolled);
        QCOMPARE(enrolled.error().code, ErrorCode::Unauthorized);
        QVERIFY(!store->reader().userByName(u"alice"_s));
    }

    void enrollExistingUserWrongRoot()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(newUser(*store, u"alice"_s, 'a'));   // root key('a')
        Result<QString> code = newCode(*store, u"alice"_s);
        QVERIFY(code);
        Result<EnrollResult> wrongRoot = enroll(*store, u"alice"_s, *code, key('X'), 'b');
        QVERIFY(!wrongRoot);
        QCOMPARE(wrongRoot.error().code, ErrorCode::Unauthorized);
        // The refused attempt did not use up the code.
        Result<EnrollResult> right = enroll(*store, u"alice"_s, *code, key('a'), 'b');
        QVERIFY(right);
        QCOMPARE(right->deviceNo, 2u);
    }

    void enrollDeviceNumbersAndQuota()
    {
        auto store = openStore();
        QVERIFY(store);
        const QByteArray root = key('R');
        quint32 expectedNo = 1;
        qint64 userId = 0;
        for (char tag : {'a', 'b', 'c'}) {
            Result<QString> code = newCode(*store, u"alice"_s);
            QVERIFY(code);
            Result<EnrollResult> r = enroll(*store, u"alice"_s, *code, root, tag, 3);
            QVERIFY(r);
            QCOMPARE(r->deviceNo, expectedNo++);
            userId = r->userId;
        }
        // Full: refused, code kept.
        Result<QString> code = newCode(*store, u"alice"_s);
        QVERIFY(code);
        Result<EnrollResult> full = enroll(*store, u"alice"_s, *code, root, 'd', 3);
        QVERIFY(!full);
        QCOMPARE(full.error().code, ErrorCode::QuotaExceeded);
        QVERIFY(store->reader().checkEnrollCode(u"alice"_s, *code));

        // A revoked device frees a slot but its number is never handed out again.
        QVERIFY(raw(*store, u"UPDATE devices SET revoked = 1 WHERE device_no = 3"_s));
        Result<EnrollResult> fourth = enroll(*store, u"alice"_s, *code, root, 'd', 3);
        QVERIFY(fourth);
        QCOMPARE(fourth->deviceNo, 4u);
        Result<DeviceRecord> revoked = store->reader().device(userId, 3);
        QVERIFY(!revoked);
        QCOMPARE(revoked.error().code, ErrorCode::NotFound);

        Result<QList<DeviceRecord>> devices = store->reader().devicesOfUser(userId);
        QVERIFY(devices);
        QCOMPARE(devices->size(), 3);
        QCOMPARE(devices->at(0).deviceNo, 1u);
        QCOMPARE(devices->at(1).deviceNo, 2u);
        QCOMPARE(devices->at(2).deviceNo, 4u);

        // Device numbers are per user.
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'z');
        QVERIFY(bob);
        QCOMPARE(bob->deviceNo, 1u);
    }

    void enrollSuspendedUser()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(newUser(*store, u"alice"_s, 'a'));
        QVERIFY(raw(*store, u"UPDATE users SET suspended = 1 WHERE name = 'alice'"_s));
        Result<QString> code = newCode(*store, u"alice"_s);
        QVERIFY(code);
        Result<EnrollResult> r = enroll(*store, u"alice"_s, *code, key('a'), 'b');
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Forbidden);
    }

    void enrollRejectsIncompleteRequest()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<QString> code = newCode(*store, u"alice"_s);
        QVERIFY(code);
        Result<EnrollResult> noRoot = enroll(*store, u"alice"_s, *code, QByteArray(), 'a');
        QVERIFY(!noRoot);
        QCOMPARE(noRoot.error().code, ErrorCode::InvalidArgument);
        QVERIFY(store->reader().checkEnrollCode(u"alice"_s, *code));
    }

    // --- prekeys ---

    void prekeysAddCountConsume()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        const qint64 device = alice->deviceId;

        const PrekeyRecord lastResort{5000, key('l'), QByteArray(80, 'L'), false};
        Result<int> added = store->writeSync<int>([&](Db &db) {
            return db.addPrekeys(device, prekeys(10, 5), lastResort, 1000);
        });
        QVERIFY(added);
        QCOMPARE(*added, 5);
        QCOMPARE(*store->reader().prekeyCount(device), 5);
        Result<DeviceRecord> record = store->reader().deviceById(device);
        QVERIFY(record);
        QVERIFY(record->lastResort);
        QCOMPARE(record->lastResort->kid, 5000u);
        QCOMPARE(record->lastResort->pub, key('l'));
        QVERIFY(record->lastResort->lastResort);

        // A kid already stored refuses the whole upload.
        Result<int> duplicate = store->writeSync<int>([&](Db &db) {
            return db.addPrekeys(device, prekeys(100, 3) + prekeys(12, 1), std::nullopt, 1000);
        });
        QVERIFY(!duplicate);
        QCOMPARE(duplicate.error().code, ErrorCode::Conflict);
        QCOMPARE(*store->reader().prekeyCount(device), 5);

        Result<int> tooMany = store->writeSync<int>([&](Db &db) {
            return db.addPrekeys(device, prekeys(100, 6), std::nullopt, 10);
        });
        QVERIFY(!tooMany);
        QCOMPARE(tooMany.error().code, ErrorCode::QuotaExceeded);
        QCOMPARE(*store->reader().prekeyCount(device), 5);

        Result<int> unknown = store->writeSync<int>([&](Db &db) {
            return db.addPrekeys(device + 1000, prekeys(1, 1), std::nullopt, 10);
        });
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);

        // Lowest kid first, then the last-resort key once the pool is empty.
        for (quint32 kid = 10; kid < 15; ++kid) {
            Result<Db::Consumed> c = store->writeSync<Db::Consumed>([&](Db &db) { return db.consumePrekey(device); });
            QVERIFY2(c, qPrintable(c.ok() ? QString() : c.error().message));
            QCOMPARE(c->key.kid, kid);
            QVERIFY(!c->key.lastResort);
            QCOMPARE(c->key.pub, key('p'));
            QCOMPARE(c->remaining, int(14 - kid));
        }
        for (int i = 0; i < 2; ++i) {
            Result<Db::Consumed> c = store->writeSync<Db::Consumed>([&](Db &db) { return db.consumePrekey(device); });
            QVERIFY(c);
            QVERIFY(c->key.lastResort);
            QCOMPARE(c->key.kid, 5000u);
            QCOMPARE(c->remaining, 0);
        }

        // Neither pool nor last-resort key, or no device at all: NotFound.
        Result<EnrollResult> bob = newUser(*store, u"bob"_s, 'b');
        QVERIFY(bob);
        for (qint64 id : {bob->deviceId, qint64(987654)}) {
            Result<Db::Consumed> none = store->writeSync<Db::Consumed>([&](Db &db) { return db.consumePrekey(id); });
            QVERIFY(!none);
            QCOMPARE(none.error().code, ErrorCode::NotFound);
        }
    }

    void prekeysConsumedExactlyOnceUnderConcurrency()
    {
        auto store = openStore(50);   // small groups: many commits interleave with the callers
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);
        const qint64 device = alice->deviceId;
        constexpr int Pool = 600;
        constexpr int Threads = 4;
        constexpr int PerThread = 200;   // 800 fetches: 600 one-time keys, then 200 last-resort answers
        Result<int> added = store->writeSync<int>([&](Db &db) {
            Result<int> first = db.addPrekeys(device, prekeys(1, 200), PrekeyRecord{9999, key('l'), "sig", false}, 1000);
            if (!first)
                return first;
            Result<int> second = db.addPrekeys(device, prekeys(201, 200), std::nullopt, 1000);
            if (!second)
                return second;
            return db.addPrekeys(device, prekeys(401, 200), std::nullopt, 1000);
        });
        QVERIFY(added);
        QCOMPARE(*added, Pool);

        QMutex mutex;
        QList<quint32> oneTime;
        int lastResort = 0;
        int failures = 0;
        int wrongThread = 0;
        std::atomic<int> received{0};

        std::vector<std::unique_ptr<QThread>> threads;
        std::vector<std::unique_ptr<QObject>> contexts;
        for (int t = 0; t < Threads; ++t) {
            auto thread = std::make_unique<QThread>();
            auto context = std::make_unique<QObject>();
            context->moveToThread(thread.get());
            thread->start();
            QObject *ctx = context.get();
            QThread *expectedThread = thread.get();
            QMetaObject::invokeMethod(ctx, [&, ctx, expectedThread] {
                for (int i = 0; i < PerThread; ++i) {
                    store->write<Db::Consumed>(
                        ctx, [device](Db &db) { return db.consumePrekey(device); },
                        [&, expectedThread](Result<Db::Consumed> r) {
                            QMutexLocker lock(&mutex);
                            if (QThread::currentThread() != expectedThread)
                                ++wrongThread;
                            if (!r)
                                ++failures;
                            else if (r->key.lastResort)
                                ++lastResort;
                            else
                                oneTime.append(r->key.kid);
                            ++received;
                        });
                }
            }, Qt::QueuedConnection);
            threads.push_back(std::move(thread));
            contexts.push_back(std::move(context));
        }
        QTRY_COMPARE_WITH_TIMEOUT(received.load(), Threads * PerThread, LongWaitMs);
        for (auto &thread : threads) {
            thread->quit();
            QVERIFY(thread->wait(LongWaitMs));
        }
        contexts.clear();

        QCOMPARE(failures, 0);
        QCOMPARE(wrongThread, 0);
        QCOMPARE(oneTime.size(), Pool);
        const QSet<quint32> unique(oneTime.cbegin(), oneTime.cend());
        QCOMPARE(unique.size(), Pool);
        QCOMPARE(*std::min_element(oneTime.cbegin(), oneTime.cend()), 1u);
        QCOMPARE(*std::max_element(oneTime.cbegin(), oneTime.cend()), quint32(Pool));
        QCOMPARE(lastResort, Threads * PerThread - Pool);
        QCOMPARE(*store->reader().prekeyCount(device), 0);
    }

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

    // --- group commit and threads ---

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

    void commitFailureFailsTheWholeGroup()
    {
        auto store = openStore();
        QVERIFY(store);
        Result<EnrollResult> alice = newUser(*store, u"alice"_s, 'a');
        QVERIFY(alice);

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"group commit of .* failed"_s));
        Gate gate;
        gate.hold(*store, this);
        Outcome<void> a, b, c;
        QObject context;   // destroyed first: nothing is delivered into a finished test
        store->write<void>(&context, [&](Db &db) { return db.putRecovery(alice->userId, QByteArray("first")); }, a.receiver());
        // Violates a foreign key only checked at COMMIT.
        store->write<void>(&context, [](Db &db) -> Status {
            QSqlQuery query(db.database());
            if (!query.exec(u"PRAGMA defer_foreign_keys = ON"_s)
                || !query.exec(u"INSERT INTO prekeys (device_id, kid, pub, sig) VALUES (987654, 1, x'01', x'02')"_s))
                return makeError(ErrorCode::Database, query.lastError().text());
            return {};
        }, b.receiver());
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

        std::vector<std::unique_ptr<QThread>> threads;
        std::vector<std::unique_ptr<QObject>> contexts;
        for (int t = 0; t < Threads; ++t) {
            auto thread = std::make_unique<QThread>();
            auto context = std::make_unique<QObject>();
            context->moveToThread(thread.get());
            thread->start();
            QObject *ctx = context.get();
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
            threads.push_back(std::move(thread));
            contexts.push_back(std::move(context));
        }
        // Meanwhile this thread reads.
        const QDeadlineTimer deadline(LongWaitMs);
        while (received.load() < Threads * PerThread && !deadline.hasExpired()) {
            QVERIFY(store->reader().queuedCount(bob->deviceId));
            QTest::qWait(5);
        }
        QCOMPARE(received.load(), Threads * PerThread);
        for (auto &thread : threads) {
            thread->quit();
            QVERIFY(thread->wait(LongWaitMs));
        }
        contexts.clear();
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
        auto store = openStore(2000, 20);
        QVERIFY(store);
        const QString blockerName = u"blocker"_s;
        {
            QSqlDatabase blocker = QSqlDatabase::addDatabase(u"QSQLITE"_s, blockerName);
            blocker.setDatabaseName(dbPath());
            QVERIFY(blocker.open());
            QSqlQuery lock(blocker);
            QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));
            Outcome<QString> outcome;
            QObject context;
            store->write<QString>(&context, [](Db &db) { return db.createEnrollCode(u"alice"_s, 1000); },
                                  outcome.receiver());
            QTimer::singleShot(100, this, [&] { QVERIFY(lock.exec(u"COMMIT"_s)); });
            QTRY_VERIFY_WITH_TIMEOUT(outcome.result, LongWaitMs);
            QVERIFY2(outcome.result->ok(), qPrintable(outcome.result->ok() ? QString() : outcome.result->error().message));
        }
        QSqlDatabase::removeDatabase(blockerName);
    }

    void busyDatabaseFailsAfterRetries()
    {
        auto store = openStore(2000, 10);
        QVERIFY(store);
        const QString blockerName = u"blocker"_s;
        {
            QSqlDatabase blocker = QSqlDatabase::addDatabase(u"QSQLITE"_s, blockerName);
            blocker.setDatabaseName(dbPath());
            QVERIFY(blocker.open());
            QSqlQuery lock(blocker);
            QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot start a write transaction"_s));
            Outcome<QString> outcome;
            QObject context;
            store->write<QString>(&context, [](Db &db) { return db.createEnrollCode(u"alice"_s, 1000); },
                                  outcome.receiver());
            QTRY_VERIFY_WITH_TIMEOUT(outcome.result, LongWaitMs);
            QVERIFY(!outcome.result->ok());
            QCOMPARE(outcome.result->error().code, ErrorCode::Database);
            QVERIFY(lock.exec(u"ROLLBACK"_s));
        }
        QSqlDatabase::removeDatabase(blockerName);
        QVERIFY(newCode(*store, u"alice"_s));
    }
};

QTEST_GUILESS_MAIN(tst_Store)
#include "tst_store.moc"
