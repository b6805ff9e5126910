#pragma once

// What the soak reads of a process and of the machine from /proc: plain reads, no Qt event loop needed (the
// parent samples the daemon before it has one).

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace parley::bench::soak {

inline std::string readSmallFile(const std::string &path)
{
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return out;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        out.append(buffer, size_t(n));
    ::close(fd);
    return out;
}

// VmRSS in KB; -1 when the process is gone.
inline long long rssKb(long pid)
{
    const std::string status = readSmallFile("/proc/" + std::to_string(pid) + "/status");
    const size_t at = status.find("VmRSS:");
    return at == std::string::npos ? -1 : std::atoll(status.c_str() + at + 6);
}

// Entries of /proc/PID/fd; -1 when unreadable.
inline long long openFds(long pid)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR *dir = ::opendir(path.c_str());
    if (!dir)
        return -1;
    long long n = 0;
    while (const dirent *e = ::readdir(dir)) {
        if (e->d_name[0] != '.')
            ++n;
    }
    ::closedir(dir);
    return n;
}

// utime + stime of a process in clock ticks; -1 when unreadable.
inline long long cpuTicks(long pid)
{
    const std::string stat = readSmallFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return -1;
    // Fields after the command name: state is field 3, utime and stime are fields 14 and 15.
    const char *p = stat.c_str() + close + 2;
    for (int field = 3; field < 14 && *p; ++field) {
        p = std::strchr(p, ' ');
        if (!p)
            return -1;
        ++p;
    }
    char *end = nullptr;
    const long long utime = std::strtoll(p, &end, 10);
    const long long stime = std::strtoll(end, nullptr, 10);
    return utime + stime;
}

// The whole machine's CPU time from /proc/stat, in ticks: busy (user, nice, system, irq, softirq, steal) and total.
struct MachineTicks {
    long long busy = 0;
    long long total = 0;
};

inline MachineTicks machineTicks()
{
    MachineTicks m;
    const std::string stat = readSmallFile("/proc/stat");
    const char *p = stat.c_str();
    if (std::strncmp(p, "cpu ", 4) != 0)
        return m;
    p += 4;
    for (int i = 1; i <= 8; ++i) {   // user nice system idle iowait irq softirq steal
        char *end = nullptr;
        const long long v = std::strtoll(p, &end, 10);
        if (end == p)
            break;
        p = end;
        m.total += v;
        if (i != 4 && i != 5)
            m.busy += v;
    }
    return m;
}

inline double loadAverage()
{
    return std::atof(readSmallFile("/proc/loadavg").c_str());
}

} // namespace parley::bench::soak
