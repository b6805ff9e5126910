#include "sdk/envelope.h"

#include "sdk/securefile.h"

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

EnvelopeFailure failure(EnvelopeError code, const QString &message) { return EnvelopeFailure{code, message}; }

bool isPoint(const QByteArray &bytes) { return bytes.size() == crypto::P521PointSize; }

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

protocol::SendRequest Envelope::toRequest() const
{
    return protocol::SendRequest{mid, to, sentAt, payload, keyCommitment, options, signature, keys, std::nullopt};
}

protocol::Frame Envelope::toFrame(quint64 requestId) const { return protocol::toFrame(toRequest(), requestId); }

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

Result<QByteArray> Envelope::encodePlaintext(const QString &text) { return MessageContent{text, std::nullopt, {}}.encode(); }

Result<QString> Envelope::decodePlaintext(QByteArrayView plaintext)
{
    Result<MessageContent> content = MessageContent::decode(plaintext);
    if (!content)
        return content.error();
    return content->text;
}

Result<QByteArray> Envelope::encryptPayload(const crypto::SecureBuffer &key, const QByteArray &mid, const QString &text)
{
    return encryptPayload(key, mid, MessageContent{text, std::nullopt, {}});
}

Result<QByteArray> Envelope::encryptPayload(const crypto::SecureBuffer &key, const QByteArray &mid,
                                            const MessageContent &content)
{
    Result<QByteArray> plain = content.encode();
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

namespace {

// What build() is given: a complete sender identity, 1 ... MaxRecipients valid recipient names, complete key
// material for each device (each listed once), and a 16-byte message id if one is given.
Status checkBuildInput(const SenderIdentity &sender, const QStringList &recipients,
                       const QList<RecipientDevice> &devices, const QByteArray &mid)
{
    if (!protocol::isValidUserName(sender.user) || sender.device == 0 || !isPoint(sender.rootPub)
        || !isPoint(sender.devicePub) || !sender.deviceKey.hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, u"incomplete sender identity"_s);
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
    if (!mid.isEmpty() && mid.size() != Envelope::MessageIdSize)
        return makeError(ErrorCode::InvalidArgument, u"a message id is 16 bytes"_s);
    return {};
}

// The message key wrapped for every device, in the order of `devices`. One P-521 key generation and key agreement
// per device: for many devices (a room message) the wraps are spread over the cores. Each wrap reads only shared,
// unchanged inputs and writes its own slot.
Result<QList<KeyEntry>> wrapForAll(const crypto::SecureBuffer &key, const QByteArray &mid, const QByteArray &coreHash,
                                   const SenderIdentity &sender, const QList<RecipientDevice> &devices)
{
    const qsizetype count = devices.size();
    std::vector<std::optional<Result<KeyEntry>>> wrapped(static_cast<size_t>(count));
    auto wrapRange = [&](qsizetype first, qsizetype last) {
        for (qsizetype i = first; i < last; ++i)
            wrapped[size_t(i)].emplace(Envelope::wrapKey(key, mid, coreHash, sender, devices.at(i)));
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
    QList<KeyEntry> keys;
    keys.reserve(count);
    for (std::optional<Result<KeyEntry>> &entry : wrapped) {
        if (!*entry)
            return entry->error();
        keys.append(entry->value());
    }
    return keys;
}

} // namespace

Result<Envelope> Envelope::build(const SenderIdentity &sender, const QStringList &to,
                                 const QList<RecipientDevice> &devices, const QString &text, quint64 sentAtMs,
                                 const protocol::MessageOptions &options, const QByteArray &mid)
{
    return build(sender, to, devices, MessageContent{text, std::nullopt, {}}, sentAtMs, options, mid);
}

Result<Envelope> Envelope::build(const SenderIdentity &sender, const QStringList &to,
                                 const QList<RecipientDevice> &devices, const MessageContent &content,
                                 quint64 sentAtMs, const protocol::MessageOptions &options, const QByteArray &mid)
{
    const QStringList recipients = protocol::normalisedRecipients(to);
    if (Status s = checkBuildInput(sender, recipients, devices, mid); !s)
        return s.error();

    Envelope env;
    env.from = sender.user;
    env.device = sender.device;
    env.mid = mid.isEmpty() ? newMessageId() : mid;
    env.to = recipients;
    env.sentAt = sentAtMs;
    env.options = options;
    const crypto::SecureBuffer key = newMessageKey();
    Result<QByteArray> payload = encryptPayload(key, env.mid, content);
    if (!payload)
        return payload.error();
    env.payload = payload.value();
    env.keyCommitment = commitmentFor(key);
    if (Status s = env.sign(sender.deviceKey); !s)
        return s.error();
    Result<QList<KeyEntry>> keys = wrapForAll(key, env.mid, env.messageCore().hash(), sender, devices);
    if (!keys)
        return keys.error();
    env.keys = std::move(keys.value());
    // Key entries dominate the frame; check the limit on the real encoding rather than an estimate.
    const qsizetype size = env.toRequest().encode(protocol::MaxRequestId).size();
    if (size > protocol::MaxClientFrameBytes)
        return makeError(ErrorCode::InvalidArgument,
                         u"the message is too large for one frame (%1 bytes for %2 devices; at most %3)"_s.arg(size)
                             .arg(devices.size()).arg(protocol::MaxClientFrameBytes));
    return env;
}

OpenResult Envelope::open(const protocol::Frame &msg, const RecipientIdentity &me, const SenderDevice &sender,
                          const PrekeyLookup &lookup)
{
    std::variant<protocol::Msg, protocol::FrameError> checked =
        protocol::decodeAs<protocol::Msg>(protocol::encode(msg), protocol::Direction::ServerToClient);
    if (const auto *error = std::get_if<protocol::FrameError>(&checked))
        return failure(EnvelopeError::Malformed, u"the message frame is malformed: %1"_s.arg(error->message));
    return open(std::get<protocol::Msg>(checked), me, sender, lookup);
}

OpenResult Envelope::open(const protocol::Msg &msg, const RecipientIdentity &me, const SenderDevice &sender,
                          const PrekeyLookup &lookup)
{
    // decode() checked every field's presence, type and size; the payload must also hold a nonce and a tag.
    if (msg.pl.size() < crypto::GcmNonceSize + crypto::GcmTagSize)
        return failure(EnvelopeError::Malformed, u"the payload is too short"_s);
    OpenedMessage out;
    out.from = msg.sender;
    out.device = msg.dev;
    out.mid = msg.mid;
    out.seq = msg.seq;
    out.sentAt = msg.at;
    out.to = msg.to;
    out.options = msg.opts;
    out.kid = msg.kid;
    const QByteArray &payload = msg.pl;
    const QByteArray &kc = msg.kc;
    const QByteArray &eph = msg.eph;
    if (out.from != sender.user || out.device != sender.device)
        return failure(EnvelopeError::Malformed,
                       u"the sender details do not belong to %1#%2"_s.arg(out.from).arg(out.device));

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
    const protocol::MessageCore messageCore = protocol::MessageCore::of(msg);
    const QByteArray core = messageCore.encode();
    if (!deviceKey->verify(core, msg.sig))
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
                                                          okmView.sliced(crypto::AesKeySize, crypto::GcmNonceSize), msg.wk,
                                                          messageCore.hash());
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
    Result<MessageContent> content = MessageContent::decode(plain->view());
    if (!content)
        return failure(EnvelopeError::BadPlaintext, content.error().message);
    out.text = content->text;
    out.call = std::move(content->call);
    out.files = std::move(content->files);
    return out;
}

} // namespace parley::sdk
