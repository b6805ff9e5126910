#include "sdk/safetycode.h"

#include "crypto/crypto.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int HalfBytes = 30;
constexpr int ChunkBytes = 5;

} // namespace

QString safetyCodeHalf(const QString &user, const QByteArray &rootPub)
{
    // H0 = SHA-512(0x0000 || root || user); Hi = SHA-512(Hi-1 || root).
    QByteArray hash = crypto::sha512(QByteArray(2, '\0') + rootPub + user.toUtf8());
    for (int i = 0; i < SafetyCodeIterations; ++i)
        hash = crypto::sha512(hash + rootPub);
    QString digits;
    for (int offset = 0; offset < HalfBytes; offset += ChunkBytes) {
        quint64 chunk = 0;
        for (int i = 0; i < ChunkBytes; ++i)
            chunk = (chunk << 8) | quint8(hash.at(offset + i));
        digits += u"%1"_s.arg(chunk % 100000, 5, 10, QLatin1Char('0'));
    }
    return digits;
}

QString safetyCode(const QString &userA, const QByteArray &rootA, const QString &userB, const QByteArray &rootB)
{
    const QString a = safetyCodeHalf(userA, rootA);
    const QString b = safetyCodeHalf(userB, rootB);
    const QString digits = a < b ? a + b : b + a;
    QStringList groups;
    for (qsizetype i = 0; i < digits.size(); i += 5)
        groups.append(digits.mid(i, 5));
    return groups.join(u' ');
}

} // namespace parley::sdk
