#pragma once

#include "core/result.h"
#include "store/db.h"
#include "store/records.h"
#include "metrics/servermetrics.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace parley::server {

struct StoreOptions {
    StoreDriver driver = StoreDriver::Sqlite;
    QString path;                 // SQLite database file
    PostgresSettings postgres;    // PostgreSQL: the server, the login and TLS (docs/scale-out.md)
    int busyTimeoutMs = 5000;     // other processes (e.g. `parleyd enroll`) may write at the same time
    int maxBatch = 2000;          // operations per group commit
    int maxQueued = 20000;        // writes waiting for the writer beyond which tryWrite() refuses ([limits] write_queue)
    int commitDelayUs = 0;        // how long a commit may wait for more writes in a stream ([limits] commit_delay_us)
    StoreMetrics *metrics = nullptr;   // the writer's commit durations and failures; null: not counted
};

// The database: one writer thread that applies writes in group commits (one fsync for many operations), plus
// one read connection per thread that reads (WAL lets them read while the writer writes). SQLite in a file, or a
// PostgreSQL server (docs/scale-out.md): the same schema, the same group commits ("accepted" once the commit is
// durable: synchronous_commit on). A PostgreSQL connection the server closed is opened again by itself, the writer's
// before its next group transaction, a reader's on its next use; until then writes fail with Io.
class Store : public QObject {
    Q_OBJECT
public:
    static Result<std::unique_ptr<Store>> open(const StoreOptions &options);
    ~Store() override;

    // Runs `op` on the writer thread inside the current group transaction, under its own SAVEPOINT so that a
    // failing op rolls back alone. `done` runs on `context`'s thread once the transaction is durably committed
    // (or failed: then every op of the group gets the commit error, Io when the storage under the database failed:
    // disk full, an I/O error such as a failed fsync, a read-only file system). Dropped if `context` is gone by then
    // (or null). `done` is never called from inside write(), not even when the store is closed (then: Unavailable).
    // Each Db write method is atomic on its own too: an op that carries on after a failed call keeps none of it.
    // Ops must not call writeSync() (refused with Internal) or close(); they should use the Db they are given.
    template<typename T>
    void write(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done);

    // Blocks until `op` is committed: for start-up and one-shot command-line subcommands only. Never from an op.
    // write() for load the writer may turn away: refused (false; nothing queued, `done` never called) while
    // options.maxQueued writes wait for the writer, so that a stalled disk cannot grow the queue without bound.
    // write() itself is never refused for being full: its callers are bounded otherwise or must not be refused.
    template<typename T>
    bool tryWrite(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done);

    // Blocks until `op` is committed: for start-up and one-shot command-line subcommands only. Never from an op.
    template<typename T>
    Result<T> writeSync(std::function<Result<T>(Db &)> op);

    // The calling thread's read-only connection, opened on first use and closed when the thread ends or the store
    // closes (a thread with an event loop drops it as soon as it gets back to its loop). Use the reference right
    // away; do not keep it across a return to the event loop. After close() (or when the connection cannot be
    // opened) every method of the returned Db fails with Unavailable.
    Db &reader();

    // A heartbeat: `answered` runs on the writer thread the next time its loop turns, between group commits (at
    // once when it is idle), outside any transaction. Must be quick and must not call into the store. Never called
    // once the store is closing.
    void ping(std::function<void()> answered);

    // Finishes the queued writes and stops the writer thread. Later writes fail with Unavailable.
    void close();

    QString path() const;         // SQLite's database file; empty for PostgreSQL
    // Moves what the write-ahead log holds into the database proper (SQLite: PRAGMA wal_checkpoint(TRUNCATE) on a
    // connection of its own, so that deleted rows leave the WAL file too; the sweeper runs it). Unavailable when
    // readers or the writer kept it from completing.
    Status checkpoint();
    // The bytes the database takes on its storage (the SQLite file with its WAL and shared memory), for status.
    Result<qint64> databaseBytes();
    // Writes waiting for the writer (not counting the batch it runs).
    std::size_t queuedWrites() const;
    // Any thread: whether the storage under the database is failing (disk full, an I/O error, a read-only file
    // system; docs/durability.md): from a group commit that failed for it until one that stored something succeeds.
    bool storageFailing() const;
    // Any thread: whether the last group commit failed (for the storage or any other reason), until one succeeds.
    bool lastCommitFailed() const;
    // Any thread: the queue entries stored (one per message and recipient device, expired ones until they are
    // swept), as of the last commit. Kept by the writer as it commits (store/changequeries.cpp): reading it costs
    // nothing.
    qint64 queuedMessages() const;

    // Called on the writer thread after every group commit that changed cached rows (store/changes.h), before any
    // of the commit's `done` callbacks is queued: a reply to a write never overtakes the news of its change. Must be
    // quick and thread-safe, and must not call into the store. unsubscribe() waits for a call in progress.
    using ChangeListener = std::function<void(const StoreChanges &)>;
    int subscribe(ChangeListener listener);
    void unsubscribe(int id);
    // Any thread: hands `changes`, committed by another connection (another node, a subcommand: the cluster link hears
    // of them, server/cluster), to the listeners as if this store's writer had made them.
    void announce(const StoreChanges &changes);

private:
    explicit Store(const StoreOptions &options);
    // A job runs twice on the writer thread: first with (db, nullptr, false) inside the group transaction, then
    // with (nullptr, commitError, true) once the group is committed (commitError null) or failed. A job refused
    // because the store is closed only gets the second call, on the calling thread.
    using Job = std::function<void(Db *db, const Error *commitError, bool afterCommit)>;
    // Queues `job`, or refuses it (false) when `refusable` and the queue is full; a closed store hands it the
    // Unavailable error instead (true).
    bool enqueue(Job job, bool refusable = false);
    template<typename T>
    Job makeJob(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done);
    Status start();
    bool isWriterThread() const;
    template<typename T>
    static Result<T> runOperation(Db &db, const std::function<Result<T>(Db &)> &op);

    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server

#include "store/store_impl.h"
