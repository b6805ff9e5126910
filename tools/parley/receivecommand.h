#pragma once

// parley receive [--wait SECONDS] [--json]: prints the waiting messages, then keeps receiving SECONDS more.

#include "command.h"

namespace parley::sdk {
struct IncomingMessage;
}

namespace parley::cli {

class Session;

class ReceiveCommand : public Command {
public:
    explicit ReceiveCommand(Session &session) : m_session(session) {}
    std::optional<int> start(const QStringList &args) override;

private:
    void print(const sdk::IncomingMessage &message) const;

    Session &m_session;
    bool m_json = false;
    int m_waitSeconds = 0;
    bool m_synced = false;
};

} // namespace parley::cli
