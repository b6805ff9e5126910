// One connection: opening it (dialect.cpp), the group transaction and its savepoints, the schema migration. The
// queries are defined by table in the *queries.cpp files.

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

} // namespace

Db::Db(const QString &connectionName, ConnectionSpec spec)
    : d(std::make_unique<Connection>(connectionName, std::move(spec)))
{
}

Db::~Db() = default;

QSqlDatabase Db::database() const
{
    return d->database();
}

Result<std::unique_ptr<Db>> Db::openConnection(const ConnectionSpec &spec, const QString &connectionName)
{
    Status opened;
    std::unique_ptr<Db> db = connect(spec, connectionName, &opened);
    if (!opened)
        return opened.error();   // the Db goes, and the connection with it
    return db;
}

std::unique_ptr<Db> Db::connect(const ConnectionSpec &spec, const QString &connectionName, Status *opened)
{
    *opened = dialect::open(spec, connectionName);
    return std::make_unique<Db>(connectionName, spec);
}

Status Db::restore(bool now)
{
    if (!d->lost() && !now)
        return {};
    if (Status s = d->reopen(now); !s)
        return s;
    if (!m_changeLog)
        return {};
    m_reconnected = true;   // whatever changed while the connection was away: the next commit reports everything
    return installChangeLog();
}

void Db::probe()
{
    if (d->driver() != StoreDriver::PostgreSql)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_probedAt < std::chrono::seconds(1))
        return;
    m_probedAt = now;
    if (Status s = d->run(Ping); !s)
        qCDebug(lcStore) << "a read connection's probe failed:" << s.error().message;
}

// --- transactions (writer) ---

Status Db::beginBatch()
{
    d->clearBroken();
    if (!dialect::preparable(d->driver(), BeginImmediate)) {
        if (Status s = restore(); !s)
            return s;
        Status begun = d->run(BeginImmediate);
        // The server closed the connection since the last transaction (a restart): the first statement after finds
        // out, failing as the storage does. Nothing has happened in this transaction yet, so it starts again on a new
        // connection.
        if (!begun && (d->lost() || begun.error().code == ErrorCode::Io)) {
            if (Status s = restore(true); !s)
                return s;
            begun = d->run(BeginImmediate);
        }
        if (!begun)
            return makeError(begun.error().code, u"cannot start a write transaction: "_s + begun.error().message);
        // Every group transaction takes the queue's lock first, before any row lock (dialect.cpp, LockQueue): taken
        // later, a writer holding a device's row could wait for it while the holder waits for that row.
        if (Status locked = d->run(LockQueue); !locked) {
            static_cast<void>(d->run(Rollback));
            return makeError(locked.error().code, u"cannot start a write transaction: "_s + locked.error().message);
        }
        return {};
    }
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
            return sql::toError(error, u"cannot start a write transaction", d->driver());
        qCDebug(lcStore) << "database busy (another process writes); retrying in" << BeginBackoffMs[attempt] << "ms";
        std::this_thread::sleep_for(std::chrono::milliseconds(BeginBackoffMs[attempt]));
    }
}

qint64 Db::writeMarker() const
{
    return dialect::writeMarker(d->database());
}

Status Db::commitBatch()
{
    if (d->driver() == StoreDriver::PostgreSql) {
        // PostgreSQL answers the COMMIT of a transaction that a failed statement aborted with ROLLBACK, not with an
        // error: the driver's own commit tells the two apart.
        if (Status s = sql::checkOpen(d->database(), u"cannot commit"); !s)
            return makeError(ErrorCode::Database, s.error().message);
        QSqlDatabase db = d->database();
        if (db.commit())
            return {};
        const QSqlError error = db.lastError();
        if (error.nativeErrorCode().isEmpty() && db.isOpen())
            return makeError(ErrorCode::Database, u"the commit rolled the transaction back: "_s + error.text().simplified());
        return makeError(ErrorCode::Database, sql::toError(error, u"the commit failed", StoreDriver::PostgreSql).message);
    }
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
    Status applied = dialect::lockSchema(d->database());
    if (applied)
        applied = schema::migrate(d->database());
    if (applied)
        applied = installSharedChangeLog();
    if (!applied) {
        rollbackBatch();
        return makeError(ErrorCode::Database, applied.error().message);
    }
    return commitBatch();
}

} // namespace parley::server
