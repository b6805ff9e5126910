#pragma once

// Receiving (docs/protocol.md `msg`, `synced`, `ack`): each message is opened with Envelope::open() against the
// sender's device list (fetched once when the sending device is not known), shown once (messageReceived(), or
// verificationFailed() with the reason), recorded in the profile's dedupe log, and acked in batches after the
// signal was delivered; the dedupe record is saved before the ack leaves. A message whose sender's root key
// differs from the pinned one is delivered with verified == false; one whose own expiry passed is dropped. A
// message the current device list does not open is tried with the keys the trust store kept: the pinned key's last
// devices (while another root key is presented) and the sender's previous identities superseded no earlier than
// the message's `at` (delivered verified, with previousKey set).
// An authentic message is then checked against this user and, for a room message, against the room's verified
// chain (RoomChains, fetched when the sender or this user is not a member of the chain known so far): the signed
// recipients must name this user (unless it comes from this user's own device), this user and the sender must be
// members. A message that fails is dropped like a forged one (recorded, acked, verificationFailed()).

#include "protocol/frame.h"
#include "sdk/client.h"

#include <QObject>

#include <memory>

namespace parley::sdk {

class Connection;
class DeviceLists;
class Profile;
class ProfileSaver;
class RoomChains;

class Receiver : public QObject {
    Q_OBJECT
public:
    Receiver(Connection &connection, Profile &profile, DeviceLists &devices, RoomChains &rooms, ProfileSaver &saver,
             QObject *parent = nullptr);
    ~Receiver() override;

    // A `msg` or `synced` frame from protocol::decode().
    void onFrame(const protocol::Frame &frame);
    // Saves the dedupe log and sends the pending acks now.
    void flushAcks();
    // Client::holdAck() and releaseAck().
    bool hold(const IncomingMessage &message);
    void release(const IncomingMessage &message);
    // The keystore deleted expired prekeys: forget the ones held in memory.
    void forgetPrekeys();
    // The connection closed: what was not acked comes again on the next connection.
    void reset();

    void setEnabled(bool enabled);
    bool isEnabled() const;

Q_SIGNALS:
    void messageReceived(const parley::sdk::IncomingMessage &message);
    void callSignalReceived(const parley::sdk::IncomingMessage &signal);
    void verificationFailed(const QString &from, quint32 device, const QString &reason);
    void synced();

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
