#include "sdk/content.h"

#include "protocol/frame.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"
#include "sdk/securefile.h"

#include <QCborArray>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

struct KindName {
    CallSignal::Kind kind;
    QLatin1StringView name;
};
constexpr KindName KindNames[] = {
    {CallSignal::Kind::Offer, "offer"_L1},   {CallSignal::Kind::Answer, "answer"_L1},
    {CallSignal::Kind::Candidates, "candidates"_L1}, {CallSignal::Kind::Join, "join"_L1},
    {CallSignal::Kind::Key, "key"_L1},       {CallSignal::Kind::Decline, "decline"_L1},
    {CallSignal::Kind::HangUp, "hangup"_L1},
};

int byteStringHeaderSize(qsizetype n)
{
    if (n < 24)
        return 1;
    if (n < 256)
        return 2;
    if (n < 65536)
        return 3;
    return 5;
}

QByteArray encodePlainMap(const MessageContent &content, qsizetype padSize)
{
    QCborMap map;
    map.insert(u"body"_s, content.text);
    if (content.call)
        map.insert(u"call"_s, content.call->toCbor());
    map.insert(u"pad"_s, QByteArray(padSize, '\0'));
    return map.toCborValue().toCbor();
}

Error bad(const QString &message) { return makeError(ErrorCode::Protocol, u"call signal: "_s + message); }

} // namespace

QString callSignalKindName(CallSignal::Kind kind)
{
    for (const KindName &k : KindNames) {
        if (k.kind == kind)
            return k.name;
    }
    return {};
}

QCborMap CallSignal::toCbor() const
{
    QCborMap m;
    m.insert(u"k"_s, callSignalKindName(kind));
    m.insert(u"id"_s, callId);
    if (!room.isEmpty())
        m.insert(u"room"_s, room);
    if (!sdp.isEmpty())
        m.insert(u"sdp"_s, sdp);
    if (!candidates.isEmpty())
        m.insert(u"cand"_s, QCborArray::fromStringList(candidates));
    if (!mediaKey.isEmpty()) {
        m.insert(u"key"_s, mediaKey);
        m.insert(u"ep"_s, qint64(epoch));
    }
    if (!participants.isEmpty())
        m.insert(u"parts"_s, QCborArray::fromStringList(participants));
    if (video)
        m.insert(u"video"_s, true);
    return m;
}

Result<CallSignal> CallSignal::fromCbor(const QCborValue &value)
{
    if (!value.isMap())
        return bad(u"not a map"_s);
    const QCborMap m = value.toMap();
    CallSignal s;
    const QCborValue k = m.value(u"k"_s);
    bool known = false;
    for (const KindName &n : KindNames) {
        if (k.isString() && k.toString() == n.name) {
            s.kind = n.kind;
            known = true;
        }
    }
    if (!known)
        return bad(u"unknown kind"_s);
    const QCborValue id = m.value(u"id"_s);
    if (!id.isByteArray() || id.toByteArray().size() != CallIdSize)
        return bad(u"the call id is not 16 bytes"_s);
    s.callId = id.toByteArray();

    const QCborValue room = m.value(u"room"_s);
    if (!room.isUndefined()) {
        if (!room.isString() || !protocol::isValidUserName(room.toString()))
            return bad(u"invalid room name"_s);
        s.room = room.toString();
    }
    const QCborValue sdp = m.value(u"sdp"_s);
    if (!sdp.isUndefined()) {
        if (!sdp.isString() || sdp.toString().isEmpty() || sdp.toString().toUtf8().size() > MaxSdpBytes)
            return bad(u"the session description is not text of 1 to %1 bytes"_s.arg(MaxSdpBytes));
        s.sdp = sdp.toString();
    }
    const QCborValue cand = m.value(u"cand"_s);
    if (!cand.isUndefined()) {
        const QCborArray a = cand.toArray();
        if (!cand.isArray() || a.isEmpty() || a.size() > MaxCandidates)
            return bad(u"candidates: not an array of 1 to %1"_s.arg(MaxCandidates));
        for (const QCborValue &c : a) {
            if (!c.isString() || c.toString().isEmpty() || c.toString().toUtf8().size() > MaxCandidateBytes)
                return bad(u"a candidate is not text of 1 to %1 bytes"_s.arg(MaxCandidateBytes));
            s.candidates << c.toString();
        }
    }
    const QCborValue key = m.value(u"key"_s);
    const QCborValue epoch = m.value(u"ep"_s);
    if (key.isUndefined() != epoch.isUndefined())
        return bad(u"a media key comes with its epoch"_s);
    if (!key.isUndefined()) {
        if (!key.isByteArray() || key.toByteArray().size() != MediaKeySize)
            return bad(u"the media key is not 32 bytes"_s);
        if (!epoch.isInteger() || epoch.toInteger() < 0 || epoch.toInteger() > 0xffffffffLL)
            return bad(u"the key epoch is not a 32-bit unsigned integer"_s);
        s.mediaKey = key.toByteArray();
        s.epoch = quint32(epoch.toInteger());
    }
    const QCborValue parts = m.value(u"parts"_s);
    if (!parts.isUndefined()) {
        const QCborArray a = parts.toArray();
        if (!parts.isArray() || a.isEmpty() || a.size() > MaxParticipants)
            return bad(u"participants: not an array of 1 to %1"_s.arg(MaxParticipants));
        for (const QCborValue &p : a) {
            if (!p.isString() || !protocol::isValidUserName(p.toString()))
                return bad(u"a participant is not a user name"_s);
            s.participants << p.toString();
        }
        if (protocol::normalisedRecipients(s.participants) != s.participants)
            return bad(u"participants are not sorted and unique"_s);
    }
    const QCborValue video = m.value(u"video"_s);
    if (!video.isUndefined()) {
        if (!video.isBool())
            return bad(u"video is not a boolean"_s);
        s.video = video.toBool();
    }

    // What each kind needs, and nothing that another kind carries.
    const bool hasSdp = !s.sdp.isEmpty(), hasCand = !s.candidates.isEmpty(), hasKey = !s.mediaKey.isEmpty(),
               hasParts = !s.participants.isEmpty(), hasRoom = !s.room.isEmpty();
    switch (s.kind) {
    case Kind::Offer:
        // A call to a user: its description and the first media key. In a room call: the ring (the room only) or
        // a description for one participant; the keys come with `key` signals.
        if (hasRoom ? hasKey : (!hasSdp || !hasKey || s.epoch != 0))
            return bad(u"an offer to a user carries a description and key epoch 0, one in a room no key"_s);
        if (hasCand || hasParts)
            return bad(u"an offer carries no candidates or participants"_s);
        break;
    case Kind::Answer:
        if (!hasSdp || hasCand || hasKey || hasParts)
            return bad(u"an answer carries a description only"_s);
        break;
    case Kind::Candidates:
        if (!hasCand || hasSdp || hasKey || hasParts)
            return bad(u"a candidates signal carries candidates only"_s);
        break;
    case Kind::Join:
        if (!hasRoom || hasSdp || hasCand || hasKey || hasParts)
            return bad(u"a join names its room and nothing else"_s);
        break;
    case Kind::Key:
        if (!hasKey || !hasParts || hasSdp || hasCand)
            return bad(u"a key signal carries a key, its epoch and the participants"_s);
        break;
    case Kind::Decline:
    case Kind::HangUp:
        if (hasSdp || hasCand || hasKey || hasParts)
            return bad(u"a %1 carries nothing but the call"_s.arg(callSignalKindName(s.kind)));
        break;
    }
    if (s.video && s.kind != Kind::Offer)
        return bad(u"only an offer says whether it has video"_s);
    return s;
}

Result<QByteArray> MessageContent::encode() const
{
    const QByteArray bare = encodePlainMap(*this, 0);
    const qsizetype base = bare.size() - 1;   // without the empty byte string's one-byte header
    qsizetype pad = 0;
    while ((base + byteStringHeaderSize(pad) + pad) % Envelope::PaddingBlock != 0)
        ++pad;
    if (base + byteStringHeaderSize(pad) + pad > Envelope::MaxPaddedPlaintext)
        return makeError(ErrorCode::InvalidArgument,
                         u"the message is too long (%1 bytes encoded; at most %2 fit one message)"_s.arg(bare.size())
                             .arg(Envelope::MaxPaddedPlaintext - 16));
    QByteArray padded = encodePlainMap(*this, pad);
    if (padded.size() % Envelope::PaddingBlock != 0)
        return makeError(ErrorCode::Internal, u"padding computation failed"_s);
    return padded;
}

Result<MessageContent> MessageContent::decode(QByteArrayView plaintext)
{
    if (plaintext.isEmpty() || plaintext.size() % Envelope::PaddingBlock != 0)
        return makeError(ErrorCode::Protocol, u"the plaintext is not padded to a multiple of 64 bytes"_s);
    Result<QCborValue> value = SecureFile::decodeCbor(plaintext);
    if (!value || !value->isMap())
        return makeError(ErrorCode::Protocol, u"the plaintext is not a CBOR map"_s);
    const QCborMap map = value->toMap();
    const QCborValue body = map.value(u"body"_s);
    const QCborValue pad = map.value(u"pad"_s);
    if (!body.isString() || !pad.isByteArray())
        return makeError(ErrorCode::Protocol, u"the plaintext lacks a text body or its padding"_s);
    MessageContent content;
    content.text = body.toString();
    const QCborValue call = map.value(u"call"_s);
    if (!call.isUndefined()) {
        Result<CallSignal> signal = CallSignal::fromCbor(call);
        if (!signal)
            return signal.error();
        content.call = std::move(signal.value());
    }
    return content;
}

} // namespace parley::sdk
