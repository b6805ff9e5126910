// `parleyctl directory ...`: the directory (LDAP, Active Directory) users are synced from.

#include "commands.h"

#include "protocol/adminprotocol.h"

#include <QCborArray>
#include <QFile>

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace {

const QString SetUsage = u"directory set url=URL ca_certificate=FILE base_dn=DN [KEY=VALUE ...] [--secret-file FILE|-] "
                         "(keys: the arguments of directory.set in docs/admin-api.md)"_s;

std::optional<bool> yesNo(const QString &text)
{
    const QString t = text.toLower();
    if (t == u"yes"_s || t == u"true"_s || t == u"on"_s)
        return true;
    if (t == u"no"_s || t == u"false"_s || t == u"off"_s)
        return false;
    return std::nullopt;
}

// directory set KEY=VALUE ...: each key an argument of directory.set, typed by the call table. ca_certificate names
// a PEM file parleyctl reads; the bind password comes from --secret-file, never from the command line.
bool setCommand(Invocation &inv, const QStringList &a)
{
    const protocol::admin::Call *call = protocol::admin::findCall(u"directory.set");
    QCborMap args;
    for (qsizetype i = 2; i < a.size(); ++i) {
        const qsizetype eq = a.at(i).indexOf(u'=');
        if (eq <= 0)
            return inv.usage(SetUsage);
        const QString key = a.at(i).left(eq);
        const QString value = a.at(i).mid(eq + 1);
        if (key == u"password"_s)
            return inv.usage(u"the bind password never goes on the command line: --secret-file FILE (- for standard input)"_s);
        const protocol::admin::Arg *spec = nullptr;
        for (const protocol::admin::Arg &arg : call->args) {
            if (arg.key == key)
                spec = &arg;
        }
        if (!spec)
            return inv.usage(u"directory set: no key '%1'; %2"_s.arg(key, SetUsage));
        switch (spec->kind) {
        case protocol::admin::ArgKind::Text:
            if (key == u"ca_certificate"_s) {
                QFile file(value);
                if (!file.open(QIODevice::ReadOnly))
                    return inv.fail(ExitUsage, u"ca_certificate: cannot read %1"_s.arg(value));
                args.insert(key, QString::fromUtf8(file.readAll()));
            } else {
                args.insert(key, value);
            }
            break;
        case protocol::admin::ArgKind::Uint: {
            auto n = Invocation::number(value);
            if (!n)
                return inv.usage(u"%1: a whole number"_s.arg(key));
            args.insert(key, *n);
            break;
        }
        case protocol::admin::ArgKind::Bool: {
            auto b = yesNo(value);
            if (!b)
                return inv.usage(u"%1: yes or no"_s.arg(key));
            args.insert(key, *b);
            break;
        }
        case protocol::admin::ArgKind::TextList: {
            QCborArray list = args.value(key).toArray();
            list.append(value);
            args.insert(key, list);
            break;
        }
        }
    }
    if (inv.isSet(inv.options.secretFile)) {
        auto password = readSecretLine(inv.value(inv.options.secretFile));
        if (!password)
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(inv.options.secretFile)));
        args.insert(u"password"_s, *password);
    }
    return inv.run(u"directory.set"_s, args);
}

} // namespace

bool directoryCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const QString verb = a.value(1);
    if (verb == u"set"_s && a.size() > 2)
        return setCommand(inv, a);
    if (a.size() != 2)
        return false;
    if (verb == u"show"_s)
        return inv.run(u"directory.show"_s, {});
    if (verb == u"clear"_s)
        return inv.run(u"directory.clear"_s, {});
    if (verb == u"users"_s)
        return inv.run(u"directory.users"_s, {});
    if (verb == u"sync"_s) {
        QCborMap args;
        if (inv.isSet(inv.options.dryRun))
            args.insert(u"dry_run"_s, true);
        return inv.run(u"directory.sync"_s, args);
    }
    return false;
}

} // namespace parley::ctl
