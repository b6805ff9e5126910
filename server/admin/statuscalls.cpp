#include "admin/statuscalls.h"

#include "relay/router.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QCborArray>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

const QList<AdminCall<StatusCalls>> &StatusCalls::calls()
{
    static const QList<AdminCall<StatusCalls>> calls = {
        {"status"_L1, &StatusCalls::handleStatus},
        {"status.history"_L1, &StatusCalls::handleHistory},
    };
    return calls;
}

void StatusCalls::handleStatus(const AdminRequestPtr &r)
{
    AdminStore admin(m_ctx.store()->reader());
    auto users = admin.userCount();
    if (!users)
        return m_ctx.reply(r, users.error());
    const Result<qint64> dbBytes = m_ctx.store()->databaseBytes();
    if (!dbBytes)
        return m_ctx.reply(r, dbBytes.error());
    QCborMap m;
    m.insert("version"_L1, QStringLiteral(PARLEY_VERSION_STRING));
    m.insert("uptime_seconds"_L1, (AdminContext::now() - m_startedAt) / 1000);
    m.insert("connected_devices"_L1, qint64(m_ctx.host()->router()->onlineDevices()));
    m.insert("queued_messages"_L1, m_ctx.host()->queuedMessages());
    // Writes waiting for the database writer (sends, acks, deletes): near 0 on a server that keeps up.
    m.insert("write_queue"_L1, qint64(m_ctx.store()->queuedWrites()));
    m.insert("users"_L1, *users);
    m.insert("database_bytes"_L1, *dbBytes);
    m.insert("workers"_L1, m_ctx.host()->workerCount());
    m.insert("fingerprint"_L1, m_ctx.host()->fingerprint());
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_ctx.config().certificateFile);
    if (!chain.isEmpty()) {
        const qint64 expires = chain.first().expiryDate().toMSecsSinceEpoch();
        m.insert("certificate_expires_at"_L1, expires);
        m.insert("certificate_days_left"_L1, (expires - AdminContext::now()) / (24 * 3600 * 1000));
    }
    // Every node: this one, and with several nodes on one PostgreSQL database the others as their last heartbeat
    // shows them (running, stopped, or lost: no heartbeat within the lease).
    QCborArray nodes;
    for (const NodeHealth &n : m_ctx.host()->nodes()) {
        QCborMap node;
        node.insert("id"_L1, n.node);
        node.insert("self"_L1, n.self);
        node.insert("state"_L1, n.stoppedAt != 0 ? u"stopped"_s : n.lost() ? u"lost"_s : u"running"_s);
        if (!n.version.isEmpty())
            node.insert("version"_L1, n.version);
        if (n.startedAt > 0)
            node.insert("started_at"_L1, n.startedAt);
        if (n.heartbeatAt > 0)
            node.insert("last_heartbeat_at"_L1, n.heartbeatAt);
        if (n.devices >= 0)
            node.insert("connected_devices"_L1, n.devices);
        nodes.append(node);
    }
    m.insert("nodes"_L1, nodes);
    m.insert("warnings"_L1, m_warnings.evaluate());
    m_ctx.reply(r, m);
}

// Columnar: one array per figure, all of the same length, oldest sample first.
void StatusCalls::handleHistory(const AdminRequestPtr &r)
{
    const qint64 since = r->args.value("since"_L1).toInteger(0);
    const std::vector<metrics::HistorySample> samples = m_ctx.host()->history().since(since);
    QCborArray at, devices, accepted, delivered, queued, writes, p50, p99;
    for (const metrics::HistorySample &s : samples) {
        at.append(s.at);
        devices.append(s.connectedDevices);
        accepted.append(s.messagesAccepted);
        delivered.append(s.messagesDelivered);
        queued.append(s.queuedMessages);
        writes.append(s.writeQueue);
        p50.append(s.commitP50Ms);
        p99.append(s.commitP99Ms);
    }
    const int intervalMs = m_ctx.host()->historyIntervalMs();
    const auto seconds = [](qint64 ms) {
        return ms % 1000 == 0 ? QCborValue(ms / 1000) : QCborValue(double(ms) / 1000.0);
    };
    QCborMap m;
    m.insert("interval_seconds"_L1, seconds(intervalMs));
    m.insert("retention_seconds"_L1, seconds(qint64(intervalMs) * m_ctx.host()->history().capacity()));
    m.insert("now"_L1, AdminContext::now());
    m.insert("at"_L1, at);
    m.insert("connected_devices"_L1, devices);
    m.insert("messages_accepted"_L1, accepted);
    m.insert("messages_delivered"_L1, delivered);
    m.insert("queued_messages"_L1, queued);
    m.insert("write_queue"_L1, writes);
    m.insert("commit_p50_ms"_L1, p50);
    m.insert("commit_p99_ms"_L1, p99);
    m_ctx.reply(r, m);
}

} // namespace parley::server
