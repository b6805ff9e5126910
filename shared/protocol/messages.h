#pragma once

// One struct per frame type of the schema table (schema.cpp), in the same order, with typed members.
//
// encode() writes the frame with "t" first, then "id" when non-zero, then the fields in the schema's order,
// leaving out absent optionals: the bytes protocol::encode() gives for the same Frame.
//
// from() reads a frame that decode() accepted for this type. decode() has checked every field against the schema
// (presence, CBOR type, length and value range), so from() cannot fail and does no checks of its own; giving it a
// Frame that did not come from decode(), or one of another type, yields unspecified (but memory-safe) values.
// decodeAs() does both steps and refuses a frame of another type.
//
// The members follow the wire names in camel case ("new_user" is newUser; "from" is Msg::sender and RoomGet::fromSeq,
// as from() is taken); the key strings live in messages.cpp only. The field lists are checked against the schema
// table by schemaDifferences().

#include "parley_export.h"
#include "protocol/frame.h"
#include "protocol/wireerror.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace parley::protocol {

// ---- values shared by several frames ---------------------------------------------------------------------------

// {kid, pub, sig}: a signed prekey.
struct PARLEY_EXPORT Prekey {
    quint32 kid = 0;
    QByteArray pub;
    QByteArray sig;
    bool operator==(const Prekey &) const = default;
};

// {user, device, kid, eph, wk}: the message key wrapped for one device.
struct PARLEY_EXPORT KeyEntry {
    QString user;
    quint32 device = 0;
    quint32 kid = 0;
    QByteArray eph;
    QByteArray wk;
    bool operator==(const KeyEntry &) const = default;
};

// {user, device}: names one device (device_mismatch).
struct PARLEY_EXPORT DeviceRef {
    QString user;
    quint32 device = 0;
    bool operator==(const DeviceRef &) const = default;
};

// {device, pub, sig}: a device certificate.
struct PARLEY_EXPORT DeviceCert {
    quint32 device = 0;
    QByteArray pub;
    QByteArray sig;
    bool operator==(const DeviceCert &) const = default;
};

// {user, root, devices}: one user of a device_list.
struct PARLEY_EXPORT DirectoryUser {
    QString user;
    QByteArray root;
    QList<DeviceCert> devices;
    bool operator==(const DirectoryUser &) const = default;
};

// {device, pub, sig, pk, lr}: one device of a bundle with the prekey handed out for it.
struct PARLEY_EXPORT BundleDevice {
    quint32 device = 0;
    QByteArray pub;
    QByteArray sig;
    Prekey pk;
    bool lr = false;
    bool operator==(const BundleDevice &) const = default;
};

// {rec, sig, dpub, dsig}: one membership record of a room chain.
struct PARLEY_EXPORT RoomEntry {
    QByteArray rec;
    QByteArray sig;
    QByteArray dpub;
    QByteArray dsig;
    bool operator==(const RoomEntry &) const = default;
};

// One room of a room_list.
struct PARLEY_EXPORT RoomSummary {
    QString room;
    quint64 seq = 0;
    QString title;
    QString description;
    quint64 members = 0;
    bool admin = false;
    std::optional<quint64> enforcedExpire;   // 0 … 2^32, 0: none
    std::optional<bool> enforcedBurn;
    bool operator==(const RoomSummary &) const = default;
};

// The server's room limits and defaults (room_list).
struct PARLEY_EXPORT RoomLimits {
    quint64 maxMembers = 0;
    quint64 maxExpire = 0;
    quint64 defaultExpire = 0;
    bool defaultBurn = false;
    bool operator==(const RoomLimits &) const = default;
};

// `opts` of send and msg (docs/protocol.md, "Rooms").
struct PARLEY_EXPORT MessageOptions {
    std::optional<QString> room;
    std::optional<quint64> exp;   // seconds, 1 … 2^32
    std::optional<bool> burn;

    // The `opts` map as `msg` frames and the store carry it (keys in schema order).
    QByteArray encode() const;
    bool operator==(const MessageOptions &) const = default;
};

// ---- client -> server ------------------------------------------------------------------------------------------

struct PARLEY_EXPORT EnrollInfo {
    static constexpr QLatin1StringView Type{"enroll_info"};
    QString user;
    QString code;

    QByteArray encode(quint64 id = 0) const;
    static EnrollInfo from(const Frame &frame);
    bool operator==(const EnrollInfo &) const = default;
};

struct PARLEY_EXPORT Enroll {
    static constexpr QLatin1StringView Type{"enroll"};
    QString user;
    QString code;
    QByteArray root;
    QByteArray dev;
    QByteArray dsig;
    std::optional<QString> name;
    std::optional<QByteArray> recovery;

    QByteArray encode(quint64 id = 0) const;
    static Enroll from(const Frame &frame);
    bool operator==(const Enroll &) const = default;
};

// Exactly one of `sig` (a challenge login) and `resume` (a resumption credential) is present; the schema allows
// either alone, the server refuses both or neither (bad_field).
struct PARLEY_EXPORT Login {
    static constexpr QLatin1StringView Type{"login"};
    QString user;
    quint32 device = 0;
    std::optional<QByteArray> sig;
    std::optional<QByteArray> resume;

    QByteArray encode(quint64 id = 0) const;
    static Login from(const Frame &frame);
    bool operator==(const Login &) const = default;
};

struct PARLEY_EXPORT Prekeys {
    static constexpr QLatin1StringView Type{"prekeys"};
    QList<Prekey> keys;
    std::optional<Prekey> lr;

    QByteArray encode(quint64 id = 0) const;
    static Prekeys from(const Frame &frame);
    bool operator==(const Prekeys &) const = default;
};

struct PARLEY_EXPORT Devices {
    static constexpr QLatin1StringView Type{"devices"};
    QStringList users;

    QByteArray encode(quint64 id = 0) const;
    static Devices from(const Frame &frame);
    bool operator==(const Devices &) const = default;
};

struct PARLEY_EXPORT Fetch {
    static constexpr QLatin1StringView Type{"fetch"};
    QString user;
    std::optional<QList<quint32>> devices;

    QByteArray encode(quint64 id = 0) const;
    static Fetch from(const Frame &frame);
    bool operator==(const Fetch &) const = default;
};

// `send`.
struct PARLEY_EXPORT SendRequest {
    static constexpr QLatin1StringView Type{"send"};
    QByteArray mid;
    QStringList to;   // sorted by UTF-8 bytes, no duplicates (decode() refuses anything else)
    quint64 at = 0;
    QByteArray pl;
    QByteArray kc;
    MessageOptions opts;
    QByteArray sig;
    QList<KeyEntry> keys;
    std::optional<QList<QByteArray>> blobs;   // attachments the message references (version 2)

    QByteArray encode(quint64 id = 0) const;
    static SendRequest from(const Frame &frame);
    bool operator==(const SendRequest &) const = default;
};

struct PARLEY_EXPORT Ack {
    static constexpr QLatin1StringView Type{"ack"};
    QList<quint64> seqs;

    QByteArray encode(quint64 id = 0) const;
    static Ack from(const Frame &frame);
    bool operator==(const Ack &) const = default;
};

struct PARLEY_EXPORT RecoveryPut {
    static constexpr QLatin1StringView Type{"recovery_put"};
    QByteArray blob;

    QByteArray encode(quint64 id = 0) const;
    static RecoveryPut from(const Frame &frame);
    bool operator==(const RecoveryPut &) const = default;
};

struct PARLEY_EXPORT RecoveryGet {
    static constexpr QLatin1StringView Type{"recovery_get"};

    QByteArray encode(quint64 id = 0) const;
    static RecoveryGet from(const Frame &frame);
    bool operator==(const RecoveryGet &) const = default;
};

// Which fields a kind needs is the server's check (docs/push.md), not the schema's.
struct PARLEY_EXPORT PushRegister {
    static constexpr QLatin1StringView Type{"push_register"};
    QString kind;   // apns, fcm or webpush
    std::optional<QString> token;
    std::optional<QString> topic;
    std::optional<QString> endpoint;
    std::optional<QByteArray> p256dh;
    std::optional<QByteArray> auth;

    QByteArray encode(quint64 id = 0) const;
    static PushRegister from(const Frame &frame);
    bool operator==(const PushRegister &) const = default;
};

struct PARLEY_EXPORT PushRemove {
    static constexpr QLatin1StringView Type{"push_remove"};

    QByteArray encode(quint64 id = 0) const;
    static PushRemove from(const Frame &frame);
    bool operator==(const PushRemove &) const = default;
};

struct PARLEY_EXPORT RoomChange {
    static constexpr QLatin1StringView Type{"room_change"};
    QString room;
    QByteArray rec;
    QByteArray sig;

    QByteArray encode(quint64 id = 0) const;
    static RoomChange from(const Frame &frame);
    bool operator==(const RoomChange &) const = default;
};

struct PARLEY_EXPORT RoomGet {
    static constexpr QLatin1StringView Type{"room_get"};
    QString room;
    std::optional<quint64> fromSeq;   // "from"; absent: 0

    QByteArray encode(quint64 id = 0) const;
    static RoomGet from(const Frame &frame);
    bool operator==(const RoomGet &) const = default;
};

// `rooms`.
struct PARLEY_EXPORT RoomsRequest {
    static constexpr QLatin1StringView Type{"rooms"};

    QByteArray encode(quint64 id = 0) const;
    static RoomsRequest from(const Frame &frame);
    bool operator==(const RoomsRequest &) const = default;
};

// `turn`: short-lived TURN credentials for calls (docs/calls.md).
struct PARLEY_EXPORT TurnRequest {
    static constexpr QLatin1StringView Type{"turn"};

    QByteArray encode(quint64 id = 0) const;
    static TurnRequest from(const Frame &frame);
    bool operator==(const TurnRequest &) const = default;
};

// `blob_start` (version 2): a new upload of `size` bytes of ciphertext, or with `blob` the resumption of one.
struct PARLEY_EXPORT BlobStart {
    static constexpr QLatin1StringView Type{"blob_start"};
    std::optional<QByteArray> blob;
    quint64 size = 0;

    QByteArray encode(quint64 id = 0) const;
    static BlobStart from(const Frame &frame);
    bool operator==(const BlobStart &) const = default;
};

struct PARLEY_EXPORT BlobPut {
    static constexpr QLatin1StringView Type{"blob_put"};
    QByteArray blob;
    quint64 offset = 0;
    QByteArray data;

    QByteArray encode(quint64 id = 0) const;
    static BlobPut from(const Frame &frame);
    bool operator==(const BlobPut &) const = default;
};

struct PARLEY_EXPORT BlobGet {
    static constexpr QLatin1StringView Type{"blob_get"};
    QByteArray blob;
    quint64 offset = 0;

    QByteArray encode(quint64 id = 0) const;
    static BlobGet from(const Frame &frame);
    bool operator==(const BlobGet &) const = default;
};

// ---- server -> client ------------------------------------------------------------------------------------------

struct PARLEY_EXPORT Hello {
    static constexpr QLatin1StringView Type{"hello"};
    quint64 v = 0;
    QList<quint64> vs;
    QByteArray ch;
    quint64 time = 0;
    quint64 max = 0;

    QByteArray encode(quint64 id = 0) const;
    static Hello from(const Frame &frame);
    bool operator==(const Hello &) const = default;
};

struct PARLEY_EXPORT EnrollInfoOk {
    static constexpr QLatin1StringView Type{"enroll_info_ok"};
    bool newUser = false;
    std::optional<QByteArray> recovery;

    QByteArray encode(quint64 id = 0) const;
    static EnrollInfoOk from(const Frame &frame);
    bool operator==(const EnrollInfoOk &) const = default;
};

struct PARLEY_EXPORT Enrolled {
    static constexpr QLatin1StringView Type{"enrolled"};
    quint32 device = 0;

    QByteArray encode(quint64 id = 0) const;
    static Enrolled from(const Frame &frame);
    bool operator==(const Enrolled &) const = default;
};

struct PARLEY_EXPORT Welcome {
    static constexpr QLatin1StringView Type{"welcome"};
    quint64 prekeys = 0;
    bool lr = false;
    quint64 queued = 0;
    std::optional<QByteArray> resume;     // a fresh resumption credential (after a challenge login only)
    std::optional<quint64> resumeExp;     // its expiry, ms since the epoch

    QByteArray encode(quint64 id = 0) const;
    static Welcome from(const Frame &frame);
    bool operator==(const Welcome &) const = default;
};

struct PARLEY_EXPORT PrekeysOk {
    static constexpr QLatin1StringView Type{"prekeys_ok"};
    quint64 count = 0;

    QByteArray encode(quint64 id = 0) const;
    static PrekeysOk from(const Frame &frame);
    bool operator==(const PrekeysOk &) const = default;
};

struct PARLEY_EXPORT DeviceList {
    static constexpr QLatin1StringView Type{"device_list"};
    QList<DirectoryUser> users;
    QStringList unknown;

    QByteArray encode(quint64 id = 0) const;
    static DeviceList from(const Frame &frame);
    bool operator==(const DeviceList &) const = default;
};

struct PARLEY_EXPORT Bundle {
    static constexpr QLatin1StringView Type{"bundle"};
    QString user;
    QByteArray root;
    QList<BundleDevice> devices;

    QByteArray encode(quint64 id = 0) const;
    static Bundle from(const Frame &frame);
    bool operator==(const Bundle &) const = default;
};

struct PARLEY_EXPORT Accepted {
    static constexpr QLatin1StringView Type{"accepted"};
    QByteArray mid;
    quint64 seq = 0;

    QByteArray encode(quint64 id = 0) const;
    static Accepted from(const Frame &frame);
    bool operator==(const Accepted &) const = default;
};

// A value kept as its CBOR encoding: how the server holds the parts of a message it relays without reading them
// (`to` and `opts`, encoded once when the message is accepted). Written as they are; an empty one as an empty T.
template<class T>
struct Encoded {
    QByteArray cbor;
    bool operator==(const Encoded &) const = default;
};

template<class To, class Opts>
struct MsgOf;
// `msg` as clients read it, and as the server's delivery path writes it from a stored message (RelayedMsg): one
// field list, one encoder.
using Msg = MsgOf<QStringList, MessageOptions>;
using RelayedMsg = MsgOf<Encoded<QStringList>, Encoded<MessageOptions>>;

namespace detail {
PARLEY_EXPORT void encode(const Msg &frame, QByteArray &out, quint64 id);
PARLEY_EXPORT void encode(const RelayedMsg &frame, QByteArray &out, quint64 id);
PARLEY_EXPORT void read(const Frame &frame, Msg &out);
PARLEY_EXPORT void read(const Frame &frame, RelayedMsg &out);
} // namespace detail

template<class To, class Opts>
struct MsgOf {
    static constexpr QLatin1StringView Type{"msg"};
    quint64 seq = 0;
    QString sender;   // "from"
    quint32 dev = 0;
    QByteArray mid;
    To to;
    quint64 at = 0;
    QByteArray pl;
    QByteArray kc;
    Opts opts;
    QByteArray sig;
    quint32 kid = 0;
    QByteArray eph;
    QByteArray wk;

    QByteArray encode(quint64 id = 0) const
    {
        QByteArray out;
        detail::encode(*this, out, id);
        return out;
    }
    // The same bytes into `out`, replacing its contents and keeping its capacity (a connection's send buffer).
    void encode(QByteArray &out, quint64 id = 0) const { detail::encode(*this, out, id); }
    static MsgOf from(const Frame &frame)
    {
        MsgOf out;
        detail::read(frame, out);
        return out;
    }
    bool operator==(const MsgOf &) const = default;
};

struct PARLEY_EXPORT Synced {
    static constexpr QLatin1StringView Type{"synced"};

    QByteArray encode(quint64 id = 0) const;
    static Synced from(const Frame &frame);
    bool operator==(const Synced &) const = default;
};

struct PARLEY_EXPORT Refill {
    static constexpr QLatin1StringView Type{"refill"};
    quint64 remaining = 0;

    QByteArray encode(quint64 id = 0) const;
    static Refill from(const Frame &frame);
    bool operator==(const Refill &) const = default;
};

struct PARLEY_EXPORT Recovery {
    static constexpr QLatin1StringView Type{"recovery"};
    std::optional<QByteArray> blob;

    QByteArray encode(quint64 id = 0) const;
    static Recovery from(const Frame &frame);
    bool operator==(const Recovery &) const = default;
};

struct PARLEY_EXPORT Ok {
    static constexpr QLatin1StringView Type{"ok"};

    QByteArray encode(quint64 id = 0) const;
    static Ok from(const Frame &frame);
    bool operator==(const Ok &) const = default;
};

struct PARLEY_EXPORT RoomOk {
    static constexpr QLatin1StringView Type{"room_ok"};
    QString room;
    quint64 seq = 0;

    QByteArray encode(quint64 id = 0) const;
    static RoomOk from(const Frame &frame);
    bool operator==(const RoomOk &) const = default;
};

struct PARLEY_EXPORT Room {
    static constexpr QLatin1StringView Type{"room"};
    QString room;
    QList<RoomEntry> chain;
    bool more = false;
    std::optional<quint64> enforcedExpire;
    std::optional<bool> enforcedBurn;

    QByteArray encode(quint64 id = 0) const;
    static Room from(const Frame &frame);
    bool operator==(const Room &) const = default;
};

struct PARLEY_EXPORT RoomList {
    static constexpr QLatin1StringView Type{"room_list"};
    QList<RoomSummary> rooms;
    RoomLimits limits;

    QByteArray encode(quint64 id = 0) const;
    static RoomList from(const Frame &frame);
    bool operator==(const RoomList &) const = default;
};

struct PARLEY_EXPORT RoomChanged {
    static constexpr QLatin1StringView Type{"room_changed"};
    QString room;
    quint64 seq = 0;

    QByteArray encode(quint64 id = 0) const;
    static RoomChanged from(const Frame &frame);
    bool operator==(const RoomChanged &) const = default;
};

// `turn_creds`: the coturn REST API scheme's credentials; `user` begins with their expiry (Unix seconds).
struct PARLEY_EXPORT TurnCreds {
    static constexpr QLatin1StringView Type{"turn_creds"};
    QStringList uris;
    QString user;
    QString pass;
    quint64 ttl = 0;   // seconds

    QByteArray encode(quint64 id = 0) const;
    static TurnCreds from(const Frame &frame);
    bool operator==(const TurnCreds &) const = default;
};

struct PARLEY_EXPORT BlobStarted {
    static constexpr QLatin1StringView Type{"blob_started"};
    QByteArray blob;
    quint64 offset = 0;   // bytes durably stored: the next blob_put starts here
    quint64 size = 0;
    quint64 chunk = 0;    // the most bytes one blob_put may carry

    QByteArray encode(quint64 id = 0) const;
    static BlobStarted from(const Frame &frame);
    bool operator==(const BlobStarted &) const = default;
};

struct PARLEY_EXPORT BlobAck {
    static constexpr QLatin1StringView Type{"blob_ack"};
    QByteArray blob;
    quint64 offset = 0;   // bytes durably stored
    bool done = false;    // offset reached size: the blob is complete

    QByteArray encode(quint64 id = 0) const;
    static BlobAck from(const Frame &frame);
    bool operator==(const BlobAck &) const = default;
};

struct PARLEY_EXPORT BlobData {
    static constexpr QLatin1StringView Type{"blob_data"};
    QByteArray blob;
    quint64 offset = 0;
    quint64 size = 0;
    QByteArray data;

    QByteArray encode(quint64 id = 0) const;
    static BlobData from(const Frame &frame);
    bool operator==(const BlobData &) const = default;
};

// `error`. (Not `Error`: that is parley::Error, the library's result error.)
struct PARLEY_EXPORT ErrorReply {
    static constexpr QLatin1StringView Type{"error"};
    WireError code = WireError::Internal;
    QString msg;   // at most MaxErrorMessageBytes of UTF-8; errorReply() cuts it
    std::optional<QList<DeviceRef>> missing;
    std::optional<QList<DeviceRef>> stale;
    std::optional<QStringList> unknown;
    std::optional<quint64> retry;

    QByteArray encode(quint64 id = 0) const;
    static ErrorReply from(const Frame &frame);
    bool operator==(const ErrorReply &) const = default;
};

// An error reply whose message is cut to MaxErrorMessageBytes of UTF-8, as errorFrame() does.
PARLEY_EXPORT ErrorReply errorReply(WireError code, const QString &message);

// ---- decoding to a struct --------------------------------------------------------------------------------------

namespace detail {
PARLEY_EXPORT FrameError wrongType(QLatin1StringView expected, const Frame &frame);
}

// decode(), then T::from(); a well-formed frame of another type is refused with UnknownType (and its id).
template<class T>
std::variant<T, FrameError> decodeAs(QByteArrayView data, Direction direction)
{
    DecodeResult result = decode(data, direction);
    if (auto *error = std::get_if<FrameError>(&result))
        return std::move(*error);
    const Frame &frame = std::get<Frame>(result);
    if (frame.type != T::Type)
        return detail::wrongType(T::Type, frame);
    return T::from(frame);
}

// The Frame of an encoded struct, as protocol::encode() would write it, without validation: for callers that send
// or change raw frames (tests, tools, benchmarks). Anything read from the network goes through decode().
PARLEY_EXPORT Frame frameOf(QByteArrayView encoded);
template<class T>
Frame toFrame(const T &message, quint64 id = 0)
{
    return frameOf(message.encode(id));
}

// Every difference between the structs above and the schema table: a frame type without a struct or the other way
// round, keys, their order, optionality, CBOR kinds, integer widths. Empty when they agree; the tests demand that.
PARLEY_EXPORT QStringList schemaDifferences();

} // namespace parley::protocol
