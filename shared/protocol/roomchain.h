#pragma once

// Room membership as a hash chain of signed records (docs/protocol.md, "Rooms"). Pure functions, no I/O: the
// server uses them to refuse garbage before it stores a record, every client to verify a whole chain before it
// trusts a member list.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace parley::protocol {

constexpr qsizetype MaxRoomTitleBytes = 128;
constexpr qsizetype MaxRoomDescriptionBytes = 1024;
constexpr qsizetype MaxRoomRecordBytes = 2048;
constexpr int MaxRoomMembers = 1000;        // the protocol's recipient limit: a room message names every member
constexpr int MaxRoomRecordsPerPage = 1000;

enum class RoomOp { Create, Add, Remove, Promote, Demote, Leave, Policy };
PARLEY_EXPORT QString roomOpName(RoomOp op);                       // "create", ...
PARLEY_EXPORT std::optional<RoomOp> roomOpFromName(QStringView name);

struct PARLEY_EXPORT RoomPolicy {
    QString title;
    QString description;
    quint64 expireSeconds = 0;   // maximum lifetime of the room's messages; 0: none beyond the server's
    bool burnOnRead = false;     // messages go once every recipient device acked them; clients keep no copy
    bool operator==(const RoomPolicy &) const = default;
};

// One membership record: the array ["parley-room-v1", room, seq, prev, op, target, actor, actor_device, at,
// policy] in deterministic CBOR; `policy` is a map for create/policy and null otherwise.
struct PARLEY_EXPORT RoomRecord {
    QString room;
    quint64 seq = 0;
    QByteArray prev;             // empty for seq 0, else sha512 of the previous record's bytes
    RoomOp op = RoomOp::Create;
    QString target;
    QString actor;
    quint32 actorDevice = 0;
    quint64 at = 0;              // ms since the epoch
    std::optional<RoomPolicy> policy;

    QByteArray encode() const;
    // Strict: the bytes must be exactly the deterministic encoding of a well-formed record.
    static Result<RoomRecord> decode(QByteArrayView bytes);
};

// A record as stored and served: its bytes, the actor device's signature over them, and that device's public key
// and certificate (root signature over ["parley-device-v1", actor, device_pub]) so the chain verifies on its own.
struct PARLEY_EXPORT SignedRoomRecord {
    QByteArray bytes;
    QByteArray sig;
    QByteArray devicePub;
    QByteArray deviceCert;
};

// The state a chain leads to.
class PARLEY_EXPORT RoomState {
public:
    QString room;
    quint64 nextSeq = 0;
    QByteArray head;                   // sha512 of the last record's bytes; empty before the first
    QMap<QString, bool> members;       // user -> admin
    RoomPolicy policy;
    quint64 lastAt = 0;

    bool isMember(const QString &user) const { return members.contains(user); }
    bool isAdmin(const QString &user) const { return members.value(user, false); }
    QStringList memberList() const;    // sorted by UTF-8 bytes
    int adminCount() const;

    // Whether `record` may come next: seq, prev, room, and the rules of its op (docs/protocol.md). Signatures are
    // not checked here. Forbidden for rule violations, Conflict for a seq/prev that does not follow the head.
    Status check(const RoomRecord &record) const;
    // Applies a record that passed check(); `bytes` is its encoding.
    void apply(const RoomRecord &record, QByteArrayView bytes);
};

// The signature checks of one record: the device certificate under `actorRoot`, the record signature under the
// device key. Crypto error naming what failed.
PARLEY_EXPORT Status verifyRoomRecordSignature(const RoomRecord &record, const SignedRoomRecord &signedRecord,
                                               const QByteArray &actorRoot);

// Verifies a whole chain from its first record: decoding, links, rules and signatures. `rootOf` gives a user's
// root public key (empty when unknown: the chain is refused). Returns the state it leads to.
PARLEY_EXPORT Result<RoomState> verifyRoomChain(const QString &room, const QList<SignedRoomRecord> &chain,
                                                const std::function<QByteArray(const QString &user)> &rootOf);

} // namespace parley::protocol
