// What the key classes and the certificate code do alike with an EVP_PKEY: decoding it, writing its private half as
// PEM, signing and verifying.

#include "crypto/openssl_p.h"

#include <openssl/rsa.h>

using namespace Qt::StringLiterals;

namespace parley::crypto::detail {

Result<DecodedKey> decodeKey(QByteArrayView data, const char *input, const char *structure, const char *type,
                             int selection)
{
    EVP_PKEY *raw = nullptr;
    OsslDecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, input, structure, type, selection, nullptr, nullptr));
    if (!decoder)
        return opensslError(u"key decoder setup failed"_s);
    // The decoder works on its own copy of the data, which OpenSSL frees (and, for a private key, cleanses).
    const unsigned char *cursor = bytes(data);
    std::size_t remaining = std::size_t(data.size());
    const int decoded = OSSL_DECODER_from_data(decoder.get(), &cursor, &remaining);
    DecodedKey out;
    out.key.reset(raw);
    if (decoded != 1)
        out.key.reset();
    out.trailing = remaining;
    return out;
}

Result<EvpPkeyPtr> readPrivateKeyPem(QByteArrayView pem, const char *type, const char *traditional)
{
    if (pem.isEmpty())
        return makeError(ErrorCode::Crypto, u"empty private key"_s);
    auto decoded = decodeKey(pem, "PEM", nullptr, type, EVP_PKEY_KEYPAIR);
    if (!decoded)
        return decoded.error();
    if (!decoded->key) {
        return failure(ErrorCode::Crypto, u"not a PEM %1 private key (PKCS#8 or %2, unencrypted)"_s
                                              .arg(QLatin1StringView(type), QLatin1StringView(traditional)));
    }
    return std::move(decoded->key);
}

Status checkKeyPair(EVP_PKEY *key, const QString &what)
{
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1)
        return failure(ErrorCode::Crypto, u"the %1 private key is inconsistent"_s.arg(what));
    return {};
}

Result<SecureBuffer> privateKeyPem(const EVP_PKEY *key)
{
    // Through a secure-heap memory BIO, which wipes its buffers when freed.
    BioPtr bio(BIO_new(BIO_s_secmem()));
    OsslEncoderCtxPtr encoder(OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", nullptr));
    if (!bio || !encoder || OSSL_ENCODER_to_bio(encoder.get(), bio.get()) != 1)
        return opensslError(u"encoding the private key failed"_s);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    if (length <= 0 || !data)
        return opensslError(u"encoding the private key failed"_s);
    return SecureBuffer(QByteArrayView(data, qsizetype(length)));
}

Result<QByteArray> signMessage(EVP_PKEY *key, const char *digest, QByteArrayView message, const QString &algorithm,
                               int rsaPadding)
{
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;   // owned by ctx
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr) != 1
        || (rsaPadding != 0 && EVP_PKEY_CTX_set_rsa_padding(pctx, rsaPadding) != 1))
        return opensslError(algorithm + u" signing setup failed"_s);
    std::size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, bytes(message), std::size_t(message.size())) != 1)
        return opensslError(algorithm + u" signing failed"_s);
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes(message),
                       std::size_t(message.size())) != 1)
        return opensslError(algorithm + u" signing failed"_s);
    signature.truncate(qsizetype(length));
    return signature;
}

bool verifyMessage(EVP_PKEY *key, const char *digest, QByteArrayView message, QByteArrayView signature, int rsaPadding)
{
    if (signature.isEmpty())
        return false;
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;   // owned by ctx
    // For ECDSA, OpenSSL re-encodes the parsed signature and compares, so BER forms and trailing bytes are refused.
    const bool valid = ctx && EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr) == 1
        && (rsaPadding == 0 || EVP_PKEY_CTX_set_rsa_padding(pctx, rsaPadding) == 1)
        && EVP_DigestVerify(ctx.get(), bytes(signature), std::size_t(signature.size()), bytes(message),
                            std::size_t(message.size()))
            == 1;
    clearErrors();
    return valid;
}

} // namespace parley::crypto::detail
