// Db: the writer's change log. Triggers note every user, device, bot, room and room-settings row a write changes in a
// temporary table of the writer's session; the writer takes the notes inside each group transaction, just before the
// commit, and hands them to the store's listeners once the commit is durable (Store::subscribe). A savepoint rolled
// back takes its notes with it, so nothing that did not happen is reported; a path added later that writes these
// tables is covered without being named here. The same way, queue_delta counts the queue entries a transaction adds and
// removes (messages stored, acknowledged, expired, a device's queue deleted with it), so that the store keeps the
// number of queued messages without counting them.
//
// SQLite: temporary triggers, which live on the writer connection alone and are no part of the schema; a commit by
// another connection shows in PRAGMA data_version. PostgreSQL has no temporary triggers on permanent tables: one
// trigger function (parley_log_change, parley_count_queue for the queue) on each table notes into the session's
// temporary tables when the session set parley.change_log (every store's writer does), and otherwise counts the change
// in change_epoch (psql, another program): a writer that finds the count moved knows that anything may have changed.
// Whoever changes a row, the trigger also sends its name on the channel parley_changes (NOTIFY, delivered at the commit):
// the daemon's cluster link listens there (server/cluster), so that a change made by another node or by a subcommand
// reaches the caches as it happens, by name, rather than as "everything" (docs/scale-out.md). Both live outside the
// versioned schema and are replaced at every start, under the migration's lock.

#include "store/db.h"

#include "store/connection.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

#include <iterator>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

enum ChangeKind { UserChanged = 1, RoomChanged = 2, RoomSettingsChanged = 3 };

// The device columns the device directory holds: not last_seen or queued, which change with every login and message.
const char *const ChangeLogSchema[] = {
    "CREATE TEMP TABLE IF NOT EXISTS change_log (kind INTEGER NOT NULL, name TEXT NOT NULL)",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_user_insert AFTER INSERT ON main.users "
    "BEGIN INSERT INTO change_log VALUES (1, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_user_update AFTER UPDATE OF name, root_pub, suspended ON main.users "
    "BEGIN INSERT INTO change_log VALUES (1, OLD.name), (1, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_user_delete AFTER DELETE ON main.users "
    "BEGIN INSERT INTO change_log VALUES (1, OLD.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_device_insert AFTER INSERT ON main.devices "
    "BEGIN INSERT INTO change_log SELECT 1, name FROM main.users WHERE id = NEW.user_id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_device_update AFTER UPDATE OF user_id, device_no, pub, sig, name, revoked, "
    "lr_kid, lr_pub, lr_sig ON main.devices "
    "BEGIN INSERT INTO change_log SELECT 1, name FROM main.users WHERE id IN (OLD.user_id, NEW.user_id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_device_delete AFTER DELETE ON main.devices "
    "BEGIN INSERT INTO change_log SELECT 1, name FROM main.users WHERE id = OLD.user_id; END",
    // A bot is noted as its user: the device directory holds the bot with the user (relay/devicedirectory.h).
    "CREATE TEMP TRIGGER IF NOT EXISTS log_bot_insert AFTER INSERT ON main.bots "
    "BEGIN INSERT INTO change_log VALUES (1, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_bot_update AFTER UPDATE ON main.bots "
    "BEGIN INSERT INTO change_log VALUES (1, OLD.name), (1, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_bot_delete AFTER DELETE ON main.bots "
    "BEGIN INSERT INTO change_log VALUES (1, OLD.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_bot_scope_insert AFTER INSERT ON main.bot_scope "
    "BEGIN INSERT INTO change_log VALUES (1, NEW.bot); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_bot_scope_delete AFTER DELETE ON main.bot_scope "
    "BEGIN INSERT INTO change_log VALUES (1, OLD.bot); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_room_insert AFTER INSERT ON main.rooms "
    "BEGIN INSERT INTO change_log VALUES (2, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_room_update AFTER UPDATE ON main.rooms "
    "BEGIN INSERT INTO change_log VALUES (2, OLD.name), (2, NEW.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_room_delete AFTER DELETE ON main.rooms "
    "BEGIN INSERT INTO change_log VALUES (2, OLD.name); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_member_insert AFTER INSERT ON main.room_members "
    "BEGIN INSERT INTO change_log SELECT 2, name FROM main.rooms WHERE id = NEW.room_id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_member_update AFTER UPDATE ON main.room_members "
    "BEGIN INSERT INTO change_log SELECT 2, name FROM main.rooms WHERE id IN (OLD.room_id, NEW.room_id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_member_delete AFTER DELETE ON main.room_members "
    "BEGIN INSERT INTO change_log SELECT 2, name FROM main.rooms WHERE id = OLD.room_id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_settings_insert AFTER INSERT ON main.room_settings "
    "BEGIN INSERT INTO change_log VALUES (3, ''); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_settings_update AFTER UPDATE ON main.room_settings "
    "BEGIN INSERT INTO change_log VALUES (3, ''); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_settings_delete AFTER DELETE ON main.room_settings "
    "BEGIN INSERT INTO change_log VALUES (3, ''); END",
    "CREATE TEMP TABLE IF NOT EXISTS queue_delta (n INTEGER NOT NULL)",
    "INSERT INTO queue_delta SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM queue_delta)",
    "CREATE TEMP TRIGGER IF NOT EXISTS count_queue_insert AFTER INSERT ON main.queue "
    "BEGIN UPDATE queue_delta SET n = n + 1; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS count_queue_delete AFTER DELETE ON main.queue "
    "BEGIN UPDATE queue_delta SET n = n - 1; END",
};

// PostgreSQL: kind 1 (a user, by name), 2 (a room, by name), 3 (the room settings), as the SQLite triggers above.
const char *const SharedChangeLogPostgres[] = {
    "CREATE TABLE IF NOT EXISTS change_epoch (id BIGINT PRIMARY KEY CHECK (id = 1), serial BIGINT NOT NULL)",
    "INSERT INTO change_epoch (id, serial) VALUES (1, 0) ON CONFLICT DO NOTHING",
    R"(CREATE OR REPLACE FUNCTION parley_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        kind BIGINT;
        names TEXT[];
    BEGIN
        CASE TG_TABLE_NAME
            WHEN 'users', 'bots' THEN kind := 1; names := ARRAY[OLD.name, NEW.name];
            WHEN 'bot_scope' THEN kind := 1; names := ARRAY[OLD.bot, NEW.bot];
            WHEN 'devices' THEN kind := 1; names := ARRAY(SELECT u.name FROM users u WHERE u.id IN (OLD.user_id, NEW.user_id));
            WHEN 'rooms' THEN kind := 2; names := ARRAY[OLD.name, NEW.name];
            WHEN 'room_members' THEN kind := 2; names := ARRAY(SELECT r.name FROM rooms r WHERE r.id IN (OLD.room_id, NEW.room_id));
            ELSE kind := 3; names := ARRAY[''];
        END CASE;
        IF current_setting('parley.change_log', true) = 'on' THEN
            INSERT INTO pg_temp.change_log SELECT kind, n FROM unnest(names) AS n WHERE n IS NOT NULL;
        ELSE
            UPDATE change_epoch SET serial = serial + 1 WHERE id = 1;
        END IF;
        PERFORM pg_notify('parley_changes', kind || ':' || n) FROM unnest(names) AS n WHERE n IS NOT NULL;
        RETURN NULL;
    END $$)",
    "CREATE OR REPLACE TRIGGER log_users AFTER INSERT OR DELETE OR UPDATE OF name, root_pub, suspended ON users "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_devices AFTER INSERT OR DELETE OR UPDATE OF user_id, device_no, pub, sig, name, "
    "revoked, lr_kid, lr_pub, lr_sig ON devices FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_bots AFTER INSERT OR DELETE OR UPDATE ON bots "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_bot_scope AFTER INSERT OR DELETE ON bot_scope "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_rooms AFTER INSERT OR DELETE OR UPDATE ON rooms "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_room_members AFTER INSERT OR DELETE OR UPDATE ON room_members "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    "CREATE OR REPLACE TRIGGER log_room_settings AFTER INSERT OR DELETE OR UPDATE ON room_settings "
    "FOR EACH ROW EXECUTE FUNCTION parley_log_change()",
    R"(CREATE OR REPLACE FUNCTION parley_count_queue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF current_setting('parley.change_log', true) = 'on' THEN
            INSERT INTO pg_temp.queue_delta VALUES (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
        ELSE
            UPDATE change_epoch SET serial = serial + 1 WHERE id = 1;
        END IF;
        RETURN NULL;
    END $$)",
    "CREATE OR REPLACE TRIGGER count_queue AFTER INSERT OR DELETE ON queue "
    "FOR EACH ROW EXECUTE FUNCTION parley_count_queue()",
};

const char *const ChangeLogPostgres[] = {
    "SET parley.change_log TO 'on'",
    "CREATE TEMP TABLE IF NOT EXISTS change_log (kind BIGINT NOT NULL, name TEXT NOT NULL)",
    "CREATE TEMP TABLE IF NOT EXISTS queue_delta (n BIGINT NOT NULL)",
};

Status applyAll(const QSqlDatabase &db, const char *const *statements, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        if (Status s = sql::apply(db, QString::fromLatin1(statements[i]), {}, u"change log"); !s)
            return s;
    }
    return {};
}

qint64 readInteger(const sql::Rows &row)
{
    return row.integer(0);
}

// PostgreSQL: change_epoch's count of changes made by sessions that note nothing.
Result<qint64> changeEpoch(const QSqlDatabase &db)
{
    const Error none = makeError(ErrorCode::Database, u"change_epoch has no row"_s);
    return sql::queryOne<qint64>(db, u"SELECT serial FROM change_epoch WHERE id = 1"_s, {}, u"change log", readInteger, none);
}

Result<qint64> dataVersion(const QSqlDatabase &db)
{
    return sql::queryOne<qint64>(db, u"PRAGMA data_version"_s, {}, u"data version",
                                 [](const sql::Rows &r) { return r.integer(0); },
                                 makeError(ErrorCode::Database, u"PRAGMA data_version returned nothing"_s));
}

} // namespace

Status Db::installSharedChangeLog()
{
    if (d->driver() != StoreDriver::PostgreSql)
        return {};
    return applyAll(d->database(), SharedChangeLogPostgres, std::size(SharedChangeLogPostgres));
}

Status Db::installChangeLog()
{
    const bool postgres = d->driver() == StoreDriver::PostgreSql;
    const Status installed = postgres ? applyAll(d->database(), ChangeLogPostgres, std::size(ChangeLogPostgres))
                                      : applyAll(d->database(), ChangeLogSchema, std::size(ChangeLogSchema));
    if (!installed)
        return installed;
    auto version = postgres ? changeEpoch(d->database()) : dataVersion(d->database());
    if (!version)
        return version.error();
    m_dataVersion = *version;
    m_changeLog = true;
    return {};
}

Result<StoreChanges> Db::takeChanges()
{
    StoreChanges changes;
    changes.everything = std::exchange(m_reconnected, false);
    const bool postgres = d->driver() == StoreDriver::PostgreSql;
    if (!postgres) {
        // The data version of this connection moves only when another connection committed: another process (a
        // subcommand such as `parleyd rooms-defaults`) wrote, and anything cached may be stale.
        auto version = dataVersion(d->database());
        if (!version)
            return version.error();
        changes.everything = changes.everything || *version != m_dataVersion;
        m_dataVersion = *version;
    }

    auto rows = sql::exec(d->database(), u"SELECT DISTINCT kind, name FROM change_log"_s, {}, u"change log");
    if (!rows)
        return rows.error();
    while (rows->next()) {
        switch (rows->integer(0)) {
        case UserChanged: changes.users.insert(rows->text(1)); break;
        case RoomChanged: changes.rooms.insert(rows->text(1)); break;
        case RoomSettingsChanged: changes.roomSettings = true; break;
        default: changes.everything = true; break;
        }
    }
    if (Status s = rows->status(u"change log"); !s)
        return s.error();
    const bool noted = !changes.users.isEmpty() || !changes.rooms.isEmpty() || changes.roomSettings;
    if (noted || !postgres) {
        if (Status s = sql::apply(d->database(), u"DELETE FROM change_log"_s, {}, u"change log"); !s)
            return s.error();
    }
    if (postgres) {
        // The count moved: a session that notes nothing (psql, another program) changed something.
        auto epoch = changeEpoch(d->database());
        if (!epoch)
            return epoch.error();
        changes.everything = changes.everything || *epoch != m_dataVersion;
        m_dataVersion = *epoch;
    }

    // SQLite keeps the delta in one row; PostgreSQL notes each entry in and out as a row of its own (a row updated
    // for every entry would keep a version for each until the commit).
    const QString deltaQuery = postgres ? u"SELECT COALESCE(SUM(n), 0), COUNT(*) FROM queue_delta"_s
                                        : u"SELECT n, n FROM queue_delta"_s;
    auto delta = sql::queryOne<std::pair<qint64, qint64>>(
        d->database(), deltaQuery, {}, u"queue delta",
        [](const sql::Rows &r) { return std::pair(r.integer(0), r.integer(1)); }, std::pair(qint64(0), qint64(0)));
    if (!delta)
        return delta.error();
    changes.queuedDelta = delta->first;
    if (delta->second != 0) {
        const QString reset = postgres ? u"DELETE FROM queue_delta"_s : u"UPDATE queue_delta SET n = 0"_s;
        if (Status s = sql::apply(d->database(), reset, {}, u"queue delta"); !s)
            return s.error();
    }
    return changes;
}

} // namespace parley::server
