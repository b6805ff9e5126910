#pragma once

// parley verify USER: prints the safety code of this user and USER (docs/protocol.md "Safety codes"), from the
// root key pinned for USER; when none is pinned yet, USER's root key is fetched from the server and pinned first.

#include "command.h"

#include <memory>

namespace parley::cli {

class Session;

class VerifyCommand : public Command {
public:
    explicit VerifyCommand(Session &session);
    ~VerifyCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
