#include "store/adminstore.h"

#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"an admin statement failed";

AdminAccount readAccount(const sql::Rows &q)
{
    AdminAccount a;
    a.id = q.integer(0);
    a.name = q.text(1);
    a.passwordHash = q.text(2);
    a.mustChange = q.integer(3) != 0;
    a.totpSecret = q.bytes(4);
    a.totpEnabled = q.integer(5) != 0;
    a.failedLogins = int(q.integer(6));
    a.lockedUntil = q.integer(7);
    a.createdAt = q.integer(8);
    return a;
}

qint64 readInteger(const sql::Rows &q)
{
    return q.integer(0);
}

bool readAny(const sql::Rows &)
{
    return true;
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

// --- admin accounts ---

Result<AdminAccount> AdminStore::account(const QString &name)
{
    return sql::queryOne<AdminAccount>(m_db.database(), u"SELECT %1 FROM admin_accounts a WHERE a.name = ?"_s.arg(AccountColumns),
                                       {name}, Failed, readAccount,
                                       makeError(ErrorCode::NotFound, u"no such admin account"_s));
}

Result<QList<AdminAccount>> AdminStore::accounts()
{
    return sql::queryAll<AdminAccount>(m_db.database(), u"SELECT %1 FROM admin_accounts a ORDER BY a.name"_s.arg(AccountColumns),
                                       {}, Failed, readAccount);
}

Result<qint64> AdminStore::createAccount(const QString &name, const QString &hash, bool mustChange, qint64 now)
{
    auto exists = account(name);
    if (exists)
        return makeError(ErrorCode::Conflict, u"an admin account of that name exists"_s);
    if (exists.error().code != ErrorCode::NotFound)
        return exists.error();
    return sql::insert(m_db.database(),
                       u"INSERT INTO admin_accounts (name, pw_hash, must_change, created_at) VALUES (?, ?, ?, ?) RETURNING id"_s,
                       {name, hash, mustChange ? 1 : 0, now}, Failed);
}

Status AdminStore::setPassword(qint64 accountId, const QString &hash, bool mustChange)
{
    if (Status s = sql::apply(m_db.database(),
                              u"UPDATE admin_accounts SET pw_hash = ?, must_change = ?, failed_logins = 0, locked_until = 0 "
                              u"WHERE id = ?"_s,
                              {hash, mustChange ? 1 : 0, accountId}, Failed);
        !s)
        return s;
    return sql::apply(m_db.database(), u"DELETE FROM admin_tokens WHERE account_id = ?"_s, {accountId}, Failed);
}

Status AdminStore::deleteAccount(const QString &name)
{
    auto target = account(name);
    if (!target)
        return target.error();
    const Result<qint64> count =
        sql::queryOne<qint64>(m_db.database(), u"SELECT COUNT(*) FROM admin_accounts"_s, {}, Failed, readInteger, qint64(0));
    if (!count)
        return count.error();
    if (*count <= 1)
        return makeError(ErrorCode::Forbidden, u"the last admin account cannot be deleted"_s);
    return sql::apply(m_db.database(), u"DELETE FROM admin_accounts WHERE id = ?"_s, {target->id}, Failed);
}

Result<bool> AdminStore::recordFailure(qint64 accountId, int maxFailures, qint64 lockMs, qint64 now)
{
    const Result<qint64> before =
        sql::queryOne<qint64>(m_db.database(), u"SELECT failed_logins FROM admin_accounts WHERE id = ?"_s, {accountId},
                              Failed, readInteger, makeError(ErrorCode::NotFound, u"no such admin account"_s));
    if (!before)
        return before.error();
    const int failures = int(*before) + 1;
    const bool lock = failures >= maxFailures;
    if (Status s = sql::apply(m_db.database(), u"UPDATE admin_accounts SET failed_logins = ?, locked_until = ? WHERE id = ?"_s,
                              {lock ? 0 : failures, lock ? now + lockMs : 0, accountId}, Failed);
        !s)
        return s.error();
    return lock;
}

Status AdminStore::clearFailures(qint64 accountId)
{
    return sql::apply(m_db.database(), u"UPDATE admin_accounts SET failed_logins = 0, locked_until = 0 WHERE id = ?"_s,
                      {accountId}, Failed);
}

Status AdminStore::setTotp(qint64 accountId, const QByteArray &secret, bool enabled)
{
    const QVariant value = secret.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(secret);
    return sql::apply(m_db.database(), u"UPDATE admin_accounts SET totp_secret = ?, totp_enabled = ? WHERE id = ?"_s,
                      {value, enabled ? 1 : 0, accountId}, Failed);
}

// --- tokens ---

Status AdminStore::insertToken(const QByteArray &tokenHash, qint64 accountId, qint64 now, qint64 expiresAt)
{
    return sql::apply(m_db.database(),
                      u"INSERT INTO admin_tokens (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)"_s,
                      {tokenHash, accountId, now, expiresAt}, Failed);
}

Result<AdminAccount> AdminStore::accountForToken(const QByteArray &tokenHash, qint64 now)
{
    using Row = std::pair<AdminAccount, qint64>;
    const Result<Row> row = sql::queryOne<Row>(
        m_db.database(),
        u"SELECT %1, t.expires_at FROM admin_tokens t JOIN admin_accounts a ON a.id = t.account_id WHERE t.token_hash = ?"_s
            .arg(AccountColumns),
        {tokenHash}, Failed, [](const sql::Rows &q) { return Row(readAccount(q), q.integer(9)); },
        makeError(ErrorCode::Unauthorized, u"unknown or revoked token; log in again"_s));
    if (!row)
        return row.error();
    if (row->second <= now)
        return makeError(ErrorCode::Unauthorized, u"the token has expired; log in again"_s);
    return row->first;
}

Status AdminStore::deleteToken(const QByteArray &tokenHash)
{
    return sql::apply(m_db.database(), u"DELETE FROM admin_tokens WHERE token_hash = ?"_s, {tokenHash}, Failed);
}

Result<int> AdminStore::purgeTokens(qint64 now)
{
    return sql::change(m_db.database(), u"DELETE FROM admin_tokens WHERE expires_at <= ?"_s, {now}, Failed);
}

// --- audit and event logs ---

Status AdminStore::appendAudit(const AuditRecord &r)
{
    return sql::apply(m_db.database(), u"INSERT INTO audit_log (at, actor, action, target, outcome) VALUES (?, ?, ?, ?, ?)"_s,
                      {r.at, r.actor.isEmpty() ? u"-"_s : r.actor, r.action, r.target.isNull() ? u""_s : r.target,
                       r.outcome},
                      Failed);
}

Result<QList<AuditRecord>> AdminStore::audit(const AuditFilter &f)
{
    QString statement = u"SELECT id, at, actor, action, target, outcome FROM audit_log WHERE at >= ?"_s;
    QVariantList binds{f.since};
    if (f.until > 0) {
        statement += u" AND at <= ?"_s;
        binds << f.until;
    }
    if (!f.actor.isEmpty()) {
        statement += u" AND actor = ?"_s;
        binds << f.actor;
    }
    if (!f.action.isEmpty()) {
        statement += u" AND (action = ? OR lower(action) LIKE lower(?) ESCAPE '\\')"_s;
        QString prefix = f.action;
        prefix.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        binds << f.action << prefix + u".%"_s;
    }
    statement += u" ORDER BY id DESC LIMIT ?"_s;
    binds << f.limit;
    return sql::queryAll<AuditRecord>(m_db.database(), statement, binds, Failed, [](const sql::Rows &q) {
        return AuditRecord{q.integer(0), q.integer(1), q.text(2), q.text(3), q.text(4), q.text(5)};
    });
}

Status AdminStore::appendEvents(const QList<EventRecord> &events)
{
    for (const EventRecord &e : events) {
        if (Status s = sql::apply(m_db.database(), u"INSERT INTO event_log (at, level, category, message) VALUES (?, ?, ?, ?)"_s,
                                  {e.at, e.level, e.category, e.message}, Failed);
            !s)
            return s;
    }
    return {};
}

Result<QList<EventRecord>> AdminStore::events(const EventFilter &f)
{
    QString statement = u"SELECT at, level, category, message FROM event_log WHERE at >= ?"_s;
    QVariantList binds{f.since};
    if (!f.category.isEmpty()) {
        statement += u" AND category = ?"_s;
        binds << f.category;
    }
    if (!f.minLevel.isEmpty()) {
        const qsizetype from = Levels.indexOf(f.minLevel);
        if (from < 0)
            return makeError(ErrorCode::InvalidArgument, u"level: expected debug, info, warning or critical"_s);
        const QStringList wanted = Levels.mid(from);
        statement += u" AND level IN ('%1')"_s.arg(wanted.join(u"','"_s));
    }
    if (!f.grep.isEmpty()) {
        statement += u" AND lower(message) LIKE lower(?) ESCAPE '\\'"_s;
        binds << likePattern(f.grep);
    }
    statement += u" ORDER BY id DESC LIMIT ?"_s;
    binds << f.limit;
    return sql::queryAll<EventRecord>(m_db.database(), statement, binds, Failed, [](const sql::Rows &q) {
        return EventRecord{q.integer(0), q.text(1), q.text(2), q.text(3)};
    });
}

Result<int> AdminStore::purgeEventsBefore(qint64 cutoff)
{
    return sql::change(m_db.database(), u"DELETE FROM event_log WHERE at < ?"_s, {cutoff}, Failed);
}

// --- managed settings ---

Result<std::optional<QString>> AdminStore::setting(const QString &key)
{
    return sql::queryOne<std::optional<QString>>(
        m_db.database(), u"SELECT value FROM managed_settings WHERE key = ?"_s, {key}, Failed,
        [](const sql::Rows &q) { return std::optional<QString>(q.text(0)); }, std::optional<QString>());
}

Status AdminStore::setSetting(const QString &key, const QString &value, qint64 now)
{
    return sql::apply(m_db.database(),
                      u"INSERT INTO managed_settings (key, value, updated_at) VALUES (?, ?, ?) "
                      u"ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s,
                      {key, value.isNull() ? u""_s : value, now}, Failed);
}

// --- users ---

Result<QList<UserSummary>> AdminStore::users(const QString &search)
{
    const QString pattern = likePattern(search);
    Result<QList<UserSummary>> enrolled = sql::queryAll<UserSummary>(
        m_db.database(),
        u"SELECT u.name, u.suspended, u.created_at, "
        "(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id AND d.revoked = 0), "
        "(SELECT COALESCE(MAX(d.last_seen), 0) FROM devices d WHERE d.user_id = u.id), "
        "(SELECT CAST(COALESCE(SUM(d.queued), 0) AS BIGINT) FROM devices d WHERE d.user_id = u.id), "
        "EXISTS (SELECT 1 FROM bots b WHERE b.name = u.name) "
        "FROM users u WHERE lower(u.name) LIKE lower(?) ESCAPE '\\' ORDER BY u.name"_s,
        {pattern}, Failed, [](const sql::Rows &q) {
            UserSummary s;
            s.name = q.text(0);
            s.suspended = q.integer(1) != 0;
            s.createdAt = q.integer(2);
            s.devices = int(q.integer(3));
            s.lastSeen = q.integer(4);
            s.queued = q.integer(5);
            s.bot = q.integer(6) != 0;
            return s;
        });
    if (!enrolled)
        return enrolled;
    const Result<QList<UserSummary>> pending = sql::queryAll<UserSummary>(
        m_db.database(),
        u"SELECT c.\"user\", MIN(c.created_at), EXISTS (SELECT 1 FROM bots b WHERE b.name = c.\"user\") FROM enroll_codes c "
        "WHERE c.used_at IS NULL AND lower(c.\"user\") LIKE lower(?) ESCAPE '\\' AND c.\"user\" NOT IN (SELECT name FROM users) "
        "GROUP BY c.\"user\" ORDER BY c.\"user\""_s,
        {pattern}, Failed, [](const sql::Rows &q) {
            UserSummary s;
            s.name = q.text(0);
            s.enrolled = false;
            s.createdAt = q.integer(1);
            s.bot = q.integer(2) != 0;
            return s;
        });
    if (!pending)
        return pending;
    QList<UserSummary> out = std::move(*enrolled);
    out.append(*pending);
    std::sort(out.begin(), out.end(), [](const UserSummary &a, const UserSummary &b) { return a.name < b.name; });
    return out;
}

Result<bool> AdminStore::codePending(const QString &name, qint64 now)
{
    return sql::queryOne<bool>(m_db.database(),
                               u"SELECT 1 FROM enroll_codes WHERE \"user\" = ? AND used_at IS NULL AND expires_at > ?"_s,
                               {name, now}, Failed, readAny, false);
}

Result<bool> AdminStore::userExists(const QString &name)
{
    return sql::queryOne<bool>(m_db.database(), u"SELECT 1 FROM users WHERE name = ?"_s, {name}, Failed, readAny, false);
}

Result<QList<qint64>> AdminStore::setSuspended(const QString &name, bool suspended)
{
    const Result<int> changed = sql::change(m_db.database(), u"UPDATE users SET suspended = ? WHERE name = ?"_s,
                                            {suspended ? 1 : 0, name}, Failed);
    if (!changed)
        return changed.error();
    if (*changed == 0)
        return makeError(ErrorCode::NotFound, u"no such user"_s);
    if (suspended) {
        if (const auto signedOut = signOut(name); !signedOut)
            return signedOut.error();
    }
    return sql::queryAll<qint64>(
        m_db.database(), u"SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.name = ? AND d.revoked = 0"_s,
        {name}, Failed, readInteger);
}

Result<QList<qint64>> AdminStore::signOut(const QString &name)
{
    const Result<UserRecord> user = m_db.userByName(name);
    if (!user)
        return user.error();
    if (const Result<int> revoked = m_db.revokeResumeCredentials(user->id); !revoked)
        return revoked.error();
    return sql::queryAll<qint64>(m_db.database(), u"SELECT id FROM devices WHERE user_id = ? AND revoked = 0"_s,
                                 {user->id}, Failed, readInteger);
}

Result<qint64> AdminStore::revokeDevice(const QString &name, quint32 deviceNo)
{
    using Row = std::pair<qint64, bool>;
    const Result<Row> device = sql::queryOne<Row>(
        m_db.database(),
        u"SELECT d.id, d.revoked FROM devices d JOIN users u ON u.id = d.user_id WHERE u.name = ? AND d.device_no = ?"_s,
        {name, deviceNo}, Failed, [](const sql::Rows &q) { return Row(q.integer(0), q.integer(1) != 0); },
        makeError(ErrorCode::NotFound, u"no such device"_s));
    if (!device)
        return device.error();
    const auto [id, revoked] = *device;
    if (revoked)
        return makeError(ErrorCode::Conflict, u"the device is already revoked"_s);
    const QString steps[] = {
        u"UPDATE devices SET revoked = 1, lr_kid = NULL, lr_pub = NULL, lr_sig = NULL WHERE id = ?"_s,
        u"DELETE FROM queue WHERE device_id = ?"_s,
        u"DELETE FROM prekeys WHERE device_id = ?"_s,
    };
    for (const QString &statement : steps) {
        if (Status s = sql::apply(m_db.database(), statement, {id}, Failed); !s)
            return s.error();
    }
    if (const Result<int> credential = m_db.revokeResumeCredential(id); !credential)
        return credential.error();
    return id;
}

Result<QList<qint64>> AdminStore::deleteUser(const QString &name)
{
    const QSqlDatabase db = m_db.database();
    const Result<std::optional<qint64>> user = sql::queryOne<std::optional<qint64>>(
        db, u"SELECT id FROM users WHERE name = ?"_s, {name}, Failed,
        [](const sql::Rows &q) { return std::optional<qint64>(q.integer(0)); }, std::optional<qint64>());
    if (!user)
        return user.error();
    Result<QList<qint64>> devices = QList<qint64>();
    if (*user)
        devices = sql::queryAll<qint64>(db, u"SELECT id FROM devices WHERE user_id = ?"_s, {**user}, Failed, readInteger);
    if (!devices)
        return devices;
    const Result<int> codes = sql::change(db, u"DELETE FROM enroll_codes WHERE \"user\" = ?"_s, {name}, Failed);
    if (!codes)
        return codes.error();
    // A link to an account at the single sign-on provider (schema version 11): a new user of the name starts unlinked.
    if (Status s = sql::apply(db, u"DELETE FROM sso_links WHERE name = ?"_s, {name}, Failed); !s)
        return s.error();
    // A bot goes with its user (its scope with it, ON DELETE CASCADE); the name is free for a new bot afterwards.
    const Result<int> bots = sql::change(db, u"DELETE FROM bots WHERE name = ?"_s, {name}, Failed);
    if (!bots)
        return bots.error();
    if (!*user) {
        if (*codes == 0 && *bots == 0)
            return makeError(ErrorCode::NotFound, u"no such user"_s);
        return devices;
    }
    if (Status s = sql::apply(db, u"DELETE FROM room_members WHERE user_name = ?"_s, {name}, Failed); !s)
        return s.error();
    for (const qint64 id : std::as_const(*devices)) {
        if (Status s = sql::apply(db, u"DELETE FROM seen WHERE sender_device_id = ?"_s, {id}, Failed); !s)
            return s.error();
        if (Status s = sql::apply(db, u"DELETE FROM queue WHERE device_id = ?"_s, {id}, Failed); !s)
            return s.error();
    }
    // Devices, prekeys and the recovery bundle go with the user (ON DELETE CASCADE).
    if (Status s = sql::apply(db, u"DELETE FROM recovery WHERE user_id = ?"_s, {**user}, Failed); !s)
        return s.error();
    if (Status s = sql::apply(db, u"DELETE FROM users WHERE id = ?"_s, {**user}, Failed); !s)
        return s.error();
    return devices;
}

Result<qint64> AdminStore::queuedTotal()
{
    return sql::queryOne<qint64>(m_db.database(), u"SELECT CAST(COALESCE(SUM(queued), 0) AS BIGINT) FROM devices"_s, {}, Failed, readInteger,
                                 qint64(0));
}

Result<qint64> AdminStore::userCount()
{
    return sql::queryOne<qint64>(m_db.database(), u"SELECT COUNT(*) FROM users"_s, {}, Failed, readInteger, qint64(0));
}

// --- rooms ---

Result<QList<AdminStore::RoomRow>> AdminStore::rooms(const QString &search)
{
    return sql::queryAll<RoomRow>(m_db.database(),
                                  u"SELECT r.name, r.title, r.expire_seconds, r.burn, r.created_at, r.last_at, "
                                  "(SELECT COUNT(*) FROM room_members m WHERE m.room_id = r.id), r.enforced_expire_seconds, "
                                  "r.enforced_burn FROM rooms r "
                                  "WHERE lower(r.name) LIKE lower(?) ESCAPE '\\' ORDER BY r.name"_s,
                                  {likePattern(search)}, Failed, [](const sql::Rows &q) {
                                      return RoomRow{q.text(0),          q.text(1),          q.integer(2),
                                                     q.integer(3) != 0,  int(q.integer(6)),  q.integer(4),
                                                     q.integer(5),       q.integer(7),       q.integer(8) != 0};
                                  });
}

Status AdminStore::deleteRoom(const QString &name)
{
    const Result<int> deleted = sql::change(m_db.database(), u"DELETE FROM rooms WHERE name = ?"_s, {name}, Failed);
    if (!deleted)
        return deleted.error();
    if (*deleted == 0)
        return makeError(ErrorCode::NotFound, u"no such room"_s);
    return {};
}

} // namespace parley::server
