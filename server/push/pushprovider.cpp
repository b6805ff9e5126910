#include "push/pushprovider.h"

#include "crypto/p256key.h"
#include "crypto/rsakey.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPush, "parley.push")

namespace parley::server {

namespace {

constexpr qint64 MaxResponseBytes = 64 * 1024;
constexpr qint64 MaxRetryAfterMs = qint64(24) * 3600 * 1000;

} // namespace

PushProvider::PushProvider(QNetworkAccessManager *network, const PushConfig &config, QObject *parent)
    : QObject(parent), m_network(network), m_config(config), m_tls(QSslConfiguration::defaultConfiguration())
{
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!config.caFile.isEmpty()) {
        const QList<QSslCertificate> extra = QSslCertificate::fromPath(config.caFile, QSsl::Pem);
        m_tls.addCaCertificates(extra);
    }
    m_tls.setAllowedNextProtocols({QSslConfiguration::ALPNProtocolHTTP2, QSslConfiguration::NextProtocolHttp1_1});
}

PushProvider::~PushProvider() = default;

QNetworkRequest PushProvider::request(const QUrl &url) const
{
    QNetworkRequest r(url);
    r.setSslConfiguration(m_tls);
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setTransferTimeout(m_config.requestTimeoutMs);
    r.setHeader(QNetworkRequest::UserAgentHeader, u"parleyd/" PARLEY_VERSION_STRING ""_s);
    return r;
}

void PushProvider::post(const QNetworkRequest &request, const QByteArray &body,
                        std::function<void(int, const QByteArray &, QNetworkReply *)> handler)
{
    QNetworkReply *reply = m_network->post(request, body);
    // Owned by the provider: replacing or stopping it aborts what it still has running.
    reply->setParent(this);
    // Web Push endpoints come from devices: an answer is never worth more than a small JSON error.
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > MaxResponseBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, handler = std::move(handler)] {
        const std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> holder(reply, [](QNetworkReply *r) { r->deleteLater(); });
        const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
        const QByteArray answer = reply->read(MaxResponseBytes);
        handler(status, answer, reply);
    });
}

QString PushProvider::errorName(QNetworkReply *reply)
{
    const char *name = QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(int(reply->error()));
    return name ? QString::fromLatin1(name) : u"network error %1"_s.arg(int(reply->error()));
}

std::optional<PushOutcome> PushProvider::transientOutcome(int status, QNetworkReply *reply)
{
    if (status == 0) {
        // No HTTP answer: timeout, refused connection, TLS failure. Only the error's name: Qt's error strings may
        // quote the URL, which holds the token.
        return PushOutcome::retry(u"no answer: %1"_s.arg(errorName(reply)));
    }
    if (status == 429 || status >= 500)
        return PushOutcome::retry(u"HTTP %1"_s.arg(status), retryAfterMs(reply));
    return std::nullopt;
}

qint64 PushProvider::retryAfterMs(QNetworkReply *reply)
{
    const QByteArray value = reply->rawHeader("Retry-After").trimmed();
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = value.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? -1 : std::min(seconds * 1000, MaxRetryAfterMs);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return std::clamp(QDateTime::currentDateTimeUtc().msecsTo(when), qint64(0), MaxRetryAfterMs);
}

namespace jwt {

QByteArray base64url(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

namespace {

QByteArray signingInput(const QJsonObject &header, const QJsonObject &claims)
{
    return base64url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

} // namespace

Result<QByteArray> signEs256(const crypto::P256Key &key, const QJsonObject &header, const QJsonObject &claims)
{
    const QByteArray input = signingInput(header, claims);
    auto signature = key.signEs256(input);
    if (!signature)
        return signature.error();
    return input + '.' + base64url(*signature);
}

Result<QByteArray> signRs256(const crypto::RsaKey &key, const QJsonObject &header, const QJsonObject &claims)
{
    const QByteArray input = signingInput(header, claims);
    auto signature = key.signRs256(input);
    if (!signature)
        return signature.error();
    return input + '.' + base64url(*signature);
}

} // namespace jwt

} // namespace parley::server
