#include "protocol/adminprotocol.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::protocol::admin {

namespace {

constexpr qsizetype NameBytes = 64;
constexpr qsizetype PasswordBytes = 1024;
constexpr qsizetype PemBytes = 256 * 1024;
constexpr qsizetype MaxTokenBytes = 128;
constexpr qsizetype DescriptionBytes = 1024;
constexpr qsizetype MaxScopeEntries = 1000;     // a bot's scope: "any", "user:NAME", "room:NAME"
constexpr qsizetype ScopeEntryBytes = 5 + NameBytes;

Arg text(const char *key, bool required = true, qsizetype maxBytes = 256)
{
    return Arg{QLatin1StringView(key), ArgKind::Text, required, maxBytes, 0};
}
Arg uintArg(const char *key, bool required = true)
{
    return Arg{QLatin1StringView(key), ArgKind::Uint, required, 0, 0};
}

Arg boolArg(const char *key, bool required)
{
    return Arg{QLatin1StringView(key), ArgKind::Bool, required, 0, 0};
}

Arg textList(const char *key, bool required, qsizetype maxItems, qsizetype maxBytes)
{
    return Arg{QLatin1StringView(key), ArgKind::TextList, required, maxBytes, maxItems};
}

QList<Call> buildCalls()
{
    const Arg name = text("name", true, NameBytes);
    return {
        {"login"_L1, Access::Anonymous, {name, text("password", true, PasswordBytes), text("totp", false, 16)},
         "Log in; returns a session token"_L1},
        {"password.change"_L1, Access::PasswordChange,
         {text("password", true, PasswordBytes), text("new_password", true, PasswordBytes)},
         "Change the caller's own password (the only call a default credential may make)"_L1},
        {"logout"_L1, Access::Full, {}, "Revoke the caller's token"_L1},
        {"status"_L1, Access::Full, {}, "Version, uptime, connected devices, queued messages, database size, certificate expiry"_L1},
        {"status.history"_L1, Access::Full, {uintArg("since", false)},
         "Samples of the last 24 hours, one every 10 s: connected devices, messages/s, queues, commit latency"_L1},

        {"user.create"_L1, Access::Full, {name, uintArg("valid_hours", false)}, "Create a user: one-time enrollment code and link"_L1},
        {"user.code"_L1, Access::Full, {name, uintArg("valid_hours", false)}, "A further enrollment code for an existing user (a new device)"_L1},
        {"user.list"_L1, Access::Full, {text("search", false, NameBytes)}, "List users, optionally those whose name contains SEARCH"_L1},
        {"user.show"_L1, Access::Full, {name}, "One user with its devices"_L1},
        {"user.devices"_L1, Access::Full, {name}, "The devices of a user"_L1},
        {"user.revoke_device"_L1, Access::Full, {name, uintArg("device")}, "Revoke one device (its session is dropped, its queue purged)"_L1},
        {"user.suspend"_L1, Access::Full, {name}, "Suspend a user; live sessions are dropped at once"_L1},
        {"user.resume"_L1, Access::Full, {name}, "Lift a suspension"_L1},
        {"user.delete"_L1, Access::Full, {name}, "Delete a user: devices, keys, queues, recovery bundle, codes"_L1},
        {"user.sign_out"_L1, Access::Full, {name},
         "Sign a user out everywhere: every resumption credential revoked, live sessions dropped"_L1},
        {"user.import"_L1, Access::Full, {text("csv", true, MaxTextArgBytes), uintArg("valid_hours", false)},
         "Create users from CSV (name per row); per-row report"_L1},
        {"user.export"_L1, Access::Full, {}, "All users as CSV"_L1},

        {"bots.create"_L1, Access::Full,
         {name, text("description", false, DescriptionBytes), textList("scope", true, MaxScopeEntries, ScopeEntryBytes),
          uintArg("expires_at", false), uintArg("rate", false), uintArg("burst", false), uintArg("valid_hours", false)},
         "Create a bot: its scope, expiry and send limit, and a one-time enrollment code for its device"_L1},
        {"bots.list"_L1, Access::Full, {text("search", false, NameBytes)},
         "List bots with their scope, expiry, send limit and state"_L1},
        {"bots.update"_L1, Access::Full,
         {name, text("description", false, DescriptionBytes), textList("scope", false, MaxScopeEntries, ScopeEntryBytes),
          uintArg("expires_at", false), uintArg("rate", false), uintArg("burst", false)},
         "Change a bot's description, scope, expiry or send limit"_L1},
        {"bots.revoke"_L1, Access::Full, {name}, "Revoke a bot: its devices, sessions and pending codes end at once"_L1},

        {"cert.show"_L1, Access::Full, {}, "The serving certificate chain and its expiry"_L1},
        {"cert.reload"_L1, Access::Full, {}, "Reload certificate and key from disk; new connections use them"_L1},
        {"cert.install"_L1, Access::Full, {text("certificate", true, PemBytes), text("private_key", true, PemBytes)},
         "Validate and install a certificate chain and key, then reload"_L1},
        {"cert.csr"_L1, Access::Full, {text("common_name", true, 255), text("dns", false, 4096)},
         "Generate a new key and a certificate signing request"_L1},

        {"log.set_level"_L1, Access::Full, {text("category", true, 128), text("level", true, 16)},
         "Set a logging category's verbosity at run time"_L1},
        {"log.levels"_L1, Access::Full, {}, "The logging categories and their verbosity"_L1},
        {"log.show"_L1, Access::Full,
         {text("grep", false, 256), text("category", false, 128), text("level", false, 16), uintArg("since", false), uintArg("limit", false)},
         "Recent events, filtered"_L1},
        {"log.retention"_L1, Access::Full, {uintArg("days", false)}, "Show or set the event retention period in days"_L1},

        {"proxy.set"_L1, Access::Full,
         {text("type", true, 16), text("host", false, 255), uintArg("port", false), text("user", false, 255),
          text("password", false, PasswordBytes)},
         "Set the outbound messaging proxy (none, http or socks5)"_L1},
        {"proxy.show"_L1, Access::Full, {}, "The outbound messaging proxy (never its password)"_L1},
        {"proxy.test"_L1, Access::Full, {text("host", true, 255), uintArg("port")}, "Connect to HOST:PORT through the proxy"_L1},

        {"push.show"_L1, Access::Full, {}, "Push providers: configured, source, non-secret details; queue counts"_L1},
        {"push.set_apns"_L1, Access::Full,
         {text("key", true, 16 * 1024), text("key_id", true, 64), text("team_id", true, 64), text("topic", false, 255),
          text("endpoint", false, 1024)},
         "Set the APNs token key (PKCS#8 PEM, P-256), key ID and team ID"_L1},
        {"push.set_fcm"_L1, Access::Full,
         {text("service_account", true, 64 * 1024), text("endpoint", false, 1024), text("token_endpoint", false, 1024)},
         "Set the FCM service account (JSON key)"_L1},
        {"push.set_webpush"_L1, Access::Full, {text("subject", true, 255), text("private_key", false, 16 * 1024)},
         "Set the VAPID subject and key (generated when none is given)"_L1},
        {"push.clear"_L1, Access::Full, {text("provider", true, 16)}, "Remove the push credentials set through the admin API"_L1},

        {"turn.show"_L1, Access::Full, {}, "TURN relay for calls: URIs, credential lifetime, whether a secret is set (never the secret)"_L1},
        {"turn.set"_L1, Access::Full, {textList("uris", true, 16, 512), uintArg("ttl", false), text("secret", false, 256)},
         "Set the TURN/STUN URIs, the credential lifetime and the shared secret (kept when absent)"_L1},
        {"turn.clear"_L1, Access::Full, {}, "Remove the TURN settings: devices get no TURN credentials"_L1},

        {"admin.list"_L1, Access::Full, {}, "List admin accounts"_L1},
        {"admin.create"_L1, Access::Full, {name, text("password", true, PasswordBytes)},
         "Create an admin account; it must change this password at first login"_L1},
        {"admin.delete"_L1, Access::Full, {name}, "Delete an admin account (never the last one)"_L1},
        {"admin.set_password"_L1, Access::Full, {name, text("password", true, PasswordBytes)},
         "Set another admin's password (to be changed at next login); revokes its tokens"_L1},
        {"totp.setup"_L1, Access::Full, {}, "Start TOTP for the caller: a new secret, pending confirmation"_L1},
        {"totp.enable"_L1, Access::Full, {text("code", true, 16)}, "Confirm the pending TOTP secret with a current code"_L1},
        {"totp.disable"_L1, Access::Full, {text("name", false, NameBytes)}, "Turn TOTP off (the caller's, or NAME's)"_L1},

        {"audit.show"_L1, Access::Full,
         {text("actor", false, NameBytes), text("action", false, 64), uintArg("since", false), uintArg("until", false), uintArg("limit", false)},
         "Audit records, newest first, filtered"_L1},
        {"audit.export"_L1, Access::Full, {uintArg("since", false), uintArg("until", false)}, "Audit records as CSV"_L1},

        {"rooms.defaults"_L1, Access::Full,
         {uintArg("max_members", false), uintArg("max_expire_seconds", false), uintArg("default_expire_seconds", false),
          Arg{"default_burn"_L1, ArgKind::Bool, false, 0, 0}},
         "Show or change the room defaults and limits"_L1},
        {"rooms.list"_L1, Access::Full, {text("search", false, 128)}, "List rooms with policy and member count"_L1},
        {"rooms.show"_L1, Access::Full, {text("room", true, 128)}, "One room: policy, members and admins"_L1},
        {"rooms.policy"_L1, Access::Full,
         {text("room", true, 128), uintArg("expire_seconds", false), Arg{"burn_on_read"_L1, ArgKind::Bool, false, 0, 0}},
         "Enforce a shorter message lifetime or burn-on-read on a room (0 / false lift the override)"_L1},
        {"rooms.delete"_L1, Access::Full, {text("room", true, 128)}, "Delete a room with its membership chain"_L1},

        {"files.show"_L1, Access::Full, {}, "Attachment limits and the storage they take in total"_L1},
        {"files.set"_L1, Access::Full, {uintArg("max_file", false), uintArg("user_quota", false)},
         "Change the per-file limit or the per-user quota of attachments (bytes)"_L1},
        {"files.usage"_L1, Access::Full, {text("user", false, NameBytes)}, "Attachment storage per user, largest first"_L1},

        {"directory.show"_L1, Access::Full, {},
         "The directory (LDAP, Active Directory) the users are synced from, and the last sync (never the password)"_L1},
        {"directory.set"_L1, Access::Full,
         {text("url", true, 512), boolArg("starttls", false), text("ca_certificate", true, 64 * 1024),
          text("bind_dn", false, 1024), text("password", false, PasswordBytes), text("password_file", false, 4096),
          text("base_dn", true, 1024), text("user_filter", false, 4096), text("group_filter", false, 4096),
          text("name_attribute", false, 128), text("display_name_attribute", false, 128),
          text("disabled_attribute", false, 128), text("disabled_value", false, 256), uintArg("disabled_bit", false),
          text("group_name_attribute", false, 128), text("member_attribute", false, 128),
          textList("rooms", false, 64, 1200), uintArg("interval_seconds", false), uintArg("grace_seconds", false),
          uintArg("page_size", false), uintArg("valid_hours", false)},
         "Set the directory to sync users from: URL (ldaps://, or ldap:// with StartTLS), CA, bind DN and password, "
         "base DN, filters, attribute mapping, group-to-room mapping, interval and grace period"_L1},
        {"directory.clear"_L1, Access::Full, {}, "Remove the directory settings and the stored password; users stay"_L1},
        {"directory.sync"_L1, Access::Full, {boolArg("dry_run", false)},
         "Sync the users from the directory now (dry_run: only report what would change)"_L1},
        {"directory.users"_L1, Access::Full, {}, "The users linked to directory entries, with their sync state"_L1},

        {"sso.show"_L1, Access::Full, {},
         "Single sign-on: the settings in force and where they come from (never the client secret), the redirect URI, "
         "whether it runs, the last error"_L1},
        {"sso.set"_L1, Access::Full,
         {text("issuer", true, 1024), text("client_id", true, 255), text("client_secret", false, 1024),
          text("listen", false, 64), text("public_url", false, 512), text("username_claim", false, 64),
          boolArg("create_users", false), uintArg("code_valid_seconds", false), text("ca_certificate", false, 64 * 1024)},
         "Set single sign-on (OpenID Connect): issuer, client ID and secret, listener, public URL, the claim that names "
         "the user, whether users are created, code validity, the provider's CA; applied at once"_L1},
        {"sso.clear"_L1, Access::Full, {},
         "Remove the single sign-on settings of the admin API and their secret: [sso] of the configuration applies, or off"_L1},
        {"sso.test"_L1, Access::Full, {}, "Fetch the provider's discovery document and key set now"_L1},
    };
}

QString kindName(ArgKind kind)
{
    switch (kind) {
    case ArgKind::Text: return u"text"_s;
    case ArgKind::Uint: return u"an unsigned integer"_s;
    case ArgKind::Bool: return u"a boolean"_s;
    case ArgKind::TextList: return u"an array of text"_s;
    }
    return {};
}

// Parses one complete CBOR map with no trailing bytes, nesting at most `maxDepth` levels.
std::variant<QCborMap, QString> parseMap(QByteArrayView data, qsizetype maxBytes)
{
    if (data.size() > maxBytes)
        return u"frame larger than %1 bytes"_s.arg(maxBytes);
    QCborStreamReader reader(data.data(), data.size());
    if (!reader.isMap())
        return u"a frame must be a CBOR map"_s;
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return u"malformed CBOR: %1"_s.arg(reader.lastError().toString());
    if (reader.currentOffset() != data.size())
        return u"trailing bytes after the frame"_s;
    if (!value.isMap())
        return u"a frame must be a CBOR map"_s;
    return value.toMap();
}

// Whether every floating-point number in `v` converts to qint64: finite and within its range. The admin app and
// parleyctl read the integers of an answer with QCborValue::toInteger(), which converts a double too, and converting
// NaN, an infinity or a double beyond qint64 is undefined behaviour. The server sends only small fractions (seconds).
bool numbersConvert(const QCborValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        return std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
    }
    if (v.isArray()) {
        for (const QCborValue &item : v.toArray()) {
            if (!numbersConvert(item))
                return false;
        }
    } else if (v.isMap()) {
        const QCborMap map = v.toMap();
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            if (!numbersConvert(it.key()) || !numbersConvert(it.value()))
                return false;
        }
    } else if (v.isTag()) {
        return numbersConvert(v.taggedValue());
    }
    return true;
}

quint64 readId(const QCborMap &map)
{
    const QCborValue id = map.value("id"_L1);
    if (!id.isInteger() || id.toInteger() < 1 || quint64(id.toInteger()) > MaxRequestId)
        return 0;
    return quint64(id.toInteger());
}

} // namespace

const QList<Call> &calls()
{
    static const QList<Call> table = buildCalls();
    return table;
}

const Call *findCall(QStringView name)
{
    for (const Call &call : calls()) {
        if (call.name == name)
            return &call;
    }
    return nullptr;
}

QString validateArgs(const Call &call, const QCborMap &args)
{
    for (auto it = args.constBegin(); it != args.constEnd(); ++it) {
        if (!it.key().isString())
            return u"argument keys must be text"_s;
        const QString key = it.key().toString();
        const Arg *spec = nullptr;
        for (const Arg &a : call.args) {
            if (a.key == key)
                spec = &a;
        }
        if (!spec)
            return u"%1 takes no argument '%2'"_s.arg(call.name, key.left(64));
        const QCborValue v = it.value();
        bool fits = false;
        switch (spec->kind) {
        case ArgKind::Text:
            fits = v.isString() && v.toString().toUtf8().size() <= spec->maxBytes;
            if (v.isString() && !fits)
                return u"%1: at most %2 bytes"_s.arg(key).arg(spec->maxBytes);
            break;
        case ArgKind::Uint:
            fits = v.isInteger() && v.toInteger() >= 0;
            break;
        case ArgKind::Bool:
            fits = v.isBool();
            break;
        case ArgKind::TextList: {
            const QCborArray items = v.toArray();
            fits = v.isArray() && !items.isEmpty() && items.size() <= spec->maxItems;
            if (v.isArray() && !fits)
                return u"%1: 1 to %2 entries"_s.arg(key).arg(spec->maxItems);
            for (const QCborValue &item : items) {
                if (!item.isString())
                    return u"%1: expected %2"_s.arg(key, kindName(spec->kind));
                if (item.toString().toUtf8().size() > spec->maxBytes)
                    return u"%1: at most %2 bytes per entry"_s.arg(key).arg(spec->maxBytes);
            }
            break;
        }
        }
        if (!fits)
            return u"%1: expected %2"_s.arg(key, kindName(spec->kind));
    }
    for (const Arg &a : call.args) {
        if (a.required && !args.contains(a.key))
            return u"%1: missing argument '%2'"_s.arg(call.name, a.key);
    }
    return {};
}

std::variant<Request, DecodeError> decodeRequest(QByteArrayView data)
{
    auto parsed = parseMap(data, MaxRequestBytes);
    if (auto *message = std::get_if<QString>(&parsed))
        return DecodeError{0, *message};
    const QCborMap map = std::get<QCborMap>(parsed);
    Request request;
    request.id = readId(map);
    if (request.id == 0)
        return DecodeError{0, u"id: expected an integer from 1 to 2^53"_s};
    if (map.value("t"_L1).toString() != "admin"_L1)
        return DecodeError{request.id, u"t: this port only takes admin frames"_s};
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        const QString key = it.key().toString();
        if (key != "t"_L1 && key != "id"_L1 && key != "call"_L1 && key != "token"_L1 && key != "args"_L1)
            return DecodeError{request.id, u"unknown key '%1'"_s.arg(key.left(64))};
    }
    const QCborValue call = map.value("call"_L1);
    if (!call.isString() || call.toString().isEmpty() || call.toString().size() > 64)
        return DecodeError{request.id, u"call: expected the name of a call"_s};
    request.call = call.toString();
    if (map.contains("token"_L1)) {
        const QCborValue token = map.value("token"_L1);
        if (!token.isString() || token.toString().toUtf8().size() > MaxTokenBytes)
            return DecodeError{request.id, u"token: expected text of at most %1 bytes"_s.arg(MaxTokenBytes)};
        request.token = token.toString();
    }
    if (map.contains("args"_L1)) {
        const QCborValue args = map.value("args"_L1);
        if (!args.isMap())
            return DecodeError{request.id, u"args: expected a map"_s};
        request.args = args.toMap();
    }
    return request;
}

QByteArray encodeRequest(const Request &request)
{
    QCborMap map;
    map.insert("t"_L1, u"admin"_s);
    map.insert("id"_L1, qint64(request.id));
    map.insert("call"_L1, request.call);
    if (!request.token.isEmpty())
        map.insert("token"_L1, request.token);
    map.insert("args"_L1, request.args);
    return map.toCborValue().toCbor();
}

std::variant<Response, DecodeError> decodeResponse(QByteArrayView data)
{
    auto parsed = parseMap(data, MaxResponseBytes);
    if (auto *message = std::get_if<QString>(&parsed))
        return DecodeError{0, *message};
    const QCborMap map = std::get<QCborMap>(parsed);
    Response response;
    response.id = readId(map);
    const QString type = map.value("t"_L1).toString();
    if (type == "admin_result"_L1) {
        if (!map.value("result"_L1).isMap())
            return DecodeError{response.id, u"result: expected a map"_s};
        response.result = map.value("result"_L1).toMap();
        if (!numbersConvert(map.value("result"_L1)))
            return DecodeError{response.id, u"result: a number that is not finite or beyond 64 bits"_s};
    } else if (type == "admin_error"_L1) {
        if (!map.value("error"_L1).isString() || map.value("error"_L1).toString().isEmpty())
            return DecodeError{response.id, u"error: expected a code"_s};
        response.error = map.value("error"_L1).toString();
        response.message = map.value("msg"_L1).toString();
    } else {
        return DecodeError{response.id, u"not an admin reply"_s};
    }
    return response;
}

QByteArray encodeResponse(const Response &response)
{
    QCborMap map;
    if (response.ok()) {
        map.insert("t"_L1, u"admin_result"_s);
        if (response.id)
            map.insert("id"_L1, qint64(response.id));
        map.insert("result"_L1, response.result);
    } else {
        map.insert("t"_L1, u"admin_error"_s);
        if (response.id)
            map.insert("id"_L1, qint64(response.id));
        map.insert("error"_L1, response.error);
        // At most 1024 UTF-16 units, and not the first half of a surrogate pair (it would go out as U+FFFD).
        QString msg = response.message.left(1024);
        if (msg.size() < response.message.size() && msg.back().isHighSurrogate())
            msg.chop(1);
        map.insert("msg"_L1, msg);
    }
    return map.toCborValue().toCbor();
}

} // namespace parley::protocol::admin
