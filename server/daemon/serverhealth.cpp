// Server: its health as others see it: heartbeats to its threads, the monitoring listener (/metrics, /healthz,
// /readyz), readiness, the samples of status.history, the queued messages, and the nodes.

#include "daemon/server.h"
#include "daemon/serverstate.h"

#include "daemon/logging.h"
#include "daemon/testhooks.h"

#include <QSysInfo>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace parley::server {

// Heartbeats to every worker's event loop and to the database writer (docs/operations.md "Warnings"). With the test
// hook PARLEY_TEST_BLOCK_WORKER_MS, worker 0 blocks its loop that long at each SIGUSR1: a stalled worker.
void Server::startHeartbeats()
{
    for (size_t i = 0; i < d->workers.size(); ++i) {
        Worker *w = d->workers[i].worker;
        d->heartbeats->watch(u"worker-%1"_s.arg(i), [w](std::function<void()> answer) {
            QMetaObject::invokeMethod(w, std::move(answer), Qt::QueuedConnection);
        });
    }
    Store *store = d->store.get();
    d->heartbeats->watch(u"database-writer"_s, [store](std::function<void()> answer) { store->ping(std::move(answer)); });
    connect(&d->heartbeatTimer, &QTimer::timeout, this, [this] { d->heartbeats->beat(); });
    d->heartbeats->beat();
    d->heartbeatTimer.start(d->heartbeats->intervalMs());
    if (const int blockMs = testhooks::blockWorkerMs(); blockMs > 0 && !d->workers.empty()) {
        Worker *first = d->workers.front().worker;
        testhooks::onUserSignal(this, [first, blockMs] {
            QMetaObject::invokeMethod(first, [blockMs] { QThread::msleep(ulong(blockMs)); }, Qt::QueuedConnection);
        });
    }
}

// The monitoring listener, when [metrics] listen is set (plain HTTP: a warning when it is not on loopback).
Status Server::startMonitoring()
{
    const MetricsConfig &m = d->config.metrics;
    if (!m.enabled)
        return {};
    Monitoring::Sources sources;
    sources.metrics = &d->metrics;
    sources.store = d->store.get();
    sources.router = d->router.get();
    sources.writeQueueLimit = d->config.limits.writeQueue;
    sources.notReady = [this] { return notReadyReason(); };
    sources.certificateFile = d->config.certificateFile();
    sources.adminCertificateFile = d->config.admin.certificatePath;
    sources.dataDir = d->config.dataDir;
    sources.nodes = [this] { return nodes(); };
    sources.cluster = d->cluster.get();
    sources.queuedMessages = [this] { return queuedMessages(); };
    d->monitoring = std::make_unique<Monitoring>(std::move(sources));
    if (Status s = d->monitoring->start(m.listenAddress, m.listenPort); !s) {
        d->monitoring.reset();
        return s;
    }
    if (!m.listenAddress.isLoopback()) {
        qCWarning(lcServer).noquote() << u"The metrics listener on %1 is plain HTTP without authentication: keep it "
                                         u"behind a firewall or a TLS proxy (docs/operations.md)"_s.arg(metricsUrl());
    }
    qCInfo(lcServer).noquote() << "Metrics at" << metricsUrl();
    return {};
}

QString Server::metricsUrl() const
{
    if (!d->monitoring)
        return {};
    const QHostAddress &address = d->config.metrics.listenAddress;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(address.toString())
                                                                              : address.toString();
    return u"http://%1:%2/"_s.arg(host).arg(d->monitoring->port());
}

QString Server::notReadyReason() const
{
    switch (d->phase.load()) {
    case ServerState::Phase::Idle:
        return u"starting"_s;
    case ServerState::Phase::Draining:
        return u"draining: the server is shutting down"_s;
    case ServerState::Phase::Stopped:
        return u"stopped"_s;
    case ServerState::Phase::Running:
        break;
    }
    if (d->store->storageFailing())
        return u"storage failing: writes are refused until the database takes them again (see the log)"_s;
    const std::size_t queued = d->store->queuedWrites();
    if (queued >= std::size_t(d->config.limits.writeQueue))
        return u"write queue full: %1 writes wait for the database; sends are answered busy"_s.arg(queued);
    return {};
}

const metrics::History &Server::history() const
{
    return d->history;
}

int Server::historyIntervalMs() const
{
    return d->historyIntervalMs;
}

qint64 Server::queuedMessages() const
{
    return d->queued();
}

QList<NodeHealth> Server::nodes() const
{
    NodeHealth self;
    self.node = d->cluster ? d->cluster->nodeId() : QSysInfo::machineHostName();
    if (d->heartbeats) {
        self.stallAfterMs = d->heartbeats->stallAfterMs();
        self.threads = d->heartbeats->threads();
    }
    self.devices = qint64(d->router ? d->router->onlineDevices() : 0);
    if (!d->cluster)
        return {self};
    QList<NodeHealth> out;
    const qint64 lease = qint64(d->cluster->lease().count());
    for (const NodeRecord &n : d->cluster->nodes()) {
        NodeHealth h = n.id == self.node ? self : NodeHealth{};
        h.node = n.id;
        h.self = n.id == self.node;
        h.version = n.version;
        h.startedAt = n.startedAt;
        h.heartbeatAt = n.heartbeatAt;
        h.heartbeatAgeMs = std::max<qint64>(0, n.now - n.heartbeatAt);
        if (!h.self)
            h.devices = n.devices;
        h.stoppedAt = n.stoppedAt;
        h.leaseMs = lease;
        out.append(h);
    }
    if (std::none_of(out.cbegin(), out.cend(), [](const NodeHealth &h) { return h.self; }))
        out.prepend(self);   // before the link's first heartbeat
    return out;
}

} // namespace parley::server
