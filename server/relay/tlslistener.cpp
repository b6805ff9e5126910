#include "relay/tlslistener.h"

#include "relay/tlscontext.h"
#include "relay/tlsserversocket.h"

#include <unistd.h>

namespace parley::server {

TlsListener::TlsListener(std::shared_ptr<TlsContext> context, int handshakeTimeoutMs, QObject *parent)
    : QTcpServer(parent), m_context(std::move(context)), m_handshakeTimeoutMs(handshakeTimeoutMs)
{
}

TlsListener::~TlsListener() = default;

void TlsListener::setContext(std::shared_ptr<TlsContext> context)
{
    m_context = std::move(context);
}

void TlsListener::incomingConnection(qintptr descriptor)
{
    if (!m_context) {
        ::close(int(descriptor));
        return;
    }
    auto *socket = new TlsServerSocket(descriptor, m_context, m_handshakeTimeoutMs, this);
    if (socket->state() == QAbstractSocket::UnconnectedState) {
        socket->deleteLater();
        return;
    }
    connect(socket, &TlsServerSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &TlsServerSocket::encrypted, this, [this, socket] { Q_EMIT encrypted(socket); });
}

} // namespace parley::server
