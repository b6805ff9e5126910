// NIST P-256 keys: ES256 signatures (raw r || s) and ECDH, through EVP.

#include "crypto/p256key.h"
#include "crypto/openssl_p.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

constexpr char GroupName[] = "prime256v1";
constexpr int CoordinateSize = 32;

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

struct OpensslFree {
    void operator()(unsigned char *p) const { OPENSSL_free(p); }
};

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

bool isP256(const EVP_PKEY *pkey)
{
    char buffer[80] = {};
    std::size_t length = 0;
    if (!EVP_PKEY_is_a(pkey, "EC")
        || EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, buffer, sizeof buffer, &length) != 1)
        return false;
    return QLatin1StringView(buffer, qsizetype(length)) == QLatin1StringView(GroupName);
}

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
    QByteArray point(P256PointSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(point.data());
    out[0] = 0x04;
    if (BN_bn2binpad(x.get(), out + 1, CoordinateSize) != CoordinateSize
        || BN_bn2binpad(y.get(), out + 1 + CoordinateSize, CoordinateSize) != CoordinateSize)
        return QByteArray();
    return point;
}

} // namespace

struct P256Key::Private {
    EvpPkeyPtr pkey;
    QByteArray point;
    bool hasPrivate = false;

    static Result<P256Key> wrap(EvpPkeyPtr pkey, bool hasPrivate)
    {
        if (!pkey || !isP256(pkey.get()))
            return failure(ErrorCode::Crypto, u"not a P-256 key"_s);
        QByteArray point = uncompressedPoint(pkey.get());
        if (point.isEmpty())
            return failure(ErrorCode::Crypto, u"P-256 key has no usable public point"_s);
        P256Key key;
        key.d = std::make_shared<Private>();
        key.d->pkey = std::move(pkey);
        key.d->point = std::move(point);
        key.d->hasPrivate = hasPrivate;
        return key;
    }
};

P256Key::P256Key() = default;
P256Key::P256Key(const P256Key &other) = default;
P256Key &P256Key::operator=(const P256Key &other) = default;
P256Key::P256Key(P256Key &&other) noexcept = default;
P256Key &P256Key::operator=(P256Key &&other) noexcept = default;
P256Key::~P256Key() = default;

Result<P256Key> P256Key::generate()
{
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(ctx.get(), GroupName) != 1)
        return opensslError(u"P-256 key generation setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
        return opensslError(u"P-256 key generation failed"_s);
    return Private::wrap(EvpPkeyPtr(raw), true);
}

Result<P256Key> P256Key::fromPublicPoint(QByteArrayView point)
{
    if (point.size() != P256PointSize || static_cast<unsigned char>(point.front()) != 0x04)
        return makeError(ErrorCode::Crypto, u"a P-256 public key must be a 65-byte uncompressed point"_s);
    OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, GroupName, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), std::size_t(point.size())) != 1)
        return opensslError(u"building P-256 key parameters failed"_s);
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return opensslError(u"P-256 key import setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return failure(ErrorCode::Crypto, u"P-256 public point is not on the curve"_s);
    EvpPkeyPtr pkey(raw);
    EvpPkeyCtxPtr checkCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!checkCtx)
        return opensslError(u"EVP_PKEY_CTX_new_from_pkey failed"_s);
    if (EVP_PKEY_public_check(checkCtx.get()) != 1)
        return failure(ErrorCode::Crypto, u"P-256 public point failed validation"_s);
    auto key = Private::wrap(std::move(pkey), false);
    if (key && key->publicPoint() != point)
        return makeError(ErrorCode::Crypto, u"P-256 public point is not canonically encoded"_s);
    return key;
}

Result<P256Key> P256Key::fromPrivatePem(QByteArrayView pem)
{
    if (pem.isEmpty())
        return makeError(ErrorCode::Crypto, u"empty private key"_s);
    EVP_PKEY *raw = nullptr;
    OsslDecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "EC", EVP_PKEY_KEYPAIR, nullptr, nullptr));
    if (!decoder)
        return opensslError(u"private key decoder setup failed"_s);
    const unsigned char *data = bytes(pem);
    std::size_t remaining = std::size_t(pem.size());
    const int decoded = OSSL_DECODER_from_data(decoder.get(), &data, &remaining);
    EvpPkeyPtr pkey(raw);
    if (decoded != 1 || !pkey)
        return failure(ErrorCode::Crypto, u"not a PEM EC private key (PKCS#8 or SEC1, unencrypted)"_s);
    if (!isP256(pkey.get()))
        return failure(ErrorCode::Crypto, u"the private key is not on P-256"_s);
    EvpPkeyCtxPtr checkCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!checkCtx || EVP_PKEY_pairwise_check(checkCtx.get()) != 1)
        return failure(ErrorCode::Crypto, u"the P-256 private key is inconsistent"_s);
    return Private::wrap(std::move(pkey), true);
}

bool P256Key::isNull() const
{
    return !d;
}

bool P256Key::hasPrivateKey() const
{
    return d && d->hasPrivate;
}

QByteArray P256Key::publicPoint() const
{
    return d ? d->point : QByteArray();
}

Result<SecureBuffer> P256Key::privatePem() const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"no private key to export"_s);
    OsslEncoderCtxPtr encoder(OSSL_ENCODER_CTX_new_for_pkey(d->pkey.get(), EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", nullptr));
    if (!encoder)
        return opensslError(u"private key encoder setup failed"_s);
    unsigned char *out = nullptr;
    std::size_t length = 0;
    if (OSSL_ENCODER_to_data(encoder.get(), &out, &length) != 1)
        return opensslError(u"private key encoding failed"_s);
    SecureBuffer pem(QByteArrayView(reinterpret_cast<const char *>(out), qsizetype(length)));
    OPENSSL_clear_free(out, length);
    return pem;
}

Result<QByteArray> P256Key::signEs256(QByteArrayView message) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"signing needs a private key"_s);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, d->pkey.get(), nullptr) != 1)
        return opensslError(u"ECDSA signing setup failed"_s);
    std::size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, bytes(message), std::size_t(message.size())) != 1)
        return opensslError(u"ECDSA signing failed"_s);
    QByteArray der(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(der.data()), &length, bytes(message),
                       std::size_t(message.size())) != 1)
        return opensslError(u"ECDSA signing failed"_s);
    const unsigned char *p = reinterpret_cast<const unsigned char *>(der.constData());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(length)));
    if (!sig)
        return opensslError(u"ECDSA signature decoding failed"_s);
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    QByteArray raw(Es256SignatureSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(r, out, CoordinateSize) != CoordinateSize
        || BN_bn2binpad(s, out + CoordinateSize, CoordinateSize) != CoordinateSize)
        return opensslError(u"ECDSA signature encoding failed"_s);
    return raw;
}

bool P256Key::verifyEs256(QByteArrayView message, QByteArrayView signature) const
{
    if (!d || signature.size() != Es256SignatureSize)
        return false;
    BignumPtr r(BN_bin2bn(bytes(signature), CoordinateSize, nullptr));
    BignumPtr s(BN_bin2bn(bytes(signature) + CoordinateSize, CoordinateSize, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        clearErrors();
        return false;
    }
    (void)r.release();   // owned by sig now
    (void)s.release();
    unsigned char *der = nullptr;
    const int derLength = i2d_ECDSA_SIG(sig.get(), &der);
    if (derLength <= 0) {
        clearErrors();
        return false;
    }
    const std::unique_ptr<unsigned char, OpensslFree> derHolder(der);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    bool valid = ctx && EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, d->pkey.get(), nullptr) == 1
        && EVP_DigestVerify(ctx.get(), der, std::size_t(derLength), bytes(message), std::size_t(message.size())) == 1;
    clearErrors();
    return valid;
}

Result<SecureBuffer> P256Key::deriveShared(const P256Key &peer) const
{
    if (!hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a private key"_s);
    if (peer.isNull())
        return makeError(ErrorCode::InvalidArgument, u"ECDH needs a peer key"_s);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return opensslError(u"ECDH setup failed"_s);
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.d->pkey.get(), 1) != 1)
        return failure(ErrorCode::Crypto, u"ECDH peer key is invalid"_s);
    std::size_t length = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != std::size_t(P256SharedSize))
        return opensslError(u"ECDH failed"_s);
    SecureBuffer shared(length);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &length) != 1 || length != std::size_t(P256SharedSize))
        return opensslError(u"ECDH failed"_s);
    return shared;
}

} // namespace parley::crypto
