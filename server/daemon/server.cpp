#include "daemon/server.h"

#include "core/epolldispatcher.h"
#include "relay/devicedirectory.h"
#include "relay/roomcache.h"
#include "daemon/logging.h"
#include "daemon/monitoring.h"
#include "push/pushservice.h"
#include "relay/connectiongate.h"
#include "relay/enrollguard.h"
#include "relay/prekeyreserve.h"
#include "relay/ratelimiter.h"
#include "relay/router.h"
#include "relay/tlscontext.h"
#include "relay/turnsettings.h"
#include "store/store.h"
#include "daemon/clustersetup.h"
#include "daemon/heartbeats.h"
#include "daemon/storesetup.h"
#include "daemon/sweeper.h"
#include "daemon/testhooks.h"
#include "store/blobfiles.h"
#include "daemon/tlssetup.h"
#include "relay/worker.h"
#include "sso/ssoserver.h"

#include <QDateTime>
#include <QFile>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qint64 ReplayWindowMs = qint64(30) * 24 * 3600 * 1000;
constexpr int MaintenanceIntervalMs = 3600 * 1000;
constexpr int PruneIntervalMs = 60 * 1000;
constexpr int BarrierTimeoutMs = 10000;
constexpr int CloseGraceMs = 3000;
constexpr int ListenBacklog = 4096;
// status.history: a sample every 10 s, 24 hours of them.
constexpr int HistoryIntervalMs = 10 * 1000;
constexpr int HistoryCapacity = 8640;
// A heartbeat to each worker and the database writer every 5 s; 30 s unanswered is a stall.
constexpr int HeartbeatIntervalMs = 5 * 1000;

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A listening TCP socket with SO_REUSEPORT, so that every worker can hold its own on the same address and port
// and the kernel spreads new connections over them. TCP_NODELAY set on the listener is inherited by accepted
// sockets on Linux.
Result<int> makeListener(const QHostAddress &address, quint16 port)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        family = AF_INET6;
        auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&sin6->sin6_addr, bytes.c, sizeof(bytes.c));
        const QString scope = address.scopeId();
        if (!scope.isEmpty()) {
            bool numeric = false;
            uint index = scope.toUInt(&numeric);
            if (!numeric)
                index = ::if_nametoindex(scope.toLocal8Bit().constData());
            sin6->sin6_scope_id = index;
        }
        length = sizeof(sockaddr_in6);
    } else if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *sin = reinterpret_cast<sockaddr_in *>(&storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    } else {
        return makeError(ErrorCode::InvalidArgument, u"cannot listen on %1"_s.arg(address.toString()));
    }

    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
    if (fd < 0)
        return makeError(ErrorCode::Network, u"cannot create a socket: %1"_s.arg(systemError(errno)));
    const int one = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0
        || ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
        const int e = errno;
        ::close(fd);
        return makeError(ErrorCode::Network, u"cannot set socket options: %1"_s.arg(systemError(e)));
    }
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&storage), length) != 0) {
        const int e = errno;
        ::close(fd);
        return makeError(ErrorCode::Network, u"cannot bind to port %1: %2"_s.arg(port).arg(systemError(e)));
    }
    if (::listen(fd, ListenBacklog) != 0) {
        const int e = errno;
        ::close(fd);
        return makeError(ErrorCode::Network, u"cannot listen: %1"_s.arg(systemError(e)));
    }
    return fd;
}

Result<quint16> boundPort(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return makeError(ErrorCode::Network, u"cannot read the bound port: %1"_s.arg(systemError(errno)));
    if (storage.ss_family == AF_INET6)
        return quint16(ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port));
    return quint16(ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port));
}

} // namespace

struct Server::Private {
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

Server::Server(Config config, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->config = std::move(config);
}

Server::~Server()
{
    if (d->monitoring)
        d->monitoring->stop();
    if (d->running) {
        if (d->sweeper)
            d->sweeper->stop();
        d->stopWorkers();
        if (d->store)
            d->store->close();
    }
}

Result<std::unique_ptr<Store>> Server::openStore(const Config &config, StoreMetrics *metrics)
{
    const Result<StoreOptions> options = StoreSetup::options(config, metrics);
    if (!options)
        return options.error();
    return Store::open(*options);
}

namespace {

// One listening socket per worker: with port 0 the first one picks the port and the others join it. On failure
// none stays open.
Result<std::vector<int>> openListeners(const Config &config, quint16 *port)
{
    std::vector<int> fds;
    *port = config.listenPort;
    const auto fail = [&fds](const Error &e) {
        for (const int open : fds)
            ::close(open);
        return e;
    };
    for (int i = 0; i < config.workers; ++i) {
        auto fd = makeListener(config.listenAddress, *port);
        if (!fd)
            return fail(fd.error());
        fds.push_back(*fd);
        if (i == 0) {
            auto bound = boundPort(*fd);
            if (!bound)
                return fail(bound.error());
            *port = *bound;
        }
    }
    return fds;
}

} // namespace

// The shared services the workers' sessions use; push is started (idle without providers: the admin API can set
// credentials at run time).
Result<Services> Server::startServices()
{
    const Limits &limits = d->config.limits;
    d->router = std::make_unique<Router>();
    d->directory = std::make_unique<DeviceDirectory>(*d->store);
    d->rooms = std::make_unique<RoomCache>(*d->store);
    if (auto settings = d->rooms->settings(); !settings)   // loaded once here, then kept current by the store
        return settings.error();
    d->sendLimiter = std::make_unique<RateLimiter>(limits.sendRate, limits.sendBurst);
    d->botLimiter = std::make_unique<RateLimiter>(1, 1);   // every bot's bucket has the bot's own limits
    d->fetchLimiter = std::make_unique<RateLimiter>(1.0 / limits.fetchRefillSeconds, limits.fetchBurst);
    d->roomLimiter = std::make_unique<RateLimiter>(limits.roomChangeRate, limits.roomChangeBurst);
    d->turnLimiter = std::make_unique<RateLimiter>(limits.turnRate, limits.turnBurst);
    d->prekeyReserve = std::make_unique<PrekeyReserve>(limits.prekeyReserve, limits.reserveWindowSeconds);
    d->enrollGuard = std::make_unique<EnrollGuard>(limits.enrollFailures, limits.enrollLockoutSeconds);
    d->gate = std::make_unique<ConnectionGate>(limits.unauthenticatedPerAddress);
    Router *router = d->router.get();
    d->push = std::make_unique<PushService>(d->config.push, *d->store,
                                            [router](qint64 device) { return bool(router->route(device)); },
                                            &d->metrics.push);
    const bool clustered = d->config.store.driver == StoreDriver::PostgreSql;
    if (clustered)
        d->push->setSending(false);   // until the link makes this node the one that sends
    if (Status s = d->push->start(); !s) {
        d->push.reset();
        return s.error();
    }
    if (clustered) {
        auto link = ClusterSetup::start(d->config, *d->store, *d->router, d->push.get());
        if (!link)
            return link.error();
        d->cluster = std::move(*link);
        qCInfo(lcServer).noquote() << "Cluster node" << d->cluster->nodeId() << "linked to the database";
    }
    auto blobs = BlobFiles::open(d->config.dataDir + u"/blobs"_s);
    if (!blobs)
        return blobs.error();
    d->blobs = std::move(*blobs);
    // Before any connection. A failure leaves the files as they are (until the next start) and costs no service.
    if (auto scan = Sweeper::scanBlobs(*d->store, *d->blobs); !scan)
        qCWarning(lcServer) << "The scan of the attachment files at start failed:" << scan.error().message;
    Services services;
    services.blobs = d->blobs.get();
    services.files = d->config.files;
    services.store = d->store.get();
    services.router = d->router.get();
    services.directory = d->directory.get();
    services.rooms = d->rooms.get();
    services.sendLimiter = d->sendLimiter.get();
    services.botLimiter = d->botLimiter.get();
    services.fetchLimiter = d->fetchLimiter.get();
    services.roomLimiter = d->roomLimiter.get();
    services.turnLimiter = d->turnLimiter.get();
    services.turn = &d->turn;
    services.prekeyReserve = d->prekeyReserve.get();
    services.enrollGuard = d->enrollGuard.get();
    services.gate = d->gate.get();
    services.limits = limits;
    services.push = d->push.get();
    services.metrics = &d->metrics.relay;
    return services;
}

// The single sign-on listener, when [sso] is configured: with the device plane's certificate.
Status Server::startSso(const QSslConfiguration &tls)
{
    if (!d->config.sso.enabled())
        return {};
    d->sso = makeSso(d->config.sso);
    if (Status s = d->sso->start(tls); !s) {
        d->sso.reset();
        return s;
    }
    return {};
}

std::unique_ptr<SsoServer> Server::makeSso(const SsoConfig &config)
{
    SsoHost host;
    host.store = d->store.get();
    host.deviceServer = [this] { return enrollServer(); };
    host.fingerprint = [this] { return d->fingerprint; };
    return std::make_unique<SsoServer>(config, host);
}

// A new single sign-on service in place of the one running: started first when it listens elsewhere, so that one that
// cannot start leaves the old one as it was; when it takes the same address, the old one stops to free it and starts
// again if the new one fails.
Status Server::applySso(const SsoConfig &config)
{
    if (!d->running || d->stopping)
        return makeError(ErrorCode::Unavailable, u"the server is not running"_s);
    std::unique_ptr<SsoServer> &current = d->sso;
    if (!config.enabled()) {
        if (current)
            current->stop();
        current.reset();
        qCInfo(lcServer) << "Single sign-on is off";
        return {};
    }
    std::unique_ptr<SsoServer> next = makeSso(config);
    const bool sameAddress = current && current->config().listenAddress == config.listenAddress
        && current->config().listenPort == config.listenPort;
    if (sameAddress)
        current->stop();
    if (Status s = next->start(d->tlsConfiguration); !s) {
        if (sameAddress) {
            if (Status again = current->start(d->tlsConfiguration); !again)
                qCWarning(lcServer).noquote() << "Single sign-on could not start again as it was:" << again.error().message;
        }
        return s;
    }
    if (current)
        current->stop();
    current = std::move(next);
    return {};
}

const SsoServer *Server::sso() const
{
    return d->sso.get();
}

// One worker thread per listening socket, each started before this returns.
Status Server::startWorkers(const std::vector<int> &fds, const std::shared_ptr<TlsContext> &tls, const Services &services)
{
    for (size_t i = 0; i < fds.size(); ++i) {
        auto *thread = new QThread;
        thread->setObjectName(u"parleyd-worker-%1"_s.arg(i));
        // The workers hold the connections: their loops run on epoll (see core/epolldispatcher.h).
        if (QAbstractEventDispatcher *dispatcher = core::createEventDispatcher())
            thread->setEventDispatcher(dispatcher);
        auto *worker = new Worker(int(i), fds[i], tls, services);
        worker->moveToThread(thread);
        d->workers.push_back(Private::Slot{thread, worker});
        connect(worker, &Worker::allClosed, this, [this] {
            if (--d->workersOpen == 0)
                finishShutdown();
        });
    }
    Status failure;
    for (Private::Slot &slot : d->workers) {
        slot.thread->start();
        Status started;
        Worker *w = slot.worker;
        QMetaObject::invokeMethod(w, [w, &started] { started = w->start(); }, Qt::BlockingQueuedConnection);
        if (!started && failure)
            failure = started;
    }
    return failure;
}

// Maintenance, rate-limiter pruning, the sweeper and the samples of status.history.
void Server::startTimers()
{
    d->historyIntervalMs = testhooks::historyIntervalMs(HistoryIntervalMs);
    d->history.start(d->reading());
    connect(&d->historyTimer, &QTimer::timeout, this, [this] { d->history.record(d->reading()); });
    d->historyTimer.start(d->historyIntervalMs);
    connect(&d->maintenance, &QTimer::timeout, this, &Server::runMaintenance);
    d->maintenance.start(MaintenanceIntervalMs);
    connect(&d->prune, &QTimer::timeout, this, [this] {
        const qint64 now = monotonicMs();
        d->sendLimiter->prune(now);
        d->botLimiter->prune(now);
        d->fetchLimiter->prune(now);
        d->roomLimiter->prune(now);
        d->turnLimiter->prune(now);
        d->prekeyReserve->prune(now);
        d->enrollGuard->prune(now);
    });
    d->prune.start(PruneIntervalMs);
    d->sweeper = std::make_unique<Sweeper>(*d->store, d->config.limits.sweepSeconds * 1000, d->blobs.get(), d->config.files);
    d->sweeper->start();
}

Status Server::start()
{
    if (d->running || d->finished)
        return makeError(ErrorCode::InvalidArgument, u"the server was already started"_s);
    const Config &config = d->config;
    if (config.workers < 1)
        return makeError(ErrorCode::InvalidArgument, u"at least one worker is needed"_s);

    if (Status s = config.prepareDataDir(); !s)
        return s;
    auto tls = TlsSetup::load(config);
    if (!tls)
        return tls.error();
    auto context = TlsSetup::relayContext(config, tls->configuration);
    if (!context)
        return context.error();
    d->tls = *context;
    d->tlsConfiguration = tls->configuration;
    d->fingerprint = tls->fingerprint;

    auto store = openStore(config, &d->metrics.store);
    if (!store)
        return makeError(store.error().code, u"cannot open %1: %2"_s.arg(config.databaseDescription(), store.error().message));
    d->store = std::move(*store);
    qCInfo(lcServer).noquote() << u"Database: %1"_s.arg(config.store.driver == StoreDriver::PostgreSql
                                                             ? u"PostgreSQL "_s + config.store.postgres.describe()
                                                             : u"SQLite "_s + config.databaseFile());

    Result<Services> services = startServices();
    if (!services) {
        d->store->close();
        return services.error();
    }
    if (Status s = startSso(tls->configuration); !s) {
        d->store->close();
        return s;
    }
    d->heartbeats = std::make_unique<Heartbeats>(testhooks::heartbeatIntervalMs(HeartbeatIntervalMs));
    // Up before the device listeners, /readyz saying "starting" until they are.
    if (Status s = startMonitoring(); !s) {
        d->store->close();
        return s;
    }
    auto fds = openListeners(config, &d->port);
    if (!fds) {
        d->monitoring.reset();
        d->store->close();
        return fds.error();
    }
    if (Status s = startWorkers(*fds, d->tls, *services); !s) {
        d->monitoring.reset();
        d->stopWorkers();
        d->store->close();
        return s;
    }
    startTimers();
    startHeartbeats();

    d->running = true;
    d->phase = Private::Phase::Running;
    qCInfo(lcServer) << "Listening with" << config.workers << "workers on port" << d->port;
    return {};
}

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

Result<QString> Server::reloadTls()
{
    if (!d->running || d->stopping)
        return makeError(ErrorCode::Unavailable, u"the server is not running"_s);
    auto tls = TlsSetup::load(d->config);
    if (!tls)
        return tls.error();
    auto context = TlsSetup::relayContext(d->config, tls->configuration, d->tls);
    if (!context)
        return context.error();
    d->tls = *context;
    for (Private::Slot &slot : d->workers) {
        Worker *w = slot.worker;
        std::shared_ptr<TlsContext> shared = d->tls;
        QMetaObject::invokeMethod(w, [w, shared] { w->setTlsContext(shared); }, Qt::BlockingQueuedConnection);
    }
    d->tlsConfiguration = tls->configuration;
    if (d->sso)
        d->sso->setTls(tls->configuration);
    d->fingerprint = tls->fingerprint;
    qCInfo(lcServer) << "Reloaded the serving certificate";
    return tls->fingerprint;
}

void Server::shutdown()
{
    if (!d->running || d->stopping)
        return;
    d->stopping = true;
    d->phase = Private::Phase::Draining;
    qCInfo(lcServer) << "Shutting down";
    d->maintenance.stop();
    d->prune.stop();
    d->historyTimer.stop();
    d->heartbeatTimer.stop();
    if (d->sweeper)
        d->sweeper->stop();
    if (d->sso)
        d->sso->stop();
    for (Private::Slot &slot : d->workers) {
        Worker *w = slot.worker;
        QMetaObject::invokeMethod(w, [w] {
            w->stopAccepting();
            w->drain();
        }, Qt::QueuedConnection);
    }
    // A barrier: this no-op completes after every write queued before it, and its completion reaches this thread
    // after the router forwarded every earlier commit, so `accepted` replies are on their way before sessions close.
    d->store->write<bool>(this, [](Db &) -> Result<bool> { return true; }, [this](Result<bool>) { closeSessions(); });
    d->shutdownTimer.setSingleShot(true);
    connect(&d->shutdownTimer, &QTimer::timeout, this, [this] {
        if (!d->closingSessions)
            closeSessions();
        else
            finishShutdown();
    });
    d->shutdownTimer.start(BarrierTimeoutMs);
}

void Server::closeSessions()
{
    if (d->closingSessions || d->finished)
        return;
    d->closingSessions = true;
    d->shutdownTimer.start(CloseGraceMs * 2);
    d->workersOpen = int(d->workers.size());
    for (Private::Slot &slot : d->workers) {
        Worker *w = slot.worker;
        QMetaObject::invokeMethod(w, [w] { w->closeAll(CloseGraceMs); }, Qt::QueuedConnection);
    }
}

void Server::finishShutdown()
{
    if (d->finished || !d->stopping)
        return;
    d->finished = true;
    d->shutdownTimer.stop();
    if (d->push)
        d->push->stop();
    // Its scrapes read the store.
    if (d->monitoring)
        d->monitoring->stop();
    d->phase = Private::Phase::Stopped;
    // Writes still queued (acks, last logins) are committed while the workers can still take their results.
    d->store->close();
    d->stopWorkers();
    d->cluster.reset();   // the node's row marked stopped, its devices no longer present
    d->running = false;
    qCInfo(lcServer) << "Stopped";
    Q_EMIT stopped();
}

void Server::runMaintenance()
{
    if (!d->running || d->stopping)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 cutoff = now - ReplayWindowMs;
    d->store->write<int>(this, [cutoff](Db &db) { return db.purgeSeenBefore(cutoff); }, [](Result<int> r) {
        if (r)
            qCDebug(lcServer) << "Forgot" << *r << "replay records";
        else
            qCWarning(lcServer) << "Purging replay records failed:" << r.error().message;
    });
    // Expired messages are never delivered (the queue reads filter them); this also takes them off the disk.
    d->store->write<int>(this, [now](Db &db) { return db.purgeExpired(now); }, [](Result<int> r) {
        if (r)
            qCDebug(lcServer) << "Removed" << *r << "expired messages";
        else
            qCWarning(lcServer) << "Purging expired messages failed:" << r.error().message;
    });
    d->store->write<int>(this, [now](Db &db) { return db.purgeEnrollCodes(now); }, [](Result<int> r) {
        if (!r)
            qCWarning(lcServer) << "Purging enrollment codes failed:" << r.error().message;
    });
    d->store->write<int>(this, [now](Db &db) { return db.purgeResumeCredentials(now); }, [](Result<int> r) {
        if (!r)
            qCWarning(lcServer) << "Purging expired resumption credentials failed:" << r.error().message;
    });
}

bool Server::isRunning() const
{
    return d->running;
}

AdminSettings Server::adminSettings() const
{
    const Config &config = d->config;
    AdminSettings settings;
    settings.admin = config.admin;
    settings.dataDir = config.dataDir;
    settings.files = config.files;
    settings.writeQueueLimit = config.limits.writeQueue;
    settings.certificateFile = config.certificateFile();
    settings.privateKeyFile = config.privateKeyFile();
    settings.logRules = config.logRules;
    settings.logCategories = logCategories();
    settings.push = config.push;
    settings.sso = config.sso;
    return settings;
}

Result<AdminHost::TlsIdentity> Server::loadAdminTls() const
{
    Config tlsConfig = d->config;
    if (!d->config.admin.certificatePath.isEmpty()) {
        tlsConfig.certificatePath = d->config.admin.certificatePath;
        tlsConfig.privateKeyPath = d->config.admin.privateKeyPath;
    }
    auto loaded = TlsSetup::load(tlsConfig);
    if (!loaded)
        return loaded.error();
    return TlsIdentity{loaded->configuration, loaded->certificate};
}

QStringList Server::logCategories()
{
    // One per subsystem: server/daemon, server/relay, server/store, server/cluster, server/push, server/admin,
    // server/directory, server/sso, and libparley's.
    return {u"parley.server"_s, u"parley.relay"_s, u"parley.store"_s, u"parley.cluster"_s, u"parley.push"_s,
            u"parley.admin"_s, u"parley.directory"_s, u"parley.sso"_s, u"parley.crypto"_s};
}

const Config &Server::config() const
{
    return d->config;
}

quint16 Server::port() const
{
    return d->port;
}

QString Server::url() const
{
    return d->config.listenUrl(d->port);
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
    case Private::Phase::Idle:
        return u"starting"_s;
    case Private::Phase::Draining:
        return u"draining: the server is shutting down"_s;
    case Private::Phase::Stopped:
        return u"stopped"_s;
    case Private::Phase::Running:
        break;
    }
    if (d->store->storageFailing())
        return u"storage failing: writes are refused until the database takes them again (see the log)"_s;
    const std::size_t queued = d->store->queuedWrites();
    if (queued >= std::size_t(d->config.limits.writeQueue))
        return u"write queue full: %1 writes wait for the database; sends are answered busy"_s.arg(queued);
    return {};
}

const ServerMetrics &Server::metrics() const
{
    return d->metrics;
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

QString Server::fingerprint() const
{
    return d->fingerprint;
}

QString Server::ssoUrl() const
{
    return d->sso ? d->sso->url() : QString();
}

QString Server::enrollServer() const
{
    if (!d->config.admin.enrollServer.isEmpty())
        return d->config.admin.enrollServer;
    const QUrl device(url());
    return device.host(QUrl::FullyEncoded).contains(u':') ? u"[%1]:%2"_s.arg(device.host()).arg(device.port())
                                                          : u"%1:%2"_s.arg(device.host()).arg(device.port());
}

int Server::workerCount() const
{
    return int(d->workers.size());
}

Store *Server::store() const
{
    return d->store.get();
}

Router *Server::router() const
{
    return d->router.get();
}

DeviceDirectory *Server::directory() const
{
    return d->directory.get();
}

TurnSettings *Server::turn() const
{
    return &d->turn;
}

PushService *Server::push() const
{
    return d->push.get();
}

} // namespace parley::server
