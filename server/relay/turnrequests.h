#pragma once

// TURN credentials for calls: turn (docs/calls.md).

#include "protocol/frame.h"

namespace parley::server {

class SessionContext;

void handleTurn(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
