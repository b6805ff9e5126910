// `parleyctl turn ...`: the TURN relay for calls.

#include "commands.h"

#include <QCborArray>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool turnCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    if (a.size() != 2)
        return false;
    if (verb == u"show"_s)
        return inv.run(u"turn.show"_s, {});
    if (verb == u"clear"_s)
        return inv.run(u"turn.clear"_s, {});
    if (verb != u"set"_s)
        return false;
    const QStringList uris = inv.parser.values(o.turnUri);
    if (uris.isEmpty())
        return inv.usage(u"turn set needs at least one --uri URI"_s);
    QCborMap args{{u"uris"_s, QCborArray::fromStringList(uris)}};
    if (inv.isSet(o.turnTtl)) {
        auto ttl = Invocation::number(inv.value(o.turnTtl));
        if (!ttl)
            return inv.usage(u"--ttl: a whole number of seconds"_s);
        args.insert(u"ttl"_s, *ttl);
    }
    if (inv.isSet(o.secretFile)) {
        auto secret = readSecretLine(inv.value(o.secretFile));
        if (!secret)
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(o.secretFile)));
        args.insert(u"secret"_s, *secret);
    }
    return inv.run(u"turn.set"_s, args);
}

} // namespace parley::ctl
