#include "push/apnsprovider.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace parley::server {

Result<std::unique_ptr<ApnsProvider>> ApnsProvider::create(QNetworkAccessManager *network, const PushConfig &config,
                                                           QObject *parent)
{
    auto key = PushConfig::readP256KeyFile(u"apns_key_file"_s, config.apnsKeyFile);
    if (!key)
        return key.error();
    return std::unique_ptr<ApnsProvider>(new ApnsProvider(network, config, std::move(*key), parent));
}

ApnsProvider::ApnsProvider(QNetworkAccessManager *network, const PushConfig &config, crypto::P256Key key, QObject *parent)
    : PushProvider(network, config, parent), m_key(std::move(key))
{
}

ApnsProvider::~ApnsProvider() = default;

QByteArray ApnsProvider::payload()
{
    return QByteArrayLiteral(R"({"aps":{"content-available":1}})");
}

Result<QByteArray> ApnsProvider::providerToken()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_token.isEmpty() && now - m_tokenIssuedMs < TokenLifetimeMs && now >= m_tokenIssuedMs)
        return m_token;
    const QJsonObject header{{u"alg"_s, u"ES256"_s}, {u"kid"_s, m_config.apnsKeyId}};
    const QJsonObject claims{{u"iss"_s, m_config.apnsTeamId}, {u"iat"_s, now / 1000}};
    auto token = jwt::signEs256(m_key, header, claims);
    if (!token)
        return token.error();
    m_token = *token;
    m_tokenIssuedMs = now;
    qCDebug(lcPush) << "APNs provider token renewed";
    return m_token;
}

void ApnsProvider::send(const PushJob &job, qint64 expiresAtMs, Done done)
{
    const QString topic = job.token.topic.isEmpty() ? m_config.apnsTopic : job.token.topic;
    if (topic.isEmpty())
        return done(PushOutcome::rejected(u"no APNs topic (register one or set [push] apns_topic)"_s));
    auto token = providerToken();
    if (!token)
        return done(PushOutcome::retry(u"cannot sign the APNs provider token: %1"_s.arg(token.error().message)));

    QUrl url = m_config.apnsEndpoint;
    url.setPath(u"/3/device/"_s + job.token.token);
    QNetworkRequest r = request(url);
    r.setRawHeader("authorization", "bearer " + *token);
    r.setRawHeader("apns-push-type", "background");
    r.setRawHeader("apns-priority", "5");   // background notifications must use 5
    r.setRawHeader("apns-topic", topic.toUtf8());
    r.setRawHeader("apns-expiration", QByteArray::number(std::max<qint64>(1, expiresAtMs / 1000)));
    r.setRawHeader("apns-collapse-id", "parley-wake");
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);

    post(r, payload(), [this, done = std::move(done)](int status, const QByteArray &body, QNetworkReply *reply) {
        if (status == 200)
            return done(PushOutcome::delivered());
        if (auto transient = transientOutcome(status, reply))
            return done(*transient);
        const QString reason = QJsonDocument::fromJson(body).object().value(u"reason"_s).toString().left(64);
        if (status == 410 || reason == u"BadDeviceToken"_s || reason == u"DeviceTokenNotForTopic"_s
            || reason == u"Unregistered"_s)
            return done(PushOutcome::unregistered(u"APNs %1 %2"_s.arg(status).arg(reason)));
        if (status == 403 && (reason == u"ExpiredProviderToken"_s || reason == u"InvalidProviderToken"_s)) {
            m_token.clear();   // sign a new one next time
            return done(PushOutcome::retry(u"APNs %1 %2"_s.arg(status).arg(reason)));
        }
        return done(PushOutcome::rejected(u"APNs %1 %2"_s.arg(status).arg(reason)));
    });
}

} // namespace parley::server
