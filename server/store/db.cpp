// One SQLite connection: opening it with the store's pragmas, the group transaction and its savepoints, the schema
// migration. The queries are defined by table in the *queries.cpp files.

#include "store/db.h"

#include "store/connection.h"
#include "store/schema.h"
#include "store/storelog.h"

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>

#include <array>
#include <chrono>
#include <thread>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// Waits between attempts to start a write transaction while another process holds the write lock (each attempt
// itself already waits up to busy_timeout).
constexpr std::array<int, 4> BeginBackoffMs{25, 100, 400, 1600};

// Sets one pragma; `expected` (when given) is the value it must report back.
Status pragma(const QSqlDatabase &db, const QString &statement, const char *expected = nullptr)
{
    const Result<QString> value = sql::queryOne<QString>(
        db, statement, {}, statement, [](const sql::Rows &row) { return row.text(0); }, QString());
    if (!value)
        return value.error();
    if (expected && value->compare(QLatin1StringView(expected), Qt::CaseInsensitive) != 0)
        return makeError(ErrorCode::Database, u"%1 returned \"%2\""_s.arg(statement, *value));
    return {};
}

Status configure(const QString &path, const QString &connectionName, int busyTimeoutMs, bool readOnly)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
    if (!db.isValid())
        return makeError(ErrorCode::Database, u"the Qt SQLite driver (QSQLITE) is not available"_s);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(busyTimeoutMs));
    if (!db.open())
        return sql::toError(db.lastError(), u"cannot open the database");

    const QString statements[] = {
        u"PRAGMA busy_timeout = %1"_s.arg(busyTimeoutMs),
        u"PRAGMA foreign_keys = ON"_s,
        u"PRAGMA synchronous = FULL"_s,
        u"PRAGMA secure_delete = ON"_s,
        // Temporary data in memory: the sub-journal that lets one job of a group commit roll back alone (a savepoint
        // per job) copies every page the job touches. In a file that costs two write() calls per page, about 20 per
        // message; nothing temporary needs to outlive the transaction.
        u"PRAGMA temp_store = MEMORY"_s,
        // query_only for readers; the writer keeps the WAL file from staying huge after a burst (it is truncated to
        // this after checkpoints).
        readOnly ? u"PRAGMA query_only = ON"_s : u"PRAGMA journal_size_limit = 67108864"_s,
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

Db::Db(const QString &connectionName) : d(std::make_unique<Connection>(connectionName)) {}

Db::~Db() = default;

QSqlDatabase Db::database() const
{
    return d->database();
}

Result<std::unique_ptr<Db>> Db::openConnection(const QString &path, const QString &connectionName, int busyTimeoutMs,
                                               bool readOnly)
{
    const Status configured = configure(path, connectionName, busyTimeoutMs, readOnly);
    if (!configured) {
        if (QSqlDatabase::contains(connectionName))
            QSqlDatabase::removeDatabase(connectionName);
        return configured.error();
    }
    return std::make_unique<Db>(connectionName);
}

// --- transactions (writer) ---

Status Db::beginBatch()
{
    d->clearBroken();
    for (std::size_t attempt = 0;; ++attempt) {
        Result<QSqlQuery *> prepared = d->prepared(BeginImmediate);
        if (!prepared)
            return prepared.error();
        QSqlQuery *query = *prepared;
        if (query->exec()) {
            query->finish();
            return {};
        }
        const QSqlError error = query->lastError();
        d->forget(BeginImmediate);
        if (!sql::isBusy(error) || attempt >= BeginBackoffMs.size())
            return sql::toError(error, u"cannot start a write transaction");
        qCDebug(lcStore) << "database busy (another process writes); retrying in" << BeginBackoffMs[attempt] << "ms";
        std::this_thread::sleep_for(std::chrono::milliseconds(BeginBackoffMs[attempt]));
    }
}

Status Db::commitBatch()
{
    Status s = d->run(Commit);
    if (!s)
        return makeError(ErrorCode::Database, s.error().message);
    return s;
}

void Db::rollbackBatch()
{
    // Fails harmlessly when SQLite already rolled the transaction back on its own.
    const Status s = d->run(Rollback);
    if (!s)
        qCDebug(lcStore) << "rollback:" << s.error().message;
}

Status Db::beginOperation()
{
    Status s = d->run(SavepointOp);
    if (!s)
        d->markBroken(s.error().message);
    return s;
}

void Db::endOperation(bool keep)
{
    if (keep) {
        if (Status s = d->run(ReleaseOp); !s)
            d->markBroken(s.error().message);
        return;
    }
    const Status rolledBack = d->run(RollbackToOp);
    const Status released = d->run(ReleaseOp);
    if (!rolledBack || !released)
        d->markBroken(!rolledBack ? rolledBack.error().message : released.error().message);
}

bool Db::transactionBroken() const
{
    return d->broken();
}

QString Db::brokenReason() const
{
    return d->brokenReason();
}

Status Db::migrate()
{
    if (Status s = beginBatch(); !s)
        return s;
    if (Status applied = schema::migrate(d->database()); !applied) {
        rollbackBatch();
        return makeError(ErrorCode::Database, applied.error().message);
    }
    return commitBatch();
}

} // namespace parley::server
