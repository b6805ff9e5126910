#pragma once

#include <QString>
#include <QStringList>

// The CSV of user import and export and of the audit export (RFC 4180 quoting).
namespace parley::server::csv {

// One field, quoted when it holds a comma, a quote or a line break.
QString field(const QString &value);
// One line into trimmed fields (quoting within the line).
QStringList fields(const QString &line);

} // namespace parley::server::csv
