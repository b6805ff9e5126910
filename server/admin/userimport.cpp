#include "admin/userimport.h"

#include "admin/csv.h"

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

bool isBlank(const csv::Record &record)
{
    return record.fields.size() == 1 && record.fields.first().isEmpty();
}

// The header's columns, lower-cased, when they are `name` and columns of the export, each once.
Result<QStringList> headerColumns(const csv::Record &header)
{
    QStringList columns;
    for (const QString &f : header.fields) {
        const QString column = f.toLower();
        if (!exportColumns().contains(column))
            return makeError(ErrorCode::InvalidArgument, u"line %1: unknown column '%2' (a header names name and, "
                                                         "optionally, the other columns of user.export)"_s
                                                             .arg(header.line).arg(f.left(64)));
        if (columns.contains(column))
            return makeError(ErrorCode::InvalidArgument, u"line %1: column '%2' named twice"_s.arg(header.line).arg(column));
        columns << column;
    }
    return columns;
}

} // namespace

const QStringList &exportColumns()
{
    static const QStringList columns = {u"name"_s, u"state"_s, u"devices"_s, u"created_at"_s, u"last_seen"_s, u"queued"_s};
    return columns;
}

Result<QList<ImportRow>> readImport(QStringView csv, qsizetype maxRows)
{
    auto records = csv::parse(csv);
    if (!records)
        return records.error();
    QStringList columns{u"name"_s};
    bool header = false;
    QList<ImportRow> rows;
    for (const csv::Record &record : std::as_const(*records)) {
        if (isBlank(record))
            continue;
        if (!header && rows.isEmpty() && record.fields.contains(u"name"_s, Qt::CaseInsensitive)) {
            auto named = headerColumns(record);
            if (!named)
                return named.error();
            columns = *named;
            header = true;
            continue;
        }
        ImportRow row{record.line, record.fields.value(columns.indexOf(u"name"_s)), {}};
        if (record.fields.size() != columns.size()) {
            row.name = record.fields.first();
            row.problem = header && columns.size() > 1
                              ? u"%1 columns expected, as in the header"_s.arg(columns.size())
                              : u"one column (name) expected"_s;
        }
        rows << row;
        if (rows.size() > maxRows)
            return makeError(ErrorCode::InvalidArgument, u"at most %1 rows per import"_s.arg(maxRows));
    }
    if (rows.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"csv: no user names"_s);
    return rows;
}

} // namespace parley::server
