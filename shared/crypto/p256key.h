#pragma once

// NIST P-256 keys for the web standards push providers speak: ES256 JSON Web Signatures (APNs provider tokens,
// VAPID, RFC 7518 3.4: raw r || s signatures) and ECDH for Web Push message encryption (RFC 8291).

#include "core/result.h"
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
    P256Key();
    P256Key(const P256Key &other);            // shares the underlying EVP_PKEY (reference counted, immutable)
    P256Key &operator=(const P256Key &other);
    P256Key(P256Key &&other) noexcept;
    P256Key &operator=(P256Key &&other) noexcept;
    ~P256Key();

    static Result<P256Key> generate();
    // Uncompressed SEC1 point (65 bytes), fully validated.
    static Result<P256Key> fromPublicPoint(QByteArrayView point);
    // A PEM private key: PKCS#8 ("PRIVATE KEY", as in Apple's .p8 files) or SEC1 ("EC PRIVATE KEY"). Anything but
    // an unencrypted P-256 key is refused.
    static Result<P256Key> fromPrivatePem(QByteArrayView pem);

    bool isNull() const;
    bool hasPrivateKey() const;
    QByteArray publicPoint() const;                 // 65 bytes
    Result<SecureBuffer> privatePem() const;        // PKCS#8 PEM

    // ECDSA with SHA-256; the signature as JWS ES256 wants it: r || s, 32 bytes each.
    Result<QByteArray> signEs256(QByteArrayView message) const;
    bool verifyEs256(QByteArrayView message, QByteArrayView signature) const;

    // ECDH: the shared x-coordinate (32 bytes).
    Result<SecureBuffer> deriveShared(const P256Key &peer) const;

private:
    struct Private;
    std::shared_ptr<Private> d;
};

} // namespace parley::crypto
