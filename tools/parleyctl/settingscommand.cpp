// `GROUP set KEY=VALUE ...` for the calls that replace a group of managed settings (directory.set, sso.set).

#include "commands.h"

#include "protocol/adminprotocol.h"

#include <QCborArray>
#include <QFile>

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace {

std::optional<bool> yesNo(const QString &text)
{
    const QString t = text.toLower();
    if (t == u"yes"_s || t == u"true"_s || t == u"on"_s)
        return true;
    if (t == u"no"_s || t == u"false"_s || t == u"off"_s)
        return false;
    return std::nullopt;
}

} // namespace

bool settingsSetCommand(Invocation &inv, const QStringList &a, const SettingsCall &call)
{
    const protocol::admin::Call *spec = protocol::admin::findCall(call.name);
    QCborMap args;
    for (qsizetype i = 2; i < a.size(); ++i) {
        const qsizetype eq = a.at(i).indexOf(u'=');
        if (eq <= 0)
            return inv.usage(call.usage);
        const QString key = a.at(i).left(eq);
        const QString value = a.at(i).mid(eq + 1);
        if (key == call.secretKey)
            return inv.usage(u"the %1 never goes on the command line: --secret-file FILE (- for standard input)"_s.arg(call.secretWhat));
        const protocol::admin::Arg *arg = nullptr;
        for (const protocol::admin::Arg &candidate : spec->args) {
            if (candidate.key == key)
                arg = &candidate;
        }
        if (!arg)
            return inv.usage(u"%1: no key '%2'; %3"_s.arg(a.mid(0, 2).join(u' '), key, call.usage));
        switch (arg->kind) {
        case protocol::admin::ArgKind::Text:
            // A PEM file's path; an empty value is sent as it is (for sso.set: no CA).
            if (key == u"ca_certificate"_s && !value.isEmpty()) {
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
        auto secret = readSecretLine(inv.value(inv.options.secretFile));
        if (!secret)
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(inv.options.secretFile)));
        args.insert(call.secretKey, *secret);
    }
    return inv.run(call.name, args);
}

bool settingsGroupCommand(Invocation &inv, const QStringList &a, const SettingsCall &set, const QStringList &verbs)
{
    const QString verb = a.value(1);
    if (verb == u"set"_s && a.size() > 2)
        return settingsSetCommand(inv, a, set);
    if (a.size() != 2 || !verbs.contains(verb))
        return false;
    return inv.run(a.first() + u'.' + verb, {});
}

} // namespace parley::ctl
