#include "relay/connectiongate.h"

#include "relay/relaylog.h"

#include <QDeadlineTimer>

#include <cstring>
#include <utility>

namespace parley::server {

namespace {
constexpr qint64 LogIntervalMs = 60000;   // refusals are summed up in at most one line a minute
} // namespace

ConnectionGate::Admission::Admission(Admission &&other) noexcept
    : m_gate(std::exchange(other.m_gate, nullptr)), m_key(std::move(other.m_key))
{
}

ConnectionGate::Admission &ConnectionGate::Admission::operator=(Admission &&other) noexcept
{
    if (this != &other) {
        reset();
        m_gate = std::exchange(other.m_gate, nullptr);
        m_key = std::move(other.m_key);
    }
    return *this;
}

ConnectionGate::Admission::~Admission()
{
    reset();
}

void ConnectionGate::Admission::reset()
{
    if (ConnectionGate *gate = std::exchange(m_gate, nullptr))
        gate->release(m_key);
}

ConnectionGate::ConnectionGate(int perAddress) : m_perAddress(perAddress) {}

QHostAddress ConnectionGate::keyOf(const QHostAddress &peer)
{
    bool mapped = false;
    const quint32 v4 = peer.toIPv4Address(&mapped);
    if (mapped)
        return QHostAddress(v4);
    Q_IPV6ADDR prefix = peer.toIPv6Address();
    std::memset(&prefix[8], 0, 8);
    return QHostAddress(prefix);
}

std::optional<ConnectionGate::Admission> ConnectionGate::admit(const QHostAddress &peer)
{
    QHostAddress key = keyOf(peer);
    qint64 refused = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_counts.constFind(key);
        if (it == m_counts.cend() || it.value() < m_perAddress) {
            ++m_counts[key];
            return Admission(this, std::move(key));
        }
        ++m_refused;
        const qint64 now = QDeadlineTimer::current().deadline();
        if (m_lastLogMs == 0 || now - m_lastLogMs >= LogIntervalMs) {
            refused = std::exchange(m_refused, 0);
            m_lastLogMs = now;
        }
    }
    if (refused > 0) {
        qCWarning(lcRelay) << "Refused" << refused << "connections from addresses that already had" << m_perAddress
                           << "connections not logged in (limits/unauthenticated_per_address)";
    }
    return std::nullopt;
}

ConnectionGate::Admission ConnectionGate::hold(const QHostAddress &peer)
{
    QHostAddress key = keyOf(peer);
    QMutexLocker lock(&m_mutex);
    ++m_counts[key];
    return Admission(this, std::move(key));
}

void ConnectionGate::release(const QHostAddress &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_counts.find(key);
    if (it == m_counts.end())
        return;
    if (--it.value() <= 0)
        m_counts.erase(it);
}

int ConnectionGate::count(const QHostAddress &peer) const
{
    QMutexLocker lock(&m_mutex);
    return m_counts.value(keyOf(peer));
}

qsizetype ConnectionGate::addresses() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts.size();
}

} // namespace parley::server
