#include "relay/sendrequests.h"

#include "relay/sessioncontext.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "protocol/cborwriter.h"
#include "relay/devicedirectory.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "store/pushstore.h"
#include "store/roomstore.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <optional>

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

struct SendPlan {
    QStringList to;
    quint64 at = 0;
    QCborMap options;
    std::optional<StoredRoom> room;
    std::vector<Target> expected;      // sorted by (user, device)
    QCborArray unknown;
    std::shared_ptr<NewMessage> message = std::make_shared<NewMessage>();
};

// Recipients well-formed and in canonical order, sent_at within the allowed skew, the account's send rate.
bool checkRequest(SessionContext &session, const Frame &f, SendPlan &plan)
{
    plan.to = f.textList("to"_L1);
    for (const QString &u : std::as_const(plan.to)) {
        if (!protocol::isValidUserName(u)) {
            session.sendError(WireError::BadField, u"to"_s, f.id);
            return false;
        }
    }
    if (plan.to.isEmpty() || protocol::normalisedRecipients(plan.to) != plan.to) {
        session.sendError(WireError::BadField, u"to: recipients must be sorted by their UTF-8 bytes, without duplicates"_s, f.id);
        return false;
    }
    plan.at = f.uint("at"_L1);
    if (std::abs(qint64(plan.at) - wallMs()) > MaxClockSkewMs) {
        session.sendError(WireError::StaleTime, u"sent_at is more than 5 minutes away from the server time"_s, f.id);
        return false;
    }
    if (const qint64 wait = session.services.sendLimiter->take(RateLimiter::Key{session.userId, 0}, monotonicMs())) {
        session.sendRateLimited(wait, f.id);
        return false;
    }
    plan.options = f.map("opts"_L1);
    return true;
}

// A room message goes to the room's current members: the sender must be one, and `to` must name them all.
bool checkRoom(SessionContext &session, const Frame &f, SendPlan &plan)
{
    if (!plan.options.contains("room"_L1))
        return true;
    auto state = roomstore::load(session.services.store->reader(), plan.options.value("room"_L1).toString());
    if (!state) {
        if (state.error().code == ErrorCode::NotFound) {
            session.sendError(WireError::NotFound, u"no such room"_s, f.id);
        } else {
            qCWarning(lcRelay) << "Reading a room failed:" << state.error().message;
            session.sendStoreError(state.error(), f.id);
        }
        return false;
    }
    if (!state->state.isMember(session.userName)) {
        session.sendError(WireError::Forbidden, u"you are not a member of this room"_s, f.id);
        return false;
    }
    if (state->state.memberList() != plan.to) {
        Frame e = protocol::errorFrame(WireError::DeviceMismatch, u"the room's members changed; fetch the room again"_s, f.id);
        e.set("missing"_L1, QCborArray()).set("stale"_L1, QCborArray()).set("unknown"_L1, QCborArray());
        session.sendFrame(e);
        return false;
    }
    // Burn-on-read (the chain's or the administrator's) is part of the signed options: a message without it is
    // refused rather than stored under a rule the recipients' clients would not know of.
    if (state->retention.effectiveBurn() && !plan.options.value("burn"_L1).toBool()) {
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
    for (const QString &u : std::as_const(plan.to)) {
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
    const QCborArray keys = f.array("keys"_L1);
    m.entries.reserve(keys.size());
    QCborArray stale;
    for (const QCborValue &v : keys) {
        const QCborMap k = v.toMap();
        const QString user = k.value("user"_L1).toString();
        const qint64 device = k.value("device"_L1).toInteger(-1);
        const qint64 kid = k.value("kid"_L1).toInteger(-1);
        NewMessage::Entry entry;
        entry.eph = k.value("eph"_L1).toByteArray();
        entry.wrappedKey = k.value("wk"_L1).toByteArray();
        if (device < 0 || device > qint64(0xffffffffu) || kid < 0 || kid > qint64(0xffffffffu)
            || entry.eph.size() != crypto::P521PointSize || entry.wrappedKey.size() != 48) {
            session.sendError(WireError::BadField, u"keys"_s, f.id);
            return false;
        }
        entry.kid = quint32(kid);
        const auto it = std::lower_bound(plan.expected.begin(), plan.expected.end(), std::pair(user, quint32(device)),
                                         [](const Target &a, const std::pair<QString, quint32> &b) {
                                             return targetLess(a, b.first, b.second);
                                         });
        if (it == plan.expected.end() || it->user != user || it->device != quint32(device)) {
            stale.append(userDevice(user, quint64(device)));
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
    QCborArray missing;
    for (const Target &t : plan.expected) {
        if (!t.matched)
            missing.append(userDevice(t.user, t.device));
    }
    if (plan.unknown.isEmpty() && missing.isEmpty() && stale.isEmpty())
        return true;
    Frame e = protocol::errorFrame(WireError::DeviceMismatch, u"the key entries do not match the current devices"_s, f.id);
    e.set("missing"_L1, missing);
    e.set("stale"_L1, stale);
    e.set("unknown"_L1, plan.unknown);
    session.sendFrame(e);
    return false;
}

// The sender, stamped from the session's login, and the signature over the message core.
bool fillAndVerify(SessionContext &session, const Frame &f, SendPlan &plan)
{
    NewMessage &m = *plan.message;
    m.senderDeviceId = session.deviceId;
    m.from = session.userName;
    m.fromDevice = session.deviceNo;
    m.mid = f.bytes("mid"_L1);
    m.sentAt = plan.at;
    m.payload = f.bytes("pl"_L1);
    m.keyCommitment = f.bytes("kc"_L1);
    m.signature = f.bytes("sig"_L1);

    protocol::MessageCoreInput core;
    core.from = m.from;
    core.device = m.fromDevice;
    core.mid = m.mid;
    core.to = plan.to;
    core.sentAt = plan.at;
    core.payload = m.payload;
    core.keyCommitment = m.keyCommitment;
    core.options = plan.options;
    if (!session.deviceKey.verify(protocol::messageCore(core), m.signature)) {
        session.sendError(WireError::BadSignature, u"the message signature does not verify under the device key"_s, f.id);
        return false;
    }
    m.to = QCborValue(f.array("to"_L1)).toCbor();
    m.options = QCborValue(plan.options).toCbor();
    if (plan.room)
        m.room = plan.options.value("room"_L1).toString();
    return true;
}

// Effective expiry: the shortest of the server's queue lifetime, the message's own, the room's (the shorter of the
// chain's and the administrator's override) and the server's room maximum; counted from the signed sent_at so that
// recipients can compute it too.
bool applyExpiry(SessionContext &session, const Frame &f, SendPlan &plan)
{
    NewMessage &m = *plan.message;
    m.expiresAt = wallMs() + qint64(session.services.limits.messageTtlDays) * 24 * 3600 * 1000;
    auto clampExpiry = [&m, at = plan.at](qint64 seconds) {
        if (seconds > 0)
            m.expiresAt = std::min(m.expiresAt, qint64(at) + seconds * 1000);
    };
    clampExpiry(plan.options.value("exp"_L1).toInteger(0));
    if (plan.room) {
        clampExpiry(qint64(plan.room->retention.effectiveExpireSeconds()));
        auto settings = session.services.store->reader().roomSettings();
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

// Stores the message (and its push wake-ups) through the single writer. Completes on the router's thread, in commit
// order (see Router): the router fans it out, and the reply goes back to this session's worker.
void commit(SessionContext &session, quint64 requestId, const std::shared_ptr<NewMessage> &message)
{
    Router *router = session.services.router;
    PushService *push = session.services.push;
    const QPointer<QObject> home(session.host.thread);
    const QPointer<QObject> alive(session.q);
    SessionContext *self = &session;
    session.services.store->write<InsertedMessage>(
        router, std::function<Result<InsertedMessage>(Db &)>([message, push](Db &db) {
            auto inserted = db.insertMessage(*message);
            if (inserted && push)
                push->enqueueFor(db, *message);   // wake-ups for offline devices, durable with the message
            return inserted;
        }),
        std::function<void(Result<InsertedMessage>)>([router, push, home, alive, self, requestId, message](Result<InsertedMessage> r) {
            if (home) {
                QMetaObject::invokeMethod(
                    home.data(),
                    [alive, self, requestId, mid = message->mid, r] {
                        if (alive)
                            sendCompleted(*self, requestId, mid, r);
                    },
                    Qt::QueuedConnection);
            }
            if (r)
                router->fanOut(*message, *r);
            if (r && push)
                push->wake();
        }));
}

} // namespace

void handleSend(SessionContext &session, const Frame &f)
{
    SendPlan plan;
    if (checkRequest(session, f, plan) && checkRoom(session, f, plan) && resolveTargets(session, f, plan)
        && matchKeys(session, f, plan) && fillAndVerify(session, f, plan) && applyExpiry(session, f, plan))
        commit(session, f.id, plan.message);
}

void handleAck(SessionContext &session, const Frame &f)
{
    const QCborArray list = f.array("seqs"_L1);
    QList<quint64> seqs;
    seqs.reserve(list.size());
    for (const QCborValue &v : list)
        seqs.append(quint64(v.toInteger()));
    if (session.deliveries)
        session.deliveries->acked(seqs);
    const qint64 device = session.deviceId;
    session.write<int>([device, seqs](Db &db) { return db.deleteQueued(device, seqs); },
               [](SessionContext *, Result<int> r) {
                   if (!r)
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
        default:
            qCWarning(lcRelay) << "Storing a message failed:" << result.error().message;
            session.sendStoreError(result.error(), requestId);
            break;
        }
        return;
    }
    QByteArray &out = *session.host.scratch;
    out.resize(0);
    protocol::CborWriter w(out);
    w.map(4);
    w.text("t"_L1);
    w.text("accepted"_L1);
    w.text("id"_L1);
    w.uint(requestId);
    w.text("mid"_L1);
    w.bytes(mid);
    w.text("seq"_L1);
    w.uint(quint64(result->payloadId));
    session.socket->sendBinaryMessage(out);
}

} // namespace parley::server
