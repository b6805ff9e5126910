#pragma once

#include "crypto/rsakey.h"
#include "push/pushprovider.h"

#include <QList>
#include <QUrl>

#include <memory>

namespace parley::server {

// FCM HTTP v1 (`projects/PROJECT/messages:send`). Authorisation is an OAuth 2.0 access token obtained from the
// token endpoint with an RS256 JWT assertion (RFC 7523) signed with the service account's key; the token is cached
// until a minute before it expires and renewed on a 401. The wake-up is a data message {"wake":"1"} with a
// collapse key, high priority and a TTL.
class FcmProvider : public PushProvider {
    Q_OBJECT
public:
    static constexpr auto Scope = "https://www.googleapis.com/auth/firebase.messaging";

    // Reads and checks the service-account JSON key (readable by the service alone).
    static Result<std::unique_ptr<FcmProvider>> create(QNetworkAccessManager *network, const PushConfig &config,
                                                       QObject *parent);
    ~FcmProvider() override;

    void send(const PushJob &job, qint64 expiresAtMs, Done done) override;

    static QByteArray payload(const QString &token, qint64 ttlSeconds);

    struct Account {
        QString projectId;
        QString clientEmail;
        QString privateKeyId;
        QUrl tokenUri;
        crypto::RsaKey key;
    };
    // Checks a service-account JSON key: "type" "service_account", "project_id", "client_email", an RSA
    // "private_key" (PEM) and an https "token_uri" (Google's when absent, unless `requireTokenUri`). Errors say
    // which field is wrong and never quote the key.
    static Result<Account> parseServiceAccount(QByteArrayView json, bool requireTokenUri);

    QString projectId() const;
    QString clientEmail() const;

private:
    FcmProvider(QNetworkAccessManager *network, const PushConfig &config, Account account, QObject *parent);
    // Calls `ready` with an access token (or an error) once one is at hand; requests one when needed.
    void withAccessToken(std::function<void(Result<QByteArray>)> ready);
    void requestAccessToken();
    void finishTokenRequest(const Result<QByteArray> &result);

    Account m_account;
    QByteArray m_accessToken;
    qint64 m_accessTokenExpiresMs = 0;
    bool m_tokenRequestRunning = false;
    QList<std::function<void(Result<QByteArray>)>> m_waiting;
};

} // namespace parley::server
