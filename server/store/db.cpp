// Typed queries over one SQLite connection, the schema and its migrations.

#include "store/store.h"
#include "store/storelog.h"

#include "crypto/crypto.h"

#include <QCborMap>
#include <QCborValue>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <thread>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {


// SQLite primary result codes (the driver reports extended codes; the low byte is the primary one).
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteConstraint = 19;

// Waits between attempts to start a write transaction while another process holds the write lock (each attempt
// itself already waits up to busy_timeout).
constexpr std::array<int, 4> BeginBackoffMs{25, 100, 400, 1600};

// Crockford base32: no I, L, O, U; readers may type I/L for 1 and O for 0.
constexpr char EnrollAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int EnrollGroups = 4;
constexpr int EnrollGroupSize = 5;
constexpr int EnrollCodeLength = EnrollGroups * EnrollGroupSize;   // 20 symbols x 5 bits = 100 bits

// ---------------------------------------------------------------------------------------------------------------
// Schema. Version 1. Every later version appends a step; a step never changes once released.
//
// Counters kept by triggers, so that every way a queue entry goes (ack, expiry, a deleted device) keeps them right:
// devices.queued (entries waiting for the device) and messages.refs (entries still pointing at the message; the
// message row goes with its last entry). insertMessage() raises both itself, because raising `queued` doubles as
// the quota check.

const char *const SchemaV1[] = {
    R"(CREATE TABLE users (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        root_pub    BLOB,
        suspended   INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
    ))",
    R"(CREATE TABLE devices (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_no   INTEGER NOT NULL,
        pub         BLOB NOT NULL,
        sig         BLOB NOT NULL,
        name        TEXT,
        revoked     INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL DEFAULT 0,
        lr_kid      INTEGER,
        lr_pub      BLOB,
        lr_sig      BLOB,
        queued      INTEGER NOT NULL DEFAULT 0,
        UNIQUE (user_id, device_no)
    ))",
    R"(CREATE TABLE enroll_codes (
        code_hash   BLOB PRIMARY KEY,
        user        TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        used_at     INTEGER
    ) WITHOUT ROWID)",
    R"(CREATE TABLE prekeys (
        device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        kid         INTEGER NOT NULL,
        pub         BLOB NOT NULL,
        sig         BLOB NOT NULL,
        PRIMARY KEY (device_id, kid)
    ) WITHOUT ROWID)",
    // sender_device_id is informational (the sender's devices may go while recipients still hold the message).
    R"(CREATE TABLE messages (
        id               INTEGER PRIMARY KEY,
        sender_device_id INTEGER NOT NULL,
        from_user        TEXT NOT NULL,
        from_device      INTEGER NOT NULL,
        mid              BLOB NOT NULL,
        to_cbor          BLOB NOT NULL,
        sent_at          INTEGER NOT NULL,
        payload          BLOB NOT NULL,
        kc               BLOB NOT NULL,
        opts             BLOB NOT NULL,
        sig              BLOB NOT NULL,
        expires_at       INTEGER NOT NULL DEFAULT 0,
        refs             INTEGER NOT NULL
    ))",
    "CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0",
    R"(CREATE TABLE queue (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        message_id  INTEGER NOT NULL REFERENCES messages(id),
        kid         INTEGER NOT NULL,
        eph         BLOB NOT NULL,
        wk          BLOB NOT NULL
    ))",
    "CREATE INDEX queue_device_seq ON queue(device_id, seq)",
    "CREATE INDEX queue_message ON queue(message_id)",
    R"(CREATE TRIGGER queue_entry_gone AFTER DELETE ON queue BEGIN
        UPDATE devices SET queued = queued - 1 WHERE id = OLD.device_id;
        UPDATE messages SET refs = refs - 1 WHERE id = OLD.message_id;
        DELETE FROM messages WHERE id = OLD.message_id AND refs <= 0;
    END)",
    R"(CREATE TABLE seen (
        sender_device_id INTEGER NOT NULL,
        mid              BLOB NOT NULL,
        seen_at          INTEGER NOT NULL,
        PRIMARY KEY (sender_device_id, mid)
    ) WITHOUT ROWID)",
    "CREATE INDEX seen_at ON seen(seen_at)",
    R"(CREATE TABLE recovery (
        user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        blob        BLOB NOT NULL,
        updated_at  INTEGER NOT NULL
    ))",
};

// Version 2: rooms (docs/protocol.md "Rooms"). The membership chain is stored as received (room_records); rooms and
// room_members hold the state it leads to, updated in the same transaction as each appended record. Title and
// description are stored in the clear for administration. room_settings holds the managed server-wide defaults and
// limits (one row).
const char *const SchemaV2[] = {
    R"(CREATE TABLE rooms (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        title           TEXT NOT NULL DEFAULT '',
        description     TEXT NOT NULL DEFAULT '',
        expire_seconds  INTEGER NOT NULL DEFAULT 0,
        burn            INTEGER NOT NULL DEFAULT 0,
        next_seq        INTEGER NOT NULL,
        head            BLOB NOT NULL,
        last_at         INTEGER NOT NULL,
        created_at      INTEGER NOT NULL
    ))",
    R"(CREATE TABLE room_records (
        room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        rec         BLOB NOT NULL,
        sig         BLOB NOT NULL,
        dpub        BLOB NOT NULL,
        dsig        BLOB NOT NULL,
        PRIMARY KEY (room_id, seq)
    ) WITHOUT ROWID)",
    R"(CREATE TABLE room_members (
        room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_name   TEXT NOT NULL,
        admin       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, user_name)
    ) WITHOUT ROWID)",
    "CREATE INDEX room_members_user ON room_members(user_name)",
    R"(CREATE TABLE room_settings (
        id                      INTEGER PRIMARY KEY CHECK (id = 1),
        max_members             INTEGER NOT NULL,
        max_expire_seconds      INTEGER NOT NULL,
        default_expire_seconds  INTEGER NOT NULL,
        default_burn            INTEGER NOT NULL,
        updated_at              INTEGER NOT NULL
    ))",
    "INSERT INTO room_settings VALUES (1, 1000, 0, 0, 0, 0)",
};

// Version 4: push wake-ups (server/pushstore.cpp, docs/push.md). One registration per device; one pending wake-up per
// device (the partial unique index), dead-lettered ones kept for a while for the event log. IF NOT EXISTS keeps the
// step harmless should it ever run twice.
const char *const SchemaV4Push[] = {
    R"(CREATE TABLE IF NOT EXISTS push_tokens (
        device_id    INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        token        TEXT NOT NULL,
        topic        TEXT,
        p256dh       BLOB,
        auth         BLOB,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        last_push_at INTEGER NOT NULL DEFAULT 0
    ))",
    "CREATE INDEX IF NOT EXISTS push_tokens_token ON push_tokens(kind, token)",
    R"(CREATE TABLE IF NOT EXISTS push_queue (
        id              INTEGER PRIMARY KEY,
        device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        state           TEXT NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL
    ))",
    "CREATE UNIQUE INDEX IF NOT EXISTS push_queue_pending ON push_queue(device_id) WHERE state = 'pending'",
    "CREATE INDEX IF NOT EXISTS push_queue_due ON push_queue(next_attempt_at) WHERE state = 'pending'",
};

// Version 3: the admin API (server/adminstore.cpp, docs/admin-api.md): admin accounts, hashed session tokens, the
// append-only audit log (triggers refuse UPDATE and DELETE), the persisted event log and managed settings.
const char *const SchemaV3Admin[] = {
    R"(CREATE TABLE IF NOT EXISTS admin_accounts (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE,
        pw_hash        TEXT NOT NULL,
        must_change    INTEGER NOT NULL DEFAULT 0,
        totp_secret    BLOB,
        totp_enabled   INTEGER NOT NULL DEFAULT 0,
        failed_logins  INTEGER NOT NULL DEFAULT 0,
        locked_until   INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL
    ))",
    R"(CREATE TABLE IF NOT EXISTS admin_tokens (
        token_hash  BLOB PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    ) WITHOUT ROWID)",
    R"(CREATE TABLE IF NOT EXISTS audit_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        at       INTEGER NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        target   TEXT NOT NULL DEFAULT '',
        outcome  TEXT NOT NULL
    ))",
    "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at)",
    R"(CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END)",
    R"(CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END)",
    R"(CREATE TABLE IF NOT EXISTS event_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,
        level     TEXT NOT NULL,
        category  TEXT NOT NULL,
        message   TEXT NOT NULL
    ))",
    "CREATE INDEX IF NOT EXISTS event_log_at ON event_log(at)",
    R"(CREATE TABLE IF NOT EXISTS managed_settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    ) WITHOUT ROWID)",
};

// Version 5: the administrator's retention override per room (admin call rooms.policy, docs/admin-api.md). It can
// only tighten what the room's chain sets: the effective expiry is the shorter of the two, burn-on-read either one.
const char *const SchemaV5RoomRetention[] = {
    "ALTER TABLE rooms ADD COLUMN enforced_expire_seconds INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE rooms ADD COLUMN enforced_burn INTEGER NOT NULL DEFAULT 0",
};

// Version 6: a room message's room in its own indexed column (it was only inside the signed options), so that the
// retention override finds the room's stored messages without reading every message. The backfill reads the
// options of the messages stored before.
const char *const SchemaV6MessageRoom[] = {
    "ALTER TABLE messages ADD COLUMN room TEXT",
    "CREATE INDEX messages_room ON messages(room) WHERE room IS NOT NULL",
};

Error toError(const QSqlError &error, QStringView what);

Status backfillMessageRooms(QSqlDatabase &db)
{
    QList<std::pair<qint64, QString>> rooms;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(u"SELECT id, opts FROM messages"_s))
            return toError(q.lastError(), u"reading the stored messages' options failed");
        while (q.next()) {
            const QCborValue opts = QCborValue::fromCbor(q.value(1).toByteArray());
            const QString room = opts.toMap().value("room"_L1).toString();
            if (!room.isEmpty())
                rooms.append({q.value(0).toLongLong(), room});
        }
    }
    QSqlQuery update(db);
    if (!update.prepare(u"UPDATE messages SET room = ? WHERE id = ?"_s))
        return toError(update.lastError(), u"preparing the room backfill failed");
    for (const auto &[id, room] : std::as_const(rooms)) {
        update.bindValue(0, room);
        update.bindValue(1, id);
        if (!update.exec())
            return toError(update.lastError(), u"storing a message's room failed");
    }
    return {};
}

struct MigrationStep {
    int version;
    const char *const *statements;
    std::size_t count;
    Status (*after)(QSqlDatabase &) = nullptr;   // data migration run after the statements, in the same transaction
};

constexpr MigrationStep Migrations[] = {
    {1, SchemaV1, std::size(SchemaV1)},
    {2, SchemaV2, std::size(SchemaV2)},
    {3, SchemaV3Admin, std::size(SchemaV3Admin)},
    {4, SchemaV4Push, std::size(SchemaV4Push)},
    {5, SchemaV5RoomRetention, std::size(SchemaV5RoomRetention)},
    {6, SchemaV6MessageRoom, std::size(SchemaV6MessageRoom), backfillMessageRooms},
};

// The newest version any step reaches (steps are listed in ascending order).
constexpr int latestSchemaVersion()
{
    int latest = 0;
    for (const MigrationStep &step : Migrations)
        latest = std::max(latest, step.version);
    return latest;
}
constexpr int SchemaVersion = latestSchemaVersion();

// ---------------------------------------------------------------------------------------------------------------
// Statements, prepared once per connection on first use.

enum Stmt : int {
    BeginImmediate,
    Commit,
    Rollback,
    SavepointOp,
    ReleaseOp,
    RollbackToOp,
    SavepointMethod,
    ReleaseMethod,
    RollbackToMethod,
    UserByName,
    UserById,
    DevicesOfUser,
    DeviceByNo,
    DeviceById,
    DeviceExists,
    CountActiveDevices,
    NextDeviceNo,
    InsertUser,
    SetUserRoot,
    InsertDevice,
    TouchDevice,
    RecoveryOfUser,
    UpsertRecovery,
    DeleteRecovery,
    InsertEnrollCode,
    EnrollCodeByHash,
    UseEnrollCode,
    PurgeEnrollCodes,
    PrekeyCount,
    InsertPrekey,
    SetLastResort,
    ConsumePrekey,
    LastResortOf,
    InsertSeen,
    PurgeSeen,
    BumpQueued,
    QueuedOf,
    InsertMessage,
    InsertQueueEntry,
    DeleteQueueEntries,
    QueuePage,
    PurgeExpired,
    StmtCount
};

#define PARLEY_DEVICE_COLUMNS                                                                                   \
    "d.id, d.user_id, u.name, d.device_no, d.pub, d.sig, d.name, d.revoked, d.created_at, d.last_seen, "      \
    "d.lr_kid, d.lr_pub, d.lr_sig, d.queued "                                                                   \
    "FROM devices d JOIN users u ON u.id = d.user_id "

QLatin1StringView sqlOf(Stmt id)
{
    switch (id) {
    case BeginImmediate: return "BEGIN IMMEDIATE"_L1;
    case Commit: return "COMMIT"_L1;
    case Rollback: return "ROLLBACK"_L1;
    case SavepointOp: return "SAVEPOINT op"_L1;
    case ReleaseOp: return "RELEASE op"_L1;
    case RollbackToOp: return "ROLLBACK TO op"_L1;
    case SavepointMethod: return "SAVEPOINT m"_L1;
    case ReleaseMethod: return "RELEASE m"_L1;
    case RollbackToMethod: return "ROLLBACK TO m"_L1;
    case UserByName: return "SELECT id, name, root_pub, suspended, created_at FROM users WHERE name = ?"_L1;
    case UserById: return "SELECT id, name, root_pub, suspended, created_at FROM users WHERE id = ?"_L1;
    case DevicesOfUser:
        return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.user_id = ? AND d.revoked = 0 ORDER BY d.device_no"_L1;
    case DeviceByNo:
        return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.user_id = ? AND d.device_no = ? AND d.revoked = 0"_L1;
    case DeviceById: return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.id = ?"_L1;
    case DeviceExists: return "SELECT 1 FROM devices WHERE id = ?"_L1;
    case CountActiveDevices: return "SELECT COUNT(*) FROM devices WHERE user_id = ? AND revoked = 0"_L1;
    case NextDeviceNo: return "SELECT COALESCE(MAX(device_no), 0) + 1 FROM devices WHERE user_id = ?"_L1;
    case InsertUser: return "INSERT INTO users (name, root_pub, suspended, created_at) VALUES (?, ?, 0, ?)"_L1;
    case SetUserRoot: return "UPDATE users SET root_pub = ? WHERE id = ?"_L1;
    case InsertDevice:
        return "INSERT INTO devices (user_id, device_no, pub, sig, name, created_at, last_seen) "
               "VALUES (?, ?, ?, ?, ?, ?, 0)"_L1;
    case TouchDevice: return "UPDATE devices SET last_seen = ? WHERE id = ?"_L1;
    case RecoveryOfUser: return "SELECT blob FROM recovery WHERE user_id = ?"_L1;
    case UpsertRecovery:
        return "INSERT INTO recovery (user_id, blob, updated_at) VALUES (?, ?, ?) "
               "ON CONFLICT (user_id) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at"_L1;
    case DeleteRecovery: return "DELETE FROM recovery WHERE user_id = ?"_L1;
    case InsertEnrollCode:
        return "INSERT INTO enroll_codes (code_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)"_L1;
    case EnrollCodeByHash: return "SELECT user, expires_at, used_at FROM enroll_codes WHERE code_hash = ?"_L1;
    case UseEnrollCode: return "UPDATE enroll_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL"_L1;
    case PurgeEnrollCodes: return "DELETE FROM enroll_codes WHERE used_at IS NOT NULL OR expires_at <= ?"_L1;
    case PrekeyCount: return "SELECT COUNT(*) FROM prekeys WHERE device_id = ?"_L1;
    case InsertPrekey: return "INSERT INTO prekeys (device_id, kid, pub, sig) VALUES (?, ?, ?, ?)"_L1;
    case SetLastResort: return "UPDATE devices SET lr_kid = ?, lr_pub = ?, lr_sig = ? WHERE id = ?"_L1;
    case ConsumePrekey:
        return "DELETE FROM prekeys WHERE device_id = ? "
               "AND kid = (SELECT MIN(kid) FROM prekeys WHERE device_id = ?) RETURNING kid, pub, sig"_L1;
    case LastResortOf: return "SELECT lr_kid, lr_pub, lr_sig FROM devices WHERE id = ?"_L1;
    case InsertSeen: return "INSERT INTO seen (sender_device_id, mid, seen_at) VALUES (?, ?, ?)"_L1;
    case PurgeSeen: return "DELETE FROM seen WHERE seen_at < ?"_L1;
    case BumpQueued: return "UPDATE devices SET queued = queued + 1 WHERE id = ? AND queued < ?"_L1;
    case QueuedOf: return "SELECT queued FROM devices WHERE id = ?"_L1;
    case InsertMessage:
        return "INSERT INTO messages (sender_device_id, from_user, from_device, mid, to_cbor, sent_at, payload, kc, "
               "opts, room, sig, expires_at, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_L1;
    case InsertQueueEntry:
        return "INSERT INTO queue (device_id, message_id, kid, eph, wk) VALUES (?, ?, ?, ?, ?)"_L1;
    case DeleteQueueEntries:
        return "DELETE FROM queue WHERE device_id = ? AND seq IN (SELECT value FROM json_each(?))"_L1;
    case QueuePage:
        return "SELECT q.seq, m.from_user, m.from_device, m.mid, m.to_cbor, m.sent_at, m.payload, m.kc, m.opts, "
               "m.sig, q.kid, q.eph, q.wk FROM queue q JOIN messages m ON m.id = q.message_id "
               "WHERE q.device_id = ? AND q.seq > ? AND (m.expires_at = 0 OR m.expires_at > ?) "
               "ORDER BY q.seq LIMIT ?"_L1;
    case PurgeExpired:
        return "DELETE FROM queue WHERE message_id IN "
               "(SELECT id FROM messages WHERE expires_at > 0 AND expires_at <= ?)"_L1;
    case StmtCount: break;
    }
    return {};
}

#undef PARLEY_DEVICE_COLUMNS

int primaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

QString errorText(const QSqlError &error)
{
    const QString database = error.databaseText();
    const QString driver = error.driverText();
    if (database.isEmpty())
        return driver;
    if (driver.isEmpty())
        return database;
    return driver + u" ("_s + database + u')';
}

Error toError(const QSqlError &error, QStringView what)
{
    const ErrorCode code = primaryCode(error) == SqliteConstraint ? ErrorCode::Conflict : ErrorCode::Database;
    return makeError(code, what.toString() + u": "_s + errorText(error));
}

bool isBusy(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteBusy || code == SqliteLocked;
}

// Bound blobs are never NULL: an empty value is stored as a zero-length blob.
QVariant blob(const QByteArray &bytes)
{
    return bytes.isNull() ? QVariant(QByteArray("", 0)) : QVariant(bytes);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isValidUserName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (alnum)
            continue;
        if (i > 0 && (c == u'.' || c == u'_' || c == u'-'))
            continue;
        return false;
    }
    return true;
}

QByteArray hashEnrollCode(const QString &normalised)
{
    return crypto::sha256(normalised.toLatin1());
}

// A prepared statement borrowed from the connection's cache for one execution. Resets the statement when it goes
// out of scope so that no read transaction stays open (a lingering one would pin an old WAL snapshot).
class Cursor {
public:
    explicit Cursor(QSqlQuery *query) : m_query(query) {}
    Cursor(Cursor &&other) noexcept : m_query(std::exchange(other.m_query, nullptr)) {}
    Cursor(const Cursor &) = delete;
    Cursor &operator=(const Cursor &) = delete;
    Cursor &operator=(Cursor &&) = delete;
    ~Cursor()
    {
        if (m_query)
            m_query->finish();
    }

    bool next() { return m_query->next(); }
    QVariant value(int column) const { return m_query->value(column); }
    qint64 integer(int column) const { return m_query->value(column).toLongLong(); }
    QByteArray bytes(int column) const { return m_query->value(column).toByteArray(); }
    QString text(int column) const { return m_query->value(column).toString(); }
    int rowsAffected() const { return m_query->numRowsAffected(); }
    qint64 lastInsertId() const { return m_query->lastInsertId().toLongLong(); }
    // After next() returned false: whether that was the end of the rows or an error.
    Status status(QStringView what) const
    {
        if (m_query->lastError().isValid())
            return toError(m_query->lastError(), what);
        return {};
    }

private:
    QSqlQuery *m_query;
};

UserRecord readUser(const Cursor &c)
{
    UserRecord user;
    user.id = c.integer(0);
    user.name = c.text(1);
    user.rootPub = c.bytes(2);
    user.suspended = c.integer(3) != 0;
    user.createdAt = c.integer(4);
    return user;
}

DeviceRecord readDevice(const Cursor &c)
{
    DeviceRecord device;
    device.id = c.integer(0);
    device.userId = c.integer(1);
    device.userName = c.text(2);
    device.deviceNo = quint32(c.integer(3));
    device.pub = c.bytes(4);
    device.sig = c.bytes(5);
    device.name = c.text(6);
    device.revoked = c.integer(7) != 0;
    device.createdAt = c.integer(8);
    device.lastSeen = c.integer(9);
    const QByteArray lrPub = c.bytes(11);
    if (!lrPub.isEmpty())
        device.lastResort = PrekeyRecord{quint32(c.integer(10)), lrPub, c.bytes(12), true};
    device.queued = c.integer(13);
    return device;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

struct Db::Private {
    QString connectionName;
    QSqlDatabase db;
    std::array<std::unique_ptr<QSqlQuery>, StmtCount> statements;
    bool broken = false;
    QString brokenReason;

    Result<QSqlQuery *> statement(Stmt id)
    {
        std::unique_ptr<QSqlQuery> &slot = statements[id];
        if (!slot) {
            if (!db.isValid() || !db.isOpen())
                return makeError(ErrorCode::Unavailable, u"the database connection is not open"_s);
            auto query = std::make_unique<QSqlQuery>(db);
            query->setForwardOnly(true);
            if (!query->prepare(sqlOf(id)))
                return toError(query->lastError(), u"cannot prepare a statement");
            slot = std::move(query);
        }
        return slot.get();
    }

    Result<Cursor> exec(Stmt id, std::initializer_list<QVariant> args)
    {
        Result<QSqlQuery *> prepared = statement(id);
        if (!prepared)
            return prepared.error();
        QSqlQuery *query = *prepared;
        int index = 0;
        for (const QVariant &arg : args)
            query->bindValue(index++, arg);
        if (!query->exec()) {
            Error error = toError(query->lastError(), u"statement failed");
            statements[id].reset();   // the driver may have finalised it; prepare afresh next time
            return error;
        }
        return Cursor(query);
    }

    Status run(Stmt id, std::initializer_list<QVariant> args = {})
    {
        Result<Cursor> c = exec(id, args);
        if (!c)
            return c.error();
        return {};
    }

    void markBroken(const QString &reason)
    {
        if (!broken) {
            broken = true;
            brokenReason = reason;
        }
    }

    // Unauthorized unless `hash` names an unused, unexpired code issued for `user`.
    Status checkCodeRow(const QByteArray &hash, const QString &user)
    {
        const Error refused = makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
        Result<Cursor> c = exec(EnrollCodeByHash, {hash});
        if (!c)
            return c.error();
        if (!c->next()) {
            if (Status s = c->status(u"enrollment code lookup"); !s)
                return s.error();
            return refused;
        }
        const QString codeUser = c->text(0);
        const qint64 expiresAt = c->integer(1);
        const bool used = !c->value(2).isNull();
        if (codeUser != user || used || expiresAt <= nowMs())
            return refused;
        return {};
    }

    Status requireDevice(qint64 deviceId)
    {
        Result<Cursor> c = exec(DeviceExists, {deviceId});
        if (!c)
            return c.error();
        if (!c->next()) {
            if (Status s = c->status(u"device lookup"); !s)
                return s.error();
            return makeError(ErrorCode::NotFound, u"no such device"_s);
        }
        return {};
    }

    // Makes one Db method atomic on its own (a nested savepoint), so that an operation that carries on after a failed
    // call never commits half of it.
    class Savepoint {
    public:
        explicit Savepoint(Private *d) : m_d(d) {}
        Savepoint(const Savepoint &) = delete;
        Savepoint &operator=(const Savepoint &) = delete;
        ~Savepoint()
        {
            if (!m_open)
                return;
            const Status rolledBack = m_d->run(RollbackToMethod);
            const Status released = m_d->run(ReleaseMethod);
            if (!rolledBack || !released)
                m_d->markBroken(!rolledBack ? rolledBack.error().message : released.error().message);
        }

        Status begin()
        {
            Status s = m_d->run(SavepointMethod);
            m_open = s.ok();
            return s;
        }
        Status release()
        {
            m_open = false;
            Status s = m_d->run(ReleaseMethod);
            if (!s)
                m_d->markBroken(s.error().message);
            return s;
        }

    private:
        Private *m_d;
        bool m_open = false;
    };
};

Db::Db(const QString &connectionName) : d(std::make_unique<Private>())
{
    d->connectionName = connectionName;
    if (!connectionName.isEmpty() && QSqlDatabase::contains(connectionName))
        d->db = QSqlDatabase::database(connectionName, false);
}

Db::~Db()
{
    // Finalise every statement and drop our handle before the connection goes; otherwise Qt warns that the
    // connection is still in use.
    for (auto &statement : d->statements)
        statement.reset();
    d->db = QSqlDatabase();
    if (!d->connectionName.isEmpty() && QSqlDatabase::contains(d->connectionName))
        QSqlDatabase::removeDatabase(d->connectionName);
}

QSqlDatabase Db::database() const
{
    return d->db;
}

Result<std::unique_ptr<Db>> Db::openConnection(const QString &path, const QString &connectionName, int busyTimeoutMs,
                                               bool readOnly)
{
    auto configure = [&]() -> Status {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
        if (!db.isValid())
            return makeError(ErrorCode::Database, u"the Qt SQLite driver (QSQLITE) is not available"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(busyTimeoutMs));
        if (!db.open())
            return toError(db.lastError(), u"cannot open the database");

        QSqlQuery query(db);
        auto pragma = [&](const QString &sql, const char *expected = nullptr) -> Status {
            if (!query.exec(sql))
                return toError(query.lastError(), sql);
            if (expected) {
                const QString value = query.next() ? query.value(0).toString() : QString();
                if (value.compare(QLatin1StringView(expected), Qt::CaseInsensitive) != 0)
                    return makeError(ErrorCode::Database, u"%1 returned \"%2\""_s.arg(sql, value));
            }
            query.finish();
            return {};
        };
        const QString statements[] = {
            u"PRAGMA busy_timeout = %1"_s.arg(busyTimeoutMs),
            u"PRAGMA foreign_keys = ON"_s,
            u"PRAGMA synchronous = FULL"_s,
            u"PRAGMA secure_delete = ON"_s,
        };
        if (Status s = pragma(u"PRAGMA journal_mode = WAL"_s, "wal"); !s)
            return s;
        for (const QString &sql : statements) {
            if (Status s = pragma(sql); !s)
                return s;
        }
        if (readOnly) {
            if (Status s = pragma(u"PRAGMA query_only = ON"_s); !s)
                return s;
        } else {
            // Keeps the WAL file from staying huge after a burst (it is truncated to this after checkpoints).
            if (Status s = pragma(u"PRAGMA journal_size_limit = 67108864"_s); !s)
                return s;
        }
        return {};
    };
    const Status configured = configure();
    if (!configured) {
        if (QSqlDatabase::contains(connectionName))
            QSqlDatabase::removeDatabase(connectionName);
        return configured.error();
    }
    return std::make_unique<Db>(connectionName);
}

// --- transactions (writer) ---

Status Db::beginBatch()
{
    d->broken = false;
    d->brokenReason.clear();
    for (std::size_t attempt = 0;; ++attempt) {
        Result<QSqlQuery *> prepared = d->statement(BeginImmediate);
        if (!prepared)
            return prepared.error();
        QSqlQuery *query = *prepared;
        if (query->exec()) {
            query->finish();
            return {};
        }
        const QSqlError error = query->lastError();
        d->statements[BeginImmediate].reset();
        if (!isBusy(error) || attempt >= BeginBackoffMs.size())
            return toError(error, u"cannot start a write transaction");
        qCDebug(lcStore) << "database busy (another process writes); retrying in" << BeginBackoffMs[attempt] << "ms";
        std::this_thread::sleep_for(std::chrono::milliseconds(BeginBackoffMs[attempt]));
    }
}

Status Db::commitBatch()
{
    Status s = d->run(Commit);
    if (!s)
        return makeError(ErrorCode::Database, s.error().message);
    return s;
}

void Db::rollbackBatch()
{
    // Fails harmlessly when SQLite already rolled the transaction back on its own.
    const Status s = d->run(Rollback);
    if (!s)
        qCDebug(lcStore) << "rollback:" << s.error().message;
}

Status Db::beginOperation()
{
    Status s = d->run(SavepointOp);
    if (!s)
        d->markBroken(s.error().message);
    return s;
}

void Db::endOperation(bool keep)
{
    if (keep) {
        if (Status s = d->run(ReleaseOp); !s)
            d->markBroken(s.error().message);
        return;
    }
    const Status rolledBack = d->run(RollbackToOp);
    const Status released = d->run(ReleaseOp);
    if (!rolledBack || !released)
        d->markBroken(!rolledBack ? rolledBack.error().message : released.error().message);
}

bool Db::transactionBroken() const
{
    return d->broken;
}

QString Db::brokenReason() const
{
    return d->brokenReason;
}

Status Db::migrate()
{
    if (Status s = beginBatch(); !s)
        return s;
    auto apply = [&]() -> Status {
        QSqlQuery query(d->db);
        if (!query.exec(u"PRAGMA user_version"_s) || !query.next())
            return toError(query.lastError(), u"cannot read the schema version");
        const int version = query.value(0).toInt();
        query.finish();
        if (version > SchemaVersion) {
            return makeError(ErrorCode::Database,
                             u"the database has schema version %1; this build knows versions up to %2"_s
                                 .arg(version)
                                 .arg(SchemaVersion));
        }
        for (const MigrationStep &step : Migrations) {
            if (step.version <= version)
                continue;
            qCInfo(lcStore) << "migrating the database schema to version" << step.version;
            for (std::size_t i = 0; i < step.count; ++i) {
                if (!query.exec(QString::fromLatin1(step.statements[i])))
                    return toError(query.lastError(), u"schema migration to version %1 failed"_s.arg(step.version));
            }
            if (step.after) {
                if (Status s = step.after(d->db); !s)
                    return makeError(ErrorCode::Database,
                                     u"schema migration to version %1 failed: %2"_s.arg(step.version).arg(s.error().message));
            }
            if (!query.exec(u"PRAGMA user_version = %1"_s.arg(step.version)))
                return toError(query.lastError(), u"cannot set the schema version");
        }
        return {};
    };
    if (Status applied = apply(); !applied) {
        rollbackBatch();
        return makeError(ErrorCode::Database, applied.error().message);
    }
    return commitBatch();
}

// --- reads ---

Result<UserRecord> Db::userByName(const QString &name)
{
    Result<Cursor> c = d->exec(UserByName, {name});
    if (!c)
        return c.error();
    if (!c->next()) {
        if (Status s = c->status(u"user lookup"); !s)
            return s.error();
        return makeError(ErrorCode::NotFound, u"no such user"_s);
    }
    return readUser(*c);
}

Result<QList<DeviceRecord>> Db::devicesOfUser(qint64 userId)
{
    Result<Cursor> c = d->exec(DevicesOfUser, {userId});
    if (!c)
        return c.error();
    QList<DeviceRecord> devices;
    while (c->next())
        devices.append(readDevice(*c));
    if (Status s = c->status(u"device list"); !s)
        return s.error();
    return devices;
}

namespace {
// The first row of a device lookup, NotFound when there is none.
Result<DeviceRecord> firstDevice(Result<Cursor> c)
{
    if (!c)
        return c.error();
    if (!c->next()) {
        if (Status s = c->status(u"device lookup"); !s)
            return s.error();
        return makeError(ErrorCode::NotFound, u"no such device"_s);
    }
    return readDevice(*c);
}
} // namespace

Result<DeviceRecord> Db::device(qint64 userId, quint32 deviceNo)
{
    return firstDevice(d->exec(DeviceByNo, {userId, qint64(deviceNo)}));
}

Result<DeviceRecord> Db::deviceById(qint64 deviceId)
{
    return firstDevice(d->exec(DeviceById, {deviceId}));
}

Result<QByteArray> Db::recovery(qint64 userId)
{
    Result<Cursor> c = d->exec(RecoveryOfUser, {userId});
    if (!c)
        return c.error();
    if (!c->next()) {
        if (Status s = c->status(u"recovery lookup"); !s)
            return s.error();
        return QByteArray();
    }
    return c->bytes(0);
}

Result<int> Db::prekeyCount(qint64 deviceId)
{
    Result<Cursor> c = d->exec(PrekeyCount, {deviceId});
    if (!c)
        return c.error();
    if (!c->next())
        return makeError(ErrorCode::Database, u"prekey count returned no row"_s);
    return int(c->integer(0));
}

Result<qint64> Db::queuedCount(qint64 deviceId)
{
    Result<Cursor> c = d->exec(QueuedOf, {deviceId});
    if (!c)
        return c.error();
    if (!c->next()) {
        if (Status s = c->status(u"queue count"); !s)
            return s.error();
        return makeError(ErrorCode::NotFound, u"no such device"_s);
    }
    return c->integer(0);
}

QString Db::normaliseEnrollCode(const QString &code)
{
    QString out;
    out.reserve(EnrollCodeLength);
    for (const QChar ch : code) {
        char16_t c = ch.unicode();
        if (c == u'-' || c == u' ' || c == u'\t')
            continue;
        if (c >= u'a' && c <= u'z')
            c = char16_t(c - u'a' + u'A');
        if (c == u'I' || c == u'L')
            c = u'1';
        else if (c == u'O')
            c = u'0';
        if (c == 0 || c > 0x7f || !std::strchr(EnrollAlphabet, char(c)))
            return {};
        out.append(QChar(c));
        if (out.size() > EnrollCodeLength)
            return {};
    }
    if (out.size() != EnrollCodeLength)
        return {};
    return out;
}


Result<EnrollCheck> Db::checkEnrollCode(const QString &user, const QString &code)
{
    const QString normalised = normaliseEnrollCode(code);
    if (normalised.isEmpty() || !isValidUserName(user))
        return makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
    if (Status s = d->checkCodeRow(hashEnrollCode(normalised), user); !s)
        return s.error();
    EnrollCheck check;
    Result<UserRecord> existing = userByName(user);
    if (existing) {
        check.newUser = false;
        Result<QByteArray> bundle = recovery(existing->id);
        if (!bundle)
            return bundle.error();
        check.recovery = *bundle;
    } else if (existing.error().code != ErrorCode::NotFound) {
        return existing.error();
    }
    return check;
}

Result<QList<QueuedMessage>> Db::queuePage(qint64 deviceId, quint64 afterSeq, int limit)
{
    if (limit <= 0)
        return makeError(ErrorCode::InvalidArgument, u"queue page limit must be positive"_s);
    if (afterSeq > quint64(std::numeric_limits<qint64>::max()))
        return QList<QueuedMessage>();
    Result<Cursor> c = d->exec(QueuePage, {deviceId, qint64(afterSeq), nowMs(), limit});
    if (!c)
        return c.error();
    QList<QueuedMessage> page;
    page.reserve(std::min(limit, 1000));
    while (c->next()) {
        QueuedMessage m;
        m.seq = quint64(c->integer(0));
        m.from = c->text(1);
        m.fromDevice = quint32(c->integer(2));
        m.mid = c->bytes(3);
        m.to = c->bytes(4);
        m.sentAt = quint64(c->integer(5));
        m.payload = c->bytes(6);
        m.keyCommitment = c->bytes(7);
        m.options = c->bytes(8);
        m.signature = c->bytes(9);
        m.kid = quint32(c->integer(10));
        m.eph = c->bytes(11);
        m.wrappedKey = c->bytes(12);
        page.append(std::move(m));
    }
    if (Status s = c->status(u"queue page"); !s)
        return s.error();
    return page;
}

// --- writes ---

Result<QString> Db::createEnrollCode(const QString &user, qint64 validForMs)
{
    if (!isValidUserName(user))
        return makeError(ErrorCode::InvalidArgument, u"invalid user name"_s);
    if (validForMs <= 0)
        return makeError(ErrorCode::InvalidArgument, u"an enrollment code needs a positive validity"_s);
    // 20 symbols of 5 bits each; 256 is a multiple of 32, so masking a random byte is uniform.
    const QByteArray random = crypto::randomBytes(EnrollCodeLength);
    QString code;
    code.reserve(EnrollCodeLength + EnrollGroups - 1);
    for (int i = 0; i < EnrollCodeLength; ++i) {
        if (i > 0 && i % EnrollGroupSize == 0)
            code.append(u'-');
        code.append(QLatin1Char(EnrollAlphabet[quint8(random.at(i)) & 31]));
    }
    const qint64 now = nowMs();
    const qint64 expiresAt = validForMs > std::numeric_limits<qint64>::max() - now ? std::numeric_limits<qint64>::max()
                                                                                    : now + validForMs;
    if (Status s = d->run(InsertEnrollCode, {hashEnrollCode(normaliseEnrollCode(code)), user, now, expiresAt}); !s)
        return s.error();
    return code;
}

Result<EnrollResult> Db::enrollDevice(const EnrollRequest &request)
{
    if (!isValidUserName(request.user))
        return makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
    if (request.rootPub.isEmpty() || request.devicePub.isEmpty() || request.deviceSig.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"enrollment needs a root key, a device key and its signature"_s);
    if (request.maxDevices < 1)
        return makeError(ErrorCode::InvalidArgument, u"the device limit must be at least 1"_s);
    const QString normalised = normaliseEnrollCode(request.code);
    if (normalised.isEmpty())
        return makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
    const QByteArray hash = hashEnrollCode(normalised);

    Private::Savepoint savepoint(d.get());
    if (Status s = savepoint.begin(); !s)
        return s.error();
    if (Status s = d->checkCodeRow(hash, request.user); !s)
        return s.error();

    const qint64 now = nowMs();
    qint64 userId = 0;
    Result<UserRecord> existing = userByName(request.user);
    if (existing) {
        userId = existing->id;
        if (existing->suspended)
            return makeError(ErrorCode::Forbidden, u"the user is suspended"_s);
        if (!existing->rootPub.isEmpty() && existing->rootPub != request.rootPub)
            return makeError(ErrorCode::Unauthorized, u"the root key does not match the user's"_s);
        Result<Cursor> count = d->exec(CountActiveDevices, {userId});
        if (!count)
            return count.error();
        if (!count->next())
            return makeError(ErrorCode::Database, u"device count returned no row"_s);
        if (count->integer(0) >= request.maxDevices)
            return makeError(ErrorCode::QuotaExceeded, u"the user has the maximum number of devices"_s);
        if (existing->rootPub.isEmpty()) {
            if (Status s = d->run(SetUserRoot, {blob(request.rootPub), userId}); !s)
                return s.error();
        }
    } else if (existing.error().code == ErrorCode::NotFound) {
        Result<Cursor> inserted = d->exec(InsertUser, {request.user, blob(request.rootPub), now});
        if (!inserted)
            return inserted.error();
        userId = inserted->lastInsertId();
    } else {
        return existing.error();
    }

    qint64 deviceNo = 0;
    {
        Result<Cursor> next = d->exec(NextDeviceNo, {userId});
        if (!next)
            return next.error();
        if (!next->next())
            return makeError(ErrorCode::Database, u"device number query returned no row"_s);
        deviceNo = next->integer(0);
    }
    if (deviceNo > qint64(std::numeric_limits<quint32>::max()))
        return makeError(ErrorCode::QuotaExceeded, u"no device numbers left for this user"_s);

    qint64 deviceId = 0;
    {
        const QVariant name = request.deviceName.isEmpty() ? QVariant() : QVariant(request.deviceName);
        Result<Cursor> inserted = d->exec(InsertDevice, {userId, deviceNo, blob(request.devicePub),
                                                         blob(request.deviceSig), name, now});
        if (!inserted)
            return inserted.error();
        deviceId = inserted->lastInsertId();
    }
    {
        Result<Cursor> used = d->exec(UseEnrollCode, {now, hash});
        if (!used)
            return used.error();
        if (used->rowsAffected() != 1)
            return makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
    }
    if (!request.recovery.isEmpty()) {
        if (Status s = putRecovery(userId, request.recovery); !s)
            return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return EnrollResult{userId, deviceId, quint32(deviceNo)};
}


Result<int> Db::addPrekeys(qint64 deviceId, const QList<PrekeyRecord> &keys, const std::optional<PrekeyRecord> &lastResort,
                           int maxPool)
{
    for (const PrekeyRecord &key : keys) {
        if (key.pub.isEmpty() || key.sig.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"a prekey needs a public key and a signature"_s);
    }
    if (lastResort && (lastResort->pub.isEmpty() || lastResort->sig.isEmpty()))
        return makeError(ErrorCode::InvalidArgument, u"the last-resort key needs a public key and a signature"_s);

    Private::Savepoint savepoint(d.get());
    if (Status s = savepoint.begin(); !s)
        return s.error();
    if (Status s = d->requireDevice(deviceId); !s)
        return s.error();
    Result<int> before = prekeyCount(deviceId);
    if (!before)
        return before.error();
    if (qint64(*before) + keys.size() > maxPool)
        return makeError(ErrorCode::QuotaExceeded, u"the device would hold more one-time prekeys than allowed"_s);
    for (const PrekeyRecord &key : keys) {
        Result<Cursor> inserted = d->exec(InsertPrekey, {deviceId, qint64(key.kid), blob(key.pub), blob(key.sig)});
        if (!inserted) {
            if (inserted.error().code == ErrorCode::Conflict)
                return makeError(ErrorCode::Conflict, u"prekey %1 is already stored for the device"_s.arg(key.kid));
            return inserted.error();
        }
    }
    if (lastResort) {
        if (Status s = d->run(SetLastResort, {qint64(lastResort->kid), blob(lastResort->pub), blob(lastResort->sig),
                                              deviceId});
            !s)
            return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return int(*before + keys.size());
}

Result<Db::Consumed> Db::consumePrekey(qint64 deviceId)
{
    Private::Savepoint savepoint(d.get());
    if (Status s = savepoint.begin(); !s)
        return s.error();
    Consumed consumed;
    bool found = false;
    {
        Result<Cursor> c = d->exec(ConsumePrekey, {deviceId, deviceId});
        if (!c)
            return c.error();
        if (c->next()) {
            consumed.key = PrekeyRecord{quint32(c->integer(0)), c->bytes(1), c->bytes(2), false};
            found = true;
        } else if (Status s = c->status(u"prekey consumption"); !s) {
            return s.error();
        }
    }
    if (found) {
        Result<int> remaining = prekeyCount(deviceId);
        if (!remaining)
            return remaining.error();
        consumed.remaining = *remaining;
    } else {
        Result<Cursor> c = d->exec(LastResortOf, {deviceId});
        if (!c)
            return c.error();
        if (!c->next()) {
            if (Status s = c->status(u"last-resort lookup"); !s)
                return s.error();
            return makeError(ErrorCode::NotFound, u"no such device"_s);
        }
        const QByteArray pub = c->bytes(1);
        if (pub.isEmpty())
            return makeError(ErrorCode::NotFound, u"the device has no prekey"_s);
        consumed.key = PrekeyRecord{quint32(c->integer(0)), pub, c->bytes(2), true};
        consumed.remaining = 0;
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return consumed;
}

Status Db::putRecovery(qint64 userId, const QByteArray &blobValue)
{
    Result<Cursor> user = d->exec(UserById, {userId});
    if (!user)
        return user.error();
    if (!user->next()) {
        if (Status s = user->status(u"user lookup"); !s)
            return s.error();
        return makeError(ErrorCode::NotFound, u"no such user"_s);
    }
    if (blobValue.isEmpty())
        return d->run(DeleteRecovery, {userId});
    return d->run(UpsertRecovery, {userId, blob(blobValue), nowMs()});
}

Result<InsertedMessage> Db::insertMessage(const NewMessage &m)
{
    if (m.mid.isEmpty() || m.from.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"a message needs a sender and a message id"_s);
    for (const NewMessage::Entry &entry : m.entries) {
        if (entry.eph.isEmpty() || entry.wrappedKey.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"a key entry needs an ephemeral key and a wrapped key"_s);
    }

    Private::Savepoint savepoint(d.get());
    if (Status s = savepoint.begin(); !s)
        return s.error();
    const qint64 now = nowMs();
    if (Status s = d->run(InsertSeen, {m.senderDeviceId, blob(m.mid), now}); !s) {
        if (s.error().code == ErrorCode::Conflict)
            return makeError(ErrorCode::Conflict, u"the message id was seen before from this device"_s);
        return s.error();
    }

    InsertedMessage inserted;
    if (m.entries.isEmpty()) {
        if (Status s = savepoint.release(); !s)
            return s.error();
        return inserted;
    }

    // Raising each recipient's counter is the quota check: no row changes when the queue is full.
    for (const NewMessage::Entry &entry : m.entries) {
        Result<Cursor> bumped = d->exec(BumpQueued, {entry.deviceId, m.maxQueuePerDevice});
        if (!bumped)
            return bumped.error();
        if (bumped->rowsAffected() == 1)
            continue;
        if (Status s = d->requireDevice(entry.deviceId); !s)
            return s.error();
        return makeError(ErrorCode::QuotaExceeded, u"a recipient device's queue is full"_s);
    }

    {
        Result<Cursor> c = d->exec(InsertMessage,
                                   {m.senderDeviceId, m.from, qint64(m.fromDevice), blob(m.mid), blob(m.to),
                                    qint64(m.sentAt), blob(m.payload), blob(m.keyCommitment), blob(m.options),
                                    m.room.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(m.room),
                                    blob(m.signature), m.expiresAt, qint64(m.entries.size())});
        if (!c)
            return c.error();
        inserted.payloadId = c->lastInsertId();
    }
    inserted.seqs.reserve(m.entries.size());
    for (const NewMessage::Entry &entry : m.entries) {
        Result<Cursor> c = d->exec(InsertQueueEntry, {entry.deviceId, inserted.payloadId, qint64(entry.kid),
                                                      blob(entry.eph), blob(entry.wrappedKey)});
        if (!c)
            return c.error();
        inserted.seqs.append(quint64(c->lastInsertId()));
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return inserted;
}

Result<int> Db::deleteQueued(qint64 deviceId, const QList<quint64> &seqs)
{
    // One statement for the whole ack: the seqs travel as a JSON array of integers.
    QByteArray list;
    list.reserve(seqs.size() * 12 + 2);
    list.append('[');
    for (const quint64 seq : seqs) {
        if (seq > quint64(std::numeric_limits<qint64>::max()))
            continue;   // never issued
        if (list.size() > 1)
            list.append(',');
        list.append(QByteArray::number(seq));
    }
    list.append(']');
    if (list.size() == 2)
        return 0;
    Result<Cursor> c = d->exec(DeleteQueueEntries, {deviceId, QString::fromLatin1(list)});
    if (!c)
        return c.error();
    return c->rowsAffected();
}

Status Db::touchDevice(qint64 deviceId, qint64 lastSeenMs)
{
    Result<Cursor> c = d->exec(TouchDevice, {lastSeenMs, deviceId});
    if (!c)
        return c.error();
    if (c->rowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no such device"_s);
    return {};
}

Result<int> Db::purgeSeenBefore(qint64 cutoffMs)
{
    Result<Cursor> c = d->exec(PurgeSeen, {cutoffMs});
    if (!c)
        return c.error();
    return c->rowsAffected();
}

Result<int> Db::purgeExpired(qint64 now)
{
    // Removing the entries removes the messages (trigger queue_entry_gone); count the messages that go.
    Private::Savepoint savepoint(d.get());
    if (Status s = savepoint.begin(); !s)
        return s.error();
    QSqlQuery count(d->db);
    count.setForwardOnly(true);
    if (!count.prepare(u"SELECT COUNT(*) FROM messages WHERE expires_at > 0 AND expires_at <= ?"_s))
        return toError(count.lastError(), u"expiry count");
    count.bindValue(0, now);
    if (!count.exec() || !count.next())
        return toError(count.lastError(), u"expiry count");
    const int messages = count.value(0).toInt();
    count.finish();
    if (messages == 0) {
        if (Status s = savepoint.release(); !s)
            return s.error();
        return 0;
    }
    if (Status s = d->run(PurgeExpired, {now}); !s)
        return s.error();
    if (Status s = savepoint.release(); !s)
        return s.error();
    return messages;
}

Result<int> Db::purgeEnrollCodes(qint64 now)
{
    Result<Cursor> c = d->exec(PurgeEnrollCodes, {now});
    if (!c)
        return c.error();
    return c->rowsAffected();
}

} // namespace parley::server
