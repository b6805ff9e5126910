#include "store/schema.h"

#include "store/dialect.h"
#include "store/sql.h"
#include "store/storelog.h"

#include <QCborMap>
#include <QCborValue>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <iterator>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server::schema {

namespace {

// One statement of a migration step: portable (written with SQLite's column types, which dialect::ddl() maps to the
// driver's), or for one driver only where the dialects differ (triggers, SQLite's table rebuilds). Both drivers go
// through the same versions; a PostgreSQL database starts at version 0 like any new one.
enum DdlDrivers { AnyDriver, SqliteOnly, PostgresOnly };
struct Ddl {
    const char *statement;
    DdlDrivers drivers = AnyDriver;

    bool appliesTo(StoreDriver driver) const
    {
        return drivers == AnyDriver || (drivers == SqliteOnly && driver == StoreDriver::Sqlite)
            || (drivers == PostgresOnly && driver == StoreDriver::PostgreSql);
    }
};

//
// Counters kept by triggers, so that every way a queue entry goes (ack, expiry, a deleted device) keeps them right:
// devices.queued (entries waiting for the device) and messages.refs (entries still pointing at the message; the
// message row goes with its last entry). insertMessage() raises both itself, because raising `queued` doubles as
// the quota check.

const Ddl SchemaV1[] = {
    {R"(CREATE TABLE users (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        root_pub    BLOB,
        suspended   INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
    ))"},
    {R"(CREATE TABLE devices (
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
    ))"},
    {R"(CREATE TABLE enroll_codes (
        code_hash   BLOB PRIMARY KEY,
        user        TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        used_at     INTEGER
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE prekeys (
        device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        kid         INTEGER NOT NULL,
        pub         BLOB NOT NULL,
        sig         BLOB NOT NULL,
        PRIMARY KEY (device_id, kid)
    ) WITHOUT ROWID)"},
    // sender_device_id is informational (the sender's devices may go while recipients still hold the message).
    {R"(CREATE TABLE messages (
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
    ))"},
    {"CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0"},
    {R"(CREATE TABLE queue (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        message_id  INTEGER NOT NULL REFERENCES messages(id),
        kid         INTEGER NOT NULL,
        eph         BLOB NOT NULL,
        wk          BLOB NOT NULL
    ))"},
    {"CREATE INDEX queue_device_seq ON queue(device_id, seq)"},
    {"CREATE INDEX queue_message ON queue(message_id)"},
    {R"(CREATE TRIGGER queue_entry_gone AFTER DELETE ON queue BEGIN
        UPDATE devices SET queued = queued - 1 WHERE id = OLD.device_id;
        UPDATE messages SET refs = refs - 1 WHERE id = OLD.message_id;
        DELETE FROM messages WHERE id = OLD.message_id AND refs <= 0;
    END)", SqliteOnly},
    {R"(CREATE FUNCTION queue_entry_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE devices SET queued = queued - 1 WHERE id = OLD.device_id;
        UPDATE messages SET refs = refs - 1 WHERE id = OLD.message_id;
        DELETE FROM messages WHERE id = OLD.message_id AND refs <= 0;
        RETURN NULL;
    END $$)", PostgresOnly},
    {"CREATE TRIGGER queue_entry_gone AFTER DELETE ON queue FOR EACH ROW EXECUTE FUNCTION queue_entry_gone()", PostgresOnly},
    {R"(CREATE TABLE seen (
        sender_device_id INTEGER NOT NULL,
        mid              BLOB NOT NULL,
        seen_at          INTEGER NOT NULL,
        PRIMARY KEY (sender_device_id, mid)
    ) WITHOUT ROWID)"},
    {"CREATE INDEX seen_at ON seen(seen_at)"},
    {R"(CREATE TABLE recovery (
        user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        blob        BLOB NOT NULL,
        updated_at  INTEGER NOT NULL
    ))"},
};

// Version 2: rooms (docs/protocol.md "Rooms"). The membership chain is stored as received (room_records); rooms and
// room_members hold the state it leads to, updated in the same transaction as each appended record. Title and
// description are stored in the clear for administration. room_settings holds the managed server-wide defaults and
// limits (one row).
const Ddl SchemaV2[] = {
    {R"(CREATE TABLE rooms (
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
    ))"},
    {R"(CREATE TABLE room_records (
        room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        rec         BLOB NOT NULL,
        sig         BLOB NOT NULL,
        dpub        BLOB NOT NULL,
        dsig        BLOB NOT NULL,
        PRIMARY KEY (room_id, seq)
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE room_members (
        room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_name   TEXT NOT NULL,
        admin       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, user_name)
    ) WITHOUT ROWID)"},
    {"CREATE INDEX room_members_user ON room_members(user_name)"},
    {R"(CREATE TABLE room_settings (
        id                      INTEGER PRIMARY KEY CHECK (id = 1),
        max_members             INTEGER NOT NULL,
        max_expire_seconds      INTEGER NOT NULL,
        default_expire_seconds  INTEGER NOT NULL,
        default_burn            INTEGER NOT NULL,
        updated_at              INTEGER NOT NULL
    ))"},
    {"INSERT INTO room_settings VALUES (1, 1000, 0, 0, 0, 0)"},
};

// Version 4: push wake-ups (server/pushstore.cpp, docs/push.md). One registration per device; one pending wake-up per
// device (the partial unique index), dead-lettered ones kept for a while for the event log. IF NOT EXISTS keeps the
// step harmless should it ever run twice.
const Ddl SchemaV4Push[] = {
    {R"(CREATE TABLE IF NOT EXISTS push_tokens (
        device_id    INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        token        TEXT NOT NULL,
        topic        TEXT,
        p256dh       BLOB,
        auth         BLOB,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        last_push_at INTEGER NOT NULL DEFAULT 0
    ))"},
    {"CREATE INDEX IF NOT EXISTS push_tokens_token ON push_tokens(kind, token)"},
    {R"(CREATE TABLE IF NOT EXISTS push_queue (
        id              INTEGER PRIMARY KEY,
        device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        state           TEXT NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL
    ))"},
    {"CREATE UNIQUE INDEX IF NOT EXISTS push_queue_pending ON push_queue(device_id) WHERE state = 'pending'"},
    {"CREATE INDEX IF NOT EXISTS push_queue_due ON push_queue(next_attempt_at) WHERE state = 'pending'"},
};

// Version 3: the admin API (server/adminstore.cpp, docs/admin-api.md): admin accounts, hashed session tokens, the
// append-only audit log (triggers refuse UPDATE and DELETE), the persisted event log and managed settings.
const Ddl SchemaV3Admin[] = {
    {R"(CREATE TABLE IF NOT EXISTS admin_accounts (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE,
        pw_hash        TEXT NOT NULL,
        must_change    INTEGER NOT NULL DEFAULT 0,
        totp_secret    BLOB,
        totp_enabled   INTEGER NOT NULL DEFAULT 0,
        failed_logins  INTEGER NOT NULL DEFAULT 0,
        locked_until   INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL
    ))"},
    {R"(CREATE TABLE IF NOT EXISTS admin_tokens (
        token_hash  BLOB PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE IF NOT EXISTS audit_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        at       INTEGER NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        target   TEXT NOT NULL DEFAULT '',
        outcome  TEXT NOT NULL
    ))"},
    {"CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at)"},
    {R"(CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END)", SqliteOnly},
    {R"(CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END)", SqliteOnly},
    {R"(CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
    END $$)", PostgresOnly},
    {"CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
     "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()", PostgresOnly},
    {"CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
     "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()", PostgresOnly},
    {R"(CREATE TABLE IF NOT EXISTS event_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,
        level     TEXT NOT NULL,
        category  TEXT NOT NULL,
        message   TEXT NOT NULL
    ))"},
    {"CREATE INDEX IF NOT EXISTS event_log_at ON event_log(at)"},
    {R"(CREATE TABLE IF NOT EXISTS managed_settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    ) WITHOUT ROWID)"},
};

// Version 5: the administrator's retention override per room (admin call rooms.policy, docs/admin-api.md). It can
// only tighten what the room's chain sets: the effective expiry is the shorter of the two, burn-on-read either one.
const Ddl SchemaV5RoomRetention[] = {
    {"ALTER TABLE rooms ADD COLUMN enforced_expire_seconds INTEGER NOT NULL DEFAULT 0"},
    {"ALTER TABLE rooms ADD COLUMN enforced_burn INTEGER NOT NULL DEFAULT 0"},
};

// Version 6: a room message's room in its own indexed column (it was only inside the signed options), so that the
// retention override finds the room's stored messages without reading every message. The backfill reads the
// options of the messages stored before.
const Ddl SchemaV6MessageRoom[] = {
    {"ALTER TABLE messages ADD COLUMN room TEXT"},
    {"CREATE INDEX messages_room ON messages(room) WHERE room IS NOT NULL"},
};

Status backfillMessageRooms(const QSqlDatabase &db)
{
    const auto rooms = sql::queryAll<std::pair<qint64, QString>>(
        db, u"SELECT id, opts FROM messages"_s, {}, u"reading the stored messages' options failed",
        [](const sql::Rows &row) {
            const QCborValue opts = QCborValue::fromCbor(row.bytes(1));
            return std::pair(row.integer(0), opts.toMap().value("room"_L1).toString());
        });
    if (!rooms)
        return rooms.error();
    QSqlQuery update(db);
    if (!update.prepare(u"UPDATE messages SET room = ? WHERE id = ?"_s))
        return sql::toError(update.lastError(), u"preparing the room backfill failed", dialect::driverOf(db));
    for (const auto &[id, room] : *rooms) {
        if (room.isEmpty())
            continue;
        if (Status s = sql::done(sql::run(&update, {room, id}, u"storing a message's room failed")); !s)
            return s;
    }
    return {};
}

// Version 7: resumption credentials (docs/protocol.md "Resumed login"). One per device, issued at a challenge login
// and replaced by the next one; only its SHA-256 is stored. Revoking the device, suspending, deleting or signing out
// the user deletes it; the device row's own deletion takes it along.
const Ddl SchemaV7Resume[] = {
    {R"(CREATE TABLE resume_credentials (
        device_id   INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        hash        BLOB NOT NULL,
        issued_at   INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    ))"},
    {"CREATE INDEX resume_credentials_user ON resume_credentials(user_id)"},
};

// Version 8: numbers that are never used twice, and the outcome of each stored message kept with its replay record.
// `accepted.seq` (messages.id) was a plain rowid, so the number of a deleted message came back; with AUTOINCREMENT it
// grows for the life of the database, as queue.seq (`msg.seq`) always did. SQLite cannot add AUTOINCREMENT to a
// table, so messages is rebuilt: queue (which refers to it) is set aside in a temporary table and rebuilt too, and
// both counters start above the highest number the queue ever issued (every stored message had at least one queue
// entry, so no earlier message id was higher). The replay record gains the message's number and the digest of its
// content (SendRequest's fields but the key entries), so that a client sending the same message again learns it
// was stored. On PostgreSQL both ids are identity columns from version 1 on, which never reuse a number: there the
// step only adds the replay record's columns.
const Ddl SchemaV8Sequences[] = {
    {R"(CREATE TABLE messages_v8 (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
        refs             INTEGER NOT NULL,
        room             TEXT
    ))", SqliteOnly},
    {"INSERT INTO messages_v8 (id, sender_device_id, from_user, from_device, mid, to_cbor, sent_at, payload, kc, opts, "
     "sig, expires_at, refs, room) SELECT id, sender_device_id, from_user, from_device, mid, to_cbor, sent_at, payload, "
     "kc, opts, sig, expires_at, refs, room FROM messages", SqliteOnly},
    {"CREATE TEMP TABLE queue_v8 AS SELECT seq, device_id, message_id, kid, eph, wk FROM queue", SqliteOnly},
    {"CREATE TEMP TABLE counter_v8 AS SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'queue'), 0), "
     "COALESCE((SELECT MAX(seq) FROM queue), 0), COALESCE((SELECT MAX(id) FROM messages), 0)) AS next", SqliteOnly},
    {"DROP TABLE queue", SqliteOnly},   // its indexes and trigger go with it; dropping fires no trigger
    {"DROP TABLE messages", SqliteOnly},
    {"ALTER TABLE messages_v8 RENAME TO messages", SqliteOnly},
    {"CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0", SqliteOnly},
    {"CREATE INDEX messages_room ON messages(room) WHERE room IS NOT NULL", SqliteOnly},
    {R"(CREATE TABLE queue (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        message_id  INTEGER NOT NULL REFERENCES messages(id),
        kid         INTEGER NOT NULL,
        eph         BLOB NOT NULL,
        wk          BLOB NOT NULL
    ))", SqliteOnly},
    {"INSERT INTO queue (seq, device_id, message_id, kid, eph, wk) "
     "SELECT seq, device_id, message_id, kid, eph, wk FROM temp.queue_v8", SqliteOnly},
    {"CREATE INDEX queue_device_seq ON queue(device_id, seq)", SqliteOnly},
    {"CREATE INDEX queue_message ON queue(message_id)", SqliteOnly},
    {R"(CREATE TRIGGER queue_entry_gone AFTER DELETE ON queue BEGIN
        UPDATE devices SET queued = queued - 1 WHERE id = OLD.device_id;
        UPDATE messages SET refs = refs - 1 WHERE id = OLD.message_id;
        DELETE FROM messages WHERE id = OLD.message_id AND refs <= 0;
    END)", SqliteOnly},
    {"DELETE FROM sqlite_sequence WHERE name IN ('queue', 'messages')", SqliteOnly},
    {"INSERT INTO sqlite_sequence (name, seq) SELECT 'queue', next FROM temp.counter_v8", SqliteOnly},
    {"INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', next FROM temp.counter_v8", SqliteOnly},
    {"DROP TABLE temp.queue_v8", SqliteOnly},
    {"DROP TABLE temp.counter_v8", SqliteOnly},
    {"ALTER TABLE seen ADD COLUMN seq INTEGER"},
    {"ALTER TABLE seen ADD COLUMN digest BLOB"},
};

// Version 9: attachments (docs/protocol.md, "Attachments"). A blob's ciphertext is a file of its own under
// data_dir/blobs/ (server/store/blobfiles.cpp); its row counts the bytes durably stored. blob_refs names, for every
// message that references a blob, each device the message was queued for: those devices may download it while the
// message exists, and the row goes with the message (ON DELETE CASCADE, whichever way the message goes: acked by
// all, burned, expired). A blob once referenced whose rows are all gone is swept with its file. IF NOT EXISTS keeps
// the step harmless should it ever run twice.
const Ddl SchemaV9Blobs[] = {
    {R"(CREATE TABLE IF NOT EXISTS blobs (
        id            INTEGER PRIMARY KEY,
        bid           BLOB NOT NULL UNIQUE,
        user_id       INTEGER NOT NULL,
        device_id     INTEGER NOT NULL,
        size          INTEGER NOT NULL,
        received      INTEGER NOT NULL DEFAULT 0,
        complete      INTEGER NOT NULL DEFAULT 0,
        referenced    INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        completed_at  INTEGER NOT NULL DEFAULT 0
    ))"},
    {"CREATE INDEX IF NOT EXISTS blobs_user ON blobs(user_id)"},
    {"CREATE INDEX IF NOT EXISTS blobs_device ON blobs(device_id)"},
    {R"(CREATE TABLE IF NOT EXISTS blob_refs (
        blob_id     INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
        device_id   INTEGER NOT NULL,
        message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        PRIMARY KEY (blob_id, device_id, message_id)
    ) WITHOUT ROWID)"},
    {"CREATE INDEX IF NOT EXISTS blob_refs_message ON blob_refs(message_id)"},
};

// Version 10: directory sync (docs/operations.md "Directory"). One row per Parley user name that a directory (LDAP,
// Active Directory) entry maps to: the entry's DN and display name, whether the sync suspended the user (only such a
// suspension is lifted when the entry is enabled again), and since when the entry is missing (0 while present; the
// user is deleted once the grace period has passed). Users without a row are never touched by a sync. IF NOT EXISTS
// keeps the step harmless should it ever run twice.
const Ddl SchemaV10Directory[] = {
    {R"(CREATE TABLE IF NOT EXISTS directory_users (
        name               TEXT PRIMARY KEY,
        dn                 TEXT NOT NULL,
        display_name       TEXT NOT NULL DEFAULT '',
        suspended_by_sync  INTEGER NOT NULL DEFAULT 0,
        missing_since      INTEGER NOT NULL DEFAULT 0,
        linked_at          INTEGER NOT NULL,
        synced_at          INTEGER NOT NULL
    ) WITHOUT ROWID)"},
};

// Version 11: single sign-on (docs/operations.md "Single sign-on"). One row per Parley user name a sign-in at an
// OpenID provider got a code for: the provider's issuer and the account's subject. A later sign-in for the name must
// come from the same account, and an account names one user. The row goes with user.delete and `parleyd sso unlink`.
const Ddl SchemaV11SsoLinks[] = {
    {R"(CREATE TABLE IF NOT EXISTS sso_links (
        name       TEXT PRIMARY KEY,
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        linked_at  INTEGER NOT NULL,
        UNIQUE (issuer, subject)
    ) WITHOUT ROWID)"},
};

// Version 12: bots (docs/admin-api.md "Bots"). A bot is a user whose name has a row here, made by an administrator
// before the bot's device enrolls (the users row comes with that enrollment, as for every user, so the row is keyed by
// the name). bot_scope lists the users and rooms it may send to (scope_any: anyone); expires_at and revoked_at end
// its logins; rate and burst are its own send limit. IF NOT EXISTS keeps the step harmless should it ever run twice.
const Ddl SchemaV12Bots[] = {
    {R"(CREATE TABLE IF NOT EXISTS bots (
        name         TEXT PRIMARY KEY,
        description  TEXT NOT NULL DEFAULT '',
        scope_any    INTEGER NOT NULL DEFAULT 0,
        expires_at   INTEGER NOT NULL,
        rate         INTEGER NOT NULL,
        burst        INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        updated_at   INTEGER NOT NULL,
        revoked_at   INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE IF NOT EXISTS bot_scope (
        bot     TEXT NOT NULL REFERENCES bots(name) ON DELETE CASCADE,
        kind    TEXT NOT NULL CHECK (kind IN ('user', 'room')),
        target  TEXT NOT NULL,
        PRIMARY KEY (bot, kind, target)
    ) WITHOUT ROWID)"},
};

// Version 13: the nodes of a cluster on one PostgreSQL (docs/scale-out.md): each parleyd node's row, kept fresh by its
// heartbeat, and presence, which node serves which device. A device counts as online at a node only while the node's
// heartbeat is younger than the lease, so a node that died takes its devices with it. SQLite's single node keeps its
// sessions in memory and leaves both empty.
const Ddl SchemaV13Nodes[] = {
    {R"(CREATE TABLE IF NOT EXISTS nodes (
        id            TEXT PRIMARY KEY,
        version       TEXT NOT NULL,
        started_at    INTEGER NOT NULL,
        heartbeat_at  INTEGER NOT NULL,
        devices       INTEGER NOT NULL DEFAULT 0,
        stopped_at    INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE IF NOT EXISTS presence (
        device_id  INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        node_id    TEXT NOT NULL,
        since      INTEGER NOT NULL
    ))"},
    {"CREATE INDEX IF NOT EXISTS presence_node ON presence(node_id)"},
};

// Version 14: wrong enrollment codes per user name (EnrollLockouts), in the database so that the nodes of a cluster
// count them together and a restart does not reset them.
const Ddl SchemaV14EnrollFailures[] = {
    {R"(CREATE TABLE IF NOT EXISTS enroll_failures (
        name             TEXT PRIMARY KEY,
        failures         INTEGER NOT NULL,
        last_failure_at  INTEGER NOT NULL,
        locked_until     INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID)"},
};

// Version 15: limits the nodes of a cluster count together (SharedLimits): token buckets by kind and pair of ids
// (a requester's prekey fetches from a target device), and which requester fetched from which target lately (the
// prekey reserve). A bucket's row goes once it is full again, a claim's after the reserve's window.
const Ddl SchemaV15SharedLimits[] = {
    {R"(CREATE TABLE IF NOT EXISTS rate_buckets (
        kind        TEXT NOT NULL,
        a           INTEGER NOT NULL,
        b           INTEGER NOT NULL,
        tokens      DOUBLE PRECISION NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (kind, a, b)
    ) WITHOUT ROWID)"},
    {R"(CREATE TABLE IF NOT EXISTS prekey_claims (
        requester   INTEGER NOT NULL,
        target      INTEGER NOT NULL,
        fetched_at  INTEGER NOT NULL,
        PRIMARY KEY (requester, target)
    ) WITHOUT ROWID)"},
};

// Version 16: a token bucket kept as the time it is full again (SharedLimits, the generic cell rate algorithm), so
// that a take is one statement and one prune serves every kind whatever its rate. The levels version 15 kept go: at
// worst a bucket is full once more after the upgrade.
const Ddl SchemaV16RateBuckets[] = {
    {"DROP TABLE IF EXISTS rate_buckets"},
    {R"(CREATE TABLE rate_buckets (
        kind     TEXT NOT NULL,
        a        INTEGER NOT NULL,
        b        INTEGER NOT NULL,
        full_at  DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (kind, a, b)
    ) WITHOUT ROWID)"},
};

struct MigrationStep {
    int version;
    const Ddl *statements;
    std::size_t count;
    Status (*after)(const QSqlDatabase &) = nullptr;   // data migration run after the statements, in the same transaction
};

constexpr MigrationStep Migrations[] = {
    {1, SchemaV1, std::size(SchemaV1)},
    {2, SchemaV2, std::size(SchemaV2)},
    {3, SchemaV3Admin, std::size(SchemaV3Admin)},
    {4, SchemaV4Push, std::size(SchemaV4Push)},
    {5, SchemaV5RoomRetention, std::size(SchemaV5RoomRetention)},
    {6, SchemaV6MessageRoom, std::size(SchemaV6MessageRoom), backfillMessageRooms},
    {7, SchemaV7Resume, std::size(SchemaV7Resume)},
    {8, SchemaV8Sequences, std::size(SchemaV8Sequences)},
    {9, SchemaV9Blobs, std::size(SchemaV9Blobs)},
    {10, SchemaV10Directory, std::size(SchemaV10Directory)},
    {11, SchemaV11SsoLinks, std::size(SchemaV11SsoLinks)},
    {12, SchemaV12Bots, std::size(SchemaV12Bots)},
    {13, SchemaV13Nodes, std::size(SchemaV13Nodes)},
    {14, SchemaV14EnrollFailures, std::size(SchemaV14EnrollFailures)},
    {15, SchemaV15SharedLimits, std::size(SchemaV15SharedLimits)},
    {16, SchemaV16RateBuckets, std::size(SchemaV16RateBuckets)},
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

// A new database (version 0) runs every step too, but only an existing one is said to migrate.
Status applyStep(const QSqlDatabase &db, const MigrationStep &step, bool created)
{
    if (!created)
        qCInfo(lcStore) << "migrating the database schema to version" << step.version;
    const QString failed = u"schema migration to version %1 failed"_s.arg(step.version);
    const StoreDriver driver = dialect::driverOf(db);
    for (std::size_t i = 0; i < step.count; ++i) {
        const Ddl &statement = step.statements[i];
        if (!statement.appliesTo(driver))
            continue;
        if (Status s = sql::apply(db, dialect::ddl(driver, statement.statement), {}, failed); !s)
            return s;
    }
    if (step.after) {
        if (Status s = step.after(db); !s)
            return makeError(ErrorCode::Database, failed + u": "_s + s.error().message);
    }
    return dialect::setSchemaVersion(db, step.version);
}

} // namespace

int latestVersion()
{
    return SchemaVersion;
}

Status migrateTo(const QSqlDatabase &db, int target)
{
    const Result<int> version = dialect::schemaVersion(db);
    if (!version)
        return version.error();
    if (*version > SchemaVersion) {
        return makeError(ErrorCode::Database, u"the database has schema version %1; this build knows versions up to %2"_s
                                                  .arg(*version)
                                                  .arg(SchemaVersion));
    }
    for (const MigrationStep &step : Migrations) {
        if (step.version <= *version || step.version > target)
            continue;
        if (Status s = applyStep(db, step, *version == 0); !s)
            return s;
    }
    if (*version == 0)
        qCInfo(lcStore) << "created database schema version" << std::min(target, SchemaVersion);
    return {};
}

Status migrate(const QSqlDatabase &db)
{
    return migrateTo(db, SchemaVersion);
}

} // namespace parley::server::schema
