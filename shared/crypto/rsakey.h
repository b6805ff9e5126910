#pragma once

// RSA keys for RS256 JSON Web Signatures (RFC 7518 3.3: RSASSA-PKCS1-v1_5 with SHA-256), as OAuth 2.0 service
// account assertions (RFC 7523) need them.

#include "core/result.h"
#include "crypto/securebuffer.h"
#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace parley::crypto {

class PARLEY_EXPORT RsaKey {
public:
    RsaKey();
    RsaKey(const RsaKey &other);              // shares the underlying EVP_PKEY (reference counted, immutable)
    RsaKey &operator=(const RsaKey &other);
    RsaKey(RsaKey &&other) noexcept;
    RsaKey &operator=(RsaKey &&other) noexcept;
    ~RsaKey();

    // 2048 to 8192 bits.
    static Result<RsaKey> generate(int bits);
    // A PEM private key: PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"), unencrypted, at least 2048 bits.
    static Result<RsaKey> fromPrivatePem(QByteArrayView pem);
    // A public key from its modulus and public exponent, unsigned big-endian (a JWK's "n" and "e", RFC 7518 6.3.1):
    // 2048 to 8192 bits, an odd exponent from 3 to 2^32 - 1. The key only verifies.
    static Result<RsaKey> fromPublicComponents(QByteArrayView modulus, QByteArrayView exponent);

    bool isNull() const;
    bool hasPrivateKey() const;
    int bits() const;
    // The modulus and public exponent, unsigned big-endian without leading zeros.
    QByteArray modulus() const;
    QByteArray publicExponent() const;
    Result<SecureBuffer> privatePem() const;        // PKCS#8 PEM

    Result<QByteArray> signRs256(QByteArrayView message) const;
    bool verifyRs256(QByteArrayView message, QByteArrayView signature) const;

private:
    struct Private;
    std::shared_ptr<Private> d;
};

} // namespace parley::crypto
