#include "botconnection.h"

#include <QCoreApplication>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::bot {

namespace {

constexpr int MaxBackoffMs = 60 * 1000;
constexpr int CloseGraceMs = 5000;

// The write end of the pipe a signal handler writes to (a handler may do nothing else).
int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

// Errors after which connecting again cannot help: the server refuses the bot, or is not the pinned one.
int fatalExit(const QString &code)
{
    if (code == u"auth_failed"_s || code == u"suspended"_s)
        return ExitRefused;
    if (code == u"certificate_mismatch"_s || code == u"tls"_s || code == u"bad_url"_s || code == u"protocol"_s)
        return ExitFailure;
    return ExitOk;
}

} // namespace

void warn(const QString &text)
{
    QString line = text;
    line.replace(u'\n', u' ');
    std::fprintf(stderr, "parley-bot: %s\n", line.toUtf8().constData());
    std::fflush(stderr);
}

BotConnection::BotConnection(std::unique_ptr<sdk::Profile> profile, QObject *parent)
    : QObject(parent), m_profile(std::move(profile)), m_client(std::make_unique<sdk::Client>(*m_profile)),
      m_rooms(std::make_unique<sdk::Rooms>(*m_client))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] {
        if (!m_stopping && m_client->state() == sdk::Client::State::Disconnected)
            m_client->connectToServer();
    });
    connect(m_client.get(), &sdk::Client::loggedIn, this, [this] {
        m_backoffMs = 1000;
        Q_EMIT ready();
    });
    connect(m_client.get(), &sdk::Client::errorOccurred, this, [this](const QString &code, const QString &message) {
        if (const int exit = fatalExit(code))
            return stop(exit, u"%1: %2"_s.arg(code, message));
        warn(u"%1: %2"_s.arg(code, message));
    });
    connect(m_client.get(), &sdk::Client::disconnected, this, [this] {
        if (!m_stopping)
            reconnectLater();
    });
    connect(m_rooms.get(), &sdk::Rooms::chainRejected, this, [](const QString &room, const QString &reason) {
        warn(u"the membership records of room %1 were rejected: %2"_s.arg(room, reason));
    });
    watchSignals();
}

BotConnection::~BotConnection()
{
    m_rooms.reset();
    m_client.reset();
}

void BotConnection::start(bool receive)
{
    m_client->setReceiveEnabled(receive);
    m_client->connectToServer();
}

void BotConnection::reconnectLater()
{
    warn(u"the connection to the server closed; connecting again in %1 s"_s.arg(m_backoffMs / 1000));
    m_reconnect.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, MaxBackoffMs);
}

void BotConnection::stop(int code, const QString &message)
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_exitCode = code;
    if (!message.isEmpty())
        warn(message);
    m_reconnect.stop();
    auto done = [this] {
        if (!std::exchange(m_finished, true))
            Q_EMIT finished(m_exitCode);
    };
    if (m_client->state() == sdk::Client::State::Disconnected) {
        QTimer::singleShot(0, this, done);
        return;
    }
    connect(m_client.get(), &sdk::Client::disconnected, this, done, Qt::QueuedConnection);
    QTimer::singleShot(CloseGraceMs, this, done);
    m_client->disconnectFromServer();
}

void BotConnection::watchSignals()
{
    if (signalPipe[0] < 0 && ::pipe2(signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    m_signals = std::make_unique<QSocketNotifier>(signalPipe[0], QSocketNotifier::Read);
    connect(m_signals.get(), &QSocketNotifier::activated, this, [this] {
        char buffer[16];
        while (::read(signalPipe[0], buffer, sizeof buffer) > 0) {
        }
        stop(ExitOk);
    });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
}

} // namespace parley::bot
