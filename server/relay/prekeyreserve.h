#pragma once

#include "core/result.h"

namespace parley::server {

class Db;

// The last one-time prekeys of an offline device, kept for senders it has not heard from. While a device has no
// session (it cannot refill its pool) and holds `reserve` one-time keys or fewer, a fetch gets one of them only when
// its requester device has not fetched that device's keys within `windowSeconds`; any other fetch gets the
// last-resort key. So a requester that keeps fetching (within its rate limit) cannot empty the pool of a device that
// is away: each requester takes at most one reserved key per window. Which requester fetched from which device is
// kept in the database (SharedLimits), so that it holds at every node of a cluster.
class PrekeyReserve {
public:
    PrekeyReserve(int reserve, int windowSeconds);

    int reserve() const { return m_reserve; }
    qint64 windowMs() const { return m_windowMs; }
    // Inside a write: a fetch by `requester` from `target`, whose pool is at its reserve: whether it may take a
    // one-time key (the requester has not fetched from the target within the window). Either way the fetch is
    // remembered. Wall-clock ms.
    Result<bool> claim(Db &db, qint64 requester, qint64 target, qint64 nowMs) const;

private:
    const int m_reserve;
    const qint64 m_windowMs;
};

} // namespace parley::server
