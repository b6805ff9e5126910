// parley-bot: an example bot on libparley's SDK (docs/man/parley-bot.1). A bot is a service account an administrator
// makes with `parleyctl bot create` (a scope, an expiry, a send limit); its device enrolls here with the link that
// returns, so its keys are made and kept on the bot's host, and the server relays its messages end to end encrypted
// like anyone's.
//
//   parley-bot --profile DIR enroll LINK [--device-name NAME]
//   parley-bot --profile DIR alert (--to USER ... | --room ROOM) [--timeout S] [-- COMMAND [ARGS...]]
//   parley-bot --profile DIR echo [--max N]
//
// The profile's passphrase comes from --passphrase-file FILE or $PARLEY_PASSPHRASE: a bot runs unattended.
// Exit codes: 0 done, 1 failure, 2 usage, 3 the server refuses the bot (revoked, expired, suspended).

#include "botconnection.h"
#include "modes.h"

#include "protocol/frame.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>
#include <memory>
#include <optional>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::bot;

namespace {

int usage(const QString &message)
{
    warn(message + u" (see parley-bot --help)"_s);
    return ExitUsage;
}

// The first line of --passphrase-file, else $PARLEY_PASSPHRASE.
std::optional<QByteArray> passphrase(const QCommandLineParser &parser)
{
    if (parser.isSet(u"passphrase-file"_s)) {
        QFile file(parser.value(u"passphrase-file"_s));
        if (!file.open(QIODevice::ReadOnly)) {
            warn(u"cannot read %1: %2"_s.arg(file.fileName(), file.errorString()));
            return std::nullopt;
        }
        QByteArray line = file.readLine(4096);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        return line;
    }
    const QByteArray env = qgetenv("PARLEY_PASSPHRASE");
    if (!env.isEmpty())
        return env;
    warn(u"a bot runs unattended: give its profile's passphrase with --passphrase-file FILE or PARLEY_PASSPHRASE"_s);
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    // Not destroyed at the end: a thread reading standard input may still hand it a line (see AlertMode).
    auto *app = new QCoreApplication(argc, argv);
    QCoreApplication::setApplicationName(u"parley-bot"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"An example Parley bot: enroll its device, post alerts, or echo messages"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"profile"_s, u"The bot's profile directory."_s, u"DIR"_s},
        {u"passphrase-file"_s, u"Read the profile's passphrase from the first line of FILE."_s, u"FILE"_s},
        {u"device-name"_s, u"enroll: the device's name (default: the host name)."_s, u"NAME"_s},
        {u"to"_s, u"alert: a user to post to; repeat for more."_s, u"USER"_s},
        {u"room"_s, u"alert: the room to post to."_s, u"ROOM"_s},
        {u"timeout"_s, u"alert: give up after S seconds without progress (default 60)."_s, u"S"_s, u"60"_s},
        {u"max"_s, u"echo: stop after N answers (default: run until stopped)."_s, u"N"_s, u"0"_s},
    });
    parser.addPositionalArgument(u"mode"_s, u"enroll LINK | alert [-- COMMAND [ARGS...]] | echo"_s);
    parser.process(*app);

    const QStringList args = parser.positionalArguments();
    const QString mode = args.value(0);
    if (!parser.isSet(u"profile"_s))
        return usage(u"--profile DIR is required"_s);
    const QString profileDir = parser.value(u"profile"_s);
    std::optional<QByteArray> pass = passphrase(parser);
    if (!pass)
        return ExitUsage;

    int code = ExitFailure;
    {
        std::unique_ptr<QObject> running;
        std::unique_ptr<BotConnection> bot;
        if (mode == u"enroll"_s) {
            if (args.size() != 2)
                return usage(u"usage: parley-bot --profile DIR enroll LINK"_s);
            auto enroll = std::make_unique<EnrollMode>(profileDir, *pass, parser.value(u"device-name"_s));
            QObject::connect(enroll.get(), &EnrollMode::finished, app, &QCoreApplication::exit, Qt::QueuedConnection);
            if (!enroll->start(args.at(1))) {
                QCoreApplication::processEvents();
                return ExitUsage;
            }
            running = std::move(enroll);
        } else if (mode == u"alert"_s || mode == u"echo"_s) {
            auto opened = sdk::Profile::open(profileDir, *pass);
            if (!opened) {
                warn(opened.error().message);
                return ExitFailure;
            }
            if (!(*opened)->settings().isEnrolled()) {
                warn(u"the profile in %1 is not enrolled (parley-bot enroll LINK)"_s.arg(profileDir));
                return ExitFailure;
            }
            bot = std::make_unique<BotConnection>(std::move(*opened));
            QObject::connect(bot.get(), &BotConnection::finished, app, &QCoreApplication::exit, Qt::QueuedConnection);
            if (mode == u"alert"_s) {
                const QStringList users = parser.values(u"to"_s);
                const QString room = parser.value(u"room"_s);
                bool ok = false;
                const int timeout = parser.value(u"timeout"_s).toInt(&ok);
                if (users.isEmpty() == room.isEmpty())
                    return usage(u"alert posts to users (--to USER ...) or to a room (--room ROOM), not both"_s);
                for (const QString &name : users + (room.isEmpty() ? QStringList() : QStringList{room})) {
                    if (!protocol::isValidUserName(name))
                        return usage(u"'%1' is not a user or room name"_s.arg(name));
                }
                if (!ok || timeout < 1)
                    return usage(u"--timeout takes a number of seconds"_s);
                auto alert = std::make_unique<AlertMode>(*bot, users, room, args.mid(1), timeout);
                alert->start();
                running = std::move(alert);
            } else {
                bool ok = false;
                const int max = parser.value(u"max"_s).toInt(&ok);
                if (args.size() != 1 || !ok || max < 0)
                    return usage(u"usage: parley-bot --profile DIR echo [--max N]"_s);
                auto echo = std::make_unique<EchoMode>(*bot, max);
                echo->start();
                running = std::move(echo);
            }
        } else {
            return usage(mode.isEmpty() ? u"no mode: enroll, alert or echo"_s : u"unknown mode '%1'"_s.arg(mode));
        }
        crypto::cleanse(*pass);
        code = app->exec();
        running.reset();
        bot.reset();   // the profile is closed (and its lock released) before the process ends
    }
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(code);
}
