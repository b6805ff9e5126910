// `parleyctl proxy ...`: the outgoing proxy.

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool proxyCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if (verb == u"show"_s && need(2))
        return inv.run(u"proxy.show"_s, {});
    if (verb == u"set"_s && (need(3) || need(5))) {
        QCborMap p{{u"type"_s, a.at(2)}};
        if (need(5)) {
            auto port = Invocation::number(a.at(4));
            if (!port)
                return inv.usage(u"proxy set TYPE HOST PORT: PORT is a number"_s);
            p.insert(u"host"_s, a.at(3));
            p.insert(u"port"_s, *port);
        }
        if (inv.isSet(o.proxyUser))
            p.insert(u"user"_s, inv.value(o.proxyUser));
        if (inv.isSet(o.proxyPasswordFile)) {
            auto pw = readLine(inv.value(o.proxyPasswordFile));
            if (!pw)
                return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(o.proxyPasswordFile)));
            p.insert(u"password"_s, *pw);
        }
        return inv.run(u"proxy.set"_s, p);
    }
    if (verb == u"test"_s && need(4)) {
        auto port = Invocation::number(a.at(3));
        if (!port)
            return inv.usage(u"proxy test HOST PORT: PORT is a number"_s);
        return inv.run(u"proxy.test"_s, QCborMap{{u"host"_s, a.at(2)}, {u"port"_s, *port}});
    }
    return false;
}

} // namespace parley::ctl
