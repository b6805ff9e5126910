#pragma once

// parley trust USER: forgets the pinned root key of USER, so that the next one seen is pinned.

#include "command.h"

#include <memory>

namespace parley::cli {

class Session;

class TrustCommand : public Command {
public:
    explicit TrustCommand(Session &session);
    ~TrustCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
