#pragma once

// Messages: send and ack; the reply once the store has committed (or refused) a message.

#include "core/result.h"
#include "protocol/frame.h"
#include "store/records.h"

namespace parley::server {

class SessionContext;

void handleSend(SessionContext &session, const protocol::Frame &f);
void handleAck(SessionContext &session, const protocol::Frame &f);
// The store committed (or refused) a message this session sent: `accepted` or the error.
void sendCompleted(SessionContext &session, quint64 requestId, const QByteArray &mid, const Result<InsertedMessage> &result);

} // namespace parley::server
