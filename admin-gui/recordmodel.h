#pragma once

#include <QAbstractTableModel>
#include <QCborArray>
#include <QCborMap>
#include <QList>
#include <QString>

namespace parley::admin {

// A read-only table over a list of CBOR maps as the admin API returns them (users, devices, events, audit records).
// Columns name the map key and how to show it; the sort role (Qt::UserRole) holds the raw value. A Bytes column shows
// the size in binary units (1.46 MiB), its tooltip the exact number of bytes.
class RecordModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Kind { Text, Number, Time, Bool, State, Duration, Bytes };
    struct Column {
        Column(QString k, QString h, Kind kd = Kind::Text, QString tip = {})
            : key(std::move(k)), header(std::move(h)), kind(kd), toolTipKey(std::move(tip))
        {
        }
        QString key;
        QString header;
        Kind kind = Kind::Text;
        QString toolTipKey;     // the tooltip shows this key's text instead of the cell's (e.g. a DN behind a name)
    };

    explicit RecordModel(QList<Column> columns, QObject *parent = nullptr);
    ~RecordModel() override;

    void setRecords(const QCborArray &records);
    void appendRecords(const QCborArray &records, int maxRows);
    QCborMap record(int row) const;
    int columnOf(const QString &key) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A number of seconds for people ("90 minutes", "2 days"); 0 gives `zero`.
    static QString formatDuration(qint64 seconds, const QString &zero);

private:
    QList<Column> m_columns;
    QList<QCborMap> m_records;
};

} // namespace parley::admin
