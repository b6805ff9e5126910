#pragma once

// What a Db holds: one QtSql connection, its prepared statements (store/statements.h) and the state of the write
// transaction it runs. Internal to the store.

#include "core/result.h"
#include "store/database.h"
#include "store/dialect.h"
#include "store/sql.h"
#include "store/statements.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringView>

#include <array>
#include <chrono>
#include <memory>

namespace parley::server {

class Connection {
public:
    // The connection registered under `connectionName` (none when empty or unknown: every statement then fails with
    // Unavailable), opened as `spec` says when it has to be opened again. The Connection removes it when destroyed,
    // in the same thread.
    explicit Connection(const QString &connectionName, ConnectionSpec spec = {});
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    const QSqlDatabase &database() const { return m_db; }
    StoreDriver driver() const { return m_driver; }

    // Whether the connection is gone: the PostgreSQL server closed it or could not be reached (a restart, a network
    // cut), or it could not be opened at all.
    bool lost() const;
    // Opens the connection again, as it was first opened, from the thread that owns it and while no transaction is
    // open on it: a lost one, or one whose session the server ended (a statement failed with Io while the connection
    // still looked open). The dead connection and its driver go first, so that no statement is left to deallocate on
    // it. Tried at most once every ReopenInterval, unless `now`; Io while the server cannot be reached.
    Status reopen(bool now = false);
    static constexpr std::chrono::milliseconds ReopenInterval{1000};

    // The statement, prepared on first use (only for statements the driver can prepare: dialect::preparable()).
    Result<QSqlQuery *> prepared(Stmt id);
    // Drops a statement the driver may have finalised after a failure; it is prepared afresh next time.
    void forget(Stmt id) { m_statements[id].reset(); }

    Result<sql::Rows> exec(Stmt id, sql::Binds binds = {});
    Status run(Stmt id, sql::Binds binds = {}) { return sql::done(exec(id, binds)); }
    Result<int> change(Stmt id, sql::Binds binds = {}) { return sql::affected(exec(id, binds)); }
    // A statement that inserts one row and returns its id.
    Result<qint64> insert(Stmt id, sql::Binds binds) { return sql::insertedId(exec(id, binds), u"statement failed"); }

    template<typename T, typename Read>
    Result<T> one(Stmt id, sql::Binds binds, QStringView what, Read read, Result<T> absent)
    {
        return sql::firstRow<T>(exec(id, binds), what, read, std::move(absent));
    }
    template<typename T, typename Read>
    Result<QList<T>> all(Stmt id, sql::Binds binds, QStringView what, Read read)
    {
        return sql::allRows<T>(exec(id, binds), what, read);
    }
    // Success when the statement returns a row, `absent` when it returns none.
    Status exists(Stmt id, sql::Binds binds, QStringView what, Error absent);

    // A savepoint that could not be released or rolled back leaves the transaction in an unknown state.
    void markBroken(const QString &reason);
    void clearBroken();
    bool broken() const { return m_broken; }
    QString brokenReason() const { return m_brokenReason; }

    // Makes one Db method atomic on its own (a nested savepoint), so that an operation that carries on after a
    // failed call never commits half of it. Rolls back unless released.
    class Savepoint {
    public:
        explicit Savepoint(Connection &connection) : m_connection(connection) {}
        Savepoint(const Savepoint &) = delete;
        Savepoint &operator=(const Savepoint &) = delete;
        ~Savepoint();

        Status begin();
        Status release();

    private:
        Connection &m_connection;
        bool m_open = false;
    };

private:
    Result<sql::Rows> execOnce(Stmt id, sql::Binds binds);
    // Removes the connection: for PostgreSQL the connection (and its driver) first, then the statements, which then
    // have no server left to deallocate themselves on.
    void drop();

    QString m_connectionName;
    ConnectionSpec m_spec;
    QSqlDatabase m_db;
    StoreDriver m_driver = StoreDriver::Sqlite;
    std::chrono::steady_clock::time_point m_nextReopen;
    std::array<std::unique_ptr<QSqlQuery>, StmtCount> m_statements;
    bool m_broken = false;
    QString m_brokenReason;
};

} // namespace parley::server
