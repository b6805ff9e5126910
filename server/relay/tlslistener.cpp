#include "relay/tlslistener.h"

#include "relay/relaylog.h"
#include "relay/tlscontext.h"
#include "relay/tlsserversocket.h"

#include <QHostAddress>
#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::server {

namespace {

constexpr int AcceptsPerWakeup = 64;       // then the event loop runs before the next ones
constexpr int ResumeAcceptingMs = 100;
constexpr qint64 ErrorLogIntervalMs = 60000;

QHostAddress peerOf(int descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getpeername(descriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&storage));
}

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
    ConnectionGate::Admission admission;
    if (m_gate) {
        std::optional<ConnectionGate::Admission> admitted = m_gate->admit(peerOf(descriptor));
        if (!admitted) {
            ::close(descriptor);
            if (m_metrics)
                m_metrics->connectionsRefused.add();
            return;
        }
        admission = std::move(*admitted);
    }
    auto *socket = new TlsServerSocket(descriptor, m_context, m_handshakeTimeoutMs, std::move(admission), this);
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
