#include "store/connection.h"

#include "store/dialect.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace parley::server {

Connection::Connection(const QString &connectionName) : m_connectionName(connectionName)
{
    if (!connectionName.isEmpty() && QSqlDatabase::contains(connectionName)) {
        m_db = QSqlDatabase::database(connectionName, false);
        m_driver = dialect::driverOf(m_db);
    }
}

Connection::~Connection()
{
    // Finalise every statement and drop our handle before the connection goes; otherwise Qt warns that the
    // connection is still in use.
    for (auto &statement : m_statements)
        statement.reset();
    m_db = QSqlDatabase();
    if (!m_connectionName.isEmpty() && QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
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
    if (!dialect::preparable(m_driver, id))
        return sql::exec(m_db, QString(dialect::statement(m_driver, id)), binds, u"statement failed");
    Result<QSqlQuery *> query = prepared(id);
    if (!query)
        return query.error();
    Result<sql::Rows> rows = sql::run(*query, binds, u"statement failed");
    if (!rows)
        forget(id);   // the driver may have finalised it; prepare afresh next time
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
