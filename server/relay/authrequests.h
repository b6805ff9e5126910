#pragma once

// Enrollment and login: enroll_info, enroll, login (docs/protocol.md "Connection and authentication").

#include "core/result.h"
#include "protocol/frame.h"
#include "store/records.h"

namespace parley::server {

class SessionContext;

void handleEnrollInfo(SessionContext &session, const protocol::Frame &f);
void handleEnroll(SessionContext &session, const protocol::Frame &f);
void handleLogin(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
