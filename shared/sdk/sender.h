#pragma once

// Sending (docs/protocol.md `fetch`, `send`). For each message: the device lists of the recipients and of the own
// account (DeviceLists), a prekey per device that has no fresh cached one (`fetch`, each prekey's signature checked
// under its device key), the envelope, and `send`. `device_mismatch` refreshes the lists it names and tries again
// (Client::MaxMismatchRetries times), `stale_time` rebuilds with the current time, `rate_limited` waits as long as
// the server says. Resolution runs one message at a time, so concurrent sends share the prekeys fetched; the `send`
// requests themselves are pipelined.
//
// Every message's outcome goes to accepted() or sendFailed() and to the callback given with it, if any.

#include "core/result.h"
#include "sdk/envelope.h"
#include "sdk/sendresult.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace parley::sdk {

class Connection;
class DeviceLists;
class Profile;
class ProfileSaver;

class Sender : public QObject {
    Q_OBJECT
public:
    Sender(Connection &connection, Profile &profile, DeviceLists &devices, ProfileSaver &saver,
           QObject *parent = nullptr);
    ~Sender() override;

    // Queues a message; `done` (optional) runs with its outcome while `context` exists. Returns the message id.
    QByteArray send(const QStringList &users, const MessageContent &content, const protocol::MessageOptions &options,
                    QObject *context,
                    SendCallback done);
    // Sends a prebuilt envelope as it is (a device_mismatch is reported, not retried). Sending the same envelope again
    // after a failure with Disconnected is safe: if the server had stored it, the answer is its first `accepted` (the
    // same seq) and the recipients get it once.
    void sendEnvelope(const Envelope &envelope, QObject *context, SendCallback done);
    // Resolves devices and prekeys for `users` as send() does, without sending.
    void resolveRecipients(const QStringList &users, QObject *context,
                           std::function<void(Result<QList<RecipientDevice>>)> done);

    // Logged in: works through the queue.
    void resume();
    // The connection closed: every queued message fails with SendError::Disconnected.
    void failQueued(const QString &message);

Q_SIGNALS:
    void accepted(const QByteArray &mid, quint64 seq);
    void sendFailed(const QByteArray &mid, parley::sdk::SendError error, const QString &message);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
