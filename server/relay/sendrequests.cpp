#include "relay/sendrequests.h"

#include "relay/sessioncontext.h"
#include "crypto/crypto.h"
#include "push/pushservice.h"
#include "protocol/cborwriter.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "relay/devicedirectory.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "relay/roomcache.h"
#include "store/pushstore.h"
#include "store/roomstore.h"
#include "store/sharedlimits.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// What handleSend works out, step by step, before the message goes to the store.
struct Target {
    QString user;
    quint32 device = 0;
    qint64 deviceId = 0;
    bool matched = false;
};

bool targetLess(const Target &a, const QString &user, quint32 device)
{
    const int c = a.user.compare(user);
    return c < 0 || (c == 0 && a.device < device);
}

// The buckets a message takes a token from in the database when several nodes may serve the account
// (Services::sharedLimits): the account's and, for a bot, the bot's own. The writer keeps the wait when one is dry.
struct SharedTakes {
    qint64 account = 0;
    double sendRate = 0;
    double sendBurst = 0;
    std::optional<std::pair<double, double>> bot;   // the bot's rate and burst
    qint64 waitMs = 0;
};

struct SendPlan {
    protocol::SendRequest request;
    std::shared_ptr<SharedTakes> shared;   // null: this node's buckets are the only ones
    std::shared_ptr<const StoredRoom> room;
    std::vector<Target> expected;      // sorted by (user, device)
    QStringList unknown;
    std::shared_ptr<NewMessage> message = std::make_shared<NewMessage>();
};

// A bot's message (docs/admin-api.md "Bots"): the bot is neither revoked nor expired, every recipient (for a room
// message: the room) is in its scope, and it is within its own send rate. The bot comes from the device directory,
// so what an administrator changes applies from the next message on.
bool checkBot(SessionContext &session, const Frame &f, SendPlan &plan)
{
    if (!session.bot)
        return true;
    auto entry = session.services.directory->lookup(session.userName);
    if (!entry && entry.error().code != ErrorCode::NotFound) {
        qCWarning(lcRelay) << "Reading a bot failed:" << entry.error().message;
        session.sendStoreError(entry.error(), f.id);
        return false;
    }
    const BotRecord *bot = entry && (*entry)->bot ? &*(*entry)->bot : nullptr;
    if (!bot || bot->blocked(wallMs())) {
        session.sendError(WireError::Forbidden, u"this bot may send no more: it expired, or was revoked or deleted"_s, f.id);
        session.closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"the bot's credential ended"_s);
        return false;
    }
    if (const std::optional<QString> &room = plan.request.opts.room) {
        if (!bot->scope.allowsRoom(*room)) {
            session.sendError(WireError::Forbidden, u"room %1 is outside this bot's scope"_s.arg(*room), f.id);
            return false;
        }
    } else {
        for (const QString &user : plan.request.to) {
            if (user != session.userName && !bot->scope.allowsUser(user)) {
                session.sendError(WireError::Forbidden, u"user %1 is outside this bot's scope"_s.arg(user), f.id);
                return false;
            }
        }
    }
    if (const qint64 wait = session.services.botLimiter->takeWithLimits(RateLimiter::Key{session.userId, 0}, monotonicMs(),
                                                                        bot->rate, bot->burst)) {
        session.sendRateLimited(wait, f.id);
        return false;
    }
    if (plan.shared)
        plan.shared->bot = std::pair(double(bot->rate), double(bot->burst));
    return true;
}

// sent_at within the allowed skew, a bot's scope and rate, and the account's send rate. (decode() has already
// refused recipients that are not user names in strictly increasing UTF-8 order, and every field of the wrong type
// or size.)
bool checkRequest(SessionContext &session, const Frame &f, SendPlan &plan)
{
    if (std::abs(qint64(plan.request.at) - wallMs()) > MaxClockSkewMs) {
        session.sendError(WireError::StaleTime, u"sent_at is more than 5 minutes away from the server time"_s, f.id);
        return false;
    }
    if (session.services.sharedLimits) {
        plan.shared = std::make_shared<SharedTakes>();
        plan.shared->account = session.userId;
        plan.shared->sendRate = session.services.limits.sendRate;
        plan.shared->sendBurst = session.services.limits.sendBurst;
    }
    if (!checkBot(session, f, plan))
        return false;
    if (const qint64 wait = session.services.sendLimiter->take(RateLimiter::Key{session.userId, 0}, monotonicMs())) {
        session.sendRateLimited(wait, f.id);
        return false;
    }
    return true;
}

// A room message goes to the room's current members: the sender must be one, and `to` must name them all.
bool checkRoom(SessionContext &session, const Frame &f, SendPlan &plan)
{
    const protocol::MessageOptions &options = plan.request.opts;
    if (!options.room)
        return true;
    auto state = session.services.rooms->room(*options.room);
    if (!state) {
        if (state.error().code == ErrorCode::NotFound) {
            session.sendError(WireError::NotFound, u"no such room"_s, f.id);
        } else {
            qCWarning(lcRelay) << "Reading a room failed:" << state.error().message;
            session.sendStoreError(state.error(), f.id);
        }
        return false;
    }
    if (!(*state)->state.isMember(session.userName)) {
        session.sendError(WireError::Forbidden, u"you are not a member of this room"_s, f.id);
        return false;
    }
    if ((*state)->state.memberList() != plan.request.to) {
        protocol::ErrorReply e = protocol::errorReply(WireError::DeviceMismatch, u"the room's members changed; fetch the room again"_s);
        e.missing.emplace();
        e.stale.emplace();
        e.unknown.emplace();
        session.sendEncoded(e.encode(f.id));
        return false;
    }
    // Burn-on-read (the chain's or the administrator's) is part of the signed options: a message without it is
    // refused rather than stored under a rule the recipients' clients would not know of.
    if ((*state)->retention.effectiveBurn() && !options.burn.value_or(false)) {
        session.sendError(WireError::Forbidden, u"this room is burn-on-read: messages must carry opts.burn"_s, f.id);
        return false;
    }
    plan.room = std::move(*state);
    return true;
}

// The devices the key entries must name: every device of every recipient plus the sender's other devices.
bool resolveTargets(SessionContext &session, const Frame &f, SendPlan &plan)
{
    auto addUser = [&](const QString &name) -> bool {
        auto entry = session.services.directory->lookup(name);
        if (!entry) {
            if (entry.error().code == ErrorCode::NotFound) {
                plan.unknown.append(name);
                return true;
            }
            qCWarning(lcRelay) << "Reading a device list failed:" << entry.error().message;
            session.sendStoreError(entry.error(), f.id);
            return false;
        }
        for (const DeviceRecord &d : (*entry)->devices) {
            if (d.userId == session.userId && d.deviceNo == session.deviceNo)
                continue;
            plan.expected.push_back(Target{name, d.deviceNo, d.id, false});
        }
        return true;
    };
    bool senderListed = false;
    for (const QString &u : std::as_const(plan.request.to)) {
        senderListed = senderListed || u == session.userName;
        if (!addUser(u))
            return false;
    }
    if (!senderListed && !addUser(session.userName))
        return false;
    std::sort(plan.expected.begin(), plan.expected.end(),
              [](const Target &a, const Target &b) { return targetLess(a, b.user, b.device); });
    return true;
}

// One key entry per expected device, none for any other: otherwise `device_mismatch` says what is missing, stale
// or unknown, so that the client can converge.
bool matchKeys(SessionContext &session, const Frame &f, SendPlan &plan)
{
    NewMessage &m = *plan.message;
    m.entries.reserve(plan.request.keys.size());
    QList<protocol::DeviceRef> stale;
    for (const protocol::KeyEntry &k : std::as_const(plan.request.keys)) {
        const QString &user = k.user;
        const quint32 device = k.device;
        NewMessage::Entry entry;
        entry.eph = k.eph;
        entry.wrappedKey = k.wk;
        entry.kid = k.kid;
        const auto it = std::lower_bound(plan.expected.begin(), plan.expected.end(), std::pair(user, device),
                                         [](const Target &a, const std::pair<QString, quint32> &b) {
                                             return targetLess(a, b.first, b.second);
                                         });
        if (it == plan.expected.end() || it->user != user || it->device != device) {
            stale.append(protocol::DeviceRef{user, device});
            continue;
        }
        if (it->matched) {
            session.sendError(WireError::BadField, u"keys: more than one entry for a device"_s, f.id);
            return false;
        }
        it->matched = true;
        entry.deviceId = it->deviceId;
        m.entries.append(std::move(entry));
    }
    QList<protocol::DeviceRef> missing;
    for (const Target &t : plan.expected) {
        if (!t.matched)
            missing.append(protocol::DeviceRef{t.user, t.device});
    }
    if (plan.unknown.isEmpty() && missing.isEmpty() && stale.isEmpty())
        return true;
    protocol::ErrorReply e = protocol::errorReply(WireError::DeviceMismatch, u"the key entries do not match the current devices"_s);
    e.missing = std::move(missing);
    e.stale = std::move(stale);
    e.unknown = plan.unknown;
    session.sendEncoded(e.encode(f.id));
    return false;
}

// The envelope as every recipient gets it, its sender stamped from the session's login. The signature over the
// message core is the recipients' to check (docs/protocol.md, "Who checks what"): the server binds the sender to the
// authenticated session instead, so a client cannot name another sender, and a signature that does not verify
// under the stamped sender's device key is dropped by every recipient.
void fillEnvelope(SessionContext &session, SendPlan &plan)
{
    NewMessage &m = *plan.message;
    m.senderDeviceId = session.deviceId;
    const protocol::SendRequest &r = plan.request;
    protocol::RelayedMsg &e = m.envelope;
    e.sender = session.userName;
    e.dev = session.deviceNo;
    e.mid = r.mid;
    e.at = r.at;
    e.pl = r.pl;
    e.kc = r.kc;
    e.sig = r.sig;
    protocol::CborWriter(e.to.cbor).texts(r.to);
    e.opts.cbor = r.opts.encode();
    if (plan.room)
        m.room = *r.opts.room;
    // The same message sent again (a client that lost its connection before `accepted`) has the same core: the
    // store answers it with the first outcome. Another message under a used id is a replay.
    m.digest = protocol::MessageCore::of(r, session.userName, session.deviceNo).hash();
    m.senderUserId = session.userId;
    if (r.blobs)
        m.blobs = *r.blobs;
}

// Effective expiry: the shortest of the server's queue lifetime, the message's own, the room's (the shorter of the
// chain's and the administrator's override) and the server's room maximum; counted from the signed sent_at so that
// recipients can compute it too.
bool applyExpiry(SessionContext &session, const Frame &f, SendPlan &plan)
{
    NewMessage &m = *plan.message;
    m.expiresAt = wallMs() + qint64(session.services.limits.messageTtlDays) * 24 * 3600 * 1000;
    auto clampExpiry = [&m, at = plan.request.at](qint64 seconds) {
        if (seconds > 0)
            m.expiresAt = std::min(m.expiresAt, qint64(at) + seconds * 1000);
    };
    clampExpiry(qint64(plan.request.opts.exp.value_or(0)));
    if (plan.room) {
        clampExpiry(qint64(plan.room->retention.effectiveExpireSeconds()));
        auto settings = session.services.rooms->settings();
        if (!settings) {
            qCWarning(lcRelay) << "Reading the room settings failed:" << settings.error().message;
            session.sendStoreError(settings.error(), f.id);
            return false;
        }
        clampExpiry(settings->maxExpireSeconds);
    }
    m.maxQueuePerDevice = session.services.limits.maxQueuePerDevice;
    return true;
}

// The message's tokens from the buckets every node counts, in its write: RateLimited (the wait in `takes`) when one
// has none. A bot's bucket first, as at this node.
Status takeShared(Db &db, SharedTakes &takes)
{
    const qint64 now = wallMs();
    const SharedLimits::Key key{takes.account, 0};
    if (takes.bot) {
        if (Status s = SharedLimits::takeOrRefuse(db, SharedLimits::Bot, key, takes.bot->first, takes.bot->second, now, takes.waitMs); !s)
            return s;
    }
    return SharedLimits::takeOrRefuse(db, SharedLimits::Send, key, takes.sendRate, takes.sendBurst, now, takes.waitMs);
}

// Stores the message (and its push wake-ups) through the single writer. Completes on the router's thread, in commit
// order (see Router): the router fans it out, and the reply goes back to this session's worker. While the writer's
// queue is full (a slow or stalled disk) the message is not taken: `busy`, with a hint when to try again.
void commit(SessionContext &session, quint64 requestId, const SendPlan &plan)
{
    const std::shared_ptr<NewMessage> &message = plan.message;
    const std::shared_ptr<SharedTakes> shared = plan.shared;
    Router *router = session.services.router;
    PushService *push = session.services.push;
    RelayMetrics *metrics = session.services.metrics;
    const QPointer<QObject> home(session.host.thread);
    const QPointer<QObject> alive(session.q);
    SessionContext *self = &session;
    const bool queued = session.services.store->tryWrite<InsertedMessage>(
        router, std::function<Result<InsertedMessage>(Db &)>([message, push, shared](Db &db) -> Result<InsertedMessage> {
            if (shared) {
                if (Status s = takeShared(db, *shared); !s)
                    return s.error();
            }
            auto inserted = db.insertMessage(*message);
            if (inserted && !inserted->duplicate && push)
                push->enqueueFor(db, *message);   // wake-ups for offline devices, durable with the message
            return inserted;
        }),
        std::function<void(Result<InsertedMessage>)>([router, push, metrics, home, alive, self, requestId, message, shared](Result<InsertedMessage> r) {
            if (r && !r->duplicate && metrics)
                metrics->messagesAccepted.add();
            if (home) {
                QMetaObject::invokeMethod(
                    home.data(),
                    [alive, self, requestId, mid = message->envelope.mid, r, wait = shared ? shared->waitMs : 0] {
                        if (!alive)
                            return;
                        if (!r && r.error().code == ErrorCode::RateLimited)
                            self->sendRateLimited(wait, requestId);
                        else
                            sendCompleted(*self, requestId, mid, r);
                    },
                    Qt::QueuedConnection);
            }
            if (r && !r->duplicate)
                router->fanOut(*message, *r);
            if (r && !r->duplicate && push)
                push->wake();
        }));
    if (!queued)
        session.sendBusy(BusyRetryMs, requestId);
}

} // namespace

void handleSend(SessionContext &session, const Frame &f)
{
    SendPlan plan;
    plan.request = protocol::SendRequest::from(f);
    if (!checkRequest(session, f, plan) || !checkRoom(session, f, plan) || !resolveTargets(session, f, plan)
        || !matchKeys(session, f, plan))
        return;
    fillEnvelope(session, plan);
    if (applyExpiry(session, f, plan))
        commit(session, f.id, plan);
}

// Acks are never refused for a full write queue (Store::write, not tryWrite): a refused ack would leave the
// entries on disk and bring the messages back with the next connection, more work for the writer rather than less,
// and a burn-on-read message would outlive its reading. Their number is bounded without that: a device acks only
// what was delivered to it, at most the delivery window per session, and deleting is what frees the disk.
void handleAck(SessionContext &session, const Frame &f)
{
    const QList<quint64> seqs = protocol::Ack::from(f).seqs;
    if (session.deliveries)
        session.deliveries->acked(seqs);
    const qint64 device = session.deviceId;
    RelayMetrics *metrics = session.services.metrics;
    session.write<int>([device, seqs](Db &db) { return db.deleteQueued(device, seqs); },
               [metrics](SessionContext *, Result<int> r) {
                   // Delivered: the entries the ack took off the queue (none twice: a repeated ack deletes nothing).
                   if (r && metrics)
                       metrics->messagesDelivered.add(quint64(std::max(0, *r)));
                   // They come again on the next connection. A storage failure is the store's to log, once.
                   if (!r && r.error().code != ErrorCode::Io)
                       qCWarning(lcRelay) << "Deleting acknowledged messages failed:" << r.error().message;
               });
}

void sendCompleted(SessionContext &session, quint64 requestId, const QByteArray &mid, const Result<InsertedMessage> &result)
{
    if (session.closing)
        return;
    if (!result) {
        switch (result.error().code) {
        case ErrorCode::Conflict:
            session.sendError(WireError::Replay, u"this message id was already used by this device"_s, requestId);
            break;
        case ErrorCode::QuotaExceeded:
            session.sendError(WireError::Quota, u"a recipient's queue is full"_s, requestId);
            break;
        case ErrorCode::NotFound:   // a referenced blob (docs/protocol.md, "Attachments")
            session.sendError(WireError::NotFound, result.error().message, requestId);
            break;
        default:
            if (result.error().code != ErrorCode::Io)   // the store logs a storage failure once, not per message
                qCWarning(lcRelay) << "Storing a message failed:" << result.error().message;
            session.sendStoreError(result.error(), requestId);
            break;
        }
        return;
    }
    protocol::Accepted accepted;
    accepted.mid = mid;
    accepted.seq = quint64(result->payloadId);
    session.sendEncoded(accepted.encode(requestId));
}

} // namespace parley::server
