#include "sdk/client.h"

#include "protocol/statements.h"
#include "sdk/sdklog.h"

#include <QCborArray>
#include <QNetworkRequest>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int ConnectTimeoutMs = 30000;
constexpr int PingIntervalMs = 60000;
constexpr int MaxRateLimitRetries = 20;
constexpr int MaxResolvePasses = 8;
constexpr int DefaultRetryMs = 1000;
constexpr int MaxRetryMs = 120000;
constexpr int PrekeyCacheSaveDelayMs = 1000;
constexpr int MaxPrekeysPerUpload = protocol::MaxPrekeysPerUpload;
constexpr int MaxKidConflicts = 3;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QString deviceLabel(const QString &user, quint32 device) { return user + u'#' + QString::number(device); }

// TLS errors a self-signed (or privately issued) server certificate causes; with a matching pinned fingerprint
// these say nothing the pin does not already settle. Expiry and everything else still fails the handshake.
bool ignorableWithPin(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

struct DeviceInfo {
    quint32 device = 0;
    QByteArray pub;
    QByteArray sig;
    bool certificateValid = false;
};

struct UserDevices {
    QString user;
    QByteArray root;
    bool rootChanged = false;        // differs from the pinned root key
    QMap<quint32, DeviceInfo> devices;
};

struct SendJob {
    QByteArray mid;
    QStringList to;
    QString text;
    QCborMap options;
    bool prebuilt = false;           // sendEnvelope(): no text, no rebuild
    bool resolveOnly = false;        // resolveRecipients()
    QPointer<QObject> context;
    std::function<void(Result<QList<RecipientDevice>>)> done;
    bool includeOwnDevice = false;
    int mismatchRetries = 0;
    int rateRetries = 0;
    int passes = 0;
    protocol::Frame frame;
};
using JobPtr = std::shared_ptr<SendJob>;

struct EnrollRequest {
    bool active = false;
    QString user;
    QString code;
    QString deviceName;
    QByteArray passphrase;
    crypto::ScryptParams kdf;
    bool newUser = false;
};

} // namespace

struct Client::Private {
    Client *q;
    Profile &profile;
    QPointer<QWebSocket> socket;
    State state = State::Disconnected;
    bool closing = false;
    bool errorReported = false;
    bool socketOpen = false;         // the WebSocket handshake completed
    QByteArray challenge;
    qint64 clockOffsetMs = 0;
    qsizetype serverMaxFrame = 0;    // from `hello`
    quint64 nextId = 1;
    QHash<quint64, std::function<void(const protocol::Frame &)>> pending;
    QSet<quint64> rawRequests;       // ids of sendFrame() requests: their replies go to frameReceived() only
    QTimer connectTimer;
    QTimer pingTimer;
    QTimer ackTimer;
    QTimer cacheSaveTimer;

    EnrollRequest enrollment;
    std::optional<SenderIdentity> self;

    QHash<QString, UserDevices> devices;

    QList<JobPtr> sendQueue;
    JobPtr resolving;

    QList<protocol::Frame> incoming;
    bool incomingBlocked = false;
    QSet<QString> refreshedSenders;
    QList<quint64> pendingAcks;
    QHash<quint32, crypto::EcKey> prekeyKeys;
    bool keysDirty = false;
    bool receivedDirty = false;
    bool cacheDirty = false;

    bool receiveEnabled = true;
    bool uploadInFlight = false;
    bool uploadRecheck = false;
    int kidConflicts = 0;
    int serverPool = 0;
    bool serverHasLastResort = false;

    Private(Client *client, Profile &p) : q(client), profile(p) {}

    // ---------------------------------------------------------------- connection

    void setState(State s)
    {
        if (state == s)
            return;
        state = s;
        Q_EMIT q->stateChanged(s);
    }

    void reportError(const QString &code, const QString &message)
    {
        // Requests cut off by a closed connection add nothing to the error that closed it.
        if (code == u"disconnected"_s && errorReported)
            return;
        errorReported = true;
        qCWarning(lcSdk).noquote() << "error:" << code;
        Q_EMIT q->errorOccurred(code, message);
    }

    // Reports and closes the connection.
    void abortWith(const QString &code, const QString &message)
    {
        reportError(code, message);
        closing = true;
        if (socket)
            socket->abort();
    }

    void openSocket()
    {
        if (state != State::Disconnected) {
            reportError(u"busy"_s, u"already connected or connecting"_s);
            return;
        }
        const ProfileSettings &s = profile.settings();
        if (!s.server.isValid() || s.server.scheme() != u"wss"_s || s.server.host().isEmpty()) {
            reportError(u"bad_url"_s, u"the server URL must be wss://HOST:PORT/ (got \"%1\")"_s.arg(s.server.toString()));
            return;
        }
        if (s.fingerprint.isEmpty() && !s.caTrust) {
            reportError(u"no_trust"_s, u"the profile has neither a pinned fingerprint nor a CA certificate"_s);
            return;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (s.caTrust) {
            Result<QList<QSslCertificate>> cas = profile.caCertificates();
            if (!cas) {
                reportError(u"no_trust"_s, cas.error().message);
                return;
            }
            tls.addCaCertificates(cas.value());
        }

        if (socket) {
            socket->disconnect(q);
            socket->abort();
            socket->deleteLater();
        }
        socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
        socket->setMaxAllowedIncomingMessageSize(quint64(protocol::MaxServerFrameBytes));
        socket->setSslConfiguration(tls);
        QWebSocket *ws = socket;
        QObject::connect(ws, &QWebSocket::connected, q, [this, ws] { if (ws == socket) onSocketConnected(); });
        // Queued: QWebSocket reports a failed connection attempt as disconnected() before error(); the error is
        // the more useful report, so it goes first.
        QObject::connect(ws, &QWebSocket::disconnected, q, [this, ws] { if (ws == socket) onSocketDisconnected(); },
                         Qt::QueuedConnection);
        QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q, [this, ws](QAbstractSocket::SocketError e) {
            if (ws == socket)
                onSocketError(e);
        });
        QObject::connect(ws, &QWebSocket::sslErrors, q, [this, ws](const QList<QSslError> &errors) {
            if (ws == socket)
                onSslErrors(errors);
        });
        QObject::connect(ws, &QWebSocket::binaryMessageReceived, q, [this, ws](const QByteArray &data) {
            if (ws == socket)
                onBinaryMessage(data);
        });
        QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this, ws](const QString &) {
            if (ws == socket)
                abortWith(u"protocol"_s, u"the server sent a text message (the protocol uses binary frames only)"_s);
        });

        closing = false;
        errorReported = false;
        socketOpen = false;
        challenge.clear();
        setState(State::Connecting);
        connectTimer.start(ConnectTimeoutMs);
        qCInfo(lcSdk) << "connecting";
        socket->open(QNetworkRequest(s.server));
    }

    void onSslErrors(const QList<QSslError> &errors)
    {
        const ProfileSettings &s = profile.settings();
        QStringList reasons;
        for (const QSslError &e : errors)
            reasons.append(e.errorString());
        if (s.fingerprint.isEmpty()) {
            reportError(u"tls"_s, u"the server's certificate is not trusted: %1"_s.arg(reasons.join(u"; "_s)));
            return;
        }
        // The live peer certificate is only available after the handshake; here the errors name it. Whether the
        // pinned certificate is really the leaf is checked again in onSocketConnected(), before any frame.
        QSslCertificate matching;
        QString seen;
        for (const QSslError &e : errors) {
            if (e.certificate().isNull())
                continue;
            const QString fp = QString::fromLatin1(e.certificate().digest(QCryptographicHash::Sha256).toHex());
            if (seen.isEmpty())
                seen = fp;
            if (fp == s.fingerprint)
                matching = e.certificate();
        }
        if (matching.isNull()) {
            reportError(u"certificate_mismatch"_s,
                        u"the server's certificate (SHA-256 %1) does not match the pinned fingerprint %2"_s
                            .arg(seen.isEmpty() ? u"unknown"_s : Profile::formatFingerprint(seen),
                                 Profile::formatFingerprint(s.fingerprint)));
            return;
        }
        for (const QSslError &e : errors) {
            if (!ignorableWithPin(e.error())) {
                reportError(u"tls"_s, u"the server's certificate matches the pin but is not usable: %1"_s
                                          .arg(e.errorString()));
                return;
            }
        }
        socket->ignoreSslErrors(errors);
    }

    void onSocketConnected()
    {
        // A certificate that a CA vouches for raises no sslErrors: the pin is checked here as well.
        const ProfileSettings &s = profile.settings();
        if (!s.fingerprint.isEmpty()) {
            const QSslCertificate peer = socket->sslConfiguration().peerCertificate();
            const QString actual = QString::fromLatin1(peer.digest(QCryptographicHash::Sha256).toHex());
            if (peer.isNull() || actual != s.fingerprint) {
                abortWith(u"certificate_mismatch"_s,
                          u"the server's certificate (SHA-256 %1) does not match the pinned fingerprint %2"_s
                              .arg(Profile::formatFingerprint(actual), Profile::formatFingerprint(s.fingerprint)));
                return;
            }
        }
        socketOpen = true;
        qCInfo(lcSdk) << "WebSocket open, waiting for hello";
        // connectTimer keeps running until `hello` arrives.
    }

    void onSocketError(QAbstractSocket::SocketError error)
    {
        if (closing || errorReported)
            return;
        if (error == QAbstractSocket::RemoteHostClosedError && state == State::LoggedIn)
            return;   // reported with the close code in onSocketDisconnected()
        QString message = socket ? socket->errorString() : QString();
        if (message.isEmpty())
            message = u"the connection to %1 failed"_s.arg(profile.settings().server.toString());
        if (error == QAbstractSocket::ConnectionRefusedError)
            message = u"connection refused by %1"_s.arg(profile.settings().server.toString());
        else if (error == QAbstractSocket::HostNotFoundError)
            message = u"host not found: %1"_s.arg(profile.settings().server.host());
        reportError(u"connection"_s, message);
    }

    void onSocketDisconnected()
    {
        if (state == State::Disconnected)
            return;
        connectTimer.stop();
        pingTimer.stop();
        ackTimer.stop();
        const bool expected = closing;
        if (!expected && !errorReported && socket) {
            const auto code = socket->closeCode();
            const QString reason = socket->closeReason();
            QString message = u"the server closed the connection (code %1%2)"_s.arg(int(code))
                                  .arg(reason.isEmpty() ? QString() : u": "_s + reason);
            reportError(u"closed"_s, message);
        }
        persist();
        failEverything(u"disconnected"_s, u"the connection closed before the server answered"_s);
        rawRequests.clear();
        uploadInFlight = false;
        uploadRecheck = false;
        incoming.clear();
        incomingBlocked = false;
        pendingAcks.clear();   // unacked messages come again on the next connection
        devices.clear();
        refreshedSenders.clear();
        challenge.clear();
        enrollment.active = false;
        crypto::cleanse(enrollment.passphrase);
        setState(State::Disconnected);
        qCInfo(lcSdk) << "disconnected";
        Q_EMIT q->disconnected();
    }

    void failEverything(const QString &code, const QString &message)
    {
        const auto handlers = std::exchange(pending, {});
        for (auto it = handlers.begin(); it != handlers.end(); ++it) {
            protocol::Frame err(u"error"_s, it.key());
            err.set("code"_L1, code).set("msg"_L1, message);
            it.value()(err);
        }
        const QList<JobPtr> queued = std::exchange(sendQueue, {});
        JobPtr current = std::exchange(resolving, nullptr);
        if (current)
            finishJob(current, code, message);
        for (const JobPtr &job : queued)
            finishJob(job, code, message);
    }

    void transmit(const protocol::Frame &frame)
    {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        socket->sendBinaryMessage(protocol::encode(frame));
    }

    quint64 request(protocol::Frame frame, std::function<void(const protocol::Frame &)> handler)
    {
        frame.id = nextId++;
        if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
            protocol::Frame err(u"error"_s, frame.id);
            err.set("code"_L1, u"disconnected"_s).set("msg"_L1, u"not connected"_s);
            handler(err);
            return frame.id;
        }
        pending.insert(frame.id, std::move(handler));
        transmit(frame);
        return frame.id;
    }

    static QString errorCode(const protocol::Frame &f) { return f.text("code"_L1); }
    static QString errorText(const protocol::Frame &f)
    {
        const QString msg = f.text("msg"_L1);
        return msg.isEmpty() ? f.text("code"_L1) : msg;
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
        if (f.type == u"hello"_s)
            return onHello(f);
        if (f.type == u"msg"_s) {
            if (state != State::LoggedIn || !receiveEnabled)
                return;
            incoming.append(f);
            return processIncoming();
        }
        if (f.type == u"synced"_s) {
            if (!receiveEnabled)
                return;
            incoming.append(f);
            return processIncoming();
        }
        if (f.type == u"refill"_s)
            return topUpPrekeys(int(qMin<quint64>(f.uint("remaining"_L1), 1u << 30)), serverHasLastResort);
        if (f.id != 0 && rawRequests.remove(f.id))
            return;
        if (f.id != 0) {
            auto handler = pending.take(f.id);
            if (handler) {
                handler(f);
                return;
            }
        }
        if (f.type == u"error"_s) {
            reportError(errorCode(f), errorText(f));
            return;
        }
        qCDebug(lcSdk).noquote() << "unhandled frame" << f.type;
    }

    // ---------------------------------------------------------------- hello, enroll, login

    void onHello(const protocol::Frame &f)
    {
        if (state != State::Connecting) {
            abortWith(u"protocol"_s, u"the server sent a second hello"_s);
            return;
        }
        connectTimer.stop();
        bool speaksV1 = f.uint("v"_L1) == quint64(protocol::Version);
        for (const QCborValue &v : f.array("vs"_L1))
            speaksV1 = speaksV1 || v.toInteger() == protocol::Version;
        if (!speaksV1) {
            abortWith(u"version"_s, u"the server speaks protocol version %1; this client speaks %2"_s
                                        .arg(f.uint("v"_L1)).arg(protocol::Version));
            return;
        }
        challenge = f.bytes("ch"_L1);
        serverMaxFrame = qsizetype(qMin<quint64>(f.uint("max"_L1), quint64(protocol::MaxClientFrameBytes)));
        clockOffsetMs = qint64(f.uint("time"_L1)) - nowMs();
        setState(State::Connected);
        pingTimer.start(PingIntervalMs);
        Q_EMIT q->connected();
        if (enrollment.active)
            startEnrollment();
        else
            startLogin();
    }

    void startEnrollment()
    {
        setState(State::Enrolling);
        protocol::Frame info(u"enroll_info"_s);
        info.set("user"_L1, enrollment.user).set("code"_L1, enrollment.code);
        request(info, [this](const protocol::Frame &reply) {
            if (reply.type == u"error"_s) {
                abortWith(errorCode(reply), u"enrollment refused: %1"_s.arg(errorText(reply)));
                return;
            }
            onEnrollInfo(reply);
        });
    }

    void onEnrollInfo(const protocol::Frame &reply)
    {
        const bool newUser = reply.boolean("new_user"_L1);
        Result<crypto::EcKey> root = newUser ? crypto::EcKey::generate() : recoverRoot(reply);
        if (!root)
            return;   // recoverRoot() reported
        Result<crypto::EcKey> deviceKey = crypto::EcKey::generate();
        if (!deviceKey) {
            abortWith(u"crypto"_s, deviceKey.error().message);
            return;
        }
        const QByteArray rootPub = root->publicPoint();
        const QByteArray devicePub = deviceKey->publicPoint();
        Result<QByteArray> dsig = root->sign(protocol::deviceStatement(enrollment.user, devicePub));
        if (!dsig) {
            abortWith(u"crypto"_s, dsig.error().message);
            return;
        }
        QByteArray recovery;
        if (newUser) {
            Result<QByteArray> bundle = RecoveryBundle::create(enrollment.user, root.value(), enrollment.passphrase,
                                                               enrollment.kdf);
            if (!bundle) {
                abortWith(u"crypto"_s, u"cannot create the recovery bundle: %1"_s.arg(bundle.error().message));
                return;
            }
            recovery = bundle.value();
        }
        crypto::cleanse(enrollment.passphrase);
        // The private keys are saved before the server hears of them: an enrolled device whose key was lost
        // would be useless.
        profile.keys().setRootKey(root.value());
        profile.keys().setDeviceKey(deviceKey.value());
        if (Status s = profile.saveKeys(); !s) {
            abortWith(u"io"_s, s.error().message);
            return;
        }
        enrollment.newUser = newUser;
        protocol::Frame enroll(u"enroll"_s);
        enroll.set("user"_L1, enrollment.user)
            .set("code"_L1, enrollment.code)
            .set("root"_L1, rootPub)
            .set("dev"_L1, devicePub)
            .set("dsig"_L1, dsig.value());
        if (!enrollment.deviceName.isEmpty())
            enroll.set("name"_L1, enrollment.deviceName);
        if (!recovery.isEmpty())
            enroll.set("recovery"_L1, recovery);
        request(enroll, [this, rootPub, devicePub](const protocol::Frame &answer) {
            if (answer.type == u"error"_s) {
                abortWith(errorCode(answer), u"enrollment refused: %1"_s.arg(errorText(answer)));
                return;
            }
            onEnrolled(answer, rootPub, devicePub);
        });
    }

    Result<crypto::EcKey> recoverRoot(const protocol::Frame &reply)
    {
        if (!reply.has("recovery"_L1)) {
            const Error e = makeError(ErrorCode::NotFound, u"user %1 exists but has no recovery bundle, so no "
                                                           u"further device can be added"_s.arg(enrollment.user));
            abortWith(u"enroll_failed"_s, e.message);
            return e;
        }
        Result<crypto::EcKey> root = RecoveryBundle::open(reply.bytes("recovery"_L1), enrollment.user,
                                                          enrollment.passphrase);
        if (!root) {
            abortWith(root.error().code == ErrorCode::Unauthorized ? u"wrong_passphrase"_s : u"bad_recovery"_s,
                      root.error().message);
            return root.error();
        }
        return root;
    }

    void onEnrolled(const protocol::Frame &reply, const QByteArray &rootPub, const QByteArray &devicePub)
    {
        const quint64 device = reply.uint("device"_L1);
        if (device == 0 || device > 0xffffffffu) {
            abortWith(u"protocol"_s, u"the server assigned an invalid device number"_s);
            return;
        }
        ProfileSettings s = profile.settings();
        s.user = enrollment.user;
        s.device = quint32(device);
        s.deviceName = enrollment.deviceName;
        s.rootPub = rootPub;
        s.devicePub = devicePub;
        if (Status st = profile.setSettings(s); !st) {
            abortWith(u"io"_s, st.error().message);
            return;
        }
        enrollment.active = false;
        qCInfo(lcSdk) << "enrolled as device" << device << (enrollment.newUser ? "of a new user" : "of an existing user");
        Q_EMIT q->enrolled(s.user, s.device, enrollment.newUser);
        startLogin();
    }

    void startLogin()
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
        Result<QByteArray> sig = deviceKey->sign(protocol::loginStatement(challenge, s.user, s.device));
        if (!sig) {
            abortWith(u"crypto"_s, sig.error().message);
            return;
        }
        setState(State::LoggingIn);
        protocol::Frame login(u"login"_s);
        login.set("user"_L1, s.user).set("device"_L1, qint64(s.device)).set("sig"_L1, sig.value());
        request(login, [this](const protocol::Frame &reply) {
            if (reply.type == u"error"_s) {
                abortWith(errorCode(reply), u"login failed: %1"_s.arg(errorText(reply)));
                return;
            }
            onWelcome(reply);
        });
    }

    void onWelcome(const protocol::Frame &reply)
    {
        setState(State::LoggedIn);
        qCInfo(lcSdk) << "logged in;" << reply.uint("queued"_L1) << "messages queued";
        Q_EMIT q->loggedIn();
        topUpPrekeys(int(qMin<quint64>(reply.uint("prekeys"_L1), 1u << 30)), reply.boolean("lr"_L1));
        pumpSendQueue();
    }

    // ---------------------------------------------------------------- prekeys

    void topUpPrekeys(int serverCount, bool serverHasLr)
    {
        if (state != State::LoggedIn || !self)
            return;
        if (uploadInFlight) {
            uploadRecheck = true;
            return;
        }
        serverPool = serverCount;
        serverHasLastResort = serverHasLr;
        KeyStore &keys = profile.keys();
        const qint64 now = nowMs();
        if (keys.noteServerPool(serverCount, now) > 0)
            keysDirty = true;
        if (keys.purgeExpired(now) > 0) {
            keysDirty = true;
            prekeyKeys.clear();
        }
        const int need = qBound(0, PrekeyPoolTarget - serverCount, MaxPrekeysPerUpload);
        const bool needLr = !serverHasLr || !keys.currentLastResortKid();
        if (need == 0 && !needLr) {
            persist();
            Q_EMIT q->prekeysReady(serverCount);
            return;
        }
        QCborArray list;
        for (int i = 0; i < need; ++i) {
            Result<QCborMap> entry = makePrekey(false);
            if (!entry) {
                reportError(u"crypto"_s, entry.error().message);
                return;
            }
            list.append(entry.value());
        }
        QCborMap lr;
        if (needLr) {
            Result<QCborMap> entry = makePrekey(true);
            if (!entry) {
                reportError(u"crypto"_s, entry.error().message);
                return;
            }
            lr = entry.value();
        }
        // Private halves first: a prekey the server hands out must be one this device can use.
        if (Status s = profile.saveKeys(); !s) {
            reportError(u"io"_s, u"cannot save new prekeys: %1"_s.arg(s.error().message));
            return;
        }
        keysDirty = false;
        protocol::Frame upload(u"prekeys"_s);
        upload.set("keys"_L1, list);
        if (needLr)
            upload.set("lr"_L1, lr);
        uploadInFlight = true;
        uploadRecheck = false;
        qCInfo(lcSdk) << "uploading" << need << "one-time prekeys" << (needLr ? "and a last-resort key" : "");
        request(upload, [this, needLr](const protocol::Frame &reply) {
            uploadInFlight = false;
            if (reply.type == u"error"_s) {
                const QString code = errorCode(reply);
                if (code == u"bad_field"_s && kidConflicts < MaxKidConflicts) {
                    // The server already holds one of these kids: this profile was restored from an older copy.
                    // The keys just made stay in the keystore until they expire; new ones get kids further on.
                    ++kidConflicts;
                    profile.keys().skipKids(1u << 20);
                    keysDirty = true;
                    topUpPrekeys(serverPool, serverHasLastResort);
                    return;
                }
                if (code != u"disconnected"_s)
                    reportError(code, u"prekey upload refused: %1"_s.arg(errorText(reply)));
                return;
            }
            const int count = int(qMin<quint64>(reply.uint("count"_L1), 1u << 30));
            serverPool = count;
            serverHasLastResort = serverHasLastResort || needLr;
            if (uploadRecheck) {
                // A refill arrived meanwhile; the count just received is the newer figure.
                uploadRecheck = false;
                topUpPrekeys(count, serverHasLastResort);
                return;
            }
            Q_EMIT q->prekeysReady(count);
        });
    }

    Result<QCborMap> makePrekey(bool lastResort)
    {
        Result<crypto::EcKey> key = crypto::EcKey::generate();
        if (!key)
            return key.error();
        KeyStore &keys = profile.keys();
        const quint32 kid = keys.allocateKid();
        const QByteArray pub = key->publicPoint();
        Result<QByteArray> sig = self->deviceKey.sign(protocol::prekeyStatement(kid, pub));
        if (!sig)
            return sig.error();
        if (lastResort)
            keys.setLastResort(kid, key.value(), nowMs());
        else
            keys.addOneTimePrekey(kid, key.value(), nowMs());
        QCborMap entry;
        entry.insert(u"kid"_s, qint64(kid));
        entry.insert(u"pub"_s, pub);
        entry.insert(u"sig"_s, sig.value());
        return entry;
    }

    // ---------------------------------------------------------------- device lists and bundles

    // Applies a `device_list` reply: checks root keys (own account: equal to ours; others: trust on first use)
    // and every device certificate. Returns the unknown user names.
    Result<QStringList> applyDeviceList(const protocol::Frame &reply)
    {
        const ProfileSettings &s = profile.settings();
        bool trustChanged = false;
        for (const QCborValue &item : reply.array("users"_L1)) {
            const QCborMap m = item.toMap();
            UserDevices ud;
            ud.user = m.value(u"user"_s).toString();
            ud.root = m.value(u"root"_s).toByteArray();
            if (!protocol::isValidUserName(ud.user) || ud.root.size() != crypto::P521PointSize)
                return makeError(ErrorCode::Protocol, u"the server sent a malformed device list"_s);
            if (ud.user == s.user) {
                if (ud.root != s.rootPub)
                    return makeError(ErrorCode::Crypto, u"the server presented a different root key for your own "
                                                        u"account %1"_s.arg(s.user));
            } else {
                const TrustStore::Verdict v = profile.trust().observe(ud.user, ud.root, nowMs());
                if (v == TrustStore::FirstUse)
                    trustChanged = true;
                if (v == TrustStore::Changed) {
                    ud.rootChanged = true;
                    qCWarning(lcSdk) << "a user's root key differs from the pinned one";
                    Q_EMIT q->identityChanged(ud.user);
                }
            }
            Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(ud.root);
            for (const QCborValue &dv : m.value(u"devices"_s).toArray()) {
                const QCborMap dm = dv.toMap();
                DeviceInfo info;
                const qint64 no = dm.value(u"device"_s).toInteger();
                if (no < 1 || no > 0xffffffffLL)
                    return makeError(ErrorCode::Protocol, u"the server sent a malformed device list"_s);
                info.device = quint32(no);
                info.pub = dm.value(u"pub"_s).toByteArray();
                info.sig = dm.value(u"sig"_s).toByteArray();
                info.certificateValid = root && info.pub.size() == crypto::P521PointSize
                    && root->verify(protocol::deviceStatement(ud.user, info.pub), info.sig);
                ud.devices.insert(info.device, info);
            }
            devices.insert(ud.user, ud);
        }
        if (trustChanged) {
            if (Status st = profile.saveTrust(); !st)
                reportError(u"io"_s, st.error().message);
        }
        QStringList unknown;
        for (const QCborValue &v : reply.array("unknown"_L1)) {
            unknown.append(v.toString());
            devices.remove(v.toString());
        }
        return unknown;
    }

    // Requests device lists (in chunks of the protocol limit) and applies them; `done` gets the unknown users.
    void fetchDeviceLists(const QStringList &users, std::function<void(Result<QStringList>)> done)
    {
        struct Batch {
            int outstanding = 0;
            QStringList unknown;
            std::optional<Error> error;
            std::function<void(Result<QStringList>)> done;
        };
        auto batch = std::make_shared<Batch>();
        batch->done = std::move(done);
        QList<QStringList> chunks;
        for (qsizetype i = 0; i < users.size(); i += protocol::MaxRecipients)
            chunks.append(users.mid(i, protocol::MaxRecipients));
        batch->outstanding = int(chunks.size());
        for (const QStringList &chunk : chunks) {
            QCborArray names;
            for (const QString &u : chunk)
                names.append(u);
            protocol::Frame f(u"devices"_s);
            f.set("users"_L1, names);
            request(f, [this, batch](const protocol::Frame &reply) {
                if (reply.type == u"error"_s) {
                    if (!batch->error)
                        batch->error = makeError(ErrorCode::Unavailable, errorCode(reply) + u": "_s + errorText(reply));
                } else if (reply.type != u"device_list"_s) {
                    batch->error = makeError(ErrorCode::Protocol, u"unexpected reply to devices"_s);
                } else {
                    Result<QStringList> unknown = applyDeviceList(reply);
                    if (!unknown) {
                        if (!batch->error)
                            batch->error = unknown.error();
                    } else {
                        batch->unknown += unknown.value();
                    }
                }
                if (--batch->outstanding == 0) {
                    if (batch->error)
                        batch->done(batch->error.value());
                    else
                        batch->done(batch->unknown);
                }
            });
        }
        if (chunks.isEmpty())
            batch->done(QStringList());
    }

    // Applies a `bundle` reply: root key as in the device list, certificates, prekey signatures. Returns the
    // devices whose prekeys were stored.
    Result<QList<quint32>> applyBundle(const protocol::Frame &reply)
    {
        QList<quint32> stored;
        const QString user = reply.text("user"_L1);
        auto it = devices.find(user);
        if (it == devices.end())
            return makeError(ErrorCode::Protocol, u"a prekey bundle for %1 arrived without a device list"_s.arg(user));
        if (reply.bytes("root"_L1) != it->root)
            return makeError(ErrorCode::Crypto,
                             u"the server presented two different root keys for %1"_s.arg(user));
        Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(it->root);
        if (!root)
            return makeError(ErrorCode::Crypto, u"the root key of %1 is invalid"_s.arg(user));
        const qint64 now = nowMs();
        for (const QCborValue &dv : reply.array("devices"_L1)) {
            const QCborMap dm = dv.toMap();
            const quint32 device = quint32(dm.value(u"device"_s).toInteger());
            const QByteArray pub = dm.value(u"pub"_s).toByteArray();
            const QByteArray sig = dm.value(u"sig"_s).toByteArray();
            auto known = it->devices.constFind(device);
            if (known == it->devices.constEnd() || known->pub != pub) {
                // The device list changed in between: drop the list so the next pass fetches it again.
                devices.erase(it);
                return makeError(ErrorCode::Conflict, u"the devices of %1 changed"_s.arg(user));
            }
            if (!root->verify(protocol::deviceStatement(user, pub), sig))
                return makeError(ErrorCode::Crypto, u"the certificate of device %1 does not verify under the user's "
                                                    u"root key"_s.arg(deviceLabel(user, device)));
            Result<crypto::EcKey> deviceKey = crypto::EcKey::fromPublicPoint(pub);
            const QCborMap pk = dm.value(u"pk"_s).toMap();
            const qint64 kid = pk.value(u"kid"_s).toInteger();
            const QByteArray prekeyPub = pk.value(u"pub"_s).toByteArray();
            const QByteArray prekeySig = pk.value(u"sig"_s).toByteArray();
            if (!deviceKey || kid < 0 || kid > 0xffffffffLL
                || !deviceKey->verify(protocol::prekeyStatement(quint32(kid), prekeyPub), prekeySig)
                || !crypto::EcKey::fromPublicPoint(prekeyPub))
                return makeError(ErrorCode::Crypto, u"the prekey of device %1 is not signed by the device"_s
                                                        .arg(deviceLabel(user, device)));
            CachedPrekey entry;
            entry.user = user;
            entry.device = device;
            entry.devicePub = pub;
            entry.kid = quint32(kid);
            entry.pub = prekeyPub;
            entry.fetchedAt = now;
            profile.prekeyCache().store(entry);
            cacheDirty = true;
            stored.append(device);
        }
        return stored;
    }

    // ---------------------------------------------------------------- sending

    void enqueue(const JobPtr &job, bool front = false)
    {
        if (front)
            sendQueue.prepend(job);
        else
            sendQueue.append(job);
        pumpSendQueue();
    }

    void pumpSendQueue()
    {
        if (resolving || sendQueue.isEmpty() || state != State::LoggedIn)
            return;
        resolving = sendQueue.takeFirst();
        resolving->passes = 0;
        resolveStep(resolving);
    }

    void finishJob(JobPtr job, const QString &code, const QString &message)
    {
        if (job == resolving) {
            resolving.reset();
            QTimer::singleShot(0, q, [this] { pumpSendQueue(); });
        }
        if (job->resolveOnly) {
            if (job->context)
                job->done(makeError(ErrorCode::Unavailable, code + u": "_s + message));
            return;
        }
        qCInfo(lcSdk).noquote() << "send failed:" << code;
        Q_EMIT q->sendFailed(job->mid, code, message);
    }

    QStringList usersFor(const JobPtr &job) const
    {
        QStringList users = job->to;
        users.append(profile.settings().user);
        return protocol::normalisedRecipients(users);
    }

    void resolveStep(JobPtr job)
    {
        if (job != resolving)
            return;
        if (state != State::LoggedIn)
            return finishJob(job, u"disconnected"_s, u"not connected"_s);
        if (++job->passes > MaxResolvePasses)
            return finishJob(job, u"unresolved"_s, u"could not obtain consistent device lists and prekeys"_s);

        const QStringList users = usersFor(job);
        QStringList missing;
        for (const QString &u : users) {
            if (!devices.contains(u))
                missing.append(u);
        }
        if (!missing.isEmpty()) {
            --job->passes;   // fetching lists is progress, not a retry
            fetchDeviceLists(missing, [this, job](Result<QStringList> unknown) {
                if (job != resolving)
                    return;
                if (!unknown)
                    return finishJob(job, u"bad_device_list"_s, unknown.error().message);
                QStringList unknownRecipients;
                for (const QString &u : unknown.value()) {
                    if (job->to.contains(u))
                        unknownRecipients.append(u);
                }
                if (!unknownRecipients.isEmpty())
                    return finishJob(job, u"unknown_user"_s,
                                     u"no such user: %1"_s.arg(unknownRecipients.join(u", "_s)));
                if (unknown.value().contains(profile.settings().user))
                    return finishJob(job, u"unknown_user"_s, u"the server does not know your own account"_s);
                resolveStep(job);
            });
            return;
        }

        // Every device the message goes to, with its certificate checked.
        const ProfileSettings &s = profile.settings();
        QList<std::pair<const UserDevices *, const DeviceInfo *>> targets;
        for (const QString &u : users) {
            const UserDevices &ud = devices[u];
            if (ud.rootChanged)
                return finishJob(job, u"identity_changed"_s,
                                 u"the root key of %1 changed since it was first seen; verify it with %1 and run "
                                 u"`parley trust %1`"_s.arg(u));
            const bool recipient = job->to.contains(u);
            for (const DeviceInfo &dev : ud.devices) {
                const bool own = u == s.user;
                if (own && dev.device == s.device && !job->includeOwnDevice)
                    continue;
                if (!recipient && !own)
                    continue;
                if (!dev.certificateValid)
                    return finishJob(job, u"bad_certificate"_s,
                                     u"the certificate of device %1 does not verify under the user's root key"_s
                                         .arg(deviceLabel(u, dev.device)));
                targets.append({&ud, &dev});
            }
        }

        const qint64 now = nowMs();
        QHash<QString, QList<quint32>> toFetch;
        QList<RecipientDevice> resolved;
        for (const auto &[ud, dev] : targets) {
            const std::optional<CachedPrekey> cached = profile.prekeyCache().fresh(ud->user, dev->device, dev->pub, now);
            if (!cached) {
                toFetch[ud->user].append(dev->device);
                continue;
            }
            resolved.append(RecipientDevice{ud->user, ud->root, dev->device, dev->pub, cached->kid, cached->pub});
        }
        if (!toFetch.isEmpty())
            return fetchPrekeys(job, toFetch);
        if (job->resolveOnly) {
            resolving.reset();
            if (job->context)
                job->done(resolved);
            QTimer::singleShot(0, q, [this] { pumpSendQueue(); });
            return;
        }
        buildAndSend(job, resolved);
    }

    void fetchPrekeys(const JobPtr &job, const QHash<QString, QList<quint32>> &toFetch)
    {
        struct Batch {
            int outstanding = 0;
            int retryMs = 0;
            std::optional<std::pair<QString, QString>> failure;
        };
        auto batch = std::make_shared<Batch>();
        batch->outstanding = int(toFetch.size());
        for (auto it = toFetch.begin(); it != toFetch.end(); ++it) {
            QCborArray list;
            for (quint32 dev : it.value())
                list.append(qint64(dev));
            protocol::Frame f(u"fetch"_s);
            f.set("user"_L1, it.key()).set("devices"_L1, list);
            const QString user = it.key();
            const QList<quint32> requested = it.value();
            request(f, [this, job, batch, user, requested](const protocol::Frame &reply) {
                if (reply.type == u"error"_s) {
                    const QString code = errorCode(reply);
                    if (code == u"rate_limited"_s) {
                        const int retry = reply.has("retry"_L1)
                            ? int(qMin<quint64>(reply.uint("retry"_L1), MaxRetryMs)) : DefaultRetryMs;
                        batch->retryMs = qMax(batch->retryMs, qMax(retry, 1));
                    } else if (code == u"not_found"_s) {
                        // The user or device went away: fetch the lists again on the next pass.
                        devices.clear();
                    } else if (!batch->failure) {
                        batch->failure = std::make_pair(code, u"prekey fetch refused: %1"_s.arg(errorText(reply)));
                    }
                } else if (Result<QList<quint32>> stored = applyBundle(reply); !stored) {
                    if (stored.error().code != ErrorCode::Conflict && !batch->failure)
                        batch->failure = std::make_pair(u"bad_bundle"_s, stored.error().message);
                } else {
                    // A device missing from the bundle went away meanwhile: fetch the list again next pass.
                    for (quint32 device : requested) {
                        if (!stored->contains(device)) {
                            devices.remove(user);
                            break;
                        }
                    }
                }
                if (--batch->outstanding > 0 || job != resolving)
                    return;
                if (cacheDirty && !cacheSaveTimer.isActive())
                    cacheSaveTimer.start(PrekeyCacheSaveDelayMs);
                if (batch->failure)
                    return finishJob(job, batch->failure->first, batch->failure->second);
                if (batch->retryMs > 0) {
                    if (++job->rateRetries > MaxRateLimitRetries)
                        return finishJob(job, u"rate_limited"_s, u"prekey fetches stay rate limited"_s);
                    --job->passes;
                    QTimer::singleShot(batch->retryMs, q, [this, job] { resolveStep(job); });
                    return;
                }
                resolveStep(job);
            });
        }
    }

    void buildAndSend(JobPtr job, const QList<RecipientDevice> &targets)
    {
        Result<Envelope> env = Envelope::build(*self, job->to, targets, job->text, quint64(q->serverTimeMs()),
                                               job->options, job->mid);
        if (!env)
            return finishJob(job, u"build_failed"_s, env.error().message);
        for (const RecipientDevice &t : targets)
            profile.prekeyCache().recordUse(t.user, t.device);
        cacheDirty = true;
        if (!cacheSaveTimer.isActive())
            cacheSaveTimer.start(PrekeyCacheSaveDelayMs);
        job->frame = env->toFrame();
        if (serverMaxFrame > 0 && protocol::encode(job->frame).size() > serverMaxFrame)
            return finishJob(job, u"too_large"_s, u"the message is larger than the server accepts (%1 bytes)"_s
                                                      .arg(serverMaxFrame));
        resolving.reset();
        transmitJob(job);
        QTimer::singleShot(0, q, [this] { pumpSendQueue(); });
    }

    void transmitJob(const JobPtr &job)
    {
        request(job->frame, [this, job](const protocol::Frame &reply) { onSendReply(job, reply); });
    }

    void onSendReply(const JobPtr &job, const protocol::Frame &reply)
    {
        if (reply.type == u"accepted"_s) {
            qCDebug(lcSdk) << "message accepted";
            Q_EMIT q->accepted(job->mid, reply.uint("seq"_L1));
            return;
        }
        const QString code = reply.type == u"error"_s ? errorCode(reply) : u"protocol"_s;
        const QString text = reply.type == u"error"_s ? errorText(reply) : u"unexpected reply %1"_s.arg(reply.type);
        if (code == u"rate_limited"_s) {
            if (++job->rateRetries > MaxRateLimitRetries)
                return finishJob(job, code, text);
            const int retry = reply.has("retry"_L1) ? int(qMin<quint64>(reply.uint("retry"_L1), MaxRetryMs))
                                                    : DefaultRetryMs;
            QTimer::singleShot(qMax(retry, 1), q, [this, job] {
                if (state != State::LoggedIn)
                    return finishJob(job, u"disconnected"_s, u"not connected"_s);
                transmitJob(job);
            });
            return;
        }
        if (code == u"device_mismatch"_s && !job->prebuilt) {
            if (++job->mismatchRetries > MaxMismatchRetries)
                return finishJob(job, code, u"the recipients' device lists kept changing: %1"_s.arg(text));
            const QString me = profile.settings().user;
            const quint32 myDevice = profile.settings().device;
            const auto forEachDevice = [&reply](const char *field, const auto &fn) {
                for (const QCborValue &v : reply.array(QLatin1StringView(field))) {
                    const QCborMap m = v.toMap();
                    fn(m.value(u"user"_s).toString(), quint32(m.value(u"device"_s).toInteger()));
                }
            };
            forEachDevice("missing", [&](const QString &user, quint32 device) {
                devices.remove(user);
                if (user == me && device == myDevice)
                    job->includeOwnDevice = true;
            });
            forEachDevice("stale", [&](const QString &user, quint32 device) {
                devices.remove(user);
                profile.prekeyCache().remove(user, device);
                if (user == me && device == myDevice)
                    job->includeOwnDevice = false;
            });
            for (const QCborValue &v : reply.array("unknown"_L1))
                devices.remove(v.toString());
            if (reply.array("missing"_L1).isEmpty() && reply.array("stale"_L1).isEmpty()) {
                for (const QString &u : usersFor(job))
                    devices.remove(u);
            }
            cacheDirty = true;
            qCInfo(lcSdk) << "device lists changed; retrying";
            return enqueue(job, true);
        }
        if (code == u"stale_time"_s && !job->prebuilt && job->mismatchRetries++ < MaxMismatchRetries)
            return enqueue(job, true);   // rebuilt with the current time
        finishJob(job, code, text);
    }

    // ---------------------------------------------------------------- receiving

    std::optional<crypto::EcKey> lookupPrekey(quint32 kid)
    {
        auto it = prekeyKeys.constFind(kid);
        if (it != prekeyKeys.constEnd())
            return *it;
        Result<crypto::EcKey> key = profile.keys().prekey(kid);
        if (!key)
            return std::nullopt;
        prekeyKeys.insert(kid, key.value());
        return key.value();
    }

    void processIncoming()
    {
        while (!incomingBlocked && !incoming.isEmpty()) {
            const protocol::Frame f = incoming.first();
            if (f.type == u"synced"_s) {
                incoming.removeFirst();
                flushAcks();
                Q_EMIT q->synced();
                continue;
            }
            const QString from = f.text("from"_L1);
            const quint32 dev = quint32(f.uint("dev"_L1));
            const QByteArray mid = f.bytes("mid"_L1);
            const quint64 seq = f.uint("seq"_L1);
            if (profile.received().contains(from, dev, mid)) {
                incoming.removeFirst();
                queueAck(seq);
                continue;
            }
            const QString label = deviceLabel(from, dev);
            auto ud = devices.constFind(from);
            const bool known = ud != devices.constEnd() && ud->devices.contains(dev);
            if (!known && !refreshedSenders.contains(label)) {
                incomingBlocked = true;
                refreshedSenders.insert(label);
                fetchDeviceLists({from}, [this](Result<QStringList> result) {
                    if (!result)
                        qCWarning(lcSdk).noquote() << "sender lookup failed:" << result.error().message;
                    incomingBlocked = false;
                    processIncoming();
                });
                return;
            }
            incoming.removeFirst();
            openMessage(f, known ? &ud.value() : nullptr);
            queueAck(seq);
        }
    }

    void openMessage(const protocol::Frame &f, const UserDevices *sender)
    {
        const QString from = f.text("from"_L1);
        const quint32 dev = quint32(f.uint("dev"_L1));
        if (!sender) {
            Q_EMIT q->verificationFailed(from, dev, u"the sending device %1 is not a current device of %2"_s
                                                        .arg(deviceLabel(from, dev), from));
            return;
        }
        const DeviceInfo &info = sender->devices[dev];
        const ProfileSettings &s = profile.settings();
        const RecipientIdentity me{s.user, s.device, s.rootPub, s.devicePub};
        const SenderDevice senderDevice{from, sender->root, dev, info.pub, info.sig};
        const OpenResult result = Envelope::open(f, me, senderDevice, [this](quint32 kid) { return lookupPrekey(kid); });
        if (const auto *failure = std::get_if<EnvelopeFailure>(&result)) {
            qCWarning(lcSdk).noquote() << "message failed verification:" << envelopeErrorName(failure->code);
            Q_EMIT q->verificationFailed(from, dev, u"%1: %2"_s.arg(envelopeErrorName(failure->code), failure->message));
            return;
        }
        const OpenedMessage &opened = std::get<OpenedMessage>(result);
        if (profile.keys().markUsed(opened.kid, nowMs()))
            keysDirty = true;
        // An expired message is never shown (the server should not have delivered it; clocks may differ).
        const qint64 exp = opened.options.value(u"exp"_s).toInteger(0);
        if (exp > 0 && qint64(opened.sentAt) + exp * 1000 <= q->serverTimeMs()) {
            qCDebug(lcSdk) << "dropped an expired message";
            profile.received().insert(from, dev, opened.mid, nowMs());
            receivedDirty = true;
            return;
        }
        IncomingMessage message;
        message.from = opened.from;
        message.device = opened.device;
        message.mid = opened.mid;
        message.seq = opened.seq;
        message.sentAt = QDateTime::fromMSecsSinceEpoch(qint64(opened.sentAt), Qt::UTC);
        message.text = opened.text;
        message.to = opened.to;
        message.options = opened.options;
        message.room = opened.options.value(u"room"_s).toString();
        message.burnOnRead = opened.options.value(u"burn"_s).toBool();
        message.verified = !sender->rootChanged;
        if (!message.verified)
            Q_EMIT q->verificationFailed(from, dev, u"identity_changed: the root key of %1 differs from the one first "
                                                    u"seen; the message cannot be attributed to %1"_s.arg(from));
        profile.received().insert(from, dev, opened.mid, nowMs());
        receivedDirty = true;
        Q_EMIT q->messageReceived(message);
    }

    void queueAck(quint64 seq)
    {
        pendingAcks.append(seq);
        if (pendingAcks.size() >= protocol::MaxAcksPerFrame)
            flushAcks();
        else if (!ackTimer.isActive())
            ackTimer.start(0);
    }

    void persist()
    {
        if (keysDirty) {
            if (Status s = profile.saveKeys(); !s)
                reportError(u"io"_s, s.error().message);
            keysDirty = false;
        }
        if (receivedDirty) {
            if (Status s = profile.saveReceived(); !s)
                reportError(u"io"_s, s.error().message);
            receivedDirty = false;
        }
        if (cacheDirty) {
            cacheSaveTimer.stop();
            if (Status s = profile.savePrekeyCache(); !s)
                reportError(u"io"_s, s.error().message);
            cacheDirty = false;
        }
    }

    void flushAcks()
    {
        ackTimer.stop();
        if (pendingAcks.isEmpty())
            return;
        // The dedupe record goes to disk before the server forgets the messages.
        persist();
        while (!pendingAcks.isEmpty()) {
            const QList<quint64> chunk = pendingAcks.mid(0, protocol::MaxAcksPerFrame);
            pendingAcks.remove(0, chunk.size());
            QCborArray seqs;
            for (quint64 seq : chunk)
                seqs.append(qint64(seq));
            protocol::Frame ack(u"ack"_s);
            ack.set("seqs"_L1, seqs);
            transmit(ack);
        }
    }
};

Client::Client(Profile &profile, QObject *parent) : QObject(parent), d(std::make_unique<Private>(this, profile))
{
    d->connectTimer.setSingleShot(true);
    connect(&d->connectTimer, &QTimer::timeout, this, [this] {
        d->abortWith(u"timeout"_s, u"no answer from %1 within %2 s"_s.arg(d->profile.settings().server.toString())
                                       .arg(ConnectTimeoutMs / 1000));
        if (d->socket && d->state != State::Disconnected && d->socket->state() == QAbstractSocket::UnconnectedState)
            d->onSocketDisconnected();
    });
    connect(&d->pingTimer, &QTimer::timeout, this, [this] {
        if (d->socket)
            d->socket->ping();
    });
    d->ackTimer.setSingleShot(true);
    connect(&d->ackTimer, &QTimer::timeout, this, [this] { d->flushAcks(); });
    d->cacheSaveTimer.setSingleShot(true);
    connect(&d->cacheSaveTimer, &QTimer::timeout, this, [this] {
        if (d->cacheDirty) {
            if (Status s = d->profile.savePrekeyCache(); !s)
                d->reportError(u"io"_s, s.error().message);
            d->cacheDirty = false;
        }
    });
}

Client::~Client()
{
    d->persist();
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

Client::State Client::state() const { return d->state; }
Profile &Client::profile() const { return d->profile; }

void Client::connectToServer()
{
    d->enrollment.active = false;
    d->openSocket();
}

void Client::enroll(const QString &user, const QString &code, const QString &deviceName,
                    const QByteArray &recoveryPassphrase, crypto::ScryptParams recoveryKdf)
{
    if (!protocol::isValidUserName(user)) {
        d->reportError(u"bad_field"_s, u"invalid user name \"%1\": 1 to 64 characters of a-z, 0-9, '.', '_', '-', "
                                       u"starting with a letter or digit"_s.arg(user));
        return;
    }
    if (code.isEmpty() || code.toUtf8().size() > 64) {
        d->reportError(u"bad_field"_s, u"the enrollment code must be 1 to 64 bytes"_s);
        return;
    }
    if (deviceName.toUtf8().size() > 64) {
        d->reportError(u"bad_field"_s, u"the device name must be at most 64 bytes"_s);
        return;
    }
    if (recoveryPassphrase.isEmpty()) {
        d->reportError(u"bad_field"_s, u"a recovery passphrase is needed"_s);
        return;
    }
    if (d->profile.settings().isEnrolled()) {
        d->reportError(u"already_enrolled"_s, u"the profile is already registered as %1"_s
                                                 .arg(deviceLabel(d->profile.settings().user,
                                                                  d->profile.settings().device)));
        return;
    }
    d->enrollment = EnrollRequest{true, user, code, deviceName, recoveryPassphrase, recoveryKdf, false};
    d->openSocket();
}

void Client::disconnectFromServer()
{
    if (!d->socket || d->state == State::Disconnected)
        return;
    d->flushAcks();
    d->persist();
    d->closing = true;
    d->socket->close(QWebSocketProtocol::CloseCodeNormal);
}

QByteArray Client::send(const QStringList &users, const QString &text)
{
    return send(users, text, QCborMap());
}

QByteArray Client::send(const QStringList &users, const QString &text, const QCborMap &options)
{
    auto job = std::make_shared<SendJob>();
    job->mid = Envelope::newMessageId();
    job->to = protocol::normalisedRecipients(users);
    job->text = text;
    job->options = options;
    if (job->to.isEmpty() || job->to.size() > protocol::MaxRecipients) {
        QTimer::singleShot(0, this, [this, job] {
            d->finishJob(job, u"bad_field"_s, u"a message needs 1 to %1 recipients"_s.arg(protocol::MaxRecipients));
        });
        return job->mid;
    }
    for (const QString &u : std::as_const(job->to)) {
        if (!protocol::isValidUserName(u)) {
            QTimer::singleShot(0, this, [this, job, u] {
                d->finishJob(job, u"bad_field"_s, u"invalid user name \"%1\""_s.arg(u));
            });
            return job->mid;
        }
    }
    if (Result<QByteArray> plain = Envelope::encodePlaintext(text); !plain) {
        const QString message = plain.error().message;
        QTimer::singleShot(0, this, [this, job, message] { d->finishJob(job, u"too_large"_s, message); });
        return job->mid;
    }
    if (d->state == State::Disconnected) {
        QTimer::singleShot(0, this, [this, job] { d->finishJob(job, u"disconnected"_s, u"not connected"_s); });
        return job->mid;
    }
    d->enqueue(job);
    return job->mid;
}

void Client::sendEnvelope(const Envelope &envelope)
{
    auto job = std::make_shared<SendJob>();
    job->mid = envelope.mid;
    job->to = envelope.to;
    job->prebuilt = true;
    job->frame = envelope.toFrame();
    if (d->state != State::LoggedIn) {
        QTimer::singleShot(0, this, [this, job] { d->finishJob(job, u"disconnected"_s, u"not logged in"_s); });
        return;
    }
    d->transmitJob(job);
}

void Client::resolveRecipients(const QStringList &users, QObject *context,
                               std::function<void(Result<QList<RecipientDevice>>)> done)
{
    auto job = std::make_shared<SendJob>();
    job->resolveOnly = true;
    job->to = protocol::normalisedRecipients(users);
    job->context = context;
    job->done = std::move(done);
    if (d->state == State::Disconnected) {
        QTimer::singleShot(0, this, [this, job] { d->finishJob(job, u"disconnected"_s, u"not connected"_s); });
        return;
    }
    d->enqueue(job);
}

Result<SenderIdentity> Client::identity() const
{
    if (d->self)
        return *d->self;
    const ProfileSettings &s = d->profile.settings();
    if (!s.isEnrolled())
        return makeError(ErrorCode::NotFound, u"the profile is not registered"_s);
    Result<crypto::EcKey> key = d->profile.keys().deviceKey();
    if (!key)
        return key.error();
    return SenderIdentity{s.user, s.device, s.rootPub, s.devicePub, key.value()};
}

qint64 Client::serverTimeMs() const { return nowMs() + d->clockOffsetMs; }

quint64 Client::sendFrame(const protocol::Frame &frame)
{
    protocol::Frame f = frame;
    if (f.id == 0 && protocol::requiresId(f.type))
        f.id = d->nextId++;
    else if (f.id >= d->nextId)
        d->nextId = f.id + 1;
    if (f.id != 0)
        d->rawRequests.insert(f.id);
    d->transmit(f);
    return f.id;
}

void Client::flushAcks() { d->flushAcks(); }

bool Client::prekeyUploadPending() const { return d->uploadInFlight; }

void Client::setReceiveEnabled(bool enabled) { d->receiveEnabled = enabled; }
bool Client::receiveEnabled() const { return d->receiveEnabled; }

} // namespace parley::sdk
