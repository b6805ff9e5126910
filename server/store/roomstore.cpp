#include "store/roomstore.h"

#include "store/store.h"

#include <QCborMap>
#include <QCborValue>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <initializer_list>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int SqliteConstraint = 19;

Error sqlError(const QSqlQuery &query, const QString &what)
{
    bool ok = false;
    const int native = query.lastError().nativeErrorCode().toInt(&ok);
    const ErrorCode code = ok && (native & 0xff) == SqliteConstraint ? ErrorCode::Conflict : ErrorCode::Database;
    return makeError(code, what + u": "_s + query.lastError().text());
}

// A one-off statement on the connection; finished (no lingering read transaction) when it goes out of scope.
class Query {
public:
    explicit Query(const QSqlDatabase &db) : m_query(db) { m_query.setForwardOnly(true); }
    ~Query() { m_query.finish(); }
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

    Status exec(const QString &sql, std::initializer_list<QVariant> args = {})
    {
        if (!m_query.prepare(sql))
            return sqlError(m_query, u"cannot prepare a room statement"_s);
        int i = 0;
        for (const QVariant &arg : args)
            m_query.bindValue(i++, arg);
        if (!m_query.exec())
            return sqlError(m_query, u"room statement failed"_s);
        return {};
    }
    bool next() { return m_query.next(); }
    QVariant value(int i) const { return m_query.value(i); }
    int rowsAffected() const { return m_query.numRowsAffected(); }
    qint64 lastInsertId() const { return m_query.lastInsertId().toLongLong(); }
    Status status(const QString &what) const
    {
        if (m_query.lastError().isValid())
            return sqlError(m_query, what);
        return {};
    }

private:
    QSqlQuery m_query;
};

QVariant blob(const QByteArray &bytes)
{
    return bytes.isNull() ? QVariant(QByteArray("", 0)) : QVariant(bytes);
}

// A savepoint of its own, so that a failed append leaves nothing behind even inside a bigger operation.
class Savepoint {
public:
    explicit Savepoint(const QSqlDatabase &db) : m_db(db) {}
    ~Savepoint()
    {
        if (!m_open)
            return;
        QSqlQuery q(m_db);
        q.exec(u"ROLLBACK TO room_op"_s);
        q.exec(u"RELEASE room_op"_s);
    }
    Status begin()
    {
        QSqlQuery q(m_db);
        if (!q.exec(u"SAVEPOINT room_op"_s))
            return sqlError(q, u"savepoint"_s);
        m_open = true;
        return {};
    }
    Status release()
    {
        QSqlQuery q(m_db);
        m_open = false;
        if (!q.exec(u"RELEASE room_op"_s))
            return sqlError(q, u"release"_s);
        return {};
    }

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

struct RoomRow {
    qint64 id = 0;
    protocol::RoomState state;
    quint64 enforcedExpireSeconds = 0;
    bool enforcedBurn = false;
};

Result<RoomRow> loadRoom(const QSqlDatabase &db, const QString &room)
{
    RoomRow row;
    {
        Query q(db);
        if (Status s = q.exec(u"SELECT id, title, description, expire_seconds, burn, next_seq, head, last_at, "
                              u"enforced_expire_seconds, enforced_burn FROM rooms WHERE name = ?"_s, {room});
            !s)
            return s.error();
        if (!q.next()) {
            if (Status s = q.status(u"room lookup"_s); !s)
                return s.error();
            return makeError(ErrorCode::NotFound, u"no such room"_s);
        }
        row.id = q.value(0).toLongLong();
        row.state.room = room;
        row.state.policy.title = q.value(1).toString();
        row.state.policy.description = q.value(2).toString();
        row.state.policy.expireSeconds = quint64(q.value(3).toLongLong());
        row.state.policy.burnOnRead = q.value(4).toLongLong() != 0;
        row.state.nextSeq = quint64(q.value(5).toLongLong());
        row.state.head = q.value(6).toByteArray();
        row.state.lastAt = quint64(q.value(7).toLongLong());
        row.enforcedExpireSeconds = quint64(std::max<qint64>(0, q.value(8).toLongLong()));
        row.enforcedBurn = q.value(9).toLongLong() != 0;
    }
    Query m(db);
    if (Status s = m.exec(u"SELECT user_name, admin FROM room_members WHERE room_id = ?"_s, {row.id}); !s)
        return s.error();
    while (m.next())
        row.state.members.insert(m.value(0).toString(), m.value(1).toLongLong() != 0);
    if (Status s = m.status(u"room members"_s); !s)
        return s.error();
    return row;
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
    out.retention.chainExpireSeconds = row->state.policy.expireSeconds;
    out.retention.chainBurn = row->state.policy.burnOnRead;
    out.retention.enforcedExpireSeconds = row->enforcedExpireSeconds;
    out.retention.enforcedBurn = row->enforcedBurn;
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
    Savepoint savepoint(sql);
    if (Status st = savepoint.begin(); !st)
        return st.error();
    Result<RoomRow> row = loadRoom(sql, room);
    if (!row)
        return row.error();
    if (expireSeconds)
        row->enforcedExpireSeconds = *expireSeconds;
    if (burn)
        row->enforcedBurn = *burn;
    {
        Query q(sql);
        if (Status st = q.exec(u"UPDATE rooms SET enforced_expire_seconds = ?, enforced_burn = ? WHERE id = ?"_s,
                               {qint64(row->enforcedExpireSeconds), row->enforcedBurn ? 1 : 0, row->id});
            !st)
            return st.error();
    }

    RetentionChange change;
    change.room.retention.chainExpireSeconds = row->state.policy.expireSeconds;
    change.room.retention.chainBurn = row->state.policy.burnOnRead;
    change.room.retention.enforcedExpireSeconds = row->enforcedExpireSeconds;
    change.room.retention.enforcedBurn = row->enforcedBurn;
    change.room.state = row->state;

    // Stored messages of the room (by the room column, schema version 6) get the shorter expiry; a longer one is never
    // written.
    const quint64 expire = change.room.retention.effectiveExpireSeconds();
    if (expire > 0) {
        Query q(sql);
        if (Status st = q.exec(u"UPDATE messages SET expires_at = sent_at + ? WHERE room = ? "
                               "AND (expires_at = 0 OR sent_at + ? < expires_at)"_s,
                               {qint64(expire) * 1000, room, qint64(expire) * 1000});
            !st)
            return st.error();
        change.shortened = q.rowsAffected();
    }
    if (Status st = savepoint.release(); !st)
        return st.error();
    return change;
}

Result<AppendedRoomRecord> append(Db &db, const protocol::RoomRecord &record, const protocol::SignedRoomRecord &s,
                                  const RoomSettings &settings)
{
    const QSqlDatabase sql = db.database();
    Savepoint savepoint(sql);
    if (Status st = savepoint.begin(); !st)
        return st.error();

    RoomRow row;
    const bool create = record.op == protocol::RoomOp::Create;
    Result<RoomRow> loaded = loadRoom(sql, record.room);
    if (loaded) {
        if (create)
            return makeError(ErrorCode::Conflict, u"a room with this name exists"_s);
        row = std::move(*loaded);
    } else if (loaded.error().code == ErrorCode::NotFound) {
        if (!create)
            return makeError(ErrorCode::NotFound, u"no such room"_s);
        row.state.room = record.room;
    } else {
        return loaded.error();
    }
    if (Status st = row.state.check(record); !st)
        return st.error();
    if (record.op == protocol::RoomOp::Add && row.state.members.size() >= settings.maxMembers)
        return makeError(ErrorCode::QuotaExceeded, u"the room has the maximum number of members (%1)"_s.arg(settings.maxMembers));
    if (record.policy && settings.maxExpireSeconds > 0
        && (record.policy->expireSeconds == 0 || record.policy->expireSeconds > quint64(settings.maxExpireSeconds)))
        return makeError(ErrorCode::QuotaExceeded,
                         u"room messages may live at most %1 seconds on this server"_s.arg(settings.maxExpireSeconds));

    AppendedRoomRecord appended;
    appended.seq = record.seq;
    appended.notify = row.state.members.keys();
    row.state.apply(record, s.bytes);
    for (auto it = row.state.members.cbegin(); it != row.state.members.cend(); ++it) {
        if (!appended.notify.contains(it.key()))
            appended.notify.append(it.key());
    }

    // A null QString would bind as SQL NULL; the columns hold empty text instead.
    protocol::RoomPolicy p = row.state.policy;
    p.title = p.title.isNull() ? u""_s : p.title;
    p.description = p.description.isNull() ? u""_s : p.description;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (create) {
        Query q(sql);
        if (Status st = q.exec(u"INSERT INTO rooms (name, title, description, expire_seconds, burn, next_seq, head, "
                               u"last_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                               {record.room, p.title, p.description, qint64(p.expireSeconds), p.burnOnRead ? 1 : 0,
                                qint64(row.state.nextSeq), blob(row.state.head), qint64(row.state.lastAt), now});
            !st)
            return st.error().code == ErrorCode::Conflict ? makeError(ErrorCode::Conflict, u"a room with this name exists"_s)
                                                          : st.error();
        row.id = q.lastInsertId();
    } else {
        Query q(sql);
        if (Status st = q.exec(u"UPDATE rooms SET title = ?, description = ?, expire_seconds = ?, burn = ?, next_seq = ?, "
                               u"head = ?, last_at = ? WHERE id = ?"_s,
                               {p.title, p.description, qint64(p.expireSeconds), p.burnOnRead ? 1 : 0,
                                qint64(row.state.nextSeq), blob(row.state.head), qint64(row.state.lastAt), row.id});
            !st)
            return st.error();
    }
    {
        Query q(sql);
        if (Status st = q.exec(u"INSERT INTO room_records (room_id, seq, rec, sig, dpub, dsig) VALUES (?, ?, ?, ?, ?, ?)"_s,
                               {row.id, qint64(record.seq), blob(s.bytes), blob(s.sig), blob(s.devicePub),
                                blob(s.deviceCert)});
            !st)
            return st.error();
    }
    {
        Query q(sql);
        switch (record.op) {
        case protocol::RoomOp::Create:
        case protocol::RoomOp::Add:
            if (Status st = q.exec(u"INSERT INTO room_members (room_id, user_name, admin) VALUES (?, ?, ?)"_s,
                                   {row.id, record.target, create ? 1 : 0});
                !st)
                return st.error();
            break;
        case protocol::RoomOp::Remove:
        case protocol::RoomOp::Leave:
            if (Status st = q.exec(u"DELETE FROM room_members WHERE room_id = ? AND user_name = ?"_s, {row.id, record.target});
                !st)
                return st.error();
            break;
        case protocol::RoomOp::Promote:
        case protocol::RoomOp::Demote:
            if (Status st = q.exec(u"UPDATE room_members SET admin = ? WHERE room_id = ? AND user_name = ?"_s,
                                   {record.op == protocol::RoomOp::Promote ? 1 : 0, row.id, record.target});
                !st)
                return st.error();
            break;
        case protocol::RoomOp::Policy:
            break;
        }
    }
    if (Status st = savepoint.release(); !st)
        return st.error();
    return appended;
}

Result<Page> records(Db &db, const QString &room, quint64 fromSeq, int limit)
{
    Page page;
    Query q(db.database());
    if (Status st = q.exec(u"SELECT r.rec, r.sig, r.dpub, r.dsig FROM room_records r JOIN rooms m ON m.id = r.room_id "
                           u"WHERE m.name = ? AND r.seq >= ? ORDER BY r.seq LIMIT ?"_s,
                           {room, qint64(std::min<quint64>(fromSeq, quint64(1) << 53)), limit + 1});
        !st)
        return st.error();
    while (q.next()) {
        if (page.records.size() == limit) {
            page.more = true;
            break;
        }
        page.records.append(protocol::SignedRoomRecord{q.value(0).toByteArray(), q.value(1).toByteArray(),
                                                       q.value(2).toByteArray(), q.value(3).toByteArray()});
    }
    if (Status st = q.status(u"room records"_s); !st)
        return st.error();
    return page;
}

Result<QList<RoomSummary>> roomsOf(Db &db, const QString &user)
{
    QList<RoomSummary> rooms;
    Query q(db.database());
    if (Status st = q.exec(u"SELECT r.name, r.next_seq, r.title, r.description, "
                           u"(SELECT COUNT(*) FROM room_members c WHERE c.room_id = r.id), m.admin, "
                           u"r.enforced_expire_seconds, r.enforced_burn "
                           u"FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.user_name = ? ORDER BY r.name"_s,
                           {user});
        !st)
        return st.error();
    while (q.next()) {
        RoomSummary s;
        s.room = q.value(0).toString();
        s.seq = quint64(std::max<qint64>(0, q.value(1).toLongLong() - 1));
        s.title = q.value(2).toString();
        s.description = q.value(3).toString();
        s.members = q.value(4).toInt();
        s.admin = q.value(5).toLongLong() != 0;
        s.enforcedExpireSeconds = quint64(std::max<qint64>(0, q.value(6).toLongLong()));
        s.enforcedBurn = q.value(7).toLongLong() != 0;
        rooms.append(s);
    }
    if (Status st = q.status(u"room list"_s); !st)
        return st.error();
    return rooms;
}

} // namespace roomstore

Result<RoomSettings> Db::roomSettings()
{
    Query q(database());
    if (Status st = q.exec(u"SELECT max_members, max_expire_seconds, default_expire_seconds, default_burn "
                           u"FROM room_settings WHERE id = 1"_s);
        !st)
        return st.error();
    RoomSettings s;
    if (q.next()) {
        s.maxMembers = q.value(0).toInt();
        s.maxExpireSeconds = q.value(1).toLongLong();
        s.defaultExpireSeconds = q.value(2).toLongLong();
        s.defaultBurn = q.value(3).toLongLong() != 0;
    } else if (Status st = q.status(u"room settings"_s); !st) {
        return st.error();
    }
    return s;
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
    Query q(database());
    return q.exec(u"INSERT INTO room_settings (id, max_members, max_expire_seconds, default_expire_seconds, default_burn, "
                  u"updated_at) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET max_members = excluded.max_members, "
                  u"max_expire_seconds = excluded.max_expire_seconds, default_expire_seconds = excluded.default_expire_seconds, "
                  u"default_burn = excluded.default_burn, updated_at = excluded.updated_at"_s,
                  {s.maxMembers, s.maxExpireSeconds, s.defaultExpireSeconds, s.defaultBurn ? 1 : 0,
                   QDateTime::currentMSecsSinceEpoch()});
}

} // namespace parley::server
