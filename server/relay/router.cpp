#include "relay/router.h"

#include "relay/relaylog.h"
#include "relay/worker.h"

#include <QVarLengthArray>

namespace parley::server {

Router::Router(QObject *parent) : QObject(parent) {}

Router::~Router() = default;

Router::Route Router::attach(qint64 deviceId, Worker *worker, quint64 sessionId)
{
    QMutexLocker lock(&m_mutex);
    Route &slot = m_routes[deviceId];
    const Route previous = slot;
    slot = Route{worker, sessionId};
    return previous;
}

void Router::detach(qint64 deviceId, quint64 sessionId)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_routes.find(deviceId);
    if (it != m_routes.end() && it->sessionId == sessionId)
        m_routes.erase(it);
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

void Router::postToSession(qint64 deviceId, std::function<void(Worker *, quint64)> call)
{
    QMutexLocker lock(&m_mutex);
    if (m_stopped)
        return;
    const Route r = m_routes.value(deviceId);
    if (!r)
        return;
    Worker *worker = r.worker;
    const quint64 sessionId = r.sessionId;
    QMetaObject::invokeMethod(worker, [worker, sessionId, call = std::move(call)] { call(worker, sessionId); },
                              Qt::QueuedConnection);
}

void Router::notifyRefill(qint64 deviceId, int remaining)
{
    postToSession(deviceId, [remaining](Worker *worker, quint64 sessionId) { worker->refill(sessionId, remaining); });
}

void Router::notify(qint64 deviceId, const QByteArray &frame)
{
    postToSession(deviceId, [frame](Worker *worker, quint64 sessionId) { worker->notice(sessionId, frame); });
}

void Router::fanOut(const NewMessage &message, const InsertedMessage &inserted)
{
    struct Batch {
        Worker *worker = nullptr;
        QList<Worker::Delivery> deliveries;
    };
    QVarLengthArray<Batch, 4> batches;
    const qsizetype n = std::min(message.entries.size(), inserted.seqs.size());
    {
        QMutexLocker lock(&m_mutex);
        if (m_stopped)
            return;
        for (qsizetype i = 0; i < n; ++i) {
            const auto it = m_routes.constFind(message.entries.at(i).deviceId);
            if (it == m_routes.cend())
                continue;
            auto batch = std::find_if(batches.begin(), batches.end(), [&](const Batch &b) { return b.worker == it->worker; });
            if (batch == batches.end()) {
                batches.append(Batch{it->worker, {}});
                batch = batches.end() - 1;
            }
            const NewMessage::Entry &e = message.entries.at(i);
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
        QMetaObject::invokeMethod(worker, [worker, deliveries = std::move(b.deliveries)] { worker->deliver(deliveries); },
                                  Qt::QueuedConnection);
    }
}

void Router::stop()
{
    QMutexLocker lock(&m_mutex);
    m_stopped = true;
    m_routes.clear();
}

} // namespace parley::server
