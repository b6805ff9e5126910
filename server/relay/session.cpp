#include "relay/session.h"

#include "relay/cborwriter.h"
#include "crypto/crypto.h"
#include "relay/deliveries.h"
#include "relay/devicedirectory.h"
#include "relay/relaylog.h"
#include "protocol/frame.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "store/pushstore.h"
#include "relay/ratelimiter.h"
#include "store/roomstore.h"
#include "relay/router.h"
#include "store/store.h"
#include "relay/tokenbucket.h"
#include "relay/services.h"

#include <QCborArray>
#include <QCborMap>
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

using protocol::Frame;
using protocol::FrameError;
using protocol::WireError;

namespace {

constexpr int MaxRefusedFrames = 5;
constexpr int MaxEnrollFailures = 10;
constexpr qint64 MaxClockSkewMs = 5 * 60 * 1000;
constexpr int RefillThreshold = 20;
constexpr int MaxPrekeysHeld = 1000;
constexpr int CloseGraceMs = 5000;
constexpr int ChallengeSize = 32;
// Qt closes a connection whose message exceeds this by itself (1009); between the protocol limit and this, the
// session answers `too_large` first.
constexpr quint64 TransportMessageLimit = 2 * quint64(protocol::MaxClientFrameBytes);

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

QCborMap userDevice(const QString &user, quint64 device)
{
    QCborMap m;
    m.insert("user"_L1, user);
    m.insert("device"_L1, qint64(device));
    return m;
}

// A store failure the client can do nothing about.
WireError wireErrorFor(const Error &error)
{
    return error.code == ErrorCode::Unavailable ? WireError::Unavailable : WireError::Internal;
}

QString messageFor(const Error &error)
{
    return error.code == ErrorCode::Unavailable ? u"the server is shutting down"_s : u"the server could not complete the request"_s;
}

} // namespace

struct Session::Private {
    using Handler = void (Private::*)(const Frame &);
    struct Route {
        Handler handler = nullptr;
        bool needsAuth = true;
    };
    static const QHash<QString, Route> &dispatchTable();

    Private(Session *session, const SessionHost &h, QWebSocket *s, quint64 sessionId)
        : q(session), host(h), worker(h.worker), services(*h.services), socket(s), id(sessionId),
          frames(services.limits.frameRate, services.limits.frameBurst, monotonicMs())
    {
    }

    Session *const q;
    const SessionHost host;
    Worker *const worker;
    const Services &services;
    QWebSocket *const socket;     // child of q
    const quint64 id;

    QByteArray challenge;
    bool authenticated = false;
    bool closing = false;
    bool draining = false;
    bool finished = false;
    int refused = 0;
    int enrollFailures = 0;

    QString userName;
    qint64 userId = 0;
    quint32 deviceNo = 0;
    qint64 deviceId = 0;
    crypto::EcKey deviceKey;

    TokenBucket frames;
    QElapsedTimer activity;
    QTimer authTimer;
    QTimer pingTimer;
    QTimer closeTimer;
    std::unique_ptr<Deliveries> deliveries;

    // --- plumbing ---
    void sendFrame(const Frame &frame)
    {
        if (closing)
            return;
        socket->sendBinaryMessage(protocol::encode(frame));
    }
    void sendError(WireError code, const QString &message, quint64 requestId)
    {
        sendFrame(protocol::errorFrame(code, message, requestId));
    }
    void sendStoreError(const Error &error, quint64 requestId)
    {
        sendError(wireErrorFor(error), messageFor(error), requestId);
    }
    void sendRateLimited(qint64 retryMs, quint64 requestId)
    {
        Frame e = protocol::errorFrame(WireError::RateLimited, u"too many requests; retry later"_s, requestId);
        e.set("retry"_L1, QCborValue(qint64(retryMs)));
        sendFrame(e);
    }
    // An error for a frame the server refused to process; the 5th closes the connection.
    void refuse(const Frame &error)
    {
        sendFrame(error);
        if (++refused >= MaxRefusedFrames)
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"too many refused frames"_s);
    }
    void refuse(WireError code, const QString &message, quint64 requestId)
    {
        refuse(protocol::errorFrame(code, message, requestId));
    }

    // Store::write with the worker as context (it outlives every session), handing `done` the session's private
    // part, or null when the session has gone meanwhile.
    template<typename T, typename Op, typename Done>
    void write(Op op, Done done)
    {
        QPointer<Session> self(q);
        services.store->write<T>(host.thread, std::function<Result<T>(Db &)>(std::move(op)),
                                 std::function<void(Result<T>)>([self, done = std::move(done)](Result<T> r) mutable {
                                     done(self ? self->d.get() : nullptr, std::move(r));
                                 }));
    }

    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
    {
        if (closing || finished)
            return;
        closing = true;
        authTimer.stop();
        pingTimer.stop();
        socket->close(code, reason);
        // A peer that never answers the close handshake does not keep the session.
        closeTimer.start(CloseGraceMs);
    }

    void onDisconnected()
    {
        if (finished)
            return;
        finished = true;
        closing = true;
        authTimer.stop();
        pingTimer.stop();
        closeTimer.stop();
        if (authenticated)
            services.router->detach(deviceId, id);
        Q_EMIT q->finished(id);
    }

    void onBinaryMessage(const QByteArray &data);
    void onTextMessage();
    void onPingTimer();
    void sendHello();
    void enrollFailed(quint64 requestId);
    void failLogin(WireError code, const QString &message, quint64 requestId);

    // --- handlers, one per client frame type ---
    void handleEnrollInfo(const Frame &f);
    void handleEnroll(const Frame &f);
    void handleLogin(const Frame &f);
    void handlePrekeys(const Frame &f);
    void handleDevices(const Frame &f);
    void handleFetch(const Frame &f);
    void handleSend(const Frame &f);
    void handleAck(const Frame &f);
    void handleRecoveryPut(const Frame &f);
    void handleRecoveryGet(const Frame &f);
    void handleRoomChange(const Frame &f);
    void handleRoomGet(const Frame &f);
    void handleRooms(const Frame &f);
    void handlePushRegister(const Frame &f);
    void handlePushRemove(const Frame &f);
};

const QHash<QString, Session::Private::Route> &Session::Private::dispatchTable()
{
    static const QHash<QString, Route> table = {
        {u"enroll_info"_s, {&Private::handleEnrollInfo, false}},
        {u"enroll"_s, {&Private::handleEnroll, false}},
        {u"login"_s, {&Private::handleLogin, false}},
        {u"prekeys"_s, {&Private::handlePrekeys, true}},
        {u"devices"_s, {&Private::handleDevices, true}},
        {u"fetch"_s, {&Private::handleFetch, true}},
        {u"send"_s, {&Private::handleSend, true}},
        {u"ack"_s, {&Private::handleAck, true}},
        {u"recovery_put"_s, {&Private::handleRecoveryPut, true}},
        {u"recovery_get"_s, {&Private::handleRecoveryGet, true}},
        {u"room_change"_s, {&Private::handleRoomChange, true}},
        {u"room_get"_s, {&Private::handleRoomGet, true}},
        {u"rooms"_s, {&Private::handleRooms, true}},
        {u"push_register"_s, {&Private::handlePushRegister, true}},
        {u"push_remove"_s, {&Private::handlePushRemove, true}},
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
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(TransportMessageLimit);
    socket->setMaxAllowedIncomingFrameSize(TransportMessageLimit);

    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { d->onBinaryMessage(data); });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &) { d->onTextMessage(); });
    connect(socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &) { d->activity.restart(); });
    connect(socket, &QWebSocket::disconnected, this, [this] { d->onDisconnected(); });

    const Limits &limits = d->services.limits;
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

void Session::notifyRefill(int remaining)
{
    if (!d->authenticated)
        return;
    d->sendFrame(Frame(u"refill"_s).set("remaining"_L1, QCborValue(qint64(std::max(0, remaining)))));
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

void Session::sendCompleted(quint64 requestId, const QByteArray &mid, const Result<InsertedMessage> &result)
{
    if (d->closing)
        return;
    if (!result) {
        switch (result.error().code) {
        case ErrorCode::Conflict:
            d->sendError(WireError::Replay, u"this message id was already used by this device"_s, requestId);
            break;
        case ErrorCode::QuotaExceeded:
            d->sendError(WireError::Quota, u"a recipient's queue is full"_s, requestId);
            break;
        default:
            qCWarning(lcRelay) << "Storing a message failed:" << result.error().message;
            d->sendStoreError(result.error(), requestId);
            break;
        }
        return;
    }
    QByteArray &out = *d->host.scratch;
    out.resize(0);
    CborWriter w(out);
    w.map(4);
    w.text("t"_L1);
    w.text("accepted"_L1);
    w.text("id"_L1);
    w.uint(requestId);
    w.text("mid"_L1);
    w.bytes(mid);
    w.text("seq"_L1);
    w.uint(quint64(result->payloadId));
    d->socket->sendBinaryMessage(out);
}

// --- frame intake ---

void Session::Private::sendHello()
{
    challenge = crypto::randomBytes(ChallengeSize);
    Frame hello(u"hello"_s);
    hello.set("v"_L1, QCborValue(qint64(protocol::Version)));
    hello.set("vs"_L1, QCborArray{qint64(protocol::Version)});
    hello.set("ch"_L1, QCborValue(challenge));
    hello.set("time"_L1, QCborValue(wallMs()));
    hello.set("max"_L1, QCborValue(qint64(protocol::MaxClientFrameBytes)));
    sendFrame(hello);
}

void Session::Private::onTextMessage()
{
    if (closing)
        return;
    activity.restart();
    sendError(WireError::BadFrame, u"text messages are not part of the protocol"_s, 0);
    closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"text message"_s);
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
        Frame e = protocol::errorFrame(WireError::RateLimited, u"too many frames; slow down"_s, 0);
        e.set("retry"_L1, QCborValue(wait));
        refuse(e);
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
    (this->*(route->handler))(frame);
}

// --- enrollment and login ---

void Session::Private::enrollFailed(quint64 requestId)
{
    sendError(WireError::EnrollFailed, u"the enrollment code is wrong, used or expired, or the root key does not match"_s,
              requestId);
    if (++enrollFailures >= MaxEnrollFailures)
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"too many enrollment attempts"_s);
}

void Session::Private::handleEnrollInfo(const Frame &f)
{
    if (authenticated) {
        sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    const QString user = f.text("user"_L1);
    if (!protocol::isValidUserName(user)) {
        sendError(WireError::BadField, u"user"_s, f.id);
        return;
    }
    auto check = services.store->reader().checkEnrollCode(user, f.text("code"_L1));
    if (!check) {
        if (check.error().code == ErrorCode::Unauthorized || check.error().code == ErrorCode::NotFound) {
            enrollFailed(f.id);
        } else {
            qCWarning(lcRelay) << "Checking an enrollment code failed:" << check.error().message;
            sendStoreError(check.error(), f.id);
        }
        return;
    }
    Frame reply(u"enroll_info_ok"_s, f.id);
    reply.set("new_user"_L1, QCborValue(check->newUser));
    if (!check->recovery.isEmpty())
        reply.set("recovery"_L1, QCborValue(check->recovery));
    sendFrame(reply);
}

void Session::Private::handleEnroll(const Frame &f)
{
    if (authenticated) {
        sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    EnrollRequest request;
    request.user = f.text("user"_L1);
    request.code = f.text("code"_L1);
    request.rootPub = f.bytes("root"_L1);
    request.devicePub = f.bytes("dev"_L1);
    request.deviceSig = f.bytes("dsig"_L1);
    request.deviceName = f.has("name"_L1) ? f.text("name"_L1) : QString();
    request.recovery = f.has("recovery"_L1) ? f.bytes("recovery"_L1) : QByteArray();
    request.maxDevices = services.limits.maxDevicesPerUser;

    if (!protocol::isValidUserName(request.user)) {
        sendError(WireError::BadField, u"user"_s, f.id);
        return;
    }
    const auto root = crypto::EcKey::fromPublicPoint(request.rootPub);
    if (!root) {
        sendError(WireError::BadField, u"root"_s, f.id);
        return;
    }
    if (!crypto::EcKey::fromPublicPoint(request.devicePub)) {
        sendError(WireError::BadField, u"dev"_s, f.id);
        return;
    }
    if (!root->verify(protocol::deviceStatement(request.user, request.devicePub), request.deviceSig)) {
        sendError(WireError::BadSignature, u"the device certificate does not verify under the root key"_s, f.id);
        return;
    }

    const quint64 requestId = f.id;
    const QString user = request.user;
    DeviceDirectory *directory = services.directory;
    write<EnrollResult>([request = std::move(request)](Db &db) { return db.enrollDevice(request); },
                        [requestId, user, directory](Private *p, Result<EnrollResult> r) {
                            if (r)
                                directory->invalidate(user);
                            if (!p)
                                return;
                            if (!r) {
                                switch (r.error().code) {
                                case ErrorCode::Unauthorized:
                                    p->enrollFailed(requestId);
                                    break;
                                case ErrorCode::QuotaExceeded:
                                    p->sendError(WireError::Quota, u"the user has the maximum number of devices"_s, requestId);
                                    break;
                                case ErrorCode::Forbidden:
                                    p->sendError(WireError::Suspended, u"the user is suspended"_s, requestId);
                                    break;
                                default:
                                    qCWarning(lcRelay) << "Enrollment failed:" << r.error().message;
                                    p->sendStoreError(r.error(), requestId);
                                    break;
                                }
                                return;
                            }
                            qCInfo(lcRelay) << "Enrolled a device";
                            Frame reply(u"enrolled"_s, requestId);
                            reply.set("device"_L1, QCborValue(qint64(r->deviceNo)));
                            p->sendFrame(reply);
                        });
}

void Session::Private::failLogin(WireError code, const QString &message, quint64 requestId)
{
    sendError(code, message, requestId);
    closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"login failed"_s);
}

void Session::Private::handleLogin(const Frame &f)
{
    if (authenticated) {
        sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    const QString authFailed = u"authentication failed"_s;
    const QString user = f.text("user"_L1);
    const quint64 number = f.uint("device"_L1);
    // The challenge is single use: whatever happens next, it is spent.
    const QByteArray spent = std::exchange(challenge, QByteArray());
    if (spent.isEmpty() || !protocol::isValidUserName(user) || number == 0 || number > 0xffffffffu) {
        failLogin(WireError::AuthFailed, authFailed, f.id);
        return;
    }
    Db &db = services.store->reader();
    auto account = db.userByName(user);
    if (!account) {
        if (account.error().code == ErrorCode::NotFound)
            failLogin(WireError::AuthFailed, authFailed, f.id);
        else
            failLogin(wireErrorFor(account.error()), messageFor(account.error()), f.id);
        return;
    }
    auto device = db.device(account->id, quint32(number));
    if (!device) {
        if (device.error().code == ErrorCode::NotFound)
            failLogin(WireError::AuthFailed, authFailed, f.id);
        else
            failLogin(wireErrorFor(device.error()), messageFor(device.error()), f.id);
        return;
    }
    auto key = crypto::EcKey::fromPublicPoint(device->pub);
    if (device->revoked || !key
        || !key->verify(protocol::loginStatement(spent, user, quint32(number)), f.bytes("sig"_L1))) {
        failLogin(WireError::AuthFailed, authFailed, f.id);
        return;
    }
    if (account->suspended) {
        failLogin(WireError::Suspended, u"the user is suspended"_s, f.id);
        return;
    }
    auto prekeys = db.prekeyCount(device->id);
    auto queued = db.queuedCount(device->id);
    if (!prekeys || !queued) {
        const Error &e = !prekeys ? prekeys.error() : queued.error();
        qCWarning(lcRelay) << "Reading a device's state at login failed:" << e.message;
        failLogin(wireErrorFor(e), messageFor(e), f.id);
        return;
    }

    authenticated = true;
    authTimer.stop();
    userName = user;
    userId = account->id;
    deviceNo = quint32(number);
    deviceId = device->id;
    deviceKey = std::move(*key);

    // Register before the backlog read: whatever commits after the read then reaches this session live.
    const Router::Route replaced = services.router->attach(deviceId, worker, id);
    if (replaced)
        services.router->closeSession(replaced, QWebSocketProtocol::CloseCodeNormal, u"replaced"_s);

    Frame welcome(u"welcome"_s, f.id);
    welcome.set("prekeys"_L1, QCborValue(qint64(*prekeys)));
    welcome.set("lr"_L1, QCborValue(device->lastResort.has_value()));
    welcome.set("queued"_L1, QCborValue(qint64(*queued)));
    sendFrame(welcome);
    qCDebug(lcRelay) << "Device logged in";

    const qint64 touchedDevice = deviceId;
    const qint64 now = wallMs();
    write<bool>([touchedDevice, now](Db &writer) -> Result<bool> {
                    if (auto r = writer.touchDevice(touchedDevice, now); !r)
                        return r.error();
                    return true;
                },
                [](Private *, Result<bool> r) {
                    if (!r)
                        qCWarning(lcRelay) << "Recording a device's last login failed:" << r.error().message;
                });

    deliveries = std::make_unique<Deliveries>(*services.store, deviceId, socket, *host.scratch, [this](const Error &) {
        sendError(WireError::Internal, u"the server could not read the message queue"_s, 0);
        closeWith(QWebSocketProtocol::CloseCodeBadOperation, u"internal error"_s);
    });
    deliveries->start();
}

// --- requests after login ---

void Session::Private::handlePrekeys(const Frame &f)
{
    auto parse = [this](const QCborMap &m, const QString &field) -> std::variant<PrekeyRecord, Frame> {
        PrekeyRecord k;
        const qint64 kid = m.value("kid"_L1).toInteger(-1);
        k.pub = m.value("pub"_L1).toByteArray();
        k.sig = m.value("sig"_L1).toByteArray();
        if (kid < 0 || kid > qint64(0xffffffffu))
            return protocol::errorFrame(WireError::BadField, field + u".kid"_s);
        k.kid = quint32(kid);
        if (!crypto::EcKey::fromPublicPoint(k.pub))
            return protocol::errorFrame(WireError::BadField, field + u".pub"_s);
        if (!deviceKey.verify(protocol::prekeyStatement(k.kid, k.pub), k.sig))
            return protocol::errorFrame(WireError::BadSignature, u"a prekey signature does not verify under the device key"_s);
        return k;
    };

    QList<PrekeyRecord> keys;
    QSet<quint32> kids;
    const QCborArray list = f.array("keys"_L1);
    keys.reserve(list.size());
    for (const QCborValue &v : list) {
        auto parsed = parse(v.toMap(), u"keys"_s);
        if (Frame *e = std::get_if<Frame>(&parsed)) {
            e->id = f.id;
            sendFrame(*e);
            return;
        }
        PrekeyRecord &k = std::get<PrekeyRecord>(parsed);
        if (kids.contains(k.kid)) {
            sendError(WireError::BadField, u"keys: duplicate kid"_s, f.id);
            return;
        }
        kids.insert(k.kid);
        keys.append(std::move(k));
    }
    std::optional<PrekeyRecord> lastResort;
    if (f.has("lr"_L1)) {
        auto parsed = parse(f.map("lr"_L1), u"lr"_s);
        if (Frame *e = std::get_if<Frame>(&parsed)) {
            e->id = f.id;
            sendFrame(*e);
            return;
        }
        lastResort = std::get<PrekeyRecord>(parsed);
        lastResort->lastResort = true;
    }

    const quint64 requestId = f.id;
    const qint64 device = deviceId;
    write<int>([device, keys = std::move(keys), lastResort](Db &db) { return db.addPrekeys(device, keys, lastResort, MaxPrekeysHeld); },
               [requestId](Private *p, Result<int> r) {
                   if (!p)
                       return;
                   if (!r) {
                       if (r.error().code == ErrorCode::Conflict)
                           p->sendError(WireError::BadField, u"keys: a kid is already stored for this device"_s, requestId);
                       else if (r.error().code == ErrorCode::QuotaExceeded)
                           p->sendError(WireError::Quota, u"the device holds the maximum number of prekeys"_s, requestId);
                       else
                           p->sendStoreError(r.error(), requestId);
                       return;
                   }
                   p->sendFrame(Frame(u"prekeys_ok"_s, requestId).set("count"_L1, QCborValue(qint64(*r))));
               });
}

void Session::Private::handleDevices(const Frame &f)
{
    QCborArray users;
    QCborArray unknown;
    QSet<QString> seen;
    const QStringList names = f.textList("users"_L1);
    for (const QString &name : names) {
        if (seen.contains(name))
            continue;
        seen.insert(name);
        if (!protocol::isValidUserName(name)) {
            unknown.append(name);
            continue;
        }
        auto entry = services.directory->lookup(name);
        if (!entry) {
            if (entry.error().code == ErrorCode::NotFound) {
                unknown.append(name);
                continue;
            }
            qCWarning(lcRelay) << "Reading a device list failed:" << entry.error().message;
            sendStoreError(entry.error(), f.id);
            return;
        }
        const DirectoryEntry &e = **entry;
        QCborArray devices;
        for (const DeviceRecord &d : e.devices) {
            QCborMap m;
            m.insert("device"_L1, qint64(d.deviceNo));
            m.insert("pub"_L1, d.pub);
            m.insert("sig"_L1, d.sig);
            devices.append(m);
        }
        QCborMap u;
        u.insert("user"_L1, e.user.name);
        u.insert("root"_L1, e.user.rootPub);
        u.insert("devices"_L1, devices);
        users.append(u);
    }
    Frame reply(u"device_list"_s, f.id);
    reply.set("users"_L1, users);
    reply.set("unknown"_L1, unknown);
    sendFrame(reply);
}

void Session::Private::handleFetch(const Frame &f)
{
    const QString user = f.text("user"_L1);
    if (!protocol::isValidUserName(user)) {
        sendError(WireError::NotFound, u"no such user"_s, f.id);
        return;
    }
    auto found = services.directory->lookup(user);
    if (!found) {
        if (found.error().code == ErrorCode::NotFound) {
            sendError(WireError::NotFound, u"no such user"_s, f.id);
        } else {
            qCWarning(lcRelay) << "Reading a device list failed:" << found.error().message;
            sendStoreError(found.error(), f.id);
        }
        return;
    }
    const std::shared_ptr<const DirectoryEntry> entry = *found;
    if (entry->user.suspended) {
        sendError(WireError::Suspended, u"the user is suspended"_s, f.id);
        return;
    }

    QList<DeviceRecord> targets;
    if (f.has("devices"_L1)) {
        const QCborArray wanted = f.array("devices"_L1);
        for (const QCborValue &v : wanted) {
            const qint64 no = v.toInteger(-1);
            const DeviceRecord *d = no > 0 && no <= qint64(0xffffffffu) ? entry->device(quint32(no)) : nullptr;
            if (!d) {
                sendError(WireError::NotFound, u"no such device: %1"_s.arg(no), f.id);
                return;
            }
            if (std::none_of(targets.cbegin(), targets.cend(), [d](const DeviceRecord &t) { return t.id == d->id; }))
                targets.append(*d);
        }
    } else {
        targets = entry->devices;
    }
    if (targets.isEmpty()) {
        sendError(WireError::NotFound, u"the user has no devices"_s, f.id);
        return;
    }

    QList<RateLimiter::Key> keys;
    keys.reserve(targets.size());
    for (const DeviceRecord &t : std::as_const(targets))
        keys.append(RateLimiter::Key{deviceId, t.id});
    if (const qint64 wait = services.fetchLimiter->takeAll(keys, monotonicMs())) {
        sendRateLimited(wait, f.id);
        return;
    }

    struct Fetched {
        qint64 deviceId = 0;
        std::optional<Db::Consumed> consumed;
    };
    QList<qint64> ids;
    for (const DeviceRecord &t : std::as_const(targets))
        ids.append(t.id);
    const quint64 requestId = f.id;
    Router *router = services.router;
    write<QList<Fetched>>(
        [ids](Db &db) -> Result<QList<Fetched>> {
            QList<Fetched> out;
            for (const qint64 id : ids) {
                auto c = db.consumePrekey(id);
                if (!c) {
                    if (c.error().code != ErrorCode::NotFound)
                        return c.error();
                    out.append(Fetched{id, std::nullopt});
                } else {
                    out.append(Fetched{id, std::move(*c)});
                }
            }
            return out;
        },
        [requestId, router, entry, targets](Private *p, Result<QList<Fetched>> r) {
            if (r) {
                for (const Fetched &fetched : std::as_const(*r)) {
                    if (fetched.consumed && (fetched.consumed->key.lastResort || fetched.consumed->remaining < RefillThreshold))
                        router->notifyRefill(fetched.deviceId, fetched.consumed->remaining);
                }
            }
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Consuming prekeys failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            QCborArray devices;
            for (qsizetype i = 0; i < r->size() && i < targets.size(); ++i) {
                const Fetched &fetched = r->at(i);
                if (!fetched.consumed)
                    continue;
                const DeviceRecord &t = targets.at(i);
                const PrekeyRecord &k = fetched.consumed->key;
                QCborMap pk;
                pk.insert("kid"_L1, qint64(k.kid));
                pk.insert("pub"_L1, k.pub);
                pk.insert("sig"_L1, k.sig);
                QCborMap d;
                d.insert("device"_L1, qint64(t.deviceNo));
                d.insert("pub"_L1, t.pub);
                d.insert("sig"_L1, t.sig);
                d.insert("pk"_L1, pk);
                d.insert("lr"_L1, k.lastResort);
                devices.append(d);
            }
            if (devices.isEmpty()) {
                p->sendError(WireError::NotFound, u"no prekeys are available for this user's devices"_s, requestId);
                return;
            }
            Frame reply(u"bundle"_s, requestId);
            reply.set("user"_L1, entry->user.name);
            reply.set("root"_L1, entry->user.rootPub);
            reply.set("devices"_L1, devices);
            p->sendFrame(reply);
        });
}

void Session::Private::handleSend(const Frame &f)
{
    const QStringList to = f.textList("to"_L1);
    for (const QString &u : to) {
        if (!protocol::isValidUserName(u)) {
            sendError(WireError::BadField, u"to"_s, f.id);
            return;
        }
    }
    if (to.isEmpty() || protocol::normalisedRecipients(to) != to) {
        sendError(WireError::BadField, u"to: recipients must be sorted by their UTF-8 bytes, without duplicates"_s, f.id);
        return;
    }
    const quint64 at = f.uint("at"_L1);
    if (std::abs(qint64(at) - wallMs()) > MaxClockSkewMs) {
        sendError(WireError::StaleTime, u"sent_at is more than 5 minutes away from the server time"_s, f.id);
        return;
    }
    if (const qint64 wait = services.sendLimiter->take(RateLimiter::Key{userId, 0}, monotonicMs())) {
        sendRateLimited(wait, f.id);
        return;
    }

    // A room message goes to the room's current members: the sender must be one, and `to` must name them all.
    const QCborMap options = f.map("opts"_L1);
    std::optional<StoredRoom> stored;
    if (options.contains("room"_L1)) {
        auto state = roomstore::load(services.store->reader(), options.value("room"_L1).toString());
        if (!state) {
            if (state.error().code == ErrorCode::NotFound) {
                sendError(WireError::NotFound, u"no such room"_s, f.id);
            } else {
                qCWarning(lcRelay) << "Reading a room failed:" << state.error().message;
                sendStoreError(state.error(), f.id);
            }
            return;
        }
        if (!state->state.isMember(userName)) {
            sendError(WireError::Forbidden, u"you are not a member of this room"_s, f.id);
            return;
        }
        if (state->state.memberList() != to) {
            Frame e = protocol::errorFrame(WireError::DeviceMismatch, u"the room's members changed; fetch the room again"_s, f.id);
            e.set("missing"_L1, QCborArray()).set("stale"_L1, QCborArray()).set("unknown"_L1, QCborArray());
            sendFrame(e);
            return;
        }
        // Burn-on-read (the chain's or the administrator's) is part of the signed options: a message without it is
        // refused rather than stored under a rule the recipients' clients would not know of.
        if (state->retention.effectiveBurn() && !options.value("burn"_L1).toBool()) {
            sendError(WireError::Forbidden, u"this room is burn-on-read: messages must carry opts.burn"_s, f.id);
            return;
        }
        stored = std::move(*state);
    }

    // The devices the key entries must name: every device of every recipient plus the sender's other devices.
    struct Target {
        QString user;
        quint32 device = 0;
        qint64 deviceId = 0;
        bool matched = false;
    };
    std::vector<Target> expected;
    QCborArray unknown;
    auto addUser = [&](const QString &name) -> bool {
        auto entry = services.directory->lookup(name);
        if (!entry) {
            if (entry.error().code == ErrorCode::NotFound) {
                unknown.append(name);
                return true;
            }
            qCWarning(lcRelay) << "Reading a device list failed:" << entry.error().message;
            sendStoreError(entry.error(), f.id);
            return false;
        }
        for (const DeviceRecord &d : (*entry)->devices) {
            if (d.userId == userId && d.deviceNo == deviceNo)
                continue;
            expected.push_back(Target{name, d.deviceNo, d.id, false});
        }
        return true;
    };
    bool senderListed = false;
    for (const QString &u : to) {
        senderListed = senderListed || u == userName;
        if (!addUser(u))
            return;
    }
    if (!senderListed && !addUser(userName))
        return;
    auto less = [](const Target &a, const QString &user, quint32 device) {
        const int c = a.user.compare(user);
        return c < 0 || (c == 0 && a.device < device);
    };
    std::sort(expected.begin(), expected.end(), [&less](const Target &a, const Target &b) { return less(a, b.user, b.device); });

    auto message = std::make_shared<NewMessage>();
    NewMessage &m = *message;
    const QCborArray keys = f.array("keys"_L1);
    m.entries.reserve(keys.size());
    QCborArray stale;
    for (const QCborValue &v : keys) {
        const QCborMap k = v.toMap();
        const QString user = k.value("user"_L1).toString();
        const qint64 device = k.value("device"_L1).toInteger(-1);
        const qint64 kid = k.value("kid"_L1).toInteger(-1);
        NewMessage::Entry entry;
        entry.eph = k.value("eph"_L1).toByteArray();
        entry.wrappedKey = k.value("wk"_L1).toByteArray();
        if (device < 0 || device > qint64(0xffffffffu) || kid < 0 || kid > qint64(0xffffffffu)
            || entry.eph.size() != crypto::P521PointSize || entry.wrappedKey.size() != 48) {
            sendError(WireError::BadField, u"keys"_s, f.id);
            return;
        }
        entry.kid = quint32(kid);
        const auto it = std::lower_bound(expected.begin(), expected.end(), std::pair(user, quint32(device)),
                                         [&less](const Target &a, const std::pair<QString, quint32> &b) {
                                             return less(a, b.first, b.second);
                                         });
        if (it == expected.end() || it->user != user || it->device != quint32(device)) {
            stale.append(userDevice(user, quint64(device)));
            continue;
        }
        if (it->matched) {
            sendError(WireError::BadField, u"keys: more than one entry for a device"_s, f.id);
            return;
        }
        it->matched = true;
        entry.deviceId = it->deviceId;
        m.entries.append(std::move(entry));
    }
    QCborArray missing;
    for (const Target &t : expected) {
        if (!t.matched)
            missing.append(userDevice(t.user, t.device));
    }
    if (!unknown.isEmpty() || !missing.isEmpty() || !stale.isEmpty()) {
        Frame e = protocol::errorFrame(WireError::DeviceMismatch, u"the key entries do not match the current devices"_s, f.id);
        e.set("missing"_L1, missing);
        e.set("stale"_L1, stale);
        e.set("unknown"_L1, unknown);
        sendFrame(e);
        return;
    }

    m.senderDeviceId = deviceId;
    m.from = userName;
    m.fromDevice = deviceNo;
    m.mid = f.bytes("mid"_L1);
    m.sentAt = at;
    m.payload = f.bytes("pl"_L1);
    m.keyCommitment = f.bytes("kc"_L1);
    m.signature = f.bytes("sig"_L1);

    protocol::MessageCoreInput core;
    core.from = m.from;
    core.device = m.fromDevice;
    core.mid = m.mid;
    core.to = to;
    core.sentAt = at;
    core.payload = m.payload;
    core.keyCommitment = m.keyCommitment;
    core.options = options;
    if (!deviceKey.verify(protocol::messageCore(core), m.signature)) {
        sendError(WireError::BadSignature, u"the message signature does not verify under the device key"_s, f.id);
        return;
    }

    m.to = QCborValue(f.array("to"_L1)).toCbor();
    m.options = QCborValue(options).toCbor();
    if (stored)
        m.room = options.value("room"_L1).toString();
    // Effective expiry: the shortest of the server's queue lifetime, the message's own, the room's (the shorter of
    // the chain's and the administrator's override) and the server's room maximum; counted from the signed sent_at
    // so that recipients can compute it too.
    m.expiresAt = wallMs() + qint64(services.limits.messageTtlDays) * 24 * 3600 * 1000;
    auto clampExpiry = [&m, at](qint64 seconds) {
        if (seconds > 0)
            m.expiresAt = std::min(m.expiresAt, qint64(at) + seconds * 1000);
    };
    clampExpiry(options.value("exp"_L1).toInteger(0));
    if (stored) {
        clampExpiry(qint64(stored->retention.effectiveExpireSeconds()));
        auto settings = services.store->reader().roomSettings();
        if (!settings) {
            qCWarning(lcRelay) << "Reading the room settings failed:" << settings.error().message;
            sendStoreError(settings.error(), f.id);
            return;
        }
        clampExpiry(settings->maxExpireSeconds);
    }
    m.maxQueuePerDevice = services.limits.maxQueuePerDevice;

    // Completes on the router's thread, in commit order (see Router); the reply goes back to this worker.
    Router *router = services.router;
    PushService *push = services.push;
    const QPointer<QObject> home(host.thread);
    const QPointer<Session> self(q);
    const quint64 requestId = f.id;
    services.store->write<InsertedMessage>(
        router, std::function<Result<InsertedMessage>(Db &)>([message, push](Db &db) {
            auto inserted = db.insertMessage(*message);
            if (inserted && push)
                push->enqueueFor(db, *message);   // wake-ups for offline devices, durable with the message
            return inserted;
        }),
        std::function<void(Result<InsertedMessage>)>([router, push, home, self, requestId, message](Result<InsertedMessage> r) {
            if (home) {
                QMetaObject::invokeMethod(
                    home.data(),
                    [self, requestId, mid = message->mid, r] {
                        if (self)
                            self->sendCompleted(requestId, mid, r);
                    },
                    Qt::QueuedConnection);
            }
            if (r)
                router->fanOut(*message, *r);
            if (r && push)
                push->wake();
        }));
}

void Session::Private::handleAck(const Frame &f)
{
    const QCborArray list = f.array("seqs"_L1);
    QList<quint64> seqs;
    seqs.reserve(list.size());
    for (const QCborValue &v : list)
        seqs.append(quint64(v.toInteger()));
    if (deliveries)
        deliveries->acked(seqs);
    const qint64 device = deviceId;
    write<int>([device, seqs](Db &db) { return db.deleteQueued(device, seqs); },
               [](Private *, Result<int> r) {
                   if (!r)
                       qCWarning(lcRelay) << "Deleting acknowledged messages failed:" << r.error().message;
               });
}

void Session::Private::handleRecoveryPut(const Frame &f)
{
    const quint64 requestId = f.id;
    const qint64 user = userId;
    write<bool>(
        [user, blob = f.bytes("blob"_L1)](Db &db) -> Result<bool> {
            if (auto r = db.putRecovery(user, blob); !r)
                return r.error();
            return true;
        },
        [requestId](Private *p, Result<bool> r) {
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Storing a recovery bundle failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            p->sendFrame(Frame(u"ok"_s, requestId));
        });
}

void Session::Private::handleRecoveryGet(const Frame &f)
{
    auto blob = services.store->reader().recovery(userId);
    if (!blob) {
        qCWarning(lcRelay) << "Reading a recovery bundle failed:" << blob.error().message;
        sendStoreError(blob.error(), f.id);
        return;
    }
    Frame reply(u"recovery"_s, f.id);
    if (!blob->isEmpty())
        reply.set("blob"_L1, QCborValue(*blob));
    sendFrame(reply);
}

} // namespace parley::server

// --- rooms (docs/protocol.md "Rooms") ---

namespace parley::server {

namespace {

QByteArray roomChangedFrame(const QString &room, quint64 seq)
{
    return protocol::encode(Frame(u"room_changed"_s).set("room"_L1, room).set("seq"_L1, QCborValue(qint64(seq))));
}

WireError wireErrorForRoom(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Conflict: return WireError::Conflict;
    case ErrorCode::Forbidden: return WireError::Forbidden;
    case ErrorCode::QuotaExceeded: return WireError::Quota;
    case ErrorCode::NotFound: return WireError::NotFound;
    case ErrorCode::Protocol: return WireError::BadField;
    case ErrorCode::Unavailable: return WireError::Unavailable;
    default: return WireError::Internal;
    }
}

} // namespace

void Session::Private::handleRoomChange(const Frame &f)
{
    const QString room = f.text("room"_L1);
    protocol::SignedRoomRecord signedRecord;
    signedRecord.bytes = f.bytes("rec"_L1);
    signedRecord.sig = f.bytes("sig"_L1);
    Result<protocol::RoomRecord> decoded = protocol::RoomRecord::decode(signedRecord.bytes);
    if (!decoded) {
        sendError(WireError::BadField, u"rec: "_s + decoded.error().message, f.id);
        return;
    }
    const protocol::RoomRecord record = std::move(*decoded);
    if (record.room != room) {
        sendError(WireError::BadField, u"rec: the record names another room"_s, f.id);
        return;
    }
    if (record.actor != userName || record.actorDevice != deviceNo) {
        sendError(WireError::Forbidden, u"a record's actor must be the device that sends it"_s, f.id);
        return;
    }
    if (std::abs(qint64(record.at) - wallMs()) > MaxClockSkewMs) {
        sendError(WireError::StaleTime, u"the record's time is more than 5 minutes away from the server time"_s, f.id);
        return;
    }
    auto self = services.directory->lookup(userName);
    if (!self) {
        sendStoreError(self.error(), f.id);
        return;
    }
    const DeviceRecord *me = (*self)->device(deviceNo);
    if (!me) {
        sendError(WireError::AuthFailed, u"this device is no longer registered"_s, f.id);
        return;
    }
    signedRecord.devicePub = me->pub;
    signedRecord.deviceCert = me->sig;
    if (Status s = protocol::verifyRoomRecordSignature(record, signedRecord, (*self)->user.rootPub); !s) {
        sendError(WireError::BadSignature, s.error().message, f.id);
        return;
    }
    if (record.op == protocol::RoomOp::Add) {
        auto target = services.directory->lookup(record.target);
        if (!target) {
            if (target.error().code == ErrorCode::NotFound)
                sendError(WireError::NotFound, u"no such user: %1"_s.arg(record.target), f.id);
            else
                sendStoreError(target.error(), f.id);
            return;
        }
    }

    const quint64 requestId = f.id;
    DeviceDirectory *directory = services.directory;
    Router *router = services.router;
    write<AppendedRoomRecord>(
        [record, signedRecord](Db &db) -> Result<AppendedRoomRecord> {
            auto settings = db.roomSettings();
            if (!settings)
                return settings.error();
            return roomstore::append(db, record, signedRecord, *settings);
        },
        [requestId, room, directory, router](Private *p, Result<AppendedRoomRecord> r) {
            if (r) {
                qCInfo(lcRelay) << "A room's membership changed";
                const QByteArray notice = roomChangedFrame(room, r->seq);
                for (const QString &user : std::as_const(r->notify)) {
                    auto entry = directory->lookup(user);
                    if (!entry)
                        continue;
                    for (const DeviceRecord &device : (*entry)->devices)
                        router->notify(device.id, notice);
                }
            }
            if (!p)
                return;
            if (!r) {
                const WireError code = wireErrorForRoom(r.error().code);
                if (code == WireError::Internal || code == WireError::Unavailable) {
                    qCWarning(lcRelay) << "Appending a room record failed:" << r.error().message;
                    p->sendStoreError(r.error(), requestId);
                } else {
                    p->sendError(code, r.error().message, requestId);
                }
                return;
            }
            p->sendFrame(Frame(u"room_ok"_s, requestId).set("room"_L1, room).set("seq"_L1, QCborValue(qint64(r->seq))));
        });
}

void Session::Private::handleRoomGet(const Frame &f)
{
    const QString room = f.text("room"_L1);
    Db &db = services.store->reader();
    auto state = roomstore::load(db, room);
    if (!state || !state->state.isMember(userName)) {
        if (!state && state.error().code != ErrorCode::NotFound) {
            qCWarning(lcRelay) << "Reading a room failed:" << state.error().message;
            sendStoreError(state.error(), f.id);
        } else {
            sendError(WireError::NotFound, u"no such room, or you are not a member"_s, f.id);
        }
        return;
    }
    auto page = roomstore::records(db, room, f.has("from"_L1) ? f.uint("from"_L1) : 0, protocol::MaxRoomRecordsPerPage);
    if (!page) {
        qCWarning(lcRelay) << "Reading a room's records failed:" << page.error().message;
        sendStoreError(page.error(), f.id);
        return;
    }
    QCborArray chain;
    for (const protocol::SignedRoomRecord &s : std::as_const(page->records)) {
        QCborMap m;
        m.insert("rec"_L1, s.bytes);
        m.insert("sig"_L1, s.sig);
        m.insert("dpub"_L1, s.devicePub);
        m.insert("dsig"_L1, s.deviceCert);
        chain.append(m);
    }
    sendFrame(Frame(u"room"_s, f.id)
                  .set("room"_L1, room)
                  .set("chain"_L1, chain)
                  .set("more"_L1, page->more)
                  .set("enforced_expire"_L1, QCborValue(qint64(state->retention.enforcedExpireSeconds)))
                  .set("enforced_burn"_L1, state->retention.enforcedBurn));
}

void Session::Private::handleRooms(const Frame &f)
{
    Db &db = services.store->reader();
    auto rooms = roomstore::roomsOf(db, userName);
    auto settings = db.roomSettings();
    if (!rooms || !settings) {
        const Error &e = !rooms ? rooms.error() : settings.error();
        qCWarning(lcRelay) << "Reading the room list failed:" << e.message;
        sendStoreError(e, f.id);
        return;
    }
    QCborArray list;
    for (const RoomSummary &s : std::as_const(*rooms)) {
        QCborMap m;
        m.insert("room"_L1, s.room);
        m.insert("seq"_L1, qint64(s.seq));
        m.insert("title"_L1, s.title);
        m.insert("description"_L1, s.description);
        m.insert("members"_L1, s.members);
        m.insert("admin"_L1, s.admin);
        m.insert("enforced_expire"_L1, qint64(s.enforcedExpireSeconds));
        m.insert("enforced_burn"_L1, s.enforcedBurn);
        list.append(m);
    }
    QCborMap limits;
    limits.insert("max_members"_L1, settings->maxMembers);
    limits.insert("max_expire"_L1, settings->maxExpireSeconds);
    limits.insert("default_expire"_L1, settings->defaultExpireSeconds);
    limits.insert("default_burn"_L1, settings->defaultBurn);
    sendFrame(Frame(u"room_list"_s, f.id).set("rooms"_L1, list).set("limits"_L1, limits));
}

} // namespace parley::server

// --- push registrations (docs/push.md) ---

namespace parley::server {

void Session::Private::handlePushRegister(const Frame &f)
{
    const QString kind = f.text("kind"_L1);
    if (!services.push || !services.push->supports(kind)) {
        sendError(WireError::Unavailable, u"this server does not send %1 pushes"_s.arg(kind), f.id);
        return;
    }
    auto token = PushToken::make(kind, f.text("token"_L1), f.text("topic"_L1), f.text("endpoint"_L1),
                                 f.bytes("p256dh"_L1), f.bytes("auth"_L1));
    if (!token) {
        refuse(WireError::BadField, token.error().message, f.id);
        return;
    }
    if (token->kind == PushKind::WebPush) {
        if (Status s = services.push->checkWebPushEndpoint(QUrl(token->token)); !s) {
            refuse(WireError::BadField, s.error().message, f.id);
            return;
        }
    }
    const quint64 requestId = f.id;
    write<bool>(
        [device = deviceId, t = *token, now = wallMs()](Db &db) -> Result<bool> {
            if (Status s = PushStore::putToken(db, device, t, now); !s)
                return s.error();
            return true;
        },
        [requestId](Private *p, Result<bool> r) {
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Storing a push token failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            p->sendFrame(Frame(u"ok"_s, requestId));
        });
}

void Session::Private::handlePushRemove(const Frame &f)
{
    const quint64 requestId = f.id;
    write<bool>([device = deviceId](Db &db) { return PushStore::removeToken(db, device); },
                [requestId](Private *p, Result<bool> r) {
                    if (!p)
                        return;
                    if (!r) {
                        qCWarning(lcRelay) << "Removing a push token failed:" << r.error().message;
                        p->sendStoreError(r.error(), requestId);
                        return;
                    }
                    p->sendFrame(Frame(u"ok"_s, requestId));
                });
}

} // namespace parley::server
