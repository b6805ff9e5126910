#include "push/webpushprovider.h"

#include "crypto/crypto.h"

#include <QDateTime>
#include <QJsonObject>
#include <QNetworkReply>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int SaltSize = 16;
constexpr int AuthSecretSize = 16;
constexpr qsizetype MaxCachedAudiences = 1000;

QString originOf(const QUrl &url)
{
    QUrl origin;
    origin.setScheme(url.scheme());
    origin.setHost(url.host());
    if (url.port() != -1 && url.port() != 443)
        origin.setPort(url.port());
    return origin.toString(QUrl::FullyEncoded);
}

} // namespace

Result<std::unique_ptr<WebPushProvider>> WebPushProvider::create(QNetworkAccessManager *network, const PushConfig &config,
                                                                 QObject *parent)
{
    auto key = PushConfig::readP256KeyFile(u"vapid_private_key_file"_s, config.vapidPrivateKeyFile);
    if (!key)
        return key.error();
    return std::unique_ptr<WebPushProvider>(new WebPushProvider(network, config, std::move(*key), parent));
}

WebPushProvider::WebPushProvider(QNetworkAccessManager *network, const PushConfig &config, crypto::P256Key key,
                                 QObject *parent)
    : PushProvider(network, config, parent), m_key(std::move(key)), m_publicKey(jwt::base64url(m_key.publicPoint()))
{
}

WebPushProvider::~WebPushProvider() = default;

QByteArray WebPushProvider::plaintext()
{
    return QByteArrayLiteral(R"({"wake":1})");
}

Result<QByteArray> WebPushProvider::encrypt(QByteArrayView plain, QByteArrayView uaPublic, QByteArrayView authSecret,
                                            QByteArrayView givenSalt, const crypto::P256Key &givenEphemeral)
{
    if (authSecret.size() != AuthSecretSize)
        return makeError(ErrorCode::InvalidArgument, u"the Web Push auth secret must be 16 bytes"_s);
    if (plain.size() > RecordSize - 17 - 86)
        return makeError(ErrorCode::InvalidArgument, u"the Web Push plaintext is too long for one record"_s);
    auto ua = crypto::P256Key::fromPublicPoint(uaPublic);
    if (!ua)
        return ua.error();
    crypto::P256Key ephemeral = givenEphemeral;
    if (ephemeral.isNull()) {
        auto generated = crypto::P256Key::generate();
        if (!generated)
            return generated.error();
        ephemeral = std::move(*generated);
    }
    const QByteArray salt = givenSalt.isEmpty() ? crypto::randomBytes(SaltSize) : givenSalt.toByteArray();
    if (salt.size() != SaltSize)
        return makeError(ErrorCode::InvalidArgument, u"the Web Push salt must be 16 bytes"_s);
    const QByteArray asPublic = ephemeral.publicPoint();

    auto shared = ephemeral.deriveShared(*ua);
    if (!shared)
        return shared.error();
    // IKM = HKDF(salt = auth_secret, ikm = ecdh_secret, info = "WebPush: info" || 0x00 || ua_public || as_public, 32)
    QByteArray keyInfo = QByteArrayLiteral("WebPush: info");
    keyInfo.append('\0').append(uaPublic.toByteArray()).append(asPublic);
    auto ikm = crypto::hkdfSha256(shared->view(), authSecret, keyInfo, 32);
    if (!ikm)
        return ikm.error();
    auto cek = crypto::hkdfSha256(ikm->view(), salt, QByteArrayView("Content-Encoding: aes128gcm\0", 28), 16);
    auto nonce = crypto::hkdfSha256(ikm->view(), salt, QByteArrayView("Content-Encoding: nonce\0", 24), 12);
    if (!cek)
        return cek.error();
    if (!nonce)
        return nonce.error();
    QByteArray padded = plain.toByteArray();
    padded.append('\x02');   // the last (and only) record's delimiter, no padding
    auto sealed = crypto::aesGcmSeal(cek->view(), nonce->view(), padded, {});
    if (!sealed)
        return sealed.error();

    QByteArray body;
    body.reserve(SaltSize + 4 + 1 + asPublic.size() + sealed->size());
    body.append(salt);
    char rs[4];
    qToBigEndian(quint32(RecordSize), rs);
    body.append(rs, 4);
    body.append(char(asPublic.size()));
    body.append(asPublic);
    body.append(*sealed);
    return body;
}

Result<QByteArray> WebPushProvider::vapidToken(const QString &audience)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto cached = m_tokens.constFind(audience);
    if (cached != m_tokens.cend() && now < cached->expiresSeconds - 3600)
        return cached->token;
    const QJsonObject header{{u"typ"_s, u"JWT"_s}, {u"alg"_s, u"ES256"_s}};
    const qint64 expires = now + VapidLifetimeSeconds;
    const QJsonObject claims{{u"aud"_s, audience}, {u"exp"_s, expires}, {u"sub"_s, m_config.vapidSubject}};
    auto token = jwt::signEs256(m_key, header, claims);
    if (!token)
        return token.error();
    if (m_tokens.size() >= MaxCachedAudiences)
        m_tokens.clear();
    m_tokens.insert(audience, Cached{*token, expires});
    return *token;
}

void WebPushProvider::send(const PushJob &job, qint64 expiresAtMs, Done done)
{
    const QUrl endpoint(job.token.token, QUrl::StrictMode);
    if (!endpoint.isValid() || endpoint.scheme() != u"https"_s)
        return done(PushOutcome::unregistered(u"Web Push endpoint is not an https URL"_s));
    if (Status allowed = m_config.checkWebPushEndpoint(endpoint); !allowed)
        return done(PushOutcome::unregistered(allowed.error().message));
    auto body = encrypt(plaintext(), job.token.p256dh, job.token.auth);
    if (!body)
        return done(PushOutcome::unregistered(u"cannot encrypt for the subscription: %1"_s.arg(body.error().message)));
    auto token = vapidToken(originOf(endpoint));
    if (!token)
        return done(PushOutcome::retry(u"cannot sign the VAPID token: %1"_s.arg(token.error().message)));
    const qint64 ttl = std::max<qint64>(0, (expiresAtMs - QDateTime::currentMSecsSinceEpoch()) / 1000);

    QNetworkRequest r = request(endpoint);
    r.setRawHeader("authorization", "vapid t=" + *token + ", k=" + m_publicKey);
    r.setRawHeader("ttl", QByteArray::number(ttl));
    r.setRawHeader("urgency", "high");
    r.setRawHeader("topic", "parley-wake");   // RFC 8030 5.4: replaces an undelivered earlier wake-up
    r.setRawHeader("content-encoding", "aes128gcm");
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/octet-stream"_s);

    post(r, *body, [done = std::move(done)](int status, const QByteArray &, QNetworkReply *reply) {
        if (status == 200 || status == 201 || status == 202)
            return done(PushOutcome::delivered());
        if (status == 404 || status == 410)
            return done(PushOutcome::unregistered(u"Web Push %1"_s.arg(status)));
        if (auto transient = transientOutcome(status, reply))
            return done(*transient);
        return done(PushOutcome::rejected(u"Web Push %1"_s.arg(status)));
    });
}

} // namespace parley::server
