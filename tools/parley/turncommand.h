#pragma once

// parley turn [--json]: TURN credentials for a call (docs/calls.md).

#include "command.h"

#include <memory>

namespace parley::cli {

class Session;

class TurnCommand : public Command {
public:
    explicit TurnCommand(Session &session);
    ~TurnCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
