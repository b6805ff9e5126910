#include "protocol/roomchain.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/statements.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::protocol {

namespace {

constexpr auto Label = "parley-room-v1"_L1;
constexpr int RecordFields = 10;
constexpr int HashSize = 64;

struct OpName {
    RoomOp op;
    QLatin1StringView name;
};
constexpr OpName OpNames[] = {
    {RoomOp::Create, "create"_L1}, {RoomOp::Add, "add"_L1},       {RoomOp::Remove, "remove"_L1},
    {RoomOp::Promote, "promote"_L1}, {RoomOp::Demote, "demote"_L1}, {RoomOp::Leave, "leave"_L1},
    {RoomOp::Policy, "policy"_L1},
};

bool carriesPolicy(RoomOp op)
{
    return op == RoomOp::Create || op == RoomOp::Policy;
}

Error malformed(const QString &what)
{
    return makeError(ErrorCode::Protocol, u"malformed room record: "_s + what);
}

Error forbidden(const QString &what)
{
    return makeError(ErrorCode::Forbidden, what);
}

} // namespace

QString roomOpName(RoomOp op)
{
    for (const OpName &o : OpNames) {
        if (o.op == op)
            return QString(o.name);
    }
    return {};
}

std::optional<RoomOp> roomOpFromName(QStringView name)
{
    for (const OpName &o : OpNames) {
        if (name == o.name)
            return o.op;
    }
    return std::nullopt;
}

QByteArray RoomRecord::encode() const
{
    QByteArray out;
    QCborStreamWriter w(&out);
    w.startArray(RecordFields);
    w.append(Label);
    w.append(QStringView(room));
    w.append(seq);
    w.append(prev);
    w.append(roomOpName(op));
    w.append(QStringView(target));
    w.append(QStringView(actor));
    w.append(quint64(actorDevice));
    w.append(at);
    if (policy) {
        // Deterministic order: keys sorted by their encoding (all short text keys: by length, then bytes).
        w.startMap(4);
        w.append("burn"_L1);
        w.append(policy->burnOnRead);
        w.append("title"_L1);
        w.append(QStringView(policy->title));
        w.append("expire"_L1);
        w.append(policy->expireSeconds);
        w.append("description"_L1);
        w.append(QStringView(policy->description));
        w.endMap();
    } else {
        w.append(nullptr);
    }
    w.endArray();
    return out;
}

Result<RoomRecord> RoomRecord::decode(QByteArrayView bytes)
{
    if (bytes.isEmpty() || bytes.size() > MaxRoomRecordBytes)
        return malformed(u"size"_s);
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(bytes.toByteArray(), &error);
    if (error.error != QCborError::NoError || !value.isArray())
        return malformed(u"not a CBOR array"_s);
    const QCborArray a = value.toArray();
    if (a.size() != RecordFields || a.at(0).toString() != Label)
        return malformed(u"label or length"_s);
    auto uintAt = [&a](int i, quint64 max) -> std::optional<quint64> {
        const QCborValue v = a.at(i);
        if (!v.isInteger() || v.toInteger() < 0 || quint64(v.toInteger()) > max)
            return std::nullopt;
        return quint64(v.toInteger());
    };
    RoomRecord r;
    if (!a.at(1).isString() || !a.at(5).isString() || !a.at(6).isString() || !a.at(4).isString()
        || !a.at(3).isByteArray())
        return malformed(u"field types"_s);
    r.room = a.at(1).toString();
    r.target = a.at(5).toString();
    r.actor = a.at(6).toString();
    r.prev = a.at(3).toByteArray();
    if (!isValidUserName(r.room))
        return malformed(u"room name"_s);
    if (!isValidUserName(r.target) || !isValidUserName(r.actor))
        return malformed(u"user name"_s);
    const auto seq = uintAt(2, quint64(1) << 53);
    const auto device = uintAt(7, quint64(1) << 31);
    const auto at = uintAt(8, quint64(1) << 53);
    if (!seq || !device || *device == 0 || !at)
        return malformed(u"seq, device or time"_s);
    r.seq = *seq;
    r.actorDevice = quint32(*device);
    r.at = *at;
    if ((r.seq == 0 && !r.prev.isEmpty()) || (r.seq > 0 && r.prev.size() != HashSize))
        return malformed(u"prev"_s);
    const auto op = roomOpFromName(a.at(4).toString());
    if (!op)
        return malformed(u"op"_s);
    r.op = *op;
    const QCborValue policy = a.at(9);
    if (carriesPolicy(r.op)) {
        if (!policy.isMap())
            return malformed(u"policy"_s);
        const QCborMap m = policy.toMap();
        const QCborValue title = m.value("title"_L1), description = m.value("description"_L1),
                         expire = m.value("expire"_L1), burn = m.value("burn"_L1);
        if (m.size() != 4 || !title.isString() || !description.isString() || !expire.isInteger()
            || expire.toInteger() < 0 || !burn.isBool())
            return malformed(u"policy"_s);
        RoomPolicy p;
        p.title = title.toString();
        p.description = description.toString();
        p.expireSeconds = quint64(expire.toInteger());
        p.burnOnRead = burn.toBool();
        if (p.title.toUtf8().size() > MaxRoomTitleBytes || p.description.toUtf8().size() > MaxRoomDescriptionBytes
            || p.expireSeconds > (quint64(1) << 32))
            return malformed(u"policy limits"_s);
        r.policy = p;
    } else if (!policy.isNull()) {
        return malformed(u"policy on a membership record"_s);
    }
    // Only the deterministic encoding is a record: no second spelling of the same content.
    if (r.encode() != bytes)
        return malformed(u"not in deterministic encoding"_s);
    return r;
}

QStringList RoomState::memberList() const
{
    return normalisedRecipients(members.keys());
}

int RoomState::adminCount() const
{
    return int(std::count(members.cbegin(), members.cend(), true));
}

Status RoomState::check(const RoomRecord &r) const
{
    if (r.room != room)
        return makeError(ErrorCode::Protocol, u"the record belongs to another room"_s);
    if (r.seq != nextSeq || r.prev != head)
        return makeError(ErrorCode::Conflict, u"the record does not follow the chain's last record (seq %1)"_s.arg(r.seq));
    if (r.seq == 0) {
        if (r.op != RoomOp::Create || r.target != r.actor)
            return forbidden(u"a room starts with its creator's create record"_s);
        return {};
    }
    if (r.op == RoomOp::Create)
        return forbidden(u"the room exists already"_s);
    if (r.at + 5 * 60 * 1000 < lastAt)
        return forbidden(u"the record is older than the one before it"_s);
    if (r.op == RoomOp::Leave) {
        if (r.target != r.actor || !isMember(r.actor))
            return forbidden(u"only a member can leave, and only by itself"_s);
        if (isAdmin(r.actor) && adminCount() == 1 && members.size() > 1)
            return forbidden(u"the last admin cannot leave while others remain; promote someone first"_s);
        return {};
    }
    if (!isAdmin(r.actor))
        return forbidden(u"%1 is not an admin of the room"_s.arg(r.actor));
    switch (r.op) {
    case RoomOp::Add:
        if (isMember(r.target))
            return forbidden(u"%1 is a member already"_s.arg(r.target));
        return {};
    case RoomOp::Remove:
        if (!isMember(r.target))
            return forbidden(u"%1 is not a member"_s.arg(r.target));
        if (r.target == r.actor)
            return forbidden(u"an admin leaves with a leave record"_s);
        return {};
    case RoomOp::Promote:
        if (!isMember(r.target) || isAdmin(r.target))
            return forbidden(u"%1 is not a member without admin rights"_s.arg(r.target));
        return {};
    case RoomOp::Demote:
        if (!isAdmin(r.target))
            return forbidden(u"%1 is not an admin"_s.arg(r.target));
        if (adminCount() == 1)
            return forbidden(u"the last admin cannot be demoted"_s);
        return {};
    case RoomOp::Policy:
        if (r.target != r.actor)
            return forbidden(u"a policy record names its actor as target"_s);
        return {};
    case RoomOp::Create:
    case RoomOp::Leave:
        break;
    }
    return forbidden(u"unknown operation"_s);
}

void RoomState::apply(const RoomRecord &r, QByteArrayView bytes)
{
    switch (r.op) {
    case RoomOp::Create:
        members.insert(r.actor, true);
        policy = r.policy.value_or(RoomPolicy{});
        break;
    case RoomOp::Add:
        members.insert(r.target, false);
        break;
    case RoomOp::Remove:
    case RoomOp::Leave:
        members.remove(r.target);
        break;
    case RoomOp::Promote:
        members.insert(r.target, true);
        break;
    case RoomOp::Demote:
        members.insert(r.target, false);
        break;
    case RoomOp::Policy:
        policy = r.policy.value_or(policy);
        break;
    }
    nextSeq = r.seq + 1;
    head = crypto::sha512(bytes);
    lastAt = std::max(lastAt, r.at);
}

Status verifyRoomRecordSignature(const RoomRecord &record, const SignedRoomRecord &s, const QByteArray &actorRoot)
{
    Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(actorRoot);
    if (!root)
        return makeError(ErrorCode::Crypto, u"the root key of %1 is unknown or invalid"_s.arg(record.actor));
    if (!root->verify(deviceStatement(record.actor, s.devicePub), s.deviceCert))
        return makeError(ErrorCode::Crypto, u"the certificate of %1's device %2 does not verify under %1's root key"_s
                                                .arg(record.actor)
                                                .arg(record.actorDevice));
    Result<crypto::EcKey> device = crypto::EcKey::fromPublicPoint(s.devicePub);
    if (!device || !device->verify(s.bytes, s.sig))
        return makeError(ErrorCode::Crypto, u"record %1 is not signed by %2's device %3"_s.arg(record.seq)
                                                .arg(record.actor)
                                                .arg(record.actorDevice));
    return {};
}

Result<RoomState> verifyRoomChain(const QString &room, const QList<SignedRoomRecord> &chain,
                                  const std::function<QByteArray(const QString &)> &rootOf)
{
    RoomState state;
    state.room = room;
    if (chain.isEmpty())
        return makeError(ErrorCode::Protocol, u"the room has no records"_s);
    for (const SignedRoomRecord &s : chain) {
        Result<RoomRecord> record = RoomRecord::decode(s.bytes);
        if (!record)
            return makeError(ErrorCode::Crypto, u"record %1: %2"_s.arg(state.nextSeq).arg(record.error().message));
        if (Status st = state.check(*record); !st)
            return makeError(ErrorCode::Crypto, u"record %1: %2"_s.arg(state.nextSeq).arg(st.error().message));
        if (Status st = verifyRoomRecordSignature(*record, s, rootOf(record->actor)); !st)
            return makeError(ErrorCode::Crypto, u"record %1: %2"_s.arg(state.nextSeq).arg(st.error().message));
        state.apply(*record, s.bytes);
    }
    return state;
}

} // namespace parley::protocol
