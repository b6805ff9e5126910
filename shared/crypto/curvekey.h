#pragma once

// EC keys on the NIST curves the project uses: P-521 for its own protocol (EcKey) and P-256 for the web standards
// push providers speak (P256Key). Both are typed views of CurveKey, which holds the one implementation.

#include "core/result.h"
#include "crypto/securebuffer.h"
#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace parley::crypto {

enum class Curve : quint8 {
    P256,   // secp256r1; ECDSA with SHA-256
    P521,   // secp521r1; ECDSA with SHA-512
};

// How an ECDSA signature is written: the DER ECDSA-Sig-Value of X9.62, or r || s with each half as long as the
// curve's scalar (IEEE P1363, as JSON Web Signatures want it, RFC 7518 3.4).
enum class SignatureFormat : quint8 { Der, Raw };

// A key on one curve, public only or with its private scalar. Immutable; copies share the OpenSSL key.
class PARLEY_EXPORT CurveKey {
public:
    CurveKey();
    CurveKey(const CurveKey &other);
    CurveKey &operator=(const CurveKey &other);
    CurveKey(CurveKey &&other) noexcept;
    CurveKey &operator=(CurveKey &&other) noexcept;
    ~CurveKey();

    static int pointSize(Curve curve);    // uncompressed SEC1 point: 0x04 || X || Y
    static int scalarSize(Curve curve);   // also the size of a coordinate and of the ECDH secret

    static Result<CurveKey> generate(Curve curve);
    // Uncompressed SEC1 point. Rejects compressed points, points not on the curve and the identity.
    static Result<CurveKey> fromPublicPoint(Curve curve, QByteArrayView point);
    // DER SubjectPublicKeyInfo; rejects any other curve, explicit curve parameters (RFC 5480 allows only the named
    // curve), trailing bytes and invalid points. A compressed point inside is accepted (RFC 5480 2.2).
    static Result<CurveKey> fromPublicDer(Curve curve, QByteArrayView spki);
    // Big-endian private scalar (leading zeros allowed, up to scalarSize() significant bytes); must be in [1, n-1].
    static Result<CurveKey> fromPrivateScalar(Curve curve, QByteArrayView scalar);
    // A PEM private key: PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"), unencrypted, on `curve`.
    static Result<CurveKey> fromPrivatePem(Curve curve, QByteArrayView pem);

    bool isNull() const;
    Curve curve() const;                            // P521 for a null key
    bool hasPrivateKey() const;
    QByteArray publicPoint() const;                 // pointSize() bytes
    QByteArray publicDer() const;                   // DER SubjectPublicKeyInfo, named curve, uncompressed point
    SecureBuffer privateScalar() const;             // scalarSize() bytes, big-endian, zero-padded
    Result<SecureBuffer> privatePem() const;        // PKCS#8 PEM

    // ECDSA with the curve's hash. A DER signature must be DER to the letter: BER forms and trailing bytes are
    // refused.
    Result<QByteArray> sign(QByteArrayView message, SignatureFormat format) const;
    bool verify(QByteArrayView message, QByteArrayView signature, SignatureFormat format) const;

    // ECDH: the shared x-coordinate (scalarSize() bytes). `peer` must be a valid public key on the same curve.
    Result<SecureBuffer> deriveShared(const CurveKey &peer) const;

private:
    struct Private;
    std::shared_ptr<const Private> d;
};

namespace detail {

// A CurveKey result as one of the typed key classes (EcKey, P256Key), which construct from a CurveKey of their curve.
template<typename Key>
Result<Key> typedKey(Result<CurveKey> key)
{
    if (!key)
        return key.error();
    return Key(std::move(key).value());
}

} // namespace detail

} // namespace parley::crypto
