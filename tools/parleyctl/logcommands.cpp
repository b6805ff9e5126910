// `parleyctl log ...`: log levels, the event log and its retention.

#include "commands.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool logCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if (verb == u"level"_s && need(4))
        return inv.run(u"log.set_level"_s, QCborMap{{u"category"_s, a.at(2)}, {u"level"_s, a.at(3)}});
    if (verb == u"levels"_s && need(2))
        return inv.run(u"log.levels"_s, {});
    if (verb == u"show"_s && need(2)) {
        QCborMap l;
        if (inv.isSet(o.grep))
            l.insert(u"grep"_s, inv.value(o.grep));
        if (inv.isSet(o.category))
            l.insert(u"category"_s, inv.value(o.category));
        if (inv.isSet(o.level))
            l.insert(u"level"_s, inv.value(o.level));
        if (inv.isSet(o.limit)) {
            auto n = Invocation::number(inv.value(o.limit));
            if (!n)
                return inv.usage(u"--limit: a whole number"_s);
            l.insert(u"limit"_s, *n);
        }
        if (inv.isSet(o.since)) {
            const QDateTime t = QDateTime::fromString(inv.value(o.since), Qt::ISODate);
            if (!t.isValid())
                return inv.usage(u"--since: an ISO 8601 time"_s);
            l.insert(u"since"_s, t.toMSecsSinceEpoch());
        }
        return inv.run(u"log.show"_s, l);
    }
    if (verb == u"retention"_s && a.size() <= 3) {
        QCborMap l;
        if (a.size() == 3) {
            auto n = Invocation::number(a.at(2));
            if (!n)
                return inv.usage(u"log retention DAYS: a whole number"_s);
            l.insert(u"days"_s, *n);
        }
        return inv.run(u"log.retention"_s, l);
    }
    return false;
}

} // namespace parley::ctl
