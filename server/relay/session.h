#pragma once

#include "core/result.h"
#include "relay/sessionhost.h"
#include "store/records.h"

#include <QObject>
#include <QStringList>
#include <QWebSocketProtocol>

#include <memory>

class QWebSocket;

namespace parley::server {



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
    // Entries up to `upTo` (0: unknown) were queued for the device by another node (Router::ring).
    void ring(quint64 upTo);
    void notifyRefill(int remaining);
    // An encoded server -> client notice frame (Router::notify); dropped before login or while closing.
    void sendNotice(const QByteArray &frame);
    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);
    void abort();
    void setDraining();

Q_SIGNALS:
    // The connection is gone; the worker deletes the session.
    void finished(quint64 id);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
