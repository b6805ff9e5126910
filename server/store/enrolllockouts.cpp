#include "store/enrolllockouts.h"

#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {
constexpr QStringView Failed = u"an enrollment lockout statement failed";
} // namespace

Result<std::optional<EnrollFailures>> EnrollLockouts::row(Db &db, const QString &name)
{
    return sql::queryOne<std::optional<EnrollFailures>>(
        db.database(), u"SELECT failures, last_failure_at, locked_until FROM enroll_failures WHERE name = ?"_s, {name},
        Failed,
        [](const sql::Rows &q) { return std::optional<EnrollFailures>(EnrollFailures{int(q.integer(0)), q.integer(1), q.integer(2)}); },
        std::optional<EnrollFailures>());
}

Status EnrollLockouts::put(Db &db, const QString &name, const EnrollFailures &row)
{
    return sql::apply(db.database(),
                      u"INSERT INTO enroll_failures (name, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
                      "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until"_s,
                      {name, row.failures, row.lastFailureAt, row.lockedUntil}, Failed);
}

Status EnrollLockouts::remove(Db &db, const QString &name)
{
    return sql::apply(db.database(), u"DELETE FROM enroll_failures WHERE name = ?"_s, {name}, Failed);
}

Result<int> EnrollLockouts::prune(Db &db, qint64 nowMs, qint64 lockoutMs)
{
    return sql::change(db.database(), u"DELETE FROM enroll_failures WHERE locked_until <= ? AND last_failure_at <= ?"_s,
                       {nowMs, nowMs - lockoutMs}, Failed);
}

} // namespace parley::server
