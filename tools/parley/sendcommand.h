#pragma once

// parley send USER [USER...] TEXT | parley send --room ROOM TEXT  [--expire SECONDS] [--burn-on-read]
// Prints the message id once the server accepted the message.

#include "command.h"

#include <QString>

#include <memory>

namespace parley::cli {

class Session;

class SendCommand : public Command {
public:
    explicit SendCommand(Session &session);
    ~SendCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    // TEXT, or standard input for "-"; nothing (after fail()) when it cannot be read.
    std::optional<QString> readText(const QString &arg);
    void onSent(const QByteArray &mid);
    void maybeFinish();

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
