#pragma once

// Room storage over a Db connection (schema version 2, server/db.cpp): the membership chain as received, the state it
// leads to, and the room list. Reads work on any connection; appendRoomRecord() on the writer only.

#include "core/result.h"
#include "protocol/roomchain.h"
#include "records.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace parley::server {

class Db;

struct RoomSummary {
    QString room;
    quint64 seq = 0;              // the last record's seq
    QString title;
    QString description;
    int members = 0;
    bool admin = false;           // the asking user is an admin
};

struct AppendedRoomRecord {
    quint64 seq = 0;
    QStringList notify;           // members before and after the change: they hear of it
};

namespace roomstore {

// The state of a room from the state tables (no signature checks: those ran when each record was appended).
// NotFound when the room does not exist.
Result<protocol::RoomState> state(Db &db, const QString &room);
// Checks `record` against the room's state and the settings and appends it. `record` was decoded from
// `signedRecord.bytes` and its signatures verified by the caller. Conflict: the room exists (create) or the record
// does not follow the head; Forbidden: rules of docs/protocol.md; QuotaExceeded: member limit or expiry limit;
// NotFound: no such room.
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
