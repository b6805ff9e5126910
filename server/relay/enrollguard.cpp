#include "relay/enrollguard.h"

namespace parley::server {

namespace {
constexpr qint64 FullRetryMs = 1000;   // the `retry` while the table is full
} // namespace

EnrollGuard::EnrollGuard(int failures, int lockoutSeconds) : m_failures(failures), m_lockoutMs(qint64(lockoutSeconds) * 1000) {}

bool EnrollGuard::expired(const Entry &e, qint64 nowMs) const
{
    return nowMs >= e.lockedUntilMs && nowMs - e.lastFailureMs >= m_lockoutMs;
}

qint64 EnrollGuard::lockedFor(const QString &user, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_names.constFind(user);
    if (it != m_names.cend())
        return std::max<qint64>(0, it->lockedUntilMs - nowMs);
    if (m_names.size() >= MaxNames) {
        m_names.removeIf([this, nowMs](auto e) { return expired(e.value(), nowMs); });
        if (m_names.size() >= MaxNames)
            return FullRetryMs;
    }
    return 0;
}

int EnrollGuard::failed(const QString &user, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_names.find(user);
    if (it == m_names.end()) {
        if (m_names.size() >= MaxNames)
            return 0;
        it = m_names.insert(user, Entry{});
    } else if (expired(*it, nowMs)) {
        *it = Entry{};
    }
    it->lastFailureMs = nowMs;
    if (++it->failures >= m_failures) {
        const int failures = it->failures;
        it->failures = 0;
        it->lockedUntilMs = nowMs + m_lockoutMs;
        return failures;
    }
    return it->failures;
}

void EnrollGuard::succeeded(const QString &user)
{
    QMutexLocker lock(&m_mutex);
    m_names.remove(user);
}

void EnrollGuard::prune(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    m_names.removeIf([this, nowMs](auto it) { return expired(it.value(), nowMs); });
}

} // namespace parley::server
