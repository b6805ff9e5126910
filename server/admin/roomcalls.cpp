#include "admin/roomcalls.h"

#include "admin/adminlog.h"
#include "protocol/frame.h"
#include "relay/devicedirectory.h"
#include "relay/router.h"
#include "store/adminstore.h"
#include "store/roomstore.h"
#include "store/store.h"

#include <QCborArray>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

const QList<AdminCall<RoomCalls>> &RoomCalls::calls()
{
    static const QList<AdminCall<RoomCalls>> calls = {
        {"rooms.defaults"_L1, &RoomCalls::handleRoomsDefaults},
        {"rooms.list"_L1, &RoomCalls::handleRoomsList},
        {"rooms.show"_L1, &RoomCalls::handleRoomsShow},
        {"rooms.policy"_L1, &RoomCalls::handleRoomsPolicy},
        {"rooms.delete"_L1, &RoomCalls::handleRoomsDelete},
    };
    return calls;
}

QCborMap RoomCalls::roomSettingsMap(const RoomSettings &s)
{
    QCborMap m;
    m.insert("max_members"_L1, s.maxMembers);
    m.insert("max_expire_seconds"_L1, s.maxExpireSeconds);
    m.insert("default_expire_seconds"_L1, s.defaultExpireSeconds);
    m.insert("default_burn"_L1, s.defaultBurn);
    return m;
}

void RoomCalls::handleRoomsDefaults(const AdminRequestPtr &r)
{
    const QCborMap args = r->args;
    m_ctx.write(r, [args](Db &db) -> Result<QCborMap> {
        auto current = db.roomSettings();
        if (!current)
            return current.error();
        if (args.isEmpty())
            return roomSettingsMap(*current);
        RoomSettings s = *current;
        if (args.contains("max_members"_L1))
            s.maxMembers = int(std::min<qint64>(args.value("max_members"_L1).toInteger(), 1 << 30));
        if (args.contains("max_expire_seconds"_L1))
            s.maxExpireSeconds = args.value("max_expire_seconds"_L1).toInteger();
        if (args.contains("default_expire_seconds"_L1))
            s.defaultExpireSeconds = args.value("default_expire_seconds"_L1).toInteger();
        if (args.contains("default_burn"_L1))
            s.defaultBurn = args.value("default_burn"_L1).toBool();
        if (Status st = db.setRoomSettings(s); !st)
            return st.error();
        return roomSettingsMap(s);
    });
}

void RoomCalls::handleRoomsList(const AdminRequestPtr &r)
{
    auto rooms = AdminStore(m_ctx.store()->reader()).rooms(r->args.value("search"_L1).toString());
    if (!rooms)
        return m_ctx.reply(r, rooms.error());
    QCborArray list;
    for (const AdminStore::RoomRow &row : *rooms) {
        QCborMap m;
        m.insert("room"_L1, row.name);
        m.insert("title"_L1, row.title);
        m.insert("members"_L1, row.members);
        m.insert("expire_seconds"_L1, row.expireSeconds);
        m.insert("burn_on_read"_L1, row.burn);
        m.insert("enforced_expire_seconds"_L1, row.enforcedExpireSeconds);
        m.insert("enforced_burn"_L1, row.enforcedBurn);
        m.insert("effective_expire_seconds"_L1, qint64(row.retention().effectiveExpireSeconds()));
        m.insert("effective_burn"_L1, row.retention().effectiveBurn());
        m.insert("created_at"_L1, row.createdAt);
        m.insert("last_at"_L1, row.lastAt);
        list.append(m);
    }
    QCborMap m;
    m.insert("rooms"_L1, list);
    m_ctx.reply(r, m);
}

QCborMap RoomCalls::roomMap(const StoredRoom &room)
{
    const protocol::RoomState *state = &room.state;
    QCborMap m;
    m.insert("room"_L1, state->room);
    m.insert("title"_L1, state->policy.title);
    m.insert("description"_L1, state->policy.description);
    m.insert("expire_seconds"_L1, qint64(state->policy.expireSeconds));
    m.insert("burn_on_read"_L1, state->policy.burnOnRead);
    m.insert("enforced_expire_seconds"_L1, qint64(room.retention.enforcedExpireSeconds));
    m.insert("enforced_burn"_L1, room.retention.enforcedBurn);
    m.insert("effective_expire_seconds"_L1, qint64(room.retention.effectiveExpireSeconds()));
    m.insert("effective_burn"_L1, room.retention.effectiveBurn());
    m.insert("member_count"_L1, qint64(state->members.size()));
    m.insert("admin_count"_L1, state->adminCount());
    QCborArray members;
    for (const QString &name : state->memberList()) {
        QCborMap member;
        member.insert("name"_L1, name);
        member.insert("admin"_L1, state->isAdmin(name));
        members.append(member);
    }
    m.insert("members"_L1, members);
    m.insert("records"_L1, qint64(state->nextSeq));
    m.insert("last_at"_L1, qint64(state->lastAt));
    return m;
}

void RoomCalls::handleRoomsShow(const AdminRequestPtr &r)
{
    if (r->args.value("room"_L1).toString().isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"room: the name of a room"_s);
    auto room = roomstore::load(m_ctx.store()->reader(), r->args.value("room"_L1).toString());
    if (!room)
        return m_ctx.reply(r, room.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such room"_s) : room.error());
    m_ctx.reply(r, roomMap(*room));
}

// The administrator's retention override: it can only tighten the chain's policy (docs/admin-api.md).
void RoomCalls::handleRoomsPolicy(const AdminRequestPtr &r)
{
    if (r->args.value("room"_L1).toString().isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"room: the name of a room"_s);
    const QString room = r->args.value("room"_L1).toString();
    std::optional<quint64> expire;
    std::optional<bool> burn;
    if (r->args.contains("expire_seconds"_L1))
        expire = quint64(r->args.value("expire_seconds"_L1).toInteger());
    if (r->args.contains("burn_on_read"_L1))
        burn = r->args.value("burn_on_read"_L1).toBool();
    if (!expire && !burn)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"give expire_seconds, burn_on_read or both"_s);
    auto changed = std::make_shared<std::optional<roomstore::RetentionChange>>();
    m_ctx.store()->write<QCborMap>(m_ctx.owner(), [room, expire, burn, changed](Db &db) -> Result<QCborMap> {
        auto settings = db.roomSettings();
        if (!settings)
            return settings.error();
        auto change = roomstore::setRetention(db, room, expire, burn, *settings);
        if (!change)
            return change.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such room"_s)
                                                              : change.error();
        *changed = *change;
        return roomMap(change->room);
    }, [this, r, changed](Result<QCborMap> result) {
        if (result && *changed) {
            const roomstore::RetentionChange &c = **changed;
            qCInfo(lcAdmin) << "A room's retention override changed;" << c.shortened << "stored messages expire sooner";
            // Members' connected devices hear of it the way they hear of a chain change (same seq), and fetch
            // the room again: the chain page and the room list carry the override.
            notifyRoomChanged(c.room);
        }
        m_ctx.reply(r, result);
    });
}

void RoomCalls::notifyRoomChanged(const StoredRoom &room)
{
    const QByteArray notice = protocol::encode(protocol::Frame(u"room_changed"_s)
                                                   .set("room"_L1, room.state.room)
                                                   .set("seq"_L1, QCborValue(qint64(room.state.nextSeq > 0 ? room.state.nextSeq - 1 : 0))));
    DeviceDirectory *directory = m_ctx.host()->directory();
    Router *router = m_ctx.host()->router();
    for (const QString &user : room.state.memberList()) {
        auto entry = directory->lookup(user);
        if (!entry)
            continue;
        for (const DeviceRecord &device : (*entry)->devices)
            router->notify(device.id, notice);
    }
}

void RoomCalls::handleRoomsDelete(const AdminRequestPtr &r)
{
    if (r->args.value("room"_L1).toString().isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"room: the name of a room"_s);
    const QString room = r->args.value("room"_L1).toString();
    m_ctx.write(r, [room](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).deleteRoom(room); !s)
            return s.error();
        return QCborMap();
    });
}

} // namespace parley::server
