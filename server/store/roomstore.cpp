#include "store/roomstore.h"

#include "store/connection.h"
#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

struct RoomRow {
    qint64 id = 0;
    protocol::RoomState state;
    quint64 enforcedExpireSeconds = 0;
    bool enforcedBurn = false;

    RoomRetention retention() const
    {
        return RoomRetention{state.policy.expireSeconds, state.policy.burnOnRead, enforcedExpireSeconds, enforcedBurn};
    }
};

RoomRow readRoom(const sql::Rows &row, const QString &room)
{
    RoomRow r;
    r.id = row.integer(0);
    r.state.room = room;
    r.state.policy.title = row.text(1);
    r.state.policy.description = row.text(2);
    r.state.policy.expireSeconds = quint64(row.integer(3));
    r.state.policy.burnOnRead = row.integer(4) != 0;
    r.state.nextSeq = quint64(row.integer(5));
    r.state.head = row.bytes(6);
    r.state.lastAt = quint64(row.integer(7));
    r.enforcedExpireSeconds = quint64(std::max<qint64>(0, row.integer(8)));
    r.enforcedBurn = row.integer(9) != 0;
    return r;
}

Result<RoomRow> loadRoom(const QSqlDatabase &db, const QString &room)
{
    Result<RoomRow> row = sql::queryOne<RoomRow>(
        db,
        u"SELECT id, title, description, expire_seconds, burn, next_seq, head, last_at, enforced_expire_seconds, "
        u"enforced_burn FROM rooms WHERE name = ?"_s,
        {room}, u"room lookup", [&room](const sql::Rows &r) { return readRoom(r, room); },
        makeError(ErrorCode::NotFound, u"no such room"_s));
    if (!row)
        return row;
    using Member = std::pair<QString, bool>;
    const Result<QList<Member>> members = sql::queryAll<Member>(
        db, u"SELECT user_name, admin FROM room_members WHERE room_id = ?"_s, {row->id}, u"room members",
        [](const sql::Rows &r) { return Member(r.text(0), r.integer(1) != 0); });
    if (!members)
        return members.error();
    for (const auto &[name, admin] : *members)
        row->state.members.insert(name, admin);
    return row;
}

// Checks `record` against the room (loaded, or new for a create) and the server's limits. Returns the room as it
// stands before the record.
Result<RoomRow> roomForAppend(const QSqlDatabase &db, const protocol::RoomRecord &record, const RoomSettings &settings)
{
    const bool create = record.op == protocol::RoomOp::Create;
    Result<RoomRow> row = loadRoom(db, record.room);
    if (row && create)
        return makeError(ErrorCode::Conflict, u"a room with this name exists"_s);
    if (!row) {
        if (row.error().code != ErrorCode::NotFound)
            return row;
        if (!create)
            return makeError(ErrorCode::NotFound, roomstore::NotAMember.toString());
        row = RoomRow();
        row->state.room = record.room;
    } else if (!row->state.isMember(record.actor)) {
        return makeError(ErrorCode::NotFound, roomstore::NotAMember.toString());
    }
    if (Status st = row->state.check(record); !st)
        return st.error();
    if (record.op == protocol::RoomOp::Add && row->state.members.size() >= settings.maxMembers)
        return makeError(ErrorCode::QuotaExceeded, u"the room has the maximum number of members (%1)"_s.arg(settings.maxMembers));
    if (record.policy && settings.maxExpireSeconds > 0
        && (record.policy->expireSeconds == 0 || record.policy->expireSeconds > quint64(settings.maxExpireSeconds)))
        return makeError(ErrorCode::QuotaExceeded,
                         u"room messages may live at most %1 seconds on this server"_s.arg(settings.maxExpireSeconds));
    return row;
}

// Inserts (create) or updates the rooms row for the room's new state; sets the row id of a new room.
Status storeRoomRow(const QSqlDatabase &db, RoomRow &row, bool create)
{
    // A null QString would bind as SQL NULL; the columns hold empty text instead.
    protocol::RoomPolicy p = row.state.policy;
    p.title = p.title.isNull() ? u""_s : p.title;
    p.description = p.description.isNull() ? u""_s : p.description;
    if (!create) {
        return sql::apply(db,
                          u"UPDATE rooms SET title = ?, description = ?, expire_seconds = ?, burn = ?, next_seq = ?, "
                          u"head = ?, last_at = ? WHERE id = ?"_s,
                          {p.title, p.description, qint64(p.expireSeconds), p.burnOnRead ? 1 : 0,
                           qint64(row.state.nextSeq), sql::blob(row.state.head), qint64(row.state.lastAt), row.id},
                          u"room statement failed");
    }
    const Result<qint64> inserted =
        sql::insert(db,
                    u"INSERT INTO rooms (name, title, description, expire_seconds, burn, next_seq, head, last_at, "
                    u"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
                    {row.state.room, p.title, p.description, qint64(p.expireSeconds), p.burnOnRead ? 1 : 0,
                     qint64(row.state.nextSeq), sql::blob(row.state.head), qint64(row.state.lastAt), sql::nowMs()},
                    u"room statement failed");
    if (!inserted) {
        return inserted.error().code == ErrorCode::Conflict ? makeError(ErrorCode::Conflict, u"a room with this name exists"_s)
                                                            : inserted.error();
    }
    row.id = *inserted;
    return {};
}

// The membership change the record makes, in room_members.
Status storeMembership(const QSqlDatabase &db, qint64 roomId, const protocol::RoomRecord &record)
{
    switch (record.op) {
    case protocol::RoomOp::Create:
    case protocol::RoomOp::Add:
        return sql::apply(db, u"INSERT INTO room_members (room_id, user_name, admin) VALUES (?, ?, ?)"_s,
                          {roomId, record.target, record.op == protocol::RoomOp::Create ? 1 : 0},
                          u"room statement failed");
    case protocol::RoomOp::Remove:
    case protocol::RoomOp::Leave:
        return sql::apply(db, u"DELETE FROM room_members WHERE room_id = ? AND user_name = ?"_s, {roomId, record.target},
                          u"room statement failed");
    case protocol::RoomOp::Promote:
    case protocol::RoomOp::Demote:
        return sql::apply(db, u"UPDATE room_members SET admin = ? WHERE room_id = ? AND user_name = ?"_s,
                          {record.op == protocol::RoomOp::Promote ? 1 : 0, roomId, record.target},
                          u"room statement failed");
    case protocol::RoomOp::Policy:
        break;
    }
    return {};
}

} // namespace

namespace roomstore {

Result<protocol::RoomState> state(Db &db, const QString &room)
{
    Result<RoomRow> row = loadRoom(db.database(), room);
    if (!row)
        return row.error();
    return std::move(row->state);
}

Result<StoredRoom> load(Db &db, const QString &room)
{
    Result<RoomRow> row = loadRoom(db.database(), room);
    if (!row)
        return row.error();
    StoredRoom out;
    out.retention = row->retention();
    out.state = std::move(row->state);
    return out;
}

Result<RetentionChange> setRetention(Db &db, const QString &room, std::optional<quint64> expireSeconds,
                                     std::optional<bool> burn, const RoomSettings &settings)
{
    constexpr quint64 MaxSeconds = quint64(1) << 32;
    if (expireSeconds && *expireSeconds > MaxSeconds)
        return makeError(ErrorCode::InvalidArgument, u"expire_seconds must be 0 to %1"_s.arg(MaxSeconds));
    if (expireSeconds && settings.maxExpireSeconds > 0 && *expireSeconds > quint64(settings.maxExpireSeconds))
        return makeError(ErrorCode::InvalidArgument,
                         u"expire_seconds must be at most the server's maximum of %1 seconds"_s.arg(settings.maxExpireSeconds));

    const QSqlDatabase sql = db.database();
    Connection::Savepoint savepoint(db.connection());
    if (Status st = savepoint.begin(); !st)
        return st.error();
    Result<RoomRow> row = loadRoom(sql, room);
    if (!row)
        return row.error();
    if (expireSeconds)
        row->enforcedExpireSeconds = *expireSeconds;
    if (burn)
        row->enforcedBurn = *burn;
    if (Status st = sql::apply(sql, u"UPDATE rooms SET enforced_expire_seconds = ?, enforced_burn = ? WHERE id = ?"_s,
                               {qint64(row->enforcedExpireSeconds), row->enforcedBurn ? 1 : 0, row->id},
                               u"room statement failed");
        !st)
        return st.error();

    RetentionChange change;
    change.room.retention = row->retention();
    change.room.state = row->state;

    // Stored messages of the room (by the room column, schema version 6) get the shorter expiry; a longer one is never
    // written.
    const quint64 expire = change.room.retention.effectiveExpireSeconds();
    if (expire > 0) {
        const Result<int> shortened = sql::change(sql,
                                                  u"UPDATE messages SET expires_at = sent_at + ? WHERE room = ? "
                                                  u"AND (expires_at = 0 OR sent_at + ? < expires_at)"_s,
                                                  {qint64(expire) * 1000, room, qint64(expire) * 1000},
                                                  u"room statement failed");
        if (!shortened)
            return shortened.error();
        change.shortened = *shortened;
    }
    if (Status st = savepoint.release(); !st)
        return st.error();
    return change;
}

Result<AppendedRoomRecord> append(Db &db, const protocol::RoomRecord &record, const protocol::SignedRoomRecord &s,
                                  const RoomSettings &settings)
{
    const QSqlDatabase sql = db.database();
    Connection::Savepoint savepoint(db.connection());
    if (Status st = savepoint.begin(); !st)
        return st.error();
    Result<RoomRow> row = roomForAppend(sql, record, settings);
    if (!row)
        return row.error();

    AppendedRoomRecord appended;
    appended.seq = record.seq;
    appended.notify = row->state.members.keys();
    row->state.apply(record, s.bytes);
    for (auto it = row->state.members.cbegin(); it != row->state.members.cend(); ++it) {
        if (!appended.notify.contains(it.key()))
            appended.notify.append(it.key());
    }

    if (Status st = storeRoomRow(sql, *row, record.op == protocol::RoomOp::Create); !st)
        return st.error();
    if (Status st = sql::apply(sql, u"INSERT INTO room_records (room_id, seq, rec, sig, dpub, dsig) VALUES (?, ?, ?, ?, ?, ?)"_s,
                               {row->id, qint64(record.seq), sql::blob(s.bytes), sql::blob(s.sig), sql::blob(s.devicePub),
                                sql::blob(s.deviceCert)},
                               u"room statement failed");
        !st)
        return st.error();
    if (Status st = storeMembership(sql, row->id, record); !st)
        return st.error();
    if (Status st = savepoint.release(); !st)
        return st.error();
    return appended;
}

Result<Page> records(Db &db, const QString &room, quint64 fromSeq, int limit)
{
    Result<QList<protocol::SignedRoomRecord>> rows = sql::queryAll<protocol::SignedRoomRecord>(
        db.database(),
        u"SELECT r.rec, r.sig, r.dpub, r.dsig FROM room_records r JOIN rooms m ON m.id = r.room_id "
        u"WHERE m.name = ? AND r.seq >= ? ORDER BY r.seq LIMIT ?"_s,
        {room, qint64(std::min<quint64>(fromSeq, quint64(1) << 53)), limit + 1}, u"room records",
        [](const sql::Rows &r) { return protocol::SignedRoomRecord{r.bytes(0), r.bytes(1), r.bytes(2), r.bytes(3)}; });
    if (!rows)
        return rows.error();
    Page page;
    page.records = std::move(*rows);
    if (page.records.size() > std::max(limit, 0)) {
        page.records.resize(limit);
        page.more = true;
    }
    return page;
}

Result<QList<RoomSummary>> roomsOf(Db &db, const QString &user)
{
    return sql::queryAll<RoomSummary>(
        db.database(),
        u"SELECT r.name, r.next_seq, r.title, r.description, "
        u"(SELECT COUNT(*) FROM room_members c WHERE c.room_id = r.id), m.admin, "
        u"r.enforced_expire_seconds, r.enforced_burn "
        u"FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.user_name = ? ORDER BY r.name"_s,
        {user}, u"room list", [](const sql::Rows &r) {
            RoomSummary s;
            s.room = r.text(0);
            s.seq = quint64(std::max<qint64>(0, r.integer(1) - 1));
            s.title = r.text(2);
            s.description = r.text(3);
            s.members = int(r.integer(4));
            s.admin = r.integer(5) != 0;
            s.enforcedExpireSeconds = quint64(std::max<qint64>(0, r.integer(6)));
            s.enforcedBurn = r.integer(7) != 0;
            return s;
        });
}

} // namespace roomstore

} // namespace parley::server
