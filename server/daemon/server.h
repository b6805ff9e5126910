#pragma once

#include "admin/adminhost.h"
#include "daemon/config.h"
#include "core/result.h"
#include "metrics/servermetrics.h"
#include "relay/services.h"

#include <QObject>

#include <memory>
#include <vector>

namespace parley::server {

class DeviceDirectory;
class PushService;
class Router;
class SsoServer;
class Store;
struct ServerState;
class TlsContext;
class Worker;

// The daemon: data directory, TLS, store, the shared services and N workers, each with its own event loop and
// its own SO_REUSEPORT listening socket on the configured address. Lives in the main thread.
class Server : public QObject, public AdminHost {
    Q_OBJECT
public:
    explicit Server(Config config, QObject *parent = nullptr);
    ~Server() override;

    // Prepares everything and starts accepting. On failure nothing keeps running.
    Status start();
    // Clean shutdown: stop accepting, refuse new frames, let committed results reach their clients, close every
    // session with 1001, let the store finish its queued writes. Emits stopped() when done. Idempotent.
    void shutdown();
    bool isRunning() const;

    const Config &config() const;
    quint16 port() const;             // the bound port (useful with port 0)
    QString url() const override;     // wss://ADDR:PORT/
    // http://ADDR:PORT/ of the monitoring listener ([metrics] listen), or empty when it is off.
    QString metricsUrl() const;
    // Any thread: why the server should not be sent traffic now (starting, draining, storage failing, the writer's
    // queue full), in one line; empty when it is ready. What /readyz answers.
    QString notReadyReason() const;
    // What the server counts (docs/operations.md); lives as long as the server.
    const ServerMetrics &metrics() const override;
    // status.history's samples (one every historyIntervalMs(), the last 24 hours; kept in memory only).
    const metrics::History &history() const override;
    int historyIntervalMs() const override;
    // This node, with the heartbeats of its workers and its database writer. Any thread.
    QList<NodeHealth> nodes() const override;
    qint64 queuedMessages() const override;
    QString fingerprint() const override;   // SHA-256 of the serving certificate, lowercase hex
    // The single sign-on listener, https://ADDR:PORT/ (empty unless [sso] is configured).
    QString ssoUrl() const;
    // Single sign-on: replaces the running service with one of these settings, off when they have no issuer. On
    // failure (a listen address that cannot be bound, a secret or CA file that cannot be read) what ran goes on.
    Status applySso(const SsoConfig &config) override;
    const SsoServer *sso() const override;
    // HOST:PORT devices connect to, as enrollment links and the single sign-on page name it.
    QString enrollServer() const;
    int workerCount() const override;
    Store *store() const override;
    Router *router() const override;
    DeviceDirectory *directory() const override;
    TurnSettings *turn() const override;
    PushService *push() const override;     // while running (idle when no push provider is configured)

    // AdminHost: what the admin plane reads of the configuration, and its listener's certificate.
    AdminSettings adminSettings() const override;
    Result<TlsIdentity> loadAdminTls() const override;
    // Every logging category of the daemon and libparley (the admin API's log levels list them).
    static QStringList logCategories();

    // Opens the store of a configuration (also for the command-line subcommands), counting its commits in `metrics`.
    static Result<std::unique_ptr<Store>> openStore(const Config &config, StoreMetrics *metrics = nullptr);

    // Reads the certificate and key again and hands a new TLS context to every worker: new connections use it,
    // established ones keep theirs. Session tickets stay valid. Returns the new fingerprint.
    Result<QString> reloadTls() override;

    // The hourly housekeeping: forgets replay records older than 30 days, removes expired messages and spent
    // enrollment codes.
    void runMaintenance();

Q_SIGNALS:
    void stopped();

private:
    Result<Services> startServices();
    Status startSso(const QSslConfiguration &tls);
    std::unique_ptr<SsoServer> makeSso(const SsoConfig &config);
    Status startWorkers(const std::vector<int> &fds, const std::shared_ptr<TlsContext> &tls, const Services &services);
    Status startMonitoring();
    void startTimers();
    void startHeartbeats();
    void closeSessions();
    void finishShutdown();

    const std::unique_ptr<ServerState> d;   // daemon/serverstate.h
};

} // namespace parley::server
