#pragma once

// The nodes of a cluster on one PostgreSQL database (docs/scale-out.md): each node's row and heartbeat, which node
// serves which device (presence), and the doorbells a node rings on another node's channel (LISTEN/NOTIFY). Run on
// the cluster link's own connection (server/cluster), outside any transaction: every call is one statement, committed
// by itself. Times are the database server's clock, so that the nodes' own clocks need not agree.

#include "core/result.h"
#include "store/database.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QSqlDatabase;

namespace parley::server {

struct NodeRecord {
    QString id;
    QString version;
    qint64 startedAt = 0;        // ms since the epoch
    qint64 heartbeatAt = 0;
    qint64 devices = 0;          // devices connected at the last heartbeat
    qint64 stoppedAt = 0;        // 0 while it runs (or until its lease ran out after a crash)
    qint64 now = 0;              // the database's clock when read
};

namespace NodeStore {

// The channel a node listens on for its doorbells, and the one every change of a cached row is announced on
// (store/changequeries.cpp).
QString channelOf(const QString &nodeId);
inline constexpr const char *ChangesChannel = "parley_changes";
// A node id: 1 to 40 of a-z, 0-9, '-' and '_' (it names a channel).
bool isValidNodeId(const QString &id);
// The most device ids one doorbell carries (NOTIFY's payload is at most 8000 bytes).
inline constexpr int IdsPerNotification = 600;

// Opens the link's connection `name` to the store's PostgreSQL server, with the store's session settings.
Status openLink(const PostgresSettings &settings, const QString &name);

// Takes the node's id for this connection's session (an advisory lock the server drops with the session, also when
// the process dies) and writes its row as started; forgets the devices an earlier run of the node left behind.
// Conflict when another running parleyd holds the id.
Status registerNode(const QSqlDatabase &db, const QString &id, const QString &version);
// Again after the connection was opened anew: the lock, and the row marked running, without resetting started_at.
Status reclaimNode(const QSqlDatabase &db, const QString &id, const QString &version);
Status heartbeat(const QSqlDatabase &db, const QString &id, qint64 devices);
// A clean stop: the row marked stopped, its devices no longer present anywhere.
Status deregisterNode(const QSqlDatabase &db, const QString &id);
// Every node's row, the stopped ones too (those that stopped or whose lease ran out within the last day).
Result<QList<NodeRecord>> nodes(const QSqlDatabase &db);

// The node now serves these devices; each node that served one of them before is told to close its session ("k").
Status attach(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices);
Status detach(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices);
// Whether another node with a heartbeat younger than `leaseMs` serves the device.
Result<bool> servedElsewhere(const QSqlDatabase &db, const QString &id, qint64 device, qint64 leaseMs);
// Whether the device is present at this node.
Result<bool> isPresentAt(const QSqlDatabase &db, const QString &id, qint64 device);

// Rings the doorbell of every other node that serves one of these devices ("r" and the ids). Returns the number of
// notifications sent.
Result<int> ring(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices);
// Sends `payload` on the node's own channel (the heartbeat checks that its doorbells still come in).
Status notifyNode(const QSqlDatabase &db, const QString &id, const QString &payload);
// Sends `payload` (a line of the doorbell protocol, docs/scale-out.md) to the node that serves `device`, if it is
// another node.
Status tell(const QSqlDatabase &db, const QString &id, qint64 device, const QString &payload);

// The queue entries of every device (the sum of the counters the schema's triggers keep), for all nodes.
Result<qint64> queuedTotal(const QSqlDatabase &db);
// The greatest seq of the queue (0 when it is empty).
Result<qint64> lastQueueSeq(const QSqlDatabase &db);
// The devices with queue entries after `afterSeq`, with the greatest seq of each.
struct QueueHead { qint64 device = 0; qint64 seq = 0; };
Result<QList<QueueHead>> queueHeadsAfter(const QSqlDatabase &db, qint64 afterSeq);

// Whether this session holds (or now took) the lock of the node that sends the push wake-ups: one node at a time,
// another takes over when its session ends.
Result<bool> takePushLead(const QSqlDatabase &db);

} // namespace NodeStore

} // namespace parley::server
