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

struct Bucket {
    double tokens = 0;
    qint64 updatedAt = 0;
};

} // namespace

Result<qint64> SharedLimits::take(Db &db, const QString &kind, const QList<Key> &keys, double ratePerSecond, double burst,
                                  qint64 nowMs)
{
    QList<double> levels;
    qint64 wait = 0;
    for (const Key &key : keys) {
        const auto row = sql::queryOne<std::optional<Bucket>>(
            db.database(), u"SELECT tokens, updated_at FROM rate_buckets WHERE kind = ? AND a = ? AND b = ?"_s,
            {kind, key.first, key.second}, Failed,
            [](const sql::Rows &q) { return std::optional<Bucket>(Bucket{q.real(0), q.integer(1)}); }, std::optional<Bucket>());
        if (!row)
            return row.error();
        double tokens = burst;   // a bucket not kept is full
        if (*row)
            tokens = std::min(burst, (*row)->tokens + double(std::max<qint64>(0, nowMs - (*row)->updatedAt)) * ratePerSecond / 1000.0);
        if (tokens < 1.0)
            wait = std::max(wait, qint64(std::ceil((1.0 - tokens) * 1000.0 / ratePerSecond)));
        levels.append(tokens);
    }
    if (wait > 0)
        return wait;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const Status put = sql::apply(
            db.database(),
            u"INSERT INTO rate_buckets (kind, a, b, tokens, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, a, b) "
            "DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at"_s,
            {kind, keys.at(i).first, keys.at(i).second, levels.at(i) - 1.0, nowMs}, Failed);
        if (!put)
            return put.error();
    }
    return qint64(0);
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

Result<int> SharedLimits::prune(Db &db, const QString &kind, double ratePerSecond, double burst, qint64 windowMs, qint64 nowMs)
{
    const Result<int> buckets = sql::change(
        db.database(), u"DELETE FROM rate_buckets WHERE kind = ? AND tokens + CAST(? - updated_at AS DOUBLE PRECISION) "
               "* CAST(? AS DOUBLE PRECISION) / 1000.0 >= CAST(? AS DOUBLE PRECISION)"_s,
        {kind, nowMs, ratePerSecond, burst}, Failed);
    if (!buckets)
        return buckets.error();
    const Result<int> claims = sql::change(db.database(), u"DELETE FROM prekey_claims WHERE fetched_at <= ?"_s,
                                           {nowMs - windowMs}, Failed);
    if (!claims)
        return claims.error();
    return *buckets + *claims;
}

} // namespace parley::server
