#include "relay/prekeyreserve.h"

#include "store/sharedlimits.h"

namespace parley::server {

PrekeyReserve::PrekeyReserve(int reserve, int windowSeconds) : m_reserve(reserve), m_windowMs(qint64(windowSeconds) * 1000) {}

Result<bool> PrekeyReserve::claim(Db &db, qint64 requester, qint64 target, qint64 nowMs) const
{
    return SharedLimits::claimReserve(db, requester, target, m_windowMs, nowMs);
}

} // namespace parley::server
