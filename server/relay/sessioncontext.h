#pragma once

// The state of one device connection and the plumbing every request handler uses (relay-internal). The Session
// (transport: socket, timers, frame intake, dispatch) owns it; the handlers in *requests.cpp work on it.

#include "core/result.h"
#include "relay/connectiongate.h"
#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "relay/deliveries.h"
#include "relay/router.h"
#include "relay/services.h"
#include "relay/sessionhost.h"
#include "relay/tokenbucket.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWebSocket>

#include <functional>
#include <memory>

namespace parley::server {

using protocol::Frame;
using protocol::FrameError;
using protocol::WireError;

constexpr int CloseGraceMs = 5000;
// A device whose one-time prekey pool is below this gets `refill`: right after `welcome`, and after a fetch that
// leaves it there (or hands out the last-resort key).
constexpr int RefillThreshold = 20;
constexpr qint64 MaxClockSkewMs = 5 * 60 * 1000;
constexpr qint64 BusyRetryMs = 500;   // the `retry` hint of a `busy` reply

qint64 wallMs();
qint64 monotonicMs();
// A store failure the client can do nothing about: its wire code and the message for people.
WireError wireErrorFor(const Error &error);
QString messageFor(const Error &error);

class SessionContext {
public:
    SessionContext(QObject *session, const SessionHost &h, QWebSocket *s, quint64 sessionId)
        : q(session), host(h), worker(h.worker), services(*h.services), socket(s), id(sessionId),
          frames(services.limits.frameRate, services.limits.frameBurst, monotonicMs())
    {
    }

    QObject *const q;             // the Session
    const SessionHost host;
    Worker *const worker;
    const Services &services;
    QWebSocket *const socket;     // child of q
    const quint64 id;

    QByteArray challenge;
    bool authenticated = false;
    bool resumeTried = false;     // a login with a resumption credential was made on this connection
    bool closing = false;
    bool draining = false;
    bool finished = false;
    QList<qint64> refusedAt;      // monotonic ms of the refusals within the window, oldest first
    int enrollFailures = 0;

    QString userName;
    qint64 userId = 0;
    quint32 deviceNo = 0;
    qint64 deviceId = 0;
    // The device's public key: decoded at a challenge login (which verifies with it), otherwise when first needed
    // (a prekey upload), so that a resumed login does not pay for decoding a P-521 point.
    QByteArray devicePub;
    crypto::EcKey deviceKey;
    // Logged in as a bot (docs/admin-api.md "Bots"): its sends are held to its scope and its own rate, and the session
    // ends at its expiry (botTimer).
    bool bot = false;

    // Uploads started or resumed on this connection (blob_start), by blob id: where the next chunk must start (the
    // bytes stored plus those on their way to the disk), and the I/O posted and not yet done (a bound on memory).
    struct Upload {
        qint64 rowId = 0;
        qint64 size = 0;
        qint64 next = 0;
    };
    QHash<QByteArray, Upload> uploads;
    int blobIoInFlight = 0;

    TokenBucket frames;
    ConnectionGate::Admission admission;   // the connection's place among its address's not logged in, until login
    QElapsedTimer activity;
    QTimer authTimer;
    QTimer pingTimer;
    QTimer closeTimer;
    QTimer botTimer;
    std::unique_ptr<Deliveries> deliveries;
    std::function<void(quint64)> onFinished;   // the Session emits finished()

    // --- plumbing ---
    // An encoded frame (protocol/messages.h); dropped while closing.
    void sendEncoded(const QByteArray &frame);
    void sendError(WireError code, const QString &message, quint64 requestId);
    void sendStoreError(const Error &error, quint64 requestId);
    void sendRateLimited(qint64 retryMs, quint64 requestId);
    // The store's write queue is full: nothing was taken; try again after `retryMs`.
    void sendBusy(qint64 retryMs, quint64 requestId);
    // An error for a frame the server refused to process; the `[limits] refused_frames`th within
    // `refused_window_seconds` (5 within 60 s by default) closes the connection.
    void refuse(const protocol::ErrorReply &error, quint64 requestId);
    void refuse(WireError code, const QString &message, quint64 requestId);

    // Store::write with the worker as context (it outlives every session), handing `done` this context, or null
    // when the session has gone meanwhile.
    template<typename T, typename Op, typename Done>
    void write(Op op, Done done)
    {
        QPointer<QObject> alive(q);
        SessionContext *self = this;
        services.store->write<T>(host.thread, std::function<Result<T>(Db &)>(std::move(op)),
                                 std::function<void(Result<T>)>([alive, self, done = std::move(done)](Result<T> r) mutable {
                                     done(alive ? self : nullptr, std::move(r));
                                 }));
    }

    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);

    void onDisconnected();
};

} // namespace parley::server
