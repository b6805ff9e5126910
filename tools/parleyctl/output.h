#pragma once

// How parleyctl prints: results as text tables (or JSON), messages on standard error, and its exit codes.

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QString>

namespace parley::ctl {

// Exit codes (docs/admin-api.md).
constexpr int ExitOk = 0;
constexpr int ExitOther = 1;
constexpr int ExitUsage = 2;
constexpr int ExitAuth = 3;
constexpr int ExitNotFound = 4;
constexpr int ExitConflict = 5;
constexpr int ExitPartial = 6;     // the call ran, but some of its items failed (rows of `user import`)

void printOut(const QString &text);
// "parleyctl: MESSAGE" on standard error; returns `code`.
int printError(int code, const QString &message);
// The exit code for an admin error code.
int exitCodeFor(const QString &error);

// One value as text: times as ISO 8601, booleans as yes/no, nested values as compact JSON.
QString formatValue(const QString &key, const QCborValue &v);
// An array of maps as a table with a column per key.
QString table(const QCborArray &rows);
// A result map for people: scalars as "key: value", arrays of maps as tables.
QString human(const QCborMap &result);

} // namespace parley::ctl
