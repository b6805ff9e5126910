#include "admin/adminauth.h"

#include "crypto/crypto.h"

#include <argon2.h>

#include <QSet>

using namespace Qt::StringLiterals;

namespace parley::server::adminauth {

namespace {

constexpr uint32_t TimeCost = 3;
constexpr uint32_t MemoryKiB = 64 * 1024;
constexpr uint32_t Lanes = 1;
constexpr int SaltBytes = 16;
constexpr int TagBytes = 32;
constexpr qsizetype MinPasswordBytes = 12;
constexpr qsizetype MaxPasswordBytes = 1024;
constexpr int TotpStepSeconds = 30;
constexpr char Crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

} // namespace

Result<QString> hashPassword(const QString &password)
{
    QByteArray utf8 = password.toUtf8();
    const QByteArray salt = crypto::randomBytes(SaltBytes);
    const size_t length = argon2_encodedlen(TimeCost, MemoryKiB, Lanes, SaltBytes, TagBytes, Argon2_id);
    QByteArray encoded(qsizetype(length), '\0');
    const int rc = argon2id_hash_encoded(TimeCost, MemoryKiB, Lanes, utf8.constData(), size_t(utf8.size()), salt.constData(),
                                         size_t(salt.size()), TagBytes, encoded.data(), length);
    crypto::cleanse(utf8);
    if (rc != ARGON2_OK)
        return makeError(ErrorCode::Crypto, u"Argon2id failed: %1"_s.arg(QString::fromLatin1(argon2_error_message(rc))));
    return QString::fromLatin1(encoded.constData());
}

bool verifyPassword(const QString &encodedHash, const QString &password)
{
    QByteArray utf8 = password.toUtf8();
    const QByteArray encoded = encodedHash.toLatin1();
    const bool ok = !encoded.isEmpty() && argon2id_verify(encoded.constData(), utf8.constData(), size_t(utf8.size())) == ARGON2_OK;
    crypto::cleanse(utf8);
    return ok;
}

Status checkPasswordPolicy(const QString &password)
{
    const qsizetype bytes = password.toUtf8().size();
    if (bytes < MinPasswordBytes || bytes > MaxPasswordBytes)
        return makeError(ErrorCode::InvalidArgument, u"a password must be %1 to %2 bytes long"_s.arg(MinPasswordBytes).arg(MaxPasswordBytes));
    const QSet<QChar> distinct(password.cbegin(), password.cend());
    if (distinct.size() < 4)
        return makeError(ErrorCode::InvalidArgument, u"a password needs at least 4 different characters"_s);
    return {};
}

QString generatePassword()
{
    const QByteArray random = crypto::randomBytes(26);
    QString out;
    for (const char c : random)
        out += QLatin1Char(Crockford[quint8(c) & 31]);
    return out;
}

QString generateToken()
{
    return QString::fromLatin1(crypto::randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray tokenHash(const QString &token)
{
    return crypto::sha256(token.toUtf8());
}

QString base32(const QByteArray &data)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : data) {
        buffer = (buffer << 8) | quint8(c);
        bits += 8;
        while (bits >= 5) {
            out += QLatin1Char(alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out += QLatin1Char(alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

QString totpCode(const QByteArray &secret, qint64 step)
{
    QByteArray counter(8, '\0');
    for (int i = 7; i >= 0; --i) {
        counter.data()[i] = char(step & 0xff);
        step >>= 8;
    }
    auto mac = crypto::hmacSha1(secret, counter);
    if (!mac || mac->size() != 20)
        return {};
    const int offset = mac->at(19) & 0x0f;
    const quint32 binary = (quint32(quint8(mac->at(offset)) & 0x7f) << 24) | (quint32(quint8(mac->at(offset + 1))) << 16)
                         | (quint32(quint8(mac->at(offset + 2))) << 8) | quint32(quint8(mac->at(offset + 3)));
    return QString::number(binary % 1000000).rightJustified(6, u'0');
}

std::optional<qint64> matchTotp(const QByteArray &secret, const QString &code, qint64 unixSeconds)
{
    if (secret.isEmpty() || code.size() != 6)
        return std::nullopt;
    for (const QChar c : code) {
        if (!c.isDigit())
            return std::nullopt;
    }
    const qint64 now = unixSeconds / TotpStepSeconds;
    for (qint64 step = now - 1; step <= now + 1; ++step) {
        const QString expected = totpCode(secret, step);
        if (!expected.isEmpty() && crypto::constantTimeEquals(expected.toLatin1(), code.toLatin1()))
            return step;
    }
    return std::nullopt;
}

} // namespace parley::server::adminauth
