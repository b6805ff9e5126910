#pragma once

// What a message's plaintext holds (docs/protocol.md "Message encryption"): the text `body`, and optionally a call
// signal (`call`, docs/calls.md "Signalling"). The plaintext is the CBOR map {"body", ["call",] "pad"}, padded to a
// multiple of 64 bytes; a receiver ignores keys it does not know, so a client without calls shows the body of a
// call signal (the SDK writes a short sentence there for an offer, nothing for the others) and nothing breaks.
// Attachments travel as `files` (docs/protocol.md "The file entry"): what a recipient needs to fetch, check and
// decrypt each one.

#include "core/result.h"
#include "sdk/filecipher.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::sdk {

// One step of a call's set-up, end-to-end encrypted and signed like any message. The server routes it as an
// ordinary message with a short expiry (CallSignal::Lifetime); it cannot read or tell it from a text.
struct PARLEY_EXPORT CallSignal {
    enum class Kind {
        Offer,       // a call to a user (sdp, key epoch 0) or a ring in a room (no sdp, no key)
        Answer,      // the callee takes the call (sdp); its own other devices stop ringing
        Candidates,  // ICE candidates (candidates)
        Join,        // a room member joins a room call: sent to its owner
        Key,         // the owner's new media key for the current participants (key, epoch, participants)
        Decline,     // the callee refuses the offer
        HangUp,      // the sender leaves the call (or withdraws its offer)
    };

    static constexpr int CallIdSize = 16;
    static constexpr int MediaKeySize = 32;
    static constexpr int MaxSdpBytes = 32 * 1024;
    static constexpr int MaxCandidates = 64;
    static constexpr int MaxCandidateBytes = 1024;
    static constexpr int MaxParticipants = 64;
    // Seconds a signal lives on the server (opts.exp): a call set-up is live or nothing.
    static constexpr quint32 Lifetime = 60;

    Kind kind = Kind::Offer;
    QByteArray callId;          // 16 random bytes chosen by the caller
    QString room;               // for a room call: the room (also the message's opts.room for a ring)
    QString sdp;                // Offer, Answer
    QStringList candidates;     // Candidates
    QByteArray mediaKey;        // Offer (1:1), Key: 32 bytes
    quint32 epoch = 0;          // the media key's number, counting up from 0 for each call
    QStringList participants;   // Key: who holds this key (user names, sorted)
    bool video = false;         // Offer

    QCborMap toCbor() const;
    static Result<CallSignal> fromCbor(const QCborValue &value);
    bool operator==(const CallSignal &) const = default;
};

PARLEY_EXPORT QString callSignalKindName(CallSignal::Kind kind);   // "offer", "answer", ...

// One attachment: the blob on the server and the key and digest of its ciphertext (sdk/filecipher.h).
struct PARLEY_EXPORT FileRef {
    static constexpr int BlobIdSize = 16;
    static constexpr int DigestSize = 32;
    static constexpr int MaxFiles = 16;        // per message, as the server's `send.blobs`
    static constexpr int MaxNameBytes = 255;
    static constexpr int MaxTypeBytes = 127;

    QByteArray blob;            // the server's id of the ciphertext
    quint64 size = 0;           // ciphertext bytes: FileCipher::ciphertextSize(length, chunk)
    quint64 length = 0;         // plaintext bytes
    QString name;               // the file's name as the sender gave it (a receiver sanitises it before use)
    QString type;               // a media type, or empty
    QByteArray key;             // FileCipher::KeySize bytes
    QByteArray prefix;          // FileCipher::PrefixSize bytes
    quint64 chunk = FileCipher::DefaultChunk;
    QByteArray sha256;          // of the ciphertext

    FileCipher cipher() const;
    QCborMap toCbor() const;
    // Strict: every field present with its type and range (`type` optional), no other key, and `size` matching
    // `length` and `chunk`.
    static Result<FileRef> fromCbor(const QCborValue &value);
    bool operator==(const FileRef &) const = default;
};

struct PARLEY_EXPORT MessageContent {
    QString text;
    std::optional<CallSignal> call;
    QList<FileRef> files;       // 0 … FileRef::MaxFiles attachments

    // The padded plaintext; fails when it exceeds the payload limit.
    Result<QByteArray> encode() const;
    // Requires a padded map with a text body and a byte-string pad; a `call` that is present must be a valid
    // signal, and `files` an array of 1 … 16 valid file entries (else the message is refused as bad_plaintext: a broken signal is not shown as an empty text).
    static Result<MessageContent> decode(QByteArrayView plaintext);
};

} // namespace parley::sdk
