#include "relay/prekeyreserve.h"

namespace parley::server {

PrekeyReserve::PrekeyReserve(int reserve, int windowSeconds) : m_reserve(reserve), m_windowMs(qint64(windowSeconds) * 1000) {}

bool PrekeyReserve::claim(qint64 requester, qint64 target, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    const RateLimiter::Key key{requester, target};
    const auto it = m_lastFetch.constFind(key);
    const bool fresh = it == m_lastFetch.cend() || nowMs - it.value() >= m_windowMs;
    m_lastFetch.insert(key, nowMs);
    return fresh;
}

void PrekeyReserve::prune(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    m_lastFetch.removeIf([this, nowMs](auto it) { return nowMs - it.value() >= m_windowMs; });
}

qsizetype PrekeyReserve::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastFetch.size();
}

} // namespace parley::server
