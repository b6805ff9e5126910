#include "sdk/rooms.h"

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/roomchains.h"
#include "sdk/sdklog.h"

#include <QHash>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int MaxConflictRetries = 3;

} // namespace

struct Rooms::Private {
    Rooms *q;
    Client &client;
    QHash<quint64, std::function<void(const protocol::Frame &)>> pending;

    Private(Rooms *rooms, Client &c) : q(rooms), client(c) {}

    RoomChains &chains() const { return client.roomChains(); }

    // Sends a typed request through the client's raw path (its reply comes back through frameReceived()).
    template<class T>
    void request(const T &message, std::function<void(const protocol::Frame &)> handler)
    {
        if (client.state() != Client::State::LoggedIn)
            return handler(Connection::disconnectedReply(u"not logged in"_s));
        const quint64 id = client.sendFrame(protocol::toFrame(message));
        pending.insert(id, std::move(handler));
    }

    void onFrame(const protocol::Frame &f)
    {
        if (f.type == protocol::RoomChanged::Type) {
            const protocol::RoomChanged changed = protocol::RoomChanged::from(f);
            Q_EMIT q->roomChanged(changed.room, changed.seq);
            return;
        }
        if (f.id == 0)
            return;
        auto handler = pending.take(f.id);
        if (handler)
            handler(f);
    }

    void failPending()
    {
        const auto handlers = std::exchange(pending, {});
        const protocol::Frame err = Connection::disconnectedReply(u"the connection closed"_s);
        for (const auto &handler : handlers)
            handler(err);
    }

    void fetch(const QString &room, Callback<protocol::RoomState> done) { chains().fetch(room, std::move(done)); }

    // Builds, signs and appends one record on top of the verified state; retries on a conflicting append.
    void append(const QString &room, protocol::RoomOp op, const QString &target, std::optional<protocol::RoomPolicy> policy,
                int attempt, Callback<protocol::RoomState> done)
    {
        auto build = [this, room, op, target, policy, attempt, done](protocol::RoomState state) {
            Result<SenderIdentity> me = client.identity();
            if (!me)
                return done(me.error());
            protocol::RoomRecord record;
            record.room = room;
            record.seq = state.nextSeq;
            record.prev = state.head;
            record.op = op;
            record.target = target;
            record.actor = me->user;
            record.actorDevice = me->device;
            record.at = quint64(client.serverTimeMs());
            record.policy = policy;
            if (Status c = state.check(record); !c)
                return done(makeError(c.error().code, u"forbidden: "_s + c.error().message));
            const QByteArray bytes = record.encode();
            Result<QByteArray> sig = me->deviceKey.sign(bytes);
            if (!sig)
                return done(sig.error());
            const protocol::RoomChange change{room, bytes, *sig};
            request(change, [this, room, op, target, policy, attempt, done, state, record, bytes](const protocol::Frame &reply) mutable {
                if (reply.type == protocol::RoomOk::Type) {
                    // The server appended exactly this record on top of the verified state.
                    state.apply(record, bytes);
                    if (state.isMember(client.profile().settings().user))
                        chains().remember(state);
                    else
                        chains().forget(room);
                    return done(state);
                }
                const Error e = roomWireError(reply);
                if (e.code == ErrorCode::Conflict && op != protocol::RoomOp::Create && attempt < MaxConflictRetries)
                    return append(room, op, target, policy, attempt + 1, done);
                done(e);
            });
        };
        if (op == protocol::RoomOp::Create) {
            protocol::RoomState empty;
            empty.room = room;
            return build(empty);
        }
        fetch(room, [build, done](Result<protocol::RoomState> state) {
            if (!state)
                return done(state.error());
            build(state.value());
        });
    }

    void list(Callback<RoomList> done)
    {
        request(protocol::RoomsRequest{}, [this, done](const protocol::Frame &reply) {
            if (reply.type != protocol::RoomList::Type)
                return done(roomWireError(reply));
            const protocol::RoomList listed = protocol::RoomList::from(reply);
            RoomList out;
            for (const protocol::RoomSummary &summary : listed.rooms) {
                RoomListEntry e;
                e.room = summary.room;
                e.seq = summary.seq;
                e.title = summary.title;
                e.description = summary.description;
                e.members = int(summary.members);
                e.admin = summary.admin;
                e.enforcedExpireSeconds = summary.enforcedExpire.value_or(0);
                e.enforcedBurn = summary.enforcedBurn.value_or(false);
                chains().setEnforced(e.room, {e.enforcedExpireSeconds, e.enforcedBurn});
                out.rooms.append(e);
            }
            out.limits.maxMembers = int(listed.limits.maxMembers);
            out.limits.maxExpireSeconds = listed.limits.maxExpire;
            out.limits.defaultExpireSeconds = listed.limits.defaultExpire;
            out.limits.defaultBurn = listed.limits.defaultBurn;
            done(out);
        });
    }
};

Rooms::Rooms(Client &client, QObject *parent) : QObject(parent), d(std::make_unique<Private>(this, client))
{
    connect(&client, &Client::frameReceived, this, [this](const protocol::Frame &f) { d->onFrame(f); });
    connect(&client, &Client::disconnected, this, [this] { d->failPending(); });
    connect(&client.roomChains(), &RoomChains::chainRejected, this, &Rooms::chainRejected);
}

Rooms::~Rooms() = default;

namespace {

// Wraps a callback so that it runs only while `context` lives.
template<typename T>
Rooms::Callback<T> guarded(QObject *context, Rooms::Callback<T> done)
{
    QPointer<QObject> guard(context);
    return [guard, done = std::move(done)](Result<T> r) {
        if (guard)
            done(std::move(r));
    };
}

} // namespace

void Rooms::create(const QString &room, const QString &title, const QString &description,
                   std::optional<quint64> expireSeconds, std::optional<bool> burnOnRead, QObject *context,
                   Callback<protocol::RoomState> done)
{
    auto callback = guarded(context, std::move(done));
    if (!protocol::isValidUserName(room))
        return callback(makeError(ErrorCode::InvalidArgument, u"bad_field: a room name is 1 to 64 of a-z 0-9 . _ -, "
                                                              u"starting with a letter or digit"_s));
    if (title.toUtf8().size() > protocol::MaxRoomTitleBytes
        || description.toUtf8().size() > protocol::MaxRoomDescriptionBytes)
        return callback(makeError(ErrorCode::InvalidArgument, u"bad_field: the title takes at most %1 bytes, the "
                                                              u"description %2"_s.arg(protocol::MaxRoomTitleBytes)
                                                                  .arg(protocol::MaxRoomDescriptionBytes)));
    d->list([this, room, title, description, expireSeconds, burnOnRead, callback](Result<RoomList> listed) {
        if (!listed)
            return callback(listed.error());
        protocol::RoomPolicy policy;
        policy.title = title;
        policy.description = description;
        policy.expireSeconds = expireSeconds.value_or(listed->limits.defaultExpireSeconds);
        policy.burnOnRead = burnOnRead.value_or(listed->limits.defaultBurn);
        Result<SenderIdentity> me = d->client.identity();
        if (!me)
            return callback(me.error());
        d->append(room, protocol::RoomOp::Create, me->user, policy, 0, callback);
    });
}

void Rooms::change(const QString &room, protocol::RoomOp op, const QString &target, QObject *context,
                   Callback<protocol::RoomState> done)
{
    auto callback = guarded(context, std::move(done));
    if (op == protocol::RoomOp::Create || op == protocol::RoomOp::Policy)
        return callback(makeError(ErrorCode::InvalidArgument, u"bad_field: use create() or setPolicy()"_s));
    if (!protocol::isValidUserName(room) || !protocol::isValidUserName(target))
        return callback(makeError(ErrorCode::InvalidArgument, u"bad_field: invalid room or user name"_s));
    d->append(room, op, target, std::nullopt, 0, callback);
}

void Rooms::setPolicy(const QString &room, const protocol::RoomPolicy &policy, QObject *context,
                      Callback<protocol::RoomState> done)
{
    auto callback = guarded(context, std::move(done));
    Result<SenderIdentity> me = d->client.identity();
    if (!me)
        return callback(me.error());
    d->append(room, protocol::RoomOp::Policy, me->user, policy, 0, callback);
}

void Rooms::fetch(const QString &room, QObject *context, Callback<protocol::RoomState> done)
{
    d->fetch(room, guarded(context, std::move(done)));
}

void Rooms::list(QObject *context, Callback<RoomList> done)
{
    d->list(guarded(context, std::move(done)));
}

void Rooms::send(const QString &room, const QString &text, const MessageOptions &options, QObject *context,
                 Callback<QByteArray> done)
{
    send(room, MessageContent{text, std::nullopt, {}}, options, context, std::move(done));
}

void Rooms::send(const QString &room, const MessageContent &content, const MessageOptions &options, QObject *context,
                 Callback<QByteArray> done)
{
    auto callback = guarded(context, std::move(done));
    auto retries = std::make_shared<int>(0);
    auto run = std::make_shared<std::function<void()>>();
    *run = [this, room, content, options, callback, retries, run] {
        d->fetch(room, [this, room, content, options, callback, retries, run](Result<protocol::RoomState> state) {
            if (!state) {
                *run = nullptr;   // break the cycle
                return callback(state.error());
            }
            const QString me = d->client.profile().settings().user;
            if (!state->isMember(me)) {
                *run = nullptr;
                return callback(makeError(ErrorCode::Forbidden, u"forbidden: you are not a member of room %1"_s.arg(room)));
            }
            protocol::MessageOptions opts;
            opts.room = room;
            if (options.expireSeconds > 0)
                opts.exp = options.expireSeconds;
            if (options.burnOnRead || state->policy.burnOnRead || d->chains().enforced(room).value_or(std::pair<quint64, bool>()).second)
                opts.burn = true;
            d->client.send(state->memberList(), content, opts, this, [callback, retries, run](const SendResult &result) {
                if (const auto *accepted = std::get_if<SendAccepted>(&result)) {
                    *run = nullptr;
                    return callback(accepted->mid);
                }
                const SendFailure &failure = std::get<SendFailure>(result);
                // The room changed under us: fetch the chain again and rebuild for the current members.
                if (failure.error == SendError::DeviceMismatch && ++*retries <= Client::MaxMismatchRetries)
                    return (*run)();
                *run = nullptr;   // break the cycle
                callback(makeError(ErrorCode::Protocol, sendErrorName(failure.error) + u": "_s + failure.message));
            });
        });
    };
    (*run)();
}

std::optional<protocol::RoomState> Rooms::verified(const QString &room) const
{
    return d->chains().verified(room);
}

std::optional<std::pair<quint64, bool>> Rooms::enforced(const QString &room) const
{
    return d->chains().enforced(room);
}

} // namespace parley::sdk
