#include "sdk/securefile.h"

#include <QCborStreamReader>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {
constexpr QFileDevice::Permissions OwnerReadWrite = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions OwnerAll = OwnerReadWrite | QFileDevice::ExeOwner;
}

Status SecureFile::write(const QString &path, QByteArrayView data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    // The temporary file is what gets renamed over `path`, so its mode is the final mode.
    if (!file.setPermissions(OwnerReadWrite)) {
        file.cancelWriting();
        return makeError(ErrorCode::Io, u"cannot set permissions of %1: %2"_s.arg(path, file.errorString()));
    }
    if (file.write(data.data(), data.size()) != data.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, reason));
    }
    if (!file.commit())
        return makeError(ErrorCode::Io, u"cannot save %1: %2"_s.arg(path, file.errorString()));
    return {};
}

Result<QByteArray> SecureFile::read(const QString &path, qsizetype maxBytes)
{
    QFile file(path);
    if (!file.exists())
        return makeError(ErrorCode::NotFound, u"%1 does not exist"_s.arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(path, file.errorString()));
    if (file.size() > maxBytes)
        return makeError(ErrorCode::Io, u"%1 is larger than %2 bytes"_s.arg(path).arg(maxBytes));
    QByteArray data = file.read(maxBytes + 1);
    if (data.size() > maxBytes)
        return makeError(ErrorCode::Io, u"%1 is larger than %2 bytes"_s.arg(path).arg(maxBytes));
    if (file.error() != QFileDevice::NoError)
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(path, file.errorString()));
    return data;
}

Status SecureFile::makePrivateDirectory(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isDir())
        return makeError(ErrorCode::Io, u"%1 exists and is not a directory"_s.arg(path));
    if (!info.exists() && !QDir().mkpath(path))
        return makeError(ErrorCode::Io, u"cannot create directory %1"_s.arg(path));
    if (!QFile::setPermissions(path, OwnerAll))
        return makeError(ErrorCode::Io, u"cannot set permissions of directory %1"_s.arg(path));
    return {};
}

Status SecureFile::restrictFile(const QString &path)
{
    if (!QFile::setPermissions(path, OwnerReadWrite))
        return makeError(ErrorCode::Io, u"cannot set permissions of %1"_s.arg(path));
    return {};
}

Result<QCborValue> SecureFile::decodeCbor(QByteArrayView data)
{
    QCborStreamReader reader(data.data(), data.size());
    QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return makeError(ErrorCode::Protocol, u"malformed CBOR: %1"_s.arg(reader.lastError().toString()));
    if (reader.currentOffset() != data.size())
        return makeError(ErrorCode::Protocol, u"trailing bytes after CBOR item"_s);
    return value;
}

} // namespace parley::sdk
