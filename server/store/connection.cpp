#include "store/connection.h"

#include "store/dialect.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace parley::server {

Connection::Connection(const QString &connectionName, ConnectionSpec spec)
    : m_connectionName(connectionName), m_spec(std::move(spec))
{
    if (!connectionName.isEmpty() && QSqlDatabase::contains(connectionName)) {
        m_db = QSqlDatabase::database(connectionName, false);
        m_driver = dialect::driverOf(m_db);
    }
}

Connection::~Connection()
{
    drop();
}

void Connection::drop()
{
    const bool postgres = m_driver == StoreDriver::PostgreSql;
    // SQLite: finalise every statement and drop our handle before the connection goes; otherwise Qt warns that the
    // connection is still in use.
    if (!postgres) {
        for (auto &statement : m_statements)
            statement.reset();
    }
    m_db = QSqlDatabase();
    if (!m_connectionName.isEmpty() && QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
    for (auto &statement : m_statements)
        statement.reset();
}

bool Connection::lost() const
{
    return m_db.isValid() && !m_db.isOpen();
}

Status Connection::reopen(bool now)
{
    if (m_connectionName.isEmpty())
        return makeError(ErrorCode::Unavailable, u"the database connection is not open"_s);
    const auto at = std::chrono::steady_clock::now();
    if (!now && at < m_nextReopen)
        return sql::checkOpen(m_db, u"the database");   // tried a moment ago: still the error of a lost connection
    m_nextReopen = at + ReopenInterval;
    drop();
    const Status opened = dialect::open(m_spec, m_connectionName);
    m_db = QSqlDatabase::database(m_connectionName, false);   // open, or added and closed: lost() until it opens
    if (!opened && opened.error().code == ErrorCode::Io)
        return sql::storageError(opened.error().message);
    return opened;
}

Result<QSqlQuery *> Connection::prepared(Stmt id)
{
    std::unique_ptr<QSqlQuery> &slot = m_statements[id];
    if (!slot) {
        if (Status s = sql::checkOpen(m_db, u"cannot prepare a statement"); !s)
            return s.error();
        auto query = std::make_unique<QSqlQuery>(m_db);
        query->setForwardOnly(true);
        if (!query->prepare(dialect::statement(m_driver, id)))
            return sql::toError(query->lastError(), u"cannot prepare a statement", m_driver);
        slot = std::move(query);
    }
    return slot.get();
}

Result<sql::Rows> Connection::exec(Stmt id, sql::Binds binds)
{
    const bool wasOpen = !lost();
    {
        Result<sql::Rows> rows = execOnce(id, binds);
        // A reader learns that its server went away (a restart) from its first statement after, which fails as the
        // storage does (the session ended: 57P01, or the connection closed): it connects again at once and runs the
        // statement once more. The writer does the same only where no transaction is open (Db::beginBatch).
        if (rows || !m_spec.readOnly || !wasOpen || (!lost() && rows.error().code != ErrorCode::Io))
            return rows;
    }
    if (Status s = reopen(true); !s)
        return s.error();
    return execOnce(id, binds);
}

Result<sql::Rows> Connection::execOnce(Stmt id, sql::Binds binds)
{
    if (!dialect::preparable(m_driver, id))
        return sql::exec(m_db, QString(dialect::statement(m_driver, id)), binds, u"statement failed");
    Result<QSqlQuery *> query = prepared(id);
    if (!query)
        return query.error();
    Result<sql::Rows> rows = sql::run(*query, binds, u"statement failed");
    // SQLite may have finalised it: prepare it afresh next time. A PostgreSQL statement stays prepared after a failure
    // (and could not be deallocated in the aborted transaction anyway).
    if (!rows && m_driver == StoreDriver::Sqlite)
        forget(id);
    return rows;
}

Status Connection::exists(Stmt id, sql::Binds binds, QStringView what, Error absent)
{
    const Result<bool> found =
        sql::firstRow<bool>(exec(id, binds), what, [](const sql::Rows &) { return true; }, std::move(absent));
    if (!found)
        return found.error();
    return {};
}

void Connection::markBroken(const QString &reason)
{
    if (!m_broken) {
        m_broken = true;
        m_brokenReason = reason;
    }
}

void Connection::clearBroken()
{
    m_broken = false;
    m_brokenReason.clear();
}

Connection::Savepoint::~Savepoint()
{
    if (!m_open)
        return;
    const Status rolledBack = m_connection.run(RollbackToMethod);
    const Status released = m_connection.run(ReleaseMethod);
    if (!rolledBack || !released)
        m_connection.markBroken(!rolledBack ? rolledBack.error().message : released.error().message);
}

Status Connection::Savepoint::begin()
{
    Status s = m_connection.run(SavepointMethod);
    m_open = s.ok();
    return s;
}

Status Connection::Savepoint::release()
{
    m_open = false;
    Status s = m_connection.run(ReleaseMethod);
    if (!s)
        m_connection.markBroken(s.error().message);
    return s;
}

} // namespace parley::server
