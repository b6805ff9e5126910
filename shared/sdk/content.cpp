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
    if (!content.files.isEmpty()) {
        QCborArray files;
        for (const FileRef &f : content.files)
            files.append(f.toCbor());
        map.insert(u"files"_s, files);
    }
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

FileCipher FileRef::cipher() const { return FileCipher(key, prefix, qint64(length), qint64(chunk)); }

QCborMap FileRef::toCbor() const
{
    QCborMap map;
    map.insert(u"blob"_s, blob);
    map.insert(u"size"_s, qint64(size));
    map.insert(u"len"_s, qint64(length));
    map.insert(u"name"_s, name);
    if (!type.isEmpty())
        map.insert(u"type"_s, type);
    map.insert(u"key"_s, key);
    map.insert(u"iv"_s, prefix);
    map.insert(u"chunk"_s, qint64(chunk));
    map.insert(u"sha256"_s, sha256);
    return map;
}

Result<FileRef> FileRef::fromCbor(const QCborValue &value)
{
    const auto badFile = [](const QString &message) {
        return makeError(ErrorCode::Protocol, u"file entry: "_s + message);
    };
    if (!value.isMap())
        return badFile(u"not a map"_s);
    const QCborMap map = value.toMap();
    static const QStringList Known = {u"blob"_s, u"size"_s, u"len"_s, u"name"_s, u"type"_s,
                                      u"key"_s,  u"iv"_s,   u"chunk"_s, u"sha256"_s};
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (!it.key().isString() || !Known.contains(it.key().toString()))
            return badFile(u"unknown key"_s);
    }
    const auto bytes = [&map](const QString &key, qsizetype size) -> std::optional<QByteArray> {
        const QCborValue v = map.value(key);
        if (!v.isByteArray() || v.toByteArray().size() != size)
            return std::nullopt;
        return v.toByteArray();
    };
    const auto count = [&map](const QString &key, qint64 max) -> std::optional<quint64> {
        const QCborValue v = map.value(key);
        if (!v.isInteger() || v.toInteger() < 0 || v.toInteger() > max)
            return std::nullopt;
        return quint64(v.toInteger());
    };
    FileRef f;
    const std::optional<QByteArray> blob = bytes(u"blob"_s, BlobIdSize);
    const std::optional<QByteArray> key = bytes(u"key"_s, FileCipher::KeySize);
    const std::optional<QByteArray> prefix = bytes(u"iv"_s, FileCipher::PrefixSize);
    const std::optional<QByteArray> digest = bytes(u"sha256"_s, DigestSize);
    if (!blob || !key || !prefix || !digest)
        return badFile(u"blob, key, iv or sha256 missing or of the wrong size"_s);
    const std::optional<quint64> length = count(u"len"_s, FileCipher::MaxLength);
    const std::optional<quint64> chunk = count(u"chunk"_s, FileCipher::MaxChunk);
    const std::optional<quint64> size = count(u"size"_s, FileCipher::MaxLength * 2);
    if (!length || !chunk || !size || !FileCipher::isValidChunk(qint64(*chunk)))
        return badFile(u"len, chunk or size missing or out of range"_s);
    if (qint64(*size) != FileCipher::ciphertextSize(qint64(*length), qint64(*chunk)))
        return badFile(u"size does not match len and chunk"_s);
    const QCborValue name = map.value(u"name"_s);
    if (!name.isString() || name.toString().isEmpty() || name.toString().toUtf8().size() > MaxNameBytes)
        return badFile(u"name missing, empty or longer than %1 bytes"_s.arg(MaxNameBytes));
    const QCborValue type = map.value(u"type"_s);
    if (!type.isUndefined()
        && (!type.isString() || type.toString().isEmpty() || type.toString().toUtf8().size() > MaxTypeBytes))
        return badFile(u"type empty or longer than %1 bytes"_s.arg(MaxTypeBytes));
    f.blob = *blob;
    f.size = *size;
    f.length = *length;
    f.name = name.toString();
    f.type = type.isUndefined() ? QString() : type.toString();
    f.key = *key;
    f.prefix = *prefix;
    f.chunk = *chunk;
    f.sha256 = *digest;
    return f;
}

Result<QByteArray> MessageContent::encode() const
{
    if (files.size() > FileRef::MaxFiles)
        return makeError(ErrorCode::InvalidArgument, u"a message carries at most %1 attachments"_s.arg(FileRef::MaxFiles));
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
    const QCborValue files = map.value(u"files"_s);
    if (!files.isUndefined()) {
        const QCborArray list = files.toArray();
        if (!files.isArray() || list.isEmpty() || list.size() > FileRef::MaxFiles)
            return makeError(ErrorCode::Protocol, u"the plaintext's files are not a list of 1 … %1 entries"_s
                                                      .arg(FileRef::MaxFiles));
        for (const QCborValue &entry : list) {
            Result<FileRef> ref = FileRef::fromCbor(entry);
            if (!ref)
                return ref.error();
            content.files.append(std::move(ref.value()));
        }
    }
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
