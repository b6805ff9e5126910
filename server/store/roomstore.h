#pragma once

// Room storage over a Db connection (schema version 2, store/schema.cpp): the membership chain as received, the state it
// leads to, and the room list. Reads work on any connection; appendRoomRecord() on the writer only.

#include "core/result.h"
#include "protocol/roomchain.h"
#include "store/records.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace parley::server {

class Db;

struct RoomSummary {
    QString room;
    quint64 seq = 0;              // the last record's seq
    QString title;
    QString description;
    int members = 0;
    bool admin = false;           // the asking user is an admin
    quint64 enforcedExpireSeconds = 0;   // the administrator's override (RoomRetention)
    bool enforcedBurn = false;
};

// The administrator's retention override of a room (admin call rooms.policy, schema version 5). It can only tighten
// the chain's policy: the effective expiry is the shorter of the two (0 = none), burn-on-read is on when either asks.
struct RoomRetention {
    quint64 chainExpireSeconds = 0;
    bool chainBurn = false;
    quint64 enforcedExpireSeconds = 0;     // 0: no override
    bool enforcedBurn = false;

    quint64 effectiveExpireSeconds() const
    {
        if (chainExpireSeconds == 0 || enforcedExpireSeconds == 0)
            return chainExpireSeconds + enforcedExpireSeconds;
        return std::min(chainExpireSeconds, enforcedExpireSeconds);
    }
    bool effectiveBurn() const { return chainBurn || enforcedBurn; }
};

struct StoredRoom {
    protocol::RoomState state;
    RoomRetention retention;
};

struct AppendedRoomRecord {
    quint64 seq = 0;
    QStringList notify;           // members before and after the change: they hear of it
};

namespace roomstore {

// The answer to whoever is not a member of a room, the same whether the room exists or not (room_get, room_change,
// a room message), so that a room's existence is for its members to know.
inline constexpr QStringView NotAMember = u"no such room, or you are not a member";

// The state of a room from the state tables (no signature checks: those ran when each record was appended).
// NotFound when the room does not exist.
Result<protocol::RoomState> state(Db &db, const QString &room);
// The same with the retention (chain policy, override and the effective values).
Result<StoredRoom> load(Db &db, const QString &room);
// Writer only. Sets the override: `expireSeconds` (0 clears it) and/or `burn` (false clears it); an unset one stays.
// InvalidArgument beyond 2^32 s or the server's maximum expiry; NotFound when the room does not exist. Messages of
// the room already stored get the new, shorter expiry (counted from their sent_at), so that they are not delivered
// after it and the sweeper removes them. Returns the room as now stored and how many stored messages it shortened.
struct RetentionChange {
    StoredRoom room;
    int shortened = 0;
};
Result<RetentionChange> setRetention(Db &db, const QString &room, std::optional<quint64> expireSeconds,
                                     std::optional<bool> burn, const RoomSettings &settings);
// Checks `record` against the room's state and the settings and appends it. `record` was decoded from
// `signedRecord.bytes` and its signatures verified by the caller. NotFound (NotAMember): no such room, or the
// record's actor is not a member of it (checked before the chain, so that an outsider learns nothing of it);
// Conflict: the room exists (create) or the record does not follow the head; Forbidden: rules of docs/protocol.md;
// QuotaExceeded: member limit or expiry limit.
Result<AppendedRoomRecord> append(Db &db, const protocol::RoomRecord &record,
                                  const protocol::SignedRoomRecord &signedRecord, const RoomSettings &settings);
// Records from `fromSeq` on, at most `limit`; `more` tells whether records follow.
struct Page {
    QList<protocol::SignedRoomRecord> records;
    bool more = false;
};
Result<Page> records(Db &db, const QString &room, quint64 fromSeq, int limit);
// The rooms `user` is a member of, by name.
Result<QList<RoomSummary>> roomsOf(Db &db, const QString &user);

} // namespace roomstore

} // namespace parley::server
