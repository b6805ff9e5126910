#pragma once

// parley send USER [USER...] TEXT | parley send USER [USER...] --file PATH [--file PATH...] [TEXT] |
// parley send --room ROOM [--file PATH...] TEXT   [--expire SECONDS] [--burn-on-read]
// Uploads the files (encrypted; progress on standard error; resumable in a later run), then prints the message id
// once the server accepted the message.

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
    void uploadNext();
    void sendMessage();
    void onSent(const QByteArray &mid);
    void maybeFinish();

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
