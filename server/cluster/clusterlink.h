#pragma once

#include "core/result.h"
#include "store/changes.h"
#include "store/database.h"
#include "store/nodestore.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

namespace parley::server {

// A node's link to the other parleyd nodes on the same PostgreSQL database (docs/scale-out.md). PostgreSQL holds
// everything durable; the link adds what the nodes need to know of each other, on two connections of its own and a
// thread of its own:
// - the node's row and heartbeat, and which devices it serves (presence), so that a node that dies takes its devices
//   with it once its lease runs out, and a device that logs in at one node is closed at the node it left;
// - doorbells: after a commit that queued messages for devices another node serves, one coalesced NOTIFY on that
//   node's channel carrying device ids only (never content), sent outside the commit; notices, closes and prekey
//   refills for those devices go the same way;
// - catch-up: the queue's seqs become visible in the order they were drawn (store/dialect.cpp, LockQueue), so the
//   link keeps the last seq it saw and scans from it when it (re)connects and every `poll`: a doorbell that was lost
//   delays a message by at most that, never loses it;
// - the changes of cached rows any connection commits (store/changequeries.cpp), handed to the store's listeners;
//   after the link was cut, "everything";
// - which node sends the push wake-ups (one at a time).
// With a single node it does the same, with nobody to ring: the changes of `parleyd` subcommands reach the caches.
class ClusterLink : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString nodeId;
        QString version;
        PostgresSettings postgres;
        std::chrono::milliseconds heartbeat{2000};
        std::chrono::milliseconds lease{15000};    // a node whose heartbeat is older counts as gone
        std::chrono::milliseconds poll{5000};      // the catch-up scan when no doorbell rang
    };
    // Called on the link's thread; each must be quick and thread-safe.
    struct Handlers {
        // Devices with new queue entries up to `seq` (0: unknown); any of them may be served here.
        std::function<void(const QList<NodeStore::QueueHead> &)> ring;
        std::function<void(qint64 device, const QByteArray &frame)> notice;
        std::function<void(qint64 device, int closeCode, const QString &reason)> close;
        std::function<void(qint64 device, int remaining)> refill;
        // The device logged in at another node: its session here, if any, is to close as replaced.
        std::function<void(qint64 device)> replaced;
        std::function<void(const StoreChanges &)> changes;
        // The devices this node serves, when the link has to tell the database again after it reconnected.
        std::function<QList<qint64>()> localDevices;
        // Whether this node is now the one that sends push wake-ups.
        std::function<void(bool lead)> pushLead;
    };
    struct Counts {
        qint64 ringsSent = 0;           // notifications to other nodes (doorbells, notices, closes, refills)
        qint64 ringsReceived = 0;       // devices rung here
        qint64 caughtUp = 0;            // devices the catch-up scan found with new entries
        qint64 reconnects = 0;
    };

    // Connects, takes the node id (Conflict when another running parleyd has it) and starts the thread. The error of a
    // failed connection names the [store] setting at fault.
    static Result<std::unique_ptr<ClusterLink>> start(const Options &options, Handlers handlers);
    // Stops the thread; the node's row is marked stopped and its devices are no longer present anywhere.
    ~ClusterLink() override;

    QString nodeId() const;

    // --- any thread ---
    void attached(qint64 device);
    void detached(qint64 device);
    // Queue entries were committed for these devices, which are not served here.
    void ring(const QList<qint64> &devices);
    void notice(qint64 device, const QByteArray &frame);
    void close(qint64 device, int closeCode, const QString &reason);
    void refill(qint64 device, int remaining);

    // The nodes as of the last heartbeat (an empty list until the first).
    QList<NodeRecord> nodes() const;
    // The messages queued for devices, counted over all nodes every QueuedEvery heartbeats (each node's own writer
    // counts only what it adds and removes); -1 before the first count.
    qint64 queuedMessages() const;
    static constexpr int QueuedEvery = 5;
    bool isConnected() const;
    Counts counts() const;
    std::chrono::milliseconds lease() const;

private:
    explicit ClusterLink(const Options &options, Handlers handlers);
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
