#pragma once

// parley receive [--wait SECONDS] [--until-idle SECONDS] [--json] [--save-dir DIR]: prints the waiting messages, then
// keeps receiving for --wait SECONDS, ending early --until-idle SECONDS after the last message. Attachments are
// downloaded into DIR (default PROFILE/attachments) one after the other; a message with attachments is printed,
// and acknowledged, once they are saved (or failed for good), and messages are printed in the order they came.

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
    struct Saved;
    void print(const sdk::IncomingMessage &message, const QList<Saved> &files = {}) const;
    void pumpDownloads();
    void printReady();
    // Ends the run once every queued message is printed.
    void finishWhenDrained();
    void printRejected(const QString &from, quint32 device, const QString &reason) const;

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
