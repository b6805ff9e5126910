#pragma once

// Rooms on top of a logged-in Client (docs/protocol.md, "Rooms").
//
// Membership is a hash chain of records signed by room admins' device keys. Every operation here that depends on
// the member list first fetches the chain and verifies it completely (decoding, links, rules, device certificates
// under the actors' root keys, record signatures) through the client's RoomChains (sdk/roomchains.h), which the
// receive path shares: a chain that fails is never trusted, the operation fails with the code bad_chain,
// chain_rollback or chain_fork, and chainRejected() reports why. Root keys of other users are pinned on first use
// as for direct messages. The verified head of each room is kept in the profile; a later chain must extend it (a
// server that rewrites or shortens history is refused), also in a later run.
//
// Incoming room messages need nothing from this class: the client's receive path drops one whose sender is not a
// member (see Client::verificationFailed()).
//
// Sending to a room wraps the message key for every device of every member (and the sender's other devices) and
// names the members in `to`; the server checks both against its state and answers device_mismatch when the room
// or a device list changed, after which the chain and device lists are fetched again (Client::MaxMismatchRetries).
//
// The SDK keeps no message history: expired messages are dropped on arrival, and an application shows a
// burn-on-read message (IncomingMessage::burnOnRead) once and keeps no copy. Room messages carry burn-on-read when
// the caller asks, the chain's policy says so, or the server's administrator enforces it for the room.

#include "core/result.h"
#include "parley_export.h"
#include "protocol/roomchain.h"
#include "sdk/content.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace parley::sdk {

class Client;

struct PARLEY_EXPORT RoomLimits {
    int maxMembers = 0;
    quint64 maxExpireSeconds = 0;       // 0: no server maximum
    quint64 defaultExpireSeconds = 0;
    bool defaultBurn = false;
};

struct PARLEY_EXPORT RoomListEntry {
    QString room;
    quint64 seq = 0;
    QString title;
    QString description;
    int members = 0;
    bool admin = false;
    // The server administrator's retention override (docs/protocol.md "Rooms"): it applies on top of the chain's
    // policy, which it can only tighten (the shorter expiry; burn-on-read when either asks). 0: no override.
    quint64 enforcedExpireSeconds = 0;
    bool enforcedBurn = false;
};

struct PARLEY_EXPORT RoomList {
    QList<RoomListEntry> rooms;
    RoomLimits limits;
};

// Options for a message (direct or room).
struct PARLEY_EXPORT MessageOptions {
    quint64 expireSeconds = 0;          // 0: no expiry of its own
    bool burnOnRead = false;
};

class PARLEY_EXPORT Rooms : public QObject {
    Q_OBJECT
public:
    template<typename T>
    using Callback = std::function<void(Result<T>)>;

    // `client` must outlive this object.
    explicit Rooms(Client &client, QObject *parent = nullptr);
    ~Rooms() override;

    // Callbacks run on this object's thread, only while `context` exists.
    // Creates a room with this user as its first admin. Unset policy fields take the server's defaults.
    void create(const QString &room, const QString &title, const QString &description,
                std::optional<quint64> expireSeconds, std::optional<bool> burnOnRead, QObject *context,
                Callback<protocol::RoomState> done);
    // add, remove, promote, demote, leave (target = self for leave).
    void change(const QString &room, protocol::RoomOp op, const QString &target, QObject *context,
                Callback<protocol::RoomState> done);
    void setPolicy(const QString &room, const protocol::RoomPolicy &policy, QObject *context,
                   Callback<protocol::RoomState> done);
    // Fetches and verifies the chain; the result is the verified state.
    void fetch(const QString &room, QObject *context, Callback<protocol::RoomState> done);
    void list(QObject *context, Callback<RoomList> done);
    // Sends to every member's devices; the result is the message id once the server accepted it.
    void send(const QString &room, const QString &text, const MessageOptions &options, QObject *context,
              Callback<QByteArray> done);
    // The same with content beyond a text (a call signal).
    void send(const QString &room, const MessageContent &content, const MessageOptions &options, QObject *context,
              Callback<QByteArray> done);

    // The last verified state of a room, if any.
    std::optional<protocol::RoomState> verified(const QString &room) const;
    // The administrator's override as the server last reported it with the room's chain (fetch(), send()): the
    // enforced expiry in seconds (0: none) and whether burn-on-read is enforced. send() applies the latter.
    std::optional<std::pair<quint64, bool>> enforced(const QString &room) const;

Q_SIGNALS:
    // The server told us a room's chain grew (`room_changed`).
    void roomChanged(const QString &room, quint64 seq);
    // A chain from the server failed verification; it is not trusted.
    void chainRejected(const QString &room, const QString &reason);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
