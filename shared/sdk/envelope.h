#pragma once

// Message envelopes (docs/protocol.md, "Message encryption"): pure functions, no I/O.
//
// Building: Envelope::build() makes a random message key K and nonce, encrypts the padded plaintext
// (pl = N || AES-256-GCM(K, N, {"body", "pad"}, aad = mid)), commits to K (kc), signs the message core with the
// sender's device key and wraps K for every recipient device with an ephemeral ECDH P-521 key, HKDF-SHA512 over
// protocol::wrapInfo and AES-256-GCM with aad = sha512(core). The steps are public so that tests and tools can
// compose envelopes, including deliberately broken ones; building is separate from sending, so a benchmark can
// build many envelopes first and send them later.
//
// Opening: Envelope::open() checks, in this order, the sender's device certificate under the sender's root key,
// the core signature, that this device holds the prekey, the key unwrap, the key commitment, the payload
// decryption and the plaintext format; each failure has its own EnvelopeError.

#include "core/result.h"
#include "crypto/crypto.h"
#include "parley_export.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/content.h"

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <variant>

namespace parley::sdk {

// The sending device.
struct PARLEY_EXPORT SenderIdentity {
    QString user;
    quint32 device = 0;
    QByteArray rootPub;          // the user's root public key (133 bytes)
    QByteArray devicePub;        // this device's public key (133 bytes)
    crypto::EcKey deviceKey;     // this device's private key (signs the core)
};

// A device the message key is wrapped for, with the prekey to wrap it to.
struct PARLEY_EXPORT RecipientDevice {
    QString user;
    QByteArray rootPub;
    quint32 device = 0;
    QByteArray devicePub;
    quint32 kid = 0;
    QByteArray prekeyPub;
};

// The message key wrapped for one device: {user, device, kid, eph (ephemeral public key E, 133 bytes), wk (48
// bytes)}, as the `send` request carries it.
using KeyEntry = protocol::KeyEntry;

// The receiving device.
struct PARLEY_EXPORT RecipientIdentity {
    QString user;
    quint32 device = 0;
    QByteArray rootPub;
    QByteArray devicePub;
};

// What the receiver knows of the sending device (from `devices`): checked by Envelope::open().
struct PARLEY_EXPORT SenderDevice {
    QString user;
    QByteArray rootPub;
    quint32 device = 0;
    QByteArray devicePub;
    QByteArray certificate;      // root signature over ["parley-device-v1", user, device_pub]
};

enum class EnvelopeError {
    Malformed,            // a field is missing or has the wrong size, or the sender details do not match
    BadCertificate,       // the sender's device certificate does not verify under the sender's root key
    BadSignature,         // the core signature does not verify under the sender's device key
    UnknownPrekey,        // this device does not hold the private half of prekey `kid`
    UnwrapFailed,         // the wrapped key does not open (wrong prekey, tampered wk/eph, moved key entry)
    CommitmentMismatch,   // the unwrapped key does not match kc
    DecryptFailed,        // the payload does not decrypt under the committed key
    BadPlaintext,         // the payload decrypts but is not a padded {"body", "pad"} map
};
PARLEY_EXPORT QString envelopeErrorName(EnvelopeError error);   // "bad_certificate", ...

struct PARLEY_EXPORT EnvelopeFailure {
    EnvelopeError code = EnvelopeError::Malformed;
    QString message;
};

struct PARLEY_EXPORT OpenedMessage {
    QString from;
    quint32 device = 0;
    QByteArray mid;
    quint64 seq = 0;
    quint64 sentAt = 0;          // ms since the epoch, as the sender stated it
    QStringList to;
    protocol::MessageOptions options;
    quint32 kid = 0;             // the prekey that was used
    QString text;
    std::optional<CallSignal> call;   // a call signal (docs/calls.md), when the plaintext holds one
    QList<FileRef> files;             // attachments (docs/protocol.md "The file entry")
};

using OpenResult = std::variant<OpenedMessage, EnvelopeFailure>;
// Returns the private prekey for a kid, or nothing when this device does not hold it.
using PrekeyLookup = std::function<std::optional<crypto::EcKey>(quint32 kid)>;

class PARLEY_EXPORT Envelope {
public:
    static constexpr int MessageIdSize = 16;
    static constexpr int PaddingBlock = 64;
    static constexpr int WrappedKeySize = crypto::AesKeySize + crypto::GcmTagSize;   // 48
    // The largest padded plaintext that still fits the 64 KiB payload limit with nonce and tag.
    static constexpr int MaxPaddedPlaintext =
        ((int(protocol::MaxPayloadBytes) - crypto::GcmNonceSize - crypto::GcmTagSize) / PaddingBlock) * PaddingBlock;

    QString from;
    quint32 device = 0;
    QByteArray mid;
    QStringList to;              // normalised (sorted by UTF-8 bytes, no duplicates)
    quint64 sentAt = 0;
    QByteArray payload;
    QByteArray keyCommitment;
    protocol::MessageOptions options;
    QByteArray signature;
    QList<KeyEntry> keys;

    // The signed message core of this envelope (protocol::MessageCore); core() is its encoding.
    protocol::MessageCore messageCore() const;
    QByteArray core() const;
    // The `send` request.
    protocol::SendRequest toRequest() const;
    // The same as a raw frame, for callers that send or change raw frames (id 0 leaves the id to the sender, see
    // Client::sendFrame()).
    protocol::Frame toFrame(quint64 requestId = 0) const;
    // Signs the core with the device key (after any field was changed).
    Status sign(const crypto::EcKey &deviceKey);

    // Builds a complete envelope. `mid` empty: a fresh random message id. Fails on invalid input (bad names or
    // keys, duplicate devices, a text too long for the payload limit, a frame beyond the 1 MiB limit).
    static Result<Envelope> build(const SenderIdentity &sender, const QStringList &to,
                                  const QList<RecipientDevice> &devices, const QString &text, quint64 sentAtMs,
                                  const protocol::MessageOptions &options = {}, const QByteArray &mid = {});
    // The same with a text and whatever else the plaintext carries (a call signal).
    static Result<Envelope> build(const SenderIdentity &sender, const QStringList &to,
                                  const QList<RecipientDevice> &devices, const MessageContent &content,
                                  quint64 sentAtMs, const protocol::MessageOptions &options = {},
                                  const QByteArray &mid = {});

    // --- the steps build() is made of ---
    static QByteArray newMessageId();
    static crypto::SecureBuffer newMessageKey();
    // {"body": text, "pad": zero bytes} with the encoding padded to a multiple of PaddingBlock
    // (MessageContent::encode() for a plaintext with more than a text); decodePlaintext() returns the body only.
    static Result<QByteArray> encodePlaintext(const QString &text);
    static Result<QString> decodePlaintext(QByteArrayView plaintext);
    // N || AES-256-GCM(K, N, encodePlaintext(text), aad = mid)
    static Result<QByteArray> encryptPayload(const crypto::SecureBuffer &key, const QByteArray &mid, const QString &text);
    static Result<QByteArray> encryptPayload(const crypto::SecureBuffer &key, const QByteArray &mid,
                                             const MessageContent &content);
    // SHA-256("parley-kc-v1" || K)
    static QByteArray commitmentFor(const crypto::SecureBuffer &key);
    // Wraps K for one device; `coreHash` is sha512(core).
    static Result<KeyEntry> wrapKey(const crypto::SecureBuffer &key, const QByteArray &mid, const QByteArray &coreHash,
                                    const SenderIdentity &sender, const RecipientDevice &recipient);

    // Opens a `msg` addressed to `me`, sent by the device described by `sender`.
    static OpenResult open(const protocol::Msg &msg, const RecipientIdentity &me, const SenderDevice &sender,
                           const PrekeyLookup &lookup);
    // The same for a frame that did not come from protocol::decode(): it is checked against the schema first (a
    // frame the schema refuses is EnvelopeError::Malformed).
    static OpenResult open(const protocol::Frame &msg, const RecipientIdentity &me, const SenderDevice &sender,
                           const PrekeyLookup &lookup);
};

} // namespace parley::sdk
