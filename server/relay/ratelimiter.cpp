#include "relay/ratelimiter.h"

namespace parley::server {

RateLimiter::RateLimiter(double ratePerSecond, double burst) : m_rate(ratePerSecond), m_burst(burst) {}

TokenBucket &RateLimiter::bucket(Key key, qint64 nowMs)
{
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, TokenBucket(m_rate, m_burst, nowMs));
    return *it;
}

qint64 RateLimiter::take(Key key, qint64 nowMs, double n)
{
    QMutexLocker lock(&m_mutex);
    return bucket(key, nowMs).take(nowMs, n);
}

qint64 RateLimiter::takeWithLimits(Key key, qint64 nowMs, double ratePerSecond, double burst)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, TokenBucket(ratePerSecond, burst, nowMs));
    else if (it->rate() != ratePerSecond || it->burst() != burst)
        it->setLimits(ratePerSecond, burst, nowMs);
    return it->take(nowMs);
}

qint64 RateLimiter::takeAll(const QList<Key> &keys, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    qint64 wait = 0;
    for (const Key &key : keys)
        wait = std::max(wait, bucket(key, nowMs).wait(nowMs));
    if (wait > 0)
        return wait;
    for (const Key &key : keys)
        bucket(key, nowMs).take(nowMs);
    return 0;
}

void RateLimiter::prune(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    m_buckets.removeIf([nowMs](auto it) { return it.value().isFull(nowMs); });
}

qsizetype RateLimiter::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_buckets.size();
}

} // namespace parley::server
