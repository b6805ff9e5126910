#pragma once

// What a message's plaintext holds (docs/protocol.md "Message encryption"): the text `body`, and optionally a call
// signal (`call`, docs/calls.md "Signalling"). The plaintext is the CBOR map {"body", ["call",] "pad"}, padded to a
// multiple of 64 bytes; a receiver ignores keys it does not know, so a client without calls shows the body of a
// call signal (the SDK writes a short sentence there for an offer, nothing for the others) and nothing breaks.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborMap>
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

struct PARLEY_EXPORT MessageContent {
    QString text;
    std::optional<CallSignal> call;

    // The padded plaintext; fails when it exceeds the payload limit.
    Result<QByteArray> encode() const;
    // Requires a padded map with a text body and a byte-string pad; a `call` that is present must be a valid
    // signal (else the message is refused as bad_plaintext: a broken signal is not shown as an empty text).
    static Result<MessageContent> decode(QByteArrayView plaintext);
};

} // namespace parley::sdk
