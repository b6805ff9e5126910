#pragma once

#include "store/nodestore.h"
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
//
// With several nodes on one PostgreSQL database (docs/scale-out.md) a device may be served by another node: what
// cannot reach a session here goes to the Remote the daemon set (the cluster link), and what the link hears for
// devices here comes in through ring(), replaced() and the methods that take a device id.
class Router : public QObject {
    Q_OBJECT
public:
    struct Route {
        Worker *worker = nullptr;
        quint64 sessionId = 0;
        explicit operator bool() const { return worker != nullptr; }
    };

    // Where the router sends what is for devices another node serves, and tells which devices it serves.
    struct Remote {
        std::function<void(qint64 device)> attached;
        std::function<void(qint64 device)> detached;
        std::function<void(const QList<qint64> &devices)> ring;
        std::function<void(qint64 device, const QByteArray &frame)> notice;
        std::function<void(qint64 device, int closeCode, const QString &reason)> close;
        std::function<void(qint64 device, int remaining)> refill;
        // Whether another live node serves the device (reads the database: not for the send path).
        std::function<bool(qint64 device)> servedElsewhere;
    };

    // Whether what is for a device not served here goes to the node that serves it (Anywhere), or is dropped
    // (HereOnly: it came from another node, which sent it here).
    enum class Reach { Anywhere, HereOnly };

    explicit Router(QObject *parent = nullptr);
    ~Router() override;

    // Before any session logs in.
    void setRemote(Remote remote);

    // Any thread. Makes the session the device's route and returns the route it replaced (empty if none).
    Route attach(qint64 deviceId, Worker *worker, quint64 sessionId);
    // Any thread. Removes the device's route if it still belongs to that session.
    void detach(qint64 deviceId, quint64 sessionId);
    Route route(qint64 deviceId) const;
    qsizetype onlineDevices() const;
    QList<qint64> localDevices() const;
    // Whether the device is logged in here or, with other nodes, at another live node. Reads the database for the
    // latter: for the admin plane, not the send path.
    bool isOnline(qint64 deviceId) const;

    // Any thread: post to the worker serving the route / the device.
    void closeSession(Route route, QWebSocketProtocol::CloseCode code, const QString &reason);
    // Closes the device's session, here or at the node that serves it.
    void closeDevice(qint64 deviceId, QWebSocketProtocol::CloseCode code, const QString &reason,
                     Reach reach = Reach::Anywhere);
    // The device logged in at another node: its session here, if any, closes as replaced.
    void replaced(qint64 deviceId);
    // Doorbells: queue entries were committed for these devices elsewhere; the sessions here read their queues.
    void ring(const QList<NodeStore::QueueHead> &heads);
    void notifyRefill(qint64 deviceId, int remaining, Reach reach = Reach::Anywhere);
    // Sends an encoded notice frame (e.g. `room_changed`) to the device's session, if it is online and logged in
    // (here or at another node); notifyRefill() as well.
    void notify(qint64 deviceId, const QByteArray &frame, Reach reach = Reach::Anywhere);

    // Router thread: hands a committed message's queue entries to the sessions of the online recipient devices.
    void fanOut(const NewMessage &message, const InsertedMessage &inserted);

    // Router thread: no more postings to workers from now on (they are about to be destroyed).
    void stop();

private:
    // Runs `call` with the device's worker and session id on that worker's thread (queued); false when the device
    // is not served here (or the router stopped).
    bool postToSession(qint64 deviceId, std::function<void(Worker *, quint64 sessionId)> call);
    bool stopped() const;

    mutable QMutex m_mutex;
    QHash<qint64, Route> m_routes;
    bool m_stopped = false;
    Remote m_remote;                 // set before sessions log in, read without the lock
};

} // namespace parley::server
