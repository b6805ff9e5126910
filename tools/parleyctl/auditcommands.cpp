// `parleyctl audit ...`: the audit log.

#include "commands.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool auditCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    QCborMap f;
    if (inv.isSet(o.actor))
        f.insert(u"actor"_s, inv.value(o.actor));
    if (inv.isSet(o.action))
        f.insert(u"action"_s, inv.value(o.action));
    if (inv.isSet(o.since)) {
        const QDateTime t = QDateTime::fromString(inv.value(o.since), Qt::ISODate);
        if (!t.isValid())
            return inv.usage(u"--since: an ISO 8601 time"_s);
        f.insert(u"since"_s, t.toMSecsSinceEpoch());
    }
    if (verb == u"show"_s && need(2)) {
        if (inv.isSet(o.limit)) {
            auto n = Invocation::number(inv.value(o.limit));
            if (!n)
                return inv.usage(u"--limit: a whole number"_s);
            f.insert(u"limit"_s, *n);
        }
        return inv.run(u"audit.show"_s, f);
    }
    if (verb == u"export"_s && a.size() <= 3) {
        f.remove(u"actor"_s);
        f.remove(u"action"_s);
        if (a.size() == 3)
            inv.outFile = a.at(2);
        return inv.run(u"audit.export"_s, f, inv.printKey(u"csv"_s));
    }
    return false;
}

} // namespace parley::ctl
