#pragma once

#include "admin/adminconfig.h"
#include "core/result.h"
#include "metrics/history.h"
#include "metrics/servermetrics.h"
#include "push/pushconfig.h"
#include "sso/ssoconfig.h"
#include "store/blobindex.h"

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

namespace parley::server {

class DeviceDirectory;
class PushService;
class Router;
class SsoServer;
class Store;
class TurnSettings;

// One thread's answers to the heartbeats the daemon posts to it (status' node_stalled warning).
struct ThreadHeartbeat {
    QString thread;             // "worker-0" ... "worker-N", "database-writer"
    qint64 lastAnswerAt = 0;    // ms; 0 before the first answer
    qint64 unansweredMs = 0;    // how long its heartbeat has waited for an answer; 0 when none waits
};

// A node of the deployment: this process with its threads, and with several parleyd on one PostgreSQL database
// (docs/scale-out.md) each other node as its last heartbeat in the database shows it.
struct NodeHealth {
    QString node;               // the node id with PostgreSQL ([store] node_id), else the host name
    bool self = true;
    int stallAfterMs = 0;       // a heartbeat unanswered this long: the thread is stalled
    QList<ThreadHeartbeat> threads;   // this node's only
    // From the nodes table (PostgreSQL); 0 / empty for a single SQLite node.
    QString version;
    qint64 startedAt = 0;       // ms
    qint64 heartbeatAt = 0;     // ms, the database's clock
    qint64 heartbeatAgeMs = 0;  // how old that heartbeat is
    qint64 devices = -1;        // devices connected at its last heartbeat (-1: unknown)
    qint64 stoppedAt = 0;       // it stopped cleanly then; 0 while it runs
    qint64 leaseMs = 0;         // a heartbeat older than this: the node is gone (its devices count as offline)
    bool lost() const { return stoppedAt == 0 && leaseMs > 0 && heartbeatAgeMs > leaseMs; }
};

// The boot settings the admin plane reads, filled in by the daemon from its configuration.
struct AdminSettings {
    AdminConfig admin;                // [admin]
    QString dataDir;
    QString blobsDirectory;           // the attachments' files ([files] directory, else DATA_DIR/blobs)
    QString certificateFile;          // the device plane's certificate and key (PEM)
    QString privateKeyFile;
    QString logRules;                 // [logging] rules of the boot configuration
    QStringList logCategories;        // every logging category the daemon has
    PushConfig push;                  // [push]
    FileLimits files;                 // [files]: attachments (max_file and user_quota are managed over these)
    int writeQueueLimit = 0;          // [limits] write_queue
    SsoConfig sso;                    // [sso]: what single sign-on falls back to without settings of the admin API
};

// What the admin plane needs from the daemon that runs it. The daemon (server/daemon) implements it, so that
// server/admin depends on the relay, push and store subsystems but never on the daemon's configuration, TLS set-up
// or composition.
class AdminHost {
public:
    struct TlsIdentity {
        QSslConfiguration configuration;
        QSslCertificate certificate;
    };

    virtual ~AdminHost() = default;

    virtual AdminSettings adminSettings() const = 0;
    virtual Store *store() const = 0;
    virtual Router *router() const = 0;
    virtual DeviceDirectory *directory() const = 0;
    virtual PushService *push() const = 0;          // while running
    virtual TurnSettings *turn() const = 0;         // the TURN settings the workers issue credentials from
    virtual QString url() const = 0;                // the device plane's wss://ADDR:PORT/
    virtual QString fingerprint() const = 0;        // SHA-256 of the serving certificate, lowercase hex
    virtual int workerCount() const = 0;
    // Reads the device plane's certificate and key again; returns the new fingerprint.
    virtual Result<QString> reloadTls() = 0;
    // The admin listener's certificate and key: [admin] certificate/private_key when set, else the device plane's.
    virtual Result<TlsIdentity> loadAdminTls() const = 0;
    // The samples of status.history, taken on the main thread every historyIntervalMs() while running.
    virtual const metrics::History &history() const = 0;
    virtual int historyIntervalMs() const = 0;
    // What the daemon counts (push outcomes for status' warnings).
    virtual const ServerMetrics &metrics() const = 0;
    // The nodes and the heartbeats of their threads.
    virtual QList<NodeHealth> nodes() const = 0;
    // The messages waiting in device queues: this store's count, or with several nodes on one PostgreSQL the count
    // over all nodes (at most 10 s old).
    virtual qint64 queuedMessages() const = 0;
    // Single sign-on with these settings from now on (off without an issuer); on failure what ran goes on.
    virtual Status applySso(const SsoConfig &config) = 0;
    // The single sign-on service that runs, or null.
    virtual const SsoServer *sso() const = 0;
};

} // namespace parley::server
