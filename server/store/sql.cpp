#include "store/sql.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>

#include <utility>

using namespace Qt::StringLiterals;

namespace parley::server::sql {

namespace {

// SQLite primary result codes (the driver reports extended codes; the low byte is the primary one).
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteReadOnly = 8;
constexpr int SqliteIoErr = 10;
constexpr int SqliteFull = 13;
constexpr int SqliteCantOpen = 14;
constexpr int SqliteConstraint = 19;

thread_local bool t_storageFailure = false;

int nativeCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? code : -1;
}

int primaryCode(const QSqlError &error)
{
    const int code = nativeCode(error);
    return code < 0 ? -1 : (code & 0xff);
}

QString errorText(const QSqlError &error)
{
    const QString database = error.databaseText();
    const QString driver = error.driverText();
    if (database.isEmpty())
        return driver;
    if (driver.isEmpty())
        return database;
    return driver + u" ("_s + database + u')';
}

} // namespace

Error toError(const QSqlError &error, QStringView what, StoreDriver)
{
    ErrorCode code = ErrorCode::Database;
    switch (primaryCode(error)) {
    case SqliteConstraint:
        code = ErrorCode::Conflict;
        break;
    case SqliteReadOnly:
        // Plain SQLITE_READONLY is a write on a query_only connection (a reader): a fault of the caller. The
        // extended codes are the file's (it cannot be locked, recovered or written).
        if (nativeCode(error) == SqliteReadOnly)
            break;
        [[fallthrough]];
    case SqliteIoErr:
    case SqliteFull:
    case SqliteCantOpen:
        code = ErrorCode::Io;
        t_storageFailure = true;
        break;
    default:
        break;
    }
    return makeError(code, what.toString() + u": "_s + errorText(error));
}

bool takeStorageFailure()
{
    return std::exchange(t_storageFailure, false);
}

Status checkOpen(const QSqlDatabase &db, QStringView what)
{
    if (!db.isValid() || !db.isOpen())
        return makeError(ErrorCode::Unavailable, what.toString() + u": the database connection is not open"_s);
    return {};
}

bool isBusy(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteBusy || code == SqliteLocked;
}

QVariant blob(const QByteArray &bytes)
{
    return bytes.isNull() ? QVariant(QByteArray("", 0)) : QVariant(bytes);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

Rows::Rows(Rows &&other) noexcept
    : m_owned(std::move(other.m_owned)), m_query(std::exchange(other.m_query, nullptr))
{
}

Rows::~Rows()
{
    if (m_query)
        m_query->finish();
}

namespace {

StoreDriver driverOf(const QSqlQuery &)
{
    return StoreDriver::Sqlite;
}

Status bindAndExec(QSqlQuery &query, Binds binds, QStringView what)
{
    int index = 0;
    for (const QVariant &value : binds)
        query.bindValue(index++, value);
    if (!query.exec())
        return toError(query.lastError(), what, driverOf(query));
    return {};
}

} // namespace

Status Rows::status(QStringView what) const
{
    if (m_query->lastError().isValid())
        return toError(m_query->lastError(), what, driverOf(*m_query));
    return {};
}

Result<Rows> run(QSqlQuery *prepared, Binds binds, QStringView what)
{
    if (Status s = bindAndExec(*prepared, binds, what); !s)
        return s.error();
    return Rows(prepared);
}

Result<Rows> exec(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what)
{
    if (Status s = checkOpen(db, what); !s)
        return s.error();
    auto query = std::make_unique<QSqlQuery>(db);
    query->setForwardOnly(true);
    // Without values a statement runs as it is: nothing to bind, and some (transaction control, the schema's) cannot
    // be prepared on every driver.
    if (binds.begin() == binds.end()) {
        if (!query->exec(statement))
            return toError(query->lastError(), what, driverOf(*query));
        return Rows(std::move(query));
    }
    if (!query->prepare(statement))
        return toError(query->lastError(), what, driverOf(*query));
    if (Status s = bindAndExec(*query, binds, what); !s)
        return s.error();
    return Rows(std::move(query));
}

} // namespace parley::server::sql
