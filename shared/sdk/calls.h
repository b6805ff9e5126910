#pragma once

// Call set-up over end-to-end encrypted messages (docs/calls.md). Media does not go through Parley: the
// application's WebRTC stack makes the session descriptions and ICE candidates, and this class carries them between
// the participants' devices as call signals (sdk/content.h), signed and encrypted like every message, each with a
// short expiry (CallSignal::Lifetime) so that a call set-up is live or nothing. The server routes them without
// being able to read or tell them from texts; TURN credentials come from Client (turn requests).
//
// Every call has a media key, a fresh random 32-byte key for the application's end-to-end media encryption (for
// example SFrame keys derived from it), with an epoch counting from 0:
// - a call to a user: the caller makes key 0 and sends it with the offer; both ends hold it once it is answered;
// - a room call: whoever rings the room owns the call and holds key 0; a member that joins sends `join` to the
//   owner, who adds it, makes the next key and sends it with the participant list to every participant; when a
//   participant hangs up, the owner (or, if the owner left, the first remaining participant by name) makes the next
//   key for those who remain. So a new participant never holds an earlier key and one who left never a later one.
//   Participants negotiate media pairwise (sendDescription()) or through the application's own media server.
//
// Signals are accepted only from whom they may come: an answer from the callee's user, a key from the call's owner
// with a higher epoch, a join from a member of the room's verified chain, candidates and descriptions from a
// participant. A signal whose sender's identity is not confirmed never arrives here (Client drops it).

#include "parley_export.h"
#include "sdk/content.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace parley::sdk {

class Client;

class PARLEY_EXPORT Calls : public QObject {
    Q_OBJECT
public:
    enum class State {
        Calling,    // our offer to a user waits for an answer
        Ringing,    // an offer or a room's ring waits for us
        Joining,    // we asked a room call's owner to let us in
        Active,     // in the call, with a media key
    };
    Q_ENUM(State)

    struct Call {
        QByteArray id;
        QString room;                // empty for a call to a user
        QString peer;                // the other user of a call to a user; the ringing user of a room call
        QString owner;               // who makes the media keys
        bool outgoing = false;
        bool video = false;
        State state = State::Ringing;
        QStringList participants;    // who holds the current key (sorted)
        QByteArray mediaKey;         // empty until we hold one
        quint32 epoch = 0;
    };

    // `client` must outlive this object.
    explicit Calls(Client &client, QObject *parent = nullptr);
    ~Calls() override;

    // Calls a user with our session description; returns the call id. Rings every device of `user`.
    QByteArray call(const QString &user, const QString &sdpOffer, bool video = false);
    // Rings every member of a room (we must be a member) and opens the call with us as its owner.
    QByteArray ringRoom(const QString &room, bool video = false);
    // Takes a call to a user that rings here; our other devices stop ringing.
    void answer(const QByteArray &callId, const QString &sdpAnswer);
    // Asks to join a room call that rings here.
    void join(const QByteArray &callId);
    // Refuses a call that rings here (a room's ring: stops ringing here and on our other devices).
    void decline(const QByteArray &callId);
    // A description for one other participant of a room call (pairwise negotiation): an offer or an answer.
    void sendDescription(const QByteArray &callId, const QString &user, bool offer, const QString &sdp);
    // Our ICE candidates, to the other participants.
    void sendCandidates(const QByteArray &callId, const QStringList &candidates);
    // Leaves the call (or withdraws our offer).
    void hangUp(const QByteArray &callId);

    std::optional<Call> call(const QByteArray &callId) const;
    QList<Call> calls() const;
    // How long signals live on the server and how long a call rings (default CallSignal::Lifetime seconds).
    void setSignalLifetime(quint32 seconds);

Q_SIGNALS:
    void incomingCall(const parley::sdk::Calls::Call &call, const QString &sdpOffer);
    void answered(const QByteArray &callId, const QString &from, quint32 device, const QString &sdpAnswer);
    void descriptionReceived(const QByteArray &callId, const QString &from, bool offer, const QString &sdp);
    void candidatesReceived(const QByteArray &callId, const QString &from, const QStringList &candidates);
    // We hold a new media key (also key 0 of a call we open, and of a call to a user once it is answered).
    void mediaKeyChanged(const QByteArray &callId, quint32 epoch, const QByteArray &key, const QStringList &participants);
    // `reason`: hung_up (by us), remote_hung_up, declined, no_answer, missed, answered_elsewhere,
    // declined_elsewhere, send_failed.
    void ended(const QByteArray &callId, const QString &reason);
    // A signal could not be sent (the call goes on unless ended() says otherwise).
    void signalFailed(const QByteArray &callId, const QString &message);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
