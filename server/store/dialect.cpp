// The differences between the store's SQL drivers (dialect.h). SQLite: a file in the data directory, WAL mode,
// synchronous=FULL, secure_delete, the schema version in PRAGMA user_version. PostgreSQL (docs/scale-out.md): a server
// reached over TCP (TLS) or a Unix socket, synchronous_commit on, BIGINT and BYTEA columns, identity columns for
// SQLite's integer primary keys, PL/pgSQL trigger functions, the schema version in the table schema_version.

#include "store/dialect.h"

#include "store/sql.h"
#include "store/storelog.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

#include <atomic>
#include <limits>

using namespace Qt::StringLiterals;

namespace parley::server::dialect {

namespace {

std::atomic<int> g_checkpointConnections{0};

// Runs `statement` and returns its first column of its first row as text.
Result<QString> firstValue(const QSqlDatabase &db, const QString &statement)
{
    return sql::queryOne<QString>(db, statement, {}, statement, [](const sql::Rows &row) { return row.text(0); }, QString());
}

// Sets one pragma; `expected` (when given) is the value it must report back.
Status pragma(const QSqlDatabase &db, const QString &statement, const char *expected = nullptr)
{
    const Result<QString> value = firstValue(db, statement);
    if (!value)
        return value.error();
    if (expected && value->compare(QLatin1StringView(expected), Qt::CaseInsensitive) != 0)
        return makeError(ErrorCode::Database, u"%1 returned \"%2\""_s.arg(statement, *value));
    return {};
}

Status openSqlite(const ConnectionSpec &spec, const QString &name)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    if (!db.isValid())
        return makeError(ErrorCode::Database, u"the Qt SQLite driver (QSQLITE) is not available"_s);
    db.setDatabaseName(spec.path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(spec.busyTimeoutMs));
    if (!db.open())
        return sql::toError(db.lastError(), u"cannot open the database", StoreDriver::Sqlite);

    const QString statements[] = {
        u"PRAGMA busy_timeout = %1"_s.arg(spec.busyTimeoutMs),
        u"PRAGMA foreign_keys = ON"_s,
        u"PRAGMA synchronous = FULL"_s,
        u"PRAGMA secure_delete = ON"_s,
        // Temporary data in memory: the sub-journal that lets one job of a group commit roll back alone (a savepoint
        // per job) copies every page the job touches. In a file that costs two write() calls per page, about 20 per
        // message; nothing temporary needs to outlive the transaction.
        u"PRAGMA temp_store = MEMORY"_s,
        // query_only for readers; the writer keeps the WAL file from staying huge after a burst (it is truncated to
        // this after checkpoints).
        spec.readOnly ? u"PRAGMA query_only = ON"_s : u"PRAGMA journal_size_limit = 67108864"_s,
    };
    Status s = pragma(db, u"PRAGMA journal_mode = WAL"_s, "wal");
    for (const QString &statement : statements) {
        if (s)
            s = pragma(db, statement);
    }
    if (!s)
        db.close();
    return s;
}

// --- PostgreSQL ---

constexpr int MinimumServerVersion = 140000;          // CREATE OR REPLACE TRIGGER; 15 is what the tests run
constexpr qint64 SchemaLock = 0x7061726c6579;         // "parley": the advisory lock migrations take

// A value in libpq's connection string: quoted, with \ and ' escaped.
QString conninfoValue(const QString &value)
{
    QString quoted = value;
    quoted.replace(u'\\', u"\\\\"_s).replace(u'\'', u"\\'"_s);
    return u"'"_s + quoted + u"'"_s;
}

// libpq's message on one line.
QString oneLine(const QString &text)
{
    return text.simplified();
}

// Why a connection could not be made, with the [store] settings that decide it: the server's address, the login, the
// database, TLS.
Error connectionError(const PostgresSettings &pg, const QSqlError &error)
{
    const QString detail = oneLine(error.databaseText().isEmpty() ? error.text() : error.databaseText());
    const auto has = [&detail](const char *part) { return detail.contains(QLatin1StringView(part), Qt::CaseInsensitive); };
    QString what;
    if (has("password authentication failed") || has("no password supplied") || has("SCRAM") || has("authentication failed"))
        what = u"the database server refused the login of user \"%1\" (store/user, store/password_file)"_s.arg(pg.user);
    else if (has("role \"") && has("does not exist"))
        what = u"the database server has no user \"%1\" (store/user)"_s.arg(pg.user);
    else if (has("database \"") && has("does not exist"))
        what = u"the database server has no database \"%1\" (store/database)"_s.arg(pg.database);
    else if (has("pg_hba.conf"))
        what = u"the database server's pg_hba.conf admits no such login (store/host, store/user, store/database, "
               u"store/sslmode)"_s;
    else if (has("does not support SSL"))
        what = u"the database server does not speak TLS (store/sslmode)"_s;
    else if (has("certificate") || has("SSL") || has("TLS"))
        what = u"TLS with the database server failed: its certificate could not be verified with store/ca_file for "
               u"store/host, or TLS is not set up as store/sslmode asks"_s;
    else if (has("read-only") || has("session is read-only"))
        what = u"the database server is a read-only standby; parleyd needs the primary (store/host)"_s;
    else if (has("could not translate host name"))
        what = u"the database server's name cannot be resolved (store/host)"_s;
    else
        what = u"cannot reach the database server (store/host, store/port)"_s;
    return makeError(ErrorCode::Io, u"%1: %2"_s.arg(what, detail));
}

Status openPostgres(const ConnectionSpec &spec, const QString &name)
{
    const PostgresSettings &pg = spec.postgres;
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        return makeError(ErrorCode::Unavailable, u"store/driver=postgresql needs Qt's PostgreSQL driver (QPSQL, Debian "
                                                 u"package libqt6sql6-psql), which is not installed"_s);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    db.setHostName(pg.host);
    db.setPort(pg.port);
    db.setDatabaseName(pg.database);
    db.setUserName(pg.user);
    db.setPassword(pg.password);
    QStringList options{
        u"connect_timeout=%1"_s.arg(pg.connectTimeoutSeconds),
        u"application_name=parleyd"_s,
        u"sslmode="_s + pg.effectiveSslMode(),
        // No Kerberos: libpq would otherwise look for a ticket cache to offer GSSAPI encryption.
        u"gssencmode=disable"_s,
        // A server that is gone without closing the connection (a crash, a network cut) is noticed in a minute.
        u"keepalives=1"_s, u"keepalives_idle=30"_s, u"keepalives_interval=10"_s, u"keepalives_count=3"_s,
        // The writer needs the primary: a standby (read-only) is refused at connect.
        spec.readOnly ? u"target_session_attrs=any"_s : u"target_session_attrs=read-write"_s,
    };
    if (!pg.caFile.isEmpty())
        options.append(u"sslrootcert="_s + conninfoValue(pg.caFile));
    db.setConnectOptions(options.join(u';'));
    if (!db.open())
        return connectionError(pg, db.lastError());

    // libpq writes the server's notices and warnings (an IF NOT EXISTS that skipped, a ROLLBACK with no transaction
    // left to roll back) to standard error: the server's log has them. "accepted" follows a commit that is durable,
    // whatever the server's default for synchronous_commit.
    QStringList statements{u"SET client_min_messages TO error"_s, u"SET synchronous_commit TO on"_s};
    if (spec.readOnly)
        statements.append(u"SET default_transaction_read_only TO on"_s);
    for (const QString &statement : statements) {
        if (Status s = sql::apply(db, statement, {}, u"cannot set up the database session"); !s) {
            db.close();
            return s;
        }
    }
    const Result<QString> version = firstValue(db, u"SHOW server_version_num"_s);
    if (!version) {
        db.close();
        return version.error();
    }
    if (version->toInt() < MinimumServerVersion) {
        db.close();
        return makeError(ErrorCode::Database, u"the database server runs PostgreSQL %1; parleyd needs 14 or newer"_s
                                                  .arg(version->toInt() / 10000));
    }
    if (!spec.readOnly) {
        const Result<QString> fsync = firstValue(db, u"SHOW fsync"_s);
        if (fsync && *fsync == u"off"_s)
            qCWarning(lcStore) << "The PostgreSQL server runs with fsync=off: a message it accepted can be lost when "
                                  "its machine goes down";
    }
    return {};
}

// The schema's statements are written with SQLite's column types; PostgreSQL's integers are 32 bits unless BIGINT,
// its blobs are BYTEA, and an integer primary key that SQLite numbers by itself is an identity column (one whose
// numbers are never used twice, like AUTOINCREMENT). A primary key that is also a foreign key (REFERENCES) or fixed
// (CHECK) is a plain BIGINT. "user" is a reserved word.
QString postgresDdl(const char *statement)
{
    struct Rule {
        QRegularExpression pattern;
        QString replacement;
    };
    static const Rule rules[] = {
        {QRegularExpression(u"\\bINTEGER PRIMARY KEY (REFERENCES|CHECK)\\b"_s), u"BIGINT PRIMARY KEY \\1"_s},
        {QRegularExpression(u"\\bINTEGER PRIMARY KEY( AUTOINCREMENT)?"_s), u"BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"_s},
        {QRegularExpression(u"\\bINTEGER\\b"_s), u"BIGINT"_s},
        {QRegularExpression(u"\\bBLOB\\b"_s), u"BYTEA"_s},
        {QRegularExpression(u"\\s*\\bWITHOUT ROWID\\b"_s), QString()},
        {QRegularExpression(u"^(\\s*)user(\\s)"_s, QRegularExpression::MultilineOption), u"\\1\"user\"\\2"_s},
    };
    QString text = QString::fromLatin1(statement);
    for (const Rule &rule : rules)
        text.replace(rule.pattern, rule.replacement);
    return text;
}

} // namespace

StoreDriver driverOf(const QSqlDatabase &db)
{
    return db.driverName() == u"QPSQL"_s ? StoreDriver::PostgreSql : StoreDriver::Sqlite;
}

Status open(const ConnectionSpec &spec, const QString &name)
{
    return spec.driver == StoreDriver::PostgreSql ? openPostgres(spec, name) : openSqlite(spec, name);
}

QString ddl(StoreDriver driver, const char *statement)
{
    return driver == StoreDriver::PostgreSql ? postgresDdl(statement) : QString::fromLatin1(statement);
}

QLatin1StringView statement(StoreDriver driver, Stmt id)
{
    if (driver == StoreDriver::PostgreSql) {
        switch (id) {
        case BeginImmediate: return "BEGIN"_L1;
        // Queue entries take their seqs from one sequence. The writers of several nodes commit side by side, and a
        // seq a transaction drew could otherwise become visible after a larger one another transaction drew later:
        // a session streaming the device's queue from its last seq would pass over it, and a node catching up from
        // the last seq it saw would miss it. Every group transaction holds this lock from its start to its commit
        // (Db::beginBatch), so seqs become visible in the order they were drawn (docs/scale-out.md, "Ordering"),
        // at the price of one group commit at a time across the nodes.
        case LockQueue: return "SELECT pg_advisory_xact_lock(7089074346321)"_L1;
        // The seqs as a JSON array of integers, as for SQLite's json_each.
        case DeleteQueueEntries:
            return "DELETE FROM queue WHERE device_id = ? AND seq IN "
                   "(SELECT value::BIGINT FROM json_array_elements_text(CAST(? AS JSON)))"_L1;
        // Several connections may claim from one pool at once (the writers of several nodes): a key another
        // transaction is taking is skipped, never handed out twice, and never waited for.
        case ConsumePrekey:
            return "DELETE FROM prekeys WHERE device_id = ? AND kid = (SELECT kid FROM prekeys WHERE device_id = ? "
                   "ORDER BY kid LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING kid, pub, sig"_L1;
        default:
            break;
        }
    }
    return sqlOf(id);
}

bool preparable(StoreDriver driver, Stmt id)
{
    if (driver != StoreDriver::PostgreSql)
        return true;
    // PostgreSQL prepares queries only (PREPARE): transaction control runs as it is.
    switch (id) {
    case BeginImmediate:
    case Commit:
    case Rollback:
    case SavepointOp:
    case ReleaseOp:
    case RollbackToOp:
    case SavepointMethod:
    case ReleaseMethod:
    case RollbackToMethod:
        return false;
    default:
        return true;
    }
}

Result<int> schemaVersion(const QSqlDatabase &db)
{
    const auto readInt = [](const sql::Rows &row) { return int(row.integer(0)); };
    const Error none = makeError(ErrorCode::Database, u"cannot read the schema version"_s);
    if (driverOf(db) == StoreDriver::Sqlite)
        return sql::queryOne<int>(db, u"PRAGMA user_version"_s, {}, u"cannot read the schema version", readInt, none);
    const Result<bool> kept = sql::queryOne<bool>(db, u"SELECT to_regclass('schema_version') IS NOT NULL"_s, {},
                                                  u"cannot read the schema version",
                                                  [](const sql::Rows &row) { return row.integer(0) != 0; }, false);
    if (!kept)
        return kept.error();
    if (!*kept)
        return 0;   // a new database
    return sql::queryOne<int>(db, u"SELECT version FROM schema_version WHERE id = 1"_s, {}, u"cannot read the schema version",
                              readInt, 0);
}

Status setSchemaVersion(const QSqlDatabase &db, int version)
{
    if (driverOf(db) == StoreDriver::Sqlite)
        return sql::apply(db, u"PRAGMA user_version = %1"_s.arg(version), {}, u"cannot set the schema version");
    if (Status s = sql::apply(db, u"CREATE TABLE IF NOT EXISTS schema_version (id BIGINT PRIMARY KEY CHECK (id = 1), "
                                  u"version BIGINT NOT NULL)"_s,
                              {}, u"cannot set the schema version");
        !s)
        return s;
    return sql::apply(db, u"INSERT INTO schema_version (id, version) VALUES (1, %1) ON CONFLICT (id) DO UPDATE SET "
                          u"version = excluded.version"_s.arg(version),
                      {}, u"cannot set the schema version");
}

Status lockSchema(const QSqlDatabase &db)
{
    // SQLite: the migration runs in a write transaction, and SQLite lets one connection write at a time. PostgreSQL:
    // the nodes starting at once migrate one after the other, until the transaction ends.
    if (driverOf(db) == StoreDriver::Sqlite)
        return {};
    return sql::apply(db, u"SELECT pg_advisory_xact_lock(%1)"_s.arg(SchemaLock), {}, u"cannot lock the schema");
}

qint64 writeMarker(const QSqlDatabase &db)
{
    const QString statement = driverOf(db) == StoreDriver::Sqlite
        ? u"SELECT total_changes()"_s
        : u"SELECT CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 0 ELSE 1 END"_s;
    const Result<qint64> changes = sql::queryOne<qint64>(db, statement, {}, u"write marker",
                                                         [](const sql::Rows &row) { return row.integer(0); }, qint64(-1));
    return changes ? *changes : -1;
}

int groupLimit(StoreDriver driver)
{
    return driver == StoreDriver::PostgreSql ? 200 : std::numeric_limits<int>::max();
}

// SQLite: on a connection of its own, as the writer always sits inside a transaction, where a checkpoint cannot run.
Status checkpoint(const ConnectionSpec &spec)
{
    if (spec.driver == StoreDriver::PostgreSql)
        return {};   // the server checkpoints by itself, and autovacuum reclaims deleted rows
    constexpr int CheckpointBusyTimeoutMs = 2000;
    const QString name = u"parleyd-checkpoint-%1"_s.arg(g_checkpointConnections.fetch_add(1));
    Status result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(spec.path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(CheckpointBusyTimeoutMs));
        if (!db.open()) {
            result = makeError(ErrorCode::Database, u"cannot open the database for a checkpoint: "_s + db.lastError().text());
        } else {
            const Result<int> busy = sql::queryOne<int>(db, u"PRAGMA wal_checkpoint(TRUNCATE)"_s, {}, u"checkpoint failed",
                                                        [](const sql::Rows &row) { return int(row.integer(0)); },
                                                        makeError(ErrorCode::Database, u"checkpoint failed"_s));
            if (!busy)
                result = busy.error();
            else if (*busy != 0)
                result = makeError(ErrorCode::Unavailable, u"the checkpoint could not complete (database busy)"_s);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

Result<qint64> storedBytes(const ConnectionSpec &spec, const QSqlDatabase &reader)
{
    if (spec.driver == StoreDriver::PostgreSql) {
        return sql::queryOne<qint64>(reader, u"SELECT pg_database_size(current_database())"_s, {}, u"database size",
                                     [](const sql::Rows &row) { return row.integer(0); }, qint64(0));
    }
    qint64 bytes = 0;
    for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s})
        bytes += QFileInfo(spec.path + suffix).size();
    return bytes;
}

} // namespace parley::server::dialect
