#include "daemon/subcommands.h"

#include "admin/adminauth.h"
#include "admin/adminserver.h"
#include "store/adminstore.h"
#include "store/botstore.h"
#include "admin/eventlog.h"
#include "daemon/logging.h"
#include "protocol/frame.h"
#include "protocol/roomchain.h"
#include "daemon/server.h"
#include "daemon/signalwatcher.h"
#include "store/ssostore.h"
#include "store/store.h"
#include "daemon/tlssetup.h"
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

namespace parley::server::subcommands {

namespace {

// The first admin account and the file with its one-time password: the same names the daemon uses when it creates
// the account at its first start (AdminServer), and whose file it deletes once the password has been changed.
const QString InitialAdminAccount = u"admin"_s;
const QString InitialAdminPasswordFile = u"initial-admin-password"_s;

} // namespace

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
        return fail(u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));
    const qint64 validMs = qint64(validHours) * 3600 * 1000;
    auto code = (*store)->writeSync<QString>([&user, validMs](Db &db) -> Result<QString> {
        // A name reserved for bots gets a code only for its bot (a further device), never for a person.
        if (Status gate = botstore::enrollGate(db, user, QDateTime::currentMSecsSinceEpoch()); !gate)
            return gate.error();
        return db.createEnrollCode(user, validMs);
    });
    (*store)->close();
    if (!code)
        return fail(u"cannot create an enrollment code: %1"_s.arg(code.error().message));
    printLine(*code);
    return 0;
}



int runRoomsDefaults(const Config &config, const RoomDefaultsOptions &options)
{
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));
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
        return fail(u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));
    auto password = AdminServer::resetPassword(**store, name);
    (*store)->close();
    if (!password)
        return fail(password.error().message);
    printLine(u"One-time password for admin account '%1' (it must be changed at the next login):"_s.arg(name));
    printLine(*password);
    return 0;
}

int runSsoUnlink(const Config &config, const QString &name)
{
    if (!protocol::isValidUserName(name))
        return fail(u"'%1' is not a valid user name (1 to 64 of a-z 0-9 . _ -, starting with a letter or digit)"_s.arg(name));
    if (Status s = config.prepareDataDir(); !s)
        return fail(s.error().message);
    auto store = Server::openStore(config);
    if (!store)
        return fail(u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));
    auto removed = (*store)->writeSync<bool>([&name](Db &db) -> Result<bool> {
        auto r = SsoStore::removeLink(db, name);
        if (!r)
            return r.error();
        const AuditRecord audit{0, QDateTime::currentMSecsSinceEpoch(), u"host"_s, u"sso.unlink"_s, name,
                                *r ? u"ok"_s : u"not_found"_s};
        if (Status s = AdminStore(db).appendAudit(audit); !s)
            return s.error();
        return *r;
    });
    (*store)->close();
    if (!removed)
        return fail(u"cannot unlink %1: %2"_s.arg(name, removed.error().message));
    if (!*removed)
        return fail(u"%1 is not linked to an account at the single sign-on provider"_s.arg(name));
    printLine(u"unlinked %1"_s.arg(name));
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
        return fail(u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));

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
    if (!server.ssoUrl().isEmpty())
        printLine(u"sso %1"_s.arg(server.ssoUrl()));
    if (!server.metricsUrl().isEmpty())
        printLine(u"metrics %1"_s.arg(server.metricsUrl()));
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

} // namespace parley::server::subcommands
