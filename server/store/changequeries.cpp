// Db: the writer's change log. Temporary triggers (they live on the writer connection alone and are no part of the
// schema) note every user, device, bot, room and room-settings row a write changes in a temporary table; the writer takes
// the notes inside each group transaction, just before the commit, and hands them to the store's listeners once the
// commit is durable (Store::subscribe). A savepoint rolled back takes its notes with it, so nothing that did not
// happen is reported; a path added later that writes these tables is covered without being named here. The same way,
// queue_delta counts the queue entries a transaction adds and removes (messages stored, acknowledged, expired, a
// device's queue deleted with it), so that the store keeps the number of queued messages without counting them.

#include "store/db.h"

#include "store/connection.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

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

Result<qint64> dataVersion(const QSqlDatabase &db)
{
    return sql::queryOne<qint64>(db, u"PRAGMA data_version"_s, {}, u"data version",
                                 [](const sql::Rows &r) { return r.integer(0); },
                                 makeError(ErrorCode::Database, u"PRAGMA data_version returned nothing"_s));
}

} // namespace

Status Db::installChangeLog()
{
    for (const char *statement : ChangeLogSchema) {
        if (Status s = sql::apply(d->database(), QString::fromLatin1(statement), {}, u"change log"); !s)
            return s;
    }
    auto version = dataVersion(d->database());
    if (!version)
        return version.error();
    m_dataVersion = *version;
    return {};
}

Result<StoreChanges> Db::takeChanges()
{
    StoreChanges changes;
    // The data version of this connection moves only when another connection committed: another process (a
    // subcommand such as `parleyd rooms-defaults`) wrote, and anything cached may be stale.
    auto version = dataVersion(d->database());
    if (!version)
        return version.error();
    changes.everything = *version != m_dataVersion;
    m_dataVersion = *version;

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
    if (Status s = sql::apply(d->database(), u"DELETE FROM change_log"_s, {}, u"change log"); !s)
        return s.error();

    auto delta = sql::queryOne<qint64>(d->database(), u"SELECT n FROM queue_delta"_s, {}, u"queue delta",
                                       [](const sql::Rows &r) { return r.integer(0); }, qint64(0));
    if (!delta)
        return delta.error();
    changes.queuedDelta = *delta;
    if (*delta != 0) {
        if (Status s = sql::apply(d->database(), u"UPDATE queue_delta SET n = 0"_s, {}, u"queue delta"); !s)
            return s.error();
    }
    return changes;
}

} // namespace parley::server
