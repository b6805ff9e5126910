#pragma once

// Rooms: room_change, room_get, rooms (docs/protocol.md "Rooms").

#include "core/result.h"
#include "protocol/frame.h"
#include "store/records.h"

namespace parley::server {

class SessionContext;

void handleRoomChange(SessionContext &session, const protocol::Frame &f);
void handleRoomGet(SessionContext &session, const protocol::Frame &f);
void handleRooms(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
