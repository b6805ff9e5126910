#pragma once

#include "core/result.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace parley::server {

// The signature keys of an OpenID provider: a JSON Web Key Set (RFC 7517) as published at its jwks_uri. Only what
// verifies RS256 or ES256 is kept: RSA keys of 2048 to 8192 bits and P-256 keys, whose "use" (when present) is
// "sig", whose "key_ops" (when present) include "verify" and whose "alg" (when present) is the one their type
// verifies; other keys (encryption keys, other curves and types, malformed ones) are left out.
class KeySet {
public:
    struct Key {
        QString kid;              // may be empty
        QString alg;              // RS256 or ES256
        crypto::RsaKey rsa;       // for RS256
        crypto::P256Key ec;       // for ES256
    };

    // InvalidArgument when the document is not a JSON object with a "keys" array.
    static Result<KeySet> parse(const QByteArray &json);

    // The key for a token's header: the one with `kid` for `alg` or, without a kid, the only key for `alg`.
    const Key *find(const QString &kid, const QString &alg) const;
    qsizetype size() const { return m_keys.size(); }

private:
    QList<Key> m_keys;
};

// What an ID token must say to be accepted (OpenID Connect Core 1.0, 3.1.3.7).
struct IdTokenExpectations {
    QString issuer;           // "iss", exactly
    QString clientId;         // the only audience; "azp", when present, too
    QString nonce;            // "nonce", exactly
    qint64 now = 0;           // seconds since the epoch
    int skewSeconds = 60;     // allowed clock difference for exp, iat and nbf
    int maxAgeSeconds = 600;  // "iat" no older than this (the longest a sign-in may take)
};

// A signed ID token in the JWS compact serialization, read strictly: three base64url parts without padding, a
// header with "alg" RS256 or ES256 (every other algorithm, "none" and the HMAC ones above all, is refused: the
// client secret is no key for tokens here) and no "crit", and a JSON object as payload.
class IdToken {
public:
    static constexpr qsizetype MaxSize = 16 * 1024;

    // InvalidArgument: malformed; Forbidden: an algorithm that is not accepted.
    static Result<IdToken> parse(QByteArrayView compact);

    const QString &algorithm() const { return m_alg; }
    const QString &keyId() const { return m_kid; }

    // The signature under the key set. NotFound when the set has no key for this token (the provider may have
    // rotated its keys: fetch the set again, once), Crypto when the signature does not verify.
    Status verify(const KeySet &keys) const;
    // The claims after the checks of `expect`, each failure an Unauthorized error naming the claim. Call after
    // verify().
    Result<QJsonObject> validate(const IdTokenExpectations &expect) const;

private:
    QString m_alg;
    QString m_kid;
    QByteArray m_signingInput;
    QByteArray m_signature;
    QJsonObject m_claims;
};

} // namespace parley::server
