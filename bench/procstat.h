#pragma once

// A process's CPU time from /proc/PID/stat, for the benchmark programs that read the server's.

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace parley::bench {

// utime + stime of every thread of the process, in clock ticks (sysconf(_SC_CLK_TCK) per second); -1 when unreadable.
inline qint64 processCpuTicks(qint64 pid)
{
    if (pid <= 0)
        return -1;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are fields 14 and 15.
    const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (f.size() <= 13)
        return -1;
    return f.at(11).toLongLong() + f.at(12).toLongLong();
}

} // namespace parley::bench
