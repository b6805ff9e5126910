#pragma once

// The only entry point to OpenSSL in the project. Small RAII wrappers over EVP.

#include "core/result.h"
#include "crypto/curvekey.h"
#include "crypto/securebuffer.h"
#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace parley::crypto {

constexpr int P521PointSize = 133;      // 0x04 || X(66) || Y(66)
constexpr int P521ScalarSize = 66;
constexpr int P521SharedSize = 66;      // ECDH x-coordinate
constexpr int MaxEcdsaP521DerSize = 139;
constexpr int AesKeySize = 32;
constexpr int GcmNonceSize = 12;
constexpr int GcmTagSize = 16;

PARLEY_EXPORT QByteArray randomBytes(int size);               // RAND_bytes; aborts the process if the CSPRNG fails
PARLEY_EXPORT SecureBuffer randomSecret(int size);
PARLEY_EXPORT QByteArray sha256(QByteArrayView data);
PARLEY_EXPORT QByteArray sha512(QByteArrayView data);
PARLEY_EXPORT bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
// HMAC (RFC 2104) with SHA-1, as RFC 6238 TOTP uses it.
PARLEY_EXPORT Result<QByteArray> hmacSha1(QByteArrayView key, QByteArrayView data);
// HMAC (RFC 2104) with SHA-256.
PARLEY_EXPORT Result<QByteArray> hmacSha256(QByteArrayView key, QByteArrayView data);

// HKDF-SHA-512 (RFC 5869). Fails for length > 255*64 or length == 0.
PARLEY_EXPORT Result<SecureBuffer> hkdfSha512(QByteArrayView ikm, QByteArrayView salt, QByteArrayView info, int length);
// HKDF-SHA-256 (RFC 5869), for the web standards that use it (RFC 8291). Fails for length > 255*32 or 0.
PARLEY_EXPORT Result<SecureBuffer> hkdfSha256(QByteArrayView ikm, QByteArrayView salt, QByteArrayView info, int length);

// scrypt (RFC 7914) for deriving keys from passphrases.
struct ScryptParams { quint64 n = 1u << 15; quint32 r = 8; quint32 p = 1; };
PARLEY_EXPORT Result<SecureBuffer> scrypt(QByteArrayView passphrase, QByteArrayView salt, ScryptParams params, int length);

// AES-GCM with a 128/192/256-bit key. Output of seal: ciphertext || tag (tagSize bytes).
// Any iv length >= 1 is accepted (as GCM allows); the project itself always uses 12-byte random nonces.
PARLEY_EXPORT Result<QByteArray> aesGcmSeal(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext,
                                            QByteArrayView aad, int tagSize = GcmTagSize);
PARLEY_EXPORT Result<SecureBuffer> aesGcmOpen(QByteArrayView key, QByteArrayView iv, QByteArrayView ciphertextAndTag,
                                              QByteArrayView aad, int tagSize = GcmTagSize);

// An EC key on NIST P-521, public only or with its private scalar.
class PARLEY_EXPORT EcKey {
public:
    EcKey() = default;   // copies share the underlying key (immutable)

    static Result<EcKey> generate() { return detail::typedKey<EcKey>(CurveKey::generate(Curve::P521)); }
    // Uncompressed SEC1 point (133 bytes). Rejects compressed points, points not on the curve and the identity.
    static Result<EcKey> fromPublicPoint(QByteArrayView point)
    {
        return detail::typedKey<EcKey>(CurveKey::fromPublicPoint(Curve::P521, point));
    }
    // DER SubjectPublicKeyInfo; rejects any curve but P-521, explicit curve parameters (RFC 5480 allows only the
    // named curve), trailing bytes and invalid points. A compressed point inside is accepted (RFC 5480 2.2).
    static Result<EcKey> fromPublicDer(QByteArrayView spki)
    {
        return detail::typedKey<EcKey>(CurveKey::fromPublicDer(Curve::P521, spki));
    }
    // Big-endian private scalar (leading zeros allowed, up to 66 significant bytes); must be in [1, n-1].
    static Result<EcKey> fromPrivateScalar(QByteArrayView scalar)
    {
        return detail::typedKey<EcKey>(CurveKey::fromPrivateScalar(Curve::P521, scalar));
    }

    bool isNull() const { return m_key.isNull(); }
    bool hasPrivateKey() const { return m_key.hasPrivateKey(); }
    QByteArray publicPoint() const { return m_key.publicPoint(); }       // 133 bytes
    QByteArray publicDer() const { return m_key.publicDer(); }           // DER SubjectPublicKeyInfo, named curve
    SecureBuffer privateScalar() const { return m_key.privateScalar(); } // 66 bytes, big-endian, zero-padded

    // ECDSA with SHA-512, DER-encoded signature.
    Result<QByteArray> sign(QByteArrayView message) const { return m_key.sign(message, SignatureFormat::Der); }
    bool verify(QByteArrayView message, QByteArrayView derSignature) const
    {
        return m_key.verify(message, derSignature, SignatureFormat::Der);
    }

    // ECDH: the shared x-coordinate (66 bytes). `peer` must be a valid P-521 public key.
    Result<SecureBuffer> deriveShared(const EcKey &peer) const { return m_key.deriveShared(peer.m_key); }

private:
    explicit EcKey(CurveKey key) : m_key(std::move(key)) {}
    friend Result<EcKey> detail::typedKey<EcKey>(Result<CurveKey> key);

    CurveKey m_key;
};

// TLS certificate helpers for the daemon (self-signed first-start certificate).
struct GeneratedCertificate {
    QByteArray certificatePem;
    SecureBuffer privateKeyPem;   // PKCS#8 PEM
};
// A self-signed ECDSA P-256 certificate (SHA-256), serverAuth, with the given DNS names and IP addresses as SANs.
PARLEY_EXPORT Result<GeneratedCertificate> generateSelfSignedCertificate(const QString &commonName,
                                                                         const QStringList &dnsNames,
                                                                         const QList<QHostAddress> &addresses,
                                                                         int validDays);

// Whether a PEM private key (PKCS#8 or traditional; EC or RSA) belongs to the first certificate of a PEM chain.
PARLEY_EXPORT Status certificateMatchesKey(QByteArrayView certificatePem, QByteArrayView privateKeyPem);
// A new ECDSA P-256 key and a PKCS#10 certificate signing request (SHA-256) for it, with the DNS names as SANs.
struct GeneratedRequest {
    QByteArray requestPem;
    SecureBuffer privateKeyPem;   // PKCS#8 PEM
};
PARLEY_EXPORT Result<GeneratedRequest> generateCertificateRequest(const QString &commonName, const QStringList &dnsNames);

// A self-signed ECDSA P-256 CA certificate (CA:TRUE, pathlen 0, keyCertSign) for issuing admin client certificates
// (the admin listener's client_ca, docs/admin-api.md).
PARLEY_EXPORT Result<GeneratedCertificate> generateCertificateAuthority(const QString &commonName, int validDays);
// A new ECDSA P-256 key and a clientAuth certificate for it, issued and signed by the CA (PEM certificate and key).
PARLEY_EXPORT Result<GeneratedCertificate> issueClientCertificate(QByteArrayView caCertificatePem,
                                                                 QByteArrayView caPrivateKeyPem,
                                                                 const QString &commonName, int validDays);

} // namespace parley::crypto
