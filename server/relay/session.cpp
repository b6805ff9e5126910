#include "relay/session.h"

#include "relay/authrequests.h"
#include "relay/blobrequests.h"
#include "relay/keyrequests.h"
#include "relay/pushrequests.h"
#include "relay/roomrequests.h"
#include "relay/sendrequests.h"
#include "relay/sessioncontext.h"
#include "relay/turnrequests.h"

#include "crypto/crypto.h"
#include "relay/relaylog.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int ChallengeSize = 32;
// Qt closes a connection whose message exceeds this by itself (1009); between the protocol limit and this, the
// session answers `too_large` first.
constexpr quint64 TransportMessageLimit = 2 * quint64(protocol::MaxClientFrameBytes);
// WebSocket frames one message may come in. Clients fragment rarely (Qt's QWebSocket sends 512 KiB per frame); a
// message in endless small fragments would cost a call per fragment and never reach the frame limits.
constexpr int MaxFragmentsPerMessage = 64;

} // namespace

// The transport's part of a session: frame intake and dispatch. The state and plumbing are the SessionContext's;
// the requests are handled in *requests.cpp.
struct Session::Private : SessionContext {
    using Handler = void (*)(SessionContext &, const Frame &);
    struct Route {
        Handler handler = nullptr;
        bool needsAuth = true;
    };
    static const QHash<QString, Route> &dispatchTable();

    using SessionContext::SessionContext;

    void onBinaryMessage(const QByteArray &data);
    void onTextMessage();
    void onFragment(qsizetype bytes, bool last);

    int fragments = 0;              // of the message coming in
    qint64 fragmentBytes = 0;
    void onPingTimer();
    void sendHello();
};

const QHash<QString, Session::Private::Route> &Session::Private::dispatchTable()
{
    static const QHash<QString, Route> table = {
        {u"enroll_info"_s, {&handleEnrollInfo, false}},
        {u"enroll"_s, {&handleEnroll, false}},
        {u"login"_s, {&handleLogin, false}},
        {u"prekeys"_s, {&handlePrekeys, true}},
        {u"devices"_s, {&handleDevices, true}},
        {u"fetch"_s, {&handleFetch, true}},
        {u"send"_s, {&handleSend, true}},
        {u"ack"_s, {&handleAck, true}},
        {u"recovery_put"_s, {&handleRecoveryPut, true}},
        {u"recovery_get"_s, {&handleRecoveryGet, true}},
        {u"room_change"_s, {&handleRoomChange, true}},
        {u"room_get"_s, {&handleRoomGet, true}},
        {u"rooms"_s, {&handleRooms, true}},
        {u"push_register"_s, {&handlePushRegister, true}},
        {u"push_remove"_s, {&handlePushRemove, true}},
        {u"turn"_s, {&handleTurn, true}},
        {u"blob_start"_s, {&handleBlobStart, true}},
        {u"blob_put"_s, {&handleBlobPut, true}},
        {u"blob_get"_s, {&handleBlobGet, true}},
    };
    return table;
}

QStringList Session::handledTypes()
{
    QStringList types = Private::dispatchTable().keys();
    types.sort();
    return types;
}

Session::Session(const SessionHost &host, QWebSocket *socket, quint64 id)
    : QObject(host.thread), d(std::make_unique<Private>(this, host, socket, id))
{
    d->onFinished = [this](quint64 sessionId) { Q_EMIT finished(sessionId); };
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(TransportMessageLimit);
    socket->setMaxAllowedIncomingFrameSize(TransportMessageLimit);

    // Each WebSocket frame is seen before the message it ends: oversize and endlessly fragmented messages are
    // refused while they come in.
    connect(socket, &QWebSocket::binaryFrameReceived, this, [this](const QByteArray &frame, bool last) { d->onFragment(frame.size(), last); });
    connect(socket, &QWebSocket::textFrameReceived, this, [this](const QString &frame, bool last) { d->onFragment(frame.size(), last); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { d->onBinaryMessage(data); });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &) { d->onTextMessage(); });
    connect(socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &) { d->activity.restart(); });
    connect(socket, &QWebSocket::disconnected, this, [this] { d->onDisconnected(); });

    const Limits &limits = d->services.limits;
    if (d->services.gate)
        d->admission = d->services.gate->hold(socket->peerAddress());   // until the login
    d->activity.start();
    d->authTimer.setSingleShot(true);
    connect(&d->authTimer, &QTimer::timeout, this, [this] {
        if (!d->authenticated)
            d->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"authentication timeout"_s);
    });
    d->authTimer.start(limits.authTimeoutSeconds * 1000);
    d->pingTimer.setTimerType(Qt::CoarseTimer);
    connect(&d->pingTimer, &QTimer::timeout, this, [this] { d->onPingTimer(); });
    d->pingTimer.start(std::max(1000, limits.idleTimeoutSeconds * 1000 / 3));
    d->closeTimer.setSingleShot(true);
    connect(&d->closeTimer, &QTimer::timeout, this, [this] { abort(); });

    if (socket->state() != QAbstractSocket::ConnectedState) {
        // Gone between the handshake and now: finish from the event loop, after the worker registered us.
        QMetaObject::invokeMethod(this, [this] { d->onDisconnected(); }, Qt::QueuedConnection);
        return;
    }
    d->sendHello();
}

Session::~Session() = default;

quint64 Session::id() const
{
    return d->id;
}

bool Session::isAuthenticated() const
{
    return d->authenticated;
}

void Session::deliver(const QueuedMessage &message)
{
    if (d->deliveries && !d->closing)
        d->deliveries->live(message);
}

void Session::ring(quint64 upTo)
{
    if (d->deliveries && !d->closing)
        d->deliveries->ring(upTo);
}

void Session::notifyRefill(int remaining)
{
    if (!d->authenticated)
        return;
    d->sendEncoded(protocol::Refill{quint64(std::max(0, remaining))}.encode());
}

void Session::sendNotice(const QByteArray &frame)
{
    if (!d->authenticated || d->closing)
        return;
    d->socket->sendBinaryMessage(frame);
}

void Session::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    d->closeWith(code, reason);
}

void Session::abort()
{
    d->closing = true;
    d->socket->abort();
    // abort() emits disconnected() only if the socket was still connected.
    d->onDisconnected();
}

void Session::setDraining()
{
    d->draining = true;
}

// --- frame intake ---

void Session::Private::sendHello()
{
    challenge = crypto::randomBytes(ChallengeSize);
    protocol::Hello hello;
    hello.v = protocol::Version;
    hello.vs = {protocol::Version, protocol::AttachmentsVersion};
    hello.ch = challenge;
    hello.time = quint64(wallMs());
    hello.max = quint64(protocol::MaxClientFrameBytes);
    sendEncoded(hello.encode());
}

void Session::Private::onTextMessage()
{
    if (closing)
        return;
    activity.restart();
    sendError(WireError::BadFrame, u"text messages are not part of the protocol"_s, 0);
    closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"text message"_s);
}

void Session::Private::onFragment(qsizetype bytes, bool last)
{
    if (closing)
        return;
    ++fragments;
    fragmentBytes += bytes;
    if (fragmentBytes > protocol::MaxClientFrameBytes) {
        sendError(WireError::TooLarge, u"frame larger than %1 bytes"_s.arg(protocol::MaxClientFrameBytes), 0);
        closeWith(QWebSocketProtocol::CloseCodeTooMuchData, u"frame too large"_s);
        return;
    }
    if (fragments > MaxFragmentsPerMessage) {
        sendError(WireError::TooLarge, u"message in more than %1 WebSocket frames"_s.arg(MaxFragmentsPerMessage), 0);
        closeWith(QWebSocketProtocol::CloseCodeTooMuchData, u"too many fragments"_s);
        return;
    }
    if (last) {
        fragments = 0;
        fragmentBytes = 0;
    }
}

void Session::Private::onPingTimer()
{
    if (closing)
        return;
    if (activity.elapsed() >= qint64(services.limits.idleTimeoutSeconds) * 1000) {
        closeWith(QWebSocketProtocol::CloseCodeGoingAway, u"idle timeout"_s);
        return;
    }
    socket->ping();
}

void Session::Private::onBinaryMessage(const QByteArray &data)
{
    if (closing)
        return;
    activity.restart();
    if (draining) {
        sendError(WireError::Unavailable, u"the server is shutting down"_s, 0);
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"server is draining"_s);
        return;
    }
    if (const qint64 wait = frames.take(monotonicMs())) {
        protocol::ErrorReply e = protocol::errorReply(WireError::RateLimited, u"too many frames; slow down"_s);
        e.retry = quint64(wait);
        refuse(e, 0);
        return;
    }
    if (data.size() > protocol::MaxClientFrameBytes) {
        sendError(WireError::TooLarge, u"frame larger than %1 bytes"_s.arg(protocol::MaxClientFrameBytes), 0);
        closeWith(QWebSocketProtocol::CloseCodeTooMuchData, u"frame too large"_s);
        return;
    }

    const protocol::DecodeResult decoded = protocol::decode(data, protocol::Direction::ClientToServer);
    if (const FrameError *error = std::get_if<FrameError>(&decoded)) {
        if (error->code == WireError::TooLarge) {
            sendError(WireError::TooLarge, error->message, error->id);
            closeWith(QWebSocketProtocol::CloseCodeTooMuchData, u"frame too large"_s);
            return;
        }
        refuse(error->code, error->message, error->id);
        return;
    }
    const Frame &frame = std::get<Frame>(decoded);
    const auto &table = dispatchTable();
    const auto route = table.constFind(frame.type);
    if (route == table.cend()) {
        refuse(WireError::UnknownType, u"unknown frame type"_s, frame.id);
        return;
    }
    if (route->needsAuth && !authenticated) {
        refuse(WireError::NotAuthenticated, u"log in first"_s, frame.id);
        return;
    }
    route->handler(*this, frame);
}

} // namespace parley::server
