// The differences between the store's SQL drivers (dialect.h). SQLite: a file in the data directory, WAL mode,
// synchronous=FULL, secure_delete, the schema version in PRAGMA user_version.

#include "store/dialect.h"

#include "store/sql.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

#include <atomic>

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
    if (Status s = pragma(db, u"PRAGMA journal_mode = WAL"_s, "wal"); !s)
        return s;
    for (const QString &statement : statements) {
        if (Status s = pragma(db, statement); !s)
            return s;
    }
    return {};
}

} // namespace

StoreDriver driverOf(const QSqlDatabase &)
{
    return StoreDriver::Sqlite;
}

Status open(const ConnectionSpec &spec, const QString &name)
{
    const Status opened = openSqlite(spec, name);
    if (!opened && QSqlDatabase::contains(name))
        QSqlDatabase::removeDatabase(name);
    return opened;
}

QString ddl(StoreDriver, const char *statement)
{
    return QString::fromLatin1(statement);
}

QLatin1StringView statement(StoreDriver, Stmt id)
{
    return sqlOf(id);
}

bool preparable(StoreDriver, Stmt)
{
    return true;
}

Result<int> schemaVersion(const QSqlDatabase &db)
{
    return sql::queryOne<int>(db, u"PRAGMA user_version"_s, {}, u"cannot read the schema version",
                              [](const sql::Rows &row) { return int(row.integer(0)); },
                              makeError(ErrorCode::Database, u"cannot read the schema version"_s));
}

Status setSchemaVersion(const QSqlDatabase &db, int version)
{
    return sql::apply(db, u"PRAGMA user_version = %1"_s.arg(version), {}, u"cannot set the schema version");
}

Status lockSchema(const QSqlDatabase &)
{
    return {};   // the migration runs in a write transaction: SQLite lets one connection write at a time
}

qint64 writeMarker(const QSqlDatabase &db)
{
    const Result<qint64> changes = sql::queryOne<qint64>(db, u"SELECT total_changes()"_s, {}, u"total_changes()",
                                                         [](const sql::Rows &row) { return row.integer(0); }, qint64(-1));
    return changes ? *changes : -1;
}

// On a connection of its own: the writer always sits inside a transaction, where a checkpoint cannot run.
Status checkpoint(const ConnectionSpec &spec)
{
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

Result<qint64> storedBytes(const ConnectionSpec &spec, const QSqlDatabase &)
{
    qint64 bytes = 0;
    for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s})
        bytes += QFileInfo(spec.path + suffix).size();
    return bytes;
}

} // namespace parley::server::dialect
