// `parleyctl rooms ...`: rooms, their retention override and the room defaults.

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool roomCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if (verb == u"list"_s && a.size() <= 3) {
        QCborMap l;
        if (a.size() == 3)
            l.insert(u"search"_s, a.at(2));
        return inv.run(u"rooms.list"_s, l);
    }
    if ((verb == u"show"_s || verb == u"delete"_s) && need(3))
        return inv.run(u"rooms."_s + verb, QCborMap{{u"room"_s, a.at(2)}});
    if (verb == u"policy"_s && need(3)) {
        // rooms policy ROOM [--expire S] [--burn on|off]: the administrator's retention override
        QCborMap p{{u"room"_s, a.at(2)}};
        if (inv.isSet(o.expire)) {
            auto n = Invocation::number(inv.value(o.expire));
            if (!n)
                return inv.usage(u"--expire: a whole number of seconds (0 lifts the override)"_s);
            p.insert(u"expire_seconds"_s, *n);
        }
        if (inv.isSet(o.burn)) {
            const QString value = inv.value(o.burn);
            if (value != u"on"_s && value != u"off"_s)
                return inv.usage(u"--burn on|off"_s);
            p.insert(u"burn_on_read"_s, value == u"on"_s);
        }
        if (p.size() == 1)
            return inv.usage(u"rooms policy ROOM [--expire S] [--burn on|off]: give at least one"_s);
        return inv.run(u"rooms.policy"_s, p);
    }
    if (verb == u"defaults"_s) {
        // rooms defaults [max_members=N] [max_expire_seconds=S] [default_expire_seconds=S] [default_burn=yes|no]
        QCborMap d;
        for (qsizetype i = 2; i < a.size(); ++i) {
            const QString key = a.at(i).section(u'=', 0, 0);
            const QString value = a.at(i).section(u'=', 1);
            if (key == u"default_burn"_s) {
                if (value != u"yes"_s && value != u"no"_s)
                    return inv.usage(u"default_burn=yes|no"_s);
                d.insert(key, value == u"yes"_s);
            } else {
                auto n = Invocation::number(value);
                if (!n || !a.at(i).contains(u'='))
                    return inv.usage(u"rooms defaults KEY=NUMBER ..."_s);
                d.insert(key, *n);
            }
        }
        return inv.run(u"rooms.defaults"_s, d);
    }
    return false;
}

} // namespace parley::ctl
