// parleyd: the Parley relay daemon and its administrative subcommands.
//
//   parleyd --version
//   parleyd [--config FILE]                                  run the daemon
//   parleyd [--config FILE] fingerprint                      print the serving certificate's SHA-256 fingerprint
//   parleyd [--config FILE] enroll USER [--valid-hours N]    print a one-time enrollment code

#include "config.h"
#include "logging.h"
#include "protocol/frame.h"
#include "server.h"
#include "signalwatcher.h"
#include "store.h"
#include "tlssetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

constexpr int DefaultValidHours = 168;
constexpr int MaxValidHours = 24 * 366;

int fail(const QString &message)
{
    QString line = message;
    line.replace(u'\n', u' ');
    std::fprintf(stderr, "parleyd: %s\n", qPrintable(line));
    return 1;
}

void printLine(const QString &line)
{
    std::fprintf(stdout, "%s\n", qPrintable(line));
    std::fflush(stdout);
}

int runFingerprint(const Config &config)
{
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    auto tls = TlsSetup::load(config);
    if (!tls)
        return fail(tls.error().message);
    printLine(tls->fingerprint);
    return 0;
}

int runEnroll(const Config &config, const QString &user, int validHours)
{
    if (!protocol::isValidUserName(user))
        return fail(u"'%1' is not a valid user name (1 to 64 of a-z 0-9 . _ -, starting with a letter or digit)"_s.arg(user));
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    if (Status s = TlsSetup::ensureCertificate(config); !s)
        return fail(s.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open the database %1: %2"_s.arg(config.databaseFile(), store.error().message));
    const qint64 validMs = qint64(validHours) * 3600 * 1000;
    auto code = (*store)->writeSync<QString>([&user, validMs](Db &db) { return db.createEnrollCode(user, validMs); });
    (*store)->close();
    if (!code)
        return fail(u"cannot create an enrollment code: %1"_s.arg(code.error().message));
    printLine(*code);
    return 0;
}

int runDaemon(QCoreApplication &app, const Config &config)
{
    Server server(config);
    if (Status s = server.start(); !s)
        return fail(s.error().message);

    printLine(u"parleyd %1"_s.arg(QStringLiteral(PARLEY_VERSION_STRING)));
    printLine(u"listen %1"_s.arg(server.url()));
    printLine(u"data_dir %1"_s.arg(config.dataDir));
    printLine(u"fingerprint %1"_s.arg(server.fingerprint()));

    auto watcher = SignalWatcher::install();
    if (!watcher) {
        server.shutdown();
        return fail(watcher.error().message);
    }
    QObject::connect(watcher->get(), &SignalWatcher::terminationRequested, &server, [&server](int number) {
        qCInfo(lcServer) << "Received signal" << number;
        server.shutdown();
    });
    QObject::connect(&server, &Server::stopped, &app, &QCoreApplication::quit, Qt::QueuedConnection);
    const int status = app.exec();
    return status;
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    qSetMessagePattern(u"%{time yyyy-MM-ddThh:mm:ss.zzz} %{category} %{type}: %{message}"_s);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"parleyd"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Parley end-to-end encrypted messaging relay"_s);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version(u"version"_s, u"Print the version and exit."_s);
    const QCommandLineOption configFile(u"config"_s, u"The boot configuration file."_s, u"FILE"_s,
                                        u"/etc/parleyd/parleyd.conf"_s);
    const QCommandLineOption validHours(u"valid-hours"_s, u"With enroll: hours the code stays valid (default 168)."_s,
                                        u"N"_s, QString::number(DefaultValidHours));
    parser.addOption(version);
    parser.addOption(configFile);
    parser.addOption(validHours);
    parser.addPositionalArgument(u"command"_s, u"fingerprint, or enroll USER; without a command the daemon runs."_s,
                                 u"[command [USER]]"_s);

    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(version)) {
        printLine(QStringLiteral(PARLEY_VERSION_STRING));
        return 0;
    }

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    if (!command.isEmpty() && command != u"fingerprint"_s && command != u"enroll"_s)
        return fail(u"unknown command '%1' (expected fingerprint or enroll)"_s.arg(command));
    if (command == u"fingerprint"_s && args.size() != 1)
        return fail(u"fingerprint takes no arguments"_s);
    if (command == u"enroll"_s && args.size() != 2)
        return fail(u"usage: parleyd [--config FILE] enroll USER [--valid-hours N]"_s);
    if (parser.isSet(validHours) && command != u"enroll"_s)
        return fail(u"--valid-hours only applies to enroll"_s);
    bool hoursOk = false;
    const int hours = parser.value(validHours).toInt(&hoursOk);
    if (!hoursOk || hours < 1 || hours > MaxValidHours)
        return fail(u"--valid-hours must be a whole number from 1 to %1"_s.arg(MaxValidHours));

    auto config = Config::load(parser.value(configFile));
    if (!config)
        return fail(config.error().message);
    // Debug output is off unless the configuration's rules turn it on.
    QLoggingCategory::setFilterRules(u"*.debug=false\n"_s + config->logRules);

    if (command == u"fingerprint"_s)
        return runFingerprint(*config);
    if (command == u"enroll"_s)
        return runEnroll(*config, args.at(1), hours);
    return runDaemon(app, *config);
}
