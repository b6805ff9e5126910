#pragma once

// The store's one way to run a statement and read its rows: errors become typed results (a violated constraint is a
// Conflict, a failure of the storage under the database Io, anything else from the database Database), and "no row"
// is the caller's to name.

#include "core/result.h"
#include "store/database.h"

#include <QByteArray>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QStringView>
#include <QVariant>

#include <initializer_list>
#include <iterator>
#include <memory>

class QSqlDatabase;
class QSqlError;

namespace parley::server::sql {

// A violated constraint is a Conflict; a failure of the storage under the database (disk full, an I/O error such as a
// failed fsync, a read-only file system, a file that cannot be opened) is Io; anything else is Database.
Error toError(const QSqlError &error, QStringView what, StoreDriver driver);
// SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock.
bool isBusy(const QSqlError &error);
// Success when `db` is open; Unavailable when it is not (a closed store's connection); Io when the connection to a
// PostgreSQL server is lost (it is opened again by the connection's owner: Connection::reopen()).
Status checkOpen(const QSqlDatabase &db, QStringView what);
// An Io error, counted as a storage failure (takeStorageFailure()): the database cannot store anything.
Error storageError(const QString &message);
// Whether a statement of the calling thread met a storage failure (Io) since the last call; clears the record. The
// writer asks after a failed group commit: SQLite rolls the whole transaction back after such a failure, so the
// error the batch ends with (a savepoint that no longer exists) need not name the cause.
bool takeStorageFailure();

// Bound blobs are never NULL: an empty value is stored as a zero-length blob.
QVariant blob(const QByteArray &bytes);
qint64 nowMs();

// Positional values for one execution, from a braced list or a list built up at run time. Borrows them: use it
// within the call it is passed to.
class Binds {
public:
    Binds() = default;
    Binds(std::initializer_list<QVariant> values) : m_begin(std::data(values)), m_end(m_begin + values.size()) {}
    Binds(const QVariantList &values) : m_begin(values.constData()), m_end(values.constData() + values.size()) {}

    const QVariant *begin() const { return m_begin; }
    const QVariant *end() const { return m_end; }

private:
    const QVariant *m_begin = nullptr;
    const QVariant *m_end = nullptr;
};

// The rows of one execution. Resets the statement when it goes out of scope so that no read transaction stays open
// (a lingering one would pin an old WAL snapshot).
class Rows {
public:
    explicit Rows(QSqlQuery *prepared) : m_query(prepared) {}   // a cached statement, borrowed
    explicit Rows(std::unique_ptr<QSqlQuery> query) : m_owned(std::move(query)), m_query(m_owned.get()) {}
    Rows(Rows &&other) noexcept;
    Rows(const Rows &) = delete;
    Rows &operator=(const Rows &) = delete;
    Rows &operator=(Rows &&) = delete;
    ~Rows();

    bool next() { return m_query->next(); }
    QVariant value(int column) const { return m_query->value(column); }
    bool isNull(int column) const { return m_query->value(column).isNull(); }
    double real(int column) const { return m_query->value(column).toDouble(); }
    qint64 integer(int column) const { return m_query->value(column).toLongLong(); }
    QByteArray bytes(int column) const { return m_query->value(column).toByteArray(); }
    QString text(int column) const { return m_query->value(column).toString(); }
    int rowsAffected() const { return m_query->numRowsAffected(); }
    // After next() returned false: whether that was the end of the rows or an error.
    Status status(QStringView what) const;

private:
    std::unique_ptr<QSqlQuery> m_owned;
    QSqlQuery *m_query;
};

// Binds `binds` in order to a prepared statement and runs it.
Result<Rows> run(QSqlQuery *prepared, Binds binds, QStringView what);
// Prepares `statement` on `db` for this one execution, binds `binds` in order and runs it.
Result<Rows> exec(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what);

// The first row through `read`, or `absent` when there is none (an error while stepping stays an error).
template<typename T, typename Read>
Result<T> firstRow(Result<Rows> rows, QStringView what, Read read, Result<T> absent)
{
    if (!rows)
        return rows.error();
    if (!rows->next()) {
        if (Status s = rows->status(what); !s)
            return s.error();
        return absent;
    }
    return Result<T>(read(static_cast<const Rows &>(*rows)));
}

// Every row through `read`.
template<typename T, typename Read>
Result<QList<T>> allRows(Result<Rows> rows, QStringView what, Read read)
{
    if (!rows)
        return rows.error();
    QList<T> out;
    while (rows->next())
        out.append(read(static_cast<const Rows &>(*rows)));
    if (Status s = rows->status(what); !s)
        return s.error();
    return out;
}

// The id an INSERT ... RETURNING returns for the row it inserted.
inline Result<qint64> insertedId(Result<Rows> rows, QStringView what)
{
    if (!rows)
        return rows.error();
    if (!rows->next()) {
        if (Status s = rows->status(what); !s)
            return s.error();
        return makeError(ErrorCode::Database, what.toString() + QStringLiteral(": the insert returned no row"));
    }
    return rows->integer(0);
}

// How many rows the statement changed.
inline Result<int> affected(Result<Rows> rows)
{
    if (!rows)
        return rows.error();
    return rows->rowsAffected();
}

// Success or the statement's error, for statements whose rows do not matter.
inline Status done(Result<Rows> rows)
{
    if (!rows)
        return rows.error();
    return {};
}

// One-off statements on `db` (not cached): the first row, every row, the changed-row count, or just success.
template<typename T, typename Read>
Result<T> queryOne(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what, Read read,
                   Result<T> absent)
{
    return firstRow<T>(exec(db, statement, binds, what), what, read, std::move(absent));
}

template<typename T, typename Read>
Result<QList<T>> queryAll(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what, Read read)
{
    return allRows<T>(exec(db, statement, binds, what), what, read);
}

inline Result<int> change(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what)
{
    return affected(exec(db, statement, binds, what));
}

inline Status apply(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what)
{
    return done(exec(db, statement, binds, what));
}

// An INSERT ... RETURNING id on `db`: the new row's id.
inline Result<qint64> insert(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what)
{
    return insertedId(exec(db, statement, binds, what), what);
}

} // namespace parley::server::sql
