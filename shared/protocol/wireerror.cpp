#include "protocol/wireerror.h"

#include <iterator>

using namespace Qt::StringLiterals;

namespace parley::protocol {

namespace {

// Indexed by WireError; the wire names of docs/protocol.md ("error").
constexpr QLatin1StringView Names[] = {
    "bad_frame"_L1,   "unknown_type"_L1,  "bad_field"_L1,      "too_large"_L1,  "not_authenticated"_L1,
    "already_authenticated"_L1, "auth_failed"_L1, "enroll_failed"_L1, "suspended"_L1, "bad_signature"_L1,
    "device_mismatch"_L1, "replay"_L1,   "stale_time"_L1,     "not_found"_L1,  "rate_limited"_L1,
    "quota"_L1,       "unavailable"_L1,   "forbidden"_L1,      "conflict"_L1,   "busy"_L1,
    "resume_failed"_L1, "internal"_L1,
};
static_assert(std::size(Names) == std::size_t(WireError::Internal) + 1, "one name per WireError");

} // namespace

QString wireErrorName(WireError code)
{
    const auto i = std::size_t(code);
    return i < std::size(Names) ? QString(Names[i]) : QString(Names[std::size_t(WireError::Internal)]);
}

std::optional<WireError> wireErrorFromName(QStringView name)
{
    for (std::size_t i = 0; i < std::size(Names); ++i) {
        if (name == Names[i])
            return WireError(i);
    }
    return std::nullopt;
}

} // namespace parley::protocol
