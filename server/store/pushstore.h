#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace parley::server {

class Db;

enum class PushKind { Apns, Fcm, WebPush };

QString pushKindName(PushKind kind);

// A device's push registration (docs/push.md).
struct PushToken {
    PushKind kind = PushKind::Apns;
    QString token;            // APNs device token (lower-case hex), FCM registration token, or Web Push endpoint URL
    QString topic;            // APNs topic; empty: the configured default
    QByteArray p256dh;        // Web Push: the subscription's P-256 public key (65 bytes)
    QByteArray auth;          // Web Push: the subscription's authentication secret (16 bytes)

    // Checks a registration as it arrives from a device (kind name and the fields it allows); normalises the APNs
    // token to lower case. InvalidArgument names the offending field.
    static Result<PushToken> make(const QString &kind, const QString &token, const QString &topic,
                                  const QString &endpoint, const QByteArray &p256dh, const QByteArray &auth);
};

// One pending wake-up, ready to send.
struct PushJob {
    qint64 id = 0;
    qint64 deviceId = 0;
    PushToken token;
    int attempts = 0;
    qint64 createdAt = 0;     // ms
};

// The push tables (push_tokens, push_queue; schema version 4 in schema.cpp) over a Db's connection. Writes run on the
// writer thread inside Store::write (each inside the operation's savepoint); reads on any thread's reader.
class PushStore {
public:
    // Registers or replaces the device's token. A token registered by another device before moves to this one.
    static Status putToken(Db &db, qint64 deviceId, const PushToken &token, qint64 nowMs);
    // Removes the device's token and its pending wake-up. Returns whether there was a token.
    static Result<bool> removeToken(Db &db, qint64 deviceId);
    // Removes a token only if it is still the one a job was sent to (a provider said it is no longer valid).
    static Result<bool> removeTokenIfUnchanged(Db &db, qint64 deviceId, const PushToken &token);

    // Adds a pending wake-up for each listed device that has a token and none pending (one outstanding per device,
    // so a burst of messages makes one push). It becomes due after `delayMs`, and not before `minIntervalMs` after
    // the device's previous push. Returns how many were added.
    static Result<int> enqueue(Db &db, const QList<qint64> &deviceIds, qint64 nowMs, qint64 delayMs, qint64 minIntervalMs);

    // Pending wake-ups due at `nowMs`, oldest first, with their tokens (devices revoked meanwhile are skipped).
    static Result<QList<PushJob>> due(Db &db, qint64 nowMs, int limit);
    // When the next pending wake-up is due (ms), or 0 when none is pending.
    static Result<qint64> nextDue(Db &db);
    static Result<qint64> pendingCount(Db &db);
    static Result<qint64> deadCount(Db &db);

    // Outcomes: sent (the job goes, the device's last push time is set), retry later, dead-lettered, dropped.
    static Status delivered(Db &db, const PushJob &job, qint64 nowMs);
    static Status reschedule(Db &db, qint64 jobId, int attempts, qint64 nextAttemptMs, const QString &error);
    static Status deadLetter(Db &db, qint64 jobId, int attempts, const QString &error);
    static Status drop(Db &db, qint64 jobId);
    // Forgets dead-lettered wake-ups older than the cutoff.
    static Result<int> purgeDead(Db &db, qint64 cutoffMs);
};

} // namespace parley::server
