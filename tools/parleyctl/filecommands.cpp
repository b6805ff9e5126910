// `parleyctl files ...`: attachment limits and the storage they take.

#include "commands.h"

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool fileCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const QString verb = a.value(1);
    if (verb == u"show"_s && a.size() == 2)
        return inv.run(u"files.show"_s, {});
    if (verb == u"usage"_s && a.size() <= 3) {
        QCborMap u;
        if (a.size() == 3)
            u.insert(u"user"_s, a.at(2));
        return inv.run(u"files.usage"_s, u);
    }
    if (verb == u"set"_s && a.size() > 2) {
        // files set [max_file=BYTES] [user_quota=BYTES]
        QCborMap s;
        for (qsizetype i = 2; i < a.size(); ++i) {
            const QString key = a.at(i).section(u'=', 0, 0);
            auto n = Invocation::number(a.at(i).section(u'=', 1));
            if (!a.at(i).contains(u'=') || (key != u"max_file"_s && key != u"user_quota"_s) || !n)
                return inv.usage(u"files set [max_file=BYTES] [user_quota=BYTES]"_s);
            s.insert(key, *n);
        }
        return inv.run(u"files.set"_s, s);
    }
    return false;
}

} // namespace parley::ctl
