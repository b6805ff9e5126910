#pragma once

// TURN credentials for calls (docs/calls.md): the settings the admin API sets and the credentials a session hands
// out, in the shared-secret scheme of coturn's REST API (`use-auth-secret`, `static-auth-secret`).

#include "core/result.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::server {

struct TurnConfig {
    QStringList uris;           // turn:, turns:, stun:, stuns: URIs (RFC 7065, RFC 7064)
    int ttlSeconds = 3600;      // how long issued credentials are good for
    QByteArray secret;          // the relay's static-auth-secret; never logged, never shown back
    qint64 updatedAt = 0;       // ms since the epoch
};

struct TurnCredentials {
    QStringList uris;
    QString user;               // "<expiry, Unix seconds>:<pseudonym>"
    QString password;           // base64(HMAC-SHA-1(secret, user))
    int ttlSeconds = 0;
    qint64 expiresAt = 0;       // Unix seconds
};

// The current TURN settings, shared by the workers (which issue credentials) and the admin plane (which changes
// them at run time). Thread-safe.
class TurnSettings {
public:
    static constexpr int MaxUris = 16;
    static constexpr int MaxUriBytes = 512;
    static constexpr int MinTtlSeconds = 10;          // short lifetimes are for tests
    static constexpr int MaxTtlSeconds = 86400;
    static constexpr int DefaultTtlSeconds = 3600;
    static constexpr int MinSecretBytes = 16;
    static constexpr int MaxSecretBytes = 256;

    // Empty when `uri` is a TURN or STUN URI: turn:, turns:, stun: or stuns:, a host (name, IPv4 address or
    // [IPv6 address]), an optional port and, for turn: and turns: only, an optional ?transport=udp or tcp;
    // otherwise why it is not.
    static QString checkUri(const QString &uri);
    // Empty when `secret` fits a turnserver.conf line: 16 to 256 printable ASCII characters, no spaces.
    static QString checkSecret(const QString &secret);

    // What stands for the device in the TURN user name, so that the relay never learns who calls: the first 16 hex
    // digits of HMAC-SHA-256(secret, "parley-turn-id" 0x00 user 0x00 device as 4 bytes big-endian).
    static Result<QString> pseudonym(QByteArrayView secret, const QString &user, quint32 device);
    // Credentials for `device` of `user` that expire `config.ttlSeconds` after `nowSeconds`.
    static Result<TurnCredentials> issue(const TurnConfig &config, const QString &user, quint32 device, qint64 nowSeconds);

    void set(std::optional<TurnConfig> config);
    std::optional<TurnConfig> current() const;
    // Credentials from the current settings; std::nullopt when TURN is not configured.
    Result<std::optional<TurnCredentials>> issue(const QString &user, quint32 device, qint64 nowSeconds) const;

private:
    mutable QMutex m_mutex;
    std::optional<TurnConfig> m_config;
};

} // namespace parley::server
