#pragma once

#include "admin/adminhost.h"
#include "core/result.h"
#include "metrics/servermetrics.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <functional>
#include <memory>

namespace parley::server {

class ClusterLink;
class Router;
class Store;

// The monitoring listener ([metrics] listen; docs/operations.md "Monitoring"): plain HTTP on a thread of its own, so
// that a scrape (a few reads of the database, /proc) never holds up the router and the push service of the main
// thread.
//
//   /metrics   the Prometheus text exposition: the counters of ServerMetrics, what is read when scraped (devices
//              online, queued messages, pending wake-ups, attachment bytes, the writer's queue, whether the storage
//              fails, readiness, the certificates' expiry, the data directory's free space, unanswered heartbeats)
//              and the process_* metrics
//   /healthz   200 "ok" while the process answers
//   /readyz    200 "ready", or 503 with the one-line reason the server is not ready (notReady)
class Monitoring {
public:
    struct Sources {
        const ServerMetrics *metrics = nullptr;
        Store *store = nullptr;
        Router *router = nullptr;
        int writeQueueLimit = 0;
        QString certificateFile;          // the device listener's
        QString adminCertificateFile;     // the admin listener's own ([admin] certificate); empty: none
        QString dataDir;
        // Any thread: this node's threads and their heartbeats (and the other nodes on one PostgreSQL database).
        std::function<QList<NodeHealth>()> nodes;
        const ClusterLink *cluster = nullptr;   // PostgreSQL: the link to the other nodes
        std::function<qint64()> queuedMessages;   // over all nodes with several; empty: the store's count
        // Any thread: why the server should not be sent traffic now, or empty when it is ready.
        std::function<QString()> notReady;
    };

    explicit Monitoring(Sources sources);
    ~Monitoring();

    // Starts the thread and listens; on failure nothing keeps running.
    Status start(const QHostAddress &address, quint16 port);
    // Closes the listener and ends the thread. Idempotent.
    void stop();
    quint16 port() const;

    // The text of /metrics. On the monitoring thread (it reads through that thread's read connection).
    QByteArray scrape() const;

private:
    void writeHealth(metrics::Exposition &out) const;

    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
