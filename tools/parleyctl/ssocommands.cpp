// `parleyctl sso ...`: single sign-on for enrollment (sso.show, sso.set, sso.clear, sso.test).

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace {

const SettingsCall SetCall{u"sso.set"_s, u"client_secret"_s, u"client secret"_s,
                           u"sso set issuer=URL client_id=ID [KEY=VALUE ...] [--secret-file FILE|-] (keys: the "
                           "arguments of sso.set in docs/admin-api.md; ca_certificate=FILE, or ca_certificate= for none)"_s};

} // namespace

bool ssoCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    return settingsGroupCommand(inv, a, SetCall, {u"show"_s, u"clear"_s, u"test"_s});
}

} // namespace parley::ctl
