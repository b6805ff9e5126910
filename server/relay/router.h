#pragma once

#include "store/records.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QWebSocketProtocol>

#include <functional>

namespace parley::server {

class Worker;

// The registry of online devices (device id -> the worker and session serving it), shared by all workers.
// Everything that reaches a session on another worker goes through a queued invocation on that worker.
//
// The router lives in the main thread. Store writes that add queue entries complete on it (Store::write with the
// router as context), so it sees stored messages in commit order and forwards them to each worker in that order:
// a device's live deliveries arrive in increasing seq order.
class Router : public QObject {
    Q_OBJECT
public:
    struct Route {
        Worker *worker = nullptr;
        quint64 sessionId = 0;
        explicit operator bool() const { return worker != nullptr; }
    };

    explicit Router(QObject *parent = nullptr);
    ~Router() override;

    // Any thread. Makes the session the device's route and returns the route it replaced (empty if none).
    Route attach(qint64 deviceId, Worker *worker, quint64 sessionId);
    // Any thread. Removes the device's route if it still belongs to that session.
    void detach(qint64 deviceId, quint64 sessionId);
    Route route(qint64 deviceId) const;
    qsizetype onlineDevices() const;

    // Any thread: post to the worker serving the route / the device.
    void closeSession(Route route, QWebSocketProtocol::CloseCode code, const QString &reason);
    void notifyRefill(qint64 deviceId, int remaining);
    // Sends an encoded notice frame (e.g. `room_changed`) to the device's session, if it is online and logged in.
    void notify(qint64 deviceId, const QByteArray &frame);

    // Router thread: hands a committed message's queue entries to the sessions of the online recipient devices.
    void fanOut(const NewMessage &message, const InsertedMessage &inserted);

    // Router thread: no more postings to workers from now on (they are about to be destroyed).
    void stop();

private:
    // Runs `call` with the device's worker and session id on that worker's thread (queued); nothing when the device
    // is offline or the router stopped.
    void postToSession(qint64 deviceId, std::function<void(Worker *, quint64 sessionId)> call);

    mutable QMutex m_mutex;
    QHash<qint64, Route> m_routes;
    bool m_stopped = false;
};

} // namespace parley::server
