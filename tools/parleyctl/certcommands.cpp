// `parleyctl cert ...`: the server's TLS certificate.

#include "commands.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool certCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    if (verb == u"show"_s && need(2))
        return inv.run(u"cert.show"_s, {});
    if (verb == u"reload"_s && need(2))
        return inv.run(u"cert.reload"_s, {});
    if (verb == u"install"_s && (need(3) || need(4))) {
        QFile cert(a.at(2));
        if (!cert.open(QIODevice::ReadOnly))
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(a.at(2)));
        QCborMap c{{u"certificate"_s, QString::fromUtf8(cert.readAll())}};
        if (need(4)) {
            QFile key(a.at(3));
            if (!key.open(QIODevice::ReadOnly))
                return inv.fail(ExitUsage, u"cannot read %1"_s.arg(a.at(3)));
            c.insert(u"private_key"_s, QString::fromUtf8(key.readAll()));
        }
        return inv.run(u"cert.install"_s, c);
    }
    if (verb == u"csr"_s && need(3)) {
        QCborMap c{{u"common_name"_s, a.at(2)}};
        if (inv.isSet(o.dns))
            c.insert(u"dns"_s, inv.value(o.dns));
        return inv.run(u"cert.csr"_s, c, inv.printKey(u"csr"_s));
    }
    return false;
}

} // namespace parley::ctl
