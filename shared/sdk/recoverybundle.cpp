#include "sdk/recoverybundle.h"

#include "core/cborvalues.h"
#include "protocol/frame.h"
#include "sdk/sealedbox.h"
#include "sdk/securefile.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborStreamWriter>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int BundleVersion = 1;

QByteArray aadFor(const QString &user)
{
    return QCborArray{u"parley-recovery-v1"_s, user}.toCborValue().toCbor();
}

crypto::SecureBuffer encodeSecret(const crypto::SecureBuffer &scalar)
{
    QByteArray out;
    out.reserve(128);
    {
        QCborStreamWriter writer(&out);
        writer.startMap(1);
        writer.append(u"root"_s);
        writer.appendByteString(reinterpret_cast<const char *>(scalar.data()), qsizetype(scalar.size()));
        writer.endMap();
    }
    crypto::SecureBuffer result(out);
    crypto::cleanse(out);
    return result;
}

Result<crypto::EcKey> decodeSecret(const crypto::SecureBuffer &plain)
{
    QCborStreamReader reader(reinterpret_cast<const char *>(plain.data()), qsizetype(plain.size()));
    const auto bad = [] { return makeError(ErrorCode::Protocol, u"the recovery bundle's content is malformed"_s); };
    if (!reader.isMap() || !reader.enterContainer())
        return bad();
    if (!reader.isString())
        return bad();
    auto key = reader.readString();
    QString name;
    while (key.status == QCborStreamReader::Ok) {
        name += key.data;
        key = reader.readString();
    }
    if (key.status != QCborStreamReader::EndOfString || name != u"root"_s || !reader.isByteArray())
        return bad();
    crypto::SecureBuffer scalar{std::size_t(crypto::P521ScalarSize)};
    qsizetype used = 0;
    for (;;) {
        const qsizetype room = crypto::P521ScalarSize - used;
        // readStringChunk() silently drops what does not fit, so the chunk size is checked first.
        if (reader.currentStringChunkSize() > room)
            return bad();
        auto r = reader.readStringChunk(reinterpret_cast<char *>(scalar.data()) + used, room);
        if (r.status == QCborStreamReader::EndOfString)
            break;
        if (r.status != QCborStreamReader::Ok || r.data > room)
            return bad();
        used += r.data;
    }
    scalar.resize(std::size_t(used));
    if (reader.hasNext() || !reader.leaveContainer() || reader.currentOffset() != qsizetype(plain.size()))
        return bad();
    Result<crypto::EcKey> root = crypto::EcKey::fromPrivateScalar(scalar.view());
    if (!root)
        return makeError(ErrorCode::Protocol, u"the recovery bundle holds no valid root key"_s);
    return root;
}

} // namespace

Result<QByteArray> RecoveryBundle::create(const QString &user, const crypto::EcKey &rootKey, QByteArrayView passphrase,
                                          crypto::ScryptParams kdf)
{
    if (!rootKey.hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"a recovery bundle needs the root private key"_s);
    if (passphrase.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"the recovery passphrase must not be empty"_s);
    const KdfParams params = KdfParams::fresh(kdf);
    Result<crypto::SecureBuffer> key = SealedBox::deriveKey(passphrase, params);
    if (!key)
        return makeError(key.error().code, u"cannot derive the recovery key: %1"_s.arg(key.error().message));
    const crypto::SecureBuffer secret = encodeSecret(rootKey.privateScalar());
    Result<QCborMap> box = SealedBox::seal(key.value(), secret.view(), aadFor(user));
    if (!box)
        return box.error();
    QCborMap blob;
    blob.insert(u"v"_s, BundleVersion);
    blob.insert(u"kdf"_s, params.toCbor());
    blob.insert(u"box"_s, box.value());
    QByteArray bytes = blob.toCborValue().toCbor();
    if (bytes.size() > protocol::MaxRecoveryBytes)
        return makeError(ErrorCode::Internal, u"the recovery bundle is too large"_s);
    return bytes;
}

Result<crypto::EcKey> RecoveryBundle::open(QByteArrayView blob, const QString &user, QByteArrayView passphrase)
{
    if (blob.size() > protocol::MaxRecoveryBytes)
        return makeError(ErrorCode::Protocol, u"the recovery bundle is too large"_s);
    Result<QCborValue> value = SecureFile::decodeCbor(blob);
    if (!value || !value->isMap())
        return makeError(ErrorCode::Protocol, u"the recovery bundle is malformed"_s);
    const QCborMap map = value->toMap();
    if (!isVersion(map.value(u"v"_s), BundleVersion))
        return makeError(ErrorCode::Protocol, u"the recovery bundle has an unsupported version"_s);
    Result<KdfParams> params = KdfParams::fromCbor(map.value(u"kdf"_s).toMap());
    if (!params)
        return makeError(ErrorCode::Protocol, u"the recovery bundle is malformed: %1"_s.arg(params.error().message));
    Result<crypto::SecureBuffer> key = SealedBox::deriveKey(passphrase, params.value());
    if (!key)
        return makeError(key.error().code, u"cannot derive the recovery key: %1"_s.arg(key.error().message));
    Result<crypto::SecureBuffer> plain = SealedBox::open(key.value(), map.value(u"box"_s).toMap(), aadFor(user));
    if (!plain) {
        if (plain.error().code == ErrorCode::Unauthorized)
            return makeError(ErrorCode::Unauthorized,
                             u"wrong passphrase for the recovery bundle of %1 (use the passphrase of the user's first device)"_s
                                 .arg(user));
        return makeError(ErrorCode::Protocol, u"the recovery bundle is malformed: %1"_s.arg(plain.error().message));
    }
    return decodeSecret(plain.value());
}

} // namespace parley::sdk
