// parleyctl: the scriptable command-line client of the admin API (docs/admin-api.md).
//
//   parleyctl --server HOST:PORT --fingerprint HEX login NAME [--password-file F] [--totp CODE]
//   parleyctl passwd | logout | status
//   parleyctl user add|code|list|show|devices|revoke|suspend|resume|delete|sign-out|import|export ...
//   parleyctl bot create NAME --scope any|user:NAME|room:NAME ... [--description T] [--expires TIME] [--rate N]
//                 [--burst N] [--valid-hours N] | bot list [SEARCH] | bot update NAME [...] | bot revoke NAME
//   parleyctl cert show|install|csr|reload ...
//   parleyctl log level CAT LEVEL | log levels | log show [--grep X] | log retention [DAYS]
//   parleyctl proxy set TYPE [HOST PORT] [--user U] | proxy show | proxy test HOST PORT
//   parleyctl push show | push apns --key FILE --key-id ID --team-id ID [--topic T] [--endpoint URL]
//   parleyctl push fcm --service-account FILE [--endpoint URL] [--token-endpoint URL]
//   parleyctl push webpush --subject URI [--key FILE | generate] | push clear PROVIDER
//   parleyctl turn show | turn set --uri URI [--uri URI ...] [--ttl S] [--secret-file FILE|-] | turn clear
//   parleyctl admin list|add|delete|passwd NAME | admin totp enable [--code C] | admin totp disable [NAME]
//   parleyctl audit show [--actor A] [--action X] | audit export [FILE]
//   parleyctl rooms list [SEARCH] | rooms show ROOM | rooms delete ROOM | rooms defaults [KEY=VALUE ...]
//   parleyctl rooms policy ROOM [--expire S] [--burn on|off]
//   parleyctl files show | files usage [USER] | files set [max_file=BYTES] [user_quota=BYTES]
//   parleyctl directory show | users | clear | sync [--dry-run] | set KEY=VALUE ... [--secret-file FILE|-]
//   parleyctl sso show | test | clear | set issuer=URL client_id=ID [KEY=VALUE ...] [--secret-file FILE|-]
//
// Exit codes: 0 success, 1 other failure (network, server error), 2 usage or invalid argument, 3 authentication
// (not logged in, wrong credentials, locked out, password change required, forbidden), 4 not found, 5 conflict.
//
// The command groups are in commands.h; every command ends in Invocation::finish(), which leaves app.exec().

#include "commands.h"

#include <QCoreApplication>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace parley::ctl;

namespace {

// Starts the command named by the positional arguments; false for none.
bool dispatch(Invocation &inv, const QStringList &a)
{
    QCborMap common;
    if (inv.isSet(inv.options.validHours)) {
        auto n = Invocation::number(inv.value(inv.options.validHours));
        if (!n)
            return inv.usage(u"--valid-hours: a whole number"_s);
        common.insert(u"valid_hours"_s, *n);
    }
    for (const CommandGroup &group : commandGroups()) {
        if (a.first() == group.name)
            return group.run(inv, a, common);
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"parleyctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));
    Invocation inv;
    inv.parser.setApplicationDescription(u"Command-line client of the Parley admin API"_s);
    inv.parser.addHelpOption();
    inv.parser.addVersionOption();
    inv.parser.addOptions(inv.options.all());
    inv.parser.addPositionalArgument(u"command"_s,
                                     u"login NAME | passwd | logout | status | user ... | bot ... | cert ... | log ... | proxy ... | push ... | turn ... | "
                                     u"admin ... | audit ... | rooms ... | files ... | directory ... | sso ..."_s);
    if (!inv.parser.parse(QCoreApplication::arguments()))
        return printError(ExitUsage, inv.parser.errorText());
    if (inv.parser.isSet(u"help"_s)) {
        printOut(inv.parser.helpText());
        return ExitOk;
    }
    if (inv.parser.isSet(u"version"_s)) {
        printOut(QStringLiteral(PARLEY_VERSION_STRING));
        return ExitOk;
    }
    const QStringList args = inv.parser.positionalArguments();
    if (args.isEmpty())
        return printError(ExitUsage, u"no command (see parleyctl --help)"_s);
    // Started from the event loop, so that a command that finishes at once leaves it too.
    QTimer::singleShot(0, &app, [&inv, args] {
        if (!dispatch(inv, args))
            inv.usage(u"unknown command or wrong arguments: %1"_s.arg(args.join(u' ')));
    });
    return app.exec();
}
