#include "relay/keyrequests.h"

#include "relay/sessioncontext.h"
#include "protocol/messages.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
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

constexpr int RefillThreshold = 20;
constexpr int MaxPrekeysHeld = 1000;

} // namespace


void handlePrekeys(SessionContext &session, const Frame &f)
{
    auto parse = [&session](const QCborMap &m, const QString &field) -> std::variant<PrekeyRecord, Frame> {
        PrekeyRecord k;
        const qint64 kid = m.value("kid"_L1).toInteger(-1);
        k.pub = m.value("pub"_L1).toByteArray();
        k.sig = m.value("sig"_L1).toByteArray();
        if (kid < 0 || kid > qint64(0xffffffffu))
            return protocol::errorFrame(WireError::BadField, field + u".kid"_s);
        k.kid = quint32(kid);
        if (!crypto::EcKey::fromPublicPoint(k.pub))
            return protocol::errorFrame(WireError::BadField, field + u".pub"_s);
        if (!session.deviceKey.verify(protocol::prekeyStatement(k.kid, k.pub), k.sig))
            return protocol::errorFrame(WireError::BadSignature, u"a prekey signature does not verify under the device key"_s);
        return k;
    };

    QList<PrekeyRecord> keys;
    QSet<quint32> kids;
    const QCborArray list = f.array("keys"_L1);
    keys.reserve(list.size());
    for (const QCborValue &v : list) {
        auto parsed = parse(v.toMap(), u"keys"_s);
        if (Frame *e = std::get_if<Frame>(&parsed)) {
            e->id = f.id;
            session.sendFrame(*e);
            return;
        }
        PrekeyRecord &k = std::get<PrekeyRecord>(parsed);
        if (kids.contains(k.kid)) {
            session.sendError(WireError::BadField, u"keys: duplicate kid"_s, f.id);
            return;
        }
        kids.insert(k.kid);
        keys.append(std::move(k));
    }
    std::optional<PrekeyRecord> lastResort;
    if (f.has("lr"_L1)) {
        auto parsed = parse(f.map("lr"_L1), u"lr"_s);
        if (Frame *e = std::get_if<Frame>(&parsed)) {
            e->id = f.id;
            session.sendFrame(*e);
            return;
        }
        lastResort = std::get<PrekeyRecord>(parsed);
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
                   p->sendFrame(Frame(u"prekeys_ok"_s, requestId).set("count"_L1, QCborValue(qint64(*r))));
               });
}

void handleDevices(SessionContext &session, const Frame &f)
{
    QCborArray users;
    QCborArray unknown;
    QSet<QString> seen;
    const QStringList names = f.textList("users"_L1);
    for (const QString &name : names) {
        if (seen.contains(name))
            continue;
        seen.insert(name);
        if (!protocol::isValidUserName(name)) {
            unknown.append(name);
            continue;
        }
        auto entry = session.services.directory->lookup(name);
        if (!entry) {
            if (entry.error().code == ErrorCode::NotFound) {
                unknown.append(name);
                continue;
            }
            qCWarning(lcRelay) << "Reading a device list failed:" << entry.error().message;
            session.sendStoreError(entry.error(), f.id);
            return;
        }
        const DirectoryEntry &e = **entry;
        QCborArray devices;
        for (const DeviceRecord &d : e.devices) {
            QCborMap m;
            m.insert("device"_L1, qint64(d.deviceNo));
            m.insert("pub"_L1, d.pub);
            m.insert("sig"_L1, d.sig);
            devices.append(m);
        }
        QCborMap u;
        u.insert("user"_L1, e.user.name);
        u.insert("root"_L1, e.user.rootPub);
        u.insert("devices"_L1, devices);
        users.append(u);
    }
    Frame reply(u"device_list"_s, f.id);
    reply.set("users"_L1, users);
    reply.set("unknown"_L1, unknown);
    session.sendFrame(reply);
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

// One prekey per target device, consumed on the single writer (so two fetches never get the same key).
Result<QList<Fetched>> consumePrekeys(Db &db, const QList<qint64> &ids)
{
    QList<Fetched> out;
    for (const qint64 id : ids) {
        auto c = db.consumePrekey(id);
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
    QList<qint64> ids;
    for (const DeviceRecord &t : *targets) {
        keys.append(RateLimiter::Key{session.deviceId, t.id});
        ids.append(t.id);
    }
    if (const qint64 wait = session.services.fetchLimiter->takeAll(keys, monotonicMs())) {
        session.sendRateLimited(wait, f.id);
        return;
    }

    const quint64 requestId = f.id;
    Router *router = session.services.router;
    session.write<QList<Fetched>>(
        [ids](Db &db) { return consumePrekeys(db, ids); },
        [requestId, router, entry, targets = *targets](SessionContext *p, Result<QList<Fetched>> r) {
            if (r) {
                for (const Fetched &fetched : std::as_const(*r)) {
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
            const protocol::Bundle bundle = bundleOf(*entry, targets, *r);
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
        [user, blob = f.bytes("blob"_L1)](Db &db) -> Result<bool> {
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
            p->sendFrame(Frame(u"ok"_s, requestId));
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
    Frame reply(u"recovery"_s, f.id);
    if (!blob->isEmpty())
        reply.set("blob"_L1, QCborValue(*blob));
    session.sendFrame(reply);
}

} // namespace parley::server
