#pragma once

// What Server keeps (its ServerState), shared by the files that implement it: server.cpp (start-up, shutdown,
// workers, timers), serverhealth.cpp (heartbeats, the monitoring listener, readiness, the history, the nodes) and
// serversso.cpp (the single sign-on listener). Internal to server/daemon.

#include "daemon/config.h"

#include "cluster/clusterlink.h"
#include "core/epolldispatcher.h"
#include "daemon/heartbeats.h"
#include "daemon/monitoring.h"
#include "daemon/sweeper.h"
#include "metrics/history.h"
#include "push/pushservice.h"
#include "relay/connectiongate.h"
#include "relay/devicedirectory.h"
#include "relay/enrollguard.h"
#include "relay/prekeyreserve.h"
#include "relay/ratelimiter.h"
#include "relay/roomcache.h"
#include "relay/router.h"
#include "relay/tlscontext.h"
#include "relay/turnsettings.h"
#include "relay/worker.h"
#include "sso/ssoserver.h"
#include "store/blobfiles.h"
#include "store/store.h"

#include <QDateTime>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace parley::server {

// status.history: a sample every 10 s, 24 hours of them.
inline constexpr int HistoryIntervalMs = 10 * 1000;
inline constexpr int HistoryCapacity = 8640;
// A heartbeat to each worker and the database writer every 5 s; 30 s unanswered is a stall.
inline constexpr int HeartbeatIntervalMs = 5 * 1000;

inline qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct ServerState {
    struct Slot {
        QThread *thread = nullptr;
        Worker *worker = nullptr;
    };
    enum class Phase { Idle, Running, Draining, Stopped };

    ServerMetrics metrics;                // first: outlives everything that counts into it
    Config config;
    std::unique_ptr<Store> store;
    std::unique_ptr<Router> router;
    std::unique_ptr<DeviceDirectory> directory;
    std::unique_ptr<RoomCache> rooms;
    std::unique_ptr<RateLimiter> sendLimiter;
    std::unique_ptr<RateLimiter> botLimiter;
    std::unique_ptr<RateLimiter> fetchLimiter;
    std::unique_ptr<RateLimiter> roomLimiter;
    std::unique_ptr<RateLimiter> turnLimiter;
    TurnSettings turn;                    // set by the admin plane, read by the workers
    std::unique_ptr<PrekeyReserve> prekeyReserve;
    std::unique_ptr<EnrollGuard> enrollGuard;
    std::unique_ptr<ConnectionGate> gate;     // outlives the workers (their sockets and sessions hold admissions)
    std::unique_ptr<PushService> push;
    std::unique_ptr<ClusterLink> cluster;     // PostgreSQL: the link to the other nodes (docs/scale-out.md)
    std::unique_ptr<BlobFiles> blobs;         // outlives the sweeper, which deletes files through it
    std::unique_ptr<Sweeper> sweeper;
    std::unique_ptr<SsoServer> sso;           // while [sso] is configured
    std::vector<Slot> workers;
    std::shared_ptr<TlsContext> tls;      // the one TLS context of the device listener (all workers)
    QSslConfiguration tlsConfiguration;   // what it was made from (the single sign-on listener's, too)
    std::unique_ptr<Monitoring> monitoring;   // [metrics] listen; stopped before the store closes
    std::atomic<Phase> phase{Phase::Idle};    // read by the monitoring thread
    quint16 port = 0;
    QString fingerprint;
    QTimer maintenance;
    QTimer prune;
    QTimer shutdownTimer;
    metrics::History history{HistoryCapacity};
    QTimer historyTimer;
    int historyIntervalMs = HistoryIntervalMs;
    std::unique_ptr<Heartbeats> heartbeats;   // made before the monitoring listener, which reads it
    QTimer heartbeatTimer;
    bool running = false;
    bool stopping = false;
    bool closingSessions = false;
    bool finished = false;
    int workersOpen = 0;

    // The figures status.history samples: counters and gauges kept as things happen, nothing counted here.
    metrics::HistoryReading reading() const
    {
        metrics::HistoryReading r;
        r.at = QDateTime::currentMSecsSinceEpoch();
        r.monotonicMs = monotonicMs();
        r.connectedDevices = qint64(router->onlineDevices());
        r.messagesAccepted = metrics.relay.messagesAccepted.value();
        r.messagesDelivered = metrics.relay.messagesDelivered.value();
        r.queuedMessages = queued();
        r.writeQueue = qint64(store->queuedWrites());
        r.commits = metrics.store.commitDuration.snapshot();
        return r;
    }

    qint64 queued() const
    {
        const qint64 all = cluster ? cluster->queuedMessages() : -1;
        return all >= 0 ? all : store->queuedMessages();
    }

    // Stops and destroys the workers (their sessions and servers go on their own threads).
    void stopWorkers()
    {
        for (Slot &slot : workers) {
            if (slot.thread->isRunning()) {
                Worker *w = slot.worker;
                QMetaObject::invokeMethod(w, [w] { w->teardown(); }, Qt::BlockingQueuedConnection);
                slot.thread->quit();
                slot.thread->wait();
            }
        }
        // No session is left to post blob I/O; the job in progress finishes before the workers it replies to go.
        if (blobs)
            blobs->stop();
        if (router)
            router->stop();
        for (Slot &slot : workers) {
            delete slot.worker;
            delete slot.thread;
        }
        workers.clear();
    }
};

} // namespace parley::server
