#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <utility>

namespace parley::server {

class Db;

// Limits every node sharing the database must count together, kept in it (schema version 15) and used inside the
// write that does the limited thing, so that a device cannot reset them by connecting to another node:
// - token buckets per pair of ids (table rate_buckets, by kind: "fetch" is a requester and a target device's prekey
//   fetches), taken all or none;
// - the prekey reserve's memory of which requester fetched from which target lately (table prekey_claims).
// Times are wall-clock ms. On PostgreSQL every group transaction holds the queue's lock, so a read and the write
// after it in one op see no other node's change in between.
class SharedLimits {
public:
    using Key = std::pair<qint64, qint64>;
    static inline const QString Fetch = QStringLiteral("fetch");   // (requester device, target device) prekey fetches

    // One token from the bucket of every key of `kind` (rate per second, burst), or none: 0, else the milliseconds
    // until all of them have one.
    static Result<qint64> take(Db &db, const QString &kind, const QList<Key> &keys, double ratePerSecond, double burst,
                               qint64 nowMs);
    // A fetch by `requester` from `target`, whose pool is at its reserve: whether it may take a one-time key (no
    // fetch from the target by the requester within `windowMs`). Either way the fetch is remembered.
    static Result<bool> claimReserve(Db &db, qint64 requester, qint64 target, qint64 windowMs, qint64 nowMs);
    // Forgets buckets of `kind` that are full again and claims older than `windowMs`; how many rows went.
    static Result<int> prune(Db &db, const QString &kind, double ratePerSecond, double burst, qint64 windowMs, qint64 nowMs);
};

} // namespace parley::server
