#include "store/nodestore.h"

#include "store/dialect.h"
#include "store/sql.h"

#include <QRegularExpression>
#include <QSqlDatabase>

using namespace Qt::StringLiterals;

namespace parley::server::NodeStore {

namespace {

// The database server's clock in ms, the one clock every node's heartbeat and lease are read with.
#define PARLEY_NOW_MS "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"

constexpr qint64 PushLeadLock = 0x7061726c6570;   // "parlep": the node that sends wake-ups
constexpr qint64 RowsKeptMs = 24 * 3600 * 1000;   // a stopped node's row is listed for a day

// Device ids as one bound value: "1,2,3", which the statement turns into an array.
QString idList(const QList<qint64> &ids)
{
    QString list;
    list.reserve(ids.size() * 8);
    for (const qint64 id : ids) {
        if (!list.isEmpty())
            list.append(u',');
        list.append(QString::number(id));
    }
    return list;
}

template<typename F>
Status inChunks(const QList<qint64> &ids, F run)
{
    for (qsizetype at = 0; at < ids.size(); at += IdsPerNotification) {
        if (Status s = run(idList(ids.mid(at, IdsPerNotification))); !s)
            return s;
    }
    return {};
}

// A session-level advisory lock per node id, so that two processes cannot run as one node.
const QString NodeLockKey = u"hashtextextended('parley-node:' || ?, 0)"_s;

Status lockNodeId(const QSqlDatabase &db, const QString &id)
{
    auto locked = sql::queryOne<bool>(db, u"SELECT pg_try_advisory_lock(%1)"_s.arg(NodeLockKey), {id},
                                      u"cannot take the node id", [](const sql::Rows &r) { return r.value(0).toBool(); },
                                      false);
    if (!locked)
        return locked.error();
    if (!*locked) {
        return makeError(ErrorCode::Conflict,
                         u"another parleyd connected to this database runs as node \"%1\": give each node its own "
                         u"cluster/node_id"_s.arg(id));
    }
    return {};
}

} // namespace

QString channelOf(const QString &nodeId)
{
    return u"parley_node_"_s + nodeId;
}

bool isValidNodeId(const QString &id)
{
    static const QRegularExpression valid(u"^[a-z0-9_-]{1,40}$"_s);
    return valid.match(id).hasMatch();
}

Status openLink(const PostgresSettings &settings, const QString &name)
{
    ConnectionSpec spec;
    spec.driver = StoreDriver::PostgreSql;
    spec.postgres = settings;
    return dialect::open(spec, name);
}

Status registerNode(const QSqlDatabase &db, const QString &id, const QString &version)
{
    if (Status s = lockNodeId(db, id); !s)
        return s;
    const QString failed = u"cannot register the node"_s;
    if (Status s = sql::apply(db, u"DELETE FROM presence WHERE node_id = ?"_s, {id}, failed); !s)
        return s;
    if (Status s = sql::apply(db, u"DELETE FROM nodes WHERE id <> ? AND heartbeat_at < " PARLEY_NOW_MS " - ?"_s,
                              {id, RowsKeptMs}, failed);
        !s)
        return s;
    return sql::apply(db,
                      u"INSERT INTO nodes (id, version, started_at, heartbeat_at, devices, stopped_at) "
                      "VALUES (?, ?, " PARLEY_NOW_MS ", " PARLEY_NOW_MS ", 0, 0) ON CONFLICT (id) DO UPDATE SET "
                      "version = excluded.version, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, "
                      "devices = 0, stopped_at = 0"_s,
                      {id, version}, failed);
}

Status reclaimNode(const QSqlDatabase &db, const QString &id, const QString &version)
{
    if (Status s = lockNodeId(db, id); !s)
        return s;
    return sql::apply(db,
                      u"INSERT INTO nodes (id, version, started_at, heartbeat_at, devices, stopped_at) "
                      "VALUES (?, ?, " PARLEY_NOW_MS ", " PARLEY_NOW_MS ", 0, 0) ON CONFLICT (id) DO UPDATE SET "
                      "version = excluded.version, heartbeat_at = excluded.heartbeat_at, stopped_at = 0"_s,
                      {id, version}, u"cannot register the node again"_s);
}

Status heartbeat(const QSqlDatabase &db, const QString &id, qint64 devices)
{
    return sql::apply(db, u"UPDATE nodes SET heartbeat_at = " PARLEY_NOW_MS ", devices = ?, stopped_at = 0 WHERE id = ?"_s,
                      {devices, id}, u"cannot write the node's heartbeat"_s);
}

Status deregisterNode(const QSqlDatabase &db, const QString &id)
{
    const QString failed = u"cannot deregister the node"_s;
    if (Status s = sql::apply(db, u"DELETE FROM presence WHERE node_id = ?"_s, {id}, failed); !s)
        return s;
    return sql::apply(db, u"UPDATE nodes SET stopped_at = " PARLEY_NOW_MS ", devices = 0 WHERE id = ?"_s, {id}, failed);
}

Result<QList<NodeRecord>> nodes(const QSqlDatabase &db)
{
    return sql::queryAll<NodeRecord>(
        db,
        u"SELECT id, version, started_at, heartbeat_at, devices, stopped_at, " PARLEY_NOW_MS " FROM nodes "
        "WHERE stopped_at = 0 OR stopped_at > " PARLEY_NOW_MS " - ? ORDER BY id"_s,
        {RowsKeptMs}, u"cannot list the nodes", [](const sql::Rows &r) {
            NodeRecord n;
            n.id = r.text(0);
            n.version = r.text(1);
            n.startedAt = r.integer(2);
            n.heartbeatAt = r.integer(3);
            n.devices = r.integer(4);
            n.stoppedAt = r.integer(5);
            n.now = r.integer(6);
            return n;
        });
}

Status attach(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices)
{
    // One statement: who served the devices before (the snapshot the statement starts with), the new rows, and a
    // notification to each of those nodes. A device deleted meanwhile is skipped rather than failing the rest.
    return inChunks(devices, [&](const QString &list) {
        return sql::apply(
            db,
            u"WITH ids AS (SELECT DISTINCT unnest(string_to_array(?, ',')::BIGINT[]) AS device_id), "
            "old AS (SELECT p.device_id, p.node_id FROM presence p JOIN ids USING (device_id) WHERE p.node_id <> ?), "
            "up AS (INSERT INTO presence (device_id, node_id, since) "
            "       SELECT ids.device_id, ?, " PARLEY_NOW_MS " FROM ids JOIN devices d ON d.id = ids.device_id "
            "       ON CONFLICT (device_id) DO UPDATE SET node_id = excluded.node_id, since = excluded.since) "
            "SELECT pg_notify('parley_node_' || node_id, 'k ' || string_agg(device_id::TEXT, ' ')) FROM old "
            "GROUP BY node_id"_s,
            {list, id, id}, u"cannot record the devices present");
    });
}

Status detach(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices)
{
    return inChunks(devices, [&](const QString &list) {
        return sql::apply(db,
                          u"DELETE FROM presence WHERE node_id = ? AND device_id = ANY(string_to_array(?, ',')::BIGINT[])"_s,
                          {id, list}, u"cannot record the devices gone");
    });
}

Result<bool> servedElsewhere(const QSqlDatabase &db, const QString &id, qint64 device, qint64 leaseMs)
{
    return sql::queryOne<bool>(db,
                               u"SELECT 1 FROM presence p JOIN nodes n ON n.id = p.node_id WHERE p.device_id = ? "
                               "AND p.node_id <> ? AND n.stopped_at = 0 AND n.heartbeat_at > " PARLEY_NOW_MS " - ?"_s,
                               {device, id, leaseMs}, u"cannot read a device's presence",
                               [](const sql::Rows &) { return true; }, false);
}

Result<bool> isPresentAt(const QSqlDatabase &db, const QString &id, qint64 device)
{
    return sql::queryOne<bool>(db, u"SELECT node_id = ? FROM presence WHERE device_id = ?"_s, {id, device},
                               u"cannot read a device's presence", [](const sql::Rows &r) { return r.value(0).toBool(); },
                               false);
}

Result<int> ring(const QSqlDatabase &db, const QString &id, const QList<qint64> &devices)
{
    int sent = 0;
    const Status s = inChunks(devices, [&](const QString &list) -> Status {
        auto rows = sql::exec(db,
                              u"SELECT pg_notify('parley_node_' || node_id, 'r ' || string_agg(device_id::TEXT, ' ')) "
                              "FROM presence WHERE device_id = ANY(string_to_array(?, ',')::BIGINT[]) AND node_id <> ? "
                              "GROUP BY node_id"_s,
                              {list, id}, u"cannot ring the other nodes");
        if (!rows)
            return rows.error();
        while (rows->next())
            ++sent;
        return rows->status(u"cannot ring the other nodes");
    });
    if (!s)
        return s.error();
    return sent;
}

Status tell(const QSqlDatabase &db, const QString &id, qint64 device, const QString &payload)
{
    return sql::apply(db,
                      u"SELECT pg_notify('parley_node_' || node_id, ?) FROM presence WHERE device_id = ? AND node_id <> ?"_s,
                      {payload, device, id}, u"cannot notify another node");
}

Status notifyNode(const QSqlDatabase &db, const QString &id, const QString &payload)
{
    return sql::apply(db, u"SELECT pg_notify(?, ?)"_s, {channelOf(id), payload}, u"cannot notify the node");
}

Result<qint64> queuedTotal(const QSqlDatabase &db)
{
    return sql::queryOne<qint64>(db, u"SELECT COALESCE(SUM(queued), 0) FROM devices"_s, {}, u"cannot count the queue",
                                 [](const sql::Rows &r) { return r.integer(0); }, qint64(0));
}

Result<qint64> lastQueueSeq(const QSqlDatabase &db)
{
    return sql::queryOne<qint64>(db, u"SELECT COALESCE(MAX(seq), 0) FROM queue"_s, {}, u"cannot read the queue's end",
                                 [](const sql::Rows &r) { return r.integer(0); }, qint64(0));
}

Result<QList<QueueHead>> queueHeadsAfter(const QSqlDatabase &db, qint64 afterSeq)
{
    return sql::queryAll<QueueHead>(db, u"SELECT device_id, MAX(seq) FROM queue WHERE seq > ? GROUP BY device_id"_s,
                                    {afterSeq}, u"cannot scan the queue",
                                    [](const sql::Rows &r) { return QueueHead{r.integer(0), r.integer(1)}; });
}

Result<bool> takePushLead(const QSqlDatabase &db)
{
    return sql::queryOne<bool>(db, u"SELECT pg_try_advisory_lock(?)"_s, {PushLeadLock}, u"cannot take the push lead",
                               [](const sql::Rows &r) { return r.value(0).toBool(); }, false);
}

} // namespace parley::server::NodeStore
