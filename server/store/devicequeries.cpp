// Db: users, their devices and the devices' prekeys.

#include "store/db.h"

#include "store/connection.h"

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

Error noSuchDevice()
{
    return makeError(ErrorCode::NotFound, u"no such device"_s);
}

PrekeyRecord readPrekey(const sql::Rows &row, bool lastResort)
{
    return PrekeyRecord{quint32(row.integer(0)), row.bytes(1), row.bytes(2), lastResort};
}

} // namespace

Result<UserRecord> Db::userByName(const QString &name)
{
    return d->one<UserRecord>(UserByName, {name}, u"user lookup", readUser,
                              makeError(ErrorCode::NotFound, u"no such user"_s));
}

Result<QList<DeviceRecord>> Db::devicesOfUser(qint64 userId)
{
    return d->all<DeviceRecord>(DevicesOfUser, {userId}, u"device list", readDevice);
}

Result<DeviceRecord> Db::device(qint64 userId, quint32 deviceNo)
{
    return d->one<DeviceRecord>(DeviceByNo, {userId, qint64(deviceNo)}, u"device lookup", readDevice, noSuchDevice());
}

Result<DeviceRecord> Db::deviceById(qint64 deviceId)
{
    return d->one<DeviceRecord>(DeviceById, {deviceId}, u"device lookup", readDevice, noSuchDevice());
}

Status Db::touchDevice(qint64 deviceId, qint64 lastSeenMs)
{
    const Result<int> touched = d->change(TouchDevice, {lastSeenMs, deviceId});
    if (!touched)
        return touched.error();
    if (*touched != 1)
        return noSuchDevice();
    return {};
}

Result<int> Db::prekeyCount(qint64 deviceId)
{
    return d->one<int>(PrekeyCount, {deviceId}, u"prekey count", [](const sql::Rows &row) { return int(row.integer(0)); },
                       makeError(ErrorCode::Database, u"prekey count returned no row"_s));
}

Result<int> Db::addPrekeys(qint64 deviceId, const QList<PrekeyRecord> &keys, const std::optional<PrekeyRecord> &lastResort,
                           int maxPool)
{
    for (const PrekeyRecord &key : keys) {
        if (key.pub.isEmpty() || key.sig.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"a prekey needs a public key and a signature"_s);
    }
    if (lastResort && (lastResort->pub.isEmpty() || lastResort->sig.isEmpty()))
        return makeError(ErrorCode::InvalidArgument, u"the last-resort key needs a public key and a signature"_s);

    Connection::Savepoint savepoint(*d);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    if (Status s = d->exists(DeviceExists, {deviceId}, u"device lookup", noSuchDevice()); !s)
        return s.error();
    Result<int> before = prekeyCount(deviceId);
    if (!before)
        return before.error();
    if (qint64(*before) + keys.size() > maxPool)
        return makeError(ErrorCode::QuotaExceeded, u"the device would hold more one-time prekeys than allowed"_s);
    for (const PrekeyRecord &key : keys) {
        if (Status s = d->run(InsertPrekey, {deviceId, qint64(key.kid), sql::blob(key.pub), sql::blob(key.sig)}); !s) {
            if (s.error().code == ErrorCode::Conflict)
                return makeError(ErrorCode::Conflict, u"prekey %1 is already stored for the device"_s.arg(key.kid));
            return s.error();
        }
    }
    if (lastResort) {
        if (Status s = d->run(SetLastResort, {qint64(lastResort->kid), sql::blob(lastResort->pub),
                                              sql::blob(lastResort->sig), deviceId});
            !s)
            return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return int(*before + keys.size());
}

Result<Db::Consumed> Db::consumePrekey(qint64 deviceId, bool keepOneTime)
{
    Connection::Savepoint savepoint(*d);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    const auto lastResortKey = [this, deviceId] {
        return d->one<PrekeyRecord>(LastResortOf, {deviceId}, u"last-resort lookup",
                                    [](const sql::Rows &row) { return readPrekey(row, true); }, noSuchDevice());
    };
    Consumed consumed;
    if (keepOneTime) {
        const Result<PrekeyRecord> lastResort = lastResortKey();
        if (!lastResort)
            return lastResort.error();
        const Result<int> held = prekeyCount(deviceId);
        if (!held)
            return held.error();
        if (!lastResort->pub.isEmpty()) {
            consumed.key = *lastResort;
            consumed.remaining = *held;
            if (Status s = savepoint.release(); !s)
                return s.error();
            return consumed;
        }
    }
    const Result<std::optional<PrekeyRecord>> oneTime = d->one<std::optional<PrekeyRecord>>(
        ConsumePrekey, {deviceId, deviceId}, u"prekey consumption",
        [](const sql::Rows &row) { return std::optional(readPrekey(row, false)); }, std::optional<PrekeyRecord>());
    if (!oneTime)
        return oneTime.error();
    if (*oneTime) {
        consumed.key = **oneTime;
        Result<int> remaining = prekeyCount(deviceId);
        if (!remaining)
            return remaining.error();
        consumed.remaining = *remaining;
    } else {
        // The pool is empty: the last-resort key, which stays.
        const Result<PrekeyRecord> lastResort = lastResortKey();
        if (!lastResort)
            return lastResort.error();
        if (lastResort->pub.isEmpty())
            return makeError(ErrorCode::NotFound, u"the device has no prekey"_s);
        consumed.key = *lastResort;
        consumed.remaining = 0;
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return consumed;
}

} // namespace parley::server
