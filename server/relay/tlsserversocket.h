#pragma once

#include "metrics/metrics.h"
#include "relay/connectiongate.h"

#include <QTcpSocket>

#include <memory>

namespace parley::server {

class TlsContext;

// The server side of one TLS connection: OpenSSL over the accepted descriptor (non-blocking, a socket BIO), with
// the listener's shared TlsContext. It runs the TLS handshake by itself (emitting encrypted() or, on failure or
// timeout, closing) and then presents the plaintext as a connected QTcpSocket, which is what
// QWebSocketServer::handleConnection() takes in non-secure mode.
//
// Reads are decrypted as the descriptor becomes readable and kept until read; writes are queued and encrypted from
// the event loop (or when the descriptor is writable again), so one WebSocket frame's header and payload leave as
// one record. close()/disconnectFromHost() finish the queued writes (for at most 10 s) and send close_notify;
// abort(), or a second close(), drops them.
// The OpenSSL buffers are given back whenever the connection is idle (SSL_MODE_RELEASE_BUFFERS).
class TlsServerSocket : public QTcpSocket {
    Q_OBJECT
public:
    // Takes over `descriptor` and starts the handshake; closes when it has not finished after `handshakeTimeoutMs`.
    // The timer carries the name "handshakeTimer", the name QWebSocketServer gives its own handshake timer and
    // stops it by, so that the same deadline also covers the WebSocket upgrade. `admission` (optional) is the
    // connection's place in its listener's ConnectionGate, given back once the upgrade is done or the socket closes.
    TlsServerSocket(qintptr descriptor, std::shared_ptr<TlsContext> context, int handshakeTimeoutMs,
                    ConnectionGate::Admission admission = {}, QObject *parent = nullptr);
    ~TlsServerSocket() override;

    // Holds `open` until the connection closes (its descriptor closed) or the socket goes, whichever is first: the
    // count of open connections. (Held here rather than released from a connection to the socket's destroyed():
    // for a socket a QWebSocket had taken over, that connection was never called.)
    void holdWhileOpen(metrics::GaugeHold open);

    // The client's address and port as a load balancer's PROXY header named them (peerAddress() and peerPort()
    // from now on), instead of the load balancer's own.
    void setClientAddress(const QHostAddress &address, quint16 port);

    bool isEncrypted() const;
    // After the handshake: whether it resumed a session, and the negotiated version ("TLSv1.3") and suite.
    bool isSessionReused() const;
    QString protocolName() const;
    QString cipherName() const;

    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    bool canReadLine() const override;
    void close() override;
    void disconnectFromHost() override;
    bool waitForReadyRead(int msecs = 30000) override;
    bool waitForBytesWritten(int msecs = 30000) override;
    bool waitForDisconnected(int msecs = 30000) override;

Q_SIGNALS:
    void encrypted();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 skipData(qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;

    void handshake();
    void dropPeekBuffer();
    void onReadable();
    void onWritable();
    bool readRecords();
    void flushOut();
    void scheduleFlush();
    void finishClose();
    void closeNow();
    void fail(SocketError error, const QString &message);
    bool waitFor(short events, int msecs);
};

} // namespace parley::server
