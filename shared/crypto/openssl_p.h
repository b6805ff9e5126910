#pragma once

// Private to shared/crypto: RAII holders for OpenSSL objects and error reporting helpers.

#include "core/result.h"
#include "crypto/securebuffer.h"

#include <QByteArrayView>

#include <QLoggingCategory>
#include <QString>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcCrypto)

namespace parley::crypto::detail {

template<auto Fn>
struct Deleter {
    template<typename T>
    void operator()(T *p) const { Fn(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using EvpCipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using OsslParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using OsslDecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;
using OsslEncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, Deleter<OSSL_ENCODER_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using SecretBignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;

// Drains this thread's OpenSSL error queue into a readable string. Every failure path calls this (directly or
// through opensslError()) so that no stale entry is left behind for the next OpenSSL user on the thread, such as
// Qt's TLS backend, which inspects the same queue.
QString drainErrors();

// Drops whatever is queued; used where a failure is an expected answer (a signature that does not verify).
void clearErrors();

// A Crypto error naming the failed step, with OpenSSL's reasons appended; drains the queue.
Error opensslError(const QString &what);

// An error of the given code for rejected input; clears the queue so that nothing is left behind.
Error failure(ErrorCode code, const QString &what);

inline const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

// A key OpenSSL decodes from `data`: `input` "DER" or "PEM"; `structure` "SubjectPublicKeyInfo", "type-specific" or
// null for any; `type` "EC" or "RSA"; `selection` EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR. `key` is null when the
// data holds no such key, and `trailing` counts the bytes after the one that decoded.
struct DecodedKey {
    EvpPkeyPtr key;
    std::size_t trailing = 0;
};
Result<DecodedKey> decodeKey(QByteArrayView data, const char *input, const char *structure, const char *type,
                             int selection);

// An unencrypted PEM private key of `type` ("EC" or "RSA"), in PKCS#8 or the traditional form `traditional` names
// (for the error when it is neither).
Result<EvpPkeyPtr> readPrivateKeyPem(QByteArrayView pem, const char *type, const char *traditional);

// Whether the private and public halves of `key` agree; `what` names the key in the error.
Status checkKeyPair(EVP_PKEY *key, const QString &what);

// The private key as PKCS#8 PEM.
Result<SecureBuffer> privateKeyPem(const EVP_PKEY *key);

// A signature over `message` with `digest` ("SHA256", "SHA512") as OpenSSL encodes it (DER for ECDSA). `rsaPadding`,
// when not 0, is set on RSA keys. `algorithm` names the signature in errors.
Result<QByteArray> signMessage(EVP_PKEY *key, const char *digest, QByteArrayView message, const QString &algorithm,
                               int rsaPadding = 0);
// Whether `signature` is valid for `message`; leaves no error behind.
bool verifyMessage(EVP_PKEY *key, const char *digest, QByteArrayView message, QByteArrayView signature,
                   int rsaPadding = 0);

} // namespace parley::crypto::detail
