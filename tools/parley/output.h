#pragma once

// What `parley` prints and the exit statuses it ends with.

#include <QString>

#include <cstdio>

namespace parley::cli {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;

// Writes one line and flushes it (the tests and scripts read the output as it comes).
void writeLine(FILE *stream, const QString &line);
// One line for people: collapses line breaks a server message might carry.
QString oneLine(QString text);

} // namespace parley::cli
