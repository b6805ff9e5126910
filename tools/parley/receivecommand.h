#pragma once

// parley receive [--wait SECONDS] [--until-idle SECONDS] [--json]: prints the waiting messages, then keeps receiving
// for --wait SECONDS, ending early --until-idle SECONDS after the last message.

#include "command.h"

#include <memory>

namespace parley::sdk {
struct IncomingMessage;
}

namespace parley::cli {

class Session;

class ReceiveCommand : public Command {
public:
    explicit ReceiveCommand(Session &session);
    ~ReceiveCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    void print(const sdk::IncomingMessage &message) const;
    void printRejected(const QString &from, quint32 device, const QString &reason) const;

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
