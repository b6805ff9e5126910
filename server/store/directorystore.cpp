#include "store/directorystore.h"

#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"a directory statement failed";

} // namespace

Result<QList<DirectoryLink>> DirectoryStore::links(Db &db)
{
    return sql::queryAll<DirectoryLink>(
        db.database(),
        u"SELECT name, dn, display_name, suspended_by_sync, missing_since, linked_at, synced_at FROM directory_users "
        "ORDER BY name"_s,
        {}, Failed, [](const sql::Rows &q) {
            DirectoryLink l;
            l.name = q.text(0);
            l.dn = q.text(1);
            l.displayName = q.text(2);
            l.suspendedBySync = q.integer(3) != 0;
            l.missingSince = q.integer(4);
            l.linkedAt = q.integer(5);
            l.syncedAt = q.integer(6);
            return l;
        });
}

Status DirectoryStore::putLink(Db &db, const DirectoryLink &link)
{
    return sql::apply(db.database(),
                      u"INSERT INTO directory_users (name, dn, display_name, suspended_by_sync, missing_since, linked_at, "
                      "synced_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET dn = excluded.dn, "
                      "display_name = excluded.display_name, suspended_by_sync = excluded.suspended_by_sync, "
                      "missing_since = excluded.missing_since, linked_at = excluded.linked_at, synced_at = excluded.synced_at"_s,
                      {link.name, link.dn, link.displayName, link.suspendedBySync ? 1 : 0, link.missingSince,
                       link.linkedAt, link.syncedAt},
                      Failed);
}

Status DirectoryStore::removeLink(Db &db, const QString &name)
{
    return sql::apply(db.database(), u"DELETE FROM directory_users WHERE name = ?"_s, {name}, Failed);
}

Result<QSet<QString>> DirectoryStore::pendingNames(Db &db, qint64 nowMs)
{
    const auto names = sql::queryAll<QString>(
        db.database(),
        u"SELECT DISTINCT \"user\" FROM enroll_codes WHERE used_at IS NULL AND expires_at > ? "
        "AND \"user\" NOT IN (SELECT name FROM users)"_s,
        {nowMs}, Failed, [](const sql::Rows &q) { return q.text(0); });
    if (!names)
        return names.error();
    return QSet<QString>(names->cbegin(), names->cend());
}

Result<int> DirectoryStore::revokePendingCodes(Db &db, const QString &name)
{
    return sql::change(db.database(),
                       u"DELETE FROM enroll_codes WHERE \"user\" = ? AND used_at IS NULL AND \"user\" NOT IN (SELECT name FROM users)"_s,
                       {name}, Failed);
}

} // namespace parley::server
