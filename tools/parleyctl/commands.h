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

} // namespace parley::ctl
