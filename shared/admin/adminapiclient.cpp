#include "adminapiclient.h"

#include "protocol/adminprotocol.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <map>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAdminClient, "parley.adminclient")

namespace parley {

namespace proto = protocol::admin;

namespace {

struct CodeName {
    AdminError error;
    QLatin1StringView code;
};

constexpr CodeName CodeNames[] = {
    {AdminError::BadRequest, proto::errors::BadRequest},
    {AdminError::UnknownCall, proto::errors::UnknownCall},
    {AdminError::Unauthorized, proto::errors::Unauthorized},
    {AdminError::TotpRequired, proto::errors::TotpRequired},
    {AdminError::LockedOut, proto::errors::LockedOut},
    {AdminError::PasswordChangeRequired, proto::errors::PasswordChangeRequired},
    {AdminError::Forbidden, proto::errors::Forbidden},
    {AdminError::NotFound, proto::errors::NotFound},
    {AdminError::Conflict, proto::errors::Conflict},
    {AdminError::InvalidArgument, proto::errors::InvalidArgument},
    {AdminError::Unavailable, proto::errors::Unavailable},
    {AdminError::Internal, proto::errors::Internal},
    {AdminError::Network, "network"_L1},
    {AdminError::Timeout, "timeout"_L1},
    {AdminError::Protocol, "protocol"_L1},
    {AdminError::Certificate, "certificate"_L1},
};

} // namespace

QString adminErrorCode(AdminError error)
{
    for (const CodeName &c : CodeNames) {
        if (c.error == error)
            return c.code;
    }
    return proto::errors::Internal;
}

AdminFailure AdminFailure::fromCode(const QString &code, const QString &message)
{
    for (const CodeName &c : CodeNames) {
        if (c.code == code && c.error < AdminError::Network)
            return AdminFailure{c.error, code, message};
    }
    return AdminFailure{AdminError::Internal, code, message};
}

AdminFailure AdminFailure::local(AdminError error, const QString &message)
{
    return AdminFailure{error, adminErrorCode(error), message};
}

bool AdminFailure::isLocal() const
{
    return error >= AdminError::Network;
}

struct AdminApiClient::Private {
    struct Pending {
        QPointer<const QObject> context;
        bool hasContext = false;
        Callback done;
        std::unique_ptr<QTimer> timer;
    };

    AdminApiClient *q = nullptr;
    std::unique_ptr<QWebSocket> socket;
    QString server;
    QString token;
    TlsPin pin;
    QSslCertificate clientCertificate;
    QSslKey clientKey;
    State state = State::Disconnected;
    int callTimeoutMs = DefaultCallTimeoutMs;
    int connectTimeoutMs = DefaultConnectTimeoutMs;
    quint64 nextId = 1;
    std::map<quint64, Pending> pending;     // ordered: the oldest request first
    QTimer connectTimer;

    // About the current connection attempt.
    std::optional<AdminFailure> refusal;     // the certificate was refused, or the attempt timed out
    std::optional<QSsl::AlertType> alert;
    bool serverCertificateSeen = false;
    QSslCertificate peer;
    QString closeReason;
    QString socketErrorText;   // the first socket error of the attempt ("Connection refused")

    void finish(quint64 id, const AdminReply &reply)
    {
        auto it = pending.find(id);
        if (it == pending.end())
            return;
        Pending p = std::move(it->second);
        pending.erase(it);
        if (p.timer)
            p.timer.release()->deleteLater();   // this may run in the timer's own timeout()
        if (p.hasContext && !p.context)
            return;
        if (!reply.ok() && reply.failure().error == AdminError::PasswordChangeRequired)
            Q_EMIT q->passwordChangeRequired();
        if (p.done)
            p.done(reply);
    }

    void failAll(const AdminFailure &failure)
    {
        while (!pending.empty())
            finish(pending.begin()->first, failure);
    }

    void onMessage(const QByteArray &data)
    {
        auto decoded = proto::decodeResponse(data);
        if (auto *bad = std::get_if<proto::DecodeError>(&decoded)) {
            qCWarning(lcAdminClient) << "malformed reply:" << bad->message;
            const quint64 id = bad->id != 0 ? bad->id : (pending.empty() ? 0 : pending.begin()->first);
            finish(id, AdminFailure::local(AdminError::Protocol, u"malformed reply: %1"_s.arg(bad->message)));
            return;
        }
        const proto::Response &response = std::get<proto::Response>(decoded);
        // A frame-level complaint that names no request: the oldest request takes it.
        const quint64 id = response.id != 0 ? response.id : (pending.empty() ? 0 : pending.begin()->first);
        if (response.ok())
            finish(id, response.result);
        else
            finish(id, AdminFailure::fromCode(response.error, response.message));
    }

    void refuse(const std::optional<TlsPinError> &pinError)
    {
        const QString message = pinError ? pinError->message
                                         : u"the server's certificate is not trusted and no fingerprint is pinned for it"_s;
        refusal = AdminFailure::local(AdminError::Certificate, message);
        Q_EMIT q->certificateRefused(peer, pinError);
    }

    void onSslErrors(const QList<QSslError> &errors)
    {
        const QList<QSslCertificate> chain = socket->sslConfiguration().peerCertificateChain();
        peer = chain.value(0);
        serverCertificateSeen = serverCertificateSeen || !peer.isNull();
        if (pin.isNull()) {
            refuse(std::nullopt);
            return;
        }
        if (auto verdict = pin.check(chain, errors)) {
            refuse(verdict);
            return;
        }
        socket->ignoreSslErrors(errors);
    }

    void onConnected()
    {
        connectTimer.stop();
        const QList<QSslCertificate> chain = socket->sslConfiguration().peerCertificateChain();
        peer = chain.value(0);
        // A pinned server must present the pinned certificate even when a trust store would accept another.
        if (!pin.isNull()) {
            if (auto verdict = pin.check(chain, {})) {
                refuse(verdict);
                socket->abort();
                return;
            }
        }
        state = State::Connected;
        Q_EMIT q->connected();
    }

    void onDisconnected()
    {
        connectTimer.stop();
        const State was = state;
        state = State::Disconnected;
        token.clear();
        QString reason = socket->closeReason();
        if (reason.isEmpty())
            reason = socketErrorText.isEmpty() ? socket->errorString() : socketErrorText;
        closeReason = reason;
        if (was == State::Connected) {
            const AdminFailure failure = AdminFailure::local(
                AdminError::Network, u"the server closed the connection: %1"_s.arg(reason));
            failAll(failure);
            Q_EMIT q->disconnected(failure);
            return;
        }
        const AdminFailure failure = refusal ? *refusal
                                             : AdminFailure::local(AdminError::Network,
                                                                   u"cannot reach the admin API at %1: %2"_s.arg(server, reason));
        failAll(failure);
        Q_EMIT q->connectionFailed(failure);
    }
};

AdminApiClient::AdminApiClient(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->connectTimer.setSingleShot(true);
    connect(&d->connectTimer, &QTimer::timeout, this, [this] {
        if (d->socket && d->state == State::Connecting) {
            d->refusal = AdminFailure::local(AdminError::Timeout,
                                             u"cannot reach the admin API at %1: timed out"_s.arg(d->server));
            d->socket->abort();
        }
    });
}

AdminApiClient::~AdminApiClient()
{
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

void AdminApiClient::setPin(const TlsPin &pin)
{
    d->pin = pin;
}

TlsPin AdminApiClient::pin() const
{
    return d->pin;
}

void AdminApiClient::setClientCertificate(const QSslCertificate &certificate, const QSslKey &key)
{
    d->clientCertificate = certificate;
    d->clientKey = certificate.isNull() ? QSslKey() : key;
}

QSslCertificate AdminApiClient::clientCertificate() const
{
    return d->clientCertificate;
}

void AdminApiClient::setConnectTimeout(int ms)
{
    d->connectTimeoutMs = ms;
}

void AdminApiClient::setCallTimeout(int ms)
{
    d->callTimeoutMs = ms;
}

int AdminApiClient::callTimeout() const
{
    return d->callTimeoutMs;
}

void AdminApiClient::connectToServer(const QString &server)
{
    disconnectFromServer();
    d->server = server.trimmed();
    d->refusal.reset();
    d->alert.reset();
    d->serverCertificateSeen = false;
    d->peer = QSslCertificate();
    d->closeReason.clear();
    d->socketErrorText.clear();
    const QUrl url(u"wss://%1/"_s.arg(d->server));
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0) {
        const AdminFailure failure = AdminFailure::local(
            AdminError::Network, u"the server address must look like HOST:PORT, not %1"_s.arg(d->server));
        QTimer::singleShot(0, this, [this, failure] { Q_EMIT connectionFailed(failure); });
        return;
    }
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
    connect(s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, s](QAbstractSocket::SocketError) {
        if (d->socketErrorText.isEmpty())
            d->socketErrorText = s->errorString();
    });
    connect(s, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { d->onMessage(data); });
    d->state = State::Connecting;
    d->connectTimer.start(d->connectTimeoutMs);
    s->open(url);
}

void AdminApiClient::disconnectFromServer()
{
    d->connectTimer.stop();
    if (d->socket) {
        std::unique_ptr<QWebSocket> old = std::move(d->socket);
        old->disconnect(this);
        old->abort();
        old.release()->deleteLater();
    }
    d->token.clear();
    d->state = State::Disconnected;
    d->failAll(AdminFailure::local(AdminError::Network, u"disconnected"_s));
}

AdminApiClient::State AdminApiClient::state() const
{
    return d->state;
}

QString AdminApiClient::server() const
{
    return d->server;
}

QSslCertificate AdminApiClient::peerCertificate() const
{
    return d->peer;
}

std::optional<QSsl::AlertType> AdminApiClient::fatalAlert() const
{
    return d->alert;
}

bool AdminApiClient::serverCertificateSeen() const
{
    return d->serverCertificateSeen || !d->peer.isNull()
           || (d->socket && !d->socket->sslConfiguration().peerCertificate().isNull());
}

QAbstractSocket::SocketError AdminApiClient::socketError() const
{
    return d->socket ? d->socket->error() : QAbstractSocket::UnknownSocketError;
}

QString AdminApiClient::closeReason() const
{
    return d->closeReason;
}

void AdminApiClient::setToken(const QString &token)
{
    d->token = token;
}

QString AdminApiClient::token() const
{
    return d->token;
}

void AdminApiClient::call(const QString &name, const QCborMap &args, const QObject *context, Callback done)
{
    const quint64 id = d->nextId++;
    Private::Pending p;
    p.context = context;
    p.hasContext = context != nullptr;
    p.done = std::move(done);
    if (d->state != State::Connected || !d->socket) {
        d->pending.emplace(id, std::move(p));
        QTimer::singleShot(0, this, [this, id] {
            d->finish(id, AdminFailure::local(AdminError::Network, u"not connected"_s));
        });
        return;
    }
    p.timer = std::make_unique<QTimer>();
    p.timer->setSingleShot(true);
    connect(p.timer.get(), &QTimer::timeout, this, [this, id] {
        d->finish(id, AdminFailure::local(AdminError::Timeout,
                                          u"no reply within %1 seconds"_s.arg(d->callTimeoutMs / 1000)));
    });
    p.timer->start(d->callTimeoutMs);
    d->pending.emplace(id, std::move(p));
    proto::Request request;
    request.id = id;
    request.call = name;
    request.token = d->token;
    request.args = args;
    d->socket->sendBinaryMessage(proto::encodeRequest(request));
}

} // namespace parley
