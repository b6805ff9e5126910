#include "sdk/connection.h"

#include "net/tlspin.h"

#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"

#include <QNetworkRequest>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int ConnectTimeoutMs = 30000;
constexpr int PingIntervalMs = 60000;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// disconnectedReply(): ErrorReply's `code` field, holding the one code no WireError names.
constexpr auto ErrorCodeKey = "code"_L1;
constexpr auto DisconnectedCode = "disconnected"_L1;

} // namespace

class Connection::Private {
public:
    Connection *q;
    Profile &profile;
    QPointer<QWebSocket> socket;
    Client::State state = Client::State::Disconnected;
    bool closing = false;
    bool errorReported = false;
    bool socketOpen = false;         // the WebSocket handshake completed and the server is trusted
    QByteArray challenge;
    qint64 clockOffsetMs = 0;
    qsizetype serverMaxFrame = 0;    // from `hello`
    QList<quint64> serverVersions;   // from `hello`: v and vs
    quint64 nextId = 1;
    QHash<quint64, ReplyHandler> pending;
    QSet<quint64> rawRequests;       // ids of sendRaw() requests: their replies go to frameReceived() only
    QTimer connectTimer;
    QTimer pingTimer;
    std::optional<SenderIdentity> self;

    Private(Connection *connection, Profile &p) : q(connection), profile(p) {}

    // The server-certificate trust decision, all of it, from the profile: a pinned SHA-256 fingerprint (a
    // self-signed certificate passes only when its fingerprint matches, and only the errors a self-signed
    // certificate causes are ignored) or CA certificates (normal verification, host name included); TLS 1.2 or
    // later. Configures `ws`, judges the certificate errors of the handshake, and checks the pin again on the live
    // peer certificate once the handshake is done (a certificate a CA vouches for raises no sslErrors). `trusted`
    // runs when the server passed; a failure is reported (and closes the connection).
    Status setUpServerTrust(QWebSocket *ws, std::function<void()> trusted)
    {
        const ProfileSettings &s = profile.settings();
        if (s.fingerprint.isEmpty() && !s.caTrust)
            return makeError(ErrorCode::Unauthorized, u"the profile has neither a pinned fingerprint nor a CA certificate"_s);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (s.caTrust) {
            Result<QList<QSslCertificate>> cas = profile.caCertificates();
            if (!cas)
                return cas.error();
            tls.addCaCertificates(cas.value());
        }
        ws->setSslConfiguration(tls);
        // One pinning rule for every client (net/tlspin.h): the pinned fingerprint, a certificate valid now, and no
        // error beyond those a self-signed certificate causes.
        const TlsPin pin = TlsPin::fromString(s.fingerprint);
        if (!s.fingerprint.isEmpty() && pin.isNull())
            return makeError(ErrorCode::InvalidArgument, u"the profile's pinned fingerprint is malformed"_s);
        const auto mismatch = [pin](const QString &seen) {
            return u"the server's certificate (SHA-256 %1) does not match the pinned fingerprint %2"_s
                .arg(seen, Profile::formatFingerprint(pin.toHex()));
        };
        QObject::connect(ws, &QWebSocket::sslErrors, q, [this, ws, pin, mismatch](const QList<QSslError> &errors) {
            if (ws != socket)
                return;
            QStringList reasons;
            for (const QSslError &e : errors)
                reasons.append(e.errorString());
            if (pin.isNull())
                return reportError(u"tls"_s, u"the server's certificate is not trusted: %1"_s.arg(reasons.join(u"; "_s)));
            // The live peer certificate is only available after the handshake; here the errors name it.
            QList<QSslCertificate> chain;
            for (const QSslError &e : errors) {
                if (!e.certificate().isNull() && !chain.contains(e.certificate()))
                    chain.append(e.certificate());
            }
            const auto pinned = std::find_if(chain.begin(), chain.end(), [&pin](const QSslCertificate &c) { return pin.matches(c); });
            if (pinned != chain.end())
                std::rotate(chain.begin(), pinned, pinned + 1);
            const std::optional<TlsPinError> refused = pin.check(chain, errors);
            if (!refused)
                return ws->ignoreSslErrors(errors);
            if (refused->failure == TlsPinFailure::Mismatch || refused->failure == TlsPinFailure::NoCertificate) {
                const QString seen = chain.isEmpty() ? u"unknown"_s : Profile::formatFingerprint(TlsPin::of(chain.first()).toHex());
                return reportError(u"certificate_mismatch"_s, mismatch(seen));
            }
            reportError(u"tls"_s, u"the server's certificate matches the pin but is not usable: %1"_s.arg(refused->message));
        });
        QObject::connect(ws, &QWebSocket::connected, q, [this, ws, pin, mismatch, trusted] {
            if (ws != socket)
                return;
            if (!pin.isNull()) {
                const QSslCertificate peer = ws->sslConfiguration().peerCertificate();
                if (peer.isNull() || !pin.matches(peer))
                    return abortWith(u"certificate_mismatch"_s, mismatch(Profile::formatFingerprint(TlsPin::of(peer).toHex())));
            }
            trusted();
        });
        return {};
    }

    void setState(Client::State s)
    {
        if (state == s)
            return;
        state = s;
        Q_EMIT q->stateChanged(s);
    }

    void reportError(const QString &code, const QString &message)
    {
        // Requests cut off by a closed connection add nothing to the error that closed it.
        if (code == DisconnectedCode && errorReported)
            return;
        errorReported = true;
        qCWarning(lcSdk).noquote() << "error:" << code;
        Q_EMIT q->errorOccurred(code, message);
    }

    void abortWith(const QString &code, const QString &message)
    {
        reportError(code, message);
        closing = true;
        if (socket)
            socket->abort();
    }

    QWebSocket *replaceSocket()
    {
        if (socket) {
            socket->disconnect(q);
            socket->abort();
            socket->deleteLater();
        }
        socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
        socket->setMaxAllowedIncomingMessageSize(quint64(protocol::MaxServerFrameBytes));
        QWebSocket *ws = socket;
        // Queued: QWebSocket reports a failed connection attempt as disconnected() before error(); the error is
        // the more useful report, so it goes first.
        QObject::connect(ws, &QWebSocket::disconnected, q, [this, ws] { if (ws == socket) onSocketDisconnected(); },
                         Qt::QueuedConnection);
        QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
                         [this, ws](QAbstractSocket::SocketError e) {
                             if (ws == socket)
                                 onSocketError(e);
                         });
        QObject::connect(ws, &QWebSocket::binaryMessageReceived, q, [this, ws](const QByteArray &data) {
            if (ws == socket)
                onBinaryMessage(data);
        });
        QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this, ws](const QString &) {
            if (ws == socket)
                abortWith(u"protocol"_s, u"the server sent a text message (the protocol uses binary frames only)"_s);
        });
        return ws;
    }

    void open()
    {
        if (state != Client::State::Disconnected) {
            reportError(u"busy"_s, u"already connected or connecting"_s);
            return;
        }
        const ProfileSettings &s = profile.settings();
        if (!s.server.isValid() || s.server.scheme() != u"wss"_s || s.server.host().isEmpty()) {
            reportError(u"bad_url"_s, u"the server URL must be wss://HOST:PORT/ (got \"%1\")"_s.arg(s.server.toString()));
            return;
        }
        QWebSocket *ws = replaceSocket();
        if (Status trust = setUpServerTrust(ws, [this] {
                socketOpen = true;
                qCInfo(lcSdk) << "WebSocket open, waiting for hello";
                // connectTimer keeps running until `hello` arrives.
            });
            !trust) {
            reportError(u"no_trust"_s, trust.error().message);
            return;
        }
        closing = false;
        errorReported = false;
        socketOpen = false;
        challenge.clear();
        setState(Client::State::Connecting);
        connectTimer.start(ConnectTimeoutMs);
        qCInfo(lcSdk) << "connecting";
        ws->open(QNetworkRequest(s.server));
    }

    void onSocketError(QAbstractSocket::SocketError error)
    {
        if (closing || errorReported)
            return;
        if (error == QAbstractSocket::RemoteHostClosedError && state == Client::State::LoggedIn)
            return;   // reported with the close code in onSocketDisconnected()
        const QUrl server = profile.settings().server;
        QString message = socket ? socket->errorString() : QString();
        if (message.isEmpty())
            message = u"the connection to %1 failed"_s.arg(server.toString());
        if (error == QAbstractSocket::ConnectionRefusedError)
            message = u"connection refused by %1"_s.arg(server.toString());
        else if (error == QAbstractSocket::HostNotFoundError)
            message = u"host not found: %1"_s.arg(server.host());
        reportError(u"connection"_s, message);
    }

    void onSocketDisconnected()
    {
        if (state == Client::State::Disconnected)
            return;
        connectTimer.stop();
        pingTimer.stop();
        if (!closing && !errorReported && socket) {
            const QString reason = socket->closeReason();
            reportError(u"closed"_s, u"the server closed the connection (code %1%2)"_s.arg(int(socket->closeCode()))
                                         .arg(reason.isEmpty() ? QString() : u": "_s + reason));
        }
        Q_EMIT q->closed();
    }

    void onBinaryMessage(const QByteArray &data)
    {
        protocol::DecodeResult decoded = protocol::decode(data, protocol::Direction::ServerToClient);
        if (const auto *err = std::get_if<protocol::FrameError>(&decoded)) {
            qCWarning(lcSdk).noquote() << "malformed frame from the server:" << protocol::wireErrorName(err->code);
            reportError(u"protocol"_s, u"the server sent a malformed frame: %1"_s.arg(err->message));
            return;
        }
        const protocol::Frame frame = std::get<protocol::Frame>(std::move(decoded));
        Q_EMIT q->frameReceived(frame);
        handleFrame(frame);
    }

    void handleFrame(const protocol::Frame &f)
    {
        if (f.type == protocol::Hello::Type)
            return onHello(protocol::Hello::from(f));
        if (f.type == protocol::Msg::Type || f.type == protocol::Synced::Type || f.type == protocol::Refill::Type) {
            Q_EMIT q->serverPushed(f);
            return;
        }
        if (f.id != 0 && rawRequests.remove(f.id))
            return;
        if (f.id != 0) {
            auto handler = pending.take(f.id);
            if (handler) {
                handler(f);
                return;
            }
        }
        if (f.type == protocol::ErrorReply::Type) {
            reportError(errorCode(f), errorText(f));
            return;
        }
        qCDebug(lcSdk).noquote() << "unhandled frame" << f.type;
    }

    void onHello(const protocol::Hello &hello)
    {
        if (state != Client::State::Connecting) {
            abortWith(u"protocol"_s, u"the server sent a second hello"_s);
            return;
        }
        connectTimer.stop();
        const bool speaksV1 = hello.v == quint64(protocol::Version) || hello.vs.contains(quint64(protocol::Version));
        if (!speaksV1) {
            abortWith(u"version"_s, u"the server speaks protocol version %1; this client speaks %2"_s
                                        .arg(hello.v).arg(protocol::Version));
            return;
        }
        challenge = hello.ch;
        serverMaxFrame = qsizetype(qMin<quint64>(hello.max, quint64(protocol::MaxClientFrameBytes)));
        clockOffsetMs = qint64(hello.time) - nowMs();
        serverVersions = hello.vs;
        serverVersions.append(hello.v);
        setState(Client::State::Connected);
        pingTimer.start(PingIntervalMs);
        Q_EMIT q->connected();
    }

    void login()
    {
        const ProfileSettings &s = profile.settings();
        if (!s.isEnrolled()) {
            abortWith(u"not_enrolled"_s, u"the profile is not registered (run `parley register` first)"_s);
            return;
        }
        Result<crypto::EcKey> deviceKey = profile.keys().deviceKey();
        if (!deviceKey) {
            abortWith(u"no_key"_s, deviceKey.error().message);
            return;
        }
        self = SenderIdentity{s.user, s.device, s.rootPub, s.devicePub, deviceKey.value()};
        setState(Client::State::LoggingIn);
        const std::optional<ResumeCredential> &resume = profile.resumeCredential();
        if (resume && resume->expiresAt > q->serverTimeMs())
            resumeLogin(resume->credential);
        else
            challengeLogin(deviceKey.value());
    }

    // The resumption credential instead of the signature (docs/protocol.md "Resumed login"). When the server
    // refuses it, the credential is forgotten and the device logs in with the challenge on the same connection.
    void resumeLogin(const QByteArray &credential)
    {
        const ProfileSettings &s = profile.settings();
        protocol::Login login{s.user, s.device, std::nullopt, credential};
        q->request(login, [this](const protocol::Frame &reply) {
            if (reply.type == protocol::ErrorReply::Type && errorCode(reply) == protocol::wireErrorName(protocol::WireError::ResumeFailed)) {
                qCInfo(lcSdk).noquote() << u"the server refused the resumption credential (%1); logging in with the device key"_s
                                               .arg(errorText(reply));
                if (Status forgotten = profile.setResumeCredential(std::nullopt); !forgotten)
                    qCWarning(lcSdk) << "could not forget the resumption credential:" << forgotten.error().message;
                Result<crypto::EcKey> deviceKey = profile.keys().deviceKey();
                if (!deviceKey)
                    return abortWith(u"no_key"_s, deviceKey.error().message);
                return challengeLogin(deviceKey.value());
            }
            welcomed(reply, true);
        });
    }

    void challengeLogin(const crypto::EcKey &deviceKey)
    {
        const ProfileSettings &s = profile.settings();
        Result<QByteArray> sig = deviceKey.sign(protocol::loginStatement(challenge, s.user, s.device));
        if (!sig) {
            abortWith(u"crypto"_s, sig.error().message);
            return;
        }
        q->request(protocol::Login{s.user, s.device, sig.value(), std::nullopt},
                   [this](const protocol::Frame &reply) { welcomed(reply, false); });
    }

    void welcomed(const protocol::Frame &reply, bool resumed)
    {
        if (reply.type == protocol::ErrorReply::Type) {
            abortWith(errorCode(reply), u"login failed: %1"_s.arg(errorText(reply)));
            return;
        }
        const protocol::Welcome welcome = protocol::Welcome::from(reply);
        if (welcome.resume && welcome.resumeExp) {
            if (Status kept = profile.setResumeCredential(ResumeCredential{*welcome.resume, qint64(*welcome.resumeExp)}); !kept)
                qCWarning(lcSdk) << "could not keep the resumption credential:" << kept.error().message;
        }
        setState(Client::State::LoggedIn);
        qCInfo(lcSdk) << (resumed ? "logged in (resumed);" : "logged in;") << welcome.queued << "messages queued";
        Q_EMIT q->loggedIn(int(qMin<quint64>(welcome.prekeys, 1u << 30)), welcome.lr);
    }
};

Connection::Connection(Profile &profile, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, profile))
{
    d->connectTimer.setSingleShot(true);
    connect(&d->connectTimer, &QTimer::timeout, this, [this] {
        d->abortWith(u"timeout"_s, u"no answer from %1 within %2 s"_s.arg(d->profile.settings().server.toString())
                                       .arg(ConnectTimeoutMs / 1000));
        if (d->socket && d->state != Client::State::Disconnected
            && d->socket->state() == QAbstractSocket::UnconnectedState)
            d->onSocketDisconnected();
    });
    connect(&d->pingTimer, &QTimer::timeout, this, [this] {
        if (d->socket)
            d->socket->ping();
    });
}

Connection::~Connection()
{
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

Client::State Connection::state() const { return d->state; }
void Connection::setState(Client::State state) { d->setState(state); }
const std::optional<SenderIdentity> &Connection::self() const { return d->self; }
qint64 Connection::serverTimeMs() const { return nowMs() + d->clockOffsetMs; }
qsizetype Connection::serverMaxFrame() const { return d->serverMaxFrame; }
bool Connection::serverSpeaks(quint64 version) const { return d->serverVersions.contains(version); }

void Connection::open() { d->open(); }

void Connection::close()
{
    if (!d->socket || d->state == Client::State::Disconnected)
        return;
    d->closing = true;
    d->socket->close(QWebSocketProtocol::CloseCodeNormal);
}

void Connection::login() { d->login(); }

void Connection::transmit(const protocol::Frame &frame) { transmitEncoded(protocol::encode(frame)); }

void Connection::transmitEncoded(const QByteArray &encoded)
{
    if (!d->socket || d->socket->state() != QAbstractSocket::ConnectedState)
        return;
    d->socket->sendBinaryMessage(encoded);
}

quint64 Connection::request(const std::function<QByteArray(quint64 id)> &encode, ReplyHandler handler)
{
    const quint64 id = d->nextId++;
    if (!d->socket || d->socket->state() != QAbstractSocket::ConnectedState) {
        handler(disconnectedReply(u"not connected"_s, id));
        return id;
    }
    d->pending.insert(id, std::move(handler));
    transmitEncoded(encode(id));
    return id;
}

quint64 Connection::sendRaw(const protocol::Frame &frame)
{
    protocol::Frame f = frame;
    if (f.id == 0 && protocol::requiresId(f.type))
        f.id = d->nextId++;
    else if (f.id >= d->nextId)
        d->nextId = f.id + 1;
    if (f.id != 0)
        d->rawRequests.insert(f.id);
    transmit(f);
    return f.id;
}

void Connection::failPending(const QString &message)
{
    const auto handlers = std::exchange(d->pending, {});
    for (auto it = handlers.begin(); it != handlers.end(); ++it)
        it.value()(disconnectedReply(message, it.key()));
}

void Connection::finishClose()
{
    d->rawRequests.clear();
    d->challenge.clear();
    d->setState(Client::State::Disconnected);
    qCInfo(lcSdk) << "disconnected";
    Q_EMIT disconnected();
}

void Connection::reportError(const QString &code, const QString &message) { d->reportError(code, message); }
void Connection::abortWith(const QString &code, const QString &message) { d->abortWith(code, message); }

protocol::Frame Connection::disconnectedReply(const QString &message, quint64 id)
{
    protocol::Frame reply = protocol::toFrame(protocol::errorReply(protocol::WireError::Internal, message), id);
    reply.set(ErrorCodeKey, QString(DisconnectedCode));
    return reply;
}

bool Connection::isDisconnected(const protocol::Frame &reply)
{
    return reply.type == protocol::ErrorReply::Type && reply.text(ErrorCodeKey) == DisconnectedCode;
}

// decode() admits only the codes of docs/protocol.md, so a server's code reads back as the WireError of its name.
QString Connection::errorCode(const protocol::Frame &reply)
{
    if (isDisconnected(reply))
        return DisconnectedCode;
    return protocol::wireErrorName(protocol::ErrorReply::from(reply).code);
}

QString Connection::errorText(const protocol::Frame &reply)
{
    const QString msg = protocol::ErrorReply::from(reply).msg;
    return msg.isEmpty() ? errorCode(reply) : msg;
}

} // namespace parley::sdk
