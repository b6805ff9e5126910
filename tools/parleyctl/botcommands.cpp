// `parleyctl bot ...`: bots (service accounts) with their scope, expiry and send limit.

#include "commands.h"

#include <QCborArray>
#include <QDateTime>
#include <QRegularExpression>

#include <optional>

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace {

// --expires: an ISO 8601 time, or a time from now: N followed by d (days), h (hours) or m (minutes).
std::optional<qint64> expiryOf(const QString &text)
{
    static const QRegularExpression relative(u"^(\\d{1,6})([dhm])$"_s);
    if (const QRegularExpressionMatch m = relative.match(text); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const qint64 unit = m.captured(2) == u"d"_s ? 24 * 3600 * 1000 : m.captured(2) == u"h"_s ? 3600 * 1000 : 60 * 1000;
        return QDateTime::currentMSecsSinceEpoch() + n * unit;
    }
    const QDateTime t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

// The options bot create and bot update share; false after a usage error.
bool readOptions(Invocation &inv, QCborMap &args)
{
    const Options &o = inv.options;
    if (inv.isSet(o.scope)) {
        QCborArray scope;
        for (const QString &entry : inv.parser.values(o.scope))
            scope.append(entry);
        args.insert(u"scope"_s, scope);
    }
    if (inv.isSet(o.description))
        args.insert(u"description"_s, inv.value(o.description));
    if (inv.isSet(o.expires)) {
        const std::optional<qint64> at = expiryOf(inv.value(o.expires));
        if (!at) {
            inv.usage(u"--expires: an ISO 8601 time (2030-01-31T12:00:00Z) or a time from now (90d, 12h, 30m)"_s);
            return false;
        }
        args.insert(u"expires_at"_s, *at);
    }
    for (const auto &[option, key] : {std::pair(&o.rate, u"rate"_s), std::pair(&o.burst, u"burst"_s)}) {
        if (!inv.isSet(*option))
            continue;
        const std::optional<qint64> n = Invocation::number(inv.value(*option));
        if (!n) {
            inv.usage(u"--%1: a whole number"_s.arg(key));
            return false;
        }
        args.insert(key, *n);
    }
    return true;
}

} // namespace

bool botCommands(Invocation &inv, const QStringList &a, QCborMap common)
{
    const QString verb = a.value(1);
    if (verb == u"create"_s && a.size() == 3) {
        // bot create NAME --scope S [--scope S ...] [--description T] [--expires TIME] [--rate N] [--burst N]
        //            [--valid-hours N]: the reply carries the one-time enrollment code and link for the bot's device.
        QCborMap args = common;
        args.insert(u"name"_s, a.at(2));
        if (!readOptions(inv, args))
            return true;
        if (!args.contains(u"scope"_s))
            return inv.usage(u"bot create NAME --scope any|user:NAME|room:NAME [--scope ...]"_s);
        return inv.run(u"bots.create"_s, args);
    }
    if (verb == u"list"_s && a.size() <= 3) {
        QCborMap l;
        if (a.size() == 3)
            l.insert(u"search"_s, a.at(2));
        return inv.run(u"bots.list"_s, l);
    }
    if (verb == u"update"_s && a.size() == 3) {
        QCborMap args{{u"name"_s, a.at(2)}};
        if (!readOptions(inv, args))
            return true;
        if (args.size() == 1)
            return inv.usage(u"bot update NAME [--scope S ...] [--description T] [--expires TIME] [--rate N] [--burst N]: "
                             u"give at least one"_s);
        return inv.run(u"bots.update"_s, args);
    }
    if (verb == u"revoke"_s && a.size() == 3)
        return inv.run(u"bots.revoke"_s, QCborMap{{u"name"_s, a.at(2)}});
    return false;
}

} // namespace parley::ctl
