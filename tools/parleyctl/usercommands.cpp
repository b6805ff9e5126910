// `parleyctl user ...`: accounts of the people who use the server.

#include "commands.h"

#include <QFile>
#include <QMap>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool userCommands(Invocation &inv, const QStringList &a, QCborMap args)
{
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if ((verb == u"add"_s || verb == u"code"_s) && need(3)) {
        args.insert(u"name"_s, a.at(2));
        return inv.run(verb == u"add"_s ? u"user.create"_s : u"user.code"_s, args);
    }
    if (verb == u"list"_s && a.size() <= 3) {
        QCborMap l;
        if (a.size() == 3)
            l.insert(u"search"_s, a.at(2));
        return inv.run(u"user.list"_s, l);
    }
    const QMap<QString, QString> simple = {{u"show"_s, u"user.show"_s}, {u"devices"_s, u"user.devices"_s},
                                           {u"suspend"_s, u"user.suspend"_s}, {u"resume"_s, u"user.resume"_s},
                                           {u"delete"_s, u"user.delete"_s}, {u"sign-out"_s, u"user.sign_out"_s}};
    if (simple.contains(verb) && need(3))
        return inv.run(simple.value(verb), QCborMap{{u"name"_s, a.at(2)}});
    if (verb == u"revoke"_s && need(4)) {
        auto device = Invocation::number(a.at(3));
        if (!device)
            return inv.usage(u"user revoke NAME DEVICE: DEVICE is a device number"_s);
        return inv.run(u"user.revoke_device"_s, QCborMap{{u"name"_s, a.at(2)}, {u"device"_s, *device}});
    }
    if (verb == u"import"_s && need(3)) {
        QFile f(a.at(2));
        if (!f.open(QIODevice::ReadOnly))
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(a.at(2)));
        args.insert(u"csv"_s, QString::fromUtf8(f.readAll()));
        return inv.run(u"user.import"_s, args, [](const QCborMap &r) {
            printOut(table(r.value("rows"_L1).toArray()));
            printOut(u"created %1, failed %2"_s.arg(r.value("created"_L1).toInteger()).arg(r.value("failed"_L1).toInteger()));
        }, [](const QCborMap &r) { return r.value("failed"_L1).toInteger() > 0 ? ExitPartial : ExitOk; });
    }
    if (verb == u"export"_s && a.size() <= 3) {
        if (a.size() == 3)
            inv.outFile = a.at(2);
        return inv.run(u"user.export"_s, {}, inv.printKey(u"csv"_s));
    }
    return false;
}

} // namespace parley::ctl
