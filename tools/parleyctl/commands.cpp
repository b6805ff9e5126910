#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

const QList<CommandGroup> &commandGroups()
{
    static const QList<CommandGroup> groups{
        {"login"_L1, loginCommand},
        {"passwd"_L1, passwdCommand},
        {"logout"_L1, logoutCommand},
        {"status"_L1, statusCommand},
        {"user"_L1, userCommands},
        {"bot"_L1, botCommands},
        {"cert"_L1, certCommands},
        {"log"_L1, logCommands},
        {"proxy"_L1, proxyCommands},
        {"push"_L1, pushCommands},
        {"turn"_L1, turnCommands},
        {"admin"_L1, adminCommands},
        {"audit"_L1, auditCommands},
        {"rooms"_L1, roomCommands},
        {"files"_L1, fileCommands},
        {"directory"_L1, directoryCommands},
        {"sso"_L1, ssoCommands},
    };
    return groups;
}

} // namespace parley::ctl
