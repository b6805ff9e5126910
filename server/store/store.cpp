// The store: one writer thread applying group commits, and per-thread read connections.

#include "store/store.h"
#include "store/adminstore.h"
#include "store/sql.h"
#include "store/storelog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThreadStorage>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::server {


namespace {

// The group-commit wait (StoreOptions::commitDelayUs) applies while writes come in a stream (the last commit ended
// less than StreamGaps waits ago) and ends early once GatherBatch writes are waiting.
constexpr int StreamGaps = 5;
constexpr std::size_t GatherBatch = 64;

std::atomic<quint64> g_nextStoreSerial{1};
std::atomic<quint64> g_nextReaderSerial{1};

// What a store shares with the read connections of every thread: whether it is closed, and one object per reader
// thread through which close() asks that thread to drop its connection.
struct ReaderShared {
    std::mutex mutex;
    bool closed = false;
    std::vector<QObject *> anchors;
};

struct ReaderEntry {
    std::shared_ptr<ReaderShared> shared;
    std::unique_ptr<Db> db;
    QObject *anchor = nullptr;        // lives in the reader's thread; owned here
    bool deferAnchorDeletion = false; // set when the anchor itself is delivering the event that drops this entry

    ReaderEntry() = default;
    ReaderEntry(const ReaderEntry &) = delete;
    ReaderEntry &operator=(const ReaderEntry &) = delete;
    ~ReaderEntry()
    {
        if (anchor) {
            std::lock_guard lock(shared->mutex);
            auto &anchors = shared->anchors;
            anchors.erase(std::remove(anchors.begin(), anchors.end(), anchor), anchors.end());
        }
        db.reset();   // finalises the statements and removes the connection, in this (its own) thread
        if (anchor) {
            if (deferAnchorDeletion)
                anchor->deleteLater();
            else
                delete anchor;
        }
    }

    bool storeClosed() const
    {
        std::lock_guard lock(shared->mutex);
        return shared->closed;
    }
};

// The read connections of one thread, keyed by store serial (never reused, unlike addresses).
struct ReaderRegistry {
    std::map<quint64, std::unique_ptr<ReaderEntry>> entries;
    std::unique_ptr<Db> unavailable;   // handed out once a store is closed: every call fails with Unavailable

    void sweep(bool fromAnchor)
    {
        for (auto it = entries.begin(); it != entries.end();) {
            if (it->second->storeClosed()) {
                it->second->deferAnchorDeletion = fromAnchor;
                it = entries.erase(it);
            } else {
                ++it;
            }
        }
    }

    Db &unavailableDb()
    {
        if (!unavailable)
            unavailable = std::make_unique<Db>(QString());
        return *unavailable;
    }
};

// Deleted by Qt when each thread finishes (for the main thread: when the application object goes), in that thread.
Q_GLOBAL_STATIC(QThreadStorage<ReaderRegistry *>, g_readers)

void sweepThisThread(bool fromAnchor)
{
    QThreadStorage<ReaderRegistry *> *storage = g_readers();
    if (storage && storage->hasLocalData())
        storage->localData()->sweep(fromAnchor);
}

Status ensureDatabaseFile(const QString &path)
{
    constexpr QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    const QFileInfo info(path);
    if (info.exists()) {
        if (!info.isFile())
            return makeError(ErrorCode::Io, u"%1 is not a regular file"_s.arg(path));
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                              | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
        if (info.permissions() & others) {
            qCWarning(lcStore) << "tightening the permissions of the database file to 0600";
            if (!QFile::setPermissions(path, ownerOnly))
                return makeError(ErrorCode::Io, u"cannot set the permissions of %1"_s.arg(path));
        }
        return {};
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly))
        return makeError(ErrorCode::Io, u"cannot create %1: %2"_s.arg(path, file.errorString()));
    if (!file.setPermissions(ownerOnly))
        return makeError(ErrorCode::Io, u"cannot set the permissions of %1"_s.arg(path));
    file.close();
    return {};
}

} // namespace

struct Store::Private {
    StoreOptions options;
    ConnectionSpec spec;                // how the writer's connection opens; readers add readOnly
    quint64 serial = 0;

    std::mutex mutex;                   // guards jobs, pings, accepting, stopping
    std::condition_variable wake;
    std::deque<Job> jobs;
    std::vector<std::function<void()>> pings;   // answered by the writer between group commits
    bool accepting = true;
    bool stopping = false;

    std::mutex closeMutex;              // serialises close() callers around joining the writer
    std::thread writer;
    std::atomic<std::thread::id> writerId{};

    std::shared_ptr<ReaderShared> readers = std::make_shared<ReaderShared>();

    std::mutex listenerMutex;           // guards listeners; held while they are called
    std::map<int, ChangeListener> listeners;
    int nextListener = 1;

    // Group commits failed by the storage under the database since the last one that succeeded (writer thread), and
    // whether there are any (any thread).
    int storageFailures = 0;
    bool storageStandby = false;  // the failure logged said the server is a read-only standby
    std::atomic<bool> storageFailing{false};
    // Whether the last group commit failed, for whatever reason (any thread).
    std::atomic<bool> lastCommitFailed{false};
    // Queue entries in the database (any thread): counted once when the writer starts, then moved by what each
    // commit added and removed, and counted again after another process wrote.
    std::atomic<qint64> queuedMessages{0};

    void run(std::promise<Status> opened);
    void runBatch(Db &db, std::vector<Job> &batch);
    void failBatch(std::vector<Job> &batch, const QString &what, const QString &message);
    StoreChanges takeChanges(Db &db);
    void publish(const StoreChanges &changes);
    void countQueued(Db &db);
};

void Store::Private::run(std::promise<Status> opened)
{
    writerId = std::this_thread::get_id();
    const QString name = u"parley-store-%1-writer"_s.arg(serial);
    Result<std::unique_ptr<Db>> connection = Db::openConnection(spec, name);
    if (!connection) {
        writerId = std::thread::id();
        opened.set_value(connection.error());
        return;
    }
    std::unique_ptr<Db> db = std::move(*connection);
    Status migrated = db->migrate();
    if (migrated)
        migrated = db->installChangeLog();
    if (migrated) {
        const Result<qint64> queued = AdminStore(*db).queuedTotal();
        if (queued)
            queuedMessages = *queued;
        else
            migrated = queued.error();
    }
    if (!migrated) {
        db.reset();
        writerId = std::thread::id();
        opened.set_value(migrated);
        return;
    }
    opened.set_value(Status());

    const std::size_t maxBatch = std::size_t(std::clamp(options.maxBatch, 1, dialect::groupLimit(spec.driver)));
    std::vector<Job> batch;
    batch.reserve(std::min<std::size_t>(maxBatch, 4096));
    const auto delay = std::chrono::microseconds(options.commitDelayUs);
    auto lastCommit = std::chrono::steady_clock::time_point();
    for (;;) {
        std::vector<std::function<void()>> answer;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return !jobs.empty() || !pings.empty() || stopping; });
            answer.swap(pings);
            if (jobs.empty() && stopping)
                break;   // every accepted job is done
            if (jobs.empty()) {
                lock.unlock();
                for (const auto &pong : answer)
                    pong();
                continue;
            }
            // Under a steady stream of small writes (the last commit was moments ago) a short wait gathers more of
            // them into this commit: each commit costs about the same (its pages written and synced) however many
            // writes it carries. An idle server commits at once; a busy one fills its batches without waiting.
            if (delay.count() > 0 && jobs.size() < GatherBatch && !stopping
                && std::chrono::steady_clock::now() - lastCommit < StreamGaps * delay) {
                wake.wait_for(lock, delay, [this] { return jobs.size() >= GatherBatch || stopping; });
            }
            const std::size_t n = std::min(maxBatch, jobs.size());
            std::move(jobs.begin(), jobs.begin() + std::ptrdiff_t(n), std::back_inserter(batch));
            jobs.erase(jobs.begin(), jobs.begin() + std::ptrdiff_t(n));
        }
        // The loop turns: a writer stuck in a commit (a hung fsync) answers no ping until the commit returns.
        for (const auto &pong : answer)
            pong();
        runBatch(*db, batch);
        batch.clear();
        lastCommit = std::chrono::steady_clock::now();
    }
    db.reset();
    writerId = std::thread::id();   // thread ids get reused; no later thread may pass for the writer
}

void Store::Private::runBatch(Db &db, std::vector<Job> &batch)
{
    const auto started = std::chrono::steady_clock::now();
    // While the storage fails: what this batch changes, to tell a commit that stored something from one that had
    // nothing to write (and so synced nothing).
    const qint64 changesBefore = storageFailures > 0 ? db.writeMarker() : 0;
    sql::takeStorageFailure();   // only this batch's statements count
    if (Status begun = db.beginBatch(); !begun) {
        failBatch(batch, u"cannot start a write transaction"_s, begun.error().message);
        return;
    }
    for (Job &job : batch) {
        job(&db, nullptr, false);
        if (db.transactionBroken())
            break;   // the transaction is in an unknown state: none of the group may count as done
    }
    const StoreChanges changes = db.transactionBroken() ? StoreChanges() : takeChanges(db);
    const qint64 changesAfter = storageFailures > 0 && !db.transactionBroken() ? db.writeMarker() : 0;
    Status committed = db.transactionBroken()
                           ? Status(makeError(ErrorCode::Database,
                                              u"the write transaction was aborted: "_s + db.brokenReason()))
                           : db.commitBatch();
    if (!committed) {
        // Nothing of a failed commit counts as done, whatever SQLite may have written before it failed (after a
        // failed fsync the data is not known to be on the disk): it is rolled back and every job gets the error.
        db.rollbackBatch();
        if (changes.everything) {
            publish(changes);   // what another process wrote stays written
            countQueued(db);
        }
        failBatch(batch, u"group commit of %1 operations failed"_s.arg(batch.size()), committed.error().message);
        return;
    }
    if (options.metrics)
        options.metrics->commitDuration.observe(std::chrono::steady_clock::now() - started);
    lastCommitFailed = false;
    if (changes.everything)
        countQueued(db);
    else
        queuedMessages += changes.queuedDelta;
    // Only a commit that wrote something shows that the storage takes writes again: one that changed nothing (a
    // sweep that found nothing to delete) wrote and synced nothing.
    if (storageFailures > 0 && (changesBefore < 0 || changesAfter < 0 || changesAfter > changesBefore)) {
        qCWarning(lcStore).noquote() << u"Storage recovered: a group commit succeeded after %1 failed"_s.arg(storageFailures);
        storageFailures = 0;
        storageFailing = false;
    }
    if (!changes.isEmpty())
        publish(changes);
    for (Job &job : batch)
        job(nullptr, nullptr, true);
}

// Every job of a failed group gets the error: Io when the storage failed under the database (disk full, an I/O error
// such as a failed fsync, a read-only file system), which the relay answers with `unavailable`; Database otherwise.
// A storage failure is logged when it starts and when a commit succeeds again, not for every write it refuses.
void Store::Private::failBatch(std::vector<Job> &batch, const QString &what, const QString &message)
{
    const bool storage = sql::takeStorageFailure();
    if (options.metrics)
        options.metrics->commitFailures.add();
    lastCommitFailed = true;
    if (storage)
        storageFailing = true;
    // A database server that turned out to be a read-only standby (its address now leads to one after a failover)
    // is said once more while the failure lasts: the one cause an operator must act on (promote it, or fix the name).
    const bool standby = message.contains(u"read-only standby"_s);
    if (!storage) {
        qCWarning(lcStore).noquote() << what + u": "_s + message;
    } else if (storageFailures++ == 0) {
        storageStandby = standby;
        qCWarning(lcStore).noquote() << u"Storage failure: %1: %2; writes fail until the storage takes them again"_s.arg(what, message);
    } else if (standby && !storageStandby) {
        storageStandby = true;
        qCWarning(lcStore).noquote() << u"Storage still failing, now: %1: %2"_s.arg(what, message);
    } else {
        qCDebug(lcStore).noquote() << u"storage still failing: %1: %2"_s.arg(what, message);
    }
    const Error error = makeError(storage ? ErrorCode::Io : ErrorCode::Database, message);
    for (Job &job : batch)
        job(nullptr, &error, true);
}

StoreChanges Store::Private::takeChanges(Db &db)
{
    Result<StoreChanges> changes = db.takeChanges();
    if (changes)
        return std::move(*changes);
    // A storage failure (the database server gone) fails the commit too, and is logged with it.
    if (changes.error().code != ErrorCode::Io)
        qCWarning(lcStore) << "cannot read the change log; dropping every cached row:" << changes.error().message;
    StoreChanges everything;
    everything.everything = true;
    return everything;
}

// After another process wrote (or the change log could not be read): the queue entries counted afresh.
void Store::Private::countQueued(Db &db)
{
    const Result<qint64> queued = AdminStore(db).queuedTotal();
    if (queued)
        queuedMessages = *queued;
    else if (queued.error().code != ErrorCode::Io)   // the storage failing: counted again once it works
        qCWarning(lcStore) << "cannot count the queued messages:" << queued.error().message;
}

void Store::Private::publish(const StoreChanges &changes)
{
    std::lock_guard lock(listenerMutex);
    for (const auto &[id, listener] : listeners)
        listener(changes);
}

Store::Store(const StoreOptions &options) : d(std::make_unique<Private>())
{
    d->options = options;
    d->spec.driver = options.driver;
    d->spec.path = options.driver == StoreDriver::Sqlite ? QFileInfo(options.path).absoluteFilePath() : QString();
    d->spec.busyTimeoutMs = options.busyTimeoutMs;
    d->spec.postgres = options.postgres;
    d->serial = g_nextStoreSerial.fetch_add(1);
}

Store::~Store()
{
    if (isWriterThread())
        qFatal("parley::server::Store destroyed from inside one of its own operations");
    close();
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions &options)
{
    if (options.driver == StoreDriver::PostgreSql) {
        if (options.postgres.database.isEmpty() || options.postgres.user.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"no database or user given (store/database, store/user)"_s);
    } else if (options.path.isEmpty()) {
        return makeError(ErrorCode::InvalidArgument, u"no database path given"_s);
    }
    if (options.busyTimeoutMs < 0)
        return makeError(ErrorCode::InvalidArgument, u"the busy timeout cannot be negative"_s);
    std::unique_ptr<Store> store(new Store(options));
    if (options.driver == StoreDriver::Sqlite) {
        if (Status s = ensureDatabaseFile(store->d->spec.path); !s)
            return s.error();
    }
    if (Status s = store->start(); !s)
        return s.error();
    return store;
}

Status Store::start()
{
    std::promise<Status> opened;
    std::future<Status> result = opened.get_future();
    d->writer = std::thread([this, opened = std::move(opened)]() mutable { d->run(std::move(opened)); });
    Status s = result.get();
    if (!s) {
        d->writer.join();
        std::lock_guard lock(d->mutex);
        d->accepting = false;
        d->stopping = true;
    }
    return s;
}

bool Store::isWriterThread() const
{
    return d->writerId.load() == std::this_thread::get_id();
}

bool Store::enqueue(Job job, bool refusable)
{
    {
        std::unique_lock lock(d->mutex);
        if (d->accepting) {
            if (refusable && d->jobs.size() >= std::size_t(std::max(1, d->options.maxQueued)))
                return false;
            d->jobs.push_back(std::move(job));
            // The writer waits either for a first job or, gathering a commit, for GatherBatch of them: a wake-up at
            // any other size would only find its condition still false.
            const std::size_t queued = d->jobs.size();
            lock.unlock();
            if (queued == 1 || queued == GatherBatch)
                d->wake.notify_one();
            return true;
        }
    }
    const Error closed = makeError(ErrorCode::Unavailable, u"the store is closed"_s);
    job(nullptr, &closed, true);
    return true;
}

void Store::ping(std::function<void()> answered)
{
    {
        std::lock_guard lock(d->mutex);
        if (!d->accepting)
            return;
        d->pings.push_back(std::move(answered));
    }
    d->wake.notify_one();
}

std::size_t Store::queuedWrites() const
{
    std::lock_guard lock(d->mutex);
    return d->jobs.size();
}

bool Store::storageFailing() const
{
    return d->storageFailing.load();
}

bool Store::lastCommitFailed() const
{
    return d->lastCommitFailed.load();
}

qint64 Store::queuedMessages() const
{
    return d->queuedMessages.load();
}

int Store::subscribe(ChangeListener listener)
{
    std::lock_guard lock(d->listenerMutex);
    const int id = d->nextListener++;
    d->listeners.emplace(id, std::move(listener));
    return id;
}

void Store::unsubscribe(int id)
{
    std::lock_guard lock(d->listenerMutex);
    d->listeners.erase(id);
}

void Store::announce(const StoreChanges &changes)
{
    if (!changes.isEmpty())
        d->publish(changes);
}

void Store::close()
{
    {
        std::lock_guard lock(d->mutex);
        d->accepting = false;
        d->stopping = true;
    }
    d->wake.notify_all();
    // From inside an operation the writer cannot wait for itself; it stops once the queue is drained, and the
    // destructor (on another thread) finishes the job.
    if (isWriterThread())
        return;

    std::lock_guard closing(d->closeMutex);
    if (d->writer.joinable())
        d->writer.join();
    {
        std::lock_guard lock(d->readers->mutex);
        d->readers->closed = true;
        for (QObject *anchor : d->readers->anchors)
            QMetaObject::invokeMethod(anchor, [] { sweepThisThread(true); }, Qt::QueuedConnection);
    }
    sweepThisThread(false);
}

QString Store::path() const
{
    return d->spec.path;
}

Status Store::checkpoint()
{
    return dialect::checkpoint(d->spec);
}

Result<qint64> Store::databaseBytes()
{
    return dialect::storedBytes(d->spec, reader().database());
}

Db &Store::reader()
{
    QThreadStorage<ReaderRegistry *> *storage = g_readers();
    if (!storage) {
        // Only during static destruction at exit.
        static Db gone{QString()};
        return gone;
    }
    if (!storage->hasLocalData())
        storage->setLocalData(new ReaderRegistry);
    ReaderRegistry &registry = *storage->localData();
    registry.sweep(false);

    auto it = registry.entries.find(d->serial);
    if (it != registry.entries.end()) {
        // A connection that could not be opened, or whose server went away, is opened again (at most once a second).
        Db &db = *it->second->db;
        if (Status s = db.restore(); !s)
            qCDebug(lcStore) << "cannot open a read connection again:" << s.error().message;
        else
            db.probe();
        return db;
    }

    auto entry = std::make_unique<ReaderEntry>();
    entry->shared = d->readers;
    if (entry->storeClosed())
        return registry.unavailableDb();

    const QString name = u"parley-store-%1-reader-%2"_s.arg(d->serial).arg(g_nextReaderSerial.fetch_add(1));
    ConnectionSpec spec = d->spec;
    spec.readOnly = true;
    Status opened;
    entry->db = Db::connect(spec, name, &opened);
    if (!opened)
        qCWarning(lcStore).noquote() << "cannot open a read connection:" << opened.error().message;
    {
        std::lock_guard lock(d->readers->mutex);
        if (d->readers->closed) {
            // Closed meanwhile: close() did not see this thread, so do not keep the connection.
            entry.reset();
            return registry.unavailableDb();
        }
        entry->anchor = new QObject;
        d->readers->anchors.push_back(entry->anchor);
    }
    Db &db = *entry->db;
    registry.entries.emplace(d->serial, std::move(entry));
    return db;
}

} // namespace parley::server
