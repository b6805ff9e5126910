#pragma once

// One run of parleyctl: the parsed command line, the remembered session, the admin API client, and the way to
// finish: every path ends in exactly one finish(code), which leaves the application's event loop with that code.

#include "admin/adminapiclient.h"
#include "options.h"
#include "output.h"
#include "session.h"

#include <QCborMap>
#include <QCommandLineParser>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace parley::ctl {

class Invocation {
public:
    using Print = std::function<void(const QCborMap &)>;
    // The exit code of a successful reply; without one, ExitOk.
    using ExitRule = std::function<int(const QCborMap &)>;

    Invocation();
    ~Invocation();

    QCommandLineParser parser;
    const Options options;
    Session session;
    QString outFile;    // a FILE argument of `user export` / `audit export`

    bool isSet(const QCommandLineOption &option) const { return parser.isSet(option); }
    QString value(const QCommandLineOption &option) const { return parser.value(option); }

    // run(), fail() and usage() return true: a command group's handler returns it to say the arguments were its.

    // Runs `call` with the stored session, prints the result (with `print`, or as text or JSON) and finishes with
    // the exit code `exitRule` gives the result (ExitOk without one).
    bool run(const QString &call, const QCborMap &args, Print print = {}, ExitRule exitRule = {});
    // Connects to `server` pinned to `fingerprint` with the client certificate of the command line or the session,
    // then runs `then`; finishes with the right exit code when that fails.
    void connect(const QString &server, const QString &fingerprint, std::function<void()> then);
    // Sends `call` over the connection made by connect(); `done` gets the reply.
    void call(const QString &call, const QCborMap &args, std::function<void(const AdminReply &)> done);
    // Prints the reply (error or result) and finishes with its exit code.
    void finishWith(const AdminReply &reply, const Print &print, const ExitRule &exitRule = {});

    // Ends the run: leaves the event loop with `code` (once; later calls are ignored).
    void finish(int code);
    bool fail(int code, const QString &message)
    {
        finish(printError(code, message));
        return true;
    }
    bool usage(const QString &message) { return fail(ExitUsage, message + QStringLiteral(" (see parleyctl --help)")); }

    // Empty when `args` fits `call` (protocol/adminprotocol.h); otherwise the problem.
    static QString validate(const QString &call, const QCborMap &args);
    static std::optional<qint64> number(const QString &text);

    // A password from --password-file style option, else the environment, else the terminal.
    std::optional<QString> password(const QCommandLineOption &fileOption, const char *env, const QString &prompt) const;
    // A new password: --new-password-file, PARLEYCTL_NEW_PASSWORD, or typed twice on the terminal.
    std::optional<QString> newPassword() const;

    // Writes `text` to outFile or --out, else standard output.
    int writeOutput(const QString &text);
    Print printKey(const QString &key);

    AdminApiClient &client() { return m_client; }

private:
    int timeoutMs() const;
    QString clientCertFile() const;
    QString clientKeyFile() const;

    AdminApiClient m_client;
    QObject m_context;     // guards the client's callbacks
    bool m_finished = false;
};

} // namespace parley::ctl
