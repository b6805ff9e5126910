#pragma once

#include "core/result.h"
#include "sso/idtoken.h"
#include "sso/ssoconfig.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkReply;

namespace parley::server {

// What the provider's discovery document (OpenID Connect Discovery 1.0) says this client needs.
struct ProviderMetadata {
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl jwksUri;
    bool issParameter = false;    // authorization_response_iss_parameter_supported (RFC 9207)

    // Checks a discovery document against the configured issuer: "issuer" equal to it exactly, the three endpoints
    // https URLs, and S256 among code_challenge_methods_supported when the provider lists its methods.
    static Result<ProviderMetadata> parse(const QByteArray &json, const QString &issuer);
};

// The client side of the single sign-on: the provider's metadata (fetched on first need, kept for an hour), its
// signature keys (kept for an hour, and fetched again at once when a token names a key the set lacks, so that a
// rotation at the provider is followed: once per key id a minute, and at most once a second), and the authorization code exchange with client_secret_basic.
// Every request goes straight to the provider (no proxy), over TLS with the system's CAs and [sso] ca_file, with no
// redirects followed, a 10-second timeout and answers of at most 256 KiB. Lives in the main thread.
class OidcClient : public QObject {
    Q_OBJECT
public:
    OidcClient(SsoConfig config, QByteArray clientSecret, QObject *parent = nullptr);
    ~OidcClient() override;

    // Reads [sso] ca_file (when set): every certificate in it is trusted for the provider.
    Status loadCa();

    void metadata(std::function<void(Result<ProviderMetadata>)> done);
    // The key set. With `missingKid` (a token's key id the set lacks; "" for a token without one), fetched again
    // unless it was fetched for that key id within the last minute, or for any within the last second.
    void keys(std::optional<QString> missingKid, std::function<void(Result<KeySet>)> done);
    // The ID token of the token response for `code` (RFC 6749 4.1.3, RFC 7636 4.5).
    void exchangeCode(const ProviderMetadata &metadata, const QString &code, const QString &verifier,
                      const QUrl &redirectUri, std::function<void(Result<QByteArray>)> done);

    // Drops the cached metadata and keys (a test of the provider; a provider that moved).
    void forget();

    // Why the last fetch of the metadata or of the key set failed ("discovery: ...", "key set: ..."), until one of
    // the same kind succeeds; empty when none failed.
    QString lastError() const { return m_lastError; }

private:
    template<typename T>
    struct Cached {
        std::optional<T> value;
        QElapsedTimer fetched;
        QList<std::function<void(Result<T>)>> waiting;
    };

    enum class Fetch { Metadata, Keys };
    void noteOutcome(Fetch fetch, const QString &error);
    QNetworkRequest request(const QUrl &url) const;
    void get(const QUrl &url, std::function<void(Result<QByteArray>)> done);
    void finish(QNetworkReply *reply, std::function<void(Result<QByteArray>)> done);

    SsoConfig m_config;
    QByteArray m_secret;
    QSslConfiguration m_tls;
    QNetworkAccessManager m_network;
    Cached<ProviderMetadata> m_metadata;
    Cached<KeySet> m_keys;
    QHash<QString, QElapsedTimer> m_refetchedFor;   // key ids the set was fetched again for
    QString m_lastError;
    Fetch m_lastErrorOf = Fetch::Metadata;
};

} // namespace parley::server
