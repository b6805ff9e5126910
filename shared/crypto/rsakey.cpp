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

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
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
    if (pem.isEmpty())
        return makeError(ErrorCode::Crypto, u"empty private key"_s);
    EVP_PKEY *raw = nullptr;
    OsslDecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", EVP_PKEY_KEYPAIR, nullptr, nullptr));
    if (!decoder)
        return opensslError(u"private key decoder setup failed"_s);
    const unsigned char *data = bytes(pem);
    std::size_t remaining = std::size_t(pem.size());
    const int decoded = OSSL_DECODER_from_data(decoder.get(), &data, &remaining);
    EvpPkeyPtr pkey(raw);
    if (decoded != 1 || !pkey)
        return failure(ErrorCode::Crypto, u"not a PEM RSA private key (PKCS#8 or PKCS#1, unencrypted)"_s);
    EvpPkeyCtxPtr checkCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!checkCtx || EVP_PKEY_pairwise_check(checkCtx.get()) != 1)
        return failure(ErrorCode::Crypto, u"the RSA private key is inconsistent"_s);
    return Private::wrap(std::move(pkey));
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

Result<QByteArray> RsaKey::signRs256(QByteArrayView message) const
{
    if (!d)
        return makeError(ErrorCode::InvalidArgument, u"signing needs a private key"_s);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;   // owned by ctx
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, "SHA256", nullptr, nullptr, d->pkey.get(), nullptr) != 1
        || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
        return opensslError(u"RSA signing setup failed"_s);
    std::size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, bytes(message), std::size_t(message.size())) != 1)
        return opensslError(u"RSA signing failed"_s);
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes(message),
                       std::size_t(message.size())) != 1)
        return opensslError(u"RSA signing failed"_s);
    signature.truncate(qsizetype(length));
    return signature;
}

bool RsaKey::verifyRs256(QByteArrayView message, QByteArrayView signature) const
{
    if (!d || signature.isEmpty())
        return false;
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    const bool valid = ctx
        && EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SHA256", nullptr, nullptr, d->pkey.get(), nullptr) == 1
        && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1
        && EVP_DigestVerify(ctx.get(), bytes(signature), std::size_t(signature.size()), bytes(message),
                            std::size_t(message.size())) == 1;
    clearErrors();
    return valid;
}

} // namespace parley::crypto
