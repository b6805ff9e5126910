#include "relay/enrollguard.h"

#include "store/enrolllockouts.h"

namespace parley::server {

EnrollGuard::EnrollGuard(int failures, int lockoutSeconds) : m_failures(failures), m_lockoutMs(qint64(lockoutSeconds) * 1000) {}

namespace {

// Whether a name's record no longer counts: no lockout running and its last wrong code a lockout's length ago.
bool expired(const EnrollFailures &row, qint64 nowMs, qint64 lockoutMs)
{
    return nowMs >= row.lockedUntil && nowMs - row.lastFailureAt >= lockoutMs;
}

} // namespace

Result<EnrollGuard::State> EnrollGuard::state(Db &db, const QString &user, qint64 nowMs) const
{
    const auto row = EnrollLockouts::row(db, user);
    if (!row)
        return row.error();
    if (!*row || expired(**row, nowMs, m_lockoutMs))
        return State{};
    return State{std::max<qint64>(0, (*row)->lockedUntil - nowMs), (*row)->failures};
}

Result<int> EnrollGuard::failed(Db &db, const QString &user, qint64 nowMs) const
{
    const auto found = EnrollLockouts::row(db, user);
    if (!found)
        return found.error();
    EnrollFailures row = *found && !expired(**found, nowMs, m_lockoutMs) ? **found : EnrollFailures{};
    row.lastFailureAt = nowMs;
    const int failures = ++row.failures;
    if (failures >= m_failures) {
        row.failures = 0;
        row.lockedUntil = nowMs + m_lockoutMs;
    }
    if (Status s = EnrollLockouts::put(db, user, row); !s)
        return s.error();
    return failures;
}

Status EnrollGuard::succeeded(Db &db, const QString &user) const
{
    return EnrollLockouts::remove(db, user);
}

Result<int> EnrollGuard::prune(Db &db, qint64 nowMs) const
{
    return EnrollLockouts::prune(db, nowMs, m_lockoutMs);
}

} // namespace parley::server
