#include "store/sql.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>

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

// PostgreSQL's SQLSTATE: class 23 is a violated constraint; the server gone or going (class 08, 57P01-57P03), out of
// resources (class 53: disk full, memory, connections), an I/O or system error (class 58) or a corrupted page (XX001,
// XX002) is the storage failing; no SQLSTATE at all is a connection that broke before the server answered.
ErrorCode postgresCode(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    if (state.startsWith(u"23"_s))
        return ErrorCode::Conflict;
    if (state.isEmpty() || state.startsWith(u"08"_s) || state.startsWith(u"53"_s) || state.startsWith(u"58"_s)
        || state == u"57P01"_s || state == u"57P02"_s || state == u"57P03"_s || state == u"XX001"_s || state == u"XX002"_s)
        return ErrorCode::Io;
    return ErrorCode::Database;
}

} // namespace

Error storageError(const QString &message)
{
    t_storageFailure = true;
    return makeError(ErrorCode::Io, message);
}

Error toError(const QSqlError &error, QStringView what, StoreDriver driver)
{
    if (driver == StoreDriver::PostgreSql) {
        const ErrorCode code = postgresCode(error);
        if (code == ErrorCode::Io)
            t_storageFailure = true;
        return makeError(code, what.toString() + u": "_s + errorText(error).simplified());
    }
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
    if (db.isValid() && !db.isOpen() && db.driverName() == u"QPSQL"_s) {
        const QString why = db.lastError().databaseText().simplified();
        return storageError(what.toString() + u": the connection to the database server is lost"_s
                            + (why.isEmpty() ? QString() : u" ("_s + why + u')'));
    }
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

StoreDriver driverOf(const QSqlQuery &query)
{
    const QSqlDriver *driver = query.driver();
    return driver && driver->dbmsType() == QSqlDriver::PostgreSQL ? StoreDriver::PostgreSql : StoreDriver::Sqlite;
}

// PostgreSQL: a statement run once has its values written into its text by the driver's own quoting (the same the
// driver uses for the values of a prepared statement), so that it costs one round trip instead of three (PREPARE,
// EXECUTE, DEALLOCATE). Placeholders are the ? outside quotes.
QString withValues(const QSqlDriver &driver, const QString &statement, Binds binds)
{
    QString out;
    out.reserve(statement.size() + 64);
    const QVariant *value = binds.begin();
    QChar quote;
    for (const QChar c : statement) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'?' && value != binds.end()) {
            QSqlField field(QString(), value->metaType());
            if (!value->isNull())
                field.setValue(*value);
            out += driver.formatValue(field);
            ++value;
            continue;
        }
        out += c;
    }
    return out;
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
    const bool postgres = driverOf(*query) == StoreDriver::PostgreSql;
    if (binds.begin() == binds.end() || postgres) {
        const QString text = postgres ? withValues(*db.driver(), statement, binds) : statement;
        if (!query->exec(text))
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
