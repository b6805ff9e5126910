#include "sdk/sendresult.h"

#include <iterator>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

// Indexed by SendError after the wire errors, which take their wire names.
constexpr QLatin1StringView LocalNames[] = {
    "disconnected"_L1, "unknown_user"_L1, "identity_changed"_L1, "bad_certificate"_L1, "bad_device_list"_L1,
    "bad_bundle"_L1,   "unresolved"_L1,   "build_failed"_L1,     "protocol"_L1,
};
constexpr auto FirstLocal = std::size_t(SendError::Disconnected);
static_assert(FirstLocal == std::size_t(protocol::WireError::Internal) + 1, "the wire errors come first, in order");
static_assert(FirstLocal + std::size(LocalNames) == std::size_t(SendError::Protocol) + 1, "one name per SendError");

} // namespace

QString sendErrorName(SendError error)
{
    const auto i = std::size_t(error);
    if (i < FirstLocal)
        return protocol::wireErrorName(protocol::WireError(i));
    return i - FirstLocal < std::size(LocalNames) ? QString(LocalNames[i - FirstLocal]) : u"internal"_s;
}

SendError sendErrorFromWire(protocol::WireError error)
{
    return SendError(std::size_t(error));
}

} // namespace parley::sdk
