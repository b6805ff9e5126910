// `parleyctl directory ...`: the directory (LDAP, Active Directory) users are synced from.

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace {

const SettingsCall SetCall{u"directory.set"_s, u"password"_s, u"bind password"_s,
                           u"directory set url=URL ca_certificate=FILE base_dn=DN [KEY=VALUE ...] [--secret-file FILE|-] "
                           "(keys: the arguments of directory.set in docs/admin-api.md)"_s};

} // namespace

bool directoryCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    if (a.value(1) == u"sync"_s && a.size() == 2) {
        QCborMap args;
        if (inv.isSet(inv.options.dryRun))
            args.insert(u"dry_run"_s, true);
        return inv.run(u"directory.sync"_s, args);
    }
    return settingsGroupCommand(inv, a, SetCall, {u"show"_s, u"clear"_s, u"users"_s});
}

} // namespace parley::ctl
