#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

// The CSV of user import and export and of the audit export: RFC 4180. Fields are separated by commas and records
// by CRLF or LF; a field that holds a comma, a quote or a line break is quoted, with its quotes doubled. Nothing is
// trimmed: spaces belong to the field.
namespace parley::server::csv {

struct Record {
    qsizetype line = 0;     // the line (1-based) the record starts on
    QStringList fields;
};

// One field, quoted when it holds a comma, a quote or a line break, or starts with a byte order mark.
QString field(const QString &value);
// One record: the fields as field() writes them, joined by commas, ended by a line feed.
QString record(const QStringList &fields);
// A whole document into its records (a leading UTF-8 byte order mark is skipped; a line break at the end does not
// start another record). Malformed text is refused naming its line: "line 2: unterminated quoted field".
Result<QList<Record>> parse(QStringView text);

} // namespace parley::server::csv
