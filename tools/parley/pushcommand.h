#pragma once

// parley push register apns TOKEN [--topic TOPIC] | fcm TOKEN | webpush ENDPOINT P256DH AUTH; parley push remove

#include "command.h"

namespace parley::cli {

class Session;

class PushCommand : public Command {
public:
    explicit PushCommand(Session &session) : m_session(session) {}
    std::optional<int> start(const QStringList &args) override;

private:
    Session &m_session;
};

} // namespace parley::cli
