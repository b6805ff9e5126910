#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace parley::server {

// One data row of a user import: the user name it asks for, or why its shape is wrong.
struct ImportRow {
    qsizetype line = 0;
    QString name;
    QString problem;     // empty: the row has the columns it should
};

// The rows of user.import's CSV (RFC 4180, admin/csv.h): one column, the user name; or, after a header row (the
// first row, when one of its columns is `name`), the columns the header names: `name` and any of user.export's,
// which are ignored, so that an export imports back. Blank lines are skipped. Malformed CSV, an unknown or repeated
// header column, no rows at all or more than `maxRows` are refused as a whole (InvalidArgument, naming the line
// where it applies).
Result<QList<ImportRow>> readImport(QStringView csv, qsizetype maxRows);

// The header of user.export; readImport() takes it back.
const QStringList &exportColumns();

} // namespace parley::server
