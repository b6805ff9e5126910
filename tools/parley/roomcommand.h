#pragma once

// parley room create NAME [--title T] [--description D] [--expire SECONDS] [--burn-on-read]
//        room add|remove|promote|demote ROOM USER | room leave ROOM | room list [--json] | room show ROOM [--json]
// Every membership change is signed by this device; `show` verifies the room's membership records.

#include "command.h"
#include "core/result.h"
#include "protocol/roomchain.h"
#include "sdk/rooms.h"

#include <memory>

namespace parley::cli {

class Session;

class RoomCommand : public Command {
public:
    explicit RoomCommand(Session &session);
    ~RoomCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    // The usage and option rules of the subcommands; false (after fail()) when broken.
    bool check(const QString &sub, const QStringList &args);
    void run(const QString &sub, const QStringList &args);
    void printState(const Result<protocol::RoomState> &state);
    void printList(const Result<sdk::RoomList> &list);

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
