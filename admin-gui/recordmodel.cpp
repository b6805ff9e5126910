#include "recordmodel.h"

#include "durationtext.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace parley::admin {

RecordModel::RecordModel(QList<Column> columns, QObject *parent) : QAbstractTableModel(parent), m_columns(std::move(columns))
{
}

RecordModel::~RecordModel() = default;

void RecordModel::setRecords(const QCborArray &records)
{
    beginResetModel();
    m_records.clear();
    for (const QCborValue &v : records)
        m_records << v.toMap();
    endResetModel();
}

void RecordModel::appendRecords(const QCborArray &records, int maxRows)
{
    if (records.isEmpty())
        return;
    beginResetModel();
    for (const QCborValue &v : records)
        m_records << v.toMap();
    if (m_records.size() > maxRows)
        m_records.remove(0, m_records.size() - maxRows);
    endResetModel();
}

QCborMap RecordModel::record(int row) const
{
    return m_records.value(row);
}

int RecordModel::columnOf(const QString &key) const
{
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (m_columns.at(i).key == key)
            return int(i);
    }
    return -1;
}

int RecordModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int RecordModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant RecordModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_records.size() || index.column() >= m_columns.size())
        return {};
    const Column &column = m_columns.at(index.column());
    const QCborValue value = m_records.at(index.row()).value(column.key);
    if (role == Qt::UserRole)
        return value.toVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (role == Qt::ToolTipRole && !column.toolTipKey.isEmpty())
        return m_records.at(index.row()).value(column.toolTipKey).toString();
    if (column.kind == Kind::Bytes && role == Qt::ToolTipRole && value.isInteger())
        return tr("%1 bytes").arg(QLocale().toString(value.toInteger()));
    switch (column.kind) {
    case Kind::Text:
        return value.toString();
    case Kind::Number:
        return value.isInteger() ? QLocale().toString(value.toInteger()) : value.toString();
    case Kind::Time:
        if (!value.isInteger() || value.toInteger() <= 0)
            return tr("never");
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(value.toInteger()), QLocale::ShortFormat);
    case Kind::Bool:
        return value.toBool() ? tr("yes") : tr("no");
    case Kind::Duration:
        return formatDuration(value.toInteger(), tr("none"));
    case Kind::Bytes:
        return value.isInteger() ? QLocale().formattedDataSize(value.toInteger()) : value.toString();
    case Kind::State: {
        const QString state = value.toString();
        if (state == u"active"_s)
            return tr("active");
        if (state == u"suspended"_s)
            return tr("suspended");
        if (state == u"pending"_s)
            return tr("waiting for enrollment");
        if (state == u"expired"_s)
            return tr("expired");
        if (state == u"revoked"_s)
            return tr("revoked");
        if (state == u"none"_s)
            return tr("no user");
        return state;
    }
    }
    return {};
}

QString RecordModel::formatDuration(qint64 seconds, const QString &zero)
{
    if (seconds <= 0)
        return zero;
    constexpr qint64 Minute = 60;
    constexpr qint64 Hour = 60 * Minute;
    constexpr qint64 Day = 24 * Hour;
    if (seconds % Day == 0)
        return DurationText::days(seconds / Day);
    if (seconds % Hour == 0)
        return DurationText::hours(seconds / Hour);
    if (seconds % Minute == 0)
        return DurationText::minutes(seconds / Minute);
    return DurationText::seconds(seconds);
}

QVariant RecordModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < m_columns.size())
        return m_columns.at(section).header;
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace parley::admin
