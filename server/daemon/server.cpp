#include "daemon/server.h"
#include "daemon/serverstate.h"

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
#include "store/sharedlimits.h"
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

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
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

Server::Server(Config config, QObject *parent) : QObject(parent), d(std::make_unique<ServerState>())
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
    auto blobs = BlobFiles::open(d->config.blobsDirectory());
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
    services.sharedLimits = clustered;
    services.push = d->push.get();
    services.metrics = &d->metrics.relay;
    return services;
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
        d->workers.push_back(ServerState::Slot{thread, worker});
        connect(worker, &Worker::allClosed, this, [this] {
            if (--d->workersOpen == 0)
                finishShutdown();
        });
    }
    Status failure;
    for (ServerState::Slot &slot : d->workers) {
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
        // The limits every node keeps in the database: any node may prune them.
        const EnrollGuard *guard = d->enrollGuard.get();
        const qint64 windowMs = d->prekeyReserve->windowMs();
        d->store->write<int>(this, [guard, windowMs](Db &db) -> Result<int> {
            const qint64 wall = QDateTime::currentMSecsSinceEpoch();
            const Result<int> lockouts = guard->prune(db, wall);
            if (!lockouts)
                return lockouts.error();
            const Result<int> shared = SharedLimits::prune(db, windowMs, wall);
            if (!shared)
                return shared.error();
            return *lockouts + *shared;
        }, [](Result<int> pruned) {
            if (!pruned)
                qCDebug(lcServer) << "Pruning the limits kept in the database failed:" << pruned.error().message;
        });
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
    d->phase = ServerState::Phase::Running;
    qCInfo(lcServer) << "Listening with" << config.workers << "workers on port" << d->port;
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
    for (ServerState::Slot &slot : d->workers) {
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
    d->phase = ServerState::Phase::Draining;
    qCInfo(lcServer) << "Shutting down";
    d->maintenance.stop();
    d->prune.stop();
    d->historyTimer.stop();
    d->heartbeatTimer.stop();
    if (d->sweeper)
        d->sweeper->stop();
    if (d->sso)
        d->sso->stop();
    for (ServerState::Slot &slot : d->workers) {
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
    for (ServerState::Slot &slot : d->workers) {
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
    d->phase = ServerState::Phase::Stopped;
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
    settings.blobsDirectory = config.blobsDirectory();
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

const ServerMetrics &Server::metrics() const
{
    return d->metrics;
}

QString Server::fingerprint() const
{
    return d->fingerprint;
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
