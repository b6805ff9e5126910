// The CSV of user import (server/admin/csv.cpp, RFC 4180) and the import rows read from it
// (server/admin/userimport.cpp), as the daemon runs them on the text of a user.import call.
// Invariants: a document that parses has records of at least one field on ascending lines; writing its records
// with csv::record() gives a document that parses to the same fields; an import that is accepted has between one
// row and the row limit, on ascending lines.

#include "fuzzsupport.h"

#include "admin/csv.h"
#include "admin/userimport.h"

#include <cstddef>
#include <cstdint>

using namespace parley;
using namespace parley::server;

namespace {

constexpr qsizetype MaxRows = 100;

QList<QStringList> fieldsOf(const QList<csv::Record> &records)
{
    QList<QStringList> out;
    for (const csv::Record &r : records)
        out.append(r.fields);
    return out;
}

void checkParse(const QString &text)
{
    Result<QList<csv::Record>> records = csv::parse(text);
    if (!records)
        return;
    qsizetype line = 0;
    QString written;
    for (const csv::Record &r : *records) {
        FUZZ_CHECK(!r.fields.isEmpty());
        FUZZ_CHECK(r.line > line);
        line = r.line;
        written += csv::record(r.fields);
    }
    Result<QList<csv::Record>> again = csv::parse(written);
    FUZZ_CHECK(again);
    FUZZ_CHECK(fieldsOf(*again) == fieldsOf(*records));
}

void checkImport(const QString &text)
{
    Result<QList<ImportRow>> rows = readImport(text, MaxRows);
    if (!rows)
        return;
    FUZZ_CHECK(!rows->isEmpty() && rows->size() <= MaxRows);
    qsizetype line = 0;
    for (const ImportRow &row : *rows) {
        FUZZ_CHECK(row.line > line);
        line = row.line;
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    checkParse(text);
    checkImport(text);
    return 0;
}
