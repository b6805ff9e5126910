#include "roomcommand.h"

#include "session.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {

void writeJson(const QJsonObject &o)
{
    writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

} // namespace

class RoomCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
    bool json = false;
    sdk::MessageOptions options;
};

RoomCommand::RoomCommand(Session &session) : d(std::make_unique<Private>(session)) {}

RoomCommand::~RoomCommand() = default;

std::optional<int> RoomCommand::start(const QStringList &args)
{
    const QString sub = args.value(0);
    if (!check(sub, args))
        return std::nullopt;
    const std::optional<sdk::MessageOptions> options = d->session.messageOptions();
    if (!options)
        return std::nullopt;
    d->options = *options;
    d->json = d->session.parser().isSet(u"json"_s);
    if (!d->session.openProfile())
        return std::nullopt;
    sdk::Client &client = d->session.makeClient();
    client.setReceiveEnabled(false);
    d->session.makeRooms();
    QObject::connect(&client, &sdk::Client::loggedIn, &d->session, [this, sub, args] { run(sub, args); });
    client.connectToServer();
    return std::nullopt;
}

bool RoomCommand::check(const QString &sub, const QStringList &args)
{
    const QCommandLineParser &parser = d->session.parser();
    const auto usage = [this](const QString &message) {
        d->session.fail(message, ExitUsage);
        return false;
    };
    const QHash<QString, int> arity = {
        {u"create"_s, 2}, {u"add"_s, 3}, {u"remove"_s, 3}, {u"promote"_s, 3}, {u"demote"_s, 3},
        {u"leave"_s, 2},  {u"list"_s, 1}, {u"show"_s, 2},
    };
    if (!arity.contains(sub) || args.size() != arity.value(sub))
        return usage(u"usage: parley room create NAME [--title T] [--description D] [--expire SECONDS] "
                     u"[--burn-on-read] | room add|remove|promote|demote ROOM USER | room leave ROOM | room list | "
                     u"room show ROOM"_s);
    for (const QString &name : args.mid(1)) {
        if (!protocol::isValidUserName(name))
            return usage(u"invalid name \"%1\""_s.arg(name));
    }
    const bool policyOptions = parser.isSet(u"title"_s) || parser.isSet(u"description"_s)
        || parser.isSet(u"expire"_s) || parser.isSet(u"burn-on-read"_s);
    if (policyOptions && sub != u"create"_s)
        return usage(u"--title, --description, --expire and --burn-on-read apply to room create"_s);
    if (parser.isSet(u"json"_s) && sub != u"list"_s && sub != u"show"_s)
        return usage(u"--json applies to room list and room show"_s);
    return true;
}

void RoomCommand::run(const QString &sub, const QStringList &args)
{
    const QCommandLineParser &parser = d->session.parser();
    sdk::Rooms &rooms = d->session.rooms();
    QObject *context = &d->session;
    const auto printed = [this](Result<protocol::RoomState> state) { printState(state); };
    const QString room = args.value(1);
    if (sub == u"create"_s) {
        const std::optional<quint64> expire = parser.isSet(u"expire"_s) ? std::optional(d->options.expireSeconds)
                                                                         : std::nullopt;
        const std::optional<bool> burn = parser.isSet(u"burn-on-read"_s) ? std::optional(true) : std::nullopt;
        return rooms.create(room, parser.value(u"title"_s), parser.value(u"description"_s), expire, burn, context,
                            printed);
    }
    if (sub == u"show"_s)
        return rooms.fetch(room, context, printed);
    if (sub == u"list"_s)
        return rooms.list(context, [this](Result<sdk::RoomList> list) { printList(list); });
    const QHash<QString, protocol::RoomOp> ops = {
        {u"add"_s, protocol::RoomOp::Add},         {u"remove"_s, protocol::RoomOp::Remove},
        {u"promote"_s, protocol::RoomOp::Promote}, {u"demote"_s, protocol::RoomOp::Demote},
        {u"leave"_s, protocol::RoomOp::Leave},
    };
    const QString target = sub == u"leave"_s ? d->session.profile().settings().user : args.value(2);
    rooms.change(room, ops.value(sub), target, context, printed);
}

void RoomCommand::printState(const Result<protocol::RoomState> &state)
{
    if (!state)
        return d->session.fail(state.error().message);
    const protocol::RoomState &s = *state;
    if (d->json) {
        QJsonArray members;
        for (const QString &m : s.memberList()) {
            QJsonObject o;
            o.insert(u"user"_s, m);
            o.insert(u"admin"_s, s.isAdmin(m));
            members.append(o);
        }
        QJsonObject o;
        o.insert(u"room"_s, s.room);
        o.insert(u"seq"_s, qint64(s.nextSeq) - 1);
        o.insert(u"head"_s, QString::fromLatin1(s.head.toHex()));
        o.insert(u"title"_s, s.policy.title);
        o.insert(u"description"_s, s.policy.description);
        o.insert(u"expire"_s, qint64(s.policy.expireSeconds));
        o.insert(u"burn"_s, s.policy.burnOnRead);
        const auto enforced = d->session.rooms().enforced(s.room).value_or(std::pair<quint64, bool>{0, false});
        o.insert(u"enforced_expire"_s, qint64(enforced.first));
        o.insert(u"enforced_burn"_s, enforced.second);
        o.insert(u"members"_s, members);
        writeJson(o);
    } else {
        QStringList names;
        for (const QString &m : s.memberList())
            names.append(s.isAdmin(m) ? m + u'*' : m);
        writeLine(stdout, u"room %1 (%2 members): %3"_s.arg(s.room).arg(names.size()).arg(names.join(u' ')));
        // The head this device verified (and keeps, so that a later chain must extend it).
        writeLine(stdout, u"verified head: record %1, sha512 %2"_s.arg(qint64(s.nextSeq) - 1)
                              .arg(QString::fromLatin1(s.head.toHex())));
    }
    d->session.finish(ExitOk);
}

void RoomCommand::printList(const Result<sdk::RoomList> &list)
{
    if (!list)
        return d->session.fail(list.error().message);
    for (const sdk::RoomListEntry &e : std::as_const(list->rooms)) {
        if (d->json) {
            QJsonObject o;
            o.insert(u"room"_s, e.room);
            o.insert(u"title"_s, e.title);
            o.insert(u"description"_s, e.description);
            o.insert(u"members"_s, e.members);
            o.insert(u"admin"_s, e.admin);
            o.insert(u"enforced_expire"_s, qint64(e.enforcedExpireSeconds));
            o.insert(u"enforced_burn"_s, e.enforcedBurn);
            writeJson(o);
            continue;
        }
        // The server's retention override, when there is one.
        QStringList rule;
        if (e.enforcedExpireSeconds > 0)
            rule << u"messages live at most %1 s"_s.arg(e.enforcedExpireSeconds);
        if (e.enforcedBurn)
            rule << u"burn-on-read"_s;
        writeLine(stdout, u"%1%2 (%3 members)%4%5"_s.arg(e.room, e.admin ? u"*"_s : QString())
                              .arg(e.members)
                              .arg(e.title.isEmpty() ? QString() : u": "_s + e.title,
                                   rule.isEmpty() ? QString() : u" [server: %1]"_s.arg(rule.join(u", "_s))));
    }
    d->session.finish(ExitOk);
}

} // namespace parley::cli
