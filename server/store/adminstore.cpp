#include "store/adminstore.h"

#include "store/store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

Result<QSqlQuery> run(QSqlDatabase db, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery query(db);
    if (!query.prepare(sql))
        return makeError(ErrorCode::Database, u"preparing an admin statement failed: %1"_s.arg(query.lastError().text()));
    for (const QVariant &v : binds)
        query.addBindValue(v);
    if (!query.exec())
        return makeError(ErrorCode::Database, u"an admin statement failed: %1"_s.arg(query.lastError().text()));
    return query;
}

AdminAccount readAccount(const QSqlQuery &q)
{
    AdminAccount a;
    a.id = q.value(0).toLongLong();
    a.name = q.value(1).toString();
    a.passwordHash = q.value(2).toString();
    a.mustChange = q.value(3).toInt() != 0;
    a.totpSecret = q.value(4).toByteArray();
    a.totpEnabled = q.value(5).toInt() != 0;
    a.failedLogins = q.value(6).toInt();
    a.lockedUntil = q.value(7).toLongLong();
    a.createdAt = q.value(8).toLongLong();
    return a;
}

const QString AccountColumns = u"a.id, a.name, a.pw_hash, a.must_change, a.totp_secret, a.totp_enabled, a.failed_logins, "
                               "a.locked_until, a.created_at"_s;

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    return u"%"_s + escaped + u"%"_s;
}

const QStringList Levels = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s};

} // namespace

AdminStore::AdminStore(Db &db) : m_db(db) {}

Result<AdminAccount> AdminStore::account(const QString &name)
{
    auto q = run(m_db.database(), u"SELECT %1 FROM admin_accounts a WHERE a.name = ?"_s.arg(AccountColumns), {name});
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::NotFound, u"no such admin account"_s);
    return readAccount(*q);
}

Result<QList<AdminAccount>> AdminStore::accounts()
{
    auto q = run(m_db.database(), u"SELECT %1 FROM admin_accounts a ORDER BY a.name"_s.arg(AccountColumns));
    if (!q)
        return q.error();
    QList<AdminAccount> out;
    while (q->next())
        out.append(readAccount(*q));
    return out;
}

Result<qint64> AdminStore::createAccount(const QString &name, const QString &hash, bool mustChange, qint64 now)
{
    auto exists = account(name);
    if (exists)
        return makeError(ErrorCode::Conflict, u"an admin account of that name exists"_s);
    if (exists.error().code != ErrorCode::NotFound)
        return exists.error();
    auto q = run(m_db.database(), u"INSERT INTO admin_accounts (name, pw_hash, must_change, created_at) VALUES (?, ?, ?, ?)"_s,
                 {name, hash, mustChange ? 1 : 0, now});
    if (!q)
        return q.error();
    return q->lastInsertId().toLongLong();
}

Status AdminStore::setPassword(qint64 accountId, const QString &hash, bool mustChange)
{
    if (auto q = run(m_db.database(), u"UPDATE admin_accounts SET pw_hash = ?, must_change = ?, failed_logins = 0, locked_until = 0 WHERE id = ?"_s,
                     {hash, mustChange ? 1 : 0, accountId}); !q)
        return q.error();
    if (auto q = run(m_db.database(), u"DELETE FROM admin_tokens WHERE account_id = ?"_s, {accountId}); !q)
        return q.error();
    return {};
}

Status AdminStore::deleteAccount(const QString &name)
{
    auto target = account(name);
    if (!target)
        return target.error();
    auto count = run(m_db.database(), u"SELECT COUNT(*) FROM admin_accounts"_s);
    if (!count)
        return count.error();
    if (count->next() && count->value(0).toLongLong() <= 1)
        return makeError(ErrorCode::Forbidden, u"the last admin account cannot be deleted"_s);
    if (auto q = run(m_db.database(), u"DELETE FROM admin_accounts WHERE id = ?"_s, {target->id}); !q)
        return q.error();
    return {};
}

Result<bool> AdminStore::recordFailure(qint64 accountId, int maxFailures, qint64 lockMs, qint64 now)
{
    auto q = run(m_db.database(), u"SELECT failed_logins FROM admin_accounts WHERE id = ?"_s, {accountId});
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::NotFound, u"no such admin account"_s);
    const int failures = q->value(0).toInt() + 1;
    const bool lock = failures >= maxFailures;
    if (auto u = run(m_db.database(), u"UPDATE admin_accounts SET failed_logins = ?, locked_until = ? WHERE id = ?"_s,
                     {lock ? 0 : failures, lock ? now + lockMs : 0, accountId}); !u)
        return u.error();
    return lock;
}

Status AdminStore::clearFailures(qint64 accountId)
{
    if (auto q = run(m_db.database(), u"UPDATE admin_accounts SET failed_logins = 0, locked_until = 0 WHERE id = ?"_s, {accountId}); !q)
        return q.error();
    return {};
}

Status AdminStore::setTotp(qint64 accountId, const QByteArray &secret, bool enabled)
{
    const QVariant value = secret.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(secret);
    if (auto q = run(m_db.database(), u"UPDATE admin_accounts SET totp_secret = ?, totp_enabled = ? WHERE id = ?"_s,
                     {value, enabled ? 1 : 0, accountId}); !q)
        return q.error();
    return {};
}

Status AdminStore::insertToken(const QByteArray &tokenHash, qint64 accountId, qint64 now, qint64 expiresAt)
{
    if (auto q = run(m_db.database(), u"INSERT INTO admin_tokens (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)"_s,
                     {tokenHash, accountId, now, expiresAt}); !q)
        return q.error();
    return {};
}

Result<AdminAccount> AdminStore::accountForToken(const QByteArray &tokenHash, qint64 now)
{
    auto q = run(m_db.database(),
                 u"SELECT %1, t.expires_at FROM admin_tokens t JOIN admin_accounts a ON a.id = t.account_id WHERE t.token_hash = ?"_s
                     .arg(AccountColumns),
                 {tokenHash});
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Unauthorized, u"unknown or revoked token; log in again"_s);
    if (q->value(9).toLongLong() <= now)
        return makeError(ErrorCode::Unauthorized, u"the token has expired; log in again"_s);
    return readAccount(*q);
}

Status AdminStore::deleteToken(const QByteArray &tokenHash)
{
    if (auto q = run(m_db.database(), u"DELETE FROM admin_tokens WHERE token_hash = ?"_s, {tokenHash}); !q)
        return q.error();
    return {};
}

Result<int> AdminStore::purgeTokens(qint64 now)
{
    auto q = run(m_db.database(), u"DELETE FROM admin_tokens WHERE expires_at <= ?"_s, {now});
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

Status AdminStore::appendAudit(const AuditRecord &r)
{
    if (auto q = run(m_db.database(), u"INSERT INTO audit_log (at, actor, action, target, outcome) VALUES (?, ?, ?, ?, ?)"_s,
                     {r.at, r.actor.isEmpty() ? u"-"_s : r.actor, r.action, r.target.isNull() ? u""_s : r.target, r.outcome}); !q)
        return q.error();
    return {};
}

Result<QList<AuditRecord>> AdminStore::audit(const AuditFilter &f)
{
    QString sql = u"SELECT id, at, actor, action, target, outcome FROM audit_log WHERE at >= ?"_s;
    QVariantList binds{f.since};
    if (f.until > 0) {
        sql += u" AND at <= ?"_s;
        binds << f.until;
    }
    if (!f.actor.isEmpty()) {
        sql += u" AND actor = ?"_s;
        binds << f.actor;
    }
    if (!f.action.isEmpty()) {
        sql += u" AND (action = ? OR action LIKE ? ESCAPE '\\')"_s;
        QString prefix = f.action;
        prefix.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        binds << f.action << prefix + u".%"_s;
    }
    sql += u" ORDER BY id DESC LIMIT ?"_s;
    binds << f.limit;
    auto q = run(m_db.database(), sql, binds);
    if (!q)
        return q.error();
    QList<AuditRecord> out;
    while (q->next()) {
        out.append(AuditRecord{q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(),
                               q->value(3).toString(), q->value(4).toString(), q->value(5).toString()});
    }
    return out;
}

Status AdminStore::appendEvents(const QList<EventRecord> &events)
{
    for (const EventRecord &e : events) {
        if (auto q = run(m_db.database(), u"INSERT INTO event_log (at, level, category, message) VALUES (?, ?, ?, ?)"_s,
                         {e.at, e.level, e.category, e.message}); !q)
            return q.error();
    }
    return {};
}

Result<QList<EventRecord>> AdminStore::events(const EventFilter &f)
{
    QString sql = u"SELECT at, level, category, message FROM event_log WHERE at >= ?"_s;
    QVariantList binds{f.since};
    if (!f.category.isEmpty()) {
        sql += u" AND category = ?"_s;
        binds << f.category;
    }
    if (!f.minLevel.isEmpty()) {
        const qsizetype from = Levels.indexOf(f.minLevel);
        if (from < 0)
            return makeError(ErrorCode::InvalidArgument, u"level: expected debug, info, warning or critical"_s);
        const QStringList wanted = Levels.mid(from);
        sql += u" AND level IN ('%1')"_s.arg(wanted.join(u"','"_s));
    }
    if (!f.grep.isEmpty()) {
        sql += u" AND message LIKE ? ESCAPE '\\'"_s;
        binds << likePattern(f.grep);
    }
    sql += u" ORDER BY id DESC LIMIT ?"_s;
    binds << f.limit;
    auto q = run(m_db.database(), sql, binds);
    if (!q)
        return q.error();
    QList<EventRecord> out;
    while (q->next())
        out.append(EventRecord{q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString(), q->value(3).toString()});
    return out;
}

Result<int> AdminStore::purgeEventsBefore(qint64 cutoff)
{
    auto q = run(m_db.database(), u"DELETE FROM event_log WHERE at < ?"_s, {cutoff});
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

Result<std::optional<QString>> AdminStore::setting(const QString &key)
{
    auto q = run(m_db.database(), u"SELECT value FROM managed_settings WHERE key = ?"_s, {key});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<QString>();
    return std::optional<QString>(q->value(0).toString());
}

Status AdminStore::setSetting(const QString &key, const QString &value, qint64 now)
{
    if (auto q = run(m_db.database(), u"INSERT INTO managed_settings (key, value, updated_at) VALUES (?, ?, ?) "
                                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s,
                     {key, value.isNull() ? u""_s : value, now}); !q)
        return q.error();
    return {};
}

Result<QList<UserSummary>> AdminStore::users(const QString &search)
{
    const QString pattern = likePattern(search);
    auto q = run(m_db.database(),
                 u"SELECT u.name, u.suspended, u.created_at, "
                 "(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id AND d.revoked = 0), "
                 "(SELECT COALESCE(MAX(d.last_seen), 0) FROM devices d WHERE d.user_id = u.id), "
                 "(SELECT COALESCE(SUM(d.queued), 0) FROM devices d WHERE d.user_id = u.id) "
                 "FROM users u WHERE u.name LIKE ? ESCAPE '\\' ORDER BY u.name"_s,
                 {pattern});
    if (!q)
        return q.error();
    QList<UserSummary> out;
    QStringList names;
    while (q->next()) {
        UserSummary s;
        s.name = q->value(0).toString();
        s.suspended = q->value(1).toInt() != 0;
        s.createdAt = q->value(2).toLongLong();
        s.devices = q->value(3).toInt();
        s.lastSeen = q->value(4).toLongLong();
        s.queued = q->value(5).toLongLong();
        names << s.name;
        out.append(s);
    }
    auto pending = run(m_db.database(),
                       u"SELECT user, MIN(created_at) FROM enroll_codes WHERE used_at IS NULL AND user LIKE ? ESCAPE '\\' "
                       "AND user NOT IN (SELECT name FROM users) GROUP BY user ORDER BY user"_s,
                       {pattern});
    if (!pending)
        return pending.error();
    while (pending->next()) {
        UserSummary s;
        s.name = pending->value(0).toString();
        s.enrolled = false;
        s.createdAt = pending->value(1).toLongLong();
        out.append(s);
    }
    std::sort(out.begin(), out.end(), [](const UserSummary &a, const UserSummary &b) { return a.name < b.name; });
    return out;
}

Result<bool> AdminStore::codePending(const QString &name, qint64 now)
{
    auto q = run(m_db.database(), u"SELECT 1 FROM enroll_codes WHERE user = ? AND used_at IS NULL AND expires_at > ?"_s, {name, now});
    if (!q)
        return q.error();
    return q->next();
}

Result<bool> AdminStore::userExists(const QString &name)
{
    auto q = run(m_db.database(), u"SELECT 1 FROM users WHERE name = ?"_s, {name});
    if (!q)
        return q.error();
    return q->next();
}

Result<QList<qint64>> AdminStore::setSuspended(const QString &name, bool suspended)
{
    auto q = run(m_db.database(), u"UPDATE users SET suspended = ? WHERE name = ?"_s, {suspended ? 1 : 0, name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorCode::NotFound, u"no such user"_s);
    auto devices = run(m_db.database(),
                       u"SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.name = ? AND d.revoked = 0"_s, {name});
    if (!devices)
        return devices.error();
    QList<qint64> ids;
    while (devices->next())
        ids << devices->value(0).toLongLong();
    return ids;
}

Result<qint64> AdminStore::revokeDevice(const QString &name, quint32 deviceNo)
{
    auto q = run(m_db.database(),
                 u"SELECT d.id, d.revoked FROM devices d JOIN users u ON u.id = d.user_id WHERE u.name = ? AND d.device_no = ?"_s,
                 {name, deviceNo});
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::NotFound, u"no such device"_s);
    const qint64 id = q->value(0).toLongLong();
    if (q->value(1).toInt() != 0)
        return makeError(ErrorCode::Conflict, u"the device is already revoked"_s);
    const QList<std::pair<QString, QVariantList>> steps = {
        {u"UPDATE devices SET revoked = 1, lr_kid = NULL, lr_pub = NULL, lr_sig = NULL WHERE id = ?"_s, {id}},
        {u"DELETE FROM queue WHERE device_id = ?"_s, {id}},
        {u"DELETE FROM prekeys WHERE device_id = ?"_s, {id}},
    };
    for (const auto &[sql, binds] : steps) {
        if (auto r = run(m_db.database(), sql, binds); !r)
            return r.error();
    }
    return id;
}

Result<QList<qint64>> AdminStore::deleteUser(const QString &name)
{
    auto user = run(m_db.database(), u"SELECT id FROM users WHERE name = ?"_s, {name});
    if (!user)
        return user.error();
    const bool enrolled = user->next();
    const qint64 userId = enrolled ? user->value(0).toLongLong() : 0;
    QList<qint64> devices;
    if (enrolled) {
        auto d = run(m_db.database(), u"SELECT id FROM devices WHERE user_id = ?"_s, {userId});
        if (!d)
            return d.error();
        while (d->next())
            devices << d->value(0).toLongLong();
    }
    auto codes = run(m_db.database(), u"DELETE FROM enroll_codes WHERE user = ?"_s, {name});
    if (!codes)
        return codes.error();
    if (!enrolled) {
        if (codes->numRowsAffected() == 0)
            return makeError(ErrorCode::NotFound, u"no such user"_s);
        return devices;
    }
    // Room memberships live in the rooms tables (schema version 2) when this build has them.
    auto rooms = run(m_db.database(), u"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'room_members'"_s);
    if (!rooms)
        return rooms.error();
    if (rooms->next()) {
        if (auto r = run(m_db.database(), u"DELETE FROM room_members WHERE user_name = ?"_s, {name}); !r)
            return r.error();
    }
    for (const qint64 id : devices) {
        if (auto r = run(m_db.database(), u"DELETE FROM seen WHERE sender_device_id = ?"_s, {id}); !r)
            return r.error();
        if (auto r = run(m_db.database(), u"DELETE FROM queue WHERE device_id = ?"_s, {id}); !r)
            return r.error();
    }
    // Devices, prekeys and the recovery bundle go with the user (ON DELETE CASCADE).
    if (auto r = run(m_db.database(), u"DELETE FROM recovery WHERE user_id = ?"_s, {userId}); !r)
        return r.error();
    if (auto r = run(m_db.database(), u"DELETE FROM users WHERE id = ?"_s, {userId}); !r)
        return r.error();
    return devices;
}

Result<QList<AdminStore::RoomRow>> AdminStore::rooms(const QString &search)
{
    auto q = run(m_db.database(),
                 u"SELECT r.name, r.title, r.expire_seconds, r.burn, r.created_at, r.last_at, "
                 "(SELECT COUNT(*) FROM room_members m WHERE m.room_id = r.id), r.enforced_expire_seconds, "
                 "r.enforced_burn FROM rooms r "
                 "WHERE r.name LIKE ? ESCAPE '\\' ORDER BY r.name"_s,
                 {likePattern(search)});
    if (!q)
        return q.error();
    QList<RoomRow> out;
    while (q->next()) {
        out.append(RoomRow{q->value(0).toString(), q->value(1).toString(), q->value(2).toLongLong(), q->value(3).toInt() != 0,
                           q->value(6).toInt(), q->value(4).toLongLong(), q->value(5).toLongLong(),
                           q->value(7).toLongLong(), q->value(8).toInt() != 0});
    }
    return out;
}

Status AdminStore::deleteRoom(const QString &name)
{
    auto q = run(m_db.database(), u"DELETE FROM rooms WHERE name = ?"_s, {name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorCode::NotFound, u"no such room"_s);
    return {};
}

Result<qint64> AdminStore::queuedTotal()
{
    auto q = run(m_db.database(), u"SELECT COALESCE(SUM(queued), 0) FROM devices"_s);
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<qint64> AdminStore::userCount()
{
    auto q = run(m_db.database(), u"SELECT COUNT(*) FROM users"_s);
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

} // namespace parley::server
