#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QObject>
#include <QStringList>
#include <QWebSocketProtocol>

#include <memory>

class QWebSocket;

namespace parley::server {

class Worker;
struct Services;

// What a session gets from the worker that owns it. The worker creates and owns its sessions, so a session knows
// it only through this: its thread's context object, an opaque handle for the router, the shared services and the
// worker's encode buffer.
struct SessionHost {
    QObject *thread = nullptr;          // the worker: parent of every session, context of replies to this thread
    Worker *worker = nullptr;           // what the router hands this session's deliveries to
    const Services *services = nullptr;
    QByteArray *scratch = nullptr;      // one buffer per worker thread that outgoing frames are encoded into
};

// One device connection, living in its worker's thread: greets with `hello`, enforces the authentication and
// idle timeouts and the per-connection frame limits, decodes frames strictly and dispatches them through one
// table of handlers (docs/protocol.md), and streams the device's queue once it has logged in.
class Session : public QObject {
    Q_OBJECT
public:
    // Takes ownership of `socket`.
    Session(const SessionHost &host, QWebSocket *socket, quint64 id);
    ~Session() override;

    quint64 id() const;
    bool isAuthenticated() const;

    // The frame types the dispatch table handles (must equal protocol::frameTypes(ClientToServer)).
    static QStringList handledTypes();

    // --- called on the worker thread (by the worker, on behalf of other threads) ---
    void deliver(const QueuedMessage &message);
    void notifyRefill(int remaining);
    // An encoded server -> client notice frame (Router::notify); dropped before login or while closing.
    void sendNotice(const QByteArray &frame);
    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);
    void abort();
    void setDraining();
    // The store committed (or refused) a message this session sent.
    void sendCompleted(quint64 requestId, const QByteArray &mid, const Result<InsertedMessage> &result);

Q_SIGNALS:
    // The connection is gone; the worker deletes the session.
    void finished(quint64 id);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
