#pragma once

#include "relay/tokenbucket.h"

#include <QHash>
#include <QList>
#include <QMutex>

namespace parley::server {

// Token buckets keyed by a pair of ids (an account, or a requester and a target device), shared by all workers.
// The lock is held only for the hash look-up and the arithmetic. Every bucket has the limiter's rate and burst,
// unless a take() names the key's own (a bot's limit, set per bot).
class RateLimiter {
public:
    struct Key {
        qint64 a = 0;
        qint64 b = 0;
        friend bool operator==(const Key &x, const Key &y) { return x.a == y.a && x.b == y.b; }
        friend size_t qHash(const Key &k, size_t seed = 0) { return qHashMulti(seed, k.a, k.b); }
    };

    RateLimiter(double ratePerSecond, double burst);

    // Takes one token of every key, or none: returns 0 on success, else the milliseconds to wait.
    qint64 take(Key key, qint64 nowMs, double n = 1);
    // The same for a key with limits of its own; a bucket whose limits changed keeps what was taken from it.
    qint64 takeWithLimits(Key key, qint64 nowMs, double ratePerSecond, double burst);
    qint64 takeAll(const QList<Key> &keys, qint64 nowMs);

    // Forgets buckets that are full again (they behave exactly like new ones).
    void prune(qint64 nowMs);
    qsizetype size() const;

private:
    TokenBucket &bucket(Key key, qint64 nowMs);

    const double m_rate;
    const double m_burst;
    mutable QMutex m_mutex;
    QHash<Key, TokenBucket> m_buckets;
};

} // namespace parley::server
