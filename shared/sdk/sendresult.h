#pragma once

// The outcome of one message sent with Client::send() or Client::sendEnvelope(): accepted by the server (its
// `seq`), or failed with a typed reason and a sentence for people.

#include "parley_export.h"
#include "protocol/wireerror.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <variant>

namespace parley::sdk {

enum class SendError {
    // The server's answer to `send` or `fetch` (protocol::WireError, docs/protocol.md "error").
    BadFrame,
    UnknownType,
    BadField,
    TooLarge,
    NotAuthenticated,
    AlreadyAuthenticated,
    AuthFailed,
    EnrollFailed,
    Suspended,
    BadSignature,
    DeviceMismatch,              // device lists kept changing (retried Client::MaxMismatchRetries times first)
    Replay,                      // another message was stored under this id (the same message sent again is accepted)
    StaleTime,
    NotFound,
    RateLimited,                 // still rate limited after the retries
    Quota,
    Unavailable,
    Forbidden,
    Conflict,
    Busy,                        // the server stayed too busy to store it after the retries
    ResumeFailed,
    Internal,
    // Found by the client.
    Disconnected,                // not connected, or the connection closed before the server answered
    UnknownUser,                 // a recipient (or the own account) does not exist
    IdentityChanged,             // a recipient's root key differs from the pinned one
    BadCertificate,              // a device certificate does not verify under its user's root key
    BadDeviceList,               // a device list could not be fetched or did not check out
    BadBundle,                   // a prekey bundle did not check out
    Unresolved,                  // no consistent device lists and prekeys after several passes
    BuildFailed,                 // the envelope could not be built
    Protocol,                    // an unexpected reply
};

// The stable name of an error ("device_mismatch", "unknown_user", ...): the wire name for the server's errors.
PARLEY_EXPORT QString sendErrorName(SendError error);
PARLEY_EXPORT SendError sendErrorFromWire(protocol::WireError error);

struct PARLEY_EXPORT SendAccepted {
    QByteArray mid;
    quint64 seq = 0;             // the server's number for the stored message
};

struct PARLEY_EXPORT SendFailure {
    QByteArray mid;
    SendError error = SendError::Internal;
    QString message;
};

using SendResult = std::variant<SendAccepted, SendFailure>;
using SendCallback = std::function<void(const SendResult &)>;

} // namespace parley::sdk
