#include "cli.h"

#include "command.h"
#include "output.h"
#include "pushcommand.h"
#include "receivecommand.h"
#include "registercommand.h"
#include "roomcommand.h"
#include "sendcommand.h"
#include "session.h"
#include "trustcommand.h"
#include "turncommand.h"
#include "verifycommand.h"
#include "whoamicommand.h"

#include <QCommandLineParser>
#include <QDir>
#include <QLoggingCategory>

#include <algorithm>
#include <functional>
#include <variant>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCli, "parley.cli")

namespace parley::cli {

namespace {

constexpr int DefaultTimeoutSeconds = 60;

const QString Usage = uR"(Usage: parley [--profile DIR] [--passphrase-file FILE] [--timeout SECONDS] [--verbose] COMMAND ...

Commands:
  register wss://HOST:PORT USER CODE (--fingerprint HEX | --ca FILE) [--device-name NAME]
                                 [--recovery-passphrase-file FILE]
      Enroll this profile's device with an enrollment code. A new user gets a root key and a recovery bundle;
      for an existing user the root key is recovered with the passphrase of the user's first device. HEX: the
      certificate's SHA-256 fingerprint as `parleyd fingerprint` prints it (colon-separated pairs work too).
  send USER [USER...] TEXT [--expire SECONDS] [--burn-on-read]
  send USER [USER...] --file PATH [--file PATH...] [TEXT] [--expire SECONDS] [--burn-on-read]
  send --room ROOM [--file PATH...] TEXT [--expire SECONDS] [--burn-on-read]
                                 Send TEXT ("-": read it from standard input); prints the message id. --expire
                                 sets the message's lifetime; --burn-on-read deletes it once every device read it.
                                 --file attaches a file (up to 16), encrypted before it leaves; an upload cut off
                                 resumes where it stopped when the same command runs again.
  room create NAME [--title T] [--description D] [--expire SECONDS] [--burn-on-read]
  room add ROOM USER | room remove ROOM USER | room promote ROOM USER | room demote ROOM USER
  room leave ROOM | room list [--json] | room show ROOM [--json]
                                 Manage rooms; every membership change is signed by this device. `show` verifies
                                 the room's membership records and prints its members (admins marked with *) and
                                 the verified head, which the profile keeps: a shorter or other chain is refused.
                                 `list` shows a retention rule the server's administrator enforces.
  receive [--wait SECONDS] [--until-idle SECONDS] [--json] [--save-dir DIR]
                                 Print the waiting messages, then keep receiving: for --wait SECONDS (default 0),
                                 or until --until-idle SECONDS pass without a message, whichever ends first.
                                 Attachments are saved to DIR (default: the profile's attachments directory),
                                 checked and decrypted; a message is acknowledged only after its files are saved.
  whoami                         Show user, device, server and pinned fingerprint of the profile.
  trust USER                     Forget the pinned root key of USER, so the next one seen is pinned. Messages
                                 USER's old devices sent before the change stay readable for 30 days, marked
                                 "from a previous key of USER"; nothing is sent to the old key.
  verify USER                    Print the safety code of you and USER (from USER's pinned root key); read it
                                 to each other: the same code on both sides means no root key was substituted.
  push register apns TOKEN [--topic TOPIC] | push register fcm TOKEN |
  push register webpush ENDPOINT P256DH AUTH
                                 Register (or replace) this device's push token; P256DH and AUTH in base64url.
  push remove                    Remove this device's push token.
  turn [--json]                  Get TURN credentials for a call: the relay's URIs, a user name and password
                                 (for a WebRTC client or turnutils_uclient -u USER -w PASSWORD), their expiry.

Put -- before a TEXT that starts with '-'.
The passphrase comes from --passphrase-file, else $PARLEY_PASSPHRASE, else a prompt on the terminal.
Default profile: ~/.local/share/parley/default)"_s;

struct CommandEntry {
    QString name;
    QStringList options;                 // the command options it takes
    std::function<std::unique_ptr<Command>(Session &)> make;
};

template<typename T>
std::unique_ptr<Command> make(Session &session)
{
    return std::make_unique<T>(session);
}

// The commands and the options each takes.
const QList<CommandEntry> &commandTable()
{
    static const QList<CommandEntry> table = {
        {u"register"_s, {u"fingerprint"_s, u"ca"_s, u"device-name"_s, u"recovery-passphrase-file"_s},
         make<RegisterCommand>},
        {u"send"_s, {u"room"_s, u"expire"_s, u"burn-on-read"_s, u"file"_s}, make<SendCommand>},
        {u"room"_s, {u"title"_s, u"description"_s, u"expire"_s, u"burn-on-read"_s, u"json"_s}, make<RoomCommand>},
        {u"receive"_s, {u"wait"_s, u"until-idle"_s, u"json"_s, u"save-dir"_s}, make<ReceiveCommand>},
        {u"whoami"_s, {}, make<WhoamiCommand>},
        {u"trust"_s, {}, make<TrustCommand>},
        {u"verify"_s, {}, make<VerifyCommand>},
        {u"push"_s, {u"topic"_s}, make<PushCommand>},
        {u"turn"_s, {u"json"_s}, make<TurnCommand>},
    };
    return table;
}

// Options that belong to some commands only, in the order they are checked.
const QStringList CommandOptions = {u"fingerprint"_s, u"ca"_s,    u"device-name"_s, u"recovery-passphrase-file"_s,
                                    u"wait"_s,        u"until-idle"_s, u"json"_s, u"topic"_s, u"room"_s,
                                    u"expire"_s,      u"burn-on-read"_s, u"title"_s, u"description"_s,
                                    u"file"_s,        u"save-dir"_s};

void addOptions(QCommandLineParser &p)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addOptions({
        {u"profile"_s, u"Profile directory."_s, u"DIR"_s},
        {u"passphrase-file"_s, u"Read the passphrase from the first line of FILE."_s, u"FILE"_s},
        {u"timeout"_s, u"Give up after SECONDS without progress (default 60)."_s, u"SECONDS"_s},
        {u"fingerprint"_s,
         u"register: SHA-256 fingerprint of the server certificate: 64 hex digits as parleyd prints it, or "
         u"colon-separated pairs."_s,
         u"HEX"_s},
        {u"ca"_s, u"register: CA certificate(s) (PEM) to verify the server with."_s, u"FILE"_s},
        {u"device-name"_s, u"register: a name for this device."_s, u"NAME"_s},
        {u"recovery-passphrase-file"_s, u"register: passphrase of the recovery bundle, if it differs."_s, u"FILE"_s},
        {u"wait"_s, u"receive: keep receiving for SECONDS after the backlog (the whole time, unless --until-idle)."_s,
         u"SECONDS"_s},
        {u"until-idle"_s,
         u"receive: stop SECONDS after the last message or the backlog; with --wait, at most that long."_s,
         u"SECONDS"_s},
        {u"json"_s, u"receive: one JSON object per message and line; room list/show, turn: JSON."_s},
        {u"room"_s, u"send: send to this room."_s, u"ROOM"_s},
        {u"file"_s, u"send: attach this file (repeat for more)."_s, u"PATH"_s},
        {u"save-dir"_s, u"receive: save attachments in DIR."_s, u"DIR"_s},
        {u"expire"_s, u"send, room create: message lifetime in seconds."_s, u"SECONDS"_s},
        {u"burn-on-read"_s, u"send, room create: delete messages once every recipient device read them."_s},
        {u"title"_s, u"room create: the room's title."_s, u"T"_s},
        {u"description"_s, u"room create: the room's description."_s, u"D"_s},
        {u"topic"_s, u"push register apns: the APNs topic (the app's bundle id)."_s, u"TOPIC"_s},
        {u"verbose"_s, u"Log progress to standard error."_s},
        {{u"h"_s, u"help"_s}, u"Show this help."_s},
        {u"version"_s, u"Show the version."_s},
    });
    p.addPositionalArgument(u"command"_s, u"register, send, receive, room, whoami, trust, verify, push or turn"_s);
}

int usageError(const QString &message)
{
    writeLine(stderr, u"parley: error: "_s + message);
    return ExitUsage;
}

} // namespace

class Cli::Private {
public:
    QCommandLineParser parser;
    std::unique_ptr<Session> session;
    std::unique_ptr<Command> command;

    // The command named by the arguments, checked against the options given; an exit status when there is none.
    std::variant<const CommandEntry *, int> pickCommand(QStringList &args) const
    {
        if (args.isEmpty())
            return usageError(u"no command given (see parley --help)"_s);
        const QString name = args.takeFirst();
        const QList<CommandEntry> &table = commandTable();
        const auto entry = std::find_if(table.cbegin(), table.cend(),
                                        [&name](const CommandEntry &e) { return e.name == name; });
        if (entry == table.cend())
            return usageError(u"unknown command \"%1\" (see parley --help)"_s.arg(name));
        for (const QString &option : CommandOptions) {
            if (parser.isSet(option) && !entry->options.contains(option))
                return usageError(u"--%1 does not apply to %2"_s.arg(option, name));
        }
        return &*entry;
    }

    // --timeout; nothing when malformed.
    std::optional<int> timeoutSeconds() const
    {
        if (!parser.isSet(u"timeout"_s))
            return DefaultTimeoutSeconds;
        bool ok = false;
        const int seconds = parser.value(u"timeout"_s).toInt(&ok);
        if (!ok || seconds < 1 || seconds > 24 * 3600)
            return std::nullopt;
        return seconds;
    }
};

Cli::Cli(QObject *parent) : QObject(parent), d(std::make_unique<Private>()) {}
Cli::~Cli() = default;

std::optional<int> Cli::start(const QStringList &arguments)
{
    QCommandLineParser &p = d->parser;
    addOptions(p);
    if (!p.parse(arguments))
        return usageError(p.errorText() + u" (see parley --help)"_s);
    if (p.isSet(u"version"_s)) {
        writeLine(stdout, QStringLiteral(PARLEY_VERSION_STRING));
        return ExitOk;
    }
    if (p.isSet(u"help"_s)) {
        writeLine(stdout, Usage);
        return ExitOk;
    }
    // Logs are for --verbose (or QT_LOGGING_RULES); without it the one-line messages say what went wrong.
    if (!p.isSet(u"verbose"_s) && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"parley.*.debug=false\nparley.*.info=false\nparley.*.warning=false"_s);

    QStringList args = p.positionalArguments();
    const std::variant<const CommandEntry *, int> picked = d->pickCommand(args);
    if (const int *status = std::get_if<int>(&picked))
        return *status;
    const CommandEntry &entry = *std::get<const CommandEntry *>(picked);
    const QString profileDir = p.isSet(u"profile"_s) ? p.value(u"profile"_s)
                                                     : QDir::homePath() + u"/.local/share/parley/default"_s;
    const std::optional<int> timeout = d->timeoutSeconds();
    if (!timeout)
        return usageError(u"--timeout takes a number of seconds (1 to 86400)"_s);

    d->session = std::make_unique<Session>(p, profileDir, p.value(u"passphrase-file"_s), *timeout);
    connect(d->session.get(), &Session::finished, this, &Cli::finished);
    d->command = entry.make(*d->session);
    if (entry.name != u"whoami"_s)
        qCDebug(lcCli).noquote() << "command" << entry.name;
    return d->command->start(args);
}

} // namespace parley::cli
