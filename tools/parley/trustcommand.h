#pragma once

// parley trust USER: forgets the pinned root key of USER, so that the next one seen is pinned.

#include "command.h"

namespace parley::cli {

class Session;

class TrustCommand : public Command {
public:
    explicit TrustCommand(Session &session) : m_session(session) {}
    std::optional<int> start(const QStringList &args) override;

private:
    Session &m_session;
};

} // namespace parley::cli
