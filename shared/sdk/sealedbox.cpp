#include "sdk/sealedbox.h"

#include "core/cborvalues.h"

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {
constexpr int SaltSize = 16;
constexpr int BoxVersion = 1;
}

KdfParams KdfParams::fresh(crypto::ScryptParams params)
{
    return KdfParams{crypto::randomBytes(SaltSize), params};
}

QCborMap KdfParams::toCbor() const
{
    QCborMap map;
    map.insert(u"alg"_s, u"scrypt"_s);
    map.insert(u"salt"_s, salt);
    map.insert(u"n"_s, qint64(scrypt.n));
    map.insert(u"r"_s, qint64(scrypt.r));
    map.insert(u"p"_s, qint64(scrypt.p));
    return map;
}

Result<KdfParams> KdfParams::fromCbor(const QCborMap &map)
{
    if (map.value(u"alg"_s).toString() != u"scrypt"_s)
        return makeError(ErrorCode::Protocol, u"unsupported key derivation (expected scrypt)"_s);
    const QCborValue salt = map.value(u"salt"_s);
    const QCborValue n = map.value(u"n"_s);
    const QCborValue r = map.value(u"r"_s);
    const QCborValue p = map.value(u"p"_s);
    if (!salt.isByteArray() || !n.isInteger() || !r.isInteger() || !p.isInteger())
        return makeError(ErrorCode::Protocol, u"malformed key derivation parameters"_s);
    const QByteArray saltBytes = salt.toByteArray();
    const qint64 nv = n.toInteger();
    const qint64 rv = r.toInteger();
    const qint64 pv = p.toInteger();
    if (saltBytes.size() < SaltSize || saltBytes.size() > 64)
        return makeError(ErrorCode::Protocol, u"scrypt salt has a bad length"_s);
    if (nv < (1 << 10) || nv > (1 << 20) || (nv & (nv - 1)) != 0 || rv < 1 || rv > 32 || pv < 1 || pv > 16
        || 128 * rv * nv > (qint64(1) << 30))
        return makeError(ErrorCode::Protocol, u"scrypt parameters out of range"_s);
    return KdfParams{saltBytes, crypto::ScryptParams{quint64(nv), quint32(rv), quint32(pv)}};
}

Result<crypto::SecureBuffer> SealedBox::deriveKey(QByteArrayView passphrase, const KdfParams &params)
{
    return crypto::scrypt(passphrase, params.salt, params.scrypt, KeySize);
}

Result<crypto::SecureBuffer> SealedBox::subkey(const crypto::SecureBuffer &key, QByteArrayView purpose)
{
    return crypto::hkdfSha512(key.view(), {}, purpose, KeySize);
}

Result<QCborMap> SealedBox::seal(const crypto::SecureBuffer &key, QByteArrayView plaintext, QByteArrayView aad)
{
    const QByteArray nonce = crypto::randomBytes(crypto::GcmNonceSize);
    Result<QByteArray> ct = crypto::aesGcmSeal(key.view(), nonce, plaintext, aad);
    if (!ct)
        return ct.error();
    QCborMap box;
    box.insert(u"v"_s, BoxVersion);
    box.insert(u"nonce"_s, nonce);
    box.insert(u"ct"_s, ct.value());
    return box;
}

Result<crypto::SecureBuffer> SealedBox::open(const crypto::SecureBuffer &key, const QCborMap &box, QByteArrayView aad)
{
    if (!isVersion(box.value(u"v"_s), BoxVersion))
        return makeError(ErrorCode::Protocol, u"unsupported sealed box version"_s);
    const QCborValue nonce = box.value(u"nonce"_s);
    const QCborValue ct = box.value(u"ct"_s);
    if (!nonce.isByteArray() || nonce.toByteArray().size() != crypto::GcmNonceSize || !ct.isByteArray()
        || ct.toByteArray().size() < crypto::GcmTagSize)
        return makeError(ErrorCode::Protocol, u"malformed sealed box"_s);
    Result<crypto::SecureBuffer> plain = crypto::aesGcmOpen(key.view(), nonce.toByteArray(), ct.toByteArray(), aad);
    if (!plain)
        return makeError(ErrorCode::Unauthorized, u"authentication failed"_s);
    return plain;
}

} // namespace parley::sdk
