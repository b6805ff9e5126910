#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QSqlDatabase;

namespace parley::server {

struct StoreOptions {
    QString path;                 // SQLite database file
    int busyTimeoutMs = 5000;     // other processes (e.g. `parleyd enroll`) may write at the same time
    int maxBatch = 2000;          // operations per group commit
};

// Typed queries over one database connection. One instance per thread: the writer's, or a thread's reader.
// Every method returns a typed result; none logs and swallows an error.
class Db {
public:
    explicit Db(const QString &connectionName);
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    QSqlDatabase database() const;

    // --- users and devices (read) ---
    Result<UserRecord> userByName(const QString &name);
    Result<QList<DeviceRecord>> devicesOfUser(qint64 userId);          // not revoked, ordered by deviceNo
    Result<DeviceRecord> device(qint64 userId, quint32 deviceNo);      // NotFound when absent or revoked
    Result<QByteArray> recovery(qint64 userId);                         // empty when none
    Result<int> prekeyCount(qint64 deviceId);
    Result<EnrollCheck> checkEnrollCode(const QString &user, const QString &code);  // Unauthorized if not usable
    Result<QList<QueuedMessage>> queuePage(qint64 deviceId, quint64 afterSeq, int limit);
    Result<qint64> queuedCount(qint64 deviceId);

    // --- writes (writer thread only) ---
    // Returns the human-readable one-time code; only its SHA-256 is stored.
    Result<QString> createEnrollCode(const QString &user, qint64 validForMs);
    // Atomic: checks code (Unauthorized: wrong/used/expired), root key of an existing user (Unauthorized),
    // device quota (QuotaExceeded), suspension (Forbidden); creates the user if new; consumes the code.
    Result<EnrollResult> enrollDevice(const EnrollRequest &request);
    // Adds one-time prekeys (Conflict if a kid exists; QuotaExceeded past maxPool) and optionally replaces the
    // last-resort key. Returns the pool size afterwards.
    Result<int> addPrekeys(qint64 deviceId, const QList<PrekeyRecord> &keys, const std::optional<PrekeyRecord> &lastResort,
                           int maxPool);
    // Removes and returns one one-time prekey (lowest kid), or the last-resort key (lastResort=true) when the
    // pool is empty; NotFound when the device has neither. Returns the remaining pool size in `remaining`.
    struct Consumed { PrekeyRecord key; int remaining = 0; };
    Result<Consumed> consumePrekey(qint64 deviceId);
    Result<void> putRecovery(qint64 userId, const QByteArray &blob);
    // Conflict when (senderDeviceId, mid) was seen before; QuotaExceeded when a recipient queue is full.
    Result<InsertedMessage> insertMessage(const NewMessage &message);
    // Deletes the device's queue entries with these seqs (others' entries are untouched); shared messages go
    // when their last entry goes. Returns how many entries were deleted.
    Result<int> deleteQueued(qint64 deviceId, const QList<quint64> &seqs);
    Result<void> touchDevice(qint64 deviceId, qint64 lastSeenMs);
    // Forgets replay records older than the cutoff.
    Result<int> purgeSeenBefore(qint64 cutoffMs);

    // --- additions ---
    // Any device by its row id, revoked ones included; NotFound when absent.
    Result<DeviceRecord> deviceById(qint64 deviceId);
    // Deletes every queue entry whose message expired at or before `nowMs` (and with them the messages).
    // Returns how many messages were removed. queuePage() never returns an expired message in any case.
    Result<int> purgeExpired(qint64 nowMs);
    // Deletes enrollment codes that are used or expired at `nowMs`. Returns how many went.
    Result<int> purgeEnrollCodes(qint64 nowMs);

    // --- rooms (server/roomstore.cpp) ---
    // The managed room defaults and limits; setRoomSettings() validates (InvalidArgument) and replaces them.
    Result<RoomSettings> roomSettings();
    Result<void> setRoomSettings(const RoomSettings &settings);

    // The normalised form of an enrollment code (upper case, no dashes or spaces, I/L read as 1 and O as 0), or
    // an empty string when it cannot be a code this store issued.
    static QString normaliseEnrollCode(const QString &code);

private:
    friend class Store;
    // Opens a connection (file permissions are the caller's business) with the store's pragmas; `readOnly` adds
    // query_only. The Db owns the connection and removes it when destroyed, in the same thread.
    static Result<std::unique_ptr<Db>> openConnection(const QString &path, const QString &connectionName,
                                                      int busyTimeoutMs, bool readOnly);
    Status migrate();
    Status beginBatch();                 // BEGIN IMMEDIATE, retried with backoff while another process writes
    Status commitBatch();
    void rollbackBatch();
    Status beginOperation();             // SAVEPOINT around one write() operation
    void endOperation(bool keep);        // RELEASE, or ROLLBACK TO + RELEASE
    bool transactionBroken() const;      // a savepoint could not be released or rolled back
    QString brokenReason() const;

    struct Private;
    const std::unique_ptr<Private> d;
};

// The database: one writer thread that applies writes in group commits (one fsync for many operations), plus
// one read connection per thread that reads (WAL lets them read while the writer writes).
class Store : public QObject {
    Q_OBJECT
public:
    static Result<std::unique_ptr<Store>> open(const StoreOptions &options);
    ~Store() override;

    // Runs `op` on the writer thread inside the current group transaction, under its own SAVEPOINT so that a
    // failing op rolls back alone. `done` runs on `context`'s thread once the transaction is durably committed
    // (or failed: then every op of the group gets the commit error). Dropped if `context` is gone by then (or
    // null). `done` is never called from inside write(), not even when the store is closed (then: Unavailable).
    // Each Db write method is atomic on its own too: an op that carries on after a failed call keeps none of it.
    // Ops must not call writeSync() (refused with Internal) or close(); they should use the Db they are given.
    template<typename T>
    void write(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done);

    // Blocks until `op` is committed: for start-up and one-shot command-line subcommands only. Never from an op.
    template<typename T>
    Result<T> writeSync(std::function<Result<T>(Db &)> op);

    // The calling thread's read-only connection, opened on first use and closed when the thread ends or the store
    // closes (a thread with an event loop drops it as soon as it gets back to its loop). Use the reference right
    // away; do not keep it across a return to the event loop. After close() (or when the connection cannot be
    // opened) every method of the returned Db fails with Unavailable.
    Db &reader();

    // Finishes the queued writes and stops the writer thread. Later writes fail with Unavailable.
    void close();

    QString path() const;

private:
    explicit Store(const StoreOptions &options);
    // A job runs twice on the writer thread: first with (db, nullptr, false) inside the group transaction, then
    // with (nullptr, commitError, true) once the group is committed (commitError null) or failed. A job refused
    // because the store is closed only gets the second call, on the calling thread.
    using Job = std::function<void(Db *db, const Error *commitError, bool afterCommit)>;
    void enqueue(Job job);
    Status start();
    bool isWriterThread() const;
    template<typename T>
    static Result<T> runOperation(Db &db, const std::function<Result<T>(Db &)> &op);

    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server

#include "store/store_impl.h"
