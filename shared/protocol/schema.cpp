#include "protocol/schema.h"

#include "protocol/wireerror.h"

#include <QString>

#include <iterator>

using namespace Qt::StringLiterals;

namespace parley::protocol::schema {

namespace {

bool isErrorCodeUtf8(QByteArrayView code)
{
    return wireErrorFromName(QString::fromLatin1(code)).has_value();
}

bool isPushKindUtf8(QByteArrayView kind)
{
    return kind == "apns" || kind == "fcm" || kind == "webpush";
}

// ---- building blocks -------------------------------------------------------------------------------------------

constexpr Spec uintRange(quint64 min, quint64 max)
{
    Spec s{};
    s.kind = Kind::Uint;
    s.min = min;
    s.max = max;
    return s;
}
constexpr Spec boolean()
{
    Spec s{};
    s.kind = Kind::Bool;
    return s;
}
constexpr Spec bytes(quint64 min, quint64 max)
{
    Spec s{};
    s.kind = Kind::Bytes;
    s.min = min;
    s.max = max;
    return s;
}
constexpr Spec text(quint64 min, quint64 max, TextCheck check = nullptr, const char *what = nullptr)
{
    Spec s{};
    s.kind = Kind::Text;
    s.min = min;
    s.max = max;
    s.check = check;
    s.checkWhat = what;
    return s;
}
constexpr Spec arrayOf(const Spec &element, quint64 min, quint64 max, bool ascending = false)
{
    Spec s{};
    s.kind = Kind::Array;
    s.min = min;
    s.max = max;
    s.element = &element;
    s.ascending = ascending;
    return s;
}
constexpr Spec mapOf(FieldList fields)
{
    Spec s{};
    s.kind = Kind::Map;
    s.fields = fields;
    return s;
}
constexpr Field optional(QLatin1StringView key, const Spec &spec) { return Field{key, spec, false}; }

// ---- values shared by many frames ------------------------------------------------------------------------------

constexpr quint64 Kib64 = 64 * 1024;

constexpr Spec Count = uintRange(0, MaxUint);               // counters, times, sequence numbers
constexpr Spec Version = uintRange(1, MaxUint);
constexpr Spec DeviceNo = uintRange(1, quint64(1) << 31);
constexpr Spec Kid = uintRange(0, 0xffffffffu);
constexpr Spec Flag = boolean();
constexpr Spec UserName = text(1, 64, isUserNameUtf8,
                               "a user name (1 to 64 bytes of [a-z0-9._-], starting with a letter or digit)");
constexpr Spec DeviceName = text(0, 64);
constexpr Spec EnrollCode = text(1, 64);
constexpr Spec PublicKey = bytes(133, 133);                 // uncompressed P-521 point
constexpr Spec Signature = bytes(1, 139);                   // DER ECDSA P-521
constexpr Spec Challenge = bytes(32, 32);
constexpr Spec ResumeCredential = bytes(32, 32);            // 256 random bits
constexpr Spec MessageId = bytes(16, 16);
constexpr Spec KeyCommitment = bytes(32, 32);
constexpr Spec WrappedKey = bytes(48, 48);
constexpr Spec Payload = bytes(0, quint64(MaxPayloadBytes));
constexpr Spec RecoveryBlob = bytes(1, quint64(MaxRecoveryBytes));
constexpr Spec ErrorCode = text(1, 64, isErrorCodeUtf8, "one of the error codes of docs/protocol.md");
constexpr Spec ErrorText = text(0, 1024);

constexpr Spec UserNames = arrayOf(UserName, 1, MaxRecipients);
constexpr Spec Recipients = arrayOf(UserName, 1, MaxRecipients, true);
constexpr Spec UnknownUsers = arrayOf(UserName, 0, 1000);
constexpr Spec DeviceNos = arrayOf(DeviceNo, 1, 1000);
constexpr Spec Versions = arrayOf(Version, 1, 64, true);
constexpr Spec Seqs = arrayOf(Count, 1, MaxAcksPerFrame);

// Attachments (docs/protocol.md, "Attachments"): server-chosen blob ids, sizes and chunks of ciphertext.
constexpr Spec BlobId = bytes(16, 16);
constexpr Spec BlobIds = arrayOf(BlobId, 1, MaxBlobsPerMessage);
constexpr Spec BlobSize = uintRange(1, MaxUint);
constexpr Spec BlobChunk = bytes(1, quint64(MaxBlobChunkBytes));

// Message options (docs/protocol.md, "Rooms"): the room a message goes to, its own expiry and burn-on-read.
constexpr Spec RoomName = UserName;
constexpr Spec ExpireSeconds = uintRange(1, quint64(1) << 32);
constexpr Field OptionFields[] = {
    optional("room"_L1, RoomName), optional("exp"_L1, ExpireSeconds), optional("burn"_L1, Flag),
};
constexpr Spec Options = mapOf(OptionFields);

// Rooms: membership records and the room list.
constexpr Spec RoomRecordBytes = bytes(1, 2048);
constexpr Field RoomEntryFields[] = {
    {"rec"_L1, RoomRecordBytes}, {"sig"_L1, Signature}, {"dpub"_L1, PublicKey}, {"dsig"_L1, Signature},
};
constexpr Spec RoomEntry = mapOf(RoomEntryFields);
constexpr Spec RoomEntries = arrayOf(RoomEntry, 0, 1000);
// The administrator's retention override of a room (0: none), sent with the room list and each chain page.
constexpr Spec EnforcedExpire = uintRange(0, quint64(1) << 32);
constexpr Field RoomSummaryFields[] = {
    {"room"_L1, RoomName}, {"seq"_L1, Count}, {"title"_L1, text(0, 128)}, {"description"_L1, text(0, 1024)},
    {"members"_L1, Count}, {"admin"_L1, Flag},
    optional("enforced_expire"_L1, EnforcedExpire), optional("enforced_burn"_L1, Flag),
};
constexpr Spec RoomSummary = mapOf(RoomSummaryFields);
constexpr Spec RoomSummaries = arrayOf(RoomSummary, 0, 10000);
constexpr Field RoomLimitsFields[] = {
    {"max_members"_L1, Count}, {"max_expire"_L1, Count}, {"default_expire"_L1, Count}, {"default_burn"_L1, Flag},
};
constexpr Spec RoomLimits = mapOf(RoomLimitsFields);

// {kid, pub, sig}: a signed prekey.
constexpr Field PrekeyFields[] = {{"kid"_L1, Kid}, {"pub"_L1, PublicKey}, {"sig"_L1, Signature}};
constexpr Spec Prekey = mapOf(PrekeyFields);
constexpr Spec Prekeys = arrayOf(Prekey, 0, MaxPrekeysPerUpload);

// {user, device, kid, eph, wk}: the message key wrapped for one device.
constexpr Field KeyEntryFields[] = {
    {"user"_L1, UserName}, {"device"_L1, DeviceNo}, {"kid"_L1, Kid}, {"eph"_L1, PublicKey}, {"wk"_L1, WrappedKey},
};
constexpr Spec KeyEntry = mapOf(KeyEntryFields);
constexpr Spec KeyEntries = arrayOf(KeyEntry, 1, MaxKeyEntries);

// {user, device}: names one device (device_mismatch).
constexpr Field DeviceRefFields[] = {{"user"_L1, UserName}, {"device"_L1, DeviceNo}};
constexpr Spec DeviceRef = mapOf(DeviceRefFields);
constexpr Spec DeviceRefs = arrayOf(DeviceRef, 0, MaxKeyEntries);

// {device, pub, sig}: a device certificate.
constexpr Field DeviceCertFields[] = {{"device"_L1, DeviceNo}, {"pub"_L1, PublicKey}, {"sig"_L1, Signature}};
constexpr Spec DeviceCert = mapOf(DeviceCertFields);
constexpr Spec DeviceCerts = arrayOf(DeviceCert, 0, 1000);

// {user, root, devices}: one user of a device_list.
constexpr Field DirectoryUserFields[] = {{"user"_L1, UserName}, {"root"_L1, PublicKey}, {"devices"_L1, DeviceCerts}};
constexpr Spec DirectoryUser = mapOf(DirectoryUserFields);
constexpr Spec DirectoryUsers = arrayOf(DirectoryUser, 0, 1000);

// {device, pub, sig, pk, lr}: one device of a bundle with the prekey handed out for it.
constexpr Field BundleDeviceFields[] = {
    {"device"_L1, DeviceNo}, {"pub"_L1, PublicKey}, {"sig"_L1, Signature}, {"pk"_L1, Prekey}, {"lr"_L1, Flag},
};
constexpr Spec BundleDevice = mapOf(BundleDeviceFields);
constexpr Spec BundleDevices = arrayOf(BundleDevice, 0, 1000);

// ---- client -> server ------------------------------------------------------------------------------------------

constexpr Field EnrollInfoFields[] = {{"user"_L1, UserName}, {"code"_L1, EnrollCode}};
constexpr Field EnrollFields[] = {
    {"user"_L1, UserName},      {"code"_L1, EnrollCode},         {"root"_L1, PublicKey},
    {"dev"_L1, PublicKey},      {"dsig"_L1, Signature},          optional("name"_L1, DeviceName),
    optional("recovery"_L1, RecoveryBlob),
};
// login: exactly one of sig and resume; the server refuses both or neither (bad_field).
constexpr Field LoginFields[] = {
    {"user"_L1, UserName}, {"device"_L1, DeviceNo}, optional("sig"_L1, Signature), optional("resume"_L1, ResumeCredential),
};
constexpr Field PrekeysFields[] = {{"keys"_L1, Prekeys}, optional("lr"_L1, Prekey)};
constexpr Field DevicesFields[] = {{"users"_L1, UserNames}};
constexpr Field FetchFields[] = {{"user"_L1, UserName}, optional("devices"_L1, DeviceNos)};
constexpr Field SendFields[] = {
    {"mid"_L1, MessageId}, {"to"_L1, Recipients},  {"at"_L1, Count},   {"pl"_L1, Payload},
    {"kc"_L1, KeyCommitment}, {"opts"_L1, Options}, {"sig"_L1, Signature}, {"keys"_L1, KeyEntries},
    optional("blobs"_L1, BlobIds),
};
constexpr Field AckFields[] = {{"seqs"_L1, Seqs}};
constexpr Field RecoveryPutFields[] = {{"blob"_L1, RecoveryBlob}};
// push_register: which fields a kind needs is checked by the server (docs/push.md).
constexpr Field PushRegisterFields[] = {
    {"kind"_L1, text(1, 16, isPushKindUtf8, "apns, fcm or webpush")},
    optional("token"_L1, text(1, 4096)),
    optional("topic"_L1, text(1, 255)),
    optional("endpoint"_L1, text(1, 2048)),
    optional("p256dh"_L1, bytes(65, 65)),
    optional("auth"_L1, bytes(16, 16)),
};
constexpr Field RoomChangeFields[] = {{"room"_L1, RoomName}, {"rec"_L1, RoomRecordBytes}, {"sig"_L1, Signature}};
constexpr Field RoomGetFields[] = {{"room"_L1, RoomName}, optional("from"_L1, Count)};
// blob_start: without `blob` a new upload; with it, the resumption of this device's unfinished upload.
constexpr Field BlobStartFields[] = {optional("blob"_L1, BlobId), {"size"_L1, BlobSize}};
constexpr Field BlobPutFields[] = {{"blob"_L1, BlobId}, {"offset"_L1, Count}, {"data"_L1, BlobChunk}};
constexpr Field BlobGetFields[] = {{"blob"_L1, BlobId}, {"offset"_L1, Count}};

// ---- server -> client ------------------------------------------------------------------------------------------

constexpr Field HelloFields[] = {
    {"v"_L1, Version}, {"vs"_L1, Versions}, {"ch"_L1, Challenge}, {"time"_L1, Count}, {"max"_L1, Count},
};
constexpr Field EnrollInfoOkFields[] = {{"new_user"_L1, Flag}, optional("recovery"_L1, RecoveryBlob)};
constexpr Field EnrolledFields[] = {{"device"_L1, DeviceNo}};
constexpr Field WelcomeFields[] = {
    {"prekeys"_L1, Count}, {"lr"_L1, Flag}, {"queued"_L1, Count}, optional("resume"_L1, ResumeCredential),
    optional("resume_exp"_L1, Count),
};
constexpr Field PrekeysOkFields[] = {{"count"_L1, Count}};
constexpr Field DeviceListFields[] = {{"users"_L1, DirectoryUsers}, {"unknown"_L1, UnknownUsers}};
constexpr Field BundleFields[] = {{"user"_L1, UserName}, {"root"_L1, PublicKey}, {"devices"_L1, BundleDevices}};
constexpr Field AcceptedFields[] = {{"mid"_L1, MessageId}, {"seq"_L1, Count}};
constexpr Field MsgFields[] = {
    {"seq"_L1, Count},     {"from"_L1, UserName},    {"dev"_L1, DeviceNo},  {"mid"_L1, MessageId},
    {"to"_L1, Recipients}, {"at"_L1, Count},         {"pl"_L1, Payload},    {"kc"_L1, KeyCommitment},
    {"opts"_L1, Options},  {"sig"_L1, Signature},    {"kid"_L1, Kid},       {"eph"_L1, PublicKey},
    {"wk"_L1, WrappedKey},
};
constexpr Field RefillFields[] = {{"remaining"_L1, Count}};
constexpr Field RoomOkFields[] = {{"room"_L1, RoomName}, {"seq"_L1, Count}};
constexpr Field RoomFields[] = {
    {"room"_L1, RoomName}, {"chain"_L1, RoomEntries}, {"more"_L1, Flag},
    optional("enforced_expire"_L1, EnforcedExpire), optional("enforced_burn"_L1, Flag),
};
constexpr Field RoomListFields[] = {{"rooms"_L1, RoomSummaries}, {"limits"_L1, RoomLimits}};
constexpr Field RoomChangedFields[] = {{"room"_L1, RoomName}, {"seq"_L1, Count}};
// turn_creds: TURN credentials (docs/calls.md).
constexpr Spec TurnUri = text(1, 512);
constexpr Field TurnCredsFields[] = {
    {"uris"_L1, arrayOf(TurnUri, 1, 16)}, {"user"_L1, text(1, 128)}, {"pass"_L1, text(1, 128)}, {"ttl"_L1, Count},
};
constexpr Field RecoveryFields[] = {optional("blob"_L1, RecoveryBlob)};
constexpr Field BlobStartedFields[] = {
    {"blob"_L1, BlobId}, {"offset"_L1, Count}, {"size"_L1, BlobSize}, {"chunk"_L1, uintRange(1, quint64(MaxBlobChunkBytes))},
};
constexpr Field BlobAckFields[] = {{"blob"_L1, BlobId}, {"offset"_L1, Count}, {"done"_L1, Flag}};
constexpr Field BlobDataFields[] = {
    {"blob"_L1, BlobId}, {"offset"_L1, Count}, {"size"_L1, BlobSize}, {"data"_L1, bytes(0, quint64(MaxBlobChunkBytes))},
};
constexpr Field ErrorFields[] = {
    {"code"_L1, ErrorCode},
    {"msg"_L1, ErrorText},
    optional("missing"_L1, DeviceRefs),
    optional("stale"_L1, DeviceRefs),
    optional("unknown"_L1, UnknownUsers),
    optional("retry"_L1, Count),
};

constexpr auto C2S = Direction::ClientToServer;
constexpr auto S2C = Direction::ServerToClient;

constexpr FrameSchema Frames[] = {
    {C2S, "enroll_info"_L1, IdRule::Required, EnrollInfoFields},
    {C2S, "enroll"_L1, IdRule::Required, EnrollFields},
    {C2S, "login"_L1, IdRule::Required, LoginFields},
    {C2S, "prekeys"_L1, IdRule::Required, PrekeysFields},
    {C2S, "devices"_L1, IdRule::Required, DevicesFields},
    {C2S, "fetch"_L1, IdRule::Required, FetchFields},
    {C2S, "send"_L1, IdRule::Required, SendFields},
    {C2S, "ack"_L1, IdRule::Optional, AckFields},
    {C2S, "recovery_put"_L1, IdRule::Required, RecoveryPutFields},
    {C2S, "recovery_get"_L1, IdRule::Required, {}},
    {C2S, "push_register"_L1, IdRule::Required, PushRegisterFields},
    {C2S, "push_remove"_L1, IdRule::Required, {}},
    {C2S, "room_change"_L1, IdRule::Required, RoomChangeFields},
    {C2S, "room_get"_L1, IdRule::Required, RoomGetFields},
    {C2S, "rooms"_L1, IdRule::Required, {}},
    {C2S, "turn"_L1, IdRule::Required, {}},
    {C2S, "blob_start"_L1, IdRule::Required, BlobStartFields},
    {C2S, "blob_put"_L1, IdRule::Required, BlobPutFields},
    {C2S, "blob_get"_L1, IdRule::Required, BlobGetFields},

    {S2C, "hello"_L1, IdRule::Absent, HelloFields},
    {S2C, "enroll_info_ok"_L1, IdRule::Required, EnrollInfoOkFields},
    {S2C, "enrolled"_L1, IdRule::Required, EnrolledFields},
    {S2C, "welcome"_L1, IdRule::Required, WelcomeFields},
    {S2C, "prekeys_ok"_L1, IdRule::Required, PrekeysOkFields},
    {S2C, "device_list"_L1, IdRule::Required, DeviceListFields},
    {S2C, "bundle"_L1, IdRule::Required, BundleFields},
    {S2C, "accepted"_L1, IdRule::Required, AcceptedFields},
    {S2C, "msg"_L1, IdRule::Absent, MsgFields},
    {S2C, "synced"_L1, IdRule::Absent, {}},
    {S2C, "refill"_L1, IdRule::Absent, RefillFields},
    {S2C, "recovery"_L1, IdRule::Required, RecoveryFields},
    {S2C, "ok"_L1, IdRule::Required, {}},
    {S2C, "room_ok"_L1, IdRule::Required, RoomOkFields},
    {S2C, "room"_L1, IdRule::Required, RoomFields},
    {S2C, "room_list"_L1, IdRule::Required, RoomListFields},
    {S2C, "room_changed"_L1, IdRule::Absent, RoomChangedFields},
    {S2C, "turn_creds"_L1, IdRule::Required, TurnCredsFields},
    {S2C, "blob_started"_L1, IdRule::Required, BlobStartedFields},
    {S2C, "blob_ack"_L1, IdRule::Required, BlobAckFields},
    {S2C, "blob_data"_L1, IdRule::Required, BlobDataFields},
    {S2C, "error"_L1, IdRule::Optional, ErrorFields},
};

} // namespace

bool isUserNameUtf8(QByteArrayView utf8)
{
    if (utf8.isEmpty() || utf8.size() > 64)
        return false;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

const FrameSchema *begin() { return std::begin(Frames); }
const FrameSchema *end() { return std::end(Frames); }

const FrameSchema *find(Direction direction, QByteArrayView type)
{
    for (const FrameSchema &f : Frames) {
        if (f.direction == direction && QByteArrayView(f.type.data(), f.type.size()) == type)
            return &f;
    }
    return nullptr;
}

} // namespace parley::protocol::schema
