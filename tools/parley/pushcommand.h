#pragma once

// parley push register apns TOKEN [--topic TOPIC] | fcm TOKEN | webpush ENDPOINT P256DH AUTH; parley push remove

#include "command.h"

#include <memory>

namespace parley::cli {

class Session;

class PushCommand : public Command {
public:
    explicit PushCommand(Session &session);
    ~PushCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
