#pragma once

// parleyctl's commands: one handler per command group (`parleyctl GROUP [VERB] ARGS...`), each in a file of its own.
// A handler starts the command and returns true, or returns false when the arguments are none of its commands.

#include "invocation.h"

#include <QCborMap>
#include <QLatin1StringView>
#include <QList>
#include <QStringList>

namespace parley::ctl {

// `a` is the whole positional command line (a[0] the group); `common` holds the options every call that takes them
// gets (valid_hours).
using CommandHandler = bool (*)(Invocation &inv, const QStringList &a, QCborMap common);

struct CommandGroup {
    QLatin1StringView name;
    CommandHandler run;
};

// The command table, in the order of `parleyctl --help`.
const QList<CommandGroup> &commandGroups();

bool loginCommand(Invocation &inv, const QStringList &a, QCborMap common);
bool passwdCommand(Invocation &inv, const QStringList &a, QCborMap common);
bool logoutCommand(Invocation &inv, const QStringList &a, QCborMap common);
bool statusCommand(Invocation &inv, const QStringList &a, QCborMap common);
bool userCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool botCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool certCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool logCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool proxyCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool pushCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool turnCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool adminCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool auditCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool roomCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool fileCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool directoryCommands(Invocation &inv, const QStringList &a, QCborMap common);
bool ssoCommands(Invocation &inv, const QStringList &a, QCborMap common);

// A call that replaces a group of managed settings, as `GROUP set KEY=VALUE ... [--secret-file FILE|-]` takes it.
struct SettingsCall {
    QString name;          // directory.set, sso.set
    QString secretKey;     // the argument --secret-file fills, which the command line may not carry
    QString secretWhat;    // what that secret is, for the refusal
    QString usage;
};
// Each KEY an argument of the call, typed by the call table; ca_certificate=FILE is read from the file; the secret
// comes from --secret-file alone.
bool settingsSetCommand(Invocation &inv, const QStringList &a, const SettingsCall &call);
// `GROUP set ...` as above, or `GROUP VERB` for a call GROUP.VERB without arguments, VERB one of `verbs`.
bool settingsGroupCommand(Invocation &inv, const QStringList &a, const SettingsCall &set, const QStringList &verbs);

} // namespace parley::ctl
