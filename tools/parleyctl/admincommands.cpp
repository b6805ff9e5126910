// `parleyctl admin ...`: administrator accounts and their TOTP.

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool adminCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if (verb == u"list"_s && need(2))
        return inv.run(u"admin.list"_s, {});
    if (verb == u"delete"_s && need(3))
        return inv.run(u"admin.delete"_s, QCborMap{{u"name"_s, a.at(2)}});
    if ((verb == u"add"_s || verb == u"passwd"_s) && need(3)) {
        auto pw = inv.newPassword();
        if (!pw)
            return inv.fail(ExitUsage, u"no password: use --new-password-file, PARLEYCTL_NEW_PASSWORD or a terminal"_s);
        return inv.run(verb == u"add"_s ? u"admin.create"_s : u"admin.set_password"_s,
                   QCborMap{{u"name"_s, a.at(2)}, {u"password"_s, *pw}});
    }
    if (verb == u"totp"_s && a.value(2) == u"enable"_s && need(3)) {
        if (inv.isSet(o.code))
            return inv.run(u"totp.enable"_s, QCborMap{{u"code"_s, inv.value(o.code)}},
                       [](const QCborMap &) { printOut(u"TOTP is on"_s); });
        return inv.run(u"totp.setup"_s, {}, [](const QCborMap &r) {
            printOut(u"secret: %1\nuri: %2\nAdd it to an authenticator app, then confirm: parleyctl admin totp enable --code CODE"_s
                         .arg(r.value("secret"_L1).toString(), r.value("uri"_L1).toString()));
        });
    }
    if (verb == u"totp"_s && a.value(2) == u"disable"_s && a.size() <= 4) {
        QCborMap t;
        if (a.size() == 4)
            t.insert(u"name"_s, a.at(3));
        return inv.run(u"totp.disable"_s, t);
    }
    return false;
}

} // namespace parley::ctl
