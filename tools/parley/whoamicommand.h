#pragma once

// parley whoami: user, device, server and pinned fingerprint of the profile (no passphrase, no network).

#include "command.h"

#include <memory>

namespace parley::cli {

class Session;

class WhoamiCommand : public Command {
public:
    explicit WhoamiCommand(Session &session);
    ~WhoamiCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
