#pragma once

#include "core/result.h"
#include "push/pushconfig.h"
#include "store/pushstore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

Q_DECLARE_LOGGING_CATEGORY(lcPush)   // parley.push: wake-ups through APNs, FCM and Web Push (never tokens)

namespace parley::crypto {
class P256Key;
class RsaKey;
}

namespace parley::server {

// What a provider said about one wake-up.
struct PushOutcome {
    enum class Kind {
        Delivered,       // accepted by the provider
        Retry,           // 429, 5xx, timeouts, network errors: try again later
        Unregistered,    // the token is no longer valid: forget it
        Rejected,        // a permanent refusal: dead-letter
    };
    Kind kind = Kind::Retry;
    qint64 retryAfterMs = -1;   // from Retry-After, when the provider sent one
    QString reason;             // for the queue's last_error and the logs; never contains a token

    static PushOutcome delivered() { return {Kind::Delivered, -1, QString()}; }
    static PushOutcome retry(QString why, qint64 afterMs = -1) { return {Kind::Retry, afterMs, std::move(why)}; }
    static PushOutcome unregistered(QString why) { return {Kind::Unregistered, -1, std::move(why)}; }
    static PushOutcome rejected(QString why) { return {Kind::Rejected, -1, std::move(why)}; }
};

// One push provider's HTTP/2 client (over the service's QNetworkAccessManager, hence its proxy). Lives in the
// push service's thread.
class PushProvider : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(PushOutcome)>;

    PushProvider(QNetworkAccessManager *network, const PushConfig &config, QObject *parent);
    ~PushProvider() override;

    // Sends a content-free wake-up for `job`; `done` is called once, later, from the event loop. `expiresAtMs` is
    // when the wake-up stops being worth delivering.
    virtual void send(const PushJob &job, qint64 expiresAtMs, Done done) = 0;

protected:
    // A request with the push TLS settings (TLS 1.2+, the configured extra CAs), HTTP/2 allowed (negotiated with
    // ALPN) and the configured transfer timeout.
    QNetworkRequest request(const QUrl &url) const;
    // POSTs `body`; `handler` gets the HTTP status (0 when there was no HTTP answer), the body (at most 64 KiB) and
    // the reply (for headers; deleted after the handler returns).
    void post(const QNetworkRequest &request, const QByteArray &body,
              std::function<void(int status, const QByteArray &body, QNetworkReply *reply)> handler);
    // The outcome for answers every provider treats alike: no answer (timeout, network), 429 and 5xx.
    static std::optional<PushOutcome> transientOutcome(int status, QNetworkReply *reply);
    // The name of the reply's network error (never its text, which may quote the URL and so the token).
    static QString errorName(QNetworkReply *reply);
    // Retry-After (seconds or an HTTP date) in ms, or -1.
    static qint64 retryAfterMs(QNetworkReply *reply);

    QNetworkAccessManager *const m_network;
    const PushConfig m_config;   // a copy: the service may be reconfigured while an old provider winds down
    QSslConfiguration m_tls;
};

// Compact JWS (RFC 7515) helpers.
namespace jwt {
QByteArray base64url(QByteArrayView bytes);
Result<QByteArray> signEs256(const crypto::P256Key &key, const QJsonObject &header, const QJsonObject &claims);
Result<QByteArray> signRs256(const crypto::RsaKey &key, const QJsonObject &header, const QJsonObject &claims);
} // namespace jwt

} // namespace parley::server
