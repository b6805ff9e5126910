#pragma once

// The client side of docs/protocol.md over one TLS WebSocket: enrollment, login, prekey upkeep, sending and
// receiving end-to-end encrypted messages. Everything is asynchronous (signals; callbacks guarded by a context
// object); nothing blocks on the network. Client is a facade over one class per concern:
//
// - Connection (sdk/connection.h): the TLS WebSocket, server trust, `hello`, login, requests and replies. Server
//   trust comes from the profile: either a pinned SHA-256 fingerprint of the server certificate (a self-signed
//   certificate is accepted only when its fingerprint matches, and only the errors a self-signed certificate causes
//   are ignored) or CA certificate(s) in the profile (normal verification, host name included). TLS 1.2 or later.
// - Enrollment (sdk/enrollment.h): enrollment of a new user creates the root key and uploads a recovery bundle (see
//   sdk/recoverybundle.h for the format and the second-device flow); enrollment of another device of an existing
//   user recovers the root key from that bundle with the passphrase. After `enrolled` the client logs in on the
//   same connection.
// - PrekeyUpkeep (sdk/prekeyupkeep.h): the device's prekeys on the server.
// - DeviceLists (sdk/devicelists.h): device lists with their certificates checked under the users' root keys
//   (root keys of other users are pinned on first use; a changed one emits identityChanged()).
// - Sender (sdk/sender.h): send() resolves the recipients' devices and prekeys, builds the envelope and sends it.
//   A changed root key fails the send with SendError::IdentityChanged. `device_mismatch` refreshes the device lists
//   and retries (MaxMismatchRetries times); `rate_limited` waits as long as the server says. Resolution of
//   recipients runs one message at a time so concurrent sends share fetched prekeys; the `send` requests
//   themselves are pipelined. Each message's outcome goes to the callback given with it and to accepted() or
//   sendFailed().
// - Receiver (sdk/receiver.h): each `msg` is opened with Envelope::open() against the sender's device list, shown
//   once (messageReceived, or verificationFailed with the reason), recorded in the profile's dedupe log and acked
//   in batches after the signal was delivered. A message whose sender's root key differs from the pinned one is
//   delivered with verified == false and a verificationFailed() explaining why. A room message counts only when
//   its sender is a member of the room's verified chain (RoomChains, sdk/roomchains.h) and this user is one too.

#include "core/result.h"
#include "parley_export.h"
#include "protocol/frame.h"
#include "sdk/envelope.h"
#include "sdk/profile.h"
#include "sdk/recoverybundle.h"
#include "sdk/sendresult.h"
#include "sdk/transfers.h"

#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace parley::sdk {

class RoomChains;

struct PARLEY_EXPORT IncomingMessage {
    QString from;
    quint32 device = 0;
    QByteArray mid;
    quint64 seq = 0;
    QDateTime sentAt;            // UTC, as the sender stated it
    QString text;
    bool verified = false;       // false: shown although the sender's identity could not be confirmed
    bool previousKey = false;    // verified under a previous root key of the sender, superseded after it was sent
    QStringList to;
    protocol::MessageOptions options;   // signed message options: room, exp (seconds), burn (docs/protocol.md "Rooms")
    QString room;                // the room the message was sent to; empty for a direct message
    bool burnOnRead = false;     // the sender asked that no copy be kept once it was shown
    std::optional<CallSignal> call;   // set for a call signal (callSignalReceived(), never messageReceived())
    QList<FileRef> files;             // attachments: Client::download() fetches each
};

// Short-lived credentials for a TURN relay (docs/calls.md), as the server issued them: for a WebRTC client's
// iceServers or for turnutils_uclient. `user` begins with the expiry in Unix seconds.
struct PARLEY_EXPORT TurnCredentials {
    QStringList uris;
    QString user;
    QString password;
    quint64 ttlSeconds = 0;
    QDateTime expiresAt;         // UTC, read from `user`
};

class PARLEY_EXPORT Client : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Enrolling, LoggingIn, LoggedIn };
    Q_ENUM(State)

    static constexpr int PrekeyPoolTarget = 100;
    static constexpr int MaxMismatchRetries = 3;

    explicit Client(Profile &profile, QObject *parent = nullptr);
    ~Client() override;

    State state() const;
    Profile &profile() const;

    // Connects to the profile's server and logs in (the profile must be enrolled).
    void connectToServer();
    // Connects and enrolls this profile's device with a one-time code, then logs in. For an existing user the
    // recovery bundle is opened with `recoveryPassphrase`; for a new user one is created with it.
    void enroll(const QString &user, const QString &code, const QString &deviceName,
                const QByteArray &recoveryPassphrase, crypto::ScryptParams recoveryKdf = RecoveryBundle::DefaultKdf);
    // Sends pending acks, saves the profile state and closes the connection (disconnected() follows).
    void disconnectFromServer();

    // Queues a message to `users`; returns its message id (16 bytes). Its outcome goes to `done`, only while
    // `context` exists; accepted() or sendFailed() is emitted just before.
    QByteArray send(const QStringList &users, const QString &text, QObject *context, SendCallback done);
    // The same with message options (an expiry in seconds, burn-on-read); they are signed with the message.
    QByteArray send(const QStringList &users, const QString &text, const protocol::MessageOptions &options,
                    QObject *context, SendCallback done);
    // The same with content beyond a text (a call signal: sdk/calls.h sends those).
    QByteArray send(const QStringList &users, const MessageContent &content, const protocol::MessageOptions &options,
                    QObject *context, SendCallback done);
    // Without a callback: the outcome is only in accepted() or sendFailed().
    QByteArray send(const QStringList &users, const QString &text);
    QByteArray send(const QStringList &users, const QString &text, const protocol::MessageOptions &options);
    // Sends an envelope built elsewhere (Envelope::build with identity() and resolveRecipients()); the outcome
    // goes to `done` as with send(). A device_mismatch is reported, not retried (the text is not known here).
    void sendEnvelope(const Envelope &envelope, QObject *context, SendCallback done);
    void sendEnvelope(const Envelope &envelope);
    // Resolves the devices and prekeys a message to `users` needs, as send() does; for building envelopes ahead
    // of sending. Uses of the returned prekeys are the caller's to count (PrekeyCache::recordUse).
    void resolveRecipients(const QStringList &users, QObject *context,
                           std::function<void(Result<QList<RecipientDevice>>)> done);
    // TURN credentials for a call (the `turn` request; needs a login). `done` runs only while `context` exists; the
    // error is Unavailable when the server has no TURN relay configured (or the connection closed first), and
    // RateLimited with the server's wait in the message when asked too often.
    void turnCredentials(QObject *context, std::function<void(Result<TurnCredentials>)> done);
    // Attachments (sdk/transfers.h; the server must speak protocol version 2). upload() encrypts and uploads a file;
    // send its file() in MessageContent::files once it finished(). download() fetches, checks and decrypts an
    // attachment into `directory`. Both start on the next turn of the event loop, so connect their signals first;
    // both belong to `parent` (the caller deletes them when done) and resume by themselves after the client logs in
    // again.
    Upload *upload(const QString &path, const UploadOptions &options = {}, QObject *parent = nullptr);
    Download *download(const FileRef &file, const QString &directory, QObject *parent = nullptr);
    // Called from a messageReceived() handler: keeps that message unacknowledged, and out of the dedupe log, until
    // releaseAck(). For work that must be done before the server may forget the message, such as downloading its
    // attachments: the server deletes an attachment once every message referencing it was acknowledged. A held
    // message comes again (and is shown again) on the next connection if it was not released on this one.
    // Returns false when called for another message than the one being shown.
    bool holdAck(const IncomingMessage &message);
    void releaseAck(const IncomingMessage &message);
    // This device as a sender (needs the enrolled profile).
    Result<SenderIdentity> identity() const;
    // Local time corrected by the offset measured at `hello`.
    qint64 serverTimeMs() const;
    // The verified room chains this client knows (for Rooms, sdk/rooms.h).
    RoomChains &roomChains() const;

    // Sends a raw frame (diagnostics and tests). A request without an id gets a fresh one; returns the id used.
    quint64 sendFrame(const protocol::Frame &frame);
    // Saves the dedupe log and sends the pending acks now.
    void flushAcks();
    // Whether a prekey upload is in progress.
    bool prekeyUploadPending() const;
    // With receiving off, `msg` frames are left alone: not opened, not acked, so the server delivers them again
    // on a later connection (for one-shot senders that must not swallow the inbox). On by default.
    void setReceiveEnabled(bool enabled);
    bool receiveEnabled() const;

Q_SIGNALS:
    void stateChanged(parley::sdk::Client::State state);
    void connected();                                         // `hello` received and accepted
    void enrolled(const QString &user, quint32 device, bool newUser);
    void loggedIn();
    void prekeysReady(int onServer);                          // the pool is topped up (or needed nothing)
    // Every message's outcome, also of those sent with a callback.
    void accepted(const QByteArray &mid, quint64 seq);
    void sendFailed(const QByteArray &mid, parley::sdk::SendError error, const QString &message);
    void messageReceived(const parley::sdk::IncomingMessage &message);
    // A verified call signal (sdk/calls.h handles them). Signals whose sender's identity is not confirmed are
    // dropped with a verificationFailed(): a call is not set up with a peer whose key changed unconfirmed.
    void callSignalReceived(const parley::sdk::IncomingMessage &signal);
    // `reason` is "CODE: explanation". CODE is identity_changed for a message that is still delivered (unverified);
    // otherwise the message was dropped (and acked): unknown_device, an envelope error (envelopeErrorName():
    // bad_signature, commitment_mismatch, unwrap_failed, ...), recipients_mismatch (the signed recipients do not
    // name this user), or for a room message not_a_member (the sender is not a member of the verified chain),
    // room_mismatch (this user is not a member of it) or the chain's own refusal (bad_chain, chain_rollback,
    // chain_fork).
    void verificationFailed(const QString &from, quint32 device, const QString &reason);
    void identityChanged(const QString &user);
    void synced();
    void errorOccurred(const QString &code, const QString &message);
    void disconnected();
    void frameReceived(const parley::protocol::Frame &frame);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
