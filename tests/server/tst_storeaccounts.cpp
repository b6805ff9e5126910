// Tests of the daemon's storage layer, its records: opening (schema, permissions, migrations), enrollment and
// prekeys. Message queues, group commit and threading run in tst_storequeue.

#include "storefixture.h"

#include "store/schema.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

namespace {

// The messages logged while it lives (and passed on to the test's own handler).
class LogCapture {
public:
    LogCapture() { s_previous = qInstallMessageHandler(&LogCapture::handle); }
    ~LogCapture()
    {
        qInstallMessageHandler(s_previous);
        s_lines.clear();
    }
    QStringList matching(const QString &part) const { return s_lines.filter(part); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        s_lines.append(message);
        if (s_previous)
            s_previous(type, context, message);
    }
    static inline QStringList s_lines;
    static inline QtMessageHandler s_previous = nullptr;
};

} // namespace

class tst_StoreAccounts : public StoreTest {
    Q_OBJECT

private Q_SLOTS:
    // --- opening ---

    void openCreatesOwnerOnlyFile()
    {
        if (onPostgres())
            QSKIP("SQLite's database file: PostgreSQL keeps its own files");
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
        if (onPostgres())
            QSKIP("SQLite's database file: PostgreSQL keeps its own files");
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
            // The highest migration (13: nodes) is the schema version, whatever order the steps were written in.
            QCOMPARE(schemaVersion(*store), 16);
            QCOMPARE(countSchemaObjects(*store, {u"nodes"_s, u"presence"_s}), 2);
            QCOMPARE(countSchemaObjects(*store, {u"resume_credentials"_s}), 1);
            QCOMPARE(countSchemaObjects(*store, {u"users"_s, u"devices"_s, u"enroll_codes"_s, u"prekeys"_s, u"messages"_s,
                                                 u"queue"_s, u"seen"_s, u"recovery"_s}),
                     8);
            QCOMPARE(countSchemaObjects(*store, {u"push_tokens"_s, u"push_queue"_s}), 2);
            QCOMPARE(countSchemaObjects(*store, {u"blobs"_s, u"blob_refs"_s}), 2);
            QCOMPARE(countSchemaObjects(*store, {u"directory_users"_s}), 1);
            QCOMPARE(countSchemaObjects(*store, {u"bots"_s, u"bot_scope"_s}), 2);
            QSqlQuery mode(store->reader().database());
            if (onPostgres()) {
                // "accepted" only after a durable commit; readers in read-only transactions.
                QVERIFY(mode.exec(u"SHOW synchronous_commit"_s) && mode.next());
                QCOMPARE(mode.value(0).toString(), u"on"_s);
                QVERIFY(mode.exec(u"SHOW default_transaction_read_only"_s) && mode.next());
                QCOMPARE(mode.value(0).toString(), u"on"_s);
            } else {
                QVERIFY(mode.exec(u"PRAGMA journal_mode"_s) && mode.next());
                QCOMPARE(mode.value(0).toString(), u"wal"_s);
                QVERIFY(mode.exec(u"PRAGMA foreign_keys"_s) && mode.next());
                QCOMPARE(mode.value(0).toInt(), 1);
                QVERIFY(mode.exec(u"PRAGMA secure_delete"_s) && mode.next());
                QCOMPARE(mode.value(0).toInt(), 1);
                QVERIFY(mode.exec(u"PRAGMA query_only"_s) && mode.next());
                QCOMPARE(mode.value(0).toInt(), 1);
            }
            QVERIFY(newUser(*store, u"alice"_s, 'a'));
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(schemaVersion(*store), 16);
        QVERIFY(store->reader().userByName(u"alice"_s));
    }

    // A new database says it was created, once; an older one names each migration it runs.
    void openLogsCreationOrMigration()
    {
        {
            const LogCapture log;
            QVERIFY(openStore());
            QCOMPARE(log.matching(u"database schema"_s), QStringList{u"created database schema version 16"_s});
        }
        {
            auto store = openStore();
            QVERIFY(store);
            QVERIFY(raw(*store, u"DROP INDEX messages_room"_s));
            QVERIFY(raw(*store, u"ALTER TABLE messages DROP COLUMN room"_s));
            QVERIFY(raw(*store, u"DROP TABLE resume_credentials"_s));
            QVERIFY(raw(*store, u"ALTER TABLE seen DROP COLUMN seq"_s));
            QVERIFY(raw(*store, u"ALTER TABLE seen DROP COLUMN digest"_s));
            QVERIFY(setSchemaVersion(*store, 5));
        }
        const LogCapture log;
        QVERIFY(openStore());
        QCOMPARE(log.matching(u"database schema"_s), (QStringList{u"migrating the database schema to version 6"_s,
                                                                  u"migrating the database schema to version 7"_s,
                                                                  u"migrating the database schema to version 8"_s,
                                                                  u"migrating the database schema to version 9"_s,
                                                                  u"migrating the database schema to version 10"_s,
                                                                  u"migrating the database schema to version 11"_s,
                                                                  u"migrating the database schema to version 12"_s,
                                                                  u"migrating the database schema to version 13"_s,
                                                                  u"migrating the database schema to version 14"_s,
                                                                  u"migrating the database schema to version 15"_s,
                                                                  u"migrating the database schema to version 16"_s}));
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
            // Back to a version 5 database: no room column (nor later tables), and the messages as they were stored then.
            QVERIFY(raw(*store, u"DROP INDEX messages_room"_s));
            QVERIFY(raw(*store, u"ALTER TABLE messages DROP COLUMN room"_s));
            QVERIFY(raw(*store, u"DROP TABLE resume_credentials"_s));
            QVERIFY(raw(*store, u"ALTER TABLE seen DROP COLUMN seq"_s));
            QVERIFY(raw(*store, u"ALTER TABLE seen DROP COLUMN digest"_s));
            QVERIFY(setSchemaVersion(*store, 5));
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(schemaVersion(*store), 16);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 2);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE room = 'ops'"_s), 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages WHERE room IS NULL"_s), 1);
        QCOMPARE(countSchemaObjects(*store, {u"messages_room"_s}, u"index"_s), 1);
    }

    // Version 8 rebuilds messages and queue with AUTOINCREMENT: a version 7 database keeps its queue (numbers, order,
    // the trigger that deletes acked messages), and new numbers start above every number issued before, also those
    // of deleted messages and entries.
    void migrationToVersion8KeepsQueueAndNumbers()
    {
        if (onPostgres())
            QSKIP("SQLite's tables before version 8: PostgreSQL databases start with identity columns");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v7"_s);
            db.setDatabaseName(dbPath());
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"PRAGMA foreign_keys = ON"_s));
            QVERIFY(schema::migrateTo(db, 7));
            const QStringList rows{
                u"INSERT INTO users (id, name, created_at) VALUES (1, 'alice', 0), (2, 'bob', 0)"_s,
                u"INSERT INTO devices (id, user_id, device_no, pub, sig, created_at, queued) "
                "VALUES (1, 1, 1, x'01', x'01', 0, 0), (2, 2, 1, x'02', x'02', 0, 3)"_s,
                u"INSERT INTO messages (id, sender_device_id, from_user, from_device, mid, to_cbor, sent_at, payload, "
                "kc, opts, sig, refs) VALUES (1, 1, 'alice', 1, x'11', x'8163626f62', 1, x'aa', x'bb', x'a0', x'cc', 1), "
                "(2, 1, 'alice', 1, x'12', x'8163626f62', 2, x'aa', x'bb', x'a0', x'cc', 1), "
                "(3, 1, 'alice', 1, x'13', x'8163626f62', 3, x'aa', x'bb', x'a0', x'cc', 1)"_s,
                u"INSERT INTO queue (device_id, message_id, kid, eph, wk) VALUES (2, 1, 7, x'ee', x'ff'), "
                "(2, 2, 7, x'ee', x'ff'), (2, 3, 7, x'ee', x'ff')"_s,
                u"DELETE FROM queue WHERE seq = 3"_s,   // acked: message 3 goes too
                u"INSERT INTO seen (sender_device_id, mid, seen_at) VALUES (1, x'11', 0)"_s,
            };
            for (const QString &row : rows)
                QVERIFY2(query.exec(row), qPrintable(query.lastError().text()));
            QVERIFY(query.exec(u"SELECT COUNT(*) FROM messages"_s) && query.next());
            QCOMPARE(query.value(0).toInt(), 2);
        }
        QSqlDatabase::removeDatabase(u"v7"_s);
        QVERIFY(QFile::setPermissions(dbPath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(scalar(*store, u"PRAGMA user_version"_s), 16);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages' "
                                "AND sql LIKE '%AUTOINCREMENT%'"_s),
                 1);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM sqlite_master WHERE name IN ('queue_entry_gone', "
                                "'queue_device_seq', 'queue_message', 'messages_expiry', 'messages_room')"_s),
                 5);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM seen WHERE seq IS NULL AND digest IS NULL"_s), 1);
        Result<QList<QueuedMessage>> page = store->reader().queuePage(2, 0, 10);
        QVERIFY(page);
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->at(0).seq, quint64(1));
        QCOMPARE(page->at(1).seq, quint64(2));
        QCOMPARE(page->at(1).mid, QByteArray::fromHex("12"));

        EnrollResult alice;
        alice.deviceId = 1;
        alice.deviceNo = 1;
        Result<InsertedMessage> fresh = insert(*store, message(alice, u"alice"_s, {2}));
        QVERIFY(fresh);
        QVERIFY2(fresh->payloadId > 3, qPrintable(QString::number(fresh->payloadId)));
        QVERIFY(fresh->seqs.at(0) > 3);
        QCOMPARE(*ack(*store, 2, {1, 2}), 2);
        QCOMPARE(scalar(*store, u"SELECT COUNT(*) FROM messages"_s), 1);
        QCOMPARE(*store->reader().queuedCount(2), 1);
    }

    void openRefusesNewerSchema()
    {
        {
            auto newer = openStore();
            QVERIFY(newer);
            QVERIFY(setSchemaVersion(*newer, 99));
        }
        Result<std::unique_ptr<Store>> store = Store::open(storeOptions());
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::Database);
        QVERIFY2(store.error().message.contains(u"99"_s), qPrintable(store.error().message));
    }

    void openRefusesBadOptions()
    {
        if (onPostgres())
            QSKIP("SQLite's file; tst_storepostgres refuses bad PostgreSQL settings");
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
        const Result<int> added = fillPrekeys(*store, device, Pool);
        QVERIFY(added);
        QCOMPARE(*added, Pool);

        PrekeyTally tally;
        ContextThreads threads(Threads);
        for (int t = 0; t < Threads; ++t) {
            QObject *ctx = threads.context(t);
            QMetaObject::invokeMethod(ctx, [&, ctx] {
                for (int i = 0; i < PerThread; ++i)
                    tally.claim(*store, ctx, device);
            }, Qt::QueuedConnection);
        }
        QTRY_COMPARE_WITH_TIMEOUT(tally.received.load(), Threads * PerThread, LongWaitMs);
        QVERIFY(threads.stop());

        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.mid(0, 5).join(u"; "_s)));
        QCOMPARE(tally.wrongThread, 0);
        QCOMPARE(tally.oneTime.size(), Pool);
        const QSet<quint32> unique(tally.oneTime.cbegin(), tally.oneTime.cend());
        QCOMPARE(unique.size(), Pool);
        QCOMPARE(*std::min_element(tally.oneTime.cbegin(), tally.oneTime.cend()), 1u);
        QCOMPARE(*std::max_element(tally.oneTime.cbegin(), tally.oneTime.cend()), quint32(Pool));
        QCOMPARE(tally.lastResort, Threads * PerThread - Pool);
        QCOMPARE(*store->reader().prekeyCount(device), 0);
    }
};

QTEST_GUILESS_MAIN(tst_StoreAccounts)
#include "tst_storeaccounts.moc"
