#pragma once

#include "core/result.h"
#include "store/records.h"
#include "relay/services.h"

#include <QObject>
#include <QWebSocketProtocol>

#include <memory>

namespace parley::server {

class Session;
class TlsContext;
class TlsServerSocket;

// One event loop thread's share of the daemon: its own listener (TlsListener) on its own SO_REUSEPORT listening
// socket, with a QWebSocketServer for the upgrade of the connections that finished their TLS handshake, and the
// sessions of the connections the kernel gave it. All workers share one TlsContext. A session's socket never leaves this thread; other
// threads reach a session only through queued invocations of the methods below.
class Worker : public QObject {
    Q_OBJECT
public:
    struct Delivery {
        quint64 sessionId = 0;
        QueuedMessage message;
    };

    // `listenFd` is a bound, listening socket; the worker's listener takes it over.
    Worker(int index, qintptr listenFd, std::shared_ptr<TlsContext> tls, const Services &services);
    ~Worker() override;

    int index() const;
    const Services &services() const;
    // A buffer the worker's sessions encode outgoing frames into (one thread, no per-frame allocation).
    QByteArray &scratch();

    // --- worker thread ---
    Status start();
    void deliver(const QList<Delivery> &deliveries);
    void refill(quint64 sessionId, int remaining);
    void ring(quint64 sessionId, quint64 upTo);
    // New connections use this TLS context from now on; established ones keep theirs.
    void setTlsContext(std::shared_ptr<TlsContext> tls);
    void notice(quint64 sessionId, const QByteArray &frame);
    void closeSession(quint64 sessionId, QWebSocketProtocol::CloseCode code, const QString &reason);
    // Shutdown steps: stop taking connections; refuse frames; close every session (emits allClosed() once they
    // are gone, aborting stragglers after `graceMs`); destroy sessions and server.
    void stopAccepting();
    void drain();
    void closeAll(int graceMs);
    void teardown();
    qsizetype sessionCount() const;

Q_SIGNALS:
    void allClosed();

private:
    void onEncrypted(TlsServerSocket *socket);
    void onNewConnection();
    void onSessionFinished(quint64 sessionId);

    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
