#pragma once

// What differs between the store's SQL drivers, in one place: opening a connection and its session settings, the
// column types of the schema, the few statements whose text differs, transaction control a driver cannot prepare,
// where the schema version is kept, and what the storage under the database looks like (its size, its checkpoint,
// whether a transaction wrote anything). Every other statement is portable SQL, written once. Internal to the store.

#include "core/result.h"
#include "store/database.h"
#include "store/statements.h"

#include <QLatin1StringView>
#include <QString>

class QSqlDatabase;

namespace parley::server {

// How to open one connection: the store's settings and the connection's role.
struct ConnectionSpec {
    StoreDriver driver = StoreDriver::Sqlite;
    QString path;                 // SQLite: the database file
    int busyTimeoutMs = 5000;     // SQLite: how long a statement waits for another process's lock
    PostgresSettings postgres;    // PostgreSQL: the server and the login
    bool readOnly = false;        // a reader: writes are refused
};

namespace dialect {

// The driver a connection runs on.
StoreDriver driverOf(const QSqlDatabase &db);

// Adds the connection `name` and opens it with the store's session settings (SQLite: its pragmas; PostgreSQL:
// synchronous_commit on, read-only transactions for a reader). On failure the connection stays added, closed: the
// caller removes it or opens it again later. A PostgreSQL error names the [store] setting at fault.
Status open(const ConnectionSpec &spec, const QString &name);

// A statement of the schema (schema.cpp writes them with SQLite's column types) in the driver's own types.
QString ddl(StoreDriver driver, const char *statement);
// The text of a prepared statement on the driver, and whether the driver can prepare it at all.
QLatin1StringView statement(StoreDriver driver, Stmt id);
bool preparable(StoreDriver driver, Stmt id);

// The schema version (0 for a new database) and setting it, inside the migration's transaction. lockSchema() keeps
// other connections from migrating at the same time (SQLite's write lock does that already).
Result<int> schemaVersion(const QSqlDatabase &db);
Status setSchemaVersion(const QSqlDatabase &db, int version);
Status lockSchema(const QSqlDatabase &db);

// A number that grows when the connection writes rows (SQLite: total_changes(); PostgreSQL: whether the transaction
// has a transaction id, which it gets with its first write): read before a group transaction and before its commit, it
// tells a commit that stored something from one that had nothing to write. -1 when unknown.
qint64 writeMarker(const QSqlDatabase &db);

// The most writes one group commit takes. PostgreSQL keeps every version of a row a transaction updates until it ends,
// and each update of a row walks the versions before it: a device's queue counter, raised by every message of a group
// to that device, would cost more with each message.
int groupLimit(StoreDriver driver);

// Moves what the write-ahead log holds into the database proper, on a connection of its own (SQLite: PRAGMA
// wal_checkpoint(TRUNCATE), so that deleted rows leave the WAL file too; PostgreSQL checkpoints and vacuums by
// itself). Unavailable when readers or the writer kept it from completing.
Status checkpoint(const ConnectionSpec &spec);
// The bytes the database takes on its storage (SQLite: the file with its WAL and shared memory; PostgreSQL:
// pg_database_size()).
Result<qint64> storedBytes(const ConnectionSpec &spec, const QSqlDatabase &reader);

} // namespace dialect

} // namespace parley::server
