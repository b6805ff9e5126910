#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <utility>

namespace parley::server {

class Db;

// Limits every node sharing the database must count together, kept in it and used inside the write that does the
// limited thing, so that a device cannot reset them by connecting to another node:
// - token buckets per kind and pair of ids (table rate_buckets), taken all or none. A bucket is kept as the time it
//   is full again (schema version 16; the generic cell rate algorithm): a take moves that time on by one token's
//   worth, and is refused while it lies more than (burst - 1) tokens' worth ahead. A bucket without a row is full, and
//   a full one's row may go (prune);
// - the prekey reserve's memory of which requester fetched from which target lately (table prekey_claims).
// Times are wall-clock ms. On PostgreSQL every group transaction holds the queue's lock, so a read and the write
// after it in one op see no other node's change in between. SQLite's single node keeps the per-account and
// per-device buckets in memory only (RateLimiter); the fetch buckets are kept here with either driver.
class SharedLimits {
public:
    using Key = std::pair<qint64, qint64>;
    static inline const QString Fetch = QStringLiteral("fetch");   // (requester device, target device) prekey fetches
    static inline const QString Send = QStringLiteral("send");     // (account, 0) messages
    static inline const QString Bot = QStringLiteral("bot");       // (bot's account, 0) messages, at the bot's own rate
    static inline const QString Room = QStringLiteral("room");     // (account, 0) room records
    static inline const QString Turn = QStringLiteral("turn");     // (device, 0) TURN credentials

    // One token from the bucket of every key of `kind` (rate per second, burst), or none: 0, else the milliseconds
    // until all of them have one. One key costs one statement while the bucket has a token.
    static Result<qint64> take(Db &db, const QString &kind, const QList<Key> &keys, double ratePerSecond, double burst,
                               qint64 nowMs);
    // The same for one key, as a status for a write that goes on only with the token: RateLimited, and the wait in
    // `waitMs`, when the bucket has none.
    static Status takeOrRefuse(Db &db, const QString &kind, Key key, double ratePerSecond, double burst, qint64 nowMs,
                               qint64 &waitMs);
    // A fetch by `requester` from `target`, whose pool is at its reserve: whether it may take a one-time key (no
    // fetch from the target by the requester within `windowMs`). Either way the fetch is remembered.
    static Result<bool> claimReserve(Db &db, qint64 requester, qint64 target, qint64 windowMs, qint64 nowMs);
    // Forgets the buckets of every kind that are full again and the claims older than `windowMs`; how many rows went.
    static Result<int> prune(Db &db, qint64 windowMs, qint64 nowMs);
};

} // namespace parley::server
