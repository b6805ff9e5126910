#pragma once

#include <QTcpServer>

#include <memory>

namespace parley::server {

class TlsContext;
class TlsServerSocket;

// A listening socket whose connections become TlsServerSockets over the listener's current TlsContext. Each
// socket runs its TLS handshake on its own; encrypted() hands over the ones that finished it (for
// QWebSocketServer::handleConnection()). A socket deletes itself once disconnected; the ones still open go with
// the listener.
class TlsListener : public QTcpServer {
    Q_OBJECT
public:
    explicit TlsListener(std::shared_ptr<TlsContext> context, int handshakeTimeoutMs, QObject *parent = nullptr);
    ~TlsListener() override;

    // New connections use `context` from now on; established ones keep the one they started with.
    void setContext(std::shared_ptr<TlsContext> context);

Q_SIGNALS:
    void encrypted(parley::server::TlsServerSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::shared_ptr<TlsContext> m_context;
    int m_handshakeTimeoutMs;
};

} // namespace parley::server
