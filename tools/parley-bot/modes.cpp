#include "modes.h"

#include "protocol/frame.h"

#include <QCoreApplication>
#include <QDir>
#include <QPointer>
#include <QSysInfo>
#include <QUrl>
#include <QUrlQuery>

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::bot {

QString clipped(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= MaxTextBytes)
        return text;
    utf8.truncate(MaxTextBytes);
    while (!utf8.isEmpty() && (quint8(utf8.back()) & 0xc0) == 0x80)   // not inside a character
        utf8.chop(1);
    if (!utf8.isEmpty() && quint8(utf8.back()) >= 0xc0)
        utf8.chop(1);
    return QString::fromUtf8(utf8) + u"\n(cut at %1 bytes)"_s.arg(MaxTextBytes);
}

// --- enroll ---------------------------------------------------------------------------------------------------------

EnrollMode::EnrollMode(QString directory, QByteArray passphrase, QString deviceName, QObject *parent)
    : QObject(parent), m_directory(std::move(directory)), m_passphrase(std::move(passphrase)),
      m_deviceName(std::move(deviceName))
{
}

EnrollMode::~EnrollMode()
{
    crypto::cleanse(m_passphrase);
}

bool EnrollMode::start(const QString &link)
{
    const QUrl url(link, QUrl::StrictMode);
    const QUrlQuery query(url);
    const QString server = query.queryItemValue(u"server"_s, QUrl::FullyDecoded);
    const QString user = query.queryItemValue(u"user"_s, QUrl::FullyDecoded);
    const QString code = query.queryItemValue(u"code"_s, QUrl::FullyDecoded);
    const Result<QString> fingerprint = sdk::Profile::normaliseFingerprint(query.queryItemValue(u"fp"_s));
    const QUrl wss(u"wss://%1/"_s.arg(server), QUrl::StrictMode);
    if (url.scheme() != u"parley"_s || url.host() != u"enroll"_s || server.isEmpty() || !wss.isValid() || code.isEmpty()
        || !fingerprint) {
        fail(ExitUsage, u"expected the enrollment link of bots.create: parley://enroll?server=HOST:PORT&user=NAME.bot"
                        u"&code=CODE&fp=HEX"_s);
        return false;
    }
    if (!protocol::isBotName(user)) {
        fail(ExitUsage, u"parley-bot enrolls bots (names ending in .bot); a person's device registers with parley"_s);
        return false;
    }
    if (sdk::Profile::exists(m_directory)) {
        fail(ExitFailure, u"%1 holds a profile already"_s.arg(m_directory));
        return false;
    }
    auto created = sdk::Profile::create(m_directory, m_passphrase);
    if (!created) {
        fail(ExitFailure, created.error().message);
        return false;
    }
    m_profile = std::move(*created);
    sdk::ProfileSettings settings = m_profile->settings();
    settings.server = wss;
    settings.fingerprint = *fingerprint;
    settings.deviceName = m_deviceName.isEmpty() ? QSysInfo::machineHostName().left(64) : m_deviceName;
    if (Status s = m_profile->setSettings(settings); !s) {
        fail(ExitFailure, s.error().message);
        return false;
    }
    m_client = std::make_unique<sdk::Client>(*m_profile);
    m_client->setReceiveEnabled(false);
    connect(m_client.get(), &sdk::Client::enrolled, this, [this](const QString &name, quint32 device, bool) {
        m_enrolled = true;
        std::printf("enrolled %s#%u\n", name.toUtf8().constData(), device);
        std::fflush(stdout);
    });
    // Enrolled, logged in and its prekeys uploaded: the device is ready for the other modes.
    connect(m_client.get(), &sdk::Client::prekeysReady, this, [this](int) {
        if (!m_enrolled || m_done)
            return;
        m_done = true;
        auto finish = [this] {
            if (!std::exchange(m_emitted, true))
                Q_EMIT finished(ExitOk);
        };
        connect(m_client.get(), &sdk::Client::disconnected, this, finish, Qt::QueuedConnection);
        QTimer::singleShot(5000, this, finish);
        m_client->disconnectFromServer();
    });
    connect(m_client.get(), &sdk::Client::errorOccurred, this, [this](const QString &error, const QString &message) {
        fail(error == u"suspended"_s ? ExitRefused : ExitFailure, u"%1: %2"_s.arg(error, message));
    });
    connect(m_client.get(), &sdk::Client::disconnected, this, [this] {
        if (!m_done)
            fail(ExitFailure, u"the connection to the server closed"_s);
    });
    m_client->enroll(user, code, settings.deviceName, m_passphrase);
    return true;
}

void EnrollMode::fail(int code, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    warn(message);
    // A profile this run made for a device that did not enroll holds nothing of value: it goes.
    const bool remove = m_profile && !m_enrolled;
    QTimer::singleShot(0, this, [this, code, remove] {
        m_client.reset();
        m_profile.reset();
        if (remove) {
            QDir dir(m_directory);
            for (const QString &name : {u"profile.json"_s, u"keystore.cbor"_s, u"trust.cbor"_s, u"prekeys.cbor"_s,
                                        u"seen.cbor"_s, u"rooms.cbor"_s, u"resume.cbor"_s, u"uploads.cbor"_s, u"lock"_s})
                dir.remove(name);
            dir.rmdir(dir.absolutePath());   // only when nothing else is in it
        }
        if (!std::exchange(m_emitted, true))
            Q_EMIT finished(code);
    });
}

// --- alert ----------------------------------------------------------------------------------------------------------

AlertMode::AlertMode(BotConnection &bot, QStringList users, QString room, QStringList command, int timeoutSeconds,
                     QObject *parent)
    : QObject(parent), m_bot(bot), m_users(std::move(users)), m_room(std::move(room)), m_command(std::move(command))
{
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(timeoutSeconds * 1000);
    connect(&m_watchdog, &QTimer::timeout, this, [this, timeoutSeconds] {
        m_bot.stop(ExitFailure, u"no progress from the server for %1 s (see --timeout); %2 message(s) not posted"_s
                                    .arg(timeoutSeconds).arg(m_pending.size()));
    });
}

void AlertMode::start()
{
    connect(&m_bot, &BotConnection::ready, this, [this] { pump(); });
    m_watchdog.start();   // until the first login
    m_bot.start(false);   // messages for the bot stay on the server
    if (m_command.isEmpty())
        readStandardInput();
    else
        runCommand();
}

// A thread of its own blocks on standard input (a pipe, a terminal or a file alike) and hands each line to the
// application object, which lives until the process ends (main() leaves without destroying it), so the thread may
// outlive this mode; the line reaches the mode only while it exists.
void AlertMode::readStandardInput()
{
    const QPointer<AlertMode> self(this);
    std::thread([self] {
        std::string line;
        while (std::getline(std::cin, line)) {
            QMetaObject::invokeMethod(QCoreApplication::instance(), [self, text = QString::fromStdString(line)] {
                if (self)
                    self->enqueue(text);
            }, Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self] {
            if (!self)
                return;
            self->m_inputDone = true;
            self->pump();
        }, Qt::QueuedConnection);
    }).detach();
}

void AlertMode::runCommand()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    connect(m_process.get(), &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        QString text = QString::fromUtf8(m_process->readAll()).trimmed();
        if (status != QProcess::NormalExit)
            text += u"\n(%1 was killed by a signal)"_s.arg(m_command.first());
        else if (exitCode != 0)
            text += u"\n(%1 exited with status %2)"_s.arg(m_command.first()).arg(exitCode);
        enqueue(text.trimmed().isEmpty() ? u"(%1 printed nothing)"_s.arg(m_command.first()) : text.trimmed());
        m_inputDone = true;
        pump();
    });
    connect(m_process.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            m_bot.stop(ExitFailure, u"cannot run %1: %2"_s.arg(m_command.first(), m_process->errorString()));
    });
    m_process->start(m_command.first(), m_command.mid(1));
}

void AlertMode::enqueue(const QString &text)
{
    if (text.trimmed().isEmpty())
        return;
    m_pending.append(clipped(text));
    pump();
}

// One message at a time, in order; a message the connection lost before its answer is sent again after the reconnect.
void AlertMode::pump()
{
    if (m_inFlight)
        return;
    if (m_pending.isEmpty()) {
        if (m_bot.loggedIn())
            m_watchdog.stop();
        if (m_inputDone)
            m_bot.stop(m_failures ? ExitFailure : ExitOk);
        return;
    }
    if (!m_watchdog.isActive())
        m_watchdog.start();
    if (!m_bot.loggedIn())
        return;
    m_inFlight = true;
    const QString text = m_pending.first();
    if (!m_room.isEmpty()) {
        m_bot.rooms().send(m_room, text, sdk::MessageOptions{}, this, [this](Result<QByteArray> r) {
            sent(bool(r), !r && r.error().message.startsWith(u"disconnected"_s), r ? QString() : r.error().message);
        });
        return;
    }
    m_bot.client().send(m_users, text, protocol::MessageOptions{}, this, [this](const sdk::SendResult &result) {
        const auto *failure = std::get_if<sdk::SendFailure>(&result);
        sent(!failure, failure && failure->error == sdk::SendError::Disconnected,
             failure ? sdk::sendErrorName(failure->error) + u": "_s + failure->message : QString());
    });
}

void AlertMode::sent(bool ok, bool disconnected, const QString &error)
{
    m_inFlight = false;
    if (ok) {
        m_pending.removeFirst();
        m_watchdog.start();   // progress
    } else if (!disconnected) {
        warn(u"message not posted: %1"_s.arg(error));
        m_pending.removeFirst();
        ++m_failures;
    }
    pump();
}

// --- echo -----------------------------------------------------------------------------------------------------------

EchoMode::EchoMode(BotConnection &bot, int max, QObject *parent) : QObject(parent), m_bot(bot), m_max(max) {}

void EchoMode::start()
{
    connect(&m_bot.client(), &sdk::Client::messageReceived, this, [this](const sdk::IncomingMessage &m) { answer(m); });
    connect(&m_bot.client(), &sdk::Client::verificationFailed, this,
            [](const QString &from, quint32 device, const QString &reason) {
                warn(u"a message from %1#%2 failed verification and is not answered: %3"_s.arg(from).arg(device).arg(reason));
            });
    m_bot.start(true);
}

void EchoMode::answer(const sdk::IncomingMessage &m)
{
    // Copies of its own messages (from its other devices), messages without text, and messages whose sender's
    // identity could not be confirmed get no answer.
    if (m.from == m_bot.user() || m.text.isEmpty() || !m.verified)
        return;
    const QString to = m.room.isEmpty() ? m.from : u"room "_s + m.room;
    if (!m.room.isEmpty()) {
        m_bot.rooms().send(m.room, m.text, sdk::MessageOptions{}, this, [this, to](Result<QByteArray> r) {
            answered(to, bool(r), r ? QString() : r.error().message);
        });
        return;
    }
    m_bot.client().send({m.from}, m.text, protocol::MessageOptions{}, this, [this, to](const sdk::SendResult &result) {
        const auto *failure = std::get_if<sdk::SendFailure>(&result);
        answered(to, !failure, failure ? sdk::sendErrorName(failure->error) + u": "_s + failure->message : QString());
    });
}

void EchoMode::answered(const QString &to, bool ok, const QString &error)
{
    if (!ok) {
        warn(u"no answer to %1: %2"_s.arg(to, error));
        return;
    }
    std::printf("answered %s\n", to.toUtf8().constData());
    std::fflush(stdout);
    if (m_max > 0 && ++m_answered >= m_max)
        m_bot.stop(ExitOk);
}

} // namespace parley::bot
