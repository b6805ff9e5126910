#include "sso/oidcclient.h"

#include "sso/ssolog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int RequestTimeoutMs = 10000;
constexpr qint64 MaxAnswerBytes = 256 * 1024;
constexpr qint64 MetadataLifetimeMs = 3600 * 1000;
constexpr qint64 KeysLifetimeMs = 3600 * 1000;
constexpr qint64 KeyIdRefetchIntervalMs = 60 * 1000;
constexpr qint64 KeysRefetchIntervalMs = 1000;

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

Result<QUrl> endpoint(const QJsonObject &doc, QLatin1StringView name)
{
    const QJsonValue v = doc.value(name);
    const QUrl url(v.toString(), QUrl::StrictMode);
    if (!v.isString() || !url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || url.hasFragment()
        || !url.userInfo().isEmpty())
        return makeError(ErrorCode::Protocol, u"the provider's metadata has no https %1"_s.arg(name));
    return url;
}

// application/x-www-form-urlencoded, as RFC 6749 2.3.1 has client_id and client_secret encoded for Basic.
QByteArray formEncode(const QString &text)
{
    QByteArray out = QUrl::toPercentEncoding(text, "*");
    out.replace("%20", "+");
    return out;
}

QString networkErrorName(QNetworkReply *reply)
{
    const char *name = QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(int(reply->error()));
    return name ? QString::fromLatin1(name) : u"network error %1"_s.arg(int(reply->error()));
}

// An OAuth error code as the provider sent it, if it is one (RFC 6749 5.2: %x20-21 / %x23-5B / %x5D-7E); the only
// part of an error answer that is logged.
QString oauthErrorCode(const QByteArray &answer)
{
    const auto doc = jsonObject(answer);
    const QString code = doc ? doc->value("error"_L1).toString() : QString();
    if (code.isEmpty() || code.size() > 64)
        return u"(no error code)"_s;
    for (const QChar c : code) {
        if (!((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-'
              || c == u'.'))
            return u"(an error code with other characters)"_s;
    }
    return code;
}

template<typename T>
void settle(QList<std::function<void(Result<T>)>> &waiting, const Result<T> &result)
{
    const auto callbacks = std::exchange(waiting, {});
    for (const auto &callback : callbacks)
        callback(result);
}

} // namespace

Result<ProviderMetadata> ProviderMetadata::parse(const QByteArray &json, const QString &issuer)
{
    const auto doc = jsonObject(json);
    if (!doc)
        return makeError(ErrorCode::Protocol, u"the provider's metadata is not a JSON object"_s);
    // OpenID Connect Discovery 4.3: the issuer in the document is exactly the one it was fetched for.
    if (doc->value("issuer"_L1).toString() != issuer)
        return makeError(ErrorCode::Protocol, u"the provider's metadata names another issuer than the configured one"_s);
    ProviderMetadata m;
    auto authorization = endpoint(*doc, "authorization_endpoint"_L1);
    auto token = endpoint(*doc, "token_endpoint"_L1);
    auto jwks = endpoint(*doc, "jwks_uri"_L1);
    if (!authorization)
        return authorization.error();
    if (!token)
        return token.error();
    if (!jwks)
        return jwks.error();
    m.authorizationEndpoint = *authorization;
    m.tokenEndpoint = *token;
    m.jwksUri = *jwks;
    const QJsonValue methods = doc->value("code_challenge_methods_supported"_L1);
    if (!methods.isUndefined() && !methods.toArray().contains(u"S256"_s))
        return makeError(ErrorCode::Protocol, u"the provider does not support PKCE with S256"_s);
    m.issParameter = doc->value("authorization_response_iss_parameter_supported"_L1).toBool(false);
    return m;
}

OidcClient::OidcClient(SsoConfig config, QByteArray clientSecret, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_secret(std::move(clientSecret)),
      m_tls(QSslConfiguration::defaultConfiguration())
{
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_network.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

OidcClient::~OidcClient()
{
    m_secret.fill('\0');
}

Status OidcClient::loadCa()
{
    if (m_config.caFile.isEmpty())
        return {};
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(m_config.caFile, QSsl::Pem);
    if (certificates.isEmpty())
        return makeError(ErrorCode::Io, u"the CA file %1 holds no PEM certificate"_s.arg(m_config.caFile));
    m_tls.addCaCertificates(certificates);
    return {};
}

void OidcClient::forget()
{
    m_metadata.value.reset();
    m_keys.value.reset();
}

QNetworkRequest OidcClient::request(const QUrl &url) const
{
    QNetworkRequest r(url);
    r.setSslConfiguration(m_tls);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setTransferTimeout(RequestTimeoutMs);
    r.setHeader(QNetworkRequest::UserAgentHeader, u"parleyd/" PARLEY_VERSION_STRING ""_s);
    r.setRawHeader("Accept", "application/json");
    return r;
}

void OidcClient::finish(QNetworkReply *reply, std::function<void(Result<QByteArray>)> done)
{
    reply->setParent(this);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > MaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->read(MaxAnswerBytes + 1);
        if (status == 0)
            return done(makeError(ErrorCode::Network, u"the provider could not be reached (%1)"_s.arg(networkErrorName(reply))));
        if (answer.size() > MaxAnswerBytes)
            return done(makeError(ErrorCode::Protocol, u"the provider's answer is larger than 256 KiB"_s));
        if (status == 400 || status == 401)
            return done(makeError(ErrorCode::Unauthorized, u"the provider refused the request (HTTP %1, %2)"_s
                                                              .arg(status).arg(oauthErrorCode(answer))));
        if (status != 200)
            return done(makeError(ErrorCode::Unavailable, u"the provider answered HTTP %1"_s.arg(status)));
        done(answer);
    });
}

void OidcClient::get(const QUrl &url, std::function<void(Result<QByteArray>)> done)
{
    finish(m_network.get(request(url)), std::move(done));
}

void OidcClient::metadata(std::function<void(Result<ProviderMetadata>)> done)
{
    if (m_metadata.value && m_metadata.fetched.elapsed() < MetadataLifetimeMs)
        return done(*m_metadata.value);
    m_metadata.waiting.append(std::move(done));
    if (m_metadata.waiting.size() > 1)
        return;   // a fetch is on its way
    // OpenID Connect Discovery 4: the issuer without its trailing slash, then the well-known path.
    QString base = m_config.issuer;
    while (base.endsWith(u'/'))
        base.chop(1);
    get(QUrl(base + u"/.well-known/openid-configuration"_s), [this](Result<QByteArray> answer) {
        Result<ProviderMetadata> parsed = answer ? ProviderMetadata::parse(*answer, m_config.issuer)
                                                 : Result<ProviderMetadata>(answer.error());
        if (parsed) {
            m_metadata.value = *parsed;
            m_metadata.fetched.start();
        } else {
            qCWarning(lcSso).noquote() << "Reading the provider's metadata failed:" << parsed.error().message;
        }
        noteOutcome(Fetch::Metadata, parsed ? QString() : parsed.error().message);
        settle(m_metadata.waiting, parsed);
    });
}

void OidcClient::keys(std::optional<QString> missingKid, std::function<void(Result<KeySet>)> done)
{
    const bool fresh = m_keys.value && m_keys.fetched.elapsed() < KeysLifetimeMs;
    bool refetch = false;
    if (fresh && missingKid && m_keys.fetched.elapsed() >= KeysRefetchIntervalMs) {
        for (auto it = m_refetchedFor.begin(); it != m_refetchedFor.end();)
            it = it->elapsed() >= KeyIdRefetchIntervalMs ? m_refetchedFor.erase(it) : std::next(it);
        if (!m_refetchedFor.contains(*missingKid) && m_refetchedFor.size() < 100) {
            m_refetchedFor[*missingKid].start();
            refetch = true;
        }
    }
    if (fresh && !refetch)
        return done(*m_keys.value);
    m_keys.waiting.append(std::move(done));
    if (m_keys.waiting.size() > 1)
        return;
    metadata([this](Result<ProviderMetadata> metadata) {
        if (!metadata)
            return settle(m_keys.waiting, Result<KeySet>(metadata.error()));
        get(metadata->jwksUri, [this](Result<QByteArray> answer) {
            Result<KeySet> parsed = answer ? KeySet::parse(*answer) : Result<KeySet>(answer.error());
            if (parsed) {
                m_keys.value = *parsed;
                m_keys.fetched.start();
                qCInfo(lcSso) << "Fetched the provider's key set:" << parsed->size() << "usable keys";
            } else {
                qCWarning(lcSso).noquote() << "Reading the provider's key set failed:" << parsed.error().message;
            }
            noteOutcome(Fetch::Keys, parsed ? QString() : parsed.error().message);
            settle(m_keys.waiting, parsed);
        });
    });
}

void OidcClient::noteOutcome(Fetch fetch, const QString &error)
{
    if (!error.isEmpty()) {
        m_lastError = (fetch == Fetch::Metadata ? u"discovery: "_s : u"key set: "_s) + error;
        m_lastErrorOf = fetch;
    } else if (m_lastErrorOf == fetch) {
        m_lastError.clear();
    }
}

void OidcClient::exchangeCode(const ProviderMetadata &metadata, const QString &code, const QString &verifier,
                              const QUrl &redirectUri, std::function<void(Result<QByteArray>)> done)
{
    QNetworkRequest r = request(metadata.tokenEndpoint);
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    // client_secret_basic (RFC 6749 2.3.1): both parts form-encoded, then base64.
    QByteArray credentials = formEncode(m_config.clientId) + ':' + formEncode(QString::fromUtf8(m_secret));
    r.setRawHeader("Authorization", "Basic " + credentials.toBase64());
    credentials.fill('\0');
    const QByteArray body = "grant_type=authorization_code&code=" + formEncode(code) + "&redirect_uri="
        + formEncode(redirectUri.toString(QUrl::FullyEncoded)) + "&code_verifier=" + formEncode(verifier);
    finish(m_network.post(r, body), [done = std::move(done)](Result<QByteArray> answer) {
        if (!answer)
            return done(answer.error());
        const auto doc = jsonObject(*answer);
        if (!doc)
            return done(makeError(ErrorCode::Protocol, u"the token response is not a JSON object"_s));
        const QJsonValue idToken = doc->value("id_token"_L1);
        if (!idToken.isString() || idToken.toString().isEmpty())
            return done(makeError(ErrorCode::Protocol, u"the token response carries no ID token"_s));
        if (doc->value("token_type"_L1).toString().compare(u"bearer"_s, Qt::CaseInsensitive) != 0)
            return done(makeError(ErrorCode::Protocol, u"the token response's token_type is not Bearer"_s));
        done(idToken.toString().toLatin1());
    });
}

} // namespace parley::server
