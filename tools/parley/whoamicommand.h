#pragma once

// parley whoami: user, device, server and pinned fingerprint of the profile (no passphrase, no network).

#include "command.h"

namespace parley::cli {

class Session;

class WhoamiCommand : public Command {
public:
    explicit WhoamiCommand(Session &session) : m_session(session) {}
    std::optional<int> start(const QStringList &args) override;

private:
    Session &m_session;
};

} // namespace parley::cli
