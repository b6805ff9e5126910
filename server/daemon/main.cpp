// parleyd: the Parley relay daemon and its administrative subcommands.
//
//   parleyd --version
//   parleyd [--config FILE]                                  run the daemon
//   parleyd [--config FILE] fingerprint                      print the serving certificate's SHA-256 fingerprint
//   parleyd [--config FILE] enroll USER [--valid-hours N]    print a one-time enrollment code
//   parleyd [--config FILE] rooms-defaults [--max-members N] [--max-expire-seconds S] [--default-expire-seconds S]
//           [--default-burn yes|no]                          show or change the managed room defaults and limits
//   parleyd [--config FILE] admin reset-password NAME       a new one-time admin password (must be changed)
//   parleyd [--config FILE] sso unlink NAME                 forget the single sign-on account NAME is linked to
//   parleyd [--config FILE] admin init                      the first admin account, unless one exists; prints
//                                                            the admin listener, its fingerprint and the account

#include "core/epolldispatcher.h"
#include "daemon/config.h"
#include "daemon/journal.h"
#include "daemon/subcommands.h"
#include "protocol/roomchain.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <csignal>
#include <cstdio>
#include <optional>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::subcommands;


namespace {

struct Options {
    QCommandLineOption version{u"version"_s, u"Print the version and exit."_s};
    QCommandLineOption configFile{u"config"_s, u"The boot configuration file."_s, u"FILE"_s,
                                  u"/etc/parleyd/parleyd.conf"_s};
    QCommandLineOption validHours{u"valid-hours"_s, u"With enroll: hours the code stays valid (default 168)."_s,
                                  u"N"_s, QString::number(DefaultValidHours)};
    QCommandLineOption maxMembers{u"max-members"_s, u"With rooms-defaults: most members a room may have."_s, u"N"_s};
    QCommandLineOption maxExpire{u"max-expire-seconds"_s,
                                 u"With rooms-defaults: longest lifetime of room messages (0: no maximum)."_s, u"S"_s};
    QCommandLineOption defaultExpire{u"default-expire-seconds"_s,
                                     u"With rooms-defaults: message lifetime new rooms get (0: none)."_s, u"S"_s};
    QCommandLineOption defaultBurn{u"default-burn"_s, u"With rooms-defaults: new rooms burn on read (yes or no)."_s,
                                   u"yes|no"_s};

    void addTo(QCommandLineParser &parser) const
    {
        for (const QCommandLineOption *o : {&version, &configFile, &validHours, &maxMembers, &maxExpire, &defaultExpire,
                                            &defaultBurn})
            parser.addOption(*o);
        parser.addPositionalArgument(u"command"_s,
                                     u"fingerprint, enroll USER, rooms-defaults, admin reset-password NAME, admin "
                                     u"init or sso unlink NAME; without a command the daemon runs."_s,
                                     u"[command [USER]]"_s);
    }
};

// The command and its arguments, and which options go with it; an error text, or empty.
QString checkCommand(const QCommandLineParser &parser, const Options &o, const QStringList &args)
{
    const QString command = args.value(0);
    if (!command.isEmpty() && command != u"fingerprint"_s && command != u"enroll"_s && command != u"rooms-defaults"_s
        && command != u"admin"_s && command != u"sso"_s)
        return u"unknown command '%1' (expected fingerprint, enroll, rooms-defaults, admin or sso)"_s.arg(command);
    if (command == u"sso"_s && !(args.size() == 3 && args.at(1) == u"unlink"_s))
        return u"usage: parleyd [--config FILE] sso unlink NAME"_s;
    if (command == u"admin"_s && !(args.size() == 3 && args.at(1) == u"reset-password"_s)
        && !(args.size() == 2 && args.at(1) == u"init"_s))
        return u"usage: parleyd [--config FILE] admin reset-password NAME | admin init"_s;
    const bool roomOptionSet = parser.isSet(o.maxMembers) || parser.isSet(o.maxExpire) || parser.isSet(o.defaultExpire)
        || parser.isSet(o.defaultBurn);
    if (roomOptionSet && command != u"rooms-defaults"_s)
        return u"--max-members, --max-expire-seconds, --default-expire-seconds and --default-burn only apply to "
               u"rooms-defaults"_s;
    if (command == u"rooms-defaults"_s && args.size() != 1)
        return u"rooms-defaults takes no arguments, only options"_s;
    if (command == u"fingerprint"_s && args.size() != 1)
        return u"fingerprint takes no arguments"_s;
    if (command == u"enroll"_s && args.size() != 2)
        return u"usage: parleyd [--config FILE] enroll USER [--valid-hours N]"_s;
    if (parser.isSet(o.validHours) && command != u"enroll"_s)
        return u"--valid-hours only applies to enroll"_s;
    return {};
}

// The options of rooms-defaults; an error text, or empty.
QString readRoomDefaults(const QCommandLineParser &parser, const Options &o, RoomDefaultsOptions *out)
{
    auto number = [&parser](const QCommandLineOption &option, qint64 max) -> std::optional<qint64> {
        bool ok = false;
        const qint64 v = parser.value(option).toLongLong(&ok);
        if (!ok || v < 0 || v > max)
            return std::nullopt;
        return v;
    };
    if (parser.isSet(o.maxMembers)) {
        const auto v = number(o.maxMembers, protocol::MaxRoomMembers);
        if (!v || *v < 1)
            return u"--max-members must be a whole number from 1 to %1"_s.arg(protocol::MaxRoomMembers);
        out->maxMembers = int(*v);
    }
    if (parser.isSet(o.maxExpire) && !(out->maxExpire = number(o.maxExpire, qint64(1) << 32)))
        return u"--max-expire-seconds must be a whole number from 0 to 4294967296"_s;
    if (parser.isSet(o.defaultExpire) && !(out->defaultExpire = number(o.defaultExpire, qint64(1) << 32)))
        return u"--default-expire-seconds must be a whole number from 0 to 4294967296"_s;
    if (parser.isSet(o.defaultBurn)) {
        const QString v = parser.value(o.defaultBurn);
        if (v != u"yes"_s && v != u"no"_s)
            return u"--default-burn must be yes or no"_s;
        out->defaultBurn = v == u"yes"_s;
    }
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    // No memory both writable and executable, however parleyd is started: Qt's regular-expression JIT would map
    // some (the systemd unit forbids it with MemoryDenyWriteExecute; this holds without the unit too).
    qputenv("QT_ENABLE_REGEXP_JIT", "0");
    // The directory sync sets every libldap option it relies on itself: no ldap.conf of the host and no ldaprc of the
    // home or working directory is read (set here, before any thread starts).
    qputenv("LDAPNOINIT", "1");
    qSetMessagePattern(u"%{time yyyy-MM-ddThh:mm:ss.zzz} %{category} %{type}: %{message}"_s);
    // epoll instead of Qt's poll() over every socket: an iteration of the loop costs the same with 20 or 20,000
    // connections (PARLEY_EVENT_DISPATCHER=qt selects Qt's own).
    parley::core::installEpollDispatcher();
    QCoreApplication app(argc, argv);
    // Started by systemd with stderr on the journal: records go to it natively, with priority and subsystem fields.
    std::optional<Journal> journal;
    if (Journal::streamIsJournal(qgetenv("JOURNAL_STREAM"), STDERR_FILENO)) {
        journal.emplace();
        journal->install();
    }
    QCoreApplication::setApplicationName(u"parleyd"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Parley end-to-end encrypted messaging relay"_s);
    const QCommandLineOption help = parser.addHelpOption();
    const Options options;
    options.addTo(parser);
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(options.version)) {
        printLine(QStringLiteral(PARLEY_VERSION_STRING));
        return 0;
    }

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    if (const QString error = checkCommand(parser, options, args); !error.isEmpty())
        return fail(error);
    RoomDefaultsOptions roomDefaults;
    if (const QString error = readRoomDefaults(parser, options, &roomDefaults); !error.isEmpty())
        return fail(error);
    bool hoursOk = false;
    const int hours = parser.value(options.validHours).toInt(&hoursOk);
    if (!hoursOk || hours < 1 || hours > MaxValidHours)
        return fail(u"--valid-hours must be a whole number from 1 to %1"_s.arg(MaxValidHours));

    auto config = Config::load(parser.value(options.configFile));
    if (!config)
        return fail(config.error().message);
    // Debug output is off unless the configuration's rules turn it on.
    QLoggingCategory::setFilterRules(u"*.debug=false\n"_s + config->logRules);

    if (command == u"fingerprint"_s)
        return runFingerprint(*config);
    if (command == u"enroll"_s)
        return runEnroll(*config, args.at(1), hours);
    if (command == u"rooms-defaults"_s)
        return runRoomsDefaults(*config, roomDefaults);
    if (command == u"sso"_s)
        return runSsoUnlink(*config, args.at(2));
    if (command == u"admin"_s && args.at(1) == u"init"_s)
        return runAdminInit(*config);
    if (command == u"admin"_s)
        return runAdminReset(*config, args.at(2));
    return runDaemon(app, *config);
}
