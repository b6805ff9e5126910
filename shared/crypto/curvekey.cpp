// EC keys on NIST P-256 and P-521: generation, strict import, ECDSA and ECDH, all through EVP. The curves differ
// only in the table below.

#include "crypto/curvekey.h"
#include "crypto/openssl_p.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>

#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

// The order n of the base point (FIPS 186-4, D.1.2.3 and D.1.2.5), big-endian in scalarSize bytes.
constexpr unsigned char P256Order[] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
constexpr unsigned char P521Order[] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86,
    0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8,
    0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
};

// SubjectPublicKeyInfo { AlgorithmIdentifier { id-ecPublicKey, named curve }, BIT STRING (0 unused bits) } up to the
// point; the uncompressed point follows.
constexpr unsigned char P256SpkiPrefix[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};
constexpr unsigned char P521SpkiPrefix[] = {
    0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05,
    0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
};

// RFC 5915 ECPrivateKey { version 1, privateKey OCTET STRING, parameters [0] named curve } without the optional
// public key, which OpenSSL computes while decoding. Layout: header, scalar, trailer.
constexpr unsigned char P256EcPrivateKeyHeader[] = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
constexpr unsigned char P256EcPrivateKeyTrailer[] = {
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
};
constexpr unsigned char P521EcPrivateKeyHeader[] = {0x30, 0x50, 0x02, 0x01, 0x01, 0x04, 0x42};
constexpr unsigned char P521EcPrivateKeyTrailer[] = {0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};

struct ByteSpan {
    const unsigned char *data;
    int size;
};

template<std::size_t N>
constexpr ByteSpan view(const unsigned char (&bytes)[N])
{
    return ByteSpan{bytes, int(N)};
}

struct CurveInfo {
    const char *group;        // OpenSSL's group name
    const char *name;         // as messages write it
    const char *digest;       // ECDSA's hash
    int scalarSize;
    ByteSpan order;
    ByteSpan spkiPrefix;
    ByteSpan ecPrivateKeyHeader;
    ByteSpan ecPrivateKeyTrailer;

    QLatin1StringView label() const { return QLatin1StringView(name); }
    int pointSize() const { return 1 + 2 * scalarSize; }
};

constexpr CurveInfo P256{"prime256v1", "P-256", "SHA256", 32, view(P256Order), view(P256SpkiPrefix),
                         view(P256EcPrivateKeyHeader), view(P256EcPrivateKeyTrailer)};
constexpr CurveInfo P521{"secp521r1", "P-521", "SHA512", 66, view(P521Order), view(P521SpkiPrefix),
                         view(P521EcPrivateKeyHeader), view(P521EcPrivateKeyTrailer)};
static_assert(P256.order.size == P256.scalarSize && P521.order.size == P521.scalarSize);

const CurveInfo &info(Curve curve)
{
    return curve == Curve::P256 ? P256 : P521;
}

QString stringParam(const EVP_PKEY *pkey, const char *name)
{
    char buffer[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, name, buffer, sizeof buffer, &length) != 1)
        return QString();
    return QString::fromLatin1(buffer, qsizetype(length));
}

bool isOnCurve(const EVP_PKEY *pkey, const CurveInfo &curve)
{
    return EVP_PKEY_is_a(pkey, "EC")
        && stringParam(pkey, OSSL_PKEY_PARAM_GROUP_NAME) == QLatin1StringView(curve.group);
}

// The uncompressed point 04 || X || Y, independent of the conversion form the key was created with.
QByteArray uncompressedPoint(const EVP_PKEY *pkey, const CurveInfo &curve)
{
    BIGNUM *rawX = nullptr;
    BIGNUM *rawY = nullptr;
    const bool got = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &rawX) == 1
        && EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &rawY) == 1;
    BignumPtr x(rawX);
    BignumPtr y(rawY);
    if (!got)
        return QByteArray();
    const int size = curve.scalarSize;
    QByteArray point(curve.pointSize(), '\0');
    auto *out = reinterpret_cast<unsigned char *>(point.data());
    out[0] = 0x04;
    if (BN_bn2binpad(x.get(), out + 1, size) != size || BN_bn2binpad(y.get(), out + 1 + size, size) != size)
        return QByteArray();
    return point;
}

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

// A DER ECDSA-Sig-Value as r || s, `size` bytes each.
Result<QByteArray> rawSignature(const QByteArray &der, int size)
{
    const unsigned char *p = bytes(der);
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
    if (!sig)
        return opensslError(u"ECDSA signature decoding failed"_s);
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    QByteArray raw(2 * size, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(r, out, size) != size || BN_bn2binpad(s, out + size, size) != size)
        return opensslError(u"ECDSA signature encoding failed"_s);
    return raw;
}

// r || s (`size` bytes each) as a DER ECDSA-Sig-Value; empty when it is not that long.
QByteArray derSignature(QByteArrayView raw, int size)
{
    if (raw.size() != 2 * size)
        return QByteArray();
    BignumPtr r(BN_bin2bn(bytes(raw), size, nullptr));
    BignumPtr s(BN_bin2bn(bytes(raw) + size, size, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        clearErrors();
        return QByteArray();
    }
    (void)r.release();   // owned by sig now
    (void)s.release();
    unsigned char *der = nullptr;
    const int length = i2d_ECDSA_SIG(sig.get(), &der);
    if (length <= 0) {
        clearErrors();
        return QByteArray();
    }
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

} // namespace

struct CurveKey::Private {
    Curve curve = Curve::P521;
    EvpPkeyPtr pkey;
    QByteArray point;
    bool hasPrivate = false;

    const CurveInfo &info() const { return crypto::info(curve); }

    // Takes a key OpenSSL produced and makes a CurveKey of it, after checking that it is on `curve` with a public
    // point.
    static Result<CurveKey> wrap(Curve curve, EvpPkeyPtr pkey, bool hasPrivate)
    {
        const CurveInfo &c = crypto::info(curve);
        if (!pkey || !isOnCurve(pkey.get(), c))
            return failure(ErrorCode::Crypto, u"not a %1 key"_s.arg(c.label()));
        QByteArray point = uncompressedPoint(pkey.get(), c);
        if (point.isEmpty())
            return failure(ErrorCode::Crypto, u"%1 key has no usable public point"_s.arg(c.label()));
        auto d = std::make_shared<Private>();
        d->curve = curve;
        d->pkey = std::move(pkey);
        d->point = std::move(point);
        d->hasPrivate = hasPrivate;
        CurveKey key;
        key.d = std::move(d);
        return key;
    }
};

CurveKey::CurveKey() = default;
CurveKey::CurveKey(const CurveKey &other) = default;
CurveKey &CurveKey::operator=(const CurveKey &other) = default;
CurveKey::CurveKey(CurveKey &&other) noexcept = default;
CurveKey &CurveKey::operator=(CurveKey &&other) noexcept = default;
CurveKey::~CurveKey() = default;

int CurveKey::pointSize(Curve curve)
{
    return info(curve).pointSize();
}

int CurveKey::scalarSize(Curve curve)
{
    return info(curve).scalarSize;
}

Result<CurveKey> CurveKey::generate(Curve curve)
{
    const CurveInfo &c = info(curve);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(ctx.get(), c.group) != 1)
        return opensslError(u"%1 key generation setup failed"_s.arg(c.label()));
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
        return opensslError(u"%1 key generation failed"_s.arg(c.label()));
    return Private::wrap(curve, EvpPkeyPtr(raw), true);
}

Result<CurveKey> CurveKey::fromPublicPoint(Curve curve, QByteArrayView point)
{
    const CurveInfo &c = info(curve);
    if (point.size() != c.pointSize())
        return makeError(ErrorCode::Crypto, u"%1 public point must be %2 bytes"_s.arg(c.label()).arg(c.pointSize()));
    if (static_cast<unsigned char>(point.front()) != 0x04)
        return makeError(ErrorCode::Crypto, u"%1 public point must be uncompressed"_s.arg(c.label()));

    OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.group, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), std::size_t(point.size())) != 1)
        return opensslError(u"building %1 key parameters failed"_s.arg(c.label()));
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return opensslError(u"%1 key import setup failed"_s.arg(c.label()));
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return failure(ErrorCode::Crypto, u"%1 public point is not on the curve"_s.arg(c.label()));
    EvpPkeyPtr pkey(raw);

    // Public key validation: coordinates in range, on the curve, not the identity (SP 800-56A 5.6.2.3.4). Both curves
    // have cofactor 1, so every point on the curve other than the identity has order n: this partial validation is
    // equivalent to the full one of 5.6.2.3.3, whose extra n·Q = O multiplication would cost a third of a signature
    // check on every key import (each login, each wrapped key).
    EvpPkeyCtxPtr checkCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!checkCtx)
        return opensslError(u"EVP_PKEY_CTX_new_from_pkey failed"_s);
    if (EVP_PKEY_public_check_quick(checkCtx.get()) != 1)
        return failure(ErrorCode::Crypto, u"%1 public point failed validation"_s.arg(c.label()));

    auto key = Private::wrap(curve, std::move(pkey), false);
    if (!key)
        return key;
    if (key->publicPoint() != point)   // the encoding must be the canonical one
        return makeError(ErrorCode::Crypto, u"%1 public point is not canonically encoded"_s.arg(c.label()));
    return key;
}

Result<CurveKey> CurveKey::fromPublicDer(Curve curve, QByteArrayView spki)
{
    const CurveInfo &c = info(curve);
    if (spki.isEmpty())
        return makeError(ErrorCode::Crypto, u"empty public key"_s);
    auto decoded = decodeKey(spki, "DER", "SubjectPublicKeyInfo", "EC", EVP_PKEY_PUBLIC_KEY);
    if (!decoded)
        return decoded.error();
    const EvpPkeyPtr &pkey = decoded->key;
    if (!pkey)
        return failure(ErrorCode::Crypto, u"not a DER SubjectPublicKeyInfo of an EC key"_s);
    if (decoded->trailing != 0)
        return failure(ErrorCode::Crypto, u"trailing data after the public key"_s);
    // RFC 5480 2.1.1: only namedCurve is allowed. Explicit parameters are refused even when OpenSSL recognises them
    // as the curve, since it then silently replaces whatever cofactor or seed they declared.
    if (stringParam(pkey.get(), OSSL_PKEY_PARAM_EC_ENCODING) != QLatin1StringView(OSSL_PKEY_EC_ENCODING_GROUP))
        return failure(ErrorCode::Crypto, u"public key must name its curve"_s);
    if (!isOnCurve(pkey.get(), c))
        return failure(ErrorCode::Crypto, u"public key is not on %1"_s.arg(c.label()));
    // Re-import through the strict point path so both entry points apply exactly the same validation. A compressed
    // point in the SubjectPublicKeyInfo is allowed (RFC 5480 2.2); it arrives here decompressed.
    const QByteArray point = uncompressedPoint(pkey.get(), c);
    if (point.isEmpty())
        return failure(ErrorCode::Crypto, u"public key has no usable point"_s);
    return fromPublicPoint(curve, point);
}

Result<CurveKey> CurveKey::fromPrivateScalar(Curve curve, QByteArrayView scalar)
{
    const CurveInfo &c = info(curve);
    const int size = c.scalarSize;
    // Accept leading zero bytes beyond the scalar size (as in an ASN.1 INTEGER), but no more significant bytes.
    qsizetype extra = scalar.size() - size;
    for (qsizetype i = 0; i < extra; ++i) {
        if (scalar[i] != 0)
            return makeError(ErrorCode::Crypto, u"%1 private scalar is out of range"_s.arg(c.label()));
    }
    if (extra < 0)
        extra = 0;
    const QByteArrayView significant = scalar.sliced(extra);

    const ByteSpan header = c.ecPrivateKeyHeader;
    const ByteSpan trailer = c.ecPrivateKeyTrailer;
    SecureBuffer der(std::size_t(header.size + size + trailer.size));
    unsigned char *s = der.data() + header.size;
    std::memcpy(der.data(), header.data, std::size_t(header.size));
    if (!significant.isEmpty())
        std::memcpy(s + (size - significant.size()), significant.data(), std::size_t(significant.size()));
    std::memcpy(s + size, trailer.data, std::size_t(trailer.size));

    // 1 <= s <= n - 1, checked without branching on the secret: s < n iff s - n borrows.
    const unsigned char *order = c.order.data;
    unsigned borrow = 0;
    unsigned nonZero = 0;
    for (int i = size - 1; i >= 0; --i) {
        const unsigned diff = unsigned(s[i]) - unsigned(order[i]) - borrow;
        borrow = (diff >> 31) & 1u;
        nonZero |= s[i];
    }
    if (borrow == 0 || nonZero == 0)
        return makeError(ErrorCode::Crypto, u"%1 private scalar is out of range"_s.arg(c.label()));

    // OpenSSL 3.0's EVP_PKEY_fromdata() does not derive the public point from a bare scalar, and the EVP layer has
    // no other way to; its ECPrivateKey decoder does.
    auto decoded = decodeKey(der.view(), "DER", "type-specific", "EC", EVP_PKEY_KEYPAIR);
    if (!decoded)
        return decoded.error();
    if (!decoded->key || decoded->trailing != 0)
        return opensslError(u"%1 private key import failed"_s.arg(c.label()));
    return Private::wrap(curve, std::move(decoded->key), true);
}

Result<CurveKey> CurveKey::fromPrivatePem(Curve curve, QByteArrayView pem)
{
    const CurveInfo &c = info(curve);
    auto pkey = readPrivateKeyPem(pem, "EC", "SEC1");
    if (!pkey)
        return pkey.error();
    if (!isOnCurve(pkey->get(), c))
        return failure(ErrorCode::Crypto, u"the private key is not on %1"_s.arg(c.label()));
    if (Status ok = checkKeyPair(pkey->get(), c.label()); !ok)
        return ok.error();
    return Private::wrap(curve, std::move(pkey.value()), true);
}

bool CurveKey::isNull() const
{
    return !d;
}

Curve CurveKey::curve() const
{
    return d ? d->curve : Curve::P521;
}

bool CurveKey::hasPrivateKey() const
{
    return d && d->hasPrivate;
}

QByteArray CurveKey::publicPoint() const
{
    return d ? d->point : QByteArray();
}

QByteArray CurveKey::publicDer() const
{
    if (!d)
        return QByteArray();
    const ByteSpan prefix = d->info().spkiPrefix;
    return QByteArray(reinterpret_cast<const char *>(prefix.data), prefix.size) + d->point;
}

SecureBuffer CurveKey::privateScalar() const
{
    if (!hasPrivateKey())
        return SecureBuffer();
    const int size = d->info().scalarSize;
    BIGNUM *raw = nullptr;
    const int got = EVP_PKEY_get_bn_param(d->pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw);
    SecretBignumPtr scalar(raw);
    SecureBuffer out{std::size_t(size)};
    if (got != 1 || BN_bn2binpad(scalar.get(), out.data(), size) != size) {
        clearErrors();
        return SecureBuffer();
    }
    return out;
}

Result<SecureBuffer> CurveKey::privatePem() const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"no private key to export"_s);
    return privateKeyPem(d->pkey.get());
}

Result<QByteArray> CurveKey::sign(QByteArrayView message, SignatureFormat format) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"signing needs a private key"_s);
    auto der = signMessage(d->pkey.get(), d->info().digest, message, u"ECDSA"_s);
    if (!der || format == SignatureFormat::Der)
        return der;
    return rawSignature(*der, d->info().scalarSize);
}

bool CurveKey::verify(QByteArrayView message, QByteArrayView signature, SignatureFormat format) const
{
    if (!d)
        return false;
    if (format == SignatureFormat::Der)
        return verifyMessage(d->pkey.get(), d->info().digest, message, signature);
    return verifyMessage(d->pkey.get(), d->info().digest, message, derSignature(signature, d->info().scalarSize));
}

Result<SecureBuffer> CurveKey::deriveShared(const CurveKey &peer) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a private key"_s);
    if (peer.isNull())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a peer key"_s);
    const std::size_t size = std::size_t(d->info().scalarSize);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return opensslError(u"ECDH setup failed"_s);
    // validate_peer = 1: the peer's point is checked again, whatever path created it; a key on another curve fails.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.d->pkey.get(), 1) != 1)
        return failure(ErrorCode::Crypto, u"ECDH peer key is invalid"_s);
    std::size_t length = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != size)
        return opensslError(u"ECDH failed"_s);
    SecureBuffer shared(length);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &length) != 1 || length != size)
        return opensslError(u"ECDH failed"_s);
    return shared;
}

} // namespace parley::crypto
