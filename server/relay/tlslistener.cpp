#include "relay/tlslistener.h"

#include "relay/proxyheader.h"
#include "relay/relaylog.h"
#include "relay/tlscontext.h"
#include "relay/tlsserversocket.h"

#include <QHostAddress>
#include <QSocketNotifier>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int AcceptsPerWakeup = 64;       // then the event loop runs before the next ones
constexpr int ResumeAcceptingMs = 100;
constexpr qint64 ErrorLogIntervalMs = 60000;
constexpr int MaxProxyPending = 4096;      // connections whose PROXY header is being read; more are closed at once

QHostAddress peerOf(int descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getpeername(descriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&storage));
}

quint16 peerPortOf(int descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getpeername(descriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
}

// One connection's PROXY header being read: the descriptor is closed with it unless taken.
class ProxyHeaderRead : public QObject {
public:
    ProxyHeaderRead(int descriptor, QObject *parent) : QObject(parent), fd(descriptor), notifier(descriptor, QSocketNotifier::Read, this) {}
    ~ProxyHeaderRead() override
    {
        if (fd >= 0)
            ::close(fd);
    }
    int take()
    {
        notifier.setEnabled(false);
        deadline.stop();
        return std::exchange(fd, -1);
    }

    int fd;
    QSocketNotifier notifier;
    QTimer deadline;
    QByteArray bytes;          // the header so far, taken from the socket
};

} // namespace

TlsListener::TlsListener(std::shared_ptr<TlsContext> context, int handshakeTimeoutMs, ConnectionGate *gate,
                         RelayMetrics *metrics, QObject *parent)
    : QObject(parent), m_context(std::move(context)), m_handshakeTimeoutMs(handshakeTimeoutMs), m_gate(gate),
      m_metrics(metrics)
{
    m_resume.setSingleShot(true);
    m_resume.setInterval(ResumeAcceptingMs);
    connect(&m_resume, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
}

TlsListener::~TlsListener()
{
    close();
}

bool TlsListener::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server.listen(address, port))
        return false;
    startAccepting();
    return true;
}

bool TlsListener::setSocketDescriptor(qintptr descriptor)
{
    if (!m_server.setSocketDescriptor(descriptor))
        return false;
    startAccepting();
    return true;
}

quint16 TlsListener::serverPort() const
{
    return m_server.serverPort();
}

QString TlsListener::errorString() const
{
    return m_server.errorString();
}

void TlsListener::close()
{
    m_resume.stop();
    delete m_notifier;
    m_notifier = nullptr;
    m_server.close();
}

void TlsListener::setContext(std::shared_ptr<TlsContext> context)
{
    m_context = std::move(context);
}

void TlsListener::setProxyProtocol(const QList<QPair<QHostAddress, int>> &from)
{
    m_proxyFrom = from;
}

bool TlsListener::fromProxy(const QHostAddress &peer) const
{
    // A dual-stack socket gives IPv4 peers as ::ffff:a.b.c.d.
    bool v4 = false;
    const quint32 address = peer.toIPv4Address(&v4);
    const QHostAddress plain = v4 ? QHostAddress(address) : peer;
    return std::any_of(m_proxyFrom.cbegin(), m_proxyFrom.cend(), [&plain](const auto &subnet) { return plain.isInSubnet(subnet); });
}

void TlsListener::startAccepting()
{
    m_server.pauseAccepting();   // its notifier off for good: ours accepts
    m_notifier = new QSocketNotifier(m_server.socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &TlsListener::acceptPending);
}

void TlsListener::acceptPending()
{
    const int listening = int(m_server.socketDescriptor());
    for (int i = 0; i < AcceptsPerWakeup && m_notifier; ++i) {
        const int descriptor = ::accept4(listening, nullptr, nullptr, SOCK_CLOEXEC);
        if (descriptor >= 0) {
            incomingConnection(descriptor);
            continue;
        }
        const int error = errno;
        if (error == EINTR || error == ECONNABORTED)
            continue;
        if (error == EAGAIN || error == EWOULDBLOCK)
            return;
        // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) or worse: the connections stay queued in the
        // kernel until the pause is over.
        m_notifier->setEnabled(false);
        m_resume.start();
        if (!m_errorLogged.isValid() || m_errorLogged.elapsed() >= ErrorLogIntervalMs) {
            m_errorLogged.start();
            qCWarning(lcRelay).noquote() << "Accepting a connection failed:" << QString::fromLocal8Bit(std::strerror(error))
                                         << "- trying again every" << ResumeAcceptingMs << "ms (logged once a minute)";
        }
        return;
    }
}

void TlsListener::incomingConnection(int descriptor)
{
    if (!m_context) {
        ::close(descriptor);
        return;
    }
    const QHostAddress peer = peerOf(descriptor);
    if (!m_proxyFrom.isEmpty() && fromProxy(peer)) {
        readProxyHeader(descriptor);
        return;
    }
    start(descriptor, peer, 0, false);
}

void TlsListener::readProxyHeader(int descriptor)
{
    auto refuse = [this](const QString &why) {
        if (m_metrics)
            m_metrics->proxyHeadersRefused.add();
        // The load balancer's address is not logged either: the addresses this listener sees are its clients'.
        if (!m_proxyErrorLogged.isValid() || m_proxyErrorLogged.elapsed() >= ErrorLogIntervalMs) {
            m_proxyErrorLogged.start();
            qCWarning(lcRelay).noquote() << u"A connection from a load balancer in [server] proxy_protocol_from was closed: %1 "
                                            "(is the load balancer sending the PROXY protocol, as HAProxy's send-proxy-v2 "
                                            "does? logged once a minute)"_s.arg(why);
        }
    };
    if (m_proxyPending >= MaxProxyPending) {
        ::close(descriptor);
        refuse(u"%1 connections were already waiting for their PROXY header"_s.arg(MaxProxyPending));
        return;
    }
    ++m_proxyPending;
    auto *read = new ProxyHeaderRead(descriptor, this);
    auto fail = [this, read, refuse](const QString &why) {
        --m_proxyPending;
        ::close(read->take());
        refuse(why);
        read->deleteLater();
    };
    read->deadline.setSingleShot(true);
    connect(&read->deadline, &QTimer::timeout, read, [fail] {
        fail(u"no complete PROXY header within [limits] handshake_timeout_seconds"_s);
    });
    read->deadline.start(m_handshakeTimeoutMs);
    connect(&read->notifier, &QSocketNotifier::activated, read, [this, read, fail] {
        char chunk[ProxyHeader::MaxLength];
        const qsizetype room = ProxyHeader::MaxLength - read->bytes.size();
        // Peeked, then taken only as far as the header goes: what follows it is the TLS handshake's.
        const ssize_t n = ::recv(read->fd, chunk, size_t(room), MSG_PEEK);
        if (n < 0) {
            const int error = errno;
            if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR)
                return;
            fail(QString::fromLocal8Bit(std::strerror(error)));
            return;
        }
        if (n == 0) {
            if (read->bytes.isEmpty()) {
                // Closed without a byte: a load balancer's TCP health check, not a refusal.
                --m_proxyPending;
                ::close(read->take());
                read->deleteLater();
                return;
            }
            fail(u"the connection ended before its PROXY header did"_s);
            return;
        }
        QByteArray seen = read->bytes;
        seen.append(chunk, n);
        const ProxyHeader header = ProxyHeader::parse(seen);
        if (header.state == ProxyHeader::State::Invalid) {
            fail(header.error);
            return;
        }
        // Incomplete: every byte seen is the header's; done: the header's remaining bytes.
        const qsizetype take = header.state == ProxyHeader::State::Done ? header.length - read->bytes.size() : qsizetype(n);
        if (::recv(read->fd, chunk, size_t(take), 0) != take) {
            fail(u"reading the PROXY header failed"_s);
            return;
        }
        if (header.state == ProxyHeader::State::Incomplete) {
            read->bytes.append(chunk, take);
            return;
        }
        --m_proxyPending;
        const int taken = read->take();
        read->deleteLater();
        // A header without a client (a health check's LOCAL) leaves the connection the load balancer's own.
        if (header.source.isNull())
            start(taken, peerOf(taken), peerPortOf(taken), true);
        else
            start(taken, header.source, header.sourcePort, true);
    });
}

void TlsListener::start(int descriptor, const QHostAddress &client, quint16 clientPort, bool proxied)
{
    ConnectionGate::Admission admission;
    if (m_gate) {
        std::optional<ConnectionGate::Admission> admitted = m_gate->admit(client);
        if (!admitted) {
            ::close(descriptor);
            if (m_metrics)
                m_metrics->connectionsRefused.add();
            return;
        }
        admission = std::move(*admitted);
    }
    auto *socket = new TlsServerSocket(descriptor, m_context, m_handshakeTimeoutMs, std::move(admission), this);
    if (proxied)
        socket->setClientAddress(client, clientPort);
    if (m_metrics) {
        m_metrics->connectionsAccepted.add();
        socket->holdWhileOpen(metrics::GaugeHold(&m_metrics->connections));
    }
    if (socket->state() == QAbstractSocket::UnconnectedState) {
        if (m_metrics)
            m_metrics->handshake(RelayMetrics::Handshake::Failed);
        socket->deleteLater();
        return;
    }
    connect(socket, &TlsServerSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &TlsServerSocket::encrypted, this, [this, socket] {
        if (m_metrics)
            m_metrics->handshake(socket->isSessionReused() ? RelayMetrics::Handshake::Resumed : RelayMetrics::Handshake::Full);
        Q_EMIT encrypted(socket);
    });
    if (m_metrics) {
        // An error while the socket is still connecting (its handshake running) is the handshake's failure: the
        // deadline, or anything else (a bad or no ClientHello, a protocol or suite refused, the peer gone).
        connect(socket, &TlsServerSocket::errorOccurred, this, [metrics = m_metrics, socket](QAbstractSocket::SocketError error) {
            if (socket->state() != QAbstractSocket::ConnectingState)
                return;
            metrics->handshake(error == QAbstractSocket::SocketTimeoutError ? RelayMetrics::Handshake::Timeout
                                                                            : RelayMetrics::Handshake::Failed);
        });
    }
}

} // namespace parley::server
