#include "adminclient.h"

#include "admin/adminapiclient.h"
#include "net/tlspin.h"
#include "protocol/adminprotocol.h"

#include <QLocale>
#include <QSettings>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>

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
    AdminClient *q = nullptr;
    AdminApiClient api;
    QString peerFingerprint;
    bool refused = false;
    QString refusalText;   // why a certificate with the pinned fingerprint was refused

    static QString fingerprintOf(const QSslCertificate &cert)
    {
        return cert.isNull() ? QString() : TlsPin::of(cert).toHex();
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

    void onCertificateRefused(const QSslCertificate &presented, const std::optional<TlsPinError> &pinError)
    {
        refused = true;
        peerFingerprint = fingerprintOf(presented);
        if (!pinError)
            Q_EMIT q->certificateUnknown(peerFingerprint);
        else if (pinError->failure == TlsPinFailure::Mismatch || pinError->failure == TlsPinFailure::NoCertificate)
            Q_EMIT q->certificateChanged(CertificatePins::pinned(api.server()), peerFingerprint);
        else
            refusalText = pinRefusal(*pinError, presented);
    }

    // Why the server ended the connection attempt, when that was about the client certificate; empty otherwise.
    // Servers that send a TLS alert say "certificate required" (TLS 1.3) or "handshake failure" (TLS 1.2) for a
    // missing certificate, and "unknown CA", "bad certificate" or the like for one they do not trust. parleyd sends
    // none: it closes the connection, after the client's side of the TLS handshake (TLS 1.3) or during it (TLS 1.2),
    // before the WebSocket upgrade is answered; nothing else closes an admin connection at that point.
    QString clientCertificateRefusal() const
    {
        const std::optional<QSsl::AlertType> alert = api.fatalAlert();
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
        } else if (api.socketError() != QAbstractSocket::RemoteHostClosedError) {
            return {};
        }
        const bool handshakeReached = certificateProblem || api.serverCertificateSeen();
        if (api.clientCertificate().isNull()) {
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

    void onConnectionFailed(const AdminFailure &failure)
    {
        QString reason = api.closeReason();
        if (refused && !refusalText.isEmpty())
            reason = refusalText;
        else if (refused)
            reason = AdminClient::tr("The server's certificate was not accepted.");
        else if (const QString certificateRefusal = clientCertificateRefusal(); !certificateRefusal.isEmpty())
            reason = certificateRefusal;
        else if (reason.isEmpty())
            reason = failure.message;
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
    d->api.setConnectTimeout(ConnectTimeoutMs);
    d->api.setCallTimeout(DefaultTimeoutMs);
    connect(&d->api, &AdminApiClient::connected, this, [this] {
        d->peerFingerprint = Private::fingerprintOf(d->api.peerCertificate());
        Q_EMIT connected();
    });
    connect(&d->api, &AdminApiClient::connectionFailed, this, [this](const AdminFailure &f) { d->onConnectionFailed(f); });
    connect(&d->api, &AdminApiClient::disconnected, this, [this](const AdminFailure &) {
        Q_EMIT disconnected(d->api.closeReason());
    });
    connect(&d->api, &AdminApiClient::certificateRefused, this,
            [this](const QSslCertificate &presented, const std::optional<TlsPinError> &error) {
                d->onCertificateRefused(presented, error);
            });
    connect(&d->api, &AdminApiClient::passwordChangeRequired, this,
            [this] { Q_EMIT sessionProblem(proto::errors::PasswordChangeRequired); });
}

AdminClient::~AdminClient() = default;

void AdminClient::connectToServer(const QString &server)
{
    d->api.disconnectFromServer();
    d->refused = false;
    d->refusalText.clear();
    d->peerFingerprint.clear();
    const QString address = server.trimmed();
    const QUrl url(u"wss://%1/"_s.arg(address));
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0) {
        QTimer::singleShot(0, this, [this] {
            Q_EMIT disconnected(tr("The server address must look like host:port, for example admin.example.com:8444."));
        });
        return;
    }
    // A certificate the system trust store accepts is used as is unless a fingerprint is pinned for the server.
    d->api.setPin(TlsPin::fromString(CertificatePins::pinned(address)));
    d->api.connectToServer(address);
}

void AdminClient::setClientCertificate(const QSslCertificate &certificate, const QSslKey &key)
{
    d->api.setClientCertificate(certificate, key);
}

void AdminClient::clearClientCertificate()
{
    d->api.setClientCertificate(QSslCertificate(), QSslKey());
}

bool AdminClient::hasClientCertificate() const
{
    return !d->api.clientCertificate().isNull();
}

void AdminClient::disconnectFromServer()
{
    d->api.disconnectFromServer();
}

AdminClient::State AdminClient::state() const
{
    switch (d->api.state()) {
    case AdminApiClient::State::Connected:
        return State::Connected;
    case AdminApiClient::State::Connecting:
        return State::Connecting;
    case AdminApiClient::State::Disconnected:
        break;
    }
    return State::Disconnected;
}

QString AdminClient::server() const
{
    return d->api.server();
}

QString AdminClient::peerFingerprint() const
{
    return d->peerFingerprint;
}

void AdminClient::setToken(const QString &token)
{
    d->api.setToken(token);
}

QString AdminClient::token() const
{
    return d->api.token();
}

void AdminClient::setTimeout(int ms)
{
    d->api.setCallTimeout(ms);
}

void AdminClient::call(const QString &name, const QCborMap &args, QObject *context, Callback done)
{
    d->api.call(name, args, context, [done = std::move(done)](const AdminReply &reply) {
        if (!done)
            return;
        if (reply.ok())
            return done(Reply{true, {}, {}, reply.result()});
        const AdminFailure &f = reply.failure();
        // A timeout has nothing to add to describeError()'s sentence.
        done(Reply{false, f.code, f.error == AdminError::Timeout ? QString() : f.message, {}});
    });
}

void AdminClient::call(const QString &name, const QCborMap &args, QObject *context, Callback done, int timeoutMs)
{
    // The limit is taken when the call is sent: the usual one applies again to the next call.
    const int usual = d->api.callTimeout();
    d->api.setCallTimeout(timeoutMs);
    call(name, args, context, std::move(done));
    d->api.setCallTimeout(usual);
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
    return parley::formatFingerprint(parseFingerprint(hex));
}

} // namespace parley::admin
