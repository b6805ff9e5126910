#pragma once

#include "relay/ratelimiter.h"

#include <QHash>
#include <QMutex>

namespace parley::server {

// The last one-time prekeys of an offline device, kept for senders it has not heard from. While a device has no
// session (it cannot refill its pool) and holds `reserve` one-time keys or fewer, a fetch gets one of them only when
// its requester device has not fetched that device's keys within `windowSeconds`; any other fetch gets the
// last-resort key. So a requester that keeps fetching (within its rate limit) cannot empty the pool of a device that
// is away: each requester takes at most one reserved key per window. Shared by all workers; pairs are remembered
// only while the target's pool is at its reserve.
class PrekeyReserve {
public:
    PrekeyReserve(int reserve, int windowSeconds);

    int reserve() const { return m_reserve; }
    // A fetch by `requester` from `target`, whose pool is at its reserve: whether it may take a one-time key (the
    // requester has not fetched from the target within the window). Either way the fetch is remembered.
    bool claim(qint64 requester, qint64 target, qint64 nowMs);
    // Forgets fetches older than the window.
    void prune(qint64 nowMs);
    qsizetype size() const;

private:
    const int m_reserve;
    const qint64 m_windowMs;
    mutable QMutex m_mutex;
    QHash<RateLimiter::Key, qint64> m_lastFetch;   // (requester device, target device) -> monotonic ms
};

} // namespace parley::server
