#pragma once

// parley send USER [USER...] TEXT | parley send --room ROOM TEXT  [--expire SECONDS] [--burn-on-read]
// Prints the message id once the server accepted the message.

#include "command.h"

#include <QString>

namespace parley::cli {

class Session;

class SendCommand : public Command {
public:
    explicit SendCommand(Session &session) : m_session(session) {}
    std::optional<int> start(const QStringList &args) override;

private:
    // TEXT, or standard input for "-"; nothing (after fail()) when it cannot be read.
    std::optional<QString> readText(const QString &arg);
    void onSent(const QByteArray &mid);
    void maybeFinish();

    Session &m_session;
    bool m_sent = false;
    bool m_prekeysSettled = false;
};

} // namespace parley::cli
