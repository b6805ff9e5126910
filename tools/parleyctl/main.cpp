// parleyctl: the scriptable command-line client of the admin API (docs/admin-api.md).
//
//   parleyctl --server HOST:PORT --fingerprint HEX login NAME [--password-file F] [--totp CODE]
//   parleyctl passwd | logout | status
//   parleyctl user add|code|list|show|devices|revoke|suspend|resume|delete|import|export ...
//   parleyctl cert show|install|csr|reload ...
//   parleyctl log level CAT LEVEL | log levels | log show [--grep X] | log retention [DAYS]
//   parleyctl proxy set TYPE [HOST PORT] [--user U] | proxy show | proxy test HOST PORT
//   parleyctl push show | push apns --key FILE --key-id ID --team-id ID [--topic T] [--endpoint URL]
//   parleyctl push fcm --service-account FILE [--endpoint URL] [--token-endpoint URL]
//   parleyctl push webpush --subject URI [--key FILE | generate] | push clear PROVIDER
//   parleyctl admin list|add|delete|passwd NAME | admin totp enable [--code C] | admin totp disable [NAME]
//   parleyctl audit show [--actor A] [--action X] | audit export [FILE]
//   parleyctl rooms list [SEARCH] | rooms show ROOM | rooms delete ROOM | rooms defaults [KEY=VALUE ...]
//   parleyctl rooms policy ROOM [--expire S] [--burn on|off]
//
// Exit codes: 0 success, 1 other failure (network, server error), 2 usage or invalid argument, 3 authentication
// (not logged in, wrong credentials, locked out, password change required, forbidden), 4 not found, 5 conflict.

#include "adminclient.h"

#include <QCborArray>
#include <QCborValue>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSslKey>

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::ctl;

namespace {

constexpr int ExitOk = 0;
constexpr int ExitOther = 1;
constexpr int ExitUsage = 2;
constexpr int ExitAuth = 3;
constexpr int ExitNotFound = 4;
constexpr int ExitConflict = 5;

struct Failure {
    int code;
    QString message;
};

void printOut(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    if (!text.endsWith(u'\n'))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

int fail(int code, const QString &message)
{
    std::fprintf(stderr, "parleyctl: %s\n", message.toUtf8().constData());
    return code;
}

int exitCodeFor(const QString &error)
{
    if (error == u"unauthorized"_s || error == u"totp_required"_s || error == u"locked_out"_s
        || error == u"password_change_required"_s || error == u"forbidden"_s)
        return ExitAuth;
    if (error == u"not_found"_s)
        return ExitNotFound;
    if (error == u"conflict"_s)
        return ExitConflict;
    if (error == u"bad_request"_s || error == u"invalid_argument"_s || error == u"unknown_call"_s)
        return ExitUsage;
    return ExitOther;
}

QString configDir()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + u"/.config"_s;
    return base + u"/parleyctl"_s;
}

QString tokenFile(const QString &server)
{
    QString safe = server;
    safe.replace(u':', u'-').replace(u'[', u'_').replace(u']', u'_').replace(u'/', u'_');
    return configDir() + u"/token-"_s + safe;
}

std::optional<QString> readLine(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray data = f.readAll();
    const qsizetype nl = data.indexOf('\n');
    if (nl >= 0)
        data.truncate(nl);
    if (data.endsWith('\r'))
        data.chop(1);
    return QString::fromUtf8(data);
}

// A secret from the terminal with echo off.
std::optional<QString> promptSecret(const QString &prompt)
{
    if (!::isatty(STDIN_FILENO))
        return std::nullopt;
    std::fprintf(stderr, "%s", prompt.toUtf8().constData());
    std::fflush(stderr);
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    char buffer[1100];
    const bool got = std::fgets(buffer, sizeof(buffer), stdin) != nullptr;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    if (!got)
        return std::nullopt;
    QString line = QString::fromUtf8(buffer);
    while (line.endsWith(u'\n') || line.endsWith(u'\r'))
        line.chop(1);
    return line;
}

QString formatValue(const QString &key, const QCborValue &v)
{
    if ((key == u"at"_s || key.endsWith(u"_at"_s) || key == u"last_seen"_s || key == u"not_before"_s || key == u"not_after"_s)
        && v.isInteger()) {
        return v.toInteger() == 0 ? u"-"_s : QDateTime::fromMSecsSinceEpoch(v.toInteger(), Qt::UTC).toString(Qt::ISODate);
    }
    if (v.isBool())
        return v.toBool() ? u"yes"_s : u"no"_s;
    if (v.isInteger())
        return QString::number(v.toInteger());
    if (v.isString())
        return v.toString();
    if (v.isArray() || v.isMap())
        return QString::fromUtf8(QJsonDocument::fromVariant(v.toVariant()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

QString table(const QCborArray &rows)
{
    if (rows.isEmpty())
        return u"(none)"_s;
    QStringList columns;
    for (const QCborValue &row : rows) {
        const QCborMap m = row.toMap();
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            if (!columns.contains(it.key().toString()))
                columns << it.key().toString();
        }
    }
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const QString &c : columns)
        widths << c.size();
    for (const QCborValue &row : rows) {
        QStringList line;
        const QCborMap m = row.toMap();
        for (qsizetype i = 0; i < columns.size(); ++i) {
            const QString text = m.contains(columns.at(i)) ? formatValue(columns.at(i), m.value(columns.at(i))) : QString();
            widths[i] = std::max(widths[i], text.size());
            line << text;
        }
        cells << line;
    }
    QString out;
    auto emitLine = [&](const QStringList &line) {
        QStringList padded;
        for (qsizetype i = 0; i < line.size(); ++i)
            padded << line.at(i).leftJustified(widths[i]);
        out += padded.join(u"  "_s).trimmed() + u'\n';
    };
    emitLine(columns);
    for (const QStringList &line : cells)
        emitLine(line);
    return out;
}

QString human(const QCborMap &result)
{
    if (result.isEmpty())
        return u"ok"_s;
    QString out;
    QStringList tables;
    for (auto it = result.constBegin(); it != result.constEnd(); ++it) {
        const QString key = it.key().toString();
        const QCborValue v = it.value();
        if (v.isArray() && (v.toArray().isEmpty() || v.toArray().first().isMap())) {
            tables << key + u":\n"_s + table(v.toArray());
        } else if (v.isMap()) {
            QString sub = key + u":\n"_s;
            const QCborMap m = v.toMap();
            for (auto s = m.constBegin(); s != m.constEnd(); ++s)
                sub += u"  %1: %2\n"_s.arg(s.key().toString(), formatValue(s.key().toString(), s.value()));
            tables << sub;
        } else if (key == u"csv"_s || key == u"csr"_s) {
            tables << v.toString();
        } else {
            out += u"%1: %2\n"_s.arg(key, formatValue(key, v));
        }
    }
    return out + tables.join(u'\n');
}

struct Session {
    QString server;
    QString fingerprint;
    QString token;
    QString name;
    QString clientCert;   // absolute paths of the client certificate and key given at login, if any
    QString clientKey;
};

std::optional<Session> loadSession(const QString &server)
{
    QString target = server;
    if (target.isEmpty()) {
        auto current = readLine(configDir() + u"/current"_s);
        if (!current || current->isEmpty())
            return std::nullopt;
        target = *current;
    }
    QFile f(tokenFile(target));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    Session s{o.value("server"_L1).toString(), o.value("fingerprint"_L1).toString(), o.value("token"_L1).toString(),
              o.value("name"_L1).toString(), o.value("client_cert"_L1).toString(), o.value("client_key"_L1).toString()};
    if (s.server.isEmpty() || s.fingerprint.isEmpty())
        return std::nullopt;
    return s;
}

Status saveSession(const Session &s)
{
    const QString dir = configDir();
    if (!QDir().mkpath(dir) || !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot create %1"_s.arg(dir));
    QJsonObject o;
    o.insert("server"_L1, s.server);
    o.insert("fingerprint"_L1, s.fingerprint);
    o.insert("token"_L1, s.token);
    o.insert("name"_L1, s.name);
    if (!s.clientCert.isEmpty()) {
        o.insert("client_cert"_L1, s.clientCert);
        o.insert("client_key"_L1, s.clientKey);
    }
    for (const auto &[path, data] : {std::pair{tokenFile(s.server), QJsonDocument(o).toJson()},
                                     std::pair{dir + u"/current"_s, s.server.toUtf8() + '\n'}}) {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || f.write(data) != data.size() || !f.commit())
            return makeError(ErrorCode::Io, u"cannot write %1"_s.arg(path));
    }
    return {};
}

class Ctl {
public:
    QCommandLineParser parser;
    QCommandLineOption server{u"server"_s, u"The admin API, HOST:PORT (remembered after login)."_s, u"HOST:PORT"_s};
    QCommandLineOption fingerprint{u"fingerprint"_s, u"SHA-256 fingerprint of the admin API's certificate (login)."_s, u"HEX"_s};
    QCommandLineOption json{u"json"_s, u"Print the result as JSON."_s};
    QCommandLineOption passwordFile{u"password-file"_s, u"Read the password from the first line of FILE."_s, u"FILE"_s};
    QCommandLineOption newPasswordFile{u"new-password-file"_s, u"Read the new password from FILE (passwd, admin add/passwd)."_s, u"FILE"_s};
    QCommandLineOption totp{u"totp"_s, u"A TOTP code for login."_s, u"CODE"_s};
    QCommandLineOption code{u"code"_s, u"A TOTP code (admin totp enable)."_s, u"CODE"_s};
    QCommandLineOption validHours{u"valid-hours"_s, u"Hours an enrollment code stays valid."_s, u"N"_s};
    QCommandLineOption grep{u"grep"_s, u"log show: only lines containing TEXT."_s, u"TEXT"_s};
    QCommandLineOption category{u"category"_s, u"log show: only this category."_s, u"CAT"_s};
    QCommandLineOption level{u"level"_s, u"log show: this level and above."_s, u"LEVEL"_s};
    QCommandLineOption limit{u"limit"_s, u"At most N records."_s, u"N"_s};
    QCommandLineOption actor{u"actor"_s, u"audit show: only this admin."_s, u"NAME"_s};
    QCommandLineOption action{u"action"_s, u"audit show: only this call (or prefix, e.g. user)."_s, u"CALL"_s};
    QCommandLineOption since{u"since"_s, u"Only records at or after this ISO time."_s, u"TIME"_s};
    QCommandLineOption proxyUser{u"user"_s, u"proxy set: the proxy user."_s, u"USER"_s};
    QCommandLineOption proxyPasswordFile{u"proxy-password-file"_s, u"proxy set: read the proxy password from FILE."_s, u"FILE"_s};
    QCommandLineOption pushKey{u"key"_s, u"push apns/webpush: the private key file (PEM)."_s, u"FILE"_s};
    QCommandLineOption keyId{u"key-id"_s, u"push apns: the key's 10-character ID."_s, u"ID"_s};
    QCommandLineOption teamId{u"team-id"_s, u"push apns: the 10-character team ID."_s, u"ID"_s};
    QCommandLineOption topic{u"topic"_s, u"push apns: the default topic (bundle ID)."_s, u"TOPIC"_s};
    QCommandLineOption endpoint{u"endpoint"_s, u"push apns/fcm: the provider endpoint (https://host[:port])."_s, u"URL"_s};
    QCommandLineOption tokenEndpoint{u"token-endpoint"_s, u"push fcm: the OAuth token endpoint."_s, u"URL"_s};
    QCommandLineOption serviceAccount{u"service-account"_s, u"push fcm: the service account's JSON key file."_s, u"FILE"_s};
    QCommandLineOption subject{u"subject"_s, u"push webpush: the VAPID contact (mailto: or https:)."_s, u"URI"_s};
    QCommandLineOption dns{u"dns"_s, u"cert csr: DNS names, comma-separated."_s, u"NAMES"_s};
    QCommandLineOption out{u"out"_s, u"Write CSV/CSR output to FILE."_s, u"FILE"_s};
    QCommandLineOption clientCert{u"client-cert"_s, u"A client certificate (PEM) when the admin API requires one."_s, u"FILE"_s};
    QCommandLineOption clientKey{u"client-key"_s, u"The client certificate's private key (PEM)."_s, u"FILE"_s};
    QCommandLineOption expire{u"expire"_s, u"rooms policy: enforce at most S seconds of message lifetime (0: lift)."_s, u"S"_s};
    QCommandLineOption burn{u"burn"_s, u"rooms policy: enforce burn-on-read (on) or lift it (off)."_s, u"on|off"_s};
    QCommandLineOption timeout{u"timeout"_s, u"Seconds to wait for a reply (default 30)."_s, u"S"_s, u"30"_s};

    std::unique_ptr<AdminClient> client;
    Session session;
    QString outFile;    // a FILE argument of `user export` / `audit export`

    int timeoutMs() const { return std::max(1, parser.value(timeout).toInt()) * 1000; }

    // The client certificate and key: from the command line, else the ones remembered at login.
    QString clientCertFile() const { return parser.isSet(clientCert) ? parser.value(clientCert) : session.clientCert; }
    QString clientKeyFile() const { return parser.isSet(clientCert) ? parser.value(clientKey) : session.clientKey; }

    std::optional<Failure> connect(const QString &serverName, const QString &fp)
    {
        client = std::make_unique<AdminClient>(serverName, fp);
        if (parser.isSet(clientKey) && !parser.isSet(clientCert))
            return Failure{ExitUsage, u"--client-key goes with --client-cert"_s};
        if (!clientCertFile().isEmpty()) {
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(clientCertFile());
            QFile keyFile(clientKeyFile());
            if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
                return Failure{ExitUsage, u"--client-cert and --client-key must name readable PEM files"_s};
            const QByteArray pem = keyFile.readAll();
            QSslKey key(pem, QSsl::Ec, QSsl::Pem);
            if (key.isNull())
                key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
            if (key.isNull())
                return Failure{ExitUsage, u"--client-key holds no usable private key"_s};
            client->setClientCertificate(certs.first(), key);
        }
        if (Status s = client->connectToServer(timeoutMs()); !s)
            return Failure{s.error().code == ErrorCode::Unauthorized ? ExitAuth : ExitOther, s.error().message};
        return std::nullopt;
    }

    // Runs a call with the stored session and prints the result. Returns the exit code.
    int run(const QString &call, const QCborMap &args, const std::function<void(const QCborMap &)> &print = {})
    {
        if (const QString bad = validate(call, args); !bad.isEmpty())
            return fail(ExitUsage, bad);
        auto loaded = loadSession(parser.value(server));
        if (!loaded)
            return fail(ExitAuth, u"not logged in: parleyctl --server HOST:PORT --fingerprint HEX login NAME"_s);
        session = *loaded;
        if (auto f = connect(session.server, session.fingerprint))
            return fail(f->code, f->message);
        const AdminClient::Reply reply = client->call(call, session.token, args, timeoutMs());
        return finish(reply, print);
    }

    static QString validate(const QString &call, const QCborMap &args)
    {
        const auto *spec = protocol::admin::findCall(call);
        if (!spec)
            return u"unknown call %1"_s.arg(call);
        return protocol::admin::validateArgs(*spec, args);
    }

    int finish(const AdminClient::Reply &reply, const std::function<void(const QCborMap &)> &print)
    {
        if (!reply.ok) {
            if (parser.isSet(json))
                printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{u"error"_s, reply.error}, {u"message"_s, reply.message}}).toJson(QJsonDocument::Compact)));
            return fail(reply.error == u"network"_s ? ExitOther : exitCodeFor(reply.error),
                        reply.error == u"network"_s ? reply.message : u"%1: %2"_s.arg(reply.error, reply.message));
        }
        if (parser.isSet(json))
            printOut(QString::fromUtf8(QJsonDocument(reply.result.toJsonObject()).toJson(QJsonDocument::Compact)));
        else if (print)
            print(reply.result);
        else
            printOut(human(reply.result));
        return ExitOk;
    }

    std::optional<QString> password(const QCommandLineOption &fileOption, const char *env, const QString &prompt)
    {
        if (parser.isSet(fileOption))
            return readLine(parser.value(fileOption));
        const QString fromEnv = qEnvironmentVariable(env);
        if (!fromEnv.isEmpty())
            return fromEnv;
        return promptSecret(prompt);
    }

    std::optional<QString> newPassword()
    {
        if (parser.isSet(newPasswordFile))
            return readLine(parser.value(newPasswordFile));
        const QString fromEnv = qEnvironmentVariable("PARLEYCTL_NEW_PASSWORD");
        if (!fromEnv.isEmpty())
            return fromEnv;
        auto first = promptSecret(u"New password: "_s);
        auto second = first ? promptSecret(u"Repeat: "_s) : std::nullopt;
        if (!first || !second || *first != *second)
            return std::nullopt;
        return first;
    }

    int login(const QString &name)
    {
        QString target = parser.value(server);
        QString fp = parser.value(fingerprint);
        if (target.isEmpty() || fp.isEmpty()) {
            auto loaded = loadSession(target);
            if (!loaded)
                return fail(ExitUsage, u"login needs --server HOST:PORT and --fingerprint HEX the first time"_s);
            target = loaded->server;
            if (fp.isEmpty())
                fp = loaded->fingerprint;
            session.clientCert = loaded->clientCert;
            session.clientKey = loaded->clientKey;
        }
        auto pw = password(passwordFile, "PARLEYCTL_PASSWORD", u"Password for %1: "_s.arg(name));
        if (!pw)
            return fail(ExitUsage, u"no password: use --password-file, PARLEYCTL_PASSWORD or a terminal"_s);
        QCborMap args{{u"name"_s, name}, {u"password"_s, *pw}};
        if (parser.isSet(totp))
            args.insert(u"totp"_s, parser.value(totp));
        if (const QString bad = validate(u"login"_s, args); !bad.isEmpty())
            return fail(ExitUsage, bad);
        if (auto f = connect(target, fp))
            return fail(f->code, f->message);
        const AdminClient::Reply reply = client->call(u"login"_s, {}, args, timeoutMs());
        if (!reply.ok)
            return finish(reply, {});
        Session s{target, fp.toLower().remove(u':'), reply.result.value("token"_L1).toString(), name,
                  session.clientCert, session.clientKey};
        if (parser.isSet(clientCert)) {
            s.clientCert = QFileInfo(parser.value(clientCert)).absoluteFilePath();
            s.clientKey = QFileInfo(parser.value(clientKey)).absoluteFilePath();
        }
        if (Status st = saveSession(s); !st)
            return fail(ExitOther, st.error().message);
        return finish(reply, [](const QCborMap &r) {
            if (r.value("must_change_password"_L1).toBool())
                printOut(u"logged in; this account must choose a new password first: parleyctl passwd"_s);
            else
                printOut(u"logged in until %1"_s.arg(formatValue(u"expires_at"_s, r.value("expires_at"_L1))));
        });
    }

    int passwd()
    {
        auto current = password(passwordFile, "PARLEYCTL_PASSWORD", u"Current password: "_s);
        if (!current)
            return fail(ExitUsage, u"no current password: use --password-file, PARLEYCTL_PASSWORD or a terminal"_s);
        auto next = newPassword();
        if (!next)
            return fail(ExitUsage, u"no new password (or the two entries differ): use --new-password-file, PARLEYCTL_NEW_PASSWORD or a terminal"_s);
        const QCborMap args{{u"password"_s, *current}, {u"new_password"_s, *next}};
        return run(u"password.change"_s, args, [this](const QCborMap &r) {
            session.token = r.value("token"_L1).toString();
            if (Status st = saveSession(session); !st)
                printOut(u"password changed, but the new token could not be saved: %1"_s.arg(st.error().message));
            else
                printOut(u"password changed"_s);
        });
    }

    std::optional<qint64> number(const QString &text)
    {
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n < 0)
            return std::nullopt;
        return n;
    }

    int writeOutput(const QString &text)
    {
        const QString path = outFile.isEmpty() ? parser.value(out) : outFile;
        if (path.isEmpty()) {
            printOut(text);
            return ExitOk;
        }
        QSaveFile f(path);
        const QByteArray data = text.toUtf8();
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
            return fail(ExitOther, u"cannot write %1"_s.arg(path));
        return ExitOk;
    }

    std::function<void(const QCborMap &)> printKey(const QString &key)
    {
        return [this, key](const QCborMap &r) { writeOutput(r.value(key).toString()); };
    }

    int usage(const QString &message) { return fail(ExitUsage, message + u" (see parleyctl --help)"_s); }

    int dispatch(const QStringList &a)
    {
        const QString group = a.value(0);
        const QString verb = a.value(1);
        auto need = [&a](qsizetype n) { return a.size() == n; };
        QCborMap args;
        if (parser.isSet(validHours)) {
            auto n = number(parser.value(validHours));
            if (!n)
                return usage(u"--valid-hours: a whole number"_s);
            args.insert(u"valid_hours"_s, *n);
        }

        if (group == u"login"_s && need(2))
            return login(a.at(1));
        if (group == u"passwd"_s && need(1))
            return passwd();
        if (group == u"logout"_s && need(1))
            return run(u"logout"_s, {}, [](const QCborMap &) { printOut(u"logged out"_s); });
        if (group == u"status"_s && need(1))
            return run(u"status"_s, {});

        if (group == u"user"_s) {
            if ((verb == u"add"_s || verb == u"code"_s) && need(3)) {
                args.insert(u"name"_s, a.at(2));
                return run(verb == u"add"_s ? u"user.create"_s : u"user.code"_s, args);
            }
            if (verb == u"list"_s && a.size() <= 3) {
                QCborMap l;
                if (a.size() == 3)
                    l.insert(u"search"_s, a.at(2));
                return run(u"user.list"_s, l);
            }
            const QMap<QString, QString> simple = {{u"show"_s, u"user.show"_s}, {u"devices"_s, u"user.devices"_s},
                                                   {u"suspend"_s, u"user.suspend"_s}, {u"resume"_s, u"user.resume"_s},
                                                   {u"delete"_s, u"user.delete"_s}};
            if (simple.contains(verb) && need(3))
                return run(simple.value(verb), QCborMap{{u"name"_s, a.at(2)}});
            if (verb == u"revoke"_s && need(4)) {
                auto device = number(a.at(3));
                if (!device)
                    return usage(u"user revoke NAME DEVICE: DEVICE is a device number"_s);
                return run(u"user.revoke_device"_s, QCborMap{{u"name"_s, a.at(2)}, {u"device"_s, *device}});
            }
            if (verb == u"import"_s && need(3)) {
                QFile f(a.at(2));
                if (!f.open(QIODevice::ReadOnly))
                    return fail(ExitUsage, u"cannot read %1"_s.arg(a.at(2)));
                args.insert(u"csv"_s, QString::fromUtf8(f.readAll()));
                const int status = run(u"user.import"_s, args, [](const QCborMap &r) {
                    printOut(table(r.value("rows"_L1).toArray()));
                    printOut(u"created %1, failed %2"_s.arg(r.value("created"_L1).toInteger()).arg(r.value("failed"_L1).toInteger()));
                });
                return status;
            }
            if (verb == u"export"_s && a.size() <= 3) {
                if (a.size() == 3)
                    outFile = a.at(2);
                return run(u"user.export"_s, {}, printKey(u"csv"_s));
            }
        }

        if (group == u"cert"_s) {
            if (verb == u"show"_s && need(2))
                return run(u"cert.show"_s, {});
            if (verb == u"reload"_s && need(2))
                return run(u"cert.reload"_s, {});
            if (verb == u"install"_s && (need(3) || need(4))) {
                QFile cert(a.at(2));
                if (!cert.open(QIODevice::ReadOnly))
                    return fail(ExitUsage, u"cannot read %1"_s.arg(a.at(2)));
                QCborMap c{{u"certificate"_s, QString::fromUtf8(cert.readAll())}};
                if (need(4)) {
                    QFile key(a.at(3));
                    if (!key.open(QIODevice::ReadOnly))
                        return fail(ExitUsage, u"cannot read %1"_s.arg(a.at(3)));
                    c.insert(u"private_key"_s, QString::fromUtf8(key.readAll()));
                }
                return run(u"cert.install"_s, c);
            }
            if (verb == u"csr"_s && need(3)) {
                QCborMap c{{u"common_name"_s, a.at(2)}};
                if (parser.isSet(dns))
                    c.insert(u"dns"_s, parser.value(dns));
                return run(u"cert.csr"_s, c, printKey(u"csr"_s));
            }
        }

        if (group == u"log"_s) {
            if (verb == u"level"_s && need(4))
                return run(u"log.set_level"_s, QCborMap{{u"category"_s, a.at(2)}, {u"level"_s, a.at(3)}});
            if (verb == u"levels"_s && need(2))
                return run(u"log.levels"_s, {});
            if (verb == u"show"_s && need(2)) {
                QCborMap l;
                if (parser.isSet(grep))
                    l.insert(u"grep"_s, parser.value(grep));
                if (parser.isSet(category))
                    l.insert(u"category"_s, parser.value(category));
                if (parser.isSet(level))
                    l.insert(u"level"_s, parser.value(level));
                if (parser.isSet(limit)) {
                    auto n = number(parser.value(limit));
                    if (!n)
                        return usage(u"--limit: a whole number"_s);
                    l.insert(u"limit"_s, *n);
                }
                if (parser.isSet(since)) {
                    const QDateTime t = QDateTime::fromString(parser.value(since), Qt::ISODate);
                    if (!t.isValid())
                        return usage(u"--since: an ISO 8601 time"_s);
                    l.insert(u"since"_s, t.toMSecsSinceEpoch());
                }
                return run(u"log.show"_s, l);
            }
            if (verb == u"retention"_s && a.size() <= 3) {
                QCborMap l;
                if (a.size() == 3) {
                    auto n = number(a.at(2));
                    if (!n)
                        return usage(u"log retention DAYS: a whole number"_s);
                    l.insert(u"days"_s, *n);
                }
                return run(u"log.retention"_s, l);
            }
        }

        if (group == u"proxy"_s) {
            if (verb == u"show"_s && need(2))
                return run(u"proxy.show"_s, {});
            if (verb == u"set"_s && (need(3) || need(5))) {
                QCborMap p{{u"type"_s, a.at(2)}};
                if (need(5)) {
                    auto port = number(a.at(4));
                    if (!port)
                        return usage(u"proxy set TYPE HOST PORT: PORT is a number"_s);
                    p.insert(u"host"_s, a.at(3));
                    p.insert(u"port"_s, *port);
                }
                if (parser.isSet(proxyUser))
                    p.insert(u"user"_s, parser.value(proxyUser));
                if (parser.isSet(proxyPasswordFile)) {
                    auto pw = readLine(parser.value(proxyPasswordFile));
                    if (!pw)
                        return fail(ExitUsage, u"cannot read %1"_s.arg(parser.value(proxyPasswordFile)));
                    p.insert(u"password"_s, *pw);
                }
                return run(u"proxy.set"_s, p);
            }
            if (verb == u"test"_s && need(4)) {
                auto port = number(a.at(3));
                if (!port)
                    return usage(u"proxy test HOST PORT: PORT is a number"_s);
                return run(u"proxy.test"_s, QCborMap{{u"host"_s, a.at(2)}, {u"port"_s, *port}});
            }
        }

        if (group == u"push"_s) {
            // Key files are read here and sent as text; their contents never go on a command line.
            auto readText = [](const QString &path) -> std::optional<QString> {
                QFile f(path);
                if (!f.open(QIODevice::ReadOnly) || f.size() > 64 * 1024)
                    return std::nullopt;
                return QString::fromUtf8(f.readAll());
            };
            auto optional = [this](QCborMap &m, const QCommandLineOption &option, const QString &key) {
                if (parser.isSet(option))
                    m.insert(key, parser.value(option));
            };
            if (verb == u"show"_s && need(2))
                return run(u"push.show"_s, {});
            if (verb == u"apns"_s && need(2)) {
                if (!parser.isSet(pushKey) || !parser.isSet(keyId) || !parser.isSet(teamId))
                    return usage(u"push apns needs --key FILE --key-id ID --team-id ID"_s);
                auto key = readText(parser.value(pushKey));
                if (!key)
                    return fail(ExitUsage, u"cannot read %1"_s.arg(parser.value(pushKey)));
                QCborMap m{{u"key"_s, *key}, {u"key_id"_s, parser.value(keyId)}, {u"team_id"_s, parser.value(teamId)}};
                optional(m, topic, u"topic"_s);
                optional(m, endpoint, u"endpoint"_s);
                return run(u"push.set_apns"_s, m);
            }
            if (verb == u"fcm"_s && need(2)) {
                if (!parser.isSet(serviceAccount))
                    return usage(u"push fcm needs --service-account FILE"_s);
                auto json = readText(parser.value(serviceAccount));
                if (!json)
                    return fail(ExitUsage, u"cannot read %1"_s.arg(parser.value(serviceAccount)));
                QCborMap m{{u"service_account"_s, *json}};
                optional(m, endpoint, u"endpoint"_s);
                optional(m, tokenEndpoint, u"token_endpoint"_s);
                return run(u"push.set_fcm"_s, m);
            }
            if (verb == u"webpush"_s && (need(2) || (need(3) && a.at(2) == u"generate"_s))) {
                if (!parser.isSet(subject))
                    return usage(u"push webpush needs --subject mailto:... or https://..."_s);
                if (need(3) && parser.isSet(pushKey))
                    return usage(u"push webpush: --key FILE or generate, not both"_s);
                QCborMap m{{u"subject"_s, parser.value(subject)}};
                if (parser.isSet(pushKey)) {
                    auto key = readText(parser.value(pushKey));
                    if (!key)
                        return fail(ExitUsage, u"cannot read %1"_s.arg(parser.value(pushKey)));
                    m.insert(u"private_key"_s, *key);
                }
                return run(u"push.set_webpush"_s, m);
            }
            if (verb == u"clear"_s && need(3))
                return run(u"push.clear"_s, QCborMap{{u"provider"_s, a.at(2)}});
        }

        if (group == u"admin"_s) {
            if (verb == u"list"_s && need(2))
                return run(u"admin.list"_s, {});
            if (verb == u"delete"_s && need(3))
                return run(u"admin.delete"_s, QCborMap{{u"name"_s, a.at(2)}});
            if ((verb == u"add"_s || verb == u"passwd"_s) && need(3)) {
                auto pw = newPassword();
                if (!pw)
                    return fail(ExitUsage, u"no password: use --new-password-file, PARLEYCTL_NEW_PASSWORD or a terminal"_s);
                return run(verb == u"add"_s ? u"admin.create"_s : u"admin.set_password"_s,
                           QCborMap{{u"name"_s, a.at(2)}, {u"password"_s, *pw}});
            }
            if (verb == u"totp"_s && a.value(2) == u"enable"_s && need(3)) {
                if (parser.isSet(code))
                    return run(u"totp.enable"_s, QCborMap{{u"code"_s, parser.value(code)}},
                               [](const QCborMap &) { printOut(u"TOTP is on"_s); });
                return run(u"totp.setup"_s, {}, [](const QCborMap &r) {
                    printOut(u"secret: %1\nuri: %2\nAdd it to an authenticator app, then confirm: parleyctl admin totp enable --code CODE"_s
                                 .arg(r.value("secret"_L1).toString(), r.value("uri"_L1).toString()));
                });
            }
            if (verb == u"totp"_s && a.value(2) == u"disable"_s && a.size() <= 4) {
                QCborMap t;
                if (a.size() == 4)
                    t.insert(u"name"_s, a.at(3));
                return run(u"totp.disable"_s, t);
            }
        }

        if (group == u"audit"_s) {
            QCborMap f;
            if (parser.isSet(actor))
                f.insert(u"actor"_s, parser.value(actor));
            if (parser.isSet(action))
                f.insert(u"action"_s, parser.value(action));
            if (parser.isSet(since)) {
                const QDateTime t = QDateTime::fromString(parser.value(since), Qt::ISODate);
                if (!t.isValid())
                    return usage(u"--since: an ISO 8601 time"_s);
                f.insert(u"since"_s, t.toMSecsSinceEpoch());
            }
            if (verb == u"show"_s && need(2)) {
                if (parser.isSet(limit)) {
                    auto n = number(parser.value(limit));
                    if (!n)
                        return usage(u"--limit: a whole number"_s);
                    f.insert(u"limit"_s, *n);
                }
                return run(u"audit.show"_s, f);
            }
            if (verb == u"export"_s && a.size() <= 3) {
                f.remove(u"actor"_s);
                f.remove(u"action"_s);
                if (a.size() == 3)
                    outFile = a.at(2);
                return run(u"audit.export"_s, f, printKey(u"csv"_s));
            }
        }
        if (group == u"rooms"_s) {
            if (verb == u"list"_s && a.size() <= 3) {
                QCborMap l;
                if (a.size() == 3)
                    l.insert(u"search"_s, a.at(2));
                return run(u"rooms.list"_s, l);
            }
            if ((verb == u"show"_s || verb == u"delete"_s) && need(3))
                return run(u"rooms."_s + verb, QCborMap{{u"room"_s, a.at(2)}});
            if (verb == u"policy"_s && need(3)) {
                // rooms policy ROOM [--expire S] [--burn on|off]: the administrator's retention override
                QCborMap p{{u"room"_s, a.at(2)}};
                if (parser.isSet(expire)) {
                    auto n = number(parser.value(expire));
                    if (!n)
                        return usage(u"--expire: a whole number of seconds (0 lifts the override)"_s);
                    p.insert(u"expire_seconds"_s, *n);
                }
                if (parser.isSet(burn)) {
                    const QString value = parser.value(burn);
                    if (value != u"on"_s && value != u"off"_s)
                        return usage(u"--burn on|off"_s);
                    p.insert(u"burn_on_read"_s, value == u"on"_s);
                }
                if (p.size() == 1)
                    return usage(u"rooms policy ROOM [--expire S] [--burn on|off]: give at least one"_s);
                return run(u"rooms.policy"_s, p);
            }
            if (verb == u"defaults"_s) {
                // rooms defaults [max_members=N] [max_expire_seconds=S] [default_expire_seconds=S] [default_burn=yes|no]
                QCborMap d;
                for (qsizetype i = 2; i < a.size(); ++i) {
                    const QString key = a.at(i).section(u'=', 0, 0);
                    const QString value = a.at(i).section(u'=', 1);
                    if (key == u"default_burn"_s) {
                        if (value != u"yes"_s && value != u"no"_s)
                            return usage(u"default_burn=yes|no"_s);
                        d.insert(key, value == u"yes"_s);
                    } else {
                        auto n = number(value);
                        if (!n || !a.at(i).contains(u'='))
                            return usage(u"rooms defaults KEY=NUMBER ..."_s);
                        d.insert(key, *n);
                    }
                }
                return run(u"rooms.defaults"_s, d);
            }
        }
        return usage(u"unknown command or wrong arguments: %1"_s.arg(a.join(u' ')));
    }
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"parleyctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));
    Ctl ctl;
    ctl.parser.setApplicationDescription(u"Command-line client of the Parley admin API"_s);
    ctl.parser.addHelpOption();
    ctl.parser.addVersionOption();
    ctl.parser.addOptions({ctl.server, ctl.fingerprint, ctl.json, ctl.passwordFile, ctl.newPasswordFile, ctl.totp, ctl.code,
                           ctl.validHours, ctl.grep, ctl.category, ctl.level, ctl.limit, ctl.actor, ctl.action, ctl.since,
                           ctl.proxyUser, ctl.proxyPasswordFile, ctl.pushKey, ctl.keyId, ctl.teamId, ctl.topic,
                           ctl.endpoint, ctl.tokenEndpoint, ctl.serviceAccount, ctl.subject, ctl.dns, ctl.out, ctl.clientCert,
                           ctl.clientKey, ctl.expire, ctl.burn, ctl.timeout});
    ctl.parser.addPositionalArgument(u"command"_s,
                                     u"login NAME | passwd | logout | status | user ... | cert ... | log ... | proxy ... | push ... | "
                                     u"admin ... | audit ... | rooms ..."_s);
    if (!ctl.parser.parse(QCoreApplication::arguments()))
        return fail(ExitUsage, ctl.parser.errorText());
    if (ctl.parser.isSet(u"help"_s)) {
        printOut(ctl.parser.helpText());
        return ExitOk;
    }
    if (ctl.parser.isSet(u"version"_s)) {
        printOut(QStringLiteral(PARLEY_VERSION_STRING));
        return ExitOk;
    }
    const QStringList args = ctl.parser.positionalArguments();
    if (args.isEmpty())
        return ctl.usage(u"no command"_s);
    return ctl.dispatch(args);
}
