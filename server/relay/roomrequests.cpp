#include "relay/roomrequests.h"

#include "relay/sessioncontext.h"
#include "protocol/messages.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "relay/devicedirectory.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "relay/roomcache.h"
#include "store/pushstore.h"
#include "store/roomstore.h"
#include "store/sharedlimits.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {



namespace {

QByteArray roomChangedFrame(const QString &room, quint64 seq)
{
    return protocol::RoomChanged{room, seq}.encode();
}

WireError wireErrorForRoom(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Conflict: return WireError::Conflict;
    case ErrorCode::Forbidden: return WireError::Forbidden;
    case ErrorCode::QuotaExceeded: return WireError::Quota;
    case ErrorCode::NotFound: return WireError::NotFound;
    case ErrorCode::Protocol: return WireError::BadField;
    case ErrorCode::Unavailable: return WireError::Unavailable;
    default: return WireError::Internal;
    }
}


// A membership record the session's device may append: well formed, for this room, by this device, at about now,
// signed under this device's certificate, and (for an add) naming a user that exists. Sends the refusal itself.
std::optional<std::pair<protocol::RoomRecord, protocol::SignedRoomRecord>> checkRoomRecord(SessionContext &session, quint64 requestId,
                                                                                            const protocol::RoomChange &change)
{
    protocol::SignedRoomRecord signedRecord;
    signedRecord.bytes = change.rec;
    signedRecord.sig = change.sig;
    Result<protocol::RoomRecord> decoded = protocol::RoomRecord::decode(signedRecord.bytes);
    if (!decoded) {
        session.sendError(WireError::BadField, u"rec: "_s + decoded.error().message, requestId);
        return std::nullopt;
    }
    const protocol::RoomRecord record = std::move(*decoded);
    if (record.room != change.room) {
        session.sendError(WireError::BadField, u"rec: the record names another room"_s, requestId);
        return std::nullopt;
    }
    if (record.actor != session.userName || record.actorDevice != session.deviceNo) {
        session.sendError(WireError::Forbidden, u"a record's actor must be the device that sends it"_s, requestId);
        return std::nullopt;
    }
    if (std::abs(qint64(record.at) - wallMs()) > MaxClockSkewMs) {
        session.sendError(WireError::StaleTime, u"the record's time is more than 5 minutes away from the server time"_s, requestId);
        return std::nullopt;
    }
    auto self = session.services.directory->lookup(session.userName);
    if (!self) {
        session.sendStoreError(self.error(), requestId);
        return std::nullopt;
    }
    const DeviceRecord *me = (*self)->device(session.deviceNo);
    if (!me) {
        session.sendError(WireError::AuthFailed, u"this device is no longer registered"_s, requestId);
        return std::nullopt;
    }
    signedRecord.devicePub = me->pub;
    signedRecord.deviceCert = me->sig;
    if (Status s = protocol::verifyRoomRecordSignature(record, signedRecord, (*self)->user.rootPub); !s) {
        session.sendError(WireError::BadSignature, s.error().message, requestId);
        return std::nullopt;
    }
    if (record.op == protocol::RoomOp::Add) {
        auto target = session.services.directory->lookup(record.target);
        if (!target) {
            if (target.error().code == ErrorCode::NotFound)
                session.sendError(WireError::NotFound, u"no such user: %1"_s.arg(record.target), requestId);
            else
                session.sendStoreError(target.error(), requestId);
            return std::nullopt;
        }
    }
    return std::pair(record, signedRecord);
}

} // namespace

void handleRoomChange(SessionContext &session, const Frame &f)
{
    // Every stored record stays in the chain and reaches every member's devices: a budget per account.
    if (RateLimiter *limiter = session.services.roomLimiter) {
        if (const qint64 wait = limiter->take(RateLimiter::Key{session.userId, 0}, monotonicMs())) {
            session.sendRateLimited(wait, f.id);
            return;
        }
    }
    const protocol::RoomChange change = protocol::RoomChange::from(f);
    auto checked = checkRoomRecord(session, f.id, change);
    if (!checked)
        return;
    const QString room = change.room;
    const auto [record, signedRecord] = std::move(*checked);

    const quint64 requestId = f.id;
    DeviceDirectory *directory = session.services.directory;
    Router *router = session.services.router;
    // With several nodes, the account's bucket every node counts too, in the record's write.
    const bool shared = session.services.sharedLimits;
    const qint64 account = session.userId;
    const double rate = session.services.limits.roomChangeRate;
    const double burst = session.services.limits.roomChangeBurst;
    const auto wait = std::make_shared<qint64>(0);
    session.write<AppendedRoomRecord>(
        [record, signedRecord, shared, account, rate, burst, wait](Db &db) -> Result<AppendedRoomRecord> {
            if (shared) {
                if (Status s = SharedLimits::takeOrRefuse(db, SharedLimits::Room, {account, 0}, rate, burst, wallMs(), *wait); !s)
                    return s.error();
            }
            auto settings = db.roomSettings();
            if (!settings)
                return settings.error();
            return roomstore::append(db, record, signedRecord, *settings);
        },
        [requestId, room, directory, router, wait](SessionContext *p, Result<AppendedRoomRecord> r) {
            if (r) {
                qCInfo(lcRelay) << "A room's membership changed";
                const QByteArray notice = roomChangedFrame(room, r->seq);
                for (const QString &user : std::as_const(r->notify)) {
                    auto entry = directory->lookup(user);
                    if (!entry)
                        continue;
                    for (const DeviceRecord &device : (*entry)->devices)
                        router->notify(device.id, notice);
                }
            }
            if (!p)
                return;
            if (!r && r.error().code == ErrorCode::RateLimited) {
                p->sendRateLimited(*wait, requestId);
                return;
            }
            if (!r) {
                const WireError code = wireErrorForRoom(r.error().code);
                if (code == WireError::Internal || code == WireError::Unavailable) {
                    qCWarning(lcRelay) << "Appending a room record failed:" << r.error().message;
                    p->sendStoreError(r.error(), requestId);
                } else {
                    p->sendError(code, r.error().message, requestId);
                }
                return;
            }
            p->sendEncoded(protocol::RoomOk{room, r->seq}.encode(requestId));
        });
}

void handleRoomGet(SessionContext &session, const Frame &f)
{
    const protocol::RoomGet request = protocol::RoomGet::from(f);
    Db &db = session.services.store->reader();
    auto state = roomstore::load(db, request.room);
    if (!state || !state->state.isMember(session.userName)) {
        if (!state && state.error().code != ErrorCode::NotFound) {
            qCWarning(lcRelay) << "Reading a room failed:" << state.error().message;
            session.sendStoreError(state.error(), f.id);
        } else {
            session.sendError(WireError::NotFound, roomstore::NotAMember.toString(), f.id);
        }
        return;
    }
    auto page = roomstore::records(db, request.room, request.fromSeq.value_or(0), protocol::MaxRoomRecordsPerPage);
    if (!page) {
        qCWarning(lcRelay) << "Reading a room's records failed:" << page.error().message;
        session.sendStoreError(page.error(), f.id);
        return;
    }
    protocol::Room reply;
    reply.room = request.room;
    reply.chain.reserve(page->records.size());
    for (const protocol::SignedRoomRecord &s : std::as_const(page->records))
        reply.chain.append(protocol::RoomEntry{s.bytes, s.sig, s.devicePub, s.deviceCert});
    reply.more = page->more;
    reply.enforcedExpire = state->retention.enforcedExpireSeconds;
    reply.enforcedBurn = state->retention.enforcedBurn;
    session.sendEncoded(reply.encode(f.id));
}

void handleRooms(SessionContext &session, const Frame &f)
{
    Db &db = session.services.store->reader();
    auto rooms = roomstore::roomsOf(db, session.userName);
    auto settings = session.services.rooms->settings();
    if (!rooms || !settings) {
        const Error &e = !rooms ? rooms.error() : settings.error();
        qCWarning(lcRelay) << "Reading the room list failed:" << e.message;
        session.sendStoreError(e, f.id);
        return;
    }
    protocol::RoomList reply;
    reply.rooms.reserve(rooms->size());
    for (const RoomSummary &s : std::as_const(*rooms)) {
        reply.rooms.append(protocol::RoomSummary{s.room, s.seq, s.title, s.description, quint64(s.members), s.admin,
                                                 s.enforcedExpireSeconds, s.enforcedBurn});
    }
    reply.limits.maxMembers = quint64(settings->maxMembers);
    reply.limits.maxExpire = quint64(settings->maxExpireSeconds);
    reply.limits.defaultExpire = quint64(settings->defaultExpireSeconds);
    reply.limits.defaultBurn = settings->defaultBurn;
    session.sendEncoded(reply.encode(f.id));
}

} // namespace parley::server
