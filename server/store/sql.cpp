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
constexpr int SqliteConstraint = 19;

int primaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
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

Error toError(const QSqlError &error, QStringView what)
{
    const ErrorCode code = primaryCode(error) == SqliteConstraint ? ErrorCode::Conflict : ErrorCode::Database;
    return makeError(code, what.toString() + u": "_s + errorText(error));
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

Status Rows::status(QStringView what) const
{
    if (m_query->lastError().isValid())
        return toError(m_query->lastError(), what);
    return {};
}

namespace {
Status bindAndExec(QSqlQuery &query, Binds binds, QStringView what)
{
    int index = 0;
    for (const QVariant &value : binds)
        query.bindValue(index++, value);
    if (!query.exec())
        return toError(query.lastError(), what);
    return {};
}
} // namespace

Result<Rows> run(QSqlQuery *prepared, Binds binds, QStringView what)
{
    if (Status s = bindAndExec(*prepared, binds, what); !s)
        return s.error();
    return Rows(prepared);
}

Result<Rows> exec(const QSqlDatabase &db, const QString &statement, Binds binds, QStringView what)
{
    auto query = std::make_unique<QSqlQuery>(db);
    query->setForwardOnly(true);
    if (!query->prepare(statement))
        return toError(query->lastError(), what);
    if (Status s = bindAndExec(*query, binds, what); !s)
        return s.error();
    return Rows(std::move(query));
}

} // namespace parley::server::sql
