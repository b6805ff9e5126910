#pragma once

// The admin API's wire format (docs/admin-api.md): one TLS WebSocket, binary frames, each a CBOR map. Requests are
// {"t":"admin","id":N,"call":NAME,"token":TEXT?,"args":{...}}; replies are {"t":"admin_result","id":N,"result":{...}}
// or {"t":"admin_error","id":N,"error":CODE,"msg":TEXT}. A frame namespace of its own: the device plane's decoder
// knows none of these types, and this decoder knows none of the device plane's.
//
// The call table below is the single list of admin calls. The daemon's dispatch table must cover exactly these
// names (it refuses to start otherwise), parleyctl validates arguments against it, and the tests enumerate it.

#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborMap>
#include <QLatin1StringView>
#include <QList>
#include <QString>

#include <variant>

namespace parley::protocol::admin {

constexpr qsizetype MaxRequestBytes = 2 << 20;      // CSV imports and PEM bundles fit
constexpr qsizetype MaxResponseBytes = 16 << 20;
constexpr qsizetype MaxTextArgBytes = 1 << 20;
constexpr quint64 MaxRequestId = (quint64(1) << 53);

// TextList: an array of texts (1 to maxItems, each at most maxBytes), e.g. the URIs of turn.set.
enum class ArgKind : quint8 { Text, Uint, Bool, TextList };

struct Arg {
    QLatin1StringView key;
    ArgKind kind = ArgKind::Text;
    bool required = true;
    qsizetype maxBytes = 256;      // Text and TextList (per element)
    qsizetype maxItems = 0;        // TextList only
};

// Who may make a call: without a token (login), with a token that still has to change its password (the password
// change itself), or only with a full token (everything else).
enum class Access : quint8 { Anonymous, PasswordChange, Full };

struct Call {
    QLatin1StringView name;
    Access access = Access::Full;
    QList<Arg> args;
    QLatin1StringView summary;
};

// Every admin call, in the order of docs/admin-api.md.
PARLEY_EXPORT const QList<Call> &calls();
PARLEY_EXPORT const Call *findCall(QStringView name);
// Empty when `args` fits the call's argument list (every required key present, no unknown keys, right types,
// text within its size); otherwise a message naming the offending key.
PARLEY_EXPORT QString validateArgs(const Call &call, const QCborMap &args);

// Error codes of admin_error frames.
namespace errors {
inline constexpr QLatin1StringView BadRequest("bad_request");                  // malformed frame or arguments
inline constexpr QLatin1StringView UnknownCall("unknown_call");
inline constexpr QLatin1StringView Unauthorized("unauthorized");               // no, unknown, expired or revoked token; wrong credentials
inline constexpr QLatin1StringView TotpRequired("totp_required");
inline constexpr QLatin1StringView LockedOut("locked_out");
inline constexpr QLatin1StringView PasswordChangeRequired("password_change_required");
inline constexpr QLatin1StringView Forbidden("forbidden");
inline constexpr QLatin1StringView NotFound("not_found");
inline constexpr QLatin1StringView Conflict("conflict");
inline constexpr QLatin1StringView InvalidArgument("invalid_argument");
inline constexpr QLatin1StringView Unavailable("unavailable");
inline constexpr QLatin1StringView Internal("internal");
}

struct Request {
    quint64 id = 0;
    QString call;
    QString token;       // empty: none
    QCborMap args;
};

struct Response {
    quint64 id = 0;
    QString error;       // empty: success
    QString message;
    QCborMap result;
    bool ok() const { return error.isEmpty(); }
};

struct DecodeError {
    quint64 id = 0;      // when it could be read
    QString message;
};

// Strict: size limit, a CBOR map with no trailing bytes, "t" == "admin", integer id in 1..2^53, text call,
// optional text token (at most 128 bytes), optional map args; no other keys. Argument checks are validateArgs().
PARLEY_EXPORT std::variant<Request, DecodeError> decodeRequest(QByteArrayView data);
PARLEY_EXPORT QByteArray encodeRequest(const Request &request);
// An answer's result may hold no floating-point number that toInteger() cannot convert (NaN, an infinity, beyond
// 64 bits): the clients read its integers with toInteger().
PARLEY_EXPORT std::variant<Response, DecodeError> decodeResponse(QByteArrayView data);
PARLEY_EXPORT QByteArray encodeResponse(const Response &response);

} // namespace parley::protocol::admin
