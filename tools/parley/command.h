#pragma once

// One `parley` command (or group of subcommands), run on a Session.

#include <QStringList>

#include <optional>

namespace parley::cli {

class Command {
public:
    virtual ~Command() = default;
    // Starts the command with its positional arguments. Returns the exit status when it finished at once;
    // otherwise the session's finished() follows.
    virtual std::optional<int> start(const QStringList &args) = 0;
};

} // namespace parley::cli
