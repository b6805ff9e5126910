#pragma once

// Push registrations: push_register, push_remove (docs/push.md).

#include "core/result.h"
#include "protocol/frame.h"
#include "store/records.h"

namespace parley::server {

class SessionContext;

void handlePushRegister(SessionContext &session, const protocol::Frame &f);
void handlePushRemove(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
