#include "sso/ssoserver.h"

#include "protocol/frame.h"
#include "push/pushconfig.h"
#include "relay/tlscontext.h"
#include "relay/tlslistener.h"
#include "relay/tlsserversocket.h"
#include "sso/browserrequest.h"
#include "sso/idtoken.h"
#include "sso/oidcclient.h"
#include "sso/pendinglogins.h"
#include "sso/ssolog.h"
#include "sso/ssopages.h"
#include "store/adminstore.h"
#include "store/ssostore.h"
#include "store/store.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>
#include <QSet>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int HandshakeTimeoutMs = 10000;     // TLS handshake and the request head together
constexpr int AnswerTimeoutMs = 30000;        // from the request head to the answer (the provider's round trips)
constexpr int MaxConnections = 64;
constexpr qsizetype MaxHeadBytes = 8192;
constexpr qint64 LoginLifetimeMs = 10 * 60 * 1000;
constexpr int MaxPendingLogins = 10000;
constexpr int MaxPendingPerAddress = 32;
constexpr int ClockSkewSeconds = 60;
const QByteArray CookieName = QByteArrayLiteral("parley_sso");
const QString AuditActor = u"sso"_s;
const QString AuditAction = u"sso.enroll"_s;

QByteArray bindingCookie(const QByteArray &value, int maxAgeSeconds)
{
    return CookieName + '=' + value + "; Path=/sso/; Max-Age=" + QByteArray::number(maxAgeSeconds)
        + "; Secure; HttpOnly; SameSite=Lax";
}

QByteArray percent(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

// The authorization request (OIDC Core 3.1.2.1, RFC 7636 4.3), added to any query the endpoint already has.
QUrl authorizationUrl(const QUrl &endpoint, const SsoConfig &config, const QUrl &redirectUri,
                      const PendingLogins::Login &login)
{
    QByteArray query = endpoint.query(QUrl::FullyEncoded).toLatin1();
    const QList<std::pair<const char *, QString>> params = {
        {"response_type", u"code"_s},
        {"client_id", config.clientId},
        {"redirect_uri", redirectUri.toString(QUrl::FullyEncoded)},
        {"scope", config.scopes()},
        {"state", login.state},
        {"nonce", login.nonce},
        {"code_challenge", login.challenge()},
        {"code_challenge_method", u"S256"_s},
    };
    for (const auto &[name, value] : params) {
        if (!query.isEmpty())
            query += '&';
        query += QByteArray(name) + '=' + percent(value);
    }
    QUrl url = endpoint;
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

// The Parley user name a claim of the ID token names: the claim's text (for "email", the local part of a verified
// address), in lower case, under the user-name rules, and not a name reserved for bots.
Result<QString> userNameFrom(const QJsonObject &claims, const QString &claim)
{
    const QJsonValue value = claims.value(claim);
    if (!value.isString() || value.toString().isEmpty())
        return makeError(ErrorCode::NotFound, u"the ID token has no %1 claim"_s.arg(claim));
    QString name = value.toString();
    if (claim == u"email"_s) {
        if (claims.value("email_verified"_L1) != QJsonValue(true))
            return makeError(ErrorCode::Forbidden, u"the provider does not say the email address is verified"_s);
        const qsizetype at = name.lastIndexOf(u'@');
        if (at <= 0)
            return makeError(ErrorCode::InvalidArgument, u"the email claim is not an address"_s);
        name.truncate(at);
    }
    QString lower;
    lower.reserve(name.size());
    for (const QChar c : name)
        lower.append(c.unicode() >= u'A' && c.unicode() <= u'Z' ? QChar(c.unicode() + 32) : c);
    if (!protocol::isValidUserName(lower))
        return makeError(ErrorCode::InvalidArgument, u"the %1 claim is not a valid Parley user name"_s.arg(claim));
    // A person's sign-in never gets a code for a bot, not even a bot whose device has not enrolled yet.
    if (protocol::isBotName(lower))
        return makeError(ErrorCode::Forbidden, u"the %1 claim names a bot (names ending in .bot are bots')"_s.arg(claim));
    return lower;
}

// What the store made of a sign-in.
struct Issued {
    enum class Outcome { Code, UnknownUser, Suspended, OtherAccount } outcome = Outcome::Code;
    QString code;
    qint64 expiresAt = 0;
};

} // namespace

struct SsoServer::Private {
    Private(SsoServer *server, SsoConfig c, SsoHost h)
        : q(server), config(std::move(c)), host(std::move(h)),
          pending(LoginLifetimeMs, MaxPendingLogins, MaxPendingPerAddress)
    {
        clock.start();
        prune.setInterval(60 * 1000);
        QObject::connect(&prune, &QTimer::timeout, q, [this] { pending.prune(clock.elapsed()); });
    }

    SsoServer *q;
    SsoConfig config;
    SsoHost host;
    std::unique_ptr<OidcClient> client;
    std::shared_ptr<TlsContext> tls;
    std::unique_ptr<TlsListener> listener;
    PendingLogins pending;
    QElapsedTimer clock;
    QTimer prune;
    QHash<TlsServerSocket *, QByteArray> heads;     // connections whose request head is still arriving
    QSet<TlsServerSocket *> open;
    quint16 port = 0;

    QUrl redirectUri() const { return config.redirectUri(port); }

    void onEncrypted(TlsServerSocket *socket)
    {
        if (open.size() >= MaxConnections) {
            socket->abort();
            return;
        }
        open.insert(socket);
        heads.insert(socket, {});
        QObject::connect(socket, &QObject::destroyed, q, [this, socket] {
            open.remove(socket);
            heads.remove(socket);
        });
        QObject::connect(socket, &QIODevice::readyRead, q, [this, socket] { onReadable(socket); });
        onReadable(socket);
    }

    void onReadable(TlsServerSocket *socket)
    {
        const auto it = heads.find(socket);
        if (it == heads.end()) {
            socket->readAll();    // after the head: nothing more is read
            return;
        }
        it->append(socket->read(MaxHeadBytes + 4 - it->size()));
        const qsizetype end = it->indexOf("\r\n\r\n");
        if (end < 0) {
            if (it->size() >= MaxHeadBytes)
                answer(socket, ssopages::refusal(431, u"The request is too large."_s));
            return;
        }
        const QByteArray head = it->left(end + 4);
        heads.erase(it);
        // The handshake deadline covered the head; the answer has a deadline of its own (the provider's round trips).
        if (auto *timer = socket->findChild<QTimer *>(u"handshakeTimer"_s))
            timer->stop();
        auto *deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        QObject::connect(deadline, &QTimer::timeout, socket, [socket] { socket->abort(); });
        deadline->start(AnswerTimeoutMs);
        handle(socket, BrowserRequest::parse(head));
    }

    void answer(QPointer<TlsServerSocket> socket, const BrowserResponse &response)
    {
        if (!socket)
            return;
        heads.remove(socket.data());
        socket->write(response.serialize());
        socket->disconnectFromHost();
    }

    void handle(TlsServerSocket *socket, const BrowserRequest &request)
    {
        if (!request.ok())
            return answer(socket, ssopages::refusal(request.refusal, u"The request could not be read."_s));
        const bool start = request.path == "/sso/start";
        const bool callback = request.path == "/sso/callback";
        if (!start && !callback)
            return answer(socket, ssopages::refusal(404, u"There is no such page. Sign in at /sso/start."_s));
        if (request.method != "GET") {
            BrowserResponse r = ssopages::refusal(405, u"Only GET is answered here."_s);
            r.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET")});
            return answer(socket, r);
        }
        if (start)
            return handleStart(socket);
        handleCallback(socket, request);
    }

    void handleStart(QPointer<TlsServerSocket> socket)
    {
        const QHostAddress peer = socket->peerAddress();
        client->metadata([this, socket, peer](Result<ProviderMetadata> metadata) {
            if (!socket)
                return;
            if (!metadata)
                return answer(socket, ssopages::refusal(502, u"The identity provider cannot be reached at the moment. "
                                                              u"Try again in a few minutes."_s));
            auto started = pending.start(peer, clock.elapsed());
            if (!started) {
                qCWarning(lcSso) << "A sign-in was refused: too many are under way";
                return answer(socket, ssopages::refusal(503, u"Too many sign-ins are under way. Try again in a few "
                                                              u"minutes."_s));
            }
            const QUrl to = authorizationUrl(metadata->authorizationEndpoint, config, redirectUri(), started->login);
            answer(socket, ssopages::redirect(to, bindingCookie(started->cookie, int(LoginLifetimeMs / 1000))));
        });
    }

    // A refusal of the callback: the page, the binding cookie cleared, and the reason in the log (never who).
    void refuse(QPointer<TlsServerSocket> socket, int status, const QString &page, const QString &why)
    {
        qCInfo(lcSso).noquote() << "A sign-in was refused:" << why;
        BrowserResponse r = ssopages::refusal(status, page);
        r.headers.append({QByteArrayLiteral("Set-Cookie"), bindingCookie({}, 0)});
        answer(socket, r);
    }

    void handleCallback(QPointer<TlsServerSocket> socket, const BrowserRequest &request)
    {
        const auto params = BrowserRequest::queryParameters(request.query);
        if (!params)
            return refuse(socket, 400, u"The answer of the identity provider could not be read. Start again at /sso/start."_s,
                          u"a malformed callback query"_s);
        const QString state = params->value(u"state"_s);
        if (state.isEmpty())
            return refuse(socket, 400, u"This page takes the answer of the identity provider. Sign in at /sso/start."_s,
                          u"a callback without state"_s);
        const auto login = pending.take(state, clock.elapsed());
        if (!login)
            return refuse(socket, 400, u"This sign-in has expired or was already used. Start again at /sso/start."_s,
                          u"an unknown, used or expired state"_s);
        if (!PendingLogins::boundTo(*login, BrowserRequest::cookieValue(request.cookie, CookieName)))
            return refuse(socket, 400, u"This sign-in was started in another browser. Start again at /sso/start in "
                                       u"this one."_s,
                          u"the state is not bound to this browser"_s);
        if (params->contains(u"error"_s))
            return refuse(socket, 403, u"The identity provider did not sign you in. Start again at /sso/start."_s,
                          u"the provider answered with an error"_s);
        const QString code = params->value(u"code"_s);
        if (code.isEmpty())
            return refuse(socket, 400, u"The answer of the identity provider has no code. Start again at /sso/start."_s,
                          u"a callback without code"_s);
        const std::optional<QString> iss = params->contains(u"iss"_s) ? std::optional(params->value(u"iss"_s)) : std::nullopt;
        client->metadata([this, socket, login = *login, code, iss](Result<ProviderMetadata> metadata) {
            if (!socket)
                return;
            if (!metadata)
                return refuse(socket, 502, u"The identity provider cannot be reached at the moment. Try again in a few "
                                           u"minutes."_s,
                              metadata.error().message);
            // RFC 9207: the answer names its issuer (a mix-up of providers is caught before the code goes anywhere).
            if ((iss && *iss != config.issuer) || (!iss && metadata->issParameter))
                return refuse(socket, 400, u"The answer did not come from the configured identity provider. Start again "
                                           u"at /sso/start."_s,
                              u"the authorization response's issuer is not the configured one"_s);
            client->exchangeCode(*metadata, code, login.verifier, redirectUri(),
                                 [this, socket, login](Result<QByteArray> idToken) {
                if (!socket)
                    return;
                if (!idToken)
                    return refuse(socket, 502, u"The identity provider did not confirm the sign-in. Start again at "
                                               u"/sso/start."_s,
                                  idToken.error().message);
                checkToken(socket, login, *idToken);
            });
        });
    }

    void checkToken(QPointer<TlsServerSocket> socket, const PendingLogins::Login &login, const QByteArray &compact)
    {
        auto token = IdToken::parse(compact);
        if (!token)
            return refuse(socket, 403, u"The identity provider's answer was not accepted. Start again at /sso/start."_s,
                          token.error().message);
        // The cached key set first; a key it lacks makes it fetch the set again, once (a rotation at the provider).
        client->keys(std::nullopt, [this, socket, login, token = *token](Result<KeySet> keys) {
            if (!socket)
                return;
            if (keys) {
                const Status verified = token.verify(*keys);
                if (verified || verified.error().code != ErrorCode::NotFound)
                    return validate(socket, login, token, *keys);
            }
            client->keys(token.keyId(), [this, socket, login, token](Result<KeySet> fresh) {
                if (!socket)
                    return;
                if (!fresh)
                    return refuse(socket, 502, u"The identity provider's keys cannot be read at the moment. Try again in "
                                               u"a few minutes."_s,
                                  fresh.error().message);
                validate(socket, login, token, *fresh);
            });
        });
    }

    void validate(QPointer<TlsServerSocket> socket, const PendingLogins::Login &login, const IdToken &token,
                  const KeySet &keys)
    {
        if (Status s = token.verify(keys); !s)
            return refuse(socket, 403, u"The identity provider's answer was not accepted. Start again at /sso/start."_s,
                          s.error().message);
        IdTokenExpectations expect;
        expect.issuer = config.issuer;
        expect.clientId = config.clientId;
        expect.nonce = login.nonce;
        expect.now = QDateTime::currentSecsSinceEpoch();
        expect.skewSeconds = ClockSkewSeconds;
        expect.maxAgeSeconds = int(LoginLifetimeMs / 1000);
        auto claims = token.validate(expect);
        if (!claims)
            return refuse(socket, 403, u"The identity provider's answer was not accepted. Start again at /sso/start."_s,
                          claims.error().message);
        auto name = userNameFrom(*claims, config.usernameClaim);
        if (!name)
            return refuse(socket, 403, u"Your account at the identity provider does not name a Parley user. Ask your "
                                       u"administrator."_s,
                          name.error().message);
        issue(socket, *name, claims->value("sub"_L1).toString());
    }

    // The enrollment code, through the existing code path, with its audit record in the same transaction. The user
    // name is linked to the provider's account (issuer and subject) by its first code; a later sign-in for the name
    // from another account, or from this account for another name, gets none.
    void issue(QPointer<TlsServerSocket> socket, const QString &user, const QString &subject)
    {
        const qint64 validMs = qint64(config.codeValidSeconds) * 1000;
        const bool create = config.createUsers;
        const QString issuer = config.issuer;
        host.store->write<Issued>(q, [user, subject, issuer, validMs, create](Db &db) -> Result<Issued> {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            AdminStore admin(db);
            Issued issued;
            auto record = db.userByName(user);
            if (!record && record.error().code != ErrorCode::NotFound)
                return record.error();
            auto pending = admin.codePending(user, now);
            if (!pending)
                return pending.error();
            auto byName = SsoStore::linkOfName(db, user);
            if (!byName)
                return byName.error();
            auto bySubject = SsoStore::linkOfSubject(db, issuer, subject);
            if (!bySubject)
                return bySubject.error();
            const bool otherAccount = (*byName && ((*byName)->issuer != issuer || (*byName)->subject != subject))
                || (*bySubject && (*bySubject)->name != user);
            QString outcome = u"ok"_s;
            if (!record && !*pending && !create) {
                issued.outcome = Issued::Outcome::UnknownUser;
                outcome = u"not_found"_s;
            } else if (record && record->suspended) {
                issued.outcome = Issued::Outcome::Suspended;
                outcome = u"forbidden"_s;
            } else if (otherAccount) {
                issued.outcome = Issued::Outcome::OtherAccount;
                outcome = u"conflict"_s;
            } else {
                if (!*byName) {
                    if (Status s = SsoStore::putLink(db, SsoLink{user, issuer, subject, now}); !s)
                        return s.error();
                }
                auto code = db.createEnrollCode(user, validMs);
                if (!code)
                    return code.error();
                issued.code = *code;
                issued.expiresAt = now + validMs;
            }
            if (Status s = admin.appendAudit(AuditRecord{0, now, AuditActor, AuditAction, user, outcome}); !s)
                return s.error();
            return issued;
        }, [this, socket, user](Result<Issued> issued) {
            if (!issued) {
                qCWarning(lcSso).noquote() << "Issuing an enrollment code failed:" << issued.error().message;
                return refuse(socket, 500, u"The enrollment code could not be made. Try again later."_s,
                              u"the store failed"_s);
            }
            if (issued->outcome == Issued::Outcome::UnknownUser)
                return refuse(socket, 403, u"There is no Parley user for your account. Ask your administrator to "
                                           u"create it."_s,
                              u"no such user (audited)"_s);
            if (issued->outcome == Issued::Outcome::OtherAccount)
                return refuse(socket, 403, u"Your Parley user is linked to another account at the identity provider. "
                                           u"Ask your administrator."_s,
                              u"the user is linked to another account at the provider (audited)"_s);
            if (issued->outcome == Issued::Outcome::Suspended)
                return refuse(socket, 403, u"Your Parley user is suspended. Ask your administrator."_s,
                              u"the user is suspended (audited)"_s);
            qCInfo(lcSso) << "An enrollment code was issued after a sign-in (audited)";
            BrowserResponse r = codePage(user, *issued);
            r.headers.append({QByteArrayLiteral("Set-Cookie"), bindingCookie({}, 0)});
            answer(socket, r);
        });
    }

    BrowserResponse codePage(const QString &user, const Issued &issued) const
    {
        const QString server = host.deviceServer ? host.deviceServer() : QString();
        const QString fingerprint = host.fingerprint ? host.fingerprint() : QString();
        const QString until = QDateTime::fromMSecsSinceEpoch(issued.expiresAt, Qt::UTC)
                                  .toString(u"yyyy-MM-dd HH:mm 'UTC'"_s);
        const QString command = u"parley register wss://%1 %2 %3 --fingerprint %4"_s.arg(server, user, issued.code,
                                                                                        fingerprint);
        using ssopages::escape;
        const QString html =
            u"<p>You are signed in as <strong id=\"user\">%1</strong>. Your one-time enrollment code:</p>\n"
            u"<p class=\"code\"><code id=\"code\">%2</code></p>\n"
            u"<p>It works once, until %3. To add a device, run on it:</p>\n"
            u"<pre id=\"command\">%4</pre>\n"
            u"<p>The fingerprint is that of the server's certificate: the command checks it. Close this page when you "
            u"are done; nobody else should see the code.</p>"_s
                .arg(escape(user), escape(issued.code), escape(until), escape(command));
        return ssopages::page(200, u"Parley enrollment code"_s, html);
    }
};

SsoServer::SsoServer(SsoConfig config, SsoHost host, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, std::move(config), std::move(host)))
{
}

SsoServer::~SsoServer()
{
    stop();
}

Status SsoServer::start(const QSslConfiguration &tls)
{
    if (!d->host.store)
        return makeError(ErrorCode::Unavailable, u"the server is not running"_s);
    auto secretFile = PushConfig::readPrivateFile(d->config.clientSecretFile);
    if (!secretFile)
        return makeError(secretFile.error().code,
                         u"the client secret file %1: %2"_s.arg(d->config.clientSecretFile, secretFile.error().message));
    QByteArray secret = secretFile->left(secretFile->indexOf('\n') < 0 ? secretFile->size() : secretFile->indexOf('\n'));
    secretFile->fill('\0');
    if (secret.endsWith('\r'))
        secret.chop(1);
    if (secret.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         u"the client secret file %1: the first line is empty"_s.arg(d->config.clientSecretFile));
    d->client = std::make_unique<OidcClient>(d->config, secret, this);
    secret.fill('\0');
    if (Status s = d->client->loadCa(); !s)
        return s;

    TlsContext::Options options;
    options.sessionIdContext = QByteArrayLiteral("parleyd-sso");
    auto context = TlsContext::create(tls, options);
    if (!context)
        return makeError(context.error().code, u"cannot set up TLS for single sign-on: %1"_s.arg(context.error().message));
    d->tls = *context;
    d->listener = std::make_unique<TlsListener>(d->tls, HandshakeTimeoutMs);
    connect(d->listener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *socket) { d->onEncrypted(socket); });
    if (!d->listener->listen(d->config.listenAddress, d->config.listenPort)) {
        const QString why = d->listener->errorString();
        d->listener.reset();
        return makeError(ErrorCode::Network,
                         u"cannot listen for single sign-on on port %1: %2"_s.arg(d->config.listenPort).arg(why));
    }
    d->port = d->listener->serverPort();
    d->prune.start();
    // Early, so that a provider that is misconfigured shows in the log at start; the first sign-in tries again.
    d->client->metadata([](Result<ProviderMetadata>) {});
    qCInfo(lcSso) << "Single sign-on listening on port" << d->port;
    return {};
}

void SsoServer::setTls(const QSslConfiguration &tls)
{
    if (!d->listener)
        return;
    TlsContext::Options options;
    options.sessionIdContext = QByteArrayLiteral("parleyd-sso");
    auto context = TlsContext::create(tls, options, d->tls);
    if (!context) {
        qCWarning(lcSso) << "The single sign-on listener keeps its TLS set-up:" << context.error().message;
        return;
    }
    d->tls = *context;
    d->listener->setContext(d->tls);
}

void SsoServer::stop()
{
    d->prune.stop();
    if (d->listener)
        d->listener->close();
    d->listener.reset();    // its sockets go with it
    d->open.clear();
    d->heads.clear();
}

quint16 SsoServer::port() const
{
    return d->port;
}

QString SsoServer::url() const
{
    const QHostAddress &a = d->config.listenAddress;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(a.toString()) : a.toString();
    return u"https://%1:%2/"_s.arg(host).arg(d->port);
}

QUrl SsoServer::redirectUri() const
{
    return d->redirectUri();
}

bool SsoServer::isListening() const
{
    return d->listener != nullptr;
}

const SsoConfig &SsoServer::config() const
{
    return d->config;
}

QString SsoServer::lastError() const
{
    return d->client ? d->client->lastError() : QString();
}

} // namespace parley::server
