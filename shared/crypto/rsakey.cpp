// RSA keys for RS256 (RSASSA-PKCS1-v1_5 with SHA-256), through EVP.

#include "crypto/rsakey.h"
#include "crypto/openssl_p.h"

#include <openssl/rsa.h>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

constexpr int MinBits = 2048;
constexpr int MaxBits = 8192;

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

bool RsaKey::isNull() const
{
    return !d;
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
