// RSA keys for RS256 (RSASSA-PKCS1-v1_5 with SHA-256), through EVP.

#include "crypto/rsakey.h"
#include "crypto/openssl_p.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

constexpr int MinBits = 2048;
constexpr int MaxBits = 8192;

// Unsigned big-endian bytes without leading zeros.
QByteArray bignumBytes(const BIGNUM *bn)
{
    QByteArray out(BN_num_bytes(bn), Qt::Uninitialized);
    BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    return out;
}

QByteArray keyComponent(const EVP_PKEY *key, const char *name)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
        clearErrors();
        return {};
    }
    const BignumPtr bn(raw);
    return bignumBytes(bn.get());
}

} // namespace

struct RsaKey::Private {
    EvpPkeyPtr pkey;

    static Result<RsaKey> wrap(EvpPkeyPtr pkey)
    {
        if (!pkey || !EVP_PKEY_is_a(pkey.get(), "RSA"))
            return failure(ErrorCode::Crypto, u"not an RSA key"_s);
        const int bits = EVP_PKEY_get_bits(pkey.get());
        if (bits < MinBits || bits > MaxBits)
            return failure(ErrorCode::Crypto, u"RSA keys must have 2048 to 8192 bits"_s);
        RsaKey key;
        key.d = std::make_shared<Private>();
        key.d->pkey = std::move(pkey);
        return key;
    }
};

RsaKey::RsaKey() = default;
RsaKey::RsaKey(const RsaKey &other) = default;
RsaKey &RsaKey::operator=(const RsaKey &other) = default;
RsaKey::RsaKey(RsaKey &&other) noexcept = default;
RsaKey &RsaKey::operator=(RsaKey &&other) noexcept = default;
RsaKey::~RsaKey() = default;

Result<RsaKey> RsaKey::generate(int bits)
{
    if (bits < MinBits || bits > MaxBits)
        return makeError(ErrorCode::InvalidArgument, u"RSA keys must have 2048 to 8192 bits"_s);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1)
        return opensslError(u"RSA key generation setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
        return opensslError(u"RSA key generation failed"_s);
    return Private::wrap(EvpPkeyPtr(raw));
}

Result<RsaKey> RsaKey::fromPrivatePem(QByteArrayView pem)
{
    auto pkey = readPrivateKeyPem(pem, "RSA", "PKCS#1");
    if (!pkey)
        return pkey.error();
    if (Status ok = checkKeyPair(pkey->get(), u"RSA"_s); !ok)
        return ok.error();
    return Private::wrap(std::move(pkey.value()));
}

Result<RsaKey> RsaKey::fromPublicComponents(QByteArrayView modulus, QByteArrayView exponent)
{
    if (modulus.isEmpty() || exponent.isEmpty() || modulus.size() > MaxBits / 8 + 1 || exponent.size() > 8)
        return makeError(ErrorCode::Crypto, u"an RSA public key needs a modulus of 2048 to 8192 bits and an exponent"_s);
    BignumPtr n(BN_bin2bn(bytes(modulus), int(modulus.size()), nullptr));
    BignumPtr e(BN_bin2bn(bytes(exponent), int(exponent.size()), nullptr));
    if (!n || !e)
        return opensslError(u"reading an RSA public key failed"_s);
    // The exponent: odd, from 3 to 2^32 - 1 (what every RSA implementation issues; 1 would make no signature at all).
    if (!BN_is_odd(e.get()) || BN_num_bits(e.get()) > 32 || BN_cmp(e.get(), BN_value_one()) <= 0)
        return makeError(ErrorCode::Crypto, u"the RSA public exponent must be odd, from 3 to 2^32 - 1"_s);
    if (!BN_is_odd(n.get()))
        return makeError(ErrorCode::Crypto, u"the RSA modulus must be odd"_s);
    OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        return opensslError(u"building RSA key parameters failed"_s);
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return opensslError(u"RSA key import setup failed"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return failure(ErrorCode::Crypto, u"not a valid RSA public key"_s);
    return Private::wrap(EvpPkeyPtr(raw));
}

bool RsaKey::isNull() const
{
    return !d;
}

bool RsaKey::hasPrivateKey() const
{
    if (!d)
        return false;
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(d->pkey.get(), OSSL_PKEY_PARAM_RSA_D, &raw) != 1) {
        clearErrors();   // a public key: the expected answer
        return false;
    }
    BN_clear_free(raw);
    return true;
}

QByteArray RsaKey::modulus() const
{
    return d ? keyComponent(d->pkey.get(), OSSL_PKEY_PARAM_RSA_N) : QByteArray();
}

QByteArray RsaKey::publicExponent() const
{
    return d ? keyComponent(d->pkey.get(), OSSL_PKEY_PARAM_RSA_E) : QByteArray();
}

int RsaKey::bits() const
{
    return d ? EVP_PKEY_get_bits(d->pkey.get()) : 0;
}

Result<SecureBuffer> RsaKey::privatePem() const
{
    if (!d)
        return makeError(ErrorCode::InvalidArgument, u"no private key to export"_s);
    return privateKeyPem(d->pkey.get());
}

Result<QByteArray> RsaKey::signRs256(QByteArrayView message) const
{
    if (!d)
        return makeError(ErrorCode::InvalidArgument, u"signing needs a private key"_s);
    return signMessage(d->pkey.get(), "SHA256", message, u"RSA"_s, RSA_PKCS1_PADDING);
}

bool RsaKey::verifyRs256(QByteArrayView message, QByteArrayView signature) const
{
    return d && verifyMessage(d->pkey.get(), "SHA256", message, signature, RSA_PKCS1_PADDING);
}

} // namespace parley::crypto
