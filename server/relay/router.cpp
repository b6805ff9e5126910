#include "relay/router.h"

#include "relay/relaylog.h"
#include "relay/worker.h"

#include <QVarLengthArray>

namespace parley::server {

Router::Router(QObject *parent) : QObject(parent) {}

Router::~Router() = default;

void Router::setRemote(Remote remote)
{
    QMutexLocker lock(&m_mutex);
    m_remote = std::move(remote);
}

Router::Route Router::attach(qint64 deviceId, Worker *worker, quint64 sessionId)
{
    Route previous;
    {
        QMutexLocker lock(&m_mutex);
        Route &slot = m_routes[deviceId];
        previous = slot;
        slot = Route{worker, sessionId};
    }
    if (m_remote.attached)
        m_remote.attached(deviceId);
    return previous;
}

void Router::detach(qint64 deviceId, quint64 sessionId)
{
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_routes.find(deviceId);
        if (it == m_routes.end() || it->sessionId != sessionId)
            return;
        m_routes.erase(it);
        if (m_stopped)
            return;
    }
    if (m_remote.detached)
        m_remote.detached(deviceId);
}

QList<qint64> Router::localDevices() const
{
    QMutexLocker lock(&m_mutex);
    return m_routes.keys();
}

bool Router::isOnline(qint64 deviceId) const
{
    return bool(route(deviceId)) || (m_remote.servedElsewhere && m_remote.servedElsewhere(deviceId));
}

bool Router::stopped() const
{
    QMutexLocker lock(&m_mutex);
    return m_stopped;
}

void Router::closeDevice(qint64 deviceId, QWebSocketProtocol::CloseCode code, const QString &reason, Reach reach)
{
    const bool here = postToSession(deviceId, [code, reason](Worker *worker, quint64 sessionId) {
        worker->closeSession(sessionId, code, reason);
    });
    if (!here && reach == Reach::Anywhere && m_remote.close && !stopped())
        m_remote.close(deviceId, int(code), reason);
}

void Router::replaced(qint64 deviceId)
{
    postToSession(deviceId, [](Worker *worker, quint64 sessionId) {
        worker->closeSession(sessionId, QWebSocketProtocol::CloseCodeNormal, QStringLiteral("replaced"));
    });
}

void Router::ring(const QList<NodeStore::QueueHead> &heads)
{
    for (const NodeStore::QueueHead &h : heads) {
        const quint64 upTo = quint64(h.seq);
        postToSession(h.device, [upTo](Worker *worker, quint64 sessionId) { worker->ring(sessionId, upTo); });
    }
}

Router::Route Router::route(qint64 deviceId) const
{
    QMutexLocker lock(&m_mutex);
    return m_routes.value(deviceId);
}

qsizetype Router::onlineDevices() const
{
    QMutexLocker lock(&m_mutex);
    return m_routes.size();
}

void Router::closeSession(Route route, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (!route)
        return;
    // Posted under the lock so that stop() (which precedes the workers' destruction) cannot interleave.
    QMutexLocker lock(&m_mutex);
    if (m_stopped)
        return;
    Worker *worker = route.worker;
    const quint64 sessionId = route.sessionId;
    QMetaObject::invokeMethod(worker, [worker, sessionId, code, reason] { worker->closeSession(sessionId, code, reason); },
                              Qt::QueuedConnection);
}

bool Router::postToSession(qint64 deviceId, std::function<void(Worker *, quint64)> call)
{
    QMutexLocker lock(&m_mutex);
    if (m_stopped)
        return false;
    const Route r = m_routes.value(deviceId);
    if (!r)
        return false;
    Worker *worker = r.worker;
    const quint64 sessionId = r.sessionId;
    QMetaObject::invokeMethod(worker, [worker, sessionId, call = std::move(call)] { call(worker, sessionId); },
                              Qt::QueuedConnection);
    return true;
}

void Router::notifyRefill(qint64 deviceId, int remaining, Reach reach)
{
    if (!postToSession(deviceId, [remaining](Worker *worker, quint64 sessionId) { worker->refill(sessionId, remaining); })
        && reach == Reach::Anywhere && m_remote.refill && !stopped())
        m_remote.refill(deviceId, remaining);
}

void Router::notify(qint64 deviceId, const QByteArray &frame, Reach reach)
{
    if (!postToSession(deviceId, [frame](Worker *worker, quint64 sessionId) { worker->notice(sessionId, frame); })
        && reach == Reach::Anywhere && m_remote.notice && !stopped())
        m_remote.notice(deviceId, frame);
}

void Router::fanOut(const NewMessage &message, const InsertedMessage &inserted)
{
    struct Batch {
        Worker *worker = nullptr;
        QList<Worker::Delivery> deliveries;
    };
    QVarLengthArray<Batch, 4> batches;
    QList<qint64> elsewhere;   // offline, or served by another node
    // With other nodes, a session here reads what was committed from the database (in seq order) instead of taking
    // this message live: a message another node committed before it, with a smaller seq, may not have rung here yet,
    // and a session that sent this one first would pass over it.
    const bool pull = bool(m_remote.ring);
    const qsizetype n = std::min(message.entries.size(), inserted.seqs.size());
    {
        QMutexLocker lock(&m_mutex);
        if (m_stopped)
            return;
        for (qsizetype i = 0; i < n; ++i) {
            const auto it = m_routes.constFind(message.entries.at(i).deviceId);
            if (it == m_routes.cend()) {
                if (m_remote.ring)
                    elsewhere.append(message.entries.at(i).deviceId);
                continue;
            }
            auto batch = std::find_if(batches.begin(), batches.end(), [&](const Batch &b) { return b.worker == it->worker; });
            if (batch == batches.end()) {
                batches.append(Batch{it->worker, {}});
                batch = batches.end() - 1;
            }
            const NewMessage::Entry &e = message.entries.at(i);
            if (pull) {
                batch->deliveries.append(Worker::Delivery{it->sessionId, {}});
                batch->deliveries.last().message.seq = inserted.seqs.at(i);
                continue;
            }
            batch->deliveries.append(Worker::Delivery{it->sessionId, message.envelope});
            QueuedMessage &m = batch->deliveries.last().message;
            m.seq = inserted.seqs.at(i);
            m.kid = e.kid;
            m.eph = e.eph;
            m.wk = e.wrappedKey;
        }
    }
    // Workers are destroyed only after stop(), which runs on this thread: posting outside the lock is safe.
    for (Batch &b : batches) {
        Worker *worker = b.worker;
        QMetaObject::invokeMethod(worker, [worker, pull, deliveries = std::move(b.deliveries)] {
            if (pull) {
                for (const Worker::Delivery &d : deliveries)
                    worker->ring(d.sessionId, d.message.seq);
            } else {
                worker->deliver(deliveries);
            }
        }, Qt::QueuedConnection);
    }
    if (!elsewhere.isEmpty())
        m_remote.ring(elsewhere);
}

void Router::stop()
{
    QMutexLocker lock(&m_mutex);
    m_stopped = true;
    m_routes.clear();
}

} // namespace parley::server
