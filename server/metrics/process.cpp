#include "metrics/process.h"

#include <QByteArray>
#include <QList>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

namespace parley::server::metrics {

namespace {

QByteArray readProcFile(const char *path)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    QByteArray content;
    char buffer[1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n > 0) {
            content.append(buffer, qsizetype(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    ::close(fd);
    return content;
}

double seconds(clockid_t clock)
{
    timespec ts{};
    if (::clock_gettime(clock, &ts) != 0)
        return -1;
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Entries of /proc/self/fd (the directory's own descriptor among them, as Prometheus' clients count them).
qint64 openDescriptors()
{
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return -1;
    qint64 count = 0;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(dir);
    return count;
}

} // namespace

void writeProcessMetrics(Exposition &out)
{
    // /proc/self/stat: "PID (COMM) STATE ..."; COMM may hold spaces and parentheses, so fields count from the last ')'.
    const QByteArray stat = readProcFile("/proc/self/stat");
    const qsizetype close = stat.lastIndexOf(')');
    const QList<QByteArray> fields = close < 0 ? QList<QByteArray>() : stat.mid(close + 2).trimmed().split(' ');
    const long ticks = ::sysconf(_SC_CLK_TCK);
    const long page = ::sysconf(_SC_PAGESIZE);
    // fields[0] is field 3 of proc(5): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
    if (fields.size() > 21 && ticks > 0 && page > 0) {
        const auto field = [&fields](int number) { return double(fields.at(number - 3).toULongLong()); };
        out.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    (field(14) + field(15)) / double(ticks));
        out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", field(24) * double(page));
        out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", field(23));
        // starttime counts clock ticks since boot. The boot time is taken in whole seconds (as /proc/stat's btime),
        // so that the value stays the same from one scrape to the next.
        const double now = seconds(CLOCK_REALTIME);
        const double sinceBoot = seconds(CLOCK_BOOTTIME);
        if (now > 0 && sinceBoot > 0) {
            out.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                      std::round(now - sinceBoot) + field(22) / double(ticks));
        }
    }
    if (const qint64 open = openDescriptors(); open >= 0)
        out.gauge("process_open_fds", "Number of open file descriptors.", double(open));
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        out.gauge("process_max_fds", "Maximum number of open file descriptors.", double(limit.rlim_cur));
}

} // namespace parley::server::metrics
