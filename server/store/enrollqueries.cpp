// Db: enrollment codes and enrolling a device with one (which creates the user on its first device).

#include "store/db.h"

#include "store/connection.h"

#include "crypto/crypto.h"

#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// Crockford base32: no I, L, O, U; readers may type I/L for 1 and O for 0.
constexpr char EnrollAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int EnrollGroups = 4;
constexpr int EnrollGroupSize = 5;
constexpr int EnrollCodeLength = EnrollGroups * EnrollGroupSize;   // 20 symbols x 5 bits = 100 bits

Error refusedCode()
{
    return makeError(ErrorCode::Unauthorized, u"the enrollment code is wrong, used or expired"_s);
}

bool isValidUserName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (alnum)
            continue;
        if (i > 0 && (c == u'.' || c == u'_' || c == u'-'))
            continue;
        return false;
    }
    return true;
}

QByteArray hashEnrollCode(const QString &normalised)
{
    return crypto::sha256(normalised.toLatin1());
}

// Unauthorized unless `hash` names an unused, unexpired code issued for `user`.
Status checkCodeRow(Connection &c, const QByteArray &hash, const QString &user)
{
    const Result<bool> usable = c.one<bool>(
        EnrollCodeByHash, {hash}, u"enrollment code lookup",
        [&user](const sql::Rows &row) { return row.text(0) == user && row.isNull(2) && row.integer(1) > sql::nowMs(); },
        false);
    if (!usable)
        return usable.error();
    if (!*usable)
        return refusedCode();
    return {};
}

// The enrolling user's row id: an existing user (not suspended, the same root key, below the device limit; a user
// without a root key gets this one), or a new user.
Result<qint64> enrollingUser(Connection &c, const EnrollRequest &request, qint64 now)
{
    const Result<UserRecord> existing = c.one<UserRecord>(UserByName, {request.user}, u"user lookup", readUser,
                                                          makeError(ErrorCode::NotFound, u"no such user"_s));
    if (!existing) {
        if (existing.error().code != ErrorCode::NotFound)
            return existing.error();
        return c.insert(InsertUser, {request.user, sql::blob(request.rootPub), now});
    }
    if (existing->suspended)
        return makeError(ErrorCode::Forbidden, u"the user is suspended"_s);
    if (!existing->rootPub.isEmpty() && existing->rootPub != request.rootPub)
        return makeError(ErrorCode::Unauthorized, u"the root key does not match the user's"_s);
    const Result<qint64> devices = c.one<qint64>(CountActiveDevices, {existing->id}, u"device count",
                                                 [](const sql::Rows &row) { return row.integer(0); },
                                                 makeError(ErrorCode::Database, u"device count returned no row"_s));
    if (!devices)
        return devices.error();
    if (*devices >= request.maxDevices)
        return makeError(ErrorCode::QuotaExceeded, u"the user has the maximum number of devices"_s);
    if (existing->rootPub.isEmpty()) {
        if (Status s = c.run(SetUserRoot, {sql::blob(request.rootPub), existing->id}); !s)
            return s.error();
    }
    return existing->id;
}

// Adds the device under the user's next device number. Returns its row id and number.
Result<std::pair<qint64, quint32>> insertDevice(Connection &c, qint64 userId, const EnrollRequest &request, qint64 now)
{
    const Result<qint64> deviceNo = c.one<qint64>(NextDeviceNo, {userId}, u"device number",
                                                  [](const sql::Rows &row) { return row.integer(0); },
                                                  makeError(ErrorCode::Database, u"device number query returned no row"_s));
    if (!deviceNo)
        return deviceNo.error();
    if (*deviceNo > qint64(std::numeric_limits<quint32>::max()))
        return makeError(ErrorCode::QuotaExceeded, u"no device numbers left for this user"_s);
    const QVariant name = request.deviceName.isEmpty() ? QVariant() : QVariant(request.deviceName);
    const Result<qint64> inserted = c.insert(InsertDevice, {userId, *deviceNo, sql::blob(request.devicePub),
                                                           sql::blob(request.deviceSig), name, now});
    if (!inserted)
        return inserted.error();
    return std::pair(*inserted, quint32(*deviceNo));
}

} // namespace

QString Db::normaliseEnrollCode(const QString &code)
{
    QString out;
    out.reserve(EnrollCodeLength);
    for (const QChar ch : code) {
        char16_t c = ch.unicode();
        if (c == u'-' || c == u' ' || c == u'\t')
            continue;
        if (c >= u'a' && c <= u'z')
            c = char16_t(c - u'a' + u'A');
        if (c == u'I' || c == u'L')
            c = u'1';
        else if (c == u'O')
            c = u'0';
        if (c == 0 || c > 0x7f || !std::strchr(EnrollAlphabet, char(c)))
            return {};
        out.append(QChar(c));
        if (out.size() > EnrollCodeLength)
            return {};
    }
    if (out.size() != EnrollCodeLength)
        return {};
    return out;
}

Result<EnrollCheck> Db::checkEnrollCode(const QString &user, const QString &code)
{
    const QString normalised = normaliseEnrollCode(code);
    if (normalised.isEmpty() || !isValidUserName(user))
        return refusedCode();
    if (Status s = checkCodeRow(*d, hashEnrollCode(normalised), user); !s)
        return s.error();
    EnrollCheck check;
    Result<UserRecord> existing = userByName(user);
    if (existing) {
        check.newUser = false;
        Result<QByteArray> bundle = recovery(existing->id);
        if (!bundle)
            return bundle.error();
        check.recovery = *bundle;
    } else if (existing.error().code != ErrorCode::NotFound) {
        return existing.error();
    }
    return check;
}

Result<QString> Db::createEnrollCode(const QString &user, qint64 validForMs)
{
    if (!isValidUserName(user))
        return makeError(ErrorCode::InvalidArgument, u"invalid user name"_s);
    if (validForMs <= 0)
        return makeError(ErrorCode::InvalidArgument, u"an enrollment code needs a positive validity"_s);
    // 20 symbols of 5 bits each; 256 is a multiple of 32, so masking a random byte is uniform.
    const QByteArray random = crypto::randomBytes(EnrollCodeLength);
    QString code;
    code.reserve(EnrollCodeLength + EnrollGroups - 1);
    for (int i = 0; i < EnrollCodeLength; ++i) {
        if (i > 0 && i % EnrollGroupSize == 0)
            code.append(u'-');
        code.append(QLatin1Char(EnrollAlphabet[quint8(random.at(i)) & 31]));
    }
    const qint64 now = sql::nowMs();
    const qint64 expiresAt = validForMs > std::numeric_limits<qint64>::max() - now ? std::numeric_limits<qint64>::max()
                                                                                    : now + validForMs;
    if (Status s = d->run(InsertEnrollCode, {hashEnrollCode(normaliseEnrollCode(code)), user, now, expiresAt}); !s)
        return s.error();
    return code;
}

Result<EnrollResult> Db::enrollDevice(const EnrollRequest &request)
{
    if (!isValidUserName(request.user))
        return refusedCode();
    if (request.rootPub.isEmpty() || request.devicePub.isEmpty() || request.deviceSig.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"enrollment needs a root key, a device key and its signature"_s);
    if (request.maxDevices < 1)
        return makeError(ErrorCode::InvalidArgument, u"the device limit must be at least 1"_s);
    const QString normalised = normaliseEnrollCode(request.code);
    if (normalised.isEmpty())
        return refusedCode();
    const QByteArray hash = hashEnrollCode(normalised);

    Connection::Savepoint savepoint(*d);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    if (Status s = checkCodeRow(*d, hash, request.user); !s)
        return s.error();
    const qint64 now = sql::nowMs();
    const Result<qint64> userId = enrollingUser(*d, request, now);
    if (!userId)
        return userId.error();
    const Result<std::pair<qint64, quint32>> device = insertDevice(*d, *userId, request, now);
    if (!device)
        return device.error();
    const Result<int> used = d->change(UseEnrollCode, {now, hash});
    if (!used)
        return used.error();
    if (*used != 1)
        return refusedCode();
    if (!request.recovery.isEmpty()) {
        if (Status s = putRecovery(*userId, request.recovery); !s)
            return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return EnrollResult{*userId, device->first, device->second};
}

Result<int> Db::purgeEnrollCodes(qint64 now)
{
    return d->change(PurgeEnrollCodes, {now});
}

} // namespace parley::server
