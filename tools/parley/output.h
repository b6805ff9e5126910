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
// A size for people: "512 bytes", "1.5 KiB", "12.3 MiB", "1.0 GiB".
QString formatBytes(qint64 bytes);

// Progress of a transfer on standard error: on a terminal one line redrawn at most five times a second, else a
// line at every tenth of the way (and at the end).
class ProgressLine {
public:
    explicit ProgressLine(QString label);
    void update(qint64 done, qint64 total);
    // Ends a redrawn line (before other output, and at the end).
    void close();

private:
    QString m_label;
    bool m_tty = false;
    qint64 m_lastDrawMs = 0;
    int m_lastTenth = -1;
    bool m_open = false;
};

} // namespace parley::cli
