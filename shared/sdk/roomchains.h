#pragma once

// The verified membership chains of rooms (docs/protocol.md "Rooms" and "What a client must check"), shared by
// the receive path (sdk/receiver.h: a room message counts only from a member) and Rooms (sdk/rooms.h).
//
// fetch() gets a room's records from the server and verifies them completely (decoding, links, the rules of each
// op, so every record is signed by a then-admin, device certificates under the actors' root keys, record
// signatures). A chain must also extend the head verified before, in this run (the state in memory) and in earlier
// runs (the profile's RoomHeads): a shorter chain is a rollback, a different record hash at the stored position a
// fork. A chain that fails is never trusted: fetch() fails with ErrorCode::Crypto and a message that starts with
// its code, bad_chain, chain_rollback or chain_fork, and chainRejected() reports it. A verified head is saved in
// the profile at once.

#include "core/result.h"
#include "protocol/frame.h"
#include "protocol/roomchain.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace parley::sdk {

class Connection;
class Profile;

// The error of a reply that is not the one a room request expects: "CODE: message", with the ErrorCode of the code
// (forbidden, conflict, not_found, quota; disconnected and unavailable as Unavailable; anything else Protocol).
Error roomWireError(const protocol::Frame &reply);

class RoomChains : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(Result<protocol::RoomState>)>;

    RoomChains(Connection &connection, Profile &profile, QObject *parent = nullptr);
    ~RoomChains() override;

    // Fetches what is new of `room`'s chain and verifies it; `done` gets the verified state.
    void fetch(const QString &room, Done done);
    // The last verified state of a room in this run, if any.
    std::optional<protocol::RoomState> verified(const QString &room) const;
    // A state this client verified itself (its own record appended on top of a verified state).
    void remember(const protocol::RoomState &state);
    // Forgets the state in memory (this user left the room); the stored head stays.
    void forget(const QString &room);
    // The administrator's override as the server last reported it with the chain.
    std::optional<std::pair<quint64, bool>> enforced(const QString &room) const;
    void setEnforced(const QString &room, std::pair<quint64, bool> enforced);

Q_SIGNALS:
    void chainRejected(const QString &room, const QString &reason);
    void identityChanged(const QString &user);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
