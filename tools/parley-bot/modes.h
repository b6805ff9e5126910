#pragma once

// The modes of parley-bot (docs/man/parley-bot.1): enroll (the bot's device, with the link bots.create gave), alert
// (standard input's lines, or a command's output, posted to users or a room) and echo (every message answered with
// its own text).

#include "botconnection.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace parley::bot {

// The text of a message: at most this many bytes of UTF-8 (the payload takes 64 KiB with its padding).
constexpr qsizetype MaxTextBytes = 60000;
QString clipped(const QString &text);

// Enrolls the bot's device: a new profile in `directory`, keys made here, the enrollment code of `link`
// (parley://enroll?server=HOST:PORT&user=NAME.bot&code=CODE&fp=HEX, as bots.create returns it).
class EnrollMode : public QObject {
    Q_OBJECT
public:
    EnrollMode(QString directory, QByteArray passphrase, QString deviceName, QObject *parent = nullptr);
    ~EnrollMode() override;
    // False (after a usage message) when the link is not one.
    bool start(const QString &link);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void fail(int code, const QString &message);

    QString m_directory;
    QByteArray m_passphrase;
    QString m_deviceName;
    std::unique_ptr<sdk::Profile> m_profile;
    std::unique_ptr<sdk::Client> m_client;
    bool m_enrolled = false;
    bool m_done = false;
    bool m_emitted = false;
};

// Posts each line of standard input as a message (blank lines skipped) until its end, or the output of `command`
// once it exits, to `users` or `room`, one message after the other in order. Ends when everything was posted: 0, or
// 1 when a message was refused or no progress came for `timeoutSeconds`.
class AlertMode : public QObject {
    Q_OBJECT
public:
    AlertMode(BotConnection &bot, QStringList users, QString room, QStringList command, int timeoutSeconds,
              QObject *parent = nullptr);
    void start();

private:
    void readStandardInput();
    void runCommand();
    void enqueue(const QString &text);
    void pump();
    void sent(bool ok, bool disconnected, const QString &error);

    BotConnection &m_bot;
    QStringList m_users;
    QString m_room;
    QStringList m_command;
    QStringList m_pending;
    QTimer m_watchdog;
    std::unique_ptr<QProcess> m_process;
    bool m_inFlight = false;
    bool m_inputDone = false;
    int m_failures = 0;
};

// Answers every verified message from someone else with the same text: in the room it came from, or to its sender.
// Runs until stopped, or until `max` answers were accepted (0: no limit).
class EchoMode : public QObject {
    Q_OBJECT
public:
    EchoMode(BotConnection &bot, int max, QObject *parent = nullptr);
    void start();

private:
    void answer(const sdk::IncomingMessage &message);
    void answered(const QString &to, bool ok, const QString &error);

    BotConnection &m_bot;
    int m_max = 0;
    int m_answered = 0;
};

} // namespace parley::bot
