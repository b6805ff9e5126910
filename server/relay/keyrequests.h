#pragma once

// Keys and devices: prekeys, devices, fetch, recovery_put, recovery_get.

#include "core/result.h"
#include "protocol/frame.h"
#include "store/records.h"

namespace parley::server {

class SessionContext;

void handlePrekeys(SessionContext &session, const protocol::Frame &f);
void handleDevices(SessionContext &session, const protocol::Frame &f);
void handleFetch(SessionContext &session, const protocol::Frame &f);
void handleRecoveryPut(SessionContext &session, const protocol::Frame &f);
void handleRecoveryGet(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
