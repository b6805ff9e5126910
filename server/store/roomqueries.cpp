// Db: the managed room settings (defaults and limits, one row of room_settings).

#include "store/db.h"

#include "store/connection.h"

#include "protocol/roomchain.h"

using namespace Qt::StringLiterals;

namespace parley::server {

Result<RoomSettings> Db::roomSettings()
{
    return d->one<RoomSettings>(
        RoomSettingsRow, {}, u"room settings",
        [](const sql::Rows &row) {
            RoomSettings s;
            s.maxMembers = int(row.integer(0));
            s.maxExpireSeconds = row.integer(1);
            s.defaultExpireSeconds = row.integer(2);
            s.defaultBurn = row.integer(3) != 0;
            return s;
        },
        RoomSettings());
}

Status Db::setRoomSettings(const RoomSettings &s)
{
    constexpr qint64 MaxSeconds = qint64(1) << 32;
    if (s.maxMembers < 1 || s.maxMembers > protocol::MaxRoomMembers)
        return makeError(ErrorCode::InvalidArgument, u"the member limit must be 1 to %1"_s.arg(protocol::MaxRoomMembers));
    if (s.maxExpireSeconds < 0 || s.maxExpireSeconds > MaxSeconds || s.defaultExpireSeconds < 0
        || s.defaultExpireSeconds > MaxSeconds)
        return makeError(ErrorCode::InvalidArgument, u"expiry times must be 0 to %1 seconds"_s.arg(MaxSeconds));
    if (s.maxExpireSeconds > 0 && (s.defaultExpireSeconds == 0 || s.defaultExpireSeconds > s.maxExpireSeconds))
        return makeError(ErrorCode::InvalidArgument,
                         u"with a maximum expiry, the default expiry must be set and at most the maximum"_s);
    return d->run(UpsertRoomSettings, {s.maxMembers, s.maxExpireSeconds, s.defaultExpireSeconds, s.defaultBurn ? 1 : 0,
                                       sql::nowMs()});
}

} // namespace parley::server
