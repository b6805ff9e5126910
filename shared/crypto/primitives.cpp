// Random numbers, hashes, HKDF, scrypt and AES-GCM over OpenSSL's EVP interfaces.

#include "crypto/crypto.h"
#include "crypto/openssl_p.h"
#include "crypto/threadstate.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <QtGlobal>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCrypto, "parley.crypto")

namespace parley::crypto {

namespace detail {

QString drainErrors()
{
    QString reasons;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!reasons.isEmpty())
            reasons += u"; "_s;
        reasons += QString::fromLatin1(buffer);
    }
    return reasons;
}

void clearErrors()
{
    ERR_clear_error();
}

Error opensslError(const QString &what)
{
    // Only reached when OpenSSL fails on arguments already checked here (allocation, internal errors), so worth a
    // warning; the text names the step and OpenSSL's reason codes, never any input.
    const QString reasons = drainErrors();
    qCWarning(lcCrypto).noquote() << what << reasons;
    return makeError(ErrorCode::Crypto, reasons.isEmpty() ? what : what + u" ("_s + reasons + u')');
}

Error failure(ErrorCode code, const QString &what)
{
    // Rejected input is an answer, not an incident: the caller decides whether to report it.
    clearErrors();
    return makeError(code, what);
}

} // namespace detail

using namespace detail;

namespace {

// OpenSSL's update calls take int lengths; longer inputs are fed in pieces of this size.
constexpr qsizetype UpdateChunk = qsizetype(1) << 30;

// OpenSSL accepts GCM nonces of at most this many bytes; longer ones are folded (see foldLongIv()).
constexpr qsizetype MaxOpensslGcmIv = 128;

constexpr qsizetype MaxGcmTag = 16;

// Upper bound for the derived key of scrypt; the project asks for 32 or 64 bytes.
constexpr int MaxScryptLength = 1 << 20;
// scrypt's working memory (128 * r * N * p bytes, plus OpenSSL's bookkeeping) is limited to this.
constexpr quint64 MaxScryptMemory = quint64(1) << 30;

// An octet-string parameter for an input OpenSSL only reads (OSSL_PARAM wants a non-const pointer). An empty view
// may have a null data pointer, which some providers take for "not set" (HKDF then fails with "missing key"), so
// empty inputs point at a dummy byte instead.
OSSL_PARAM inputOctets(const char *name, QByteArrayView view)
{
    static unsigned char empty = 0;
    void *data = view.isEmpty() ? static_cast<void *>(&empty) : static_cast<void *>(const_cast<char *>(view.data()));
    return OSSL_PARAM_construct_octet_string(name, data, std::size_t(view.size()));
}

// ---- GF(2^128) arithmetic of GHASH (NIST SP 800-38D), constant time, for nonces longer than OpenSSL allows ----

struct Block {
    std::uint64_t hi = 0;   // bytes 0..7, big-endian: bit 0 of the spec is the top bit of hi
    std::uint64_t lo = 0;   // bytes 8..15

    static Block load(const unsigned char *p)
    {
        Block b;
        for (int i = 0; i < 8; ++i) {
            b.hi = (b.hi << 8) | p[i];
            b.lo = (b.lo << 8) | p[8 + i];
        }
        return b;
    }
    void store(unsigned char *p) const
    {
        for (int i = 0; i < 8; ++i) {
            p[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
            p[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
        }
    }
    Block operator^(const Block &o) const { return Block{hi ^ o.hi, lo ^ o.lo}; }
    bool isZero() const { return (hi | lo) == 0; }
    void wipe() { OPENSSL_cleanse(this, sizeof *this); }
};

// Algorithm 1 of SP 800-38D without secret-dependent branches.
Block gfMultiply(const Block &x, const Block &y)
{
    Block z;
    Block v = y;
    for (int i = 0; i < 128; ++i) {
        const std::uint64_t word = i < 64 ? x.hi : x.lo;
        const std::uint64_t bit = (word >> (63 - (i & 63))) & 1u;
        const std::uint64_t take = std::uint64_t(0) - bit;
        z.hi ^= v.hi & take;
        z.lo ^= v.lo & take;
        const std::uint64_t carry = std::uint64_t(0) - (v.lo & 1u);
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi = (v.hi >> 1) ^ (0xe100000000000000ull & carry);
    }
    v.wipe();
    return z;
}

// a^(2^128 - 2), the multiplicative inverse of a non-zero element.
Block gfInverse(const Block &a)
{
    Block r = a;
    for (int i = 0; i < 126; ++i) {
        Block square = gfMultiply(r, r);
        r = gfMultiply(square, a);   // a^(2^(i+2) - 1)
        square.wipe();
    }
    Block inverse = gfMultiply(r, r);
    r.wipe();
    return inverse;
}

// GCM turns a nonce that is not 96 bits long into its first counter block J0 = GHASH_H(IV || 0-pad || len64(IV)).
// OpenSSL refuses nonces over 128 bytes, yet GCM allows them. Such a nonce is folded into a 16-byte nonce IV' with
// the same J0: for 16-byte nonces J0 = IV'*H^2 + L*H (L being the length block for 128 bits), so
// IV' = (J0 + L*H) * H^-2. The cipher then runs exactly as with the original nonce.
Result<QByteArray> foldLongIv(const EVP_CIPHER *ecb, QByteArrayView key, QByteArrayView iv)
{
    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return opensslError(u"EVP_CIPHER_CTX_new failed"_s);
    unsigned char zero[16] = {};
    unsigned char hBytes[16] = {};
    int outLen = 0;
    if (EVP_EncryptInit_ex2(ctx.get(), ecb, bytes(key), nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1
        || EVP_EncryptUpdate(ctx.get(), hBytes, &outLen, zero, sizeof zero) != 1 || outLen != 16) {
        OPENSSL_cleanse(hBytes, sizeof hBytes);
        return opensslError(u"AES block encryption failed"_s);
    }
    Block h = Block::load(hBytes);
    OPENSSL_cleanse(hBytes, sizeof hBytes);

    Block y;
    unsigned char block[16];
    for (qsizetype pos = 0; pos < iv.size(); pos += 16) {
        const qsizetype n = std::min<qsizetype>(16, iv.size() - pos);
        std::memset(block, 0, sizeof block);
        std::memcpy(block, bytes(iv) + pos, std::size_t(n));
        y = gfMultiply(y ^ Block::load(block), h);
    }
    const Block ivLength{0, std::uint64_t(iv.size()) * 8u};
    y = gfMultiply(y ^ ivLength, h);   // y is now J0

    QByteArray folded(16, '\0');
    if (!h.isZero()) {   // H = 0 happens with probability 2^-128; then every nonce gives J0 = 0 and any IV' does
        const Block lengthBlock128{0, 128};
        Block hSquared = gfMultiply(h, h);
        Block inverse = gfInverse(hSquared);
        Block lengthTerm = gfMultiply(lengthBlock128, h);
        Block target = gfMultiply(y ^ lengthTerm, inverse);
        target.store(reinterpret_cast<unsigned char *>(folded.data()));
        hSquared.wipe();
        inverse.wipe();
        lengthTerm.wipe();
        target.wipe();
    }
    h.wipe();
    y.wipe();
    OPENSSL_cleanse(block, sizeof block);
    return folded;
}

struct GcmCiphers {
    const EVP_CIPHER *gcm = nullptr;
    const EVP_CIPHER *ecb = nullptr;
};

Result<GcmCiphers> gcmCiphersFor(qsizetype keySize)
{
    switch (keySize) {
    case 16: return GcmCiphers{EVP_aes_128_gcm(), EVP_aes_128_ecb()};
    case 24: return GcmCiphers{EVP_aes_192_gcm(), EVP_aes_192_ecb()};
    case 32: return GcmCiphers{EVP_aes_256_gcm(), EVP_aes_256_ecb()};
    default: return makeError(ErrorCode::InvalidArgument, u"AES-GCM key must be 16, 24 or 32 bytes"_s);
    }
}

Status checkGcmArguments(QByteArrayView iv, int tagSize)
{
    if (iv.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"AES-GCM nonce must not be empty"_s);
    if (tagSize < 1 || tagSize > MaxGcmTag)
        return makeError(ErrorCode::InvalidArgument, u"AES-GCM tag size must be between 1 and 16 bytes"_s);
    return {};
}

// Sets cipher, key and nonce (folding a long nonce first).
Status initGcm(EVP_CIPHER_CTX *ctx, const GcmCiphers &ciphers, QByteArrayView key, QByteArrayView iv, bool encrypt)
{
    QByteArray folded;
    QByteArrayView nonce = iv;
    if (iv.size() > MaxOpensslGcmIv) {
        auto f = foldLongIv(ciphers.ecb, key, iv);
        if (!f)
            return f.error();
        folded = std::move(f).value();
        nonce = folded;
    }
    auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    const bool ok = init(ctx, ciphers.gcm, nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, int(nonce.size()), nullptr) == 1
        && init(ctx, nullptr, nullptr, bytes(key), bytes(nonce)) == 1;
    cleanse(folded);
    if (!ok)
        return opensslError(u"AES-GCM initialisation failed"_s);
    return {};
}

// Feeds data in int-sized pieces; out may be null for additional authenticated data.
bool gcmUpdate(EVP_CIPHER_CTX *ctx, bool encrypt, unsigned char *out, QByteArrayView in)
{
    auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
    for (qsizetype pos = 0; pos < in.size(); pos += UpdateChunk) {
        const int n = int(std::min(UpdateChunk, in.size() - pos));
        int written = 0;
        if (update(ctx, out ? out + pos : nullptr, &written, bytes(in) + pos, n) != 1)
            return false;
        if (out && written != n)
            return false;
    }
    return true;
}

} // namespace

QByteArray randomBytes(int size)
{
    QByteArray out;
    if (size <= 0)
        return out;
    out.resize(size);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), size) != 1)
        qFatal("parley.crypto: the random number generator failed; refusing to continue");
    return out;
}

void releaseThreadState()
{
    OPENSSL_thread_stop();
}

SecureBuffer randomSecret(int size)
{
    if (size <= 0)
        return SecureBuffer();
    SecureBuffer out(static_cast<std::size_t>(size));
    if (RAND_priv_bytes(out.data(), size) != 1)
        qFatal("parley.crypto: the random number generator failed; refusing to continue");
    return out;
}

namespace {

QByteArray digest(const EVP_MD *md, QByteArrayView data)
{
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int outLen = 0;
    bool ok = ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1;
    for (qsizetype pos = 0; ok && pos < data.size(); pos += UpdateChunk)
        ok = EVP_DigestUpdate(ctx.get(), bytes(data) + pos, std::size_t(std::min(UpdateChunk, data.size() - pos))) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx.get(), out, &outLen) == 1;
    if (!ok) {
        // Hashing in memory only fails when OpenSSL cannot allocate; there is nothing sensible to return.
        qFatal("parley.crypto: message digest failed: %s", qPrintable(drainErrors()));
    }
    return QByteArray(reinterpret_cast<const char *>(out), int(outLen));
}

} // namespace

QByteArray sha256(QByteArrayView data)
{
    return digest(EVP_sha256(), data);
}

QByteArray sha512(QByteArrayView data)
{
    return digest(EVP_sha512(), data);
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), std::size_t(a.size())) == 0;
}

namespace {

Result<QByteArray> hmac(const char *digest, const QString &name, QByteArrayView key, QByteArrayView data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t length = 0;
    static const unsigned char empty = 0;
    const auto *k = key.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(key.data());
    const auto *m = data.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(data.data());
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, k, size_t(key.size()), m, size_t(data.size()), out,
                   sizeof(out), &length))
        return opensslError(name + u" failed"_s);
    return QByteArray(reinterpret_cast<const char *>(out), qsizetype(length));
}

} // namespace

Result<QByteArray> hmacSha1(QByteArrayView key, QByteArrayView data)
{
    return hmac("SHA1", u"HMAC-SHA-1"_s, key, data);
}

Result<QByteArray> hmacSha256(QByteArrayView key, QByteArrayView data)
{
    return hmac("SHA256", u"HMAC-SHA-256"_s, key, data);
}

namespace {

// A context of the named key derivation function; `label` names it in errors.
Result<EvpKdfCtxPtr> kdfContext(const char *name, const QString &label)
{
    EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, name, nullptr));
    if (!kdf)
        return opensslError(label + u" is not available"_s);
    EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx)
        return opensslError(u"EVP_KDF_CTX_new failed"_s);
    return ctx;
}

// HKDF (RFC 5869) with the named SHA-2 digest of `hashSize` bytes, which yields at most 255 blocks of that size.
Result<SecureBuffer> hkdf(const char *digest, int hashSize, QByteArrayView ikm, QByteArrayView salt,
                          QByteArrayView info, int length)
{
    const QString name = u"HKDF-SHA-%1"_s.arg(hashSize * 8);
    const int maxLength = 255 * hashSize;
    if (length <= 0 || length > maxLength)
        return makeError(ErrorCode::InvalidArgument,
                         u"%1 output length must be between 1 and %2 bytes"_s.arg(name).arg(maxLength));

    auto ctx = kdfContext(OSSL_KDF_NAME_HKDF, u"HKDF"_s);
    if (!ctx)
        return ctx.error();

    OSSL_PARAM params[5];
    int n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char *>(digest), 0);
    params[n++] = inputOctets(OSSL_KDF_PARAM_KEY, ikm);
    // An absent salt means HashLen zero bytes (RFC 5869 2.2), which is what OpenSSL does when none is set.
    if (!salt.isEmpty())
        params[n++] = inputOctets(OSSL_KDF_PARAM_SALT, salt);
    if (!info.isEmpty())
        params[n++] = inputOctets(OSSL_KDF_PARAM_INFO, info);
    params[n] = OSSL_PARAM_construct_end();

    SecureBuffer out(static_cast<std::size_t>(length));
    if (EVP_KDF_derive(ctx->get(), out.data(), out.size(), params) != 1)
        return opensslError(name + u" derivation failed"_s);
    return out;
}

} // namespace

Result<SecureBuffer> hkdfSha512(QByteArrayView ikm, QByteArrayView salt, QByteArrayView info, int length)
{
    return hkdf("SHA512", 64, ikm, salt, info, length);
}

Result<SecureBuffer> hkdfSha256(QByteArrayView ikm, QByteArrayView salt, QByteArrayView info, int length)
{
    return hkdf("SHA256", 32, ikm, salt, info, length);
}

Result<SecureBuffer> scrypt(QByteArrayView passphrase, QByteArrayView salt, ScryptParams params, int length)
{
    if (length <= 0 || length > MaxScryptLength)
        return makeError(ErrorCode::InvalidArgument, u"scrypt output length must be between 1 byte and 1 MiB"_s);
    if (params.n < 2 || (params.n & (params.n - 1)) != 0)
        return makeError(ErrorCode::InvalidArgument, u"scrypt N must be a power of two greater than 1"_s);
    if (params.r == 0 || params.p == 0)
        return makeError(ErrorCode::InvalidArgument, u"scrypt r and p must be positive"_s);
    if (params.r < 4 && params.n >> (16 * params.r) != 0)   // RFC 7914: N < 2^(128 * r / 8)
        return makeError(ErrorCode::InvalidArgument, u"scrypt N is too large for r"_s);
    // OpenSSL needs 128 * r * (N + 2 + p) bytes; r <= 2^32, so none of these products overflow.
    const quint64 blockBytes = 128ull * params.r;
    if (params.n > MaxScryptMemory / blockBytes || quint64(params.p) > MaxScryptMemory / blockBytes
        || blockBytes * (params.n + 2 + params.p) > MaxScryptMemory)
        return makeError(ErrorCode::InvalidArgument, u"scrypt parameters need more than 1 GiB of memory"_s);

    auto ctx = kdfContext(OSSL_KDF_NAME_SCRYPT, u"scrypt"_s);
    if (!ctx)
        return ctx.error();

    uint64_t n = params.n;
    uint32_t r = params.r;
    uint32_t p = params.p;
    uint64_t maxMemory = MaxScryptMemory;
    const OSSL_PARAM kdfParams[] = {
        inputOctets(OSSL_KDF_PARAM_PASSWORD, passphrase),
        inputOctets(OSSL_KDF_PARAM_SALT, salt),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };

    SecureBuffer out(static_cast<std::size_t>(length));
    if (EVP_KDF_derive(ctx->get(), out.data(), out.size(), kdfParams) != 1)
        return opensslError(u"scrypt derivation failed"_s);
    return out;
}

Result<QByteArray> aesGcmSeal(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext, QByteArrayView aad,
                              int tagSize)
{
    auto ciphers = gcmCiphersFor(key.size());
    if (!ciphers)
        return ciphers.error();
    if (auto ok = checkGcmArguments(iv, tagSize); !ok)
        return ok.error();
    if (plaintext.size() > std::numeric_limits<qsizetype>::max() - MaxGcmTag)
        return makeError(ErrorCode::InvalidArgument, u"AES-GCM plaintext too large"_s);

    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return opensslError(u"EVP_CIPHER_CTX_new failed"_s);
    if (auto ok = initGcm(ctx.get(), *ciphers, key, iv, true); !ok)
        return ok.error();

    QByteArray out(plaintext.size() + tagSize, Qt::Uninitialized);
    auto *outBytes = reinterpret_cast<unsigned char *>(out.data());
    int finalLen = 0;
    const bool ok = gcmUpdate(ctx.get(), true, nullptr, aad)
        && gcmUpdate(ctx.get(), true, outBytes, plaintext)
        && EVP_EncryptFinal_ex(ctx.get(), outBytes + plaintext.size(), &finalLen) == 1 && finalLen == 0
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tagSize, outBytes + plaintext.size()) == 1;
    if (!ok) {
        cleanse(out);
        return opensslError(u"AES-GCM encryption failed"_s);
    }
    return out;
}

Result<SecureBuffer> aesGcmOpen(QByteArrayView key, QByteArrayView iv, QByteArrayView ciphertextAndTag,
                                QByteArrayView aad, int tagSize)
{
    auto ciphers = gcmCiphersFor(key.size());
    if (!ciphers)
        return ciphers.error();
    if (auto ok = checkGcmArguments(iv, tagSize); !ok)
        return ok.error();
    if (ciphertextAndTag.size() < tagSize)
        return makeError(ErrorCode::Crypto, u"AES-GCM input is shorter than its tag"_s);

    const QByteArrayView ciphertext = ciphertextAndTag.first(ciphertextAndTag.size() - tagSize);
    unsigned char tag[MaxGcmTag] = {};
    std::memcpy(tag, bytes(ciphertextAndTag) + ciphertext.size(), std::size_t(tagSize));

    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return opensslError(u"EVP_CIPHER_CTX_new failed"_s);
    if (auto ok = initGcm(ctx.get(), *ciphers, key, iv, false); !ok)
        return ok.error();

    SecureBuffer out(static_cast<std::size_t>(ciphertext.size()));
    int finalLen = 0;
    if (!gcmUpdate(ctx.get(), false, nullptr, aad) || !gcmUpdate(ctx.get(), false, out.data(), ciphertext)
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tagSize, tag) != 1)
        return opensslError(u"AES-GCM decryption failed"_s);
    // Final compares the tag; on mismatch `out` (unauthenticated plaintext) is wiped by its destructor.
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + out.size(), &finalLen) != 1 || finalLen != 0)
        return failure(ErrorCode::Crypto, u"AES-GCM authentication failed"_s);
    return out;
}

} // namespace parley::crypto
