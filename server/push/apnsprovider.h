#pragma once

#include "crypto/p256key.h"
#include "push/pushprovider.h"

#include <memory>

namespace parley::server {

// The APNs provider API (HTTP/2) with token-based authentication: an ES256 JWT signed with the team's .p8 key,
// renewed every 50 minutes (Apple accepts one for up to an hour). The wake-up is a background notification:
// {"aps":{"content-available":1}}, apns-push-type background, priority 5, a collapse id and an expiration.
class ApnsProvider : public PushProvider {
    Q_OBJECT
public:
    static constexpr qint64 TokenLifetimeMs = 50 * 60 * 1000;

    // Reads the key file (which must be readable by the service alone).
    static Result<std::unique_ptr<ApnsProvider>> create(QNetworkAccessManager *network, const PushConfig &config,
                                                        QObject *parent);
    ~ApnsProvider() override;

    void send(const PushJob &job, qint64 expiresAtMs, Done done) override;

    static QByteArray payload();

private:
    ApnsProvider(QNetworkAccessManager *network, const PushConfig &config, crypto::P256Key key, QObject *parent);
    Result<QByteArray> providerToken();

    crypto::P256Key m_key;
    QByteArray m_token;
    qint64 m_tokenIssuedMs = 0;
};

} // namespace parley::server
