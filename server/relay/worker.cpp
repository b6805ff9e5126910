#include "relay/worker.h"

#include "relay/relaylog.h"
#include "relay/session.h"
#include "relay/tlscontext.h"
#include "relay/tlslistener.h"
#include "relay/tlsserversocket.h"

#include <QHash>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <unistd.h>

#include <atomic>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {
// Session ids are unique across workers so that a route (worker, session id) never names a later session.
std::atomic<quint64> nextSessionId{1};
} // namespace

struct Worker::Private {
    int index = 0;
    qintptr listenFd = -1;
    std::shared_ptr<TlsContext> tls;
    Services services;
    std::unique_ptr<TlsListener> listener;
    std::unique_ptr<QWebSocketServer> server;
    QHash<quint64, Session *> sessions;
    QByteArray scratch;
    bool draining = false;
    bool closingAll = false;
    QTimer graceTimer;
};

Worker::Worker(int index, qintptr listenFd, std::shared_ptr<TlsContext> tls, const Services &services)
    : d(std::make_unique<Private>())
{
    d->index = index;
    d->listenFd = listenFd;
    d->tls = std::move(tls);
    d->services = services;
    d->graceTimer.setSingleShot(true);
    d->graceTimer.setParent(this);
    connect(&d->graceTimer, &QTimer::timeout, this, [this] {
        // Peers that did not finish the close handshake in time are cut off.
        const QList<Session *> left = d->sessions.values();
        for (Session *s : left)
            s->abort();
        if (d->closingAll) {
            d->closingAll = false;
            Q_EMIT allClosed();
        }
    });
}

Worker::~Worker()
{
    // Normally teardown() ran on the worker thread already; this only catches the fd of a worker never started.
    if (!d->listener && d->listenFd >= 0)
        ::close(int(d->listenFd));
}

int Worker::index() const
{
    return d->index;
}

const Services &Worker::services() const
{
    return d->services;
}

QByteArray &Worker::scratch()
{
    return d->scratch;
}

qsizetype Worker::sessionCount() const
{
    return d->sessions.size();
}

Status Worker::start()
{
    // The TLS layer is the worker's own (TlsListener): the WebSocket server sees plaintext sockets.
    d->server = std::make_unique<QWebSocketServer>(u"parleyd"_s, QWebSocketServer::NonSecureMode);
    d->server->setMaxPendingConnections(1024);
    // The TLS handshake and the WebSocket upgrade together.
    d->listener = std::make_unique<TlsListener>(d->tls, d->services.limits.handshakeTimeoutSeconds * 1000, d->services.gate,
                                                d->services.metrics);
    d->listener->setProxyProtocol(d->services.limits.proxyProtocolFrom);
    const qintptr fd = std::exchange(d->listenFd, -1);
    if (!d->listener->setSocketDescriptor(fd)) {
        ::close(int(fd));
        const QString why = d->listener->errorString();
        d->listener.reset();
        d->server.reset();
        return makeError(ErrorCode::Network, u"worker %1 cannot take its listening socket: %2"_s.arg(d->index).arg(why));
    }
    connect(d->listener.get(), &TlsListener::encrypted, this, &Worker::onEncrypted);
    connect(d->server.get(), &QWebSocketServer::newConnection, this, &Worker::onNewConnection);
    connect(d->server.get(), &QWebSocketServer::serverError, this, [](QWebSocketProtocol::CloseCode code) {
        qCDebug(lcRelay) << "A WebSocket handshake failed:" << code;
    });
    qCDebug(lcRelay) << "Worker" << d->index << "accepting";
    return {};
}

void Worker::onEncrypted(TlsServerSocket *socket)
{
    if (d->draining || !d->server) {
        socket->abort();
        return;
    }
    // Never the peer's address: logs carry no IP address at any verbosity (docs/security.md, promise 8).
    qCDebug(lcRelay) << "TLS" << socket->protocolName() << (socket->isSessionReused() ? "resumed" : "full handshake");
    d->server->handleConnection(socket);
}

void Worker::onNewConnection()
{
    while (d->server && d->server->hasPendingConnections()) {
        QWebSocket *socket = d->server->nextPendingConnection();
        if (!socket)
            break;
        if (d->draining) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const quint64 id = nextSessionId.fetch_add(1, std::memory_order_relaxed);
        auto *session = new Session(SessionHost{this, this, &d->services, &d->scratch}, socket, id);
        d->sessions.insert(id, session);
        connect(session, &Session::finished, this, &Worker::onSessionFinished);
    }
}

void Worker::onSessionFinished(quint64 sessionId)
{
    Session *session = d->sessions.take(sessionId);
    if (session)
        session->deleteLater();
    if (d->closingAll && d->sessions.isEmpty()) {
        d->closingAll = false;
        d->graceTimer.stop();
        Q_EMIT allClosed();
    }
}

void Worker::deliver(const QList<Delivery> &deliveries)
{
    for (const Delivery &delivery : deliveries) {
        if (Session *s = d->sessions.value(delivery.sessionId))
            s->deliver(delivery.message);
    }
}

void Worker::setTlsContext(std::shared_ptr<TlsContext> tls)
{
    d->tls = tls;
    if (d->listener)
        d->listener->setContext(std::move(tls));
}

void Worker::ring(quint64 sessionId, quint64 upTo)
{
    if (Session *s = d->sessions.value(sessionId))
        s->ring(upTo);
}

void Worker::refill(quint64 sessionId, int remaining)
{
    if (Session *s = d->sessions.value(sessionId))
        s->notifyRefill(remaining);
}

void Worker::notice(quint64 sessionId, const QByteArray &frame)
{
    if (Session *s = d->sessions.value(sessionId))
        s->sendNotice(frame);
}

void Worker::closeSession(quint64 sessionId, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (Session *s = d->sessions.value(sessionId))
        s->closeWith(code, reason);
}

void Worker::stopAccepting()
{
    if (d->listener)
        d->listener->close();
}

void Worker::drain()
{
    d->draining = true;
    for (Session *s : std::as_const(d->sessions))
        s->setDraining();
}

void Worker::closeAll(int graceMs)
{
    if (d->sessions.isEmpty()) {
        Q_EMIT allClosed();
        return;
    }
    d->closingAll = true;
    d->graceTimer.start(graceMs);
    const QList<Session *> sessions = d->sessions.values();
    for (Session *s : sessions)
        s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, u"server shutdown"_s);
}

void Worker::teardown()
{
    d->graceTimer.stop();
    const QList<Session *> sessions = d->sessions.values();
    d->sessions.clear();
    for (Session *s : sessions)
        delete s;
    if (d->server) {
        d->server->close();
        d->server.reset();
    }
    d->listener.reset();
}

} // namespace parley::server
