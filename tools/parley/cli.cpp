#include "cli.h"

#include "passphrase.h"
#include "pushargs.h"
#include "protocol/frame.h"
#include "sdk/client.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCli, "parley.cli")

namespace parley::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;
constexpr int DefaultTimeoutSeconds = 60;
constexpr int CloseGraceMs = 5000;
constexpr qsizetype MaxStdinBytes = 1024 * 1024;

void writeLine(FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

// One line for people: collapse line breaks a server message might carry.
QString oneLine(QString text)
{
    text.replace(u'\n', u' ').replace(u'\r', u' ');
    return text;
}

const QString Usage = uR"(Usage: parley [--profile DIR] [--passphrase-file FILE] [--timeout SECONDS] [--verbose] COMMAND ...

Commands:
  register wss://HOST:PORT USER CODE (--fingerprint HEX | --ca FILE) [--device-name NAME]
                                 [--recovery-passphrase-file FILE]
      Enroll this profile's device with an enrollment code. A new user gets a root key and a recovery bundle;
      for an existing user the root key is recovered with the passphrase of the user's first device.
  send USER [USER...] TEXT [--expire SECONDS] [--burn-on-read]
  send --room ROOM TEXT [--expire SECONDS] [--burn-on-read]
                                 Send TEXT ("-": read it from standard input); prints the message id. --expire
                                 sets the message's lifetime; --burn-on-read deletes it once every device read it.
  room create NAME [--title T] [--description D] [--expire SECONDS] [--burn-on-read]
  room add ROOM USER | room remove ROOM USER | room promote ROOM USER | room demote ROOM USER
  room leave ROOM | room list [--json] | room show ROOM [--json]
                                 Manage rooms; every membership change is signed by this device. `show` verifies
                                 the room's membership records and prints its members (admins marked with *).
                                 `list` shows a retention rule the server's administrator enforces.
  receive [--wait SECONDS] [--json]
                                 Print the waiting messages, keep receiving SECONDS more (default 0).
  whoami                         Show user, device, server and pinned fingerprint of the profile.
  trust USER                     Forget the pinned root key of USER, so the next one seen is pinned.
  push register apns TOKEN [--topic TOPIC] | push register fcm TOKEN |
  push register webpush ENDPOINT P256DH AUTH
                                 Register (or replace) this device's push token; P256DH and AUTH in base64url.
  push remove                    Remove this device's push token.

Put -- before a TEXT that starts with '-'.
The passphrase comes from --passphrase-file, else $PARLEY_PASSPHRASE, else a prompt on the terminal.
Default profile: ~/.local/share/parley/default)"_s;

} // namespace

struct Cli::Private {
    Cli *q;
    QCommandLineParser parser;
    QString profileDir;
    QString passphraseFile;
    int timeoutSeconds = DefaultTimeoutSeconds;

    std::unique_ptr<sdk::Profile> profile;
    std::unique_ptr<sdk::Client> client;
    QTimer watchdog;
    bool finishing = false;
    bool completed = false;
    bool removeProfileAtEnd = false;
    int exitCode = ExitOk;

    // register
    bool registered = false;
    bool createdProfile = false;
    // send
    bool sent = false;
    bool prekeysSettled = false;
    // rooms
    std::unique_ptr<sdk::Rooms> rooms;
    // receive
    bool json = false;
    int waitSeconds = 0;
    bool synced = false;

    explicit Private(Cli *cli) : q(cli) {}

    void fail(const QString &message, int code = ExitFailure)
    {
        if (finishing)
            return;
        writeLine(stderr, u"parley: error: "_s + oneLine(message));
        // A profile made by this failed `register` holds nothing of value, and its passphrase may be the
        // mistake: it is removed (in complete()) so that the next attempt starts afresh.
        removeProfileAtEnd = createdProfile && !registered;
        finish(code);
    }

    void removeUnusedProfile()
    {
        QDir dir(profileDir);
        for (const QString &name : {u"profile.json"_s, u"keystore.cbor"_s, u"trust.cbor"_s, u"prekeys.cbor"_s,
                                    u"seen.cbor"_s, u"ca.pem"_s, u"lock"_s}) {
            if (dir.exists(name) && !dir.remove(name))
                writeLine(stderr, u"parley: warning: could not remove %1"_s.arg(dir.filePath(name)));
        }
        // Only removes the directory when nothing else is in it.
        dir.rmdir(dir.absolutePath());
    }

    void finish(int code)
    {
        if (finishing)
            return;
        finishing = true;
        exitCode = code;
        watchdog.stop();
        // complete() always runs from the event loop, never inside a signal of the client it may destroy.
        if (client && client->state() != sdk::Client::State::Disconnected) {
            QObject::connect(client.get(), &sdk::Client::disconnected, q, [this] { complete(); }, Qt::QueuedConnection);
            QTimer::singleShot(CloseGraceMs, q, [this] { complete(); });
            client->disconnectFromServer();
            return;
        }
        QTimer::singleShot(0, q, [this] { complete(); });
    }

    void complete()
    {
        if (completed)
            return;
        completed = true;
        rooms.reset();
        client.reset();
        profile.reset();   // saves nothing more; releases the lock
        if (removeProfileAtEnd)
            removeUnusedProfile();
        Q_EMIT q->finished(exitCode);
    }

    void armWatchdog()
    {
        watchdog.setSingleShot(true);
        watchdog.setInterval(timeoutSeconds * 1000);
        QObject::connect(&watchdog, &QTimer::timeout, q, [this] {
            fail(u"no progress from the server for %1 s (see --timeout)"_s.arg(timeoutSeconds));
        });
        watchdog.start();
    }

    Result<QByteArray> passphrase(bool creating)
    {
        return Passphrase::obtain(passphraseFile,
                                  creating ? u"New passphrase for profile %1: "_s.arg(profileDir)
                                           : u"Passphrase for profile %1: "_s.arg(profileDir),
                                  creating);
    }

    bool openProfile()
    {
        if (!sdk::Profile::exists(profileDir)) {
            fail(u"no profile in %1 (run `parley register` first)"_s.arg(profileDir));
            return false;
        }
        Result<QByteArray> pass = passphrase(false);
        if (!pass) {
            fail(pass.error().message);
            return false;
        }
        Result<std::unique_ptr<sdk::Profile>> opened = sdk::Profile::open(profileDir, pass.value());
        crypto::cleanse(pass.value());
        if (!opened) {
            fail(opened.error().message);
            return false;
        }
        profile = std::move(opened.value());
        if (!profile->settings().isEnrolled()) {
            fail(u"profile %1 is not registered (run `parley register` first)"_s.arg(profileDir));
            return false;
        }
        return true;
    }

    void makeClient()
    {
        client = std::make_unique<sdk::Client>(*profile);
        QObject::connect(client.get(), &sdk::Client::errorOccurred, q,
                         [this](const QString &, const QString &message) { fail(message); });
        QObject::connect(client.get(), &sdk::Client::disconnected, q, [this] {
            if (!finishing)
                fail(u"the connection to the server closed"_s);
        });
        QObject::connect(client.get(), &sdk::Client::frameReceived, q, [this](const protocol::Frame &) {
            if (watchdog.isActive())
                watchdog.start();
        });
        armWatchdog();
    }

    // ------------------------------------------------------------------ commands

    void runRegister(const QStringList &args)
    {
        if (args.size() != 3)
            return fail(u"usage: parley register wss://HOST:PORT USER CODE (--fingerprint HEX | --ca FILE) "
                        u"[--device-name NAME]"_s, ExitUsage);
        const QUrl url(args.at(0), QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != u"wss"_s || url.host().isEmpty())
            return fail(u"the server must be a wss://HOST:PORT URL (got \"%1\")"_s.arg(args.at(0)), ExitUsage);
        const QString user = args.at(1);
        const QString code = args.at(2);
        if (!protocol::isValidUserName(user))
            return fail(u"invalid user name \"%1\": 1 to 64 characters of a-z, 0-9, '.', '_', '-', starting with a "
                        u"letter or digit"_s.arg(user), ExitUsage);
        const bool hasFingerprint = parser.isSet(u"fingerprint"_s);
        const bool hasCa = parser.isSet(u"ca"_s);
        if (hasFingerprint == hasCa)
            return fail(u"register needs exactly one of --fingerprint HEX and --ca FILE"_s, ExitUsage);
        QString fingerprint;
        QByteArray caPem;
        if (hasFingerprint) {
            Result<QString> fp = sdk::Profile::normaliseFingerprint(parser.value(u"fingerprint"_s));
            if (!fp)
                return fail(fp.error().message, ExitUsage);
            fingerprint = fp.value();
        } else {
            QFile ca(parser.value(u"ca"_s));
            if (!ca.open(QIODevice::ReadOnly))
                return fail(u"cannot read the CA file %1: %2"_s.arg(ca.fileName(), ca.errorString()));
            caPem = ca.read(4 * 1024 * 1024);
        }
        QString deviceName = parser.isSet(u"device-name"_s) ? parser.value(u"device-name"_s)
                                                            : QSysInfo::machineHostName();
        while (deviceName.toUtf8().size() > 64)
            deviceName.chop(1);

        const bool creating = !sdk::Profile::exists(profileDir);
        Result<QByteArray> pass = passphrase(creating);
        if (!pass)
            return fail(pass.error().message);
        QByteArray recoveryPass = pass.value();
        if (parser.isSet(u"recovery-passphrase-file"_s)) {
            Result<QByteArray> r = Passphrase::fromFile(parser.value(u"recovery-passphrase-file"_s));
            if (!r)
                return fail(r.error().message);
            recoveryPass = r.value();
        }
        Result<std::unique_ptr<sdk::Profile>> opened = creating ? sdk::Profile::create(profileDir, pass.value())
                                                                : sdk::Profile::open(profileDir, pass.value());
        crypto::cleanse(pass.value());
        if (!opened) {
            crypto::cleanse(recoveryPass);
            return fail(opened.error().message);
        }
        profile = std::move(opened.value());
        createdProfile = creating;
        if (profile->settings().isEnrolled()) {
            crypto::cleanse(recoveryPass);
            return fail(u"profile %1 is already registered as %2#%3"_s.arg(profileDir, profile->settings().user)
                            .arg(profile->settings().device));
        }
        sdk::ProfileSettings settings = profile->settings();
        settings.server = url;
        settings.fingerprint = fingerprint;
        settings.caTrust = hasCa;
        settings.deviceName = deviceName;
        if (hasCa) {
            if (Status s = profile->setCaCertificates(caPem); !s) {
                crypto::cleanse(recoveryPass);
                return fail(s.error().message);
            }
        }
        if (Status s = profile->setSettings(settings); !s) {
            crypto::cleanse(recoveryPass);
            return fail(s.error().message);
        }

        makeClient();
        client->setReceiveEnabled(false);
        QObject::connect(client.get(), &sdk::Client::enrolled, q,
                         [this](const QString &name, quint32 device, bool newUser) {
                             registered = true;
                             writeLine(stdout, u"registered %1#%2 (%3)"_s.arg(name).arg(device)
                                                   .arg(newUser ? u"new user"_s : u"new device"_s));
                         });
        QObject::connect(client.get(), &sdk::Client::prekeysReady, q, [this](int) {
            if (registered)
                finish(ExitOk);
        });
        client->enroll(user, code, deviceName, recoveryPass);
        crypto::cleanse(recoveryPass);
    }

    void runSend(const QStringList &args)
    {
        const QString room = parser.value(u"room"_s);
        if ((room.isEmpty() && args.size() < 2) || (!room.isEmpty() && args.size() != 1))
            return fail(u"usage: parley send USER [USER...] TEXT | parley send --room ROOM TEXT"_s, ExitUsage);
        if (!room.isEmpty() && !protocol::isValidUserName(room))
            return fail(u"invalid room name \"%1\""_s.arg(room), ExitUsage);
        const std::optional<sdk::MessageOptions> options = messageOptions();
        if (!options)
            return;
        QStringList users = args.mid(0, args.size() - 1);
        for (const QString &u : std::as_const(users)) {
            if (!protocol::isValidUserName(u))
                return fail(u"invalid user name \"%1\""_s.arg(u), ExitUsage);
        }
        QString text = args.last();
        if (text == u"-"_s) {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly))
                return fail(u"cannot read standard input"_s);
            const QByteArray bytes = in.read(MaxStdinBytes + 1);
            if (bytes.size() > MaxStdinBytes)
                return fail(u"the message on standard input is too long"_s);
            text = QString::fromUtf8(bytes);
            if (text.endsWith(u'\n'))
                text.chop(1);
        }
        if (Result<QByteArray> plain = sdk::Envelope::encodePlaintext(text); !plain)
            return fail(plain.error().message);
        if (!openProfile())
            return;
        makeClient();
        client->setReceiveEnabled(false);
        if (!room.isEmpty()) {
            rooms = std::make_unique<sdk::Rooms>(*client);
            QObject::connect(rooms.get(), &sdk::Rooms::chainRejected, q, [](const QString &r, const QString &reason) {
                writeLine(stderr, u"parley: warning: the membership records of room %1 were rejected: %2"_s.arg(r, oneLine(reason)));
            });
        }
        QObject::connect(client.get(), &sdk::Client::loggedIn, q, [this, users, text, room, options] {
            if (room.isEmpty()) {
                QCborMap opts;
                if (options->expireSeconds > 0)
                    opts.insert(u"exp"_s, qint64(options->expireSeconds));
                if (options->burnOnRead)
                    opts.insert(u"burn"_s, true);
                client->send(users, text, opts, q, [this](const sdk::SendResult &result) {
                    if (const auto *failure = std::get_if<sdk::SendFailure>(&result))
                        return fail(u"message not sent: %1"_s.arg(failure->message));
                    sent = true;
                    writeLine(stdout, QString::fromLatin1(std::get<sdk::SendAccepted>(result).mid.toHex()));
                    maybeFinishSend();
                });
                return;
            }
            rooms->send(room, text, *options, q, [this](Result<QByteArray> mid) {
                if (!mid)
                    return fail(u"message not sent: %1"_s.arg(mid.error().message));
                sent = true;
                writeLine(stdout, QString::fromLatin1(mid->toHex()));
                maybeFinishSend();
            });
        });
        QObject::connect(client.get(), &sdk::Client::prekeysReady, q, [this](int) {
            prekeysSettled = true;
            maybeFinishSend();
        });
        client->connectToServer();
    }

    void maybeFinishSend()
    {
        // Let a prekey upload started at login finish, so the server does not run dry.
        if (sent && (prekeysSettled || !client->prekeyUploadPending()))
            finish(ExitOk);
    }

    void runPush(const QStringList &args)
    {
        auto frame = pushFrame(args, parser.value(u"topic"_s));
        if (!frame)
            return fail(frame.error().message, ExitUsage);
        if (!openProfile())
            return;
        makeClient();
        client->setReceiveEnabled(false);
        auto requestId = std::make_shared<quint64>(0);
        const bool removing = frame->type == u"push_remove"_s;
        QObject::connect(client.get(), &sdk::Client::loggedIn, q,
                         [this, f = *frame, requestId] { *requestId = client->sendFrame(f); });
        QObject::connect(client.get(), &sdk::Client::frameReceived, q,
                         [this, requestId, removing](const protocol::Frame &reply) {
                             if (*requestId == 0 || reply.id != *requestId)
                                 return;
                             if (reply.type == u"ok"_s) {
                                 writeLine(stdout, removing ? u"push token removed"_s : u"push token registered"_s);
                                 return finish(ExitOk);
                             }
                             if (reply.type == u"error"_s)
                                 fail(u"%1 (%2)"_s.arg(reply.text("msg"_L1), reply.text("code"_L1)));
                         });
        client->connectToServer();
    }

    void runReceive(const QStringList &args)
    {
        if (!args.isEmpty())
            return fail(u"usage: parley receive [--wait SECONDS] [--json]"_s, ExitUsage);
        json = parser.isSet(u"json"_s);
        if (parser.isSet(u"wait"_s)) {
            bool ok = false;
            waitSeconds = parser.value(u"wait"_s).toInt(&ok);
            if (!ok || waitSeconds < 0 || waitSeconds > 7 * 24 * 3600)
                return fail(u"--wait takes a number of seconds"_s, ExitUsage);
        }
        if (!openProfile())
            return;
        makeClient();
        QObject::connect(client.get(), &sdk::Client::messageReceived, q, [this](const sdk::IncomingMessage &m) {
            printMessage(m);
        });
        QObject::connect(client.get(), &sdk::Client::verificationFailed, q,
                         [](const QString &from, quint32 device, const QString &reason) {
                             writeLine(stderr, u"parley: warning: a message from %1#%2 failed verification: %3"_s
                                                   .arg(from).arg(device).arg(oneLine(reason)));
                         });
        QObject::connect(client.get(), &sdk::Client::identityChanged, q, [](const QString &user) {
            writeLine(stderr, u"parley: warning: the root key of %1 differs from the one pinned for %1; check it "
                              u"with them, then run `parley trust %1`"_s.arg(user));
        });
        QObject::connect(client.get(), &sdk::Client::synced, q, [this] {
            if (synced)
                return;
            synced = true;
            if (waitSeconds == 0)
                return finish(ExitOk);
            watchdog.stop();   // silence is normal from here on
            QTimer::singleShot(waitSeconds * 1000, q, [this] { finish(ExitOk); });
        });
        client->connectToServer();
    }

    void printMessage(const sdk::IncomingMessage &m)
    {
        if (json) {
            QJsonObject o;
            o.insert(u"from"_s, m.from);
            o.insert(u"device"_s, qint64(m.device));
            o.insert(u"sent_at"_s, m.sentAt.toUTC().toString(Qt::ISODateWithMs));
            o.insert(u"text"_s, m.text);
            o.insert(u"mid"_s, QString::fromLatin1(m.mid.toHex()));
            o.insert(u"seq"_s, qint64(m.seq));
            o.insert(u"verified"_s, m.verified);
            o.insert(u"to"_s, QJsonArray::fromStringList(m.to));
            if (!m.room.isEmpty())
                o.insert(u"room"_s, m.room);
            if (m.burnOnRead)
                o.insert(u"burn"_s, true);
            writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
            return;
        }
        const QString when = m.sentAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
        const QString where = m.room.isEmpty() ? QString() : u" in %1"_s.arg(m.room);
        writeLine(stdout, u"[%1] %2#%3%4%5: %6"_s.arg(when, m.from).arg(m.device)
                              .arg(where, m.verified ? QString() : u" (unverified)"_s, m.text));
    }

    int runWhoami(const QStringList &args)
    {
        if (!args.isEmpty()) {
            writeLine(stderr, u"parley: error: usage: parley whoami"_s);
            return ExitUsage;
        }
        Result<sdk::ProfileSettings> settings = sdk::Profile::readSettings(profileDir);
        if (!settings) {
            writeLine(stderr, u"parley: error: "_s + oneLine(settings.error().message));
            return ExitFailure;
        }
        const sdk::ProfileSettings &s = settings.value();
        if (!s.isEnrolled()) {
            writeLine(stderr, u"parley: error: profile %1 is not registered"_s.arg(profileDir));
            return ExitFailure;
        }
        writeLine(stdout, u"user: "_s + s.user);
        writeLine(stdout, u"device: "_s + QString::number(s.device));
        if (!s.deviceName.isEmpty())
            writeLine(stdout, u"device-name: "_s + s.deviceName);
        writeLine(stdout, u"server: "_s + s.server.toString());
        if (!s.fingerprint.isEmpty())
            writeLine(stdout, u"fingerprint: "_s + sdk::Profile::formatFingerprint(s.fingerprint));
        if (s.caTrust)
            writeLine(stdout, u"ca: "_s + QDir(profileDir).filePath(u"ca.pem"_s));
        writeLine(stdout, u"root-key: "_s
                              + sdk::Profile::formatFingerprint(QString::fromLatin1(crypto::sha256(s.rootPub).toHex())));
        return ExitOk;
    }

    // --expire / --burn-on-read; nothing (after fail()) when malformed.
    std::optional<sdk::MessageOptions> messageOptions()
    {
        sdk::MessageOptions options;
        if (parser.isSet(u"expire"_s)) {
            bool ok = false;
            options.expireSeconds = parser.value(u"expire"_s).toULongLong(&ok);
            if (!ok || options.expireSeconds < 1 || options.expireSeconds > (quint64(1) << 32)) {
                fail(u"--expire takes a number of seconds (1 to 4294967296)"_s, ExitUsage);
                return std::nullopt;
            }
        }
        options.burnOnRead = parser.isSet(u"burn-on-read"_s);
        return options;
    }

    void runRoom(const QStringList &args)
    {
        const QString sub = args.value(0);
        const QHash<QString, int> arity = {
            {u"create"_s, 2}, {u"add"_s, 3}, {u"remove"_s, 3}, {u"promote"_s, 3}, {u"demote"_s, 3},
            {u"leave"_s, 2},  {u"list"_s, 1}, {u"show"_s, 2},
        };
        if (!arity.contains(sub) || args.size() != arity.value(sub))
            return fail(u"usage: parley room create NAME [--title T] [--description D] [--expire SECONDS] "
                        u"[--burn-on-read] | room add|remove|promote|demote ROOM USER | room leave ROOM | room list | "
                        u"room show ROOM"_s, ExitUsage);
        for (const QString &name : args.mid(1)) {
            if (!protocol::isValidUserName(name))
                return fail(u"invalid name \"%1\""_s.arg(name), ExitUsage);
        }
        const bool policyOptions = parser.isSet(u"title"_s) || parser.isSet(u"description"_s)
            || parser.isSet(u"expire"_s) || parser.isSet(u"burn-on-read"_s);
        if (policyOptions && sub != u"create"_s)
            return fail(u"--title, --description, --expire and --burn-on-read apply to room create"_s, ExitUsage);
        if (parser.isSet(u"json"_s) && sub != u"list"_s && sub != u"show"_s)
            return fail(u"--json applies to room list and room show"_s, ExitUsage);
        const std::optional<sdk::MessageOptions> options = messageOptions();
        if (!options)
            return;
        json = parser.isSet(u"json"_s);
        if (!openProfile())
            return;
        makeClient();
        client->setReceiveEnabled(false);
        rooms = std::make_unique<sdk::Rooms>(*client);
        QObject::connect(rooms.get(), &sdk::Rooms::chainRejected, q, [](const QString &room, const QString &reason) {
            writeLine(stderr, u"parley: warning: the membership records of room %1 were rejected: %2"_s.arg(room, oneLine(reason)));
        });
        auto printState = [this](Result<protocol::RoomState> state) {
            if (!state)
                return fail(state.error().message);
            const protocol::RoomState &s = *state;
            if (json) {
                QJsonArray members;
                for (const QString &m : s.memberList()) {
                    QJsonObject o;
                    o.insert(u"user"_s, m);
                    o.insert(u"admin"_s, s.isAdmin(m));
                    members.append(o);
                }
                QJsonObject o;
                o.insert(u"room"_s, s.room);
                o.insert(u"seq"_s, qint64(s.nextSeq) - 1);
                o.insert(u"title"_s, s.policy.title);
                o.insert(u"description"_s, s.policy.description);
                o.insert(u"expire"_s, qint64(s.policy.expireSeconds));
                o.insert(u"burn"_s, s.policy.burnOnRead);
                const auto enforced = rooms->enforced(s.room).value_or(std::pair<quint64, bool>{0, false});
                o.insert(u"enforced_expire"_s, qint64(enforced.first));
                o.insert(u"enforced_burn"_s, enforced.second);
                o.insert(u"members"_s, members);
                writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
            } else {
                QStringList names;
                for (const QString &m : s.memberList())
                    names.append(s.isAdmin(m) ? m + u'*' : m);
                writeLine(stdout, u"room %1 (%2 members): %3"_s.arg(s.room).arg(names.size()).arg(names.join(u' ')));
            }
            finish(ExitOk);
        };
        const QString me = profile->settings().user;
        QObject::connect(client.get(), &sdk::Client::loggedIn, q, [this, args, sub, me, options, printState] {
            const QString room = args.value(1);
            if (sub == u"create"_s) {
                const std::optional<quint64> expire = parser.isSet(u"expire"_s) ? std::optional(options->expireSeconds) : std::nullopt;
                const std::optional<bool> burn = parser.isSet(u"burn-on-read"_s) ? std::optional(true) : std::nullopt;
                return rooms->create(room, parser.value(u"title"_s), parser.value(u"description"_s), expire, burn, q, printState);
            }
            if (sub == u"show"_s)
                return rooms->fetch(room, q, printState);
            if (sub == u"list"_s) {
                return rooms->list(q, [this](Result<sdk::RoomList> list) {
                    if (!list)
                        return fail(list.error().message);
                    for (const sdk::RoomListEntry &e : std::as_const(list->rooms)) {
                        if (json) {
                            QJsonObject o;
                            o.insert(u"room"_s, e.room);
                            o.insert(u"title"_s, e.title);
                            o.insert(u"description"_s, e.description);
                            o.insert(u"members"_s, e.members);
                            o.insert(u"admin"_s, e.admin);
                            o.insert(u"enforced_expire"_s, qint64(e.enforcedExpireSeconds));
                            o.insert(u"enforced_burn"_s, e.enforcedBurn);
                            writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
                        } else {
                            // The server's retention override, when there is one.
                            QStringList rule;
                            if (e.enforcedExpireSeconds > 0)
                                rule << u"messages live at most %1 s"_s.arg(e.enforcedExpireSeconds);
                            if (e.enforcedBurn)
                                rule << u"burn-on-read"_s;
                            writeLine(stdout, u"%1%2 (%3 members)%4%5"_s.arg(e.room, e.admin ? u"*"_s : QString())
                                                  .arg(e.members)
                                                  .arg(e.title.isEmpty() ? QString() : u": "_s + e.title,
                                                       rule.isEmpty() ? QString() : u" [server: %1]"_s.arg(rule.join(u", "_s))));
                        }
                    }
                    finish(ExitOk);
                });
            }
            const QHash<QString, protocol::RoomOp> ops = {
                {u"add"_s, protocol::RoomOp::Add},         {u"remove"_s, protocol::RoomOp::Remove},
                {u"promote"_s, protocol::RoomOp::Promote}, {u"demote"_s, protocol::RoomOp::Demote},
                {u"leave"_s, protocol::RoomOp::Leave},
            };
            const QString target = sub == u"leave"_s ? me : args.value(2);
            rooms->change(room, ops.value(sub), target, q, printState);
        });
        client->connectToServer();
    }

    void runTrust(const QStringList &args)
    {
        if (args.size() != 1 || !protocol::isValidUserName(args.first()))
            return fail(u"usage: parley trust USER"_s, ExitUsage);
        if (!openProfile())
            return;
        const QString user = args.first();
        if (!profile->trust().forget(user)) {
            writeLine(stdout, u"no root key is pinned for %1"_s.arg(user));
            return finish(ExitOk);
        }
        if (Status s = profile->saveTrust(); !s)
            return fail(s.error().message);
        profile->prekeyCache().removeUser(user);
        if (Status s = profile->savePrekeyCache(); !s)
            return fail(s.error().message);
        writeLine(stdout, u"forgot the pinned root key of %1; the next one seen will be pinned"_s.arg(user));
        finish(ExitOk);
    }
};

Cli::Cli(QObject *parent) : QObject(parent), d(std::make_unique<Private>(this)) {}
Cli::~Cli() = default;

std::optional<int> Cli::start(const QStringList &arguments)
{
    QCommandLineParser &p = d->parser;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addOptions({
        {u"profile"_s, u"Profile directory."_s, u"DIR"_s},
        {u"passphrase-file"_s, u"Read the passphrase from the first line of FILE."_s, u"FILE"_s},
        {u"timeout"_s, u"Give up after SECONDS without progress (default 60)."_s, u"SECONDS"_s},
        {u"fingerprint"_s, u"register: SHA-256 fingerprint of the server certificate."_s, u"HEX"_s},
        {u"ca"_s, u"register: CA certificate(s) (PEM) to verify the server with."_s, u"FILE"_s},
        {u"device-name"_s, u"register: a name for this device."_s, u"NAME"_s},
        {u"recovery-passphrase-file"_s, u"register: passphrase of the recovery bundle, if it differs."_s, u"FILE"_s},
        {u"wait"_s, u"receive: keep receiving SECONDS after the backlog."_s, u"SECONDS"_s},
        {u"json"_s, u"receive: one JSON object per message and line."_s},
        {u"room"_s, u"send: send to this room."_s, u"ROOM"_s},
        {u"expire"_s, u"send, room create: message lifetime in seconds."_s, u"SECONDS"_s},
        {u"burn-on-read"_s, u"send, room create: delete messages once every recipient device read them."_s},
        {u"title"_s, u"room create: the room's title."_s, u"T"_s},
        {u"description"_s, u"room create: the room's description."_s, u"D"_s},
        {u"topic"_s, u"push register apns: the APNs topic (the app's bundle id)."_s, u"TOPIC"_s},
        {u"verbose"_s, u"Log progress to standard error."_s},
        {{u"h"_s, u"help"_s}, u"Show this help."_s},
        {u"version"_s, u"Show the version."_s},
    });
    p.addPositionalArgument(u"command"_s, u"register, send, receive, whoami or trust"_s);
    if (!p.parse(arguments)) {
        writeLine(stderr, u"parley: error: "_s + p.errorText() + u" (see parley --help)"_s);
        return ExitUsage;
    }
    if (p.isSet(u"version"_s)) {
        writeLine(stdout, QStringLiteral(PARLEY_VERSION_STRING));
        return ExitOk;
    }
    if (p.isSet(u"help"_s)) {
        writeLine(stdout, Usage);
        return ExitOk;
    }
    // Logs are for --verbose (or QT_LOGGING_RULES); without it the one-line messages below say what went wrong.
    if (!p.isSet(u"verbose"_s) && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"parley.*.debug=false\nparley.*.info=false\nparley.*.warning=false"_s);

    QStringList args = p.positionalArguments();
    if (args.isEmpty()) {
        writeLine(stderr, u"parley: error: no command given (see parley --help)"_s);
        return ExitUsage;
    }
    const QString command = args.takeFirst();

    const QHash<QString, QStringList> commandOptions = {
        {u"register"_s, {u"fingerprint"_s, u"ca"_s, u"device-name"_s, u"recovery-passphrase-file"_s}},
        {u"send"_s, {u"room"_s, u"expire"_s, u"burn-on-read"_s}},
        {u"room"_s, {u"title"_s, u"description"_s, u"expire"_s, u"burn-on-read"_s, u"json"_s}},
        {u"receive"_s, {u"wait"_s, u"json"_s}},
        {u"whoami"_s, {}},
        {u"trust"_s, {}},
        {u"push"_s, {u"topic"_s}},
    };
    if (!commandOptions.contains(command)) {
        writeLine(stderr, u"parley: error: unknown command \"%1\" (see parley --help)"_s.arg(command));
        return ExitUsage;
    }
    for (const QString &option : {u"fingerprint"_s, u"ca"_s, u"device-name"_s, u"recovery-passphrase-file"_s,
                                  u"wait"_s, u"json"_s, u"topic"_s, u"room"_s, u"expire"_s, u"burn-on-read"_s,
                                  u"title"_s, u"description"_s}) {
        if (p.isSet(option) && !commandOptions.value(command).contains(option)) {
            writeLine(stderr, u"parley: error: --%1 does not apply to %2"_s.arg(option, command));
            return ExitUsage;
        }
    }
    d->profileDir = p.isSet(u"profile"_s) ? p.value(u"profile"_s)
                                          : QDir::homePath() + u"/.local/share/parley/default"_s;
    d->passphraseFile = p.value(u"passphrase-file"_s);
    if (p.isSet(u"timeout"_s)) {
        bool ok = false;
        d->timeoutSeconds = p.value(u"timeout"_s).toInt(&ok);
        if (!ok || d->timeoutSeconds < 1 || d->timeoutSeconds > 24 * 3600) {
            writeLine(stderr, u"parley: error: --timeout takes a number of seconds (1 to 86400)"_s);
            return ExitUsage;
        }
    }

    if (command == u"whoami"_s)
        return d->runWhoami(args);
    qCDebug(lcCli).noquote() << "command" << command;
    if (command == u"register"_s)
        d->runRegister(args);
    else if (command == u"send"_s)
        d->runSend(args);
    else if (command == u"receive"_s)
        d->runReceive(args);
    else if (command == u"room"_s)
        d->runRoom(args);
    else if (command == u"push"_s)
        d->runPush(args);
    else
        d->runTrust(args);
    return std::nullopt;
}

} // namespace parley::cli
