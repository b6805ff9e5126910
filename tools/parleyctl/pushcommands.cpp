// `parleyctl push ...`: push provider credentials. Key files are read here and sent as text.

#include "commands.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool pushCommands(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    const Options &o = inv.options;
    const QString verb = a.value(1);
    auto need = [&a](qsizetype n) { return a.size() == n; };
    // Key files are read here and sent as text; their contents never go on a command line.
    auto readText = [](const QString &path) -> std::optional<QString> {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly) || f.size() > 64 * 1024)
            return std::nullopt;
        return QString::fromUtf8(f.readAll());
    };
    auto optional = [&inv](QCborMap &m, const QCommandLineOption &option, const QString &key) {
        if (inv.isSet(option))
            m.insert(key, inv.value(option));
    };
    if (verb == u"show"_s && need(2))
        return inv.run(u"push.show"_s, {});
    if (verb == u"apns"_s && need(2)) {
        if (!inv.isSet(o.pushKey) || !inv.isSet(o.keyId) || !inv.isSet(o.teamId))
            return inv.usage(u"push apns needs --key FILE --key-id ID --team-id ID"_s);
        auto key = readText(inv.value(o.pushKey));
        if (!key)
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(o.pushKey)));
        QCborMap m{{u"key"_s, *key}, {u"key_id"_s, inv.value(o.keyId)}, {u"team_id"_s, inv.value(o.teamId)}};
        optional(m, o.topic, u"topic"_s);
        optional(m, o.endpoint, u"endpoint"_s);
        return inv.run(u"push.set_apns"_s, m);
    }
    if (verb == u"fcm"_s && need(2)) {
        if (!inv.isSet(o.serviceAccount))
            return inv.usage(u"push fcm needs --service-account FILE"_s);
        auto json = readText(inv.value(o.serviceAccount));
        if (!json)
            return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(o.serviceAccount)));
        QCborMap m{{u"service_account"_s, *json}};
        optional(m, o.endpoint, u"endpoint"_s);
        optional(m, o.tokenEndpoint, u"token_endpoint"_s);
        return inv.run(u"push.set_fcm"_s, m);
    }
    if (verb == u"webpush"_s && (need(2) || (need(3) && a.at(2) == u"generate"_s))) {
        if (!inv.isSet(o.subject))
            return inv.usage(u"push webpush needs --subject mailto:... or https://..."_s);
        if (need(3) && inv.isSet(o.pushKey))
            return inv.usage(u"push webpush: --key FILE or generate, not both"_s);
        QCborMap m{{u"subject"_s, inv.value(o.subject)}};
        if (inv.isSet(o.pushKey)) {
            auto key = readText(inv.value(o.pushKey));
            if (!key)
                return inv.fail(ExitUsage, u"cannot read %1"_s.arg(inv.value(o.pushKey)));
            m.insert(u"private_key"_s, *key);
        }
        return inv.run(u"push.set_webpush"_s, m);
    }
    if (verb == u"clear"_s && need(3))
        return inv.run(u"push.clear"_s, QCborMap{{u"provider"_s, a.at(2)}});
    return false;
}

} // namespace parley::ctl
