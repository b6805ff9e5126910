#pragma once

// What every mode of parley-bot runs on: the bot's profile and its SDK client, connected and logged in, and connected
// again after a lost connection (1 s, then doubling up to a minute); a refusal of the bot itself (revoked, expired,
// suspended) ends the run. SIGTERM and SIGINT end it cleanly: acknowledgements sent, the connection closed.

#include "sdk/client.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>

namespace parley::bot {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;
constexpr int ExitRefused = 3;     // the server refuses the bot: revoked, expired or suspended

// One line on standard error, "parley-bot: ..." (line breaks of a server's message collapsed).
void warn(const QString &text);

class BotConnection : public QObject {
    Q_OBJECT
public:
    explicit BotConnection(std::unique_ptr<sdk::Profile> profile, QObject *parent = nullptr);
    ~BotConnection() override;

    sdk::Client &client() { return *m_client; }
    sdk::Rooms &rooms() { return *m_rooms; }
    QString user() const { return m_profile->settings().user; }
    bool loggedIn() const { return m_client->state() == sdk::Client::State::LoggedIn; }

    // Connects; `receive` false leaves the bot's messages on the server for another mode.
    void start(bool receive);
    // Ends the run: pending acks sent, the connection closed, then finished(code). Once.
    void stop(int code, const QString &message = {});

Q_SIGNALS:
    void ready();                  // logged in (again)
    void finished(int exitCode);

private:
    void reconnectLater();
    void watchSignals();

    std::unique_ptr<sdk::Profile> m_profile;
    std::unique_ptr<sdk::Client> m_client;
    std::unique_ptr<sdk::Rooms> m_rooms;
    QTimer m_reconnect;
    int m_backoffMs = 1000;
    bool m_stopping = false;
    bool m_finished = false;
    int m_exitCode = ExitOk;
    std::unique_ptr<QSocketNotifier> m_signals;
};

} // namespace parley::bot
