// NIST P-521 keys: generation, strict import, ECDSA (SHA-512, DER) and ECDH, all through EVP.

#include "crypto/crypto.h"
#include "crypto/openssl_p.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

constexpr char GroupName[] = "secp521r1";

// The order n of the P-521 base point (FIPS 186-4, D.1.2.5), big-endian in 66 bytes.
constexpr unsigned char P521Order[P521ScalarSize] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86,
    0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8,
    0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
};

// SubjectPublicKeyInfo { AlgorithmIdentifier { id-ecPublicKey, secp521r1 }, BIT STRING (0 unused bits) } up to the
// point; the 133-byte uncompressed point follows.
constexpr unsigned char SpkiPrefix[] = {
    0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05,
    0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
};

// RFC 5915 ECPrivateKey { version 1, privateKey OCTET STRING (66), parameters [0] secp521r1 } without the optional
// public key, which OpenSSL computes while decoding. Layout: header, scalar, trailer.
constexpr unsigned char EcPrivateKeyHeader[] = {0x30, 0x50, 0x02, 0x01, 0x01, 0x04, 0x42};
constexpr unsigned char EcPrivateKeyTrailer[] = {0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

QString stringParam(const EVP_PKEY *pkey, const char *name)
{
    char buffer[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, name, buffer, sizeof buffer, &length) != 1)
        return QString();
    return QString::fromLatin1(buffer, qsizetype(length));
}

bool isP521(const EVP_PKEY *pkey)
{
    return EVP_PKEY_is_a(pkey, "EC") && stringParam(pkey, OSSL_PKEY_PARAM_GROUP_NAME) == QLatin1StringView(GroupName);
}

// The uncompressed point 04 || X || Y, independent of the conversion form the key was created with.
QByteArray uncompressedPoint(const EVP_PKEY *pkey)
{
    BIGNUM *rawX = nullptr;
    BIGNUM *rawY = nullptr;
    const bool got = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &rawX) == 1
        && EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &rawY) == 1;
    BignumPtr x(rawX);
    BignumPtr y(rawY);
    if (!got)
        return QByteArray();
    QByteArray point(P521PointSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(point.data());
    out[0] = 0x04;
    if (BN_bn2binpad(x.get(), out + 1, P521ScalarSize) != P521ScalarSize
        || BN_bn2binpad(y.get(), out + 1 + P521ScalarSize, P521ScalarSize) != P521ScalarSize)
        return QByteArray();
    return point;
}

} // namespace

struct EcKey::Private {
    EvpPkeyPtr pkey;
    QByteArray point;
    bool hasPrivate = false;

    // Takes a key OpenSSL produced and makes an EcKey of it, after checking that it is P-521 with a public point.
    static Result<EcKey> wrap(EvpPkeyPtr pkey, bool hasPrivate)
    {
        if (!pkey || !isP521(pkey.get()))
            return failure(ErrorCode::Crypto, u"not a P-521 key"_s);
        QByteArray point = uncompressedPoint(pkey.get());
        if (point.isEmpty())
            return failure(ErrorCode::Crypto, u"P-521 key has no usable public point"_s);
        EcKey key;
        key.d = std::make_shared<Private>();
        key.d->pkey = std::move(pkey);
        key.d->point = std::move(point);
        key.d->hasPrivate = hasPrivate;
        return key;
    }
};

EcKey::EcKey() = default;
EcKey::EcKey(const EcKey &other) = default;
EcKey &EcKey::operator=(const EcKey &other) = default;
EcKey::EcKey(EcKey &&other) noexcept = default;
EcKey &EcKey::operator=(EcKey &&other) noexcept = default;
EcKey::~EcKey() = default;

Result<EcKey> EcKey::generate()
{
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(ctx.get(), GroupName) != 1)
        return opensslError(u"P-521 key generation setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
        return opensslError(u"P-521 key generation failed"_s);
    return Private::wrap(EvpPkeyPtr(raw), true);
}

Result<EcKey> EcKey::fromPublicPoint(QByteArrayView point)
{
    if (point.size() != P521PointSize)
        return makeError(ErrorCode::Crypto, u"P-521 public point must be 133 bytes"_s);
    if (static_cast<unsigned char>(point.front()) != 0x04)
        return makeError(ErrorCode::Crypto, u"P-521 public point must be uncompressed"_s);

    OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, GroupName, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), std::size_t(point.size())) != 1)
        return opensslError(u"building P-521 key parameters failed"_s);
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return opensslError(u"P-521 key import setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return failure(ErrorCode::Crypto, u"P-521 public point is not on the curve"_s);
    EvpPkeyPtr pkey(raw);

    // Public key validation: coordinates in range, on the curve, not the identity (SP 800-56A 5.6.2.3.4). P-521 has
    // cofactor 1, so every point on the curve other than the identity has order n: this partial validation is
    // equivalent to the full one of 5.6.2.3.3, whose extra n·Q = O multiplication would cost a third of a signature
    // check on every key import (each login, each wrapped key).
    EvpPkeyCtxPtr checkCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!checkCtx)
        return opensslError(u"EVP_PKEY_CTX_new_from_pkey failed"_s);
    if (EVP_PKEY_public_check_quick(checkCtx.get()) != 1)
        return failure(ErrorCode::Crypto, u"P-521 public point failed validation"_s);

    auto key = Private::wrap(std::move(pkey), false);
    if (!key)
        return key;
    if (key->publicPoint() != point)   // the encoding must be the canonical one
        return makeError(ErrorCode::Crypto, u"P-521 public point is not canonically encoded"_s);
    return key;
}

Result<EcKey> EcKey::fromPublicDer(QByteArrayView spki)
{
    if (spki.isEmpty())
        return makeError(ErrorCode::Crypto, u"empty public key"_s);
    EVP_PKEY *raw = nullptr;
    OsslDecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", "SubjectPublicKeyInfo", "EC",
                                                            EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
    if (!decoder)
        return opensslError(u"public key decoder setup failed"_s);
    const unsigned char *data = bytes(spki);
    std::size_t remaining = std::size_t(spki.size());
    const int decoded = OSSL_DECODER_from_data(decoder.get(), &data, &remaining);
    EvpPkeyPtr pkey(raw);
    if (decoded != 1 || !pkey)
        return failure(ErrorCode::Crypto, u"not a DER SubjectPublicKeyInfo of an EC key"_s);
    if (remaining != 0)
        return failure(ErrorCode::Crypto, u"trailing data after the public key"_s);
    // RFC 5480 2.1.1: only namedCurve is allowed. Explicit parameters are refused even when OpenSSL recognises them
    // as P-521, since it then silently replaces whatever cofactor or seed they declared.
    if (stringParam(pkey.get(), OSSL_PKEY_PARAM_EC_ENCODING) != QLatin1StringView(OSSL_PKEY_EC_ENCODING_GROUP))
        return failure(ErrorCode::Crypto, u"public key must name its curve"_s);
    if (!isP521(pkey.get()))
        return failure(ErrorCode::Crypto, u"public key is not on P-521"_s);
    // Re-import through the strict point path so both entry points apply exactly the same validation. A compressed
    // point in the SubjectPublicKeyInfo is allowed (RFC 5480 2.2); it arrives here decompressed.
    const QByteArray point = uncompressedPoint(pkey.get());
    if (point.isEmpty())
        return failure(ErrorCode::Crypto, u"public key has no usable point"_s);
    return fromPublicPoint(point);
}

Result<EcKey> EcKey::fromPrivateScalar(QByteArrayView scalar)
{
    // Accept leading zero bytes beyond 66 (as in an ASN.1 INTEGER), but no more significant bytes than that.
    qsizetype extra = scalar.size() - P521ScalarSize;
    for (qsizetype i = 0; i < extra; ++i) {
        if (scalar[i] != 0)
            return makeError(ErrorCode::Crypto, u"P-521 private scalar is out of range"_s);
    }
    if (extra < 0)
        extra = 0;
    const QByteArrayView significant = scalar.sliced(extra);

    SecureBuffer der(sizeof EcPrivateKeyHeader + P521ScalarSize + sizeof EcPrivateKeyTrailer);
    unsigned char *s = der.data() + sizeof EcPrivateKeyHeader;
    std::memcpy(der.data(), EcPrivateKeyHeader, sizeof EcPrivateKeyHeader);
    if (!significant.isEmpty())
        std::memcpy(s + (P521ScalarSize - significant.size()), significant.data(), std::size_t(significant.size()));
    std::memcpy(s + P521ScalarSize, EcPrivateKeyTrailer, sizeof EcPrivateKeyTrailer);

    // 1 <= s <= n - 1, checked without branching on the secret: s < n iff s - n borrows.
    unsigned borrow = 0;
    unsigned nonZero = 0;
    for (int i = P521ScalarSize - 1; i >= 0; --i) {
        const unsigned diff = unsigned(s[i]) - unsigned(P521Order[i]) - borrow;
        borrow = (diff >> 31) & 1u;
        nonZero |= s[i];
    }
    if (borrow == 0 || nonZero == 0)
        return makeError(ErrorCode::Crypto, u"P-521 private scalar is out of range"_s);

    // OpenSSL 3.0's EVP_PKEY_fromdata() does not derive the public point from a bare scalar, and the EVP layer has
    // no other way to; its ECPrivateKey decoder does. (The decoder's internal copy of the DER is OpenSSL's to free.)
    EVP_PKEY *raw = nullptr;
    OsslDecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", "type-specific", "EC", EVP_PKEY_KEYPAIR,
                                                            nullptr, nullptr));
    if (!decoder)
        return opensslError(u"private key decoder setup failed"_s);
    const unsigned char *data = der.data();
    std::size_t remaining = der.size();
    const int decoded = OSSL_DECODER_from_data(decoder.get(), &data, &remaining);
    EvpPkeyPtr pkey(raw);
    if (decoded != 1 || !pkey || remaining != 0)
        return opensslError(u"P-521 private key import failed"_s);
    return Private::wrap(std::move(pkey), true);
}

bool EcKey::isNull() const
{
    return !d;
}

bool EcKey::hasPrivateKey() const
{
    return d && d->hasPrivate;
}

QByteArray EcKey::publicPoint() const
{
    return d ? d->point : QByteArray();
}

QByteArray EcKey::publicDer() const
{
    if (!d)
        return QByteArray();
    QByteArray der(reinterpret_cast<const char *>(SpkiPrefix), qsizetype(sizeof SpkiPrefix));
    der += d->point;
    return der;
}

SecureBuffer EcKey::privateScalar() const
{
    if (!hasPrivateKey())
        return SecureBuffer();
    BIGNUM *raw = nullptr;
    const int got = EVP_PKEY_get_bn_param(d->pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw);
    SecretBignumPtr scalar(raw);
    SecureBuffer out(P521ScalarSize);
    if (got != 1 || BN_bn2binpad(scalar.get(), out.data(), P521ScalarSize) != P521ScalarSize) {
        clearErrors();
        return SecureBuffer();
    }
    return out;
}

Result<QByteArray> EcKey::sign(QByteArrayView message) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"signing needs a private key"_s);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA512", nullptr, nullptr, d->pkey.get(), nullptr) != 1)
        return opensslError(u"ECDSA signing setup failed"_s);
    std::size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, bytes(message), std::size_t(message.size())) != 1)
        return opensslError(u"ECDSA signing failed"_s);
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes(message),
                       std::size_t(message.size())) != 1)
        return opensslError(u"ECDSA signing failed"_s);
    signature.truncate(qsizetype(length));
    return signature;
}

bool EcKey::verify(QByteArrayView message, QByteArrayView derSignature) const
{
    if (!d || derSignature.isEmpty())
        return false;
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA512", nullptr, nullptr, d->pkey.get(), nullptr) != 1) {
        clearErrors();
        return false;
    }
    // OpenSSL re-encodes the parsed signature and compares, so BER forms and trailing bytes are refused.
    const bool valid = EVP_DigestVerify(ctx.get(), bytes(derSignature), std::size_t(derSignature.size()),
                                        bytes(message), std::size_t(message.size()))
        == 1;
    clearErrors();
    return valid;
}

Result<SecureBuffer> EcKey::deriveShared(const EcKey &peer) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a private key"_s);
    if (peer.isNull())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a peer key"_s);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return opensslError(u"ECDH setup failed"_s);
    // validate_peer = 1: the peer's point is checked again, whatever path created it.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.d->pkey.get(), 1) != 1)
        return failure(ErrorCode::Crypto, u"ECDH peer key is invalid"_s);
    std::size_t length = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != std::size_t(P521SharedSize))
        return opensslError(u"ECDH failed"_s);
    SecureBuffer shared(length);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &length) != 1 || length != std::size_t(P521SharedSize))
        return opensslError(u"ECDH failed"_s);
    return shared;
}

} // namespace parley::crypto
