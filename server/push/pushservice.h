#pragma once

#include "core/result.h"
#include "metrics/servermetrics.h"
#include "push/pushconfig.h"

#include <QObject>

#include <functional>
#include <memory>

class QNetworkProxy;
class QUrl;

namespace parley::server {

class Db;
class Store;
struct NewMessage;

// Content-free wake-ups for offline devices (docs/push.md). Lives in the main thread, next to the router.
//
// A message committed for a device without a live session, with a push token, adds a pending wake-up to the
// durable queue (push_queue) in the same transaction as the message, at most one pending per device (coalescing),
// due after the coalescing delay and not before the device's rate limit allows. The service sends due wake-ups
// through the provider of the token's kind, at most `max_in_flight` at a time, and records each outcome: sent
// (entry removed), retried with exponential backoff and jitter (honouring Retry-After), dead-lettered once it is
// older than `dead_after_seconds` or refused for good, or the token removed when the provider says it is no longer
// valid. Since the queue is on disk, a restart (even SIGKILL) loses no pending wake-up; one in flight at a crash is
// sent again.
class PushService : public QObject {
    Q_OBJECT
public:
    // Whether a device has a live session somewhere (it then needs no wake-up). Called from the main thread.
    using OnlineCheck = std::function<bool(qint64 deviceId)>;

    // `metrics` (optional, must outlive the service): each outcome, by provider.
    PushService(const PushConfig &config, Store &store, OnlineCheck isOnline, PushMetrics *metrics = nullptr,
                QObject *parent = nullptr);
    ~PushService() override;

    // Loads the provider credentials (refusing files others can read) and starts sending what is pending. With no
    // provider configured the service runs idle, so that credentials can be set later (reconfigure()).
    Status start();
    // Stops sending; what is pending stays queued on disk.
    void stop();

    // Several nodes on one database (docs/scale-out.md): one of them sends the wake-ups, the others only queue them.
    // Main thread; a node that becomes the sender sends what is due at once.
    void setSending(bool sending);
    bool isSending() const;
    // Main thread: whether a device is served by another node, asked before a wake-up goes out (none: never).
    void setElsewhereCheck(OnlineCheck elsewhere);

    // Outbound traffic goes through this proxy (QNetworkProxy::NoProxy for none) instead of the one of [push] proxy.
    void setProxy(const QNetworkProxy &proxy);

    // Main thread, while running: takes the provider credentials and endpoints of `credentials` (the apns*, fcm*
    // and vapid* members; everything else stays as constructed) and builds anew each provider whose part changed.
    // All or nothing: when one cannot be built, the error is returned and the providers stay as they were. Pending
    // wake-ups stay queued and go out with the new credentials; one in flight with a replaced provider is sent again.
    Status reconfigure(const PushConfig &credentials);
    // The configuration the providers use now (main thread).
    PushConfig currentConfig() const;
    // What the providers in use learnt from their credentials (main thread); empty for a provider that is off.
    struct Details {
        QString fcmProjectId;
        QString fcmClientEmail;
        QByteArray vapidPublicKey;   // base64url
    };
    Details details() const;

    // Any thread: whether registrations of this kind ("apns", "fcm", "webpush") can be served.
    bool supports(const QString &kind) const;
    // Whether a Web Push endpoint may be registered (PushConfig::checkWebPushEndpoint).
    Status checkWebPushEndpoint(const QUrl &endpoint) const;

    // Writer thread, inside the operation that stored `message`: queues wake-ups for its recipient devices that
    // have no live session. A failure is logged and does not undo the message.
    void enqueueFor(Db &db, const NewMessage &message) const;
    // Any thread: new wake-ups may be due.
    void wake();

    struct Counts {
        qint64 sent = 0;
        qint64 retried = 0;
        qint64 tokensRemoved = 0;
        qint64 deadLettered = 0;
        qint64 skippedOnline = 0;
    };
    // Outcomes since start (main thread).
    Counts counts() const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
