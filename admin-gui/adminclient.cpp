#include "adminclient.h"

#include "net/tlspin.h"
#include "protocol/adminprotocol.h"

#include <QCryptographicHash>
#include <QHash>
#include <QLocale>
#include <QPointer>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <optional>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace proto = protocol::admin;

namespace {

constexpr int DefaultTimeoutMs = 30000;
constexpr int ConnectTimeoutMs = 15000;

QString settingsKey(const QString &server)
{
    // QSettings treats '/' and '\' specially; a HOST:PORT has neither, but keep the key plain anyway.
    QString key = server;
    key.replace(u'/', u'_').replace(u'\\', u'_');
    return u"pins/"_s + key;
}

} // namespace

namespace CertificatePins {
QString pinned(const QString &server)
{
    return QSettings().value(settingsKey(server)).toString();
}
void pin(const QString &server, const QString &fingerprint)
{
    QSettings().setValue(settingsKey(server), fingerprint);
}
void forget(const QString &server)
{
    QSettings().remove(settingsKey(server));
}
} // namespace CertificatePins

struct AdminClient::Private {
    struct Pending {
        QPointer<QObject> context;
        bool hasContext = false;
        Callback done;
        QTimer *timer = nullptr;
    };

    AdminClient *q = nullptr;
    std::unique_ptr<QWebSocket> socket;
    QString server;
    QString token;
    QString peerFingerprint;
    State state = State::Disconnected;
    int timeoutMs = DefaultTimeoutMs;
    quint64 nextId = 1;
    QHash<quint64, Pending> pending;
    QTimer connectTimer;
    bool refused = false;
    QString refusalText;   // why a certificate with the pinned fingerprint was refused
    QSslCertificate clientCertificate;
    QSslKey clientKey;
    // The TLS alert the server sent during this connection attempt, if any.
    std::optional<QSsl::AlertType> alert;
    // The server's certificate was seen during this connection attempt: the TLS handshake got that far.
    bool serverCertificateSeen = false;

    static QString fingerprintOf(const QSslCertificate &cert)
    {
        return cert.isNull() ? QString() : QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex());
    }

    void finish(quint64 id, const Reply &reply)
    {
        auto it = pending.find(id);
        if (it == pending.end())
            return;
        Pending p = std::move(it.value());
        pending.erase(it);
        if (p.timer)
            p.timer->deleteLater();
        if (p.hasContext && !p.context)
            return;
        if (!reply.ok && (reply.error == proto::errors::PasswordChangeRequired))
            Q_EMIT q->sessionProblem(reply.error);
        if (p.done)
            p.done(reply);
    }

    void failAll(const QString &code, const QString &message)
    {
        const QList<quint64> ids = pending.keys();
        for (const quint64 id : ids)
            finish(id, Reply{false, code, message, {}});
    }

    void onMessage(const QByteArray &data)
    {
        auto decoded = proto::decodeResponse(data);
        if (auto *bad = std::get_if<proto::DecodeError>(&decoded)) {
            if (bad->id != 0)
                finish(bad->id, Reply{false, u"protocol"_s, bad->message, {}});
            return;
        }
        const proto::Response &response = std::get<proto::Response>(decoded);
        if (response.id == 0) {
            // A frame-level complaint that names no request: the oldest request takes it.
            if (!pending.isEmpty())
                finish(pending.keys().first(), Reply{false, response.error, response.message, {}});
            return;
        }
        finish(response.id, Reply{response.ok(), response.error, response.message, response.result});
    }

    // The server's certificate refused although its fingerprint is the pinned one (expired, not yet valid, or
    // refused for another reason than being self-signed), in words for the administrator.
    static QString pinRefusal(const TlsPinError &error, const QSslCertificate &leaf)
    {
        const QLocale locale;
        switch (error.failure) {
        case TlsPinFailure::Expired:
            return AdminClient::tr("The server's certificate expired on %1 (valid from %2). Install a new "
                                   "certificate on the server.")
                .arg(locale.toString(leaf.expiryDate().toLocalTime(), QLocale::LongFormat),
                     locale.toString(leaf.effectiveDate().toLocalTime(), QLocale::LongFormat));
        case TlsPinFailure::NotYetValid:
            return AdminClient::tr("The server's certificate is valid only from %1 (until %2). Check the clocks "
                                   "of this computer and of the server.")
                .arg(locale.toString(leaf.effectiveDate().toLocalTime(), QLocale::LongFormat),
                     locale.toString(leaf.expiryDate().toLocalTime(), QLocale::LongFormat));
        default:
            return AdminClient::tr("The server's certificate was not accepted: %1").arg(error.message);
        }
    }

    void onSslErrors(const QList<QSslError> &errors)
    {
        const QList<QSslCertificate> chain = socket->sslConfiguration().peerCertificateChain();
        const QString presented = fingerprintOf(chain.value(0));
        serverCertificateSeen = serverCertificateSeen || !presented.isEmpty();
        const TlsPin pin = TlsPin::fromString(CertificatePins::pinned(server));
        refused = true;
        peerFingerprint = presented;
        if (pin.isNull()) {
            Q_EMIT q->certificateUnknown(presented);
            return;
        }
        const auto verdict = pin.check(chain, errors);
        if (!verdict) {
            refused = false;
            socket->ignoreSslErrors(errors);
        } else if (verdict->failure == TlsPinFailure::Mismatch || verdict->failure == TlsPinFailure::NoCertificate) {
            Q_EMIT q->certificateChanged(pin.toHex(), presented);
        } else {
            refusalText = pinRefusal(*verdict, chain.value(0));
        }
    }

    void onConnected()
    {
        connectTimer.stop();
        peerFingerprint = fingerprintOf(socket->sslConfiguration().peerCertificate());
        // A pinned server must present the pinned certificate even when a trust store would accept another.
        const QString pinned = CertificatePins::pinned(server);
        if (!pinned.isEmpty() && !TlsPin::fromString(pinned).matches(socket->sslConfiguration().peerCertificate())) {
            refused = true;
            Q_EMIT q->certificateChanged(pinned, peerFingerprint);
            socket->abort();
            return;
        }
        state = State::Connected;
        Q_EMIT q->connected();
    }

    // Why the server ended the connection attempt, when that was about the client certificate; empty otherwise.
    // Servers that send a TLS alert say "certificate required" (TLS 1.3) or "handshake failure" (TLS 1.2) for a
    // missing certificate, and "unknown CA", "bad certificate" or the like for one they do not trust. parleyd sends
    // none: it closes the connection, after the client's side of the TLS handshake (TLS 1.3) or during it (TLS 1.2),
    // before the WebSocket upgrade is answered; nothing else closes an admin connection at that point.
    QString clientCertificateRefusal() const
    {
        if (state != State::Connecting)
            return {};
        bool certificateProblem = false;
        if (alert) {
            switch (*alert) {
            case QSsl::AlertType::CertificateRequired:
            case QSsl::AlertType::HandshakeFailure:
            case QSsl::AlertType::BadCertificate:
            case QSsl::AlertType::UnsupportedCertificate:
            case QSsl::AlertType::CertificateRevoked:
            case QSsl::AlertType::CertificateExpired:
            case QSsl::AlertType::CertificateUnknown:
            case QSsl::AlertType::UnknownCa:
            case QSsl::AlertType::AccessDenied:
            case QSsl::AlertType::DecryptError:
                certificateProblem = true;
                break;
            default:
                return {};
            }
        } else if (socket->error() != QAbstractSocket::RemoteHostClosedError) {
            return {};
        }
        const bool handshakeReached = certificateProblem || serverCertificateSeen
                                      || !socket->sslConfiguration().peerCertificate().isNull();
        if (clientCertificate.isNull()) {
            if (handshakeReached)
                return AdminClient::tr("This server requires a client certificate. Choose your certificate and its "
                                       "key under \"Client certificate\" and connect again.");
            return AdminClient::tr("The server closed the connection before the login could start. If it requires "
                                   "a client certificate, choose yours under \"Client certificate\" and connect again.");
        }
        if (alert == QSsl::AlertType::CertificateExpired)
            return AdminClient::tr("The server refused the client certificate: it has expired.");
        if (alert == QSsl::AlertType::CertificateRevoked)
            return AdminClient::tr("The server refused the client certificate: it has been revoked.");
        return AdminClient::tr("The server refused the client certificate. It must be issued by the certificate "
                               "authority the server trusts for administrators (client_ca).");
    }

    void onDisconnected()
    {
        connectTimer.stop();
        const bool wasRefused = refused;
        const QString certificateRefusal = clientCertificateRefusal();
        QString reason = socket->closeReason();
        if (reason.isEmpty())
            reason = socket->errorString();
        state = State::Disconnected;
        token.clear();
        failAll(u"network"_s, reason);
        if (wasRefused && !refusalText.isEmpty())
            reason = refusalText;
        else if (wasRefused)
            reason = AdminClient::tr("The server's certificate was not accepted.");
        else if (!certificateRefusal.isEmpty())
            reason = certificateRefusal;
        Q_EMIT q->disconnected(reason);
    }
};

QString AdminClient::Reply::text() const
{
    return AdminClient::describeError(error, message);
}

AdminClient::AdminClient(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->connectTimer.setSingleShot(true);
    connect(&d->connectTimer, &QTimer::timeout, this, [this] {
        if (d->socket && d->state == State::Connecting)
            d->socket->abort();
    });
}

AdminClient::~AdminClient()
{
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

void AdminClient::connectToServer(const QString &server)
{
    disconnectFromServer();
    d->server = server.trimmed();
    d->refused = false;
    d->refusalText.clear();
    d->alert.reset();
    d->serverCertificateSeen = false;
    d->peerFingerprint.clear();
    d->socket = std::make_unique<QWebSocket>(QString(), QWebSocketProtocol::VersionLatest);
    QWebSocket *s = d->socket.get();
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!d->clientCertificate.isNull()) {
        tls.setLocalCertificate(d->clientCertificate);
        tls.setPrivateKey(d->clientKey);
    }
    s->setSslConfiguration(tls);
    s->setMaxAllowedIncomingMessageSize(quint64(proto::MaxResponseBytes));
    connect(s, &QWebSocket::connected, this, [this] { d->onConnected(); });
    connect(s, &QWebSocket::disconnected, this, [this] { d->onDisconnected(); });
    connect(s, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) { d->onSslErrors(errors); });
    connect(s, &QWebSocket::alertReceived, this, [this](QSsl::AlertLevel level, QSsl::AlertType type, const QString &) {
        if (level == QSsl::AlertLevel::Fatal && !d->alert)
            d->alert = type;
    });
    connect(s, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { d->onMessage(data); });
    const QUrl url(u"wss://%1/"_s.arg(d->server));
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0) {
        d->state = State::Disconnected;
        QTimer::singleShot(0, this, [this] {
            Q_EMIT disconnected(tr("The server address must look like host:port, for example admin.example.com:8444."));
        });
        d->socket.reset();
        return;
    }
    d->state = State::Connecting;
    d->connectTimer.start(ConnectTimeoutMs);
    s->open(url);
}

void AdminClient::setClientCertificate(const QSslCertificate &certificate, const QSslKey &key)
{
    d->clientCertificate = certificate;
    d->clientKey = certificate.isNull() ? QSslKey() : key;
}

void AdminClient::clearClientCertificate()
{
    d->clientCertificate = QSslCertificate();
    d->clientKey = QSslKey();
}

bool AdminClient::hasClientCertificate() const
{
    return !d->clientCertificate.isNull();
}

void AdminClient::disconnectFromServer()
{
    d->connectTimer.stop();
    if (d->socket) {
        std::unique_ptr<QWebSocket> old = std::move(d->socket);
        old->disconnect(this);
        old->abort();
        old.release()->deleteLater();
    }
    d->token.clear();
    d->failAll(u"network"_s, tr("disconnected"));
    d->state = State::Disconnected;
}

AdminClient::State AdminClient::state() const
{
    return d->state;
}

QString AdminClient::server() const
{
    return d->server;
}

QString AdminClient::peerFingerprint() const
{
    return d->peerFingerprint;
}

void AdminClient::setToken(const QString &token)
{
    d->token = token;
}

QString AdminClient::token() const
{
    return d->token;
}

void AdminClient::setTimeout(int ms)
{
    d->timeoutMs = ms;
}

void AdminClient::call(const QString &name, const QCborMap &args, QObject *context, Callback done)
{
    const quint64 id = d->nextId++;
    Private::Pending p;
    p.context = context;
    p.hasContext = context != nullptr;
    p.done = std::move(done);
    if (d->state != State::Connected || !d->socket) {
        d->pending.insert(id, std::move(p));
        QTimer::singleShot(0, this, [this, id] { d->finish(id, Reply{false, u"network"_s, tr("not connected"), {}}); });
        return;
    }
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id] {
        d->finish(id, Reply{false, u"timeout"_s, {}, {}});
    });
    p.timer->start(d->timeoutMs);
    d->pending.insert(id, std::move(p));
    proto::Request request;
    request.id = id;
    request.call = name;
    request.token = d->token;
    request.args = args;
    d->socket->sendBinaryMessage(proto::encodeRequest(request));
}

QString AdminClient::describeError(const QString &code, const QString &message)
{
    QString text;
    if (code == u"network"_s)
        text = tr("The connection to the server was lost.");
    else if (code == u"timeout"_s)
        text = tr("The server did not answer in time. Please try again.");
    else if (code == u"protocol"_s)
        text = tr("The server sent an answer this app does not understand.");
    else if (code == proto::errors::Unauthorized)
        text = tr("Wrong name or password, or your session has expired.");
    else if (code == proto::errors::TotpRequired)
        text = tr("This account needs a one-time code from your authenticator app.");
    else if (code == proto::errors::LockedOut)
        text = tr("Too many failed attempts; the account is locked for a while.");
    else if (code == proto::errors::PasswordChangeRequired)
        text = tr("You must choose a new password first.");
    else if (code == proto::errors::Forbidden)
        text = tr("You are not allowed to do this.");
    else if (code == proto::errors::NotFound)
        text = tr("It does not exist (any more).");
    else if (code == proto::errors::Conflict)
        text = tr("It already exists or conflicts with the current state.");
    else if (code == proto::errors::InvalidArgument || code == proto::errors::BadRequest)
        text = tr("The server refused the input.");
    else if (code == proto::errors::Unavailable)
        text = tr("The server cannot do this right now.");
    else if (code == proto::errors::UnknownCall)
        text = tr("The server does not support this function.");
    else
        text = tr("The server reported an internal error.");
    if (!message.isEmpty() && code != proto::errors::Internal)
        text += u' ' + tr("(Details: %1)").arg(message);
    return text;
}

QString AdminClient::formatFingerprint(const QString &hex)
{
    QStringList parts;
    for (qsizetype i = 0; i < hex.size(); i += 2)
        parts << hex.mid(i, 2).toUpper();
    return parts.join(u':');
}

} // namespace parley::admin
