#include "sdk/rooms.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"
#include "sdk/truststore.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QSet>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int MaxConflictRetries = 3;

Error wireError(const protocol::Frame &reply)
{
    const bool error = reply.type == protocol::ErrorReply::Type;
    const QString code = error ? Connection::errorCode(reply) : u"protocol"_s;
    const QString text = error ? protocol::ErrorReply::from(reply).msg : u"unexpected reply %1"_s.arg(reply.type);
    ErrorCode kind = ErrorCode::Protocol;
    if (code == u"forbidden"_s)
        kind = ErrorCode::Forbidden;
    else if (code == u"conflict"_s)
        kind = ErrorCode::Conflict;
    else if (code == u"not_found"_s)
        kind = ErrorCode::NotFound;
    else if (code == u"quota"_s)
        kind = ErrorCode::QuotaExceeded;
    else if (code == u"disconnected"_s || code == u"unavailable"_s)
        kind = ErrorCode::Unavailable;
    return makeError(kind, code + u": "_s + text);
}

} // namespace

struct Rooms::Private {
    Rooms *q;
    Client &client;
    QHash<quint64, std::function<void(const protocol::Frame &)>> pending;
    QHash<QString, protocol::RoomState> states;     // verified
    QHash<QString, QByteArray> roots;               // root keys checked against the trust store
    QHash<QString, std::pair<quint64, bool>> enforced;   // the administrator's override per room, as last reported

    Private(Rooms *rooms, Client &c) : q(rooms), client(c) {}

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

    // Root keys of `users` (own account: the profile's; others: from the server, pinned on first use).
    void ensureRoots(const QStringList &users, std::function<void(Status)> done)
    {
        const ProfileSettings &s = client.profile().settings();
        roots.insert(s.user, s.rootPub);
        QStringList missing;
        for (const QString &u : users) {
            if (!roots.contains(u))
                missing.append(u);
        }
        if (missing.isEmpty())
            return done({});
        request(protocol::Devices{missing}, [this, done](const protocol::Frame &reply) {
            if (reply.type != protocol::DeviceList::Type)
                return done(wireError(reply));
            bool pinned = false;
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (const protocol::DirectoryUser &listed : protocol::DeviceList::from(reply).users) {
                const QString &user = listed.user;
                const QByteArray &root = listed.root;
                const TrustStore::Verdict verdict = client.profile().trust().observe(user, root, now);
                if (verdict == TrustStore::Changed) {
                    Q_EMIT client.identityChanged(user);
                    return done(makeError(ErrorCode::Crypto, u"identity_changed: the root key of %1 changed since it "
                                                             u"was first seen"_s.arg(user)));
                }
                pinned = pinned || verdict == TrustStore::FirstUse;
                roots.insert(user, root);
            }
            if (pinned) {
                if (Status st = client.profile().saveTrust(); !st)
                    return done(st.error());
            }
            done({});
        });
    }

    void fetchPages(const QString &room, quint64 from, QList<protocol::SignedRoomRecord> collected,
                    std::function<void(Result<QList<protocol::SignedRoomRecord>>)> done)
    {
        request(protocol::RoomGet{room, from}, [this, room, from, collected, done](const protocol::Frame &reply) mutable {
            if (reply.type != protocol::Room::Type)
                return done(wireError(reply));
            const protocol::Room page = protocol::Room::from(reply);
            enforced.insert(room, {page.enforcedExpire.value_or(0), page.enforcedBurn.value_or(false)});
            for (const protocol::RoomEntry &e : page.chain)
                collected.append(protocol::SignedRoomRecord{e.rec, e.sig, e.dpub, e.dsig});
            if (page.more && !page.chain.isEmpty())
                return fetchPages(room, from + quint64(page.chain.size()), std::move(collected), std::move(done));
            done(std::move(collected));
        });
    }

    void reject(const QString &room, const QString &reason, const Callback<protocol::RoomState> &done)
    {
        qCWarning(lcSdk) << "a room's membership chain failed verification";
        Q_EMIT q->chainRejected(room, reason);
        done(makeError(ErrorCode::Crypto, u"bad_chain: the membership records of room %1 do not verify: %2"_s.arg(room, reason)));
    }

    void fetch(const QString &room, Callback<protocol::RoomState> done)
    {
        const std::optional<protocol::RoomState> known = states.contains(room) ? std::optional(states.value(room)) : std::nullopt;
        fetchPages(room, known ? known->nextSeq : 0, {},
                   [this, room, known, done](Result<QList<protocol::SignedRoomRecord>> records) {
            if (!records)
                return done(records.error());
            QStringList actors;
            for (const protocol::SignedRoomRecord &s : std::as_const(*records)) {
                Result<protocol::RoomRecord> r = protocol::RoomRecord::decode(s.bytes);
                if (!r)
                    return reject(room, r.error().message, done);
                if (!actors.contains(r->actor))
                    actors.append(r->actor);
            }
            const QList<protocol::SignedRoomRecord> chain = *records;
            ensureRoots(actors, [this, room, known, chain, done](Status st) {
                if (!st)
                    return done(st.error());
                auto rootOf = [this](const QString &user) { return roots.value(user); };
                if (!known) {
                    Result<protocol::RoomState> state = protocol::verifyRoomChain(room, chain, rootOf);
                    if (!state)
                        return reject(room, state.error().message, done);
                    states.insert(room, *state);
                    return done(*state);
                }
                // Continue from the state verified before: the new records must extend it.
                protocol::RoomState state = *known;
                for (const protocol::SignedRoomRecord &s : chain) {
                    Result<protocol::RoomRecord> r = protocol::RoomRecord::decode(s.bytes);
                    if (!r)
                        return reject(room, r.error().message, done);
                    if (Status c = state.check(*r); !c)
                        return reject(room, u"record %1: %2"_s.arg(r->seq).arg(c.error().message), done);
                    if (Status v = protocol::verifyRoomRecordSignature(*r, s, rootOf(r->actor)); !v)
                        return reject(room, v.error().message, done);
                    state.apply(*r, s.bytes);
                }
                states.insert(room, state);
                done(state);
            });
        });
    }

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
                        states.insert(room, state);
                    else
                        states.remove(room);
                    return done(state);
                }
                const Error e = wireError(reply);
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
                return done(wireError(reply));
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
                enforced.insert(e.room, {e.enforcedExpireSeconds, e.enforcedBurn});
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
    auto callback = guarded(context, std::move(done));
    auto retries = std::make_shared<int>(0);
    auto run = std::make_shared<std::function<void()>>();
    *run = [this, room, text, options, callback, retries, run] {
        d->fetch(room, [this, room, text, options, callback, retries, run](Result<protocol::RoomState> state) {
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
            if (options.burnOnRead || state->policy.burnOnRead || d->enforced.value(room).second)
                opts.burn = true;
            d->client.send(state->memberList(), text, opts, this, [callback, retries, run](const SendResult &result) {
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

void Rooms::checkIncoming(const IncomingMessage &message, QObject *context, Callback<bool> done)
{
    auto callback = guarded(context, std::move(done));
    const QString from = message.from;
    const QString room = message.room;
    if (room.isEmpty())
        return callback(true);
    auto decide = [from, callback](const protocol::RoomState &state) { callback(state.isMember(from)); };
    if (const auto it = d->states.constFind(room); it != d->states.constEnd() && it->isMember(from))
        return decide(*it);
    d->fetch(room, [decide, callback](Result<protocol::RoomState> state) {
        if (!state)
            return callback(state.error());
        decide(*state);
    });
}

std::optional<protocol::RoomState> Rooms::verified(const QString &room) const
{
    const auto it = d->states.constFind(room);
    if (it == d->states.constEnd())
        return std::nullopt;
    return *it;
}

std::optional<std::pair<quint64, bool>> Rooms::enforced(const QString &room) const
{
    const auto it = d->enforced.constFind(room);
    if (it == d->enforced.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace parley::sdk
