#pragma once

#include "core/result.h"

#include <QHostAddress>
#include <QString>
#include <QUrl>

class QSettings;

namespace parley::server {

// [sso] in the boot configuration, or the same settings through the admin API's sso.set (docs/operations.md "Single
// sign-on"): OpenID Connect single sign-on that hands a person an enrollment code for their Parley user. Off unless
// `issuer` is set.
struct SsoConfig {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8445;
    QUrl publicUrl;               // https://HOST[:PORT] browsers reach the listener at; empty: the listen address
    QString issuer;               // the provider's issuer identifier (an https URL), kept and compared exactly
    QString clientId;
    QString clientSecretFile;     // the client secret on its first line; owned by the service user, mode 0600
    QString usernameClaim = QStringLiteral("preferred_username");   // "email": its local part, when verified
    bool createUsers = false;     // false: only users that exist (or have a pending code) get a code
    QString caFile;               // PEM CA certificates trusted for the provider, besides the system's
    int codeValidSeconds = 3600;  // lifetime of the enrollment codes it issues

    bool enabled() const { return !issuer.isEmpty(); }
    // The scopes asked for: openid and the one that carries the claim (email or profile).
    QString scopes() const;

    // Parses one key of the [sso] group ("sso/NAME"); unknown names and malformed values are errors naming the key.
    static Status parseKey(const QSettings &settings, const QString &key, SsoConfig &config);
    // The same for a setting by its name (listen, issuer, public_url, client_id, client_secret_file, username_claim,
    // create_users, ca_file, code_valid_seconds) and its text: the error (InvalidArgument) says what is expected,
    // without the name.
    static Status parseValue(const QString &name, const QString &value, SsoConfig &config);
    // With an issuer: client_id and client_secret_file are set. Without one, no other key may be set.
    Status validate() const;
    bool anyKeySet = false;       // parseKey saw a key (for validate())

    // An https URL with a host and no user info, query or fragment; a path is kept without its trailing slash.
    static Result<QUrl> parseHttpsUrl(const QString &text, bool allowPath);

    // ADDRESS:PORT of the listener ([IPV6]:PORT), with `port` (the bound one) instead of the configured one if given.
    QString listenText(quint16 port = 0) const;
    // What browsers come back to and the provider must have registered: PUBLIC_URL/sso/callback, or the listener's
    // address with `port` (the bound one) when there is no public URL.
    QUrl redirectUri(quint16 port) const;
};

} // namespace parley::server
