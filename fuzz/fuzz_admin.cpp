// The admin API's frames (protocol/adminprotocol.cpp) as the daemon takes them in (server/admin/adminserver.cpp,
// onFrame: decodeRequest, the call table, the login name of an anonymous call, validateArgs) and as parleyctl reads
// the replies (decodeResponse).
// Invariants: a request that decodes encodes to one that decodes to the same request; arguments that validateArgs()
// lets through have every required key and each key the kind and size the call table gives it; a reply that decodes
// encodes to one that decodes to the same reply, its message whole or cut to 1024 UTF-16 units at a character.

#include "fuzzsupport.h"

#include "protocol/adminprotocol.h"
#include "protocol/frame.h"

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace parley;
namespace admin = parley::protocol::admin;

namespace {

// Maps compared by their encoding: a NaN argument is never equal to itself as a QCborValue.
bool sameMap(const QCborMap &a, const QCborMap &b) { return a.toCborValue().toCbor() == b.toCborValue().toCbor(); }

bool sameRequest(const admin::Request &a, const admin::Request &b)
{
    return a.id == b.id && a.call == b.call && a.token == b.token && sameMap(a.args, b.args);
}

bool sameResponse(const admin::Response &a, const admin::Response &b)
{
    return a.id == b.id && a.error == b.error && a.message == b.message && sameMap(a.result, b.result);
}

void checkArgs(const admin::Call &call, const QCborMap &args)
{
    for (const admin::Arg &spec : call.args) {
        const QCborValue v = args.value(spec.key);
        if (spec.required)
            FUZZ_CHECK(args.contains(spec.key));
        if (!args.contains(spec.key))
            continue;
        switch (spec.kind) {
        case admin::ArgKind::Text:
            FUZZ_CHECK(v.isString() && v.toString().toUtf8().size() <= spec.maxBytes);
            break;
        case admin::ArgKind::Uint:
            FUZZ_CHECK(v.isInteger() && v.toInteger() >= 0);
            break;
        case admin::ArgKind::Bool:
            FUZZ_CHECK(v.isBool());
            break;
        case admin::ArgKind::TextList:
            FUZZ_CHECK(v.isArray() && !v.toArray().isEmpty() && v.toArray().size() <= spec.maxItems);
            for (const QCborValue &item : v.toArray())
                FUZZ_CHECK(item.isString() && item.toString().toUtf8().size() <= spec.maxBytes);
            break;
        }
    }
    for (auto it = args.constBegin(); it != args.constEnd(); ++it) {
        FUZZ_CHECK(it.key().isString());
        bool known = false;
        for (const admin::Arg &spec : call.args)
            known = known || spec.key == it.key().toString();
        FUZZ_CHECK(known);
    }
}

void checkRequest(QByteArrayView data)
{
    auto decoded = admin::decodeRequest(data);
    const auto *request = std::get_if<admin::Request>(&decoded);
    if (!request)
        return;
    FUZZ_CHECK(request->id >= 1 && request->id <= admin::MaxRequestId);
    auto again = admin::decodeRequest(admin::encodeRequest(*request));
    FUZZ_CHECK(std::holds_alternative<admin::Request>(again));
    FUZZ_CHECK(sameRequest(std::get<admin::Request>(again), *request));

    const admin::Call *call = admin::findCall(request->call);
    if (!call)
        return;
    FUZZ_CHECK(call->name == request->call);
    if (call->access == admin::Access::Anonymous)
        (void)protocol::isValidUserName(request->args.value(QLatin1StringView("name")).toString());
    if (admin::validateArgs(*call, request->args).isEmpty())
        checkArgs(*call, request->args);
}

void checkResponse(QByteArrayView data)
{
    auto decoded = admin::decodeResponse(data);
    const auto *response = std::get_if<admin::Response>(&decoded);
    if (!response)
        return;
    auto again = admin::decodeResponse(admin::encodeResponse(*response));
    FUZZ_CHECK(std::holds_alternative<admin::Response>(again));
    const admin::Response &back = std::get<admin::Response>(again);
    // The message comes back whole, or cut to 1024 UTF-16 units (1023 rather than split a surrogate pair).
    const QString &sent = response->message;
    if (response->ok())
        FUZZ_CHECK(back.message.isEmpty());
    else if (sent.size() <= 1024)
        FUZZ_CHECK(back.message == sent);
    else
        FUZZ_CHECK(sent.startsWith(back.message) && back.message.size() >= 1023 && back.message.size() <= 1024);
    admin::Response expected = *response;
    expected.message = back.message;
    FUZZ_CHECK(sameResponse(back, expected));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    checkRequest(input);
    checkResponse(input);
    return 0;
}
