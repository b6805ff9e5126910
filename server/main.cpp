// parleyd: the Parley relay daemon and its administrative subcommands.
//
//   parleyd --version
//   parleyd [--config FILE]                                  run the daemon
//   parleyd [--config FILE] fingerprint                      print the serving certificate's SHA-256 fingerprint
//   parleyd [--config FILE] enroll USER [--valid-hours N]    print a one-time enrollment code
//   parleyd [--config FILE] rooms-defaults [--max-members N] [--max-expire-seconds S] [--default-expire-seconds S]
//           [--default-burn yes|no]                          show or change the managed room defaults and limits
//   parleyd [--config FILE] admin reset-password NAME       a new one-time admin password (must be changed)
//   parleyd [--config FILE] admin init                      the first admin account, unless one exists; prints
//                                                            the admin listener, its fingerprint and the account

#include "adminauth.h"
#include "adminserver.h"
#include "adminstore.h"
#include "config.h"
#include "eventlog.h"
#include "logging.h"
#include "protocol/frame.h"
#include "protocol/roomchain.h"
#include "server.h"
#include "signalwatcher.h"
#include "store.h"
#include "tlssetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QSaveFile>

#include <csignal>
#include <optional>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

constexpr int DefaultValidHours = 168;
constexpr int MaxValidHours = 24 * 366;
// The first admin account and the file with its one-time password: the same names the daemon uses when it creates
// the account at its first start (AdminServer), and whose file it deletes once the password has been changed.
const QString InitialAdminAccount = u"admin"_s;
const QString InitialAdminPasswordFile = u"initial-admin-password"_s;

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

struct RoomDefaultsOptions {
    std::optional<int> maxMembers;
    std::optional<qint64> maxExpire;
    std::optional<qint64> defaultExpire;
    std::optional<bool> defaultBurn;
};

int runRoomsDefaults(const Config &config, const RoomDefaultsOptions &options)
{
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open the database %1: %2"_s.arg(config.databaseFile(), store.error().message));
    auto result = (*store)->writeSync<RoomSettings>([&options](Db &db) -> Result<RoomSettings> {
        auto current = db.roomSettings();
        if (!current)
            return current.error();
        RoomSettings s = *current;
        if (!options.maxMembers && !options.maxExpire && !options.defaultExpire && !options.defaultBurn)
            return s;
        if (options.maxMembers)
            s.maxMembers = *options.maxMembers;
        if (options.maxExpire)
            s.maxExpireSeconds = *options.maxExpire;
        if (options.defaultExpire)
            s.defaultExpireSeconds = *options.defaultExpire;
        if (options.defaultBurn)
            s.defaultBurn = *options.defaultBurn;
        if (Status st = db.setRoomSettings(s); !st)
            return st.error();
        return s;
    });
    (*store)->close();
    if (!result)
        return fail(u"cannot change the room defaults: %1"_s.arg(result.error().message));
    printLine(u"max_members %1"_s.arg(result->maxMembers));
    printLine(u"max_expire_seconds %1"_s.arg(result->maxExpireSeconds));
    printLine(u"default_expire_seconds %1"_s.arg(result->defaultExpireSeconds));
    printLine(u"default_burn %1"_s.arg(result->defaultBurn ? u"yes"_s : u"no"_s));
    return 0;
}

// `parleyd admin reset-password NAME`: the way back in for a locked-out operator with access to the host.
int runAdminReset(const Config &config, const QString &name)
{
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open the database %1: %2"_s.arg(config.databaseFile(), store.error().message));
    auto password = AdminServer::resetPassword(**store, name);
    (*store)->close();
    if (!password)
        return fail(password.error().message);
    printLine(u"One-time password for admin account '%1' (it must be changed at the next login):"_s.arg(name));
    printLine(*password);
    return 0;
}

// `parleyd admin init`: what the daemon's first start would do for the admin API, done ahead of it (the package
// runs it at installation) so that the administrator can log in at once. Creates `admin` with a one-time password in
// DATA_DIR/initial-admin-password (0600) only while the database holds no admin account at all; never touches an
// existing account or its file. Prints, one per line: `admin URL` (the admin listener), `fingerprint HEX` (of the
// certificate the admin listener presents, generated first if it is the default self-signed one), `account NAME
// created` or `accounts N existing, none created`, and `password_file PATH` while the one-time password file exists.
int runAdminInit(const Config &config)
{
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    Config adminTls = config;
    if (!config.admin.certificatePath.isEmpty()) {
        adminTls.certificatePath = config.admin.certificatePath;
        adminTls.privateKeyPath = config.admin.privateKeyPath;
    }
    auto tls = TlsSetup::load(adminTls);
    if (!tls)
        return fail(tls.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open the database %1: %2"_s.arg(config.databaseFile(), store.error().message));

    const QString file = QDir(config.dataDir).filePath(InitialAdminPasswordFile);
    const QString pending = file + u".new"_s;
    const QString password = adminauth::generatePassword();
    auto hash = adminauth::hashPassword(password);
    if (!hash) {
        (*store)->close();
        return fail(u"cannot hash the password: %1"_s.arg(hash.error().message));
    }
    // The password is on disk before the account exists, and the account is only created when there is none (in
    // the same transaction as the check), so that a concurrent first start of the daemon cannot end with an
    // account whose password nobody has.
    QSaveFile out(pending);
    if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || out.write(password.toUtf8() + '\n') != password.toUtf8().size() + 1 || !out.commit()) {
        (*store)->close();
        return fail(u"cannot write %1: %2"_s.arg(pending, out.errorString()));
    }
    auto existing = (*store)->writeSync<qsizetype>([h = *hash](Db &db) -> Result<qsizetype> {
        AdminStore admin(db);
        auto accounts = admin.accounts();
        if (!accounts)
            return accounts.error();
        if (!accounts->isEmpty())
            return accounts->size();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (auto id = admin.createAccount(InitialAdminAccount, h, true, now); !id)
            return id.error();
        const AuditRecord audit{0, now, u"host"_s, u"admin.create"_s, InitialAdminAccount, u"ok"_s};
        if (Status s = admin.appendAudit(audit); !s)
            return s.error();
        return 0;
    });
    (*store)->close();
    if (!existing) {
        QFile::remove(pending);
        return fail(u"cannot create the admin account: %1"_s.arg(existing.error().message));
    }
    if (*existing == 0) {
        QFile::remove(file);
        if (!QFile::rename(pending, file)) {
            QFile::remove(pending);
            return fail(u"admin account '%1' created, but its password could not be moved to %2; set a new one with "
                        u"'parleyd admin reset-password %1'"_s.arg(InitialAdminAccount, file));
        }
    } else {
        QFile::remove(pending);
    }

    const QHostAddress &a = config.admin.listenAddress;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(a.toString()) : a.toString();
    printLine(u"admin wss://%1:%2/"_s.arg(host).arg(config.admin.listenPort));
    printLine(u"fingerprint %1"_s.arg(tls->fingerprint));
    if (*existing == 0)
        printLine(u"account %1 created"_s.arg(InitialAdminAccount));
    else
        printLine(u"accounts %1 existing, none created"_s.arg(*existing));
    if (QFile::exists(file))
        printLine(u"password_file %1"_s.arg(file));
    return 0;
}

int runDaemon(QCoreApplication &app, const Config &config)
{
    Server server(config);
    EventLog events;
    events.install();
    if (Status s = server.start(); !s)
        return fail(s.error().message);
    events.attach(server.store());
    AdminServer admin(&server, &events);
    if (Status s = admin.start(); !s) {
        events.detach();
        server.shutdown();
        return fail(s.error().message);
    }

    printLine(u"parleyd %1"_s.arg(QStringLiteral(PARLEY_VERSION_STRING)));
    printLine(u"listen %1"_s.arg(server.url()));
    printLine(u"data_dir %1"_s.arg(config.dataDir));
    printLine(u"fingerprint %1"_s.arg(server.fingerprint()));
    printLine(u"admin %1"_s.arg(admin.url()));
    if (!admin.initialPasswordFile().isEmpty())
        printLine(u"first start: admin account 'admin' created; its one-time password is in %1 (readable by the service "
                  u"user only); log in with parleyctl and choose a new password"_s.arg(admin.initialPasswordFile()));

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
    admin.stop();
    events.detach();
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
    const QCommandLineOption maxMembers(u"max-members"_s, u"With rooms-defaults: most members a room may have."_s, u"N"_s);
    const QCommandLineOption maxExpire(u"max-expire-seconds"_s,
                                       u"With rooms-defaults: longest lifetime of room messages (0: no maximum)."_s, u"S"_s);
    const QCommandLineOption defaultExpire(u"default-expire-seconds"_s,
                                           u"With rooms-defaults: message lifetime new rooms get (0: none)."_s, u"S"_s);
    const QCommandLineOption defaultBurn(u"default-burn"_s, u"With rooms-defaults: new rooms burn on read (yes or no)."_s,
                                         u"yes|no"_s);
    parser.addOption(maxMembers);
    parser.addOption(maxExpire);
    parser.addOption(defaultExpire);
    parser.addOption(defaultBurn);
    parser.addPositionalArgument(u"command"_s,
                                 u"fingerprint, enroll USER, rooms-defaults, admin reset-password NAME or admin init; "
                                 u"without a command the daemon runs."_s,
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
    if (!command.isEmpty() && command != u"fingerprint"_s && command != u"enroll"_s && command != u"rooms-defaults"_s
        && command != u"admin"_s)
        return fail(u"unknown command '%1' (expected fingerprint, enroll, rooms-defaults or admin)"_s.arg(command));
    if (command == u"admin"_s && !(args.size() == 3 && args.at(1) == u"reset-password"_s)
        && !(args.size() == 2 && args.at(1) == u"init"_s))
        return fail(u"usage: parleyd [--config FILE] admin reset-password NAME | admin init"_s);
    RoomDefaultsOptions roomDefaults;
    const bool roomOptionSet = parser.isSet(maxMembers) || parser.isSet(maxExpire) || parser.isSet(defaultExpire)
        || parser.isSet(defaultBurn);
    if (roomOptionSet && command != u"rooms-defaults"_s)
        return fail(u"--max-members, --max-expire-seconds, --default-expire-seconds and --default-burn only apply to "
                    u"rooms-defaults"_s);
    if (command == u"rooms-defaults"_s) {
        if (args.size() != 1)
            return fail(u"rooms-defaults takes no arguments, only options"_s);
        auto number = [&parser](const QCommandLineOption &option, qint64 max) -> std::optional<qint64> {
            bool ok = false;
            const qint64 v = parser.value(option).toLongLong(&ok);
            if (!ok || v < 0 || v > max)
                return std::nullopt;
            return v;
        };
        if (parser.isSet(maxMembers)) {
            const auto v = number(maxMembers, protocol::MaxRoomMembers);
            if (!v || *v < 1)
                return fail(u"--max-members must be a whole number from 1 to %1"_s.arg(protocol::MaxRoomMembers));
            roomDefaults.maxMembers = int(*v);
        }
        if (parser.isSet(maxExpire)) {
            if (!(roomDefaults.maxExpire = number(maxExpire, qint64(1) << 32)))
                return fail(u"--max-expire-seconds must be a whole number from 0 to 4294967296"_s);
        }
        if (parser.isSet(defaultExpire)) {
            if (!(roomDefaults.defaultExpire = number(defaultExpire, qint64(1) << 32)))
                return fail(u"--default-expire-seconds must be a whole number from 0 to 4294967296"_s);
        }
        if (parser.isSet(defaultBurn)) {
            const QString v = parser.value(defaultBurn);
            if (v != u"yes"_s && v != u"no"_s)
                return fail(u"--default-burn must be yes or no"_s);
            roomDefaults.defaultBurn = v == u"yes"_s;
        }
    }
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
    if (command == u"rooms-defaults"_s)
        return runRoomsDefaults(*config, roomDefaults);
    if (command == u"admin"_s && args.at(1) == u"init"_s)
        return runAdminInit(*config);
    if (command == u"admin"_s)
        return runAdminReset(*config, args.at(2));
    return runDaemon(app, *config);
}
