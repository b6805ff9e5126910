#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMutex>

#include <optional>

namespace parley::server {

// Counts, per peer address, the connections that have not logged in yet (TLS handshake, WebSocket upgrade, then
// the session until its login), shared by all workers, so that one source cannot hold the listener's capacity with
// connections that never authenticate. IPv6 peers count per /64 (what one host is usually given), IPv4 per
// address. Addresses are kept only while they have such connections and are never logged.
class ConnectionGate {
public:
    // One counted connection; gives its place back when destroyed or reset.
    class Admission {
    public:
        Admission() = default;
        Admission(Admission &&other) noexcept;
        Admission &operator=(Admission &&other) noexcept;
        Admission(const Admission &) = delete;
        Admission &operator=(const Admission &) = delete;
        ~Admission();

        void reset();
        explicit operator bool() const { return m_gate != nullptr; }

    private:
        friend class ConnectionGate;
        Admission(ConnectionGate *gate, QHostAddress key) : m_gate(gate), m_key(std::move(key)) {}
        ConnectionGate *m_gate = nullptr;
        QHostAddress m_key;
    };

    explicit ConnectionGate(int perAddress);

    // A new connection from `peer`: admitted unless the address has `perAddress` connections not logged in.
    std::optional<Admission> admit(const QHostAddress &peer);
    // A connection admitted before (its session now holds the place): counted without the limit.
    Admission hold(const QHostAddress &peer);

    int count(const QHostAddress &peer) const;
    qsizetype addresses() const;

private:
    static QHostAddress keyOf(const QHostAddress &peer);
    void release(const QHostAddress &key);

    const int m_perAddress;
    mutable QMutex m_mutex;
    QHash<QHostAddress, int> m_counts;
    qint64 m_refused = 0;            // since the last log line
    qint64 m_lastLogMs = 0;
};

} // namespace parley::server
