#include "sdk/roomchains.h"

#include "crypto/crypto.h"
#include "protocol/messages.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"

#include <QDateTime>
#include <QHash>

using namespace Qt::StringLiterals;

namespace parley::sdk {

Error roomWireError(const protocol::Frame &reply)
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

class RoomChains::Private {
public:
    RoomChains *q;
    Connection &connection;
    Profile &profile;
    QHash<QString, protocol::RoomState> states;          // verified in this run
    QHash<QString, QByteArray> roots;                    // root keys checked against the trust store
    QHash<QString, std::pair<quint64, bool>> enforced;   // the administrator's override per room, as last reported

    Private(RoomChains *chains, Connection &c, Profile &p) : q(chains), connection(c), profile(p) {}

    // Root keys of `users` (own account: the profile's; others: from the server, pinned on first use).
    void ensureRoots(const QStringList &users, std::function<void(Status)> done)
    {
        const ProfileSettings &s = profile.settings();
        roots.insert(s.user, s.rootPub);
        QStringList missing;
        for (const QString &u : users) {
            if (!roots.contains(u))
                missing.append(u);
        }
        if (missing.isEmpty())
            return done({});
        connection.request(protocol::Devices{missing}, [this, done](const protocol::Frame &reply) {
            if (reply.type != protocol::DeviceList::Type)
                return done(roomWireError(reply));
            bool pinned = false;
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (const protocol::DirectoryUser &listed : protocol::DeviceList::from(reply).users) {
                const TrustStore::Verdict verdict = profile.trust().observe(listed.user, listed.root, now);
                if (verdict == TrustStore::Changed) {
                    Q_EMIT q->identityChanged(listed.user);
                    return done(makeError(ErrorCode::Crypto, u"identity_changed: the root key of %1 changed since it "
                                                             u"was first seen"_s.arg(listed.user)));
                }
                pinned = pinned || verdict == TrustStore::FirstUse;
                roots.insert(listed.user, listed.root);
            }
            if (pinned) {
                if (Status st = profile.saveTrust(); !st)
                    return done(st.error());
            }
            done({});
        });
    }

    void fetchPages(const QString &room, quint64 from, QList<protocol::SignedRoomRecord> collected,
                    std::function<void(Result<QList<protocol::SignedRoomRecord>>)> done)
    {
        connection.request(protocol::RoomGet{room, from}, [this, room, from, collected, done](const protocol::Frame &reply) mutable {
            if (reply.type != protocol::Room::Type)
                return done(roomWireError(reply));
            const protocol::Room page = protocol::Room::from(reply);
            enforced.insert(room, {page.enforcedExpire.value_or(0), page.enforcedBurn.value_or(false)});
            for (const protocol::RoomEntry &e : page.chain)
                collected.append(protocol::SignedRoomRecord{e.rec, e.sig, e.dpub, e.dsig});
            if (page.more && !page.chain.isEmpty())
                return fetchPages(room, from + quint64(page.chain.size()), std::move(collected), std::move(done));
            done(std::move(collected));
        });
    }

    // A whole chain from its first record, checked against the head verified in an earlier run.
    Result<protocol::RoomState> verifyFromStart(const QString &room, const QList<protocol::SignedRoomRecord> &chain)
    {
        auto rootOf = [this](const QString &user) { return roots.value(user); };
        Result<protocol::RoomState> state = protocol::verifyRoomChain(room, chain, rootOf);
        if (!state)
            return makeError(ErrorCode::Crypto, u"bad_chain: "_s + state.error().message);
        const std::optional<RoomHeads::Head> stored = profile.roomHeads().head(room);
        if (!stored)
            return state;
        if (state->nextSeq <= stored->seq)
            return makeError(ErrorCode::Crypto, u"chain_rollback: the server serves %1 records, %2 were verified before"_s
                                                    .arg(state->nextSeq).arg(stored->seq + 1));
        if (!crypto::constantTimeEquals(crypto::sha512(chain.at(qsizetype(stored->seq)).bytes), stored->hash))
            return makeError(ErrorCode::Crypto, u"chain_fork: record %1 differs from the one verified before"_s
                                                    .arg(stored->seq));
        return state;
    }

    // The records from the head verified in this run on: the first must be that head (else the server rolled the
    // chain back or forked it), each further one must follow.
    Result<protocol::RoomState> extend(protocol::RoomState state, QList<protocol::SignedRoomRecord> chain)
    {
        if (chain.isEmpty())
            return makeError(ErrorCode::Crypto, u"chain_rollback: the server no longer serves record %1, verified before"_s
                                                    .arg(state.nextSeq - 1));
        if (!crypto::constantTimeEquals(crypto::sha512(chain.first().bytes), state.head))
            return makeError(ErrorCode::Crypto, u"chain_fork: record %1 differs from the one verified before"_s
                                                    .arg(state.nextSeq - 1));
        chain.removeFirst();
        for (const protocol::SignedRoomRecord &s : std::as_const(chain)) {
            Result<protocol::RoomRecord> r = protocol::RoomRecord::decode(s.bytes);
            if (!r)
                return makeError(ErrorCode::Crypto, u"bad_chain: "_s + r.error().message);
            if (Status c = state.check(*r); !c) {
                const QString code = c.error().code == ErrorCode::Conflict ? u"chain_fork"_s : u"bad_chain"_s;
                return makeError(ErrorCode::Crypto, u"%1: record %2: %3"_s.arg(code).arg(r->seq).arg(c.error().message));
            }
            if (Status v = protocol::verifyRoomRecordSignature(*r, s, roots.value(r->actor)); !v)
                return makeError(ErrorCode::Crypto, u"bad_chain: "_s + v.error().message);
            state.apply(*r, s.bytes);
        }
        return state;
    }

    void accept(const protocol::RoomState &state)
    {
        if (state.nextSeq == 0)
            return;   // no record: nothing verified
        states.insert(state.room, state);
        if (profile.roomHeads().update(state.room, RoomHeads::Head{state.nextSeq - 1, state.head})) {
            if (Status st = profile.saveRoomHeads(); !st)
                connection.reportError(u"io"_s, st.error().message);
        }
    }

    void fetch(const QString &room, Done done)
    {
        const auto it = states.constFind(room);
        const std::optional<protocol::RoomState> known = it != states.constEnd() ? std::optional(*it) : std::nullopt;
        // Known: from the verified head on (nextSeq >= 1 once a chain verified), so that the head is served again.
        fetchPages(room, known ? known->nextSeq - 1 : 0, {},
                   [this, room, known, done](Result<QList<protocol::SignedRoomRecord>> records) {
            if (!records)
                return done(records.error());
            QStringList actors;
            for (const protocol::SignedRoomRecord &s : std::as_const(*records)) {
                Result<protocol::RoomRecord> r = protocol::RoomRecord::decode(s.bytes);
                if (!r)
                    return reject(room, makeError(ErrorCode::Crypto, u"bad_chain: "_s + r.error().message), done);
                if (!actors.contains(r->actor))
                    actors.append(r->actor);
            }
            const QList<protocol::SignedRoomRecord> chain = *records;
            ensureRoots(actors, [this, room, known, chain, done](Status st) {
                if (!st)
                    return done(st.error());
                Result<protocol::RoomState> state = known ? extend(*known, chain) : verifyFromStart(room, chain);
                if (!state)
                    return reject(room, state.error(), done);
                accept(*state);
                done(*state);
            });
        });
    }

    void reject(const QString &room, const Error &error, const Done &done)
    {
        qCWarning(lcSdk).noquote() << "the membership chain of room" << room << "was refused:" << error.message;
        Q_EMIT q->chainRejected(room, error.message);
        done(makeError(ErrorCode::Crypto, u"%1 (room %2)"_s.arg(error.message, room)));
    }
};

RoomChains::RoomChains(Connection &connection, Profile &profile, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile))
{
}

RoomChains::~RoomChains() = default;

void RoomChains::fetch(const QString &room, Done done) { d->fetch(room, std::move(done)); }

std::optional<protocol::RoomState> RoomChains::verified(const QString &room) const
{
    const auto it = d->states.constFind(room);
    if (it == d->states.constEnd())
        return std::nullopt;
    return *it;
}

void RoomChains::remember(const protocol::RoomState &state) { d->accept(state); }

void RoomChains::forget(const QString &room) { d->states.remove(room); }

std::optional<std::pair<quint64, bool>> RoomChains::enforced(const QString &room) const
{
    const auto it = d->enforced.constFind(room);
    if (it == d->enforced.constEnd())
        return std::nullopt;
    return *it;
}

void RoomChains::setEnforced(const QString &room, std::pair<quint64, bool> enforced)
{
    d->enforced.insert(room, enforced);
}

} // namespace parley::sdk
