#pragma once

// Attachments (docs/protocol.md, "Attachments"): blob_start, blob_put and blob_get.

#include "protocol/frame.h"

namespace parley::server {

class SessionContext;

void handleBlobStart(SessionContext &session, const protocol::Frame &f);
void handleBlobPut(SessionContext &session, const protocol::Frame &f);
void handleBlobGet(SessionContext &session, const protocol::Frame &f);

} // namespace parley::server
