#include "store/sharedlimits.h"

#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"a shared limit statement failed";

// The milliseconds until a bucket full again at `fullAt` has a token, at `nowMs`: 0 when it has one now.
qint64 waitFor(double fullAt, double intervalMs, double burst, qint64 nowMs)
{
    const double ahead = fullAt - double(nowMs) - (burst - 1.0) * intervalMs;
    return ahead > 0 ? std::max<qint64>(1, qint64(std::ceil(ahead))) : 0;
}

Result<std::optional<double>> fullAtOf(Db &db, const QString &kind, const SharedLimits::Key &key)
{
    return sql::queryOne<std::optional<double>>(
        db.database(), u"SELECT full_at FROM rate_buckets WHERE kind = ? AND a = ? AND b = ?"_s,
        {kind, key.first, key.second}, Failed, [](const sql::Rows &q) { return std::optional<double>(q.real(0)); },
        std::optional<double>());
}

// One key: one statement, which moves the bucket on only when it has a token (RETURNING a row); the wait is read
// only when it has none.
Result<qint64> takeOne(Db &db, const QString &kind, const SharedLimits::Key &key, double intervalMs, double burst,
                       qint64 nowMs)
{
    const auto taken = sql::queryOne<bool>(
        db.database(),
        u"INSERT INTO rate_buckets (kind, a, b, full_at) VALUES (?, ?, ?, CAST(? AS DOUBLE PRECISION)) "
        "ON CONFLICT (kind, a, b) DO UPDATE SET full_at = CASE WHEN rate_buckets.full_at > CAST(? AS DOUBLE PRECISION) "
        "THEN rate_buckets.full_at ELSE CAST(? AS DOUBLE PRECISION) END + CAST(? AS DOUBLE PRECISION) "
        "WHERE rate_buckets.full_at - CAST(? AS DOUBLE PRECISION) <= CAST(? AS DOUBLE PRECISION) RETURNING full_at"_s,
        {kind, key.first, key.second, double(nowMs) + intervalMs, double(nowMs), double(nowMs), intervalMs,
         double(nowMs), (burst - 1.0) * intervalMs},
        Failed, [](const sql::Rows &) { return true; }, false);
    if (!taken)
        return taken.error();
    if (*taken)
        return qint64(0);
    const auto fullAt = fullAtOf(db, kind, key);
    if (!fullAt)
        return fullAt.error();
    return *fullAt ? std::max<qint64>(1, waitFor(**fullAt, intervalMs, burst, nowMs)) : qint64(1);
}

} // namespace

Result<qint64> SharedLimits::take(Db &db, const QString &kind, const QList<Key> &keys, double ratePerSecond, double burst,
                                  qint64 nowMs)
{
    const double intervalMs = 1000.0 / ratePerSecond;
    if (keys.size() == 1)
        return takeOne(db, kind, keys.first(), intervalMs, burst, nowMs);
    QList<double> fullAts;
    qint64 wait = 0;
    for (const Key &key : keys) {
        const auto fullAt = fullAtOf(db, kind, key);
        if (!fullAt)
            return fullAt.error();
        const double from = *fullAt ? std::max(**fullAt, double(nowMs)) : double(nowMs);   // a bucket not kept is full
        wait = std::max(wait, waitFor(from, intervalMs, burst, nowMs));
        fullAts.append(from + intervalMs);
    }
    if (wait > 0)
        return wait;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const Status put = sql::apply(db.database(),
                                      u"INSERT INTO rate_buckets (kind, a, b, full_at) VALUES (?, ?, ?, ?) "
                                      "ON CONFLICT (kind, a, b) DO UPDATE SET full_at = excluded.full_at"_s,
                                      {kind, keys.at(i).first, keys.at(i).second, fullAts.at(i)}, Failed);
        if (!put)
            return put.error();
    }
    return qint64(0);
}

Status SharedLimits::takeOrRefuse(Db &db, const QString &kind, Key key, double ratePerSecond, double burst, qint64 nowMs,
                                  qint64 &waitMs)
{
    const Result<qint64> wait = take(db, kind, {key}, ratePerSecond, burst, nowMs);
    if (!wait)
        return wait.error();
    waitMs = *wait;
    if (*wait > 0)
        return makeError(ErrorCode::RateLimited, u"the %1 limit every node counts is reached"_s.arg(kind));
    return {};
}

Result<bool> SharedLimits::claimReserve(Db &db, qint64 requester, qint64 target, qint64 windowMs, qint64 nowMs)
{
    const auto last = sql::queryOne<std::optional<qint64>>(
        db.database(), u"SELECT fetched_at FROM prekey_claims WHERE requester = ? AND target = ?"_s, {requester, target},
        Failed, [](const sql::Rows &q) { return std::optional<qint64>(q.integer(0)); }, std::optional<qint64>());
    if (!last)
        return last.error();
    const Status put = sql::apply(db.database(),
                                  u"INSERT INTO prekey_claims (requester, target, fetched_at) VALUES (?, ?, ?) "
                                  "ON CONFLICT (requester, target) DO UPDATE SET fetched_at = excluded.fetched_at"_s,
                                  {requester, target, nowMs}, Failed);
    if (!put)
        return put.error();
    return !*last || nowMs - **last >= windowMs;
}

Result<int> SharedLimits::prune(Db &db, qint64 windowMs, qint64 nowMs)
{
    const Result<int> buckets = sql::change(db.database(), u"DELETE FROM rate_buckets WHERE full_at <= ?"_s,
                                            {double(nowMs)}, Failed);
    if (!buckets)
        return buckets.error();
    const Result<int> claims = sql::change(db.database(), u"DELETE FROM prekey_claims WHERE fetched_at <= ?"_s,
                                           {nowMs - windowMs}, Failed);
    if (!claims)
        return claims.error();
    return *buckets + *claims;
}

} // namespace parley::server
