#pragma once

#include "core/result.h"
#include "store/changes.h"
#include "store/dialect.h"
#include "store/records.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

class QSqlDatabase;

namespace parley::server {

class Connection;

// Typed queries over one database connection. One instance per thread: the writer's, or a thread's reader.
// Every method returns a typed result; none logs and swallows an error. Defined by theme: db.cpp (the connection,
// transactions, migration), devicequeries.cpp, enrollqueries.cpp, recoveryqueries.cpp, messagequeries.cpp,
// resumequeries.cpp and roomqueries.cpp; the schema is in schema.cpp, the statements in statements.cpp.
class Db {
public:
    explicit Db(const QString &connectionName, ConnectionSpec spec = {});
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    QSqlDatabase database() const;
    // The connection with its savepoints, for the store's table modules outside Db (roomstore, pushstore,
    // adminstore; store/connection.h). Not for use outside server/store.
    Connection &connection() const { return *d; }

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
    // pool is empty or `keepOneTime` asks to spare it (then only if the device has a last-resort key); NotFound
    // when the device has neither. Returns the remaining pool size in `remaining`.
    struct Consumed { PrekeyRecord key; int remaining = 0; };
    Result<Consumed> consumePrekey(qint64 deviceId, bool keepOneTime = false);
    Result<void> putRecovery(qint64 userId, const QByteArray &blob);
    // Conflict when (senderDeviceId, mid) was seen before with other content (or before its outcome was kept); the
    // first outcome (`duplicate`, the number it was stored under, no queue entries) when it was stored with the same
    // digest. QuotaExceeded when a recipient queue is full.
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

    // --- resumption credentials (resumequeries.cpp) ---
    // The device's stored credential (its SHA-256 and expiry), none when it has none. Any thread's reader.
    Result<std::optional<StoredResume>> resumeCredential(qint64 deviceId);
    // Writer only: replaces the device's credential (`hash` is the SHA-256 of the credential, 32 bytes).
    Status putResumeCredential(qint64 deviceId, qint64 userId, const QByteArray &hash, qint64 issuedAt, qint64 expiresAt);
    // Writer only: deletes every credential of the user / the device's one; returns how many went.
    Result<int> revokeResumeCredentials(qint64 userId);
    Result<int> revokeResumeCredential(qint64 deviceId);
    // Writer only: deletes the credentials that expired at or before `nowMs`.
    Result<int> purgeResumeCredentials(qint64 nowMs);

    // --- room settings ---
    // The managed room defaults and limits; setRoomSettings() validates (InvalidArgument) and replaces them.
    Result<RoomSettings> roomSettings();
    Result<void> setRoomSettings(const RoomSettings &settings);

    // The normalised form of an enrollment code (upper case, no dashes or spaces, I/L read as 1 and O as 0), or
    // an empty string when it cannot be a code this store issued.
    static QString normaliseEnrollCode(const QString &code);

private:
    friend class Store;
    // Opens a connection (file permissions are the caller's business) with the store's session settings
    // (dialect::open). The Db owns the connection and removes it when destroyed, in the same thread.
    static Result<std::unique_ptr<Db>> openConnection(const ConnectionSpec &spec, const QString &connectionName);
    // The same, but the Db is made even when the connection cannot be opened (a reader whose server is away): it is
    // opened again by restore(). `opened` says whether it opened.
    static std::unique_ptr<Db> connect(const ConnectionSpec &spec, const QString &connectionName, Status *opened);
    // Opens the connection again when it is lost, or at once with `now` (Connection::reopen), with the writer's change
    // log. Between transactions only.
    Status restore(bool now = false);
    // A PostgreSQL reader that was not probed within the last second runs one trivial statement first: a connection
    // whose server went away since (a restart) finds out there and is opened again, so that the caller's own
    // statements, many of which run outside the statements that retry (the admin, push and room stores), do not fail.
    void probe();
    // Migrates the schema and installs what the change log keeps in the database (PostgreSQL's trigger functions),
    // in one transaction.
    Status migrate();
    // BEGIN IMMEDIATE, retried with backoff while another process writes (SQLite); with PostgreSQL, a connection the
    // server closed since the last transaction is opened again first.
    Status beginBatch();
    // dialect::writeMarker() of this connection: before a group transaction and before its commit.
    qint64 writeMarker() const;
    Status commitBatch();
    void rollbackBatch();
    Status beginOperation();             // SAVEPOINT around one write() operation
    void endOperation(bool keep);        // RELEASE, or ROLLBACK TO + RELEASE
    bool transactionBroken() const;      // a savepoint could not be released or rolled back
    QString brokenReason() const;
    // The change log (store/changequeries.cpp): installShared() puts what lives in the database (PostgreSQL's trigger
    // functions and triggers) inside the migration's transaction; installChangeLog() sets up the writer connection's
    // session (SQLite's temporary triggers, PostgreSQL's temporary table), again after each reconnect; takeChanges()
    // returns and clears what the current transaction changed, just before its commit.
    Status installSharedChangeLog();
    Status installChangeLog();
    Result<StoreChanges> takeChanges();

    const std::unique_ptr<Connection> d;   // the connection, its statements and savepoints
    bool m_changeLog = false;              // the writer: installChangeLog() ran
    bool m_reconnected = false;            // the connection was opened again: the next commit reports everything
    qint64 m_dataVersion = 0;              // PRAGMA data_version (PostgreSQL: change_epoch) as the writer last saw it
    std::chrono::steady_clock::time_point m_probedAt;   // a reader's last probe (probe())
};

} // namespace parley::server
