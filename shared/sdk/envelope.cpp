#include "sdk/envelope.h"

#include "sdk/securefile.h"

#include <QCborArray>
#include <QSet>

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int WrapOkmSize = crypto::AesKeySize + crypto::GcmNonceSize;   // 44
constexpr QByteArrayView CommitmentLabel = "parley-kc-v1";
// From this many recipient devices on, key wraps run on up to MaxWrapThreads threads.
constexpr qsizetype ParallelWrapThreshold = 16;
constexpr qsizetype MaxWrapThreads = 8;

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

QByteArray encodePlainMap(const QString &text, qsizetype padSize)
{
    QCborMap map;
    map.insert(u"body"_s, text);
    map.insert(u"pad"_s, QByteArray(padSize, '\0'));
    return map.toCborValue().toCbor();
}

EnvelopeFailure failure(EnvelopeError code, const QString &message) { return EnvelopeFailure{code, message}; }

bool isPoint(const QByteArray &bytes) { return bytes.size() == crypto::P521PointSize; }

// The typed options of an options map.
protocol::MessageOptions messageOptions(const QCborMap &map)
{
    protocol::MessageOptions out;
    if (map.contains("room"_L1))
        out.room = map.value("room"_L1).toString();
    if (map.contains("exp"_L1))
        out.exp = quint64(map.value("exp"_L1).toInteger());
    if (map.contains("burn"_L1))
        out.burn = map.value("burn"_L1).toBool();
    return out;
}

} // namespace

QString envelopeErrorName(EnvelopeError error)
{
    switch (error) {
    case EnvelopeError::Malformed: return u"malformed"_s;
    case EnvelopeError::BadCertificate: return u"bad_certificate"_s;
    case EnvelopeError::BadSignature: return u"bad_signature"_s;
    case EnvelopeError::UnknownPrekey: return u"unknown_prekey"_s;
    case EnvelopeError::UnwrapFailed: return u"unwrap_failed"_s;
    case EnvelopeError::CommitmentMismatch: return u"commitment_mismatch"_s;
    case EnvelopeError::DecryptFailed: return u"decrypt_failed"_s;
    case EnvelopeError::BadPlaintext: return u"bad_plaintext"_s;
    }
    return u"unknown"_s;
}

protocol::MessageCore Envelope::messageCore() const
{
    return protocol::MessageCore{from, device, mid, to, sentAt, payload, keyCommitment, options};
}

QByteArray Envelope::core() const { return messageCore().encode(); }

protocol::Frame Envelope::toFrame(quint64 requestId) const
{
    QCborArray toList;
    for (const QString &user : to)
        toList.append(user);
    QCborArray keyList;
    for (const KeyEntry &k : keys) {
        QCborMap entry;
        entry.insert(u"user"_s, k.user);
        entry.insert(u"device"_s, qint64(k.device));
        entry.insert(u"kid"_s, qint64(k.kid));
        entry.insert(u"eph"_s, k.eph);
        entry.insert(u"wk"_s, k.wk);
        keyList.append(entry);
    }
    protocol::Frame frame(u"send"_s, requestId);
    frame.set("mid"_L1, mid)
        .set("to"_L1, toList)
        .set("at"_L1, qint64(sentAt))
        .set("pl"_L1, payload)
        .set("kc"_L1, keyCommitment)
        .set("opts"_L1, QCborValue::fromCbor(options.encode()))
        .set("sig"_L1, signature)
        .set("keys"_L1, keyList);
    return frame;
}

Status Envelope::sign(const crypto::EcKey &deviceKey)
{
    Result<QByteArray> sig = deviceKey.sign(core());
    if (!sig)
        return sig.error();
    signature = sig.value();
    return {};
}

QByteArray Envelope::newMessageId() { return crypto::randomBytes(MessageIdSize); }

crypto::SecureBuffer Envelope::newMessageKey() { return crypto::randomSecret(crypto::AesKeySize); }

Result<QByteArray> Envelope::encodePlaintext(const QString &text)
{
    const QByteArray bare = encodePlainMap(text, 0);
    const qsizetype base = bare.size() - 1;   // without the empty byte string's one-byte header
    qsizetype pad = 0;
    while ((base + byteStringHeaderSize(pad) + pad) % PaddingBlock != 0)
        ++pad;
    if (base + byteStringHeaderSize(pad) + pad > MaxPaddedPlaintext)
        return makeError(ErrorCode::InvalidArgument,
                         u"the message is too long (%1 bytes encoded; at most %2 fit one message)"_s.arg(bare.size())
                             .arg(MaxPaddedPlaintext - 16));
    QByteArray padded = encodePlainMap(text, pad);
    if (padded.size() % PaddingBlock != 0)
        return makeError(ErrorCode::Internal, u"padding computation failed"_s);
    return padded;
}

Result<QString> Envelope::decodePlaintext(QByteArrayView plaintext)
{
    if (plaintext.isEmpty() || plaintext.size() % PaddingBlock != 0)
        return makeError(ErrorCode::Protocol, u"the plaintext is not padded to a multiple of 64 bytes"_s);
    Result<QCborValue> value = SecureFile::decodeCbor(plaintext);
    if (!value || !value->isMap())
        return makeError(ErrorCode::Protocol, u"the plaintext is not a CBOR map"_s);
    const QCborMap map = value->toMap();
    const QCborValue body = map.value(u"body"_s);
    const QCborValue pad = map.value(u"pad"_s);
    if (!body.isString() || !pad.isByteArray())
        return makeError(ErrorCode::Protocol, u"the plaintext lacks a text body or its padding"_s);
    return body.toString();
}

Result<QByteArray> Envelope::encryptPayload(const crypto::SecureBuffer &key, const QByteArray &mid, const QString &text)
{
    Result<QByteArray> plain = encodePlaintext(text);
    if (!plain)
        return plain.error();
    const QByteArray nonce = crypto::randomBytes(crypto::GcmNonceSize);
    Result<QByteArray> ct = crypto::aesGcmSeal(key.view(), nonce, plain.value(), mid);
    crypto::cleanse(plain.value());
    if (!ct)
        return ct.error();
    return nonce + ct.value();
}

QByteArray Envelope::commitmentFor(const crypto::SecureBuffer &key)
{
    QByteArray input(CommitmentLabel.data(), CommitmentLabel.size());
    input.append(key.view());
    const QByteArray digest = crypto::sha256(input);
    crypto::cleanse(input);
    return digest;
}

Result<KeyEntry> Envelope::wrapKey(const crypto::SecureBuffer &key, const QByteArray &mid, const QByteArray &coreHash,
                                   const SenderIdentity &sender, const RecipientDevice &recipient)
{
    Result<crypto::EcKey> prekey = crypto::EcKey::fromPublicPoint(recipient.prekeyPub);
    if (!prekey)
        return makeError(ErrorCode::InvalidArgument,
                         u"invalid prekey for %1#%2: %3"_s.arg(recipient.user).arg(recipient.device)
                             .arg(prekey.error().message));
    Result<crypto::EcKey> eph = crypto::EcKey::generate();
    if (!eph)
        return eph.error();
    Result<crypto::SecureBuffer> shared = eph->deriveShared(prekey.value());
    if (!shared)
        return shared.error();
    const QByteArray ephPub = eph->publicPoint();
    const QByteArray info = protocol::wrapInfo(sender.user, sender.rootPub, sender.devicePub, recipient.user,
                                               recipient.rootPub, recipient.devicePub, ephPub, recipient.prekeyPub);
    Result<crypto::SecureBuffer> okm = crypto::hkdfSha512(shared->view(), mid, info, WrapOkmSize);
    if (!okm)
        return okm.error();
    const QByteArrayView okmView = okm->view();
    Result<QByteArray> wk = crypto::aesGcmSeal(okmView.first(crypto::AesKeySize),
                                               okmView.sliced(crypto::AesKeySize, crypto::GcmNonceSize), key.view(),
                                               coreHash);
    if (!wk)
        return wk.error();
    return KeyEntry{recipient.user, recipient.device, recipient.kid, ephPub, wk.value()};
}

Result<Envelope> Envelope::build(const SenderIdentity &sender, const QStringList &to,
                                 const QList<RecipientDevice> &devices, const QString &text, quint64 sentAtMs,
                                 const protocol::MessageOptions &options, const QByteArray &mid)
{
    if (!protocol::isValidUserName(sender.user) || sender.device == 0 || !isPoint(sender.rootPub)
        || !isPoint(sender.devicePub) || !sender.deviceKey.hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"incomplete sender identity"_s);
    const QStringList recipients = protocol::normalisedRecipients(to);
    if (recipients.isEmpty() || recipients.size() > protocol::MaxRecipients)
        return makeError(ErrorCode::InvalidArgument,
                         u"a message needs 1 to %1 recipients"_s.arg(protocol::MaxRecipients));
    for (const QString &user : recipients) {
        if (!protocol::isValidUserName(user))
            return makeError(ErrorCode::InvalidArgument, u"invalid user name: %1"_s.arg(user));
    }
    if (devices.size() > protocol::MaxKeyEntries)
        return makeError(ErrorCode::InvalidArgument,
                         u"too many recipient devices (%1, at most %2)"_s.arg(devices.size()).arg(protocol::MaxKeyEntries));
    QSet<QString> seen;
    for (const RecipientDevice &dev : devices) {
        if (!protocol::isValidUserName(dev.user) || dev.device == 0 || !isPoint(dev.rootPub) || !isPoint(dev.devicePub)
            || !isPoint(dev.prekeyPub))
            return makeError(ErrorCode::InvalidArgument,
                             u"incomplete key material for device %1#%2"_s.arg(dev.user).arg(dev.device));
        const QString id = dev.user + u'#' + QString::number(dev.device);
        if (seen.contains(id))
            return makeError(ErrorCode::InvalidArgument, u"device %1 is listed twice"_s.arg(id));
        seen.insert(id);
    }
    if (!mid.isEmpty() && mid.size() != MessageIdSize)
        return makeError(ErrorCode::InvalidArgument, u"a message id is 16 bytes"_s);

    Envelope env;
    env.from = sender.user;
    env.device = sender.device;
    env.mid = mid.isEmpty() ? newMessageId() : mid;
    env.to = recipients;
    env.sentAt = sentAtMs;
    env.options = options;
    const crypto::SecureBuffer key = newMessageKey();
    Result<QByteArray> payload = encryptPayload(key, env.mid, text);
    if (!payload)
        return payload.error();
    env.payload = payload.value();
    env.keyCommitment = commitmentFor(key);
    if (Status s = env.sign(sender.deviceKey); !s)
        return s.error();
    const QByteArray coreHash = env.messageCore().hash();
    // One P-521 key generation and key agreement per device: for many devices (a room message) the wraps are
    // spread over the cores. Each wrap reads only shared, unchanged inputs and writes its own slot.
    const qsizetype count = devices.size();
    std::vector<std::optional<Result<KeyEntry>>> wrapped(static_cast<size_t>(count));
    auto wrapRange = [&](qsizetype first, qsizetype last) {
        for (qsizetype i = first; i < last; ++i)
            wrapped[size_t(i)].emplace(wrapKey(key, env.mid, coreHash, sender, devices.at(i)));
    };
    const qsizetype threads = count < ParallelWrapThreshold
        ? 1 : std::clamp<qsizetype>(qsizetype(std::thread::hardware_concurrency()), 1, MaxWrapThreads);
    if (threads <= 1) {
        wrapRange(0, count);
    } else {
        std::vector<std::thread> helpers;
        helpers.reserve(size_t(threads - 1));
        const qsizetype share = (count + threads - 1) / threads;
        for (qsizetype t = 1; t < threads; ++t)
            helpers.emplace_back(wrapRange, std::min(count, t * share), std::min(count, (t + 1) * share));
        wrapRange(0, std::min(count, share));
        for (std::thread &h : helpers)
            h.join();
    }
    env.keys.reserve(count);
    for (std::optional<Result<KeyEntry>> &entry : wrapped) {
        if (!*entry)
            return entry->error();
        env.keys.append(entry->value());
    }
    // Key entries dominate the frame; check the limit on the real encoding rather than an estimate.
    const qsizetype size = protocol::encode(env.toFrame(protocol::MaxRequestId)).size();
    if (size > protocol::MaxClientFrameBytes)
        return makeError(ErrorCode::InvalidArgument,
                         u"the message is too large for one frame (%1 bytes for %2 devices; at most %3)"_s.arg(size)
                             .arg(devices.size()).arg(protocol::MaxClientFrameBytes));
    return env;
}

OpenResult Envelope::open(const protocol::Frame &msg, const RecipientIdentity &me, const SenderDevice &sender,
                          const PrekeyLookup &lookup)
{
    const QCborMap &f = msg.fields;
    const auto bytesField = [&f](const char *name, qsizetype min, qsizetype max, QByteArray &out) {
        const QCborValue v = f.value(QLatin1StringView(name));
        if (!v.isByteArray())
            return false;
        out = v.toByteArray();
        return out.size() >= min && out.size() <= max;
    };
    const auto uintField = [&f](const char *name, quint64 max, quint64 &out) {
        const QCborValue v = f.value(QLatin1StringView(name));
        if (!v.isInteger() || v.toInteger() < 0 || quint64(v.toInteger()) > max)
            return false;
        out = quint64(v.toInteger());
        return true;
    };

    if (msg.type != u"msg"_s)
        return failure(EnvelopeError::Malformed, u"not a msg frame"_s);
    OpenedMessage out;
    QByteArray payload, kc, sig, eph, wk;
    quint64 dev = 0, seq = 0, at = 0, kid = 0;
    const QCborValue fromValue = f.value("from"_L1);
    const QCborValue toValue = f.value("to"_L1);
    const QCborValue optsValue = f.value("opts"_L1);
    if (!fromValue.isString() || !uintField("dev", 0xffffffffu, dev) || !uintField("seq", ~quint64(0) >> 1, seq)
        || !uintField("at", ~quint64(0) >> 1, at) || !uintField("kid", 0xffffffffu, kid)
        || !bytesField("mid", MessageIdSize, MessageIdSize, out.mid)
        || !bytesField("pl", crypto::GcmNonceSize + crypto::GcmTagSize, protocol::MaxPayloadBytes, payload)
        || !bytesField("kc", 32, 32, kc) || !bytesField("sig", 1, crypto::MaxEcdsaP521DerSize, sig)
        || !bytesField("eph", crypto::P521PointSize, crypto::P521PointSize, eph)
        || !bytesField("wk", WrappedKeySize, WrappedKeySize, wk) || !toValue.isArray() || !optsValue.isMap())
        return failure(EnvelopeError::Malformed, u"the message frame lacks a field or has a malformed one"_s);
    for (const QCborValue &v : toValue.toArray()) {
        if (!v.isString())
            return failure(EnvelopeError::Malformed, u"the recipient list is malformed"_s);
        out.to.append(v.toString());
    }
    out.from = fromValue.toString();
    out.device = quint32(dev);
    out.seq = seq;
    out.sentAt = at;
    out.kid = quint32(kid);
    out.options = messageOptions(optsValue.toMap());
    if (out.from != sender.user || out.device != sender.device)
        return failure(EnvelopeError::Malformed, u"the sender details do not belong to %1#%2"_s.arg(out.from).arg(dev));

    // 1. The sender's device certificate under the sender's root key.
    Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(sender.rootPub);
    if (!root)
        return failure(EnvelopeError::BadCertificate, u"the sender's root key is invalid"_s);
    if (!root->verify(protocol::deviceStatement(sender.user, sender.devicePub), sender.certificate))
        return failure(EnvelopeError::BadCertificate,
                        u"the certificate of device %1#%2 does not verify under the user's root key"_s.arg(out.from)
                            .arg(out.device));
    Result<crypto::EcKey> deviceKey = crypto::EcKey::fromPublicPoint(sender.devicePub);
    if (!deviceKey)
        return failure(EnvelopeError::BadCertificate, u"the sender's device key is invalid"_s);

    // 2. The signature over the core.
    const protocol::MessageCore messageCore{out.from, out.device, out.mid, out.to, out.sentAt, payload, kc,
                                            out.options};
    const QByteArray core = messageCore.encode();
    if (!deviceKey->verify(core, sig))
        return failure(EnvelopeError::BadSignature, u"the message signature does not verify"_s);

    // 3. The prekey.
    const std::optional<crypto::EcKey> prekey = lookup ? lookup(out.kid) : std::nullopt;
    if (!prekey || !prekey->hasPrivateKey())
        return failure(EnvelopeError::UnknownPrekey, u"this device does not hold prekey %1"_s.arg(out.kid));

    // 4. Unwrap K.
    Result<crypto::EcKey> ephKey = crypto::EcKey::fromPublicPoint(eph);
    if (!ephKey)
        return failure(EnvelopeError::UnwrapFailed, u"the ephemeral key is invalid"_s);
    Result<crypto::SecureBuffer> shared = prekey->deriveShared(ephKey.value());
    if (!shared)
        return failure(EnvelopeError::UnwrapFailed, u"key agreement failed"_s);
    const QByteArray info = protocol::wrapInfo(out.from, sender.rootPub, sender.devicePub, me.user, me.rootPub,
                                               me.devicePub, eph, prekey->publicPoint());
    Result<crypto::SecureBuffer> okm = crypto::hkdfSha512(shared->view(), out.mid, info, WrapOkmSize);
    if (!okm)
        return failure(EnvelopeError::UnwrapFailed, u"key derivation failed"_s);
    const QByteArrayView okmView = okm->view();
    Result<crypto::SecureBuffer> key = crypto::aesGcmOpen(okmView.first(crypto::AesKeySize),
                                                          okmView.sliced(crypto::AesKeySize, crypto::GcmNonceSize), wk,
                                                          crypto::sha512(core));
    if (!key || key->size() != std::size_t(crypto::AesKeySize))
        return failure(EnvelopeError::UnwrapFailed, u"the wrapped message key does not open for this device"_s);

    // 5. The key commitment.
    if (!crypto::constantTimeEquals(commitmentFor(key.value()), kc))
        return failure(EnvelopeError::CommitmentMismatch, u"the message key does not match its commitment"_s);

    // 6. The payload.
    const QByteArrayView pl(payload);
    Result<crypto::SecureBuffer> plain = crypto::aesGcmOpen(key->view(), pl.first(crypto::GcmNonceSize),
                                                            pl.sliced(crypto::GcmNonceSize), out.mid);
    if (!plain)
        return failure(EnvelopeError::DecryptFailed, u"the payload does not decrypt"_s);
    Result<QString> text = decodePlaintext(plain->view());
    if (!text)
        return failure(EnvelopeError::BadPlaintext, text.error().message);
    out.text = text.value();
    return out;
}

} // namespace parley::sdk
