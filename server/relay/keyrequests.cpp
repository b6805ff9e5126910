#include "relay/keyrequests.h"

#include "relay/sessioncontext.h"
#include "protocol/messages.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "relay/devicedirectory.h"
#include "relay/prekeyreserve.h"
#include "store/sharedlimits.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "store/pushstore.h"
#include "store/roomstore.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int MaxPrekeysHeld = 1000;

} // namespace


void handlePrekeys(SessionContext &session, const Frame &f)
{
    if (session.deviceKey.isNull()) {
        // A resumed login did not decode the device key; the point was checked when the device was enrolled.
        auto key = crypto::EcKey::fromPublicPoint(session.devicePub);
        if (!key) {
            qCWarning(lcRelay) << "A device's stored public key does not decode:" << key.error().message;
            session.sendError(WireError::Internal, u"the server could not read this device's key"_s, f.id);
            return;
        }
        session.deviceKey = std::move(*key);
    }
    // decode() has checked the sizes and the kid range; the point on the curve and the signature are ours to check.
    auto check = [&session, &f](const protocol::Prekey &k, const QString &field) -> std::optional<PrekeyRecord> {
        if (!crypto::EcKey::fromPublicPoint(k.pub)) {
            session.sendError(WireError::BadField, field + u".pub"_s, f.id);
            return std::nullopt;
        }
        if (!session.deviceKey.verify(protocol::prekeyStatement(k.kid, k.pub), k.sig)) {
            session.sendError(WireError::BadSignature, u"a prekey signature does not verify under the device key"_s, f.id);
            return std::nullopt;
        }
        PrekeyRecord record;
        record.kid = k.kid;
        record.pub = k.pub;
        record.sig = k.sig;
        return record;
    };

    const protocol::Prekeys request = protocol::Prekeys::from(f);
    QList<PrekeyRecord> keys;
    QSet<quint32> kids;
    keys.reserve(request.keys.size());
    for (const protocol::Prekey &k : request.keys) {
        std::optional<PrekeyRecord> record = check(k, u"keys"_s);
        if (!record)
            return;
        if (kids.contains(record->kid)) {
            session.sendError(WireError::BadField, u"keys: duplicate kid"_s, f.id);
            return;
        }
        kids.insert(record->kid);
        keys.append(std::move(*record));
    }
    std::optional<PrekeyRecord> lastResort;
    if (request.lr) {
        lastResort = check(*request.lr, u"lr"_s);
        if (!lastResort)
            return;
        lastResort->lastResort = true;
    }

    const quint64 requestId = f.id;
    const qint64 device = session.deviceId;
    session.write<int>([device, keys = std::move(keys), lastResort](Db &db) { return db.addPrekeys(device, keys, lastResort, MaxPrekeysHeld); },
               [requestId](SessionContext *p, Result<int> r) {
                   if (!p)
                       return;
                   if (!r) {
                       if (r.error().code == ErrorCode::Conflict)
                           p->sendError(WireError::BadField, u"keys: a kid is already stored for this device"_s, requestId);
                       else if (r.error().code == ErrorCode::QuotaExceeded)
                           p->sendError(WireError::Quota, u"the device holds the maximum number of prekeys"_s, requestId);
                       else
                           p->sendStoreError(r.error(), requestId);
                       return;
                   }
                   p->sendEncoded(protocol::PrekeysOk{quint64(*r)}.encode(requestId));
               });
}

void handleDevices(SessionContext &session, const Frame &f)
{
    protocol::DeviceList reply;
    QSet<QString> seen;
    const QStringList names = protocol::Devices::from(f).users;
    for (const QString &name : names) {
        if (seen.contains(name))
            continue;
        seen.insert(name);
        auto entry = session.services.directory->lookup(name);
        if (!entry) {
            if (entry.error().code == ErrorCode::NotFound) {
                reply.unknown.append(name);
                continue;
            }
            qCWarning(lcRelay) << "Reading a device list failed:" << entry.error().message;
            session.sendStoreError(entry.error(), f.id);
            return;
        }
        const DirectoryEntry &e = **entry;
        protocol::DirectoryUser user{e.user.name, e.user.rootPub, {}};
        user.devices.reserve(e.devices.size());
        for (const DeviceRecord &d : e.devices)
            user.devices.append(protocol::DeviceCert{d.deviceNo, d.pub, d.sig});
        reply.users.append(std::move(user));
    }
    session.sendEncoded(reply.encode(f.id));
}

namespace {

// The devices a fetch asks for: all of the user's, or the ones it names (each once). Sends the error itself and
// returns nothing when the user or a device does not exist or the user is suspended.
std::optional<QList<DeviceRecord>> fetchTargets(SessionContext &session, quint64 requestId, const protocol::Fetch &fetch,
                                                const DirectoryEntry &entry)
{
    if (entry.user.suspended) {
        session.sendError(WireError::Suspended, u"the user is suspended"_s, requestId);
        return std::nullopt;
    }
    QList<DeviceRecord> targets;
    if (fetch.devices) {
        for (const quint32 no : std::as_const(*fetch.devices)) {
            const DeviceRecord *d = entry.device(no);
            if (!d) {
                session.sendError(WireError::NotFound, u"no such device: %1"_s.arg(no), requestId);
                return std::nullopt;
            }
            if (std::none_of(targets.cbegin(), targets.cend(), [d](const DeviceRecord &t) { return t.id == d->id; }))
                targets.append(*d);
        }
    } else {
        targets = entry.devices;
    }
    if (targets.isEmpty()) {
        session.sendError(WireError::NotFound, u"the user has no devices"_s, requestId);
        return std::nullopt;
    }
    return targets;
}

struct Fetched {
    qint64 deviceId = 0;
    std::optional<Db::Consumed> consumed;
};

// What a fetch's write came to: refused by the fetch limit every node counts (the milliseconds to wait), or the keys.
struct FetchOutcome {
    qint64 waitMs = 0;
    QList<Fetched> fetched;
};

// One prekey per target device, consumed on the single writer (so two fetches never get the same key). An offline
// device's pool at its reserve is spared for requesters it has not served lately (PrekeyReserve).
Result<QList<Fetched>> consumePrekeys(Db &db, const QList<qint64> &ids, qint64 requester, const PrekeyReserve *reserve,
                                      const Router *router, qint64 nowMs)
{
    QList<Fetched> out;
    for (const qint64 id : ids) {
        bool keepOneTime = false;
        if (reserve && reserve->reserve() > 0 && !router->route(id)) {
            const Result<int> held = db.prekeyCount(id);
            if (!held)
                return held.error();
            if (*held <= reserve->reserve()) {
                const Result<bool> claimed = reserve->claim(db, requester, id, nowMs);
                if (!claimed)
                    return claimed.error();
                keepOneTime = !*claimed;
            }
        }
        auto c = db.consumePrekey(id, keepOneTime);
        if (!c) {
            if (c.error().code != ErrorCode::NotFound)
                return c.error();
            out.append(Fetched{id, std::nullopt});
        } else {
            out.append(Fetched{id, std::move(*c)});
        }
    }
    return out;
}

// The `bundle` reply: every target device that still had a prekey, with the key handed out for it.
protocol::Bundle bundleOf(const DirectoryEntry &entry, const QList<DeviceRecord> &targets, const QList<Fetched> &fetched)
{
    protocol::Bundle bundle;
    bundle.user = entry.user.name;
    bundle.root = entry.user.rootPub;
    for (qsizetype i = 0; i < fetched.size() && i < targets.size(); ++i) {
        if (!fetched.at(i).consumed)
            continue;
        const DeviceRecord &t = targets.at(i);
        const PrekeyRecord &k = fetched.at(i).consumed->key;
        bundle.devices.append(protocol::BundleDevice{t.deviceNo, t.pub, t.sig, protocol::Prekey{k.kid, k.pub, k.sig}, k.lastResort});
    }
    return bundle;
}

} // namespace

void handleFetch(SessionContext &session, const Frame &f)
{
    const protocol::Fetch fetch = protocol::Fetch::from(f);
    auto found = session.services.directory->lookup(fetch.user);
    if (!found) {
        if (found.error().code == ErrorCode::NotFound) {
            session.sendError(WireError::NotFound, u"no such user"_s, f.id);
        } else {
            qCWarning(lcRelay) << "Reading a device list failed:" << found.error().message;
            session.sendStoreError(found.error(), f.id);
        }
        return;
    }
    const std::shared_ptr<const DirectoryEntry> entry = *found;
    const std::optional<QList<DeviceRecord>> targets = fetchTargets(session, f.id, fetch, *entry);
    if (!targets)
        return;

    QList<RateLimiter::Key> keys;
    QList<SharedLimits::Key> pairs;
    QList<qint64> ids;
    for (const DeviceRecord &t : *targets) {
        keys.append(RateLimiter::Key{session.deviceId, t.id});
        pairs.append({session.deviceId, t.id});
        ids.append(t.id);
    }
    // This node's count first, at no cost to the writer; then, in the fetch's write, the one every node keeps (a
    // device that connects to another node finds its fetches counted there too).
    if (const qint64 wait = session.services.fetchLimiter->takeAll(keys, monotonicMs())) {
        session.sendRateLimited(wait, f.id);
        return;
    }

    const quint64 requestId = f.id;
    Router *router = session.services.router;
    const PrekeyReserve *reserve = session.services.prekeyReserve;
    const qint64 requester = session.deviceId;
    const double rate = 1.0 / session.services.limits.fetchRefillSeconds;
    const double burst = session.services.limits.fetchBurst;
    session.write<FetchOutcome>(
        [ids, pairs, requester, reserve, router, rate, burst](Db &db) -> Result<FetchOutcome> {
            const qint64 now = wallMs();
            const Result<qint64> wait = SharedLimits::take(db, SharedLimits::Fetch, pairs, rate, burst, now);
            if (!wait)
                return wait.error();
            if (*wait > 0)
                return FetchOutcome{*wait, {}};
            Result<QList<Fetched>> fetched = consumePrekeys(db, ids, requester, reserve, router, now);
            if (!fetched)
                return fetched.error();
            return FetchOutcome{0, std::move(*fetched)};
        },
        [requestId, router, entry, targets = *targets](SessionContext *p, Result<FetchOutcome> r) {
            if (r && r->waitMs > 0) {
                if (p)
                    p->sendRateLimited(r->waitMs, requestId);
                return;
            }
            if (r) {
                for (const Fetched &fetched : std::as_const(r->fetched)) {
                    if (fetched.consumed && (fetched.consumed->key.lastResort || fetched.consumed->remaining < RefillThreshold))
                        router->notifyRefill(fetched.deviceId, fetched.consumed->remaining);
                }
            }
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Consuming prekeys failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            const protocol::Bundle bundle = bundleOf(*entry, targets, r->fetched);
            if (bundle.devices.isEmpty()) {
                p->sendError(WireError::NotFound, u"no prekeys are available for this user's devices"_s, requestId);
                return;
            }
            p->sendEncoded(bundle.encode(requestId));
        });
}

void handleRecoveryPut(SessionContext &session, const Frame &f)
{
    const quint64 requestId = f.id;
    const qint64 user = session.userId;
    session.write<bool>(
        [user, blob = protocol::RecoveryPut::from(f).blob](Db &db) -> Result<bool> {
            if (auto r = db.putRecovery(user, blob); !r)
                return r.error();
            return true;
        },
        [requestId](SessionContext *p, Result<bool> r) {
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Storing a recovery bundle failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            p->sendEncoded(protocol::Ok().encode(requestId));
        });
}

void handleRecoveryGet(SessionContext &session, const Frame &f)
{
    auto blob = session.services.store->reader().recovery(session.userId);
    if (!blob) {
        qCWarning(lcRelay) << "Reading a recovery bundle failed:" << blob.error().message;
        session.sendStoreError(blob.error(), f.id);
        return;
    }
    protocol::Recovery reply;
    if (!blob->isEmpty())
        reply.blob = *blob;
    session.sendEncoded(reply.encode(f.id));
}

} // namespace parley::server
