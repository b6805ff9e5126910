#pragma once

#include "admin/admincontext.h"

namespace parley::server {

struct RoomSettings;
struct StoredRoom;

// rooms.*: server-wide room defaults, the room list, one room's state, the retention override and deletion.
class RoomCalls {
public:
    explicit RoomCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<RoomCalls>> &calls();

private:
    void handleRoomsDefaults(const AdminRequestPtr &r);
    void handleRoomsList(const AdminRequestPtr &r);
    void handleRoomsShow(const AdminRequestPtr &r);
    void handleRoomsPolicy(const AdminRequestPtr &r);
    void handleRoomsDelete(const AdminRequestPtr &r);

    static QCborMap roomSettingsMap(const RoomSettings &s);
    static QCborMap roomMap(const StoredRoom &room);
    void notifyRoomChanged(const StoredRoom &room);

    AdminContext &m_ctx;
};

} // namespace parley::server
