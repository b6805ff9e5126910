#pragma once

// NIST P-256 keys for the web standards push providers speak: ES256 JSON Web Signatures (APNs provider tokens,
// VAPID, RFC 7518 3.4: raw r || s signatures) and ECDH for Web Push message encryption (RFC 8291). A typed view of
// CurveKey on P-256.

#include "core/result.h"
#include "crypto/curvekey.h"
#include "crypto/securebuffer.h"
#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace parley::crypto {

constexpr int P256PointSize = 65;       // 0x04 || X(32) || Y(32)
constexpr int P256SharedSize = 32;
constexpr int Es256SignatureSize = 64;  // r(32) || s(32)

class PARLEY_EXPORT P256Key {
public:
    P256Key() = default;   // copies share the underlying key (immutable)

    static Result<P256Key> generate() { return detail::typedKey<P256Key>(CurveKey::generate(Curve::P256)); }
    // Uncompressed SEC1 point (65 bytes), fully validated.
    static Result<P256Key> fromPublicPoint(QByteArrayView point)
    {
        return detail::typedKey<P256Key>(CurveKey::fromPublicPoint(Curve::P256, point));
    }
    // A PEM private key: PKCS#8 ("PRIVATE KEY", as in Apple's .p8 files) or SEC1 ("EC PRIVATE KEY"). Anything but
    // an unencrypted P-256 key is refused.
    static Result<P256Key> fromPrivatePem(QByteArrayView pem)
    {
        return detail::typedKey<P256Key>(CurveKey::fromPrivatePem(Curve::P256, pem));
    }

    bool isNull() const { return m_key.isNull(); }
    bool hasPrivateKey() const { return m_key.hasPrivateKey(); }
    QByteArray publicPoint() const { return m_key.publicPoint(); }           // 65 bytes
    Result<SecureBuffer> privatePem() const { return m_key.privatePem(); }   // PKCS#8 PEM

    // ECDSA with SHA-256; the signature as JWS ES256 wants it: r || s, 32 bytes each.
    Result<QByteArray> signEs256(QByteArrayView message) const { return m_key.sign(message, SignatureFormat::Raw); }
    bool verifyEs256(QByteArrayView message, QByteArrayView signature) const
    {
        return m_key.verify(message, signature, SignatureFormat::Raw);
    }

    // ECDH: the shared x-coordinate (32 bytes).
    Result<SecureBuffer> deriveShared(const P256Key &peer) const { return m_key.deriveShared(peer.m_key); }

private:
    explicit P256Key(CurveKey key) : m_key(std::move(key)) {}
    friend Result<P256Key> detail::typedKey<P256Key>(Result<CurveKey> key);

    CurveKey m_key;
};

} // namespace parley::crypto
