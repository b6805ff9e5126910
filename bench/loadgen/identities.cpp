#include "identities.h"

#include "crypto/securebuffer.h"

#include <QFile>
#include <QtEndian>

#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::bench {

QString userName(int index)
{
    return u"b%1"_s.arg(index, 6, 10, QLatin1Char('0'));
}

QString benchText()
{
    QString text;
    text.reserve(PlaintextBytes);
    for (int i = 0; i < PlaintextBytes; ++i)
        text.append(QLatin1Char(char('a' + i % 26)));
    return text;
}

QByteArray messageId(quint32 pair, quint32 number)
{
    QByteArray mid(16, Qt::Uninitialized);
    qToBigEndian(pair, mid.data());
    qToBigEndian(number, mid.data() + 4);
    const QByteArray random = crypto::randomBytes(8);
    std::memcpy(mid.data() + 8, random.constData(), 8);
    return mid;
}

bool parseMessageId(const QByteArray &mid, quint32 *pair, quint32 *number)
{
    if (mid.size() < 8)
        return false;
    *pair = qFromBigEndian<quint32>(mid.constData());
    *number = qFromBigEndian<quint32>(mid.constData() + 4);
    return true;
}

sdk::SenderIdentity senderIdentity(const Identity &identity)
{
    return sdk::SenderIdentity{identity.user, identity.device, identity.rootPub, identity.devicePub, identity.deviceKey};
}

sdk::RecipientDevice recipientDevice(const Identity &identity)
{
    return sdk::RecipientDevice{identity.user, identity.rootPub, identity.device, identity.devicePub, identity.lrKid,
                                identity.lrPub};
}

Status writeIdentities(const QString &file, const QList<Identity> &identities)
{
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(file, out.errorString()));
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    for (const Identity &i : identities) {
        const crypto::SecureBuffer dk = i.deviceKey.privateScalar();
        const crypto::SecureBuffer pk = i.lrKey.privateScalar();
        QByteArray line = i.user.toUtf8() + ' ' + QByteArray::number(i.device) + ' ' + i.rootPub.toHex() + ' '
            + dk.view().toByteArray().toHex() + ' ' + i.devicePub.toHex() + ' '
            + QByteArray::number(i.lrKid) + ' ' + pk.view().toByteArray().toHex() + ' '
            + i.lrPub.toHex() + '\n';
        if (out.write(line) != line.size())
            return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(file, out.errorString()));
    }
    if (!out.flush())
        return makeError(ErrorCode::Io, u"cannot write %1"_s.arg(file));
    return {};
}

Result<QList<Identity>> readIdentities(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(file, in.errorString()));
    QList<Identity> identities;
    while (!in.atEnd()) {
        const QList<QByteArray> f = in.readLine().trimmed().split(' ');
        if (f.size() != 8)
            return makeError(ErrorCode::InvalidArgument, u"%1: malformed line %2"_s.arg(file).arg(identities.size() + 1));
        Identity i;
        i.index = int(identities.size());
        i.user = QString::fromUtf8(f.at(0));
        i.device = f.at(1).toUInt();
        i.rootPub = QByteArray::fromHex(f.at(2));
        auto dk = crypto::EcKey::fromPrivateScalar(QByteArray::fromHex(f.at(3)));
        i.devicePub = QByteArray::fromHex(f.at(4));
        i.lrKid = f.at(5).toUInt();
        auto pk = crypto::EcKey::fromPrivateScalar(QByteArray::fromHex(f.at(6)));
        i.lrPub = QByteArray::fromHex(f.at(7));
        if (!dk || !pk)
            return makeError(ErrorCode::InvalidArgument, u"%1: bad key on line %2"_s.arg(file).arg(identities.size() + 1));
        i.deviceKey = *dk;
        i.lrKey = *pk;
        identities.append(std::move(i));
    }
    return identities;
}

} // namespace parley::bench
