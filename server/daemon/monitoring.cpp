#include "daemon/monitoring.h"

#include "cluster/clusterlink.h"
#include "metrics/filesystem.h"
#include "metrics/httpendpoint.h"
#include "metrics/process.h"
#include "relay/router.h"
#include "store/blobindex.h"
#include "store/pushstore.h"
#include "store/store.h"

#include <QSslCertificate>
#include <QThread>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr std::string_view ExpositionType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace

struct Monitoring::Private {
    Sources sources;
    QThread thread;
    QObject *home = nullptr;                       // lives in the thread: what the endpoint is made and closed from
    metrics::HttpEndpoint *endpoint = nullptr;     // lives in the thread
    quint16 port = 0;

    metrics::HttpEndpoint::Response handle(const Monitoring &monitoring, const QByteArray &path) const
    {
        metrics::HttpEndpoint::Response r;
        if (path == "/metrics") {
            r.contentType = QByteArray(ExpositionType.data(), qsizetype(ExpositionType.size()));
            r.body = monitoring.scrape();
        } else if (path == "/healthz") {
            r.body = "ok\n";
        } else {
            const QString reason = sources.notReady ? sources.notReady() : QString();
            r.status = reason.isEmpty() ? 200 : 503;
            r.body = reason.isEmpty() ? QByteArray("ready\n") : reason.toUtf8() + '\n';
        }
        return r;
    }
};

Monitoring::Monitoring(Sources sources) : d(std::make_unique<Private>())
{
    d->sources = std::move(sources);
    d->thread.setObjectName(u"parleyd-metrics"_s);
}

Monitoring::~Monitoring()
{
    stop();
}

Status Monitoring::start(const QHostAddress &address, quint16 port)
{
    if (d->home)
        return makeError(ErrorCode::InvalidArgument, u"the monitoring listener was already started"_s);
    d->thread.start();
    d->home = new QObject;
    d->home->moveToThread(&d->thread);
    QString error;
    QMetaObject::invokeMethod(d->home, [this, &address, port, &error] {
        d->endpoint = new metrics::HttpEndpoint({"/metrics", "/healthz", "/readyz"},
                                                [this](const QByteArray &path) { return d->handle(*this, path); });
        if (!d->endpoint->listen(address, port)) {
            error = d->endpoint->errorString();
            delete d->endpoint;
            d->endpoint = nullptr;
            return;
        }
        d->port = d->endpoint->port();
    }, Qt::BlockingQueuedConnection);
    if (!error.isEmpty()) {
        stop();
        return makeError(ErrorCode::Network, u"cannot listen for metrics on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(error));
    }
    return {};
}

void Monitoring::stop()
{
    if (!d->home)
        return;
    if (d->thread.isRunning()) {
        QMetaObject::invokeMethod(d->home, [this] {
            delete d->endpoint;
            d->endpoint = nullptr;
        }, Qt::BlockingQueuedConnection);
        d->thread.quit();
        d->thread.wait();
    }
    delete d->home;
    d->home = nullptr;
}

quint16 Monitoring::port() const
{
    return d->port;
}

// What status' warnings are made from, for alerts on the Prometheus side (resources/prometheus/parleyd.rules.yml).
void Monitoring::writeHealth(metrics::Exposition &out) const
{
    const Sources &s = d->sources;
    out.family("parleyd_certificate_expiry_timestamp_seconds", "gauge",
               "When the listener's TLS certificate expires (Unix time): device, and admin when it has its own.");
    const QList<std::pair<std::string_view, QString>> certificates{{"device", s.certificateFile},
                                                                   {"admin", s.adminCertificateFile}};
    for (const auto &[listener, file] : certificates) {
        if (file.isEmpty())
            continue;
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(file);
        if (!chain.isEmpty())
            out.sample("parleyd_certificate_expiry_timestamp_seconds", {{"listener", listener}},
                       double(chain.first().expiryDate().toSecsSinceEpoch()));
    }
    if (const auto space = metrics::fileSystemSpace(s.dataDir); space && !s.dataDir.isEmpty()) {
        out.gauge("parleyd_data_dir_available_bytes",
                  "Bytes parleyd may still write on the file system of its data directory.", double(space->availableBytes));
        out.gauge("parleyd_data_dir_size_bytes", "The size of the file system of the data directory.",
                  double(space->totalBytes));
    }
    if (s.nodes) {
        const QList<NodeHealth> nodes = s.nodes();
        out.family("parleyd_heartbeat_unanswered_seconds", "gauge",
                   "How long a thread's heartbeat has waited for its answer (0: answered); 30 s is a stall.");
        for (const NodeHealth &node : nodes) {
            if (!node.self)
                continue;
            for (const ThreadHeartbeat &t : node.threads) {
                const QByteArray thread = t.thread.toLatin1();
                out.sample("parleyd_heartbeat_unanswered_seconds", {{"thread", std::string_view(thread.constData(), size_t(thread.size()))}},
                           double(t.unansweredMs) / 1000.0);
            }
        }
        if (s.cluster) {
            // Counted by state, never by node id: the nodes' names are the operator's, not labels to alert on.
            int running = 0, lost = 0, stopped = 0;
            for (const NodeHealth &node : nodes)
                (node.stoppedAt != 0 ? stopped : node.lost() ? lost : running) += 1;
            out.family("parleyd_cluster_nodes", "gauge",
                       "The nodes on this database by state: running, lost (no heartbeat within the lease), stopped.");
            out.sample("parleyd_cluster_nodes", {{"state", "running"}}, running);
            out.sample("parleyd_cluster_nodes", {{"state", "lost"}}, lost);
            out.sample("parleyd_cluster_nodes", {{"state", "stopped"}}, stopped);
        }
    }
    if (s.cluster) {
        const ClusterLink::Counts c = s.cluster->counts();
        out.gauge("parleyd_cluster_link_up", "1 while this node's link to the other nodes (LISTEN/NOTIFY) is connected.",
                  s.cluster->isConnected() ? 1 : 0);
        out.counter("parleyd_cluster_notifications_sent_total",
                    "Notifications sent to other nodes: doorbells, notices, closes and refills for their devices.",
                    double(c.ringsSent));
        out.counter("parleyd_cluster_doorbells_received_total", "Devices here another node rang for.",
                    double(c.ringsReceived));
        out.counter("parleyd_cluster_catchup_devices_total",
                    "Devices the link's catch-up scan found with new queue entries (after an outage, and every 5 s).",
                    double(c.caughtUp));
        out.counter("parleyd_cluster_link_reconnects_total", "Times the link connected again after losing the database.",
                    double(c.reconnects));
    }
}

QByteArray Monitoring::scrape() const
{
    const Sources &s = d->sources;
    metrics::Exposition out;
    out.family("parleyd_build_info", "gauge", "The running parleyd's version, as a label; always 1.");
    out.sample("parleyd_build_info", {{"version", PARLEY_VERSION_STRING}}, 1);
    const QString notReady = s.notReady ? s.notReady() : QString();
    out.gauge("parleyd_ready", "1 while /readyz answers 200 (the server takes traffic), else 0.", notReady.isEmpty() ? 1 : 0);
    if (s.metrics)
        s.metrics->writeTo(out);
    if (s.router)
        out.gauge("parleyd_devices_online", "Devices logged in now.", double(s.router->onlineDevices()));
    if (s.store) {
        out.gauge("parleyd_store_write_queue", "Writes waiting for the database writer (near 0 while it keeps up).",
                  double(s.store->queuedWrites()));
        out.gauge("parleyd_store_write_queue_limit",
                  "[limits] write_queue: while this many writes wait, a send is answered busy.", s.writeQueueLimit);
        out.gauge("parleyd_store_storage_failing",
                  "1 while the storage under the database fails (disk full, I/O error, read-only): writes are refused.",
                  s.store->storageFailing() ? 1 : 0);
        out.gauge("parleyd_queued_messages",
                  "Messages waiting in device queues, one per message and recipient device (expired ones until the "
                  "next sweep).",
                  double(s.queuedMessages ? s.queuedMessages() : s.store->queuedMessages()));
        // Read when scraped, through this thread's read connection: the pending wake-ups and a sum over the blobs; a
        // figure whose read fails is left out.
        Db &db = s.store->reader();
        if (const Result<qint64> pending = PushStore::pendingCount(db); pending)
            out.gauge("parleyd_push_pending", "Push wake-ups waiting to be sent or retried.", double(*pending));
        if (const Result<BlobUsage> blobs = BlobIndex::total(db); blobs) {
            out.gauge("parleyd_attachment_bytes", "Bytes of attachments stored, unfinished uploads included.",
                      double(blobs->bytes));
            out.gauge("parleyd_attachments", "Attachments stored, unfinished uploads included.", double(blobs->blobs));
        }
    }
    writeHealth(out);
    metrics::writeProcessMetrics(out);
    return out.text();
}

} // namespace parley::server
