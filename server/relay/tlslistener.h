#pragma once

#include "metrics/servermetrics.h"
#include "relay/connectiongate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTcpServer>
#include <QTimer>

#include <memory>

class QSocketNotifier;

namespace parley::server {

class TlsContext;
class TlsServerSocket;

// A listening socket whose connections become TlsServerSockets (its children) over the listener's current
// TlsContext. Each socket runs its TLS handshake on its own; encrypted() hands over the ones that finished it (for
// QWebSocketServer::handleConnection()). A socket deletes itself once disconnected; the ones still open go with
// the listener. With a ConnectionGate, a connection from an address at its limit is closed at once, before any TLS
// work, and an admitted one holds its place until the WebSocket upgrade is done. With RelayMetrics, the connections
// (open, accepted, refused by the gate) and the outcome of each TLS handshake are counted there.
//
// Behind a load balancer in TCP mode (HAProxy), connections from the addresses given to setProxyProtocol() must
// start with a PROXY protocol header (ProxyHeader, version 1 or 2) naming the client; it is read before any TLS
// work, the gate counts the client's address, and the socket's peerAddress() is the client's. A connection from
// such an address without a valid header within the handshake timeout is closed. Other addresses connect directly
// and may not send one.
//
// The listener accepts by itself (a QTcpServer only makes or takes the listening socket): QTcpServer, out of
// descriptors (EMFILE), calls accept() again and again on a socket that stays readable and starves its thread's
// event loop. Here a failed accept pauses accepting for a moment (the connections wait in the kernel's queue), so
// that a flood that used up the descriptors neither spins the thread nor leaves the listener deaf once it has passed.
class TlsListener : public QObject {
    Q_OBJECT
public:
    // `gate` and `metrics` (optional) must outlive the listener.
    TlsListener(std::shared_ptr<TlsContext> context, int handshakeTimeoutMs, ConnectionGate *gate = nullptr,
                RelayMetrics *metrics = nullptr, QObject *parent = nullptr);
    ~TlsListener() override;

    // Listens on a new socket, or takes over a bound, listening one; false with errorString() on failure.
    bool listen(const QHostAddress &address, quint16 port);
    bool setSocketDescriptor(qintptr descriptor);
    quint16 serverPort() const;
    QString errorString() const;
    // Stops listening; established connections stay.
    void close();

    // New connections use `context` from now on; established ones keep the one they started with.
    void setContext(std::shared_ptr<TlsContext> context);
    // The load balancers' addresses and subnets (QHostAddress::parseSubnet()): their connections start with a
    // PROXY header. Empty (the default): no connection may.
    void setProxyProtocol(const QList<QPair<QHostAddress, int>> &from);

Q_SIGNALS:
    void encrypted(parley::server::TlsServerSocket *socket);

private:
    void startAccepting();
    void acceptPending();
    void incomingConnection(int descriptor);
    bool fromProxy(const QHostAddress &peer) const;
    void readProxyHeader(int descriptor);
    void start(int descriptor, const QHostAddress &client, quint16 clientPort, bool proxied);

    std::shared_ptr<TlsContext> m_context;
    int m_handshakeTimeoutMs;
    ConnectionGate *m_gate;
    RelayMetrics *m_metrics;
    QTcpServer m_server;                       // owns the listening socket; never accepts
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_resume;
    QElapsedTimer m_errorLogged;
    QList<QPair<QHostAddress, int>> m_proxyFrom;
    int m_proxyPending = 0;                    // connections whose PROXY header is being read
    QElapsedTimer m_proxyErrorLogged;
};

} // namespace parley::server
