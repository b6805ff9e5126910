#pragma once

#include "parley_export.h"

#include <QString>

#include <optional>

namespace parley::protocol {

// Error codes carried in `error` frames (docs/protocol.md, "error").
enum class WireError {
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
    DeviceMismatch,
    Replay,
    StaleTime,
    NotFound,
    RateLimited,
    Quota,
    Unavailable,
    Forbidden,
    Conflict,
    Busy,                // the server cannot take the request now; `retry` says when to try again
    ResumeFailed,
    Internal,
};

PARLEY_EXPORT QString wireErrorName(WireError code);                     // "bad_frame", ...
PARLEY_EXPORT std::optional<WireError> wireErrorFromName(QStringView name);

} // namespace parley::protocol
