// parley-soak: a real parleyd under steady load for a long time, and whether it stays flat (docs/reliability.md).
//
//   parley-soak [--parleyd PATH] [--connections N] [--duration S] [--interval S] [--rate R] [--room-rate R]
//               [--room-size M] [--reconnect-rate R] [--procs P] [--out DIR] [--no-plot] [--drain-timeout S]
//               [--server-cpus LIST] [--load-cpus LIST] [bounds]
//
//   --connections N     devices, each with its own TLS WebSocket connection (default 10000; even)
//   --duration S        the timed part in seconds (default 3600); its second half is judged
//   --interval S        seconds between samples (default 10)
//   --rate R            1:1 messages per second in all (default N / 50: each device writes every 100 s)
//   --room-rate R       room messages per second in all (default N / 500)
//   --room-size M       devices per room, 2 to 64 (default 10; 0: no rooms)
//   --reconnect-rate R  devices per second that leave and log in again (default N / 5000)
//   --procs P           client processes (default 2)
//   --out DIR           soak.csv, summary.txt, soak.png and parleyd.log (default: the current directory)
//   --no-plot           no soak.png (gnuplot is needed for it)
//   --drain-timeout S   how long the messages still on their way may take after the timed part (default 60)
//   --server-cpus LIST, --load-cpus LIST   taskset CPU lists for parleyd and for the client processes
//   bounds (judge.h): --rss-pct-per-hour X (5), --rss-floor-mb X (4), --fd-growth N (16), --fd-slack N (16),
//                     --queue-growth N (200), --p99-rise X (0.5), --p99-floor-ms X (5), --min-sent X (0.95)
//
// Exit status: 0 PASS, 1 FAIL, 2 the run could not be carried out.
//
// The run: devices are provisioned into a fresh database (bench/loadgen/provision.cpp), parleyd starts on loopback
// with its admin listener, P client processes (soakworker.h) connect and log every device in and create the rooms,
// then the traffic runs for S seconds while the parent samples (controller.h); the parent judges (judge.h).

#include "controller.h"
#include "procfs.h"
#include "soakworker.h"
#include "../loadgen/identities.h"
#include "../loadgen/provision.h"

#include "core/epolldispatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QUrl>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <numeric>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::bench;
using namespace parley::bench::soak;

namespace {

constexpr int DaemonStartSeconds = 60;
constexpr int FdMargin = 200;              // descriptors a process needs besides its connections

int usage(const char *message)
{
    std::fprintf(stderr, "parley-soak: %s\n(see the comment at the top of bench/soak/main.cpp)\n", message);
    return 2;
}

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "parley-soak: %s\n", qPrintable(message));
    std::exit(2);
}

rlim_t raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

// `taskset -c LIST PROGRAM ARGS` when LIST is set.
std::vector<std::string> pinned(const QString &cpus, std::vector<std::string> command)
{
    if (cpus.isEmpty())
        return command;
    command.insert(command.begin(), {"taskset", "-c", cpus.toStdString()});
    return command;
}

// Runs `fn` in a child process (before this process has any thread) and returns its exit status.
template<typename F>
int inChild(F fn)
{
    const pid_t pid = ::fork();
    if (pid < 0)
        die(u"fork failed"_s);
    if (pid == 0)
        _exit(fn());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

struct Started {
    pid_t pid = 0;
    QUrl url;
    QString admin;
    QString fingerprint;
    QString passwordFile;
};

Started startDaemon(const QString &parleyd, const QString &config, const QString &log, const QString &cpus)
{
    Started s;
    const std::vector<std::string> command =
        pinned(cpus, {parleyd.toStdString(), "--config", config.toStdString()});
    s.pid = ::fork();
    if (s.pid < 0)
        die(u"fork failed"_s);
    if (s.pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);   // no daemon left behind when the soak is killed
        const int fd = ::open(log.toLocal8Bit().constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            _exit(127);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
        std::vector<char *> argv;
        for (const std::string &a : command)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        _exit(127);
    }
    for (int i = 0; i < DaemonStartSeconds * 10; ++i) {
        const QString text = QString::fromStdString(readSmallFile(log.toStdString()));
        for (const QString &line : text.split(u'\n')) {
            if (line.startsWith(u"listen "_s))
                s.url = QUrl(line.mid(7));
            else if (line.startsWith(u"fingerprint "_s))
                s.fingerprint = line.mid(12);
            else if (line.startsWith(u"admin wss://"_s))
                s.admin = QUrl(line.mid(6)).authority();
        }
        if (s.url.isValid() && !s.admin.isEmpty() && !s.fingerprint.isEmpty())
            return s;
        int status = 0;
        if (::waitpid(s.pid, &status, WNOHANG) == s.pid)
            die(u"parleyd ended at start-up:\n%1"_s.arg(text));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(s.pid, SIGKILL);
    die(u"parleyd did not start within %1 s (see %2)"_s.arg(DaemonStartSeconds).arg(log));
}

} // namespace

int main(int argc, char **argv)
{
    QHash<QString, QString> args;
    bool plot = true;
    for (int i = 1; i < argc; ++i) {
        const QString key = QString::fromLocal8Bit(argv[i]);
        if (key == u"--no-plot"_s) {
            plot = false;
            continue;
        }
        if (!key.startsWith(u"--"_s) || i + 1 >= argc)
            return usage("options are --key value pairs (and --no-plot)");
        args.insert(key.mid(2), QString::fromLocal8Bit(argv[++i]));
    }
    static const QStringList known = {u"parleyd"_s, u"connections"_s, u"duration"_s, u"interval"_s, u"rate"_s,
                                      u"room-rate"_s, u"room-size"_s, u"reconnect-rate"_s, u"procs"_s, u"out"_s,
                                      u"drain-timeout"_s, u"server-cpus"_s, u"load-cpus"_s, u"rss-pct-per-hour"_s,
                                      u"rss-floor-mb"_s, u"fd-growth"_s, u"fd-slack"_s, u"queue-growth"_s,
                                      u"p99-rise"_s, u"p99-floor-ms"_s, u"min-sent"_s};
    for (auto it = args.cbegin(); it != args.cend(); ++it) {
        if (!known.contains(it.key()))
            return usage(qPrintable(u"unknown option --%1"_s.arg(it.key())));
    }
    RunOptions run;
    run.connections = args.value(u"connections"_s, u"10000"_s).toInt();
    run.durationSeconds = args.value(u"duration"_s, u"3600"_s).toInt();
    run.intervalSeconds = args.value(u"interval"_s, u"10"_s).toDouble();
    run.pairRate = args.value(u"rate"_s, QString::number(run.connections / 50.0)).toDouble();
    run.roomRate = args.value(u"room-rate"_s, QString::number(run.connections / 500.0)).toDouble();
    run.roomSize = args.value(u"room-size"_s, u"10"_s).toInt();
    run.reconnectRate = args.value(u"reconnect-rate"_s, QString::number(run.connections / 5000.0)).toDouble();
    run.drainTimeoutSeconds = args.value(u"drain-timeout"_s, u"60"_s).toInt();
    run.outDir = QDir(args.value(u"out"_s, u"."_s)).absolutePath();
    run.plot = plot;
    run.plotScript = QStringLiteral(SOAK_PLOT_SCRIPT);
    Bounds &b = run.bounds;
    b.rssPctPerHour = args.value(u"rss-pct-per-hour"_s, QString::number(b.rssPctPerHour)).toDouble();
    b.rssFloorKb = args.value(u"rss-floor-mb"_s, QString::number(b.rssFloorKb / 1024)).toDouble() * 1024;
    b.fdGrowth = args.value(u"fd-growth"_s, QString::number(b.fdGrowth)).toDouble();
    b.fdSlack = args.value(u"fd-slack"_s, QString::number(b.fdSlack)).toDouble();
    b.queueGrowth = args.value(u"queue-growth"_s, QString::number(b.queueGrowth)).toDouble();
    b.p99RiseFraction = args.value(u"p99-rise"_s, QString::number(b.p99RiseFraction)).toDouble();
    b.p99FloorMs = args.value(u"p99-floor-ms"_s, QString::number(b.p99FloorMs)).toDouble();
    b.minSentFraction = args.value(u"min-sent"_s, QString::number(b.minSentFraction)).toDouble();
    const int procs = std::max(1, args.value(u"procs"_s, u"2"_s).toInt());
    const QString parleyd = args.value(u"parleyd"_s, QStringLiteral(PARLEYD_BINARY));
    const QString serverCpus = args.value(u"server-cpus"_s);
    const QString loadCpus = args.value(u"load-cpus"_s);
    if (run.connections < 2 || run.connections % 2 != 0 || run.durationSeconds < 1 || run.intervalSeconds < 0.1
        || run.pairRate < 0 || run.roomRate < 0 || run.reconnectRate < 0 || run.pairRate + run.roomRate <= 0)
        return usage("--connections must be even and at least 2, --duration and --interval positive, the rates not "
                     "negative and not both 0");
    if (run.roomSize != 0 && (run.roomSize < 2 || run.roomSize > 64))
        return usage("--room-size takes 2 to 64, or 0");
    if (run.roomSize == 0)
        run.roomRate = 0;
    for (int i = 0; i < argc; ++i)
        run.commandLine += (i ? u" "_s : QString()) + QString::fromLocal8Bit(argv[i]);

    // Descriptors: the daemon holds every connection, each client process its share.
    const rlim_t limit = raiseFileLimit();
    if (limit != RLIM_INFINITY && rlim_t(run.connections + FdMargin) > limit)
        die(u"the descriptor limit is %1: not enough for %2 connections in parleyd (raise the hard limit, or use "
            "fewer --connections)"_s.arg(qulonglong(limit)).arg(run.connections));
    const int workers = std::min(procs, run.connections / 2);
    // Shares: even, and whole rooms where rooms are asked for.
    const int unit = run.roomSize > 0 ? std::lcm(2, run.roomSize) : 2;
    const int units = run.connections / unit;
    if (units < workers)
        die(u"--connections %1 is too few for %2 processes with rooms of %3"_s.arg(run.connections).arg(workers)
                .arg(run.roomSize));

    char workTemplate[] = "/tmp/parley-soak.XXXXXX";
    if (!::mkdtemp(workTemplate))
        die(u"no temporary directory"_s);
    const QString work = QString::fromLocal8Bit(workTemplate);
    ::chmod(workTemplate, 0755);   // parleyd may run as another user in the future; the data dir stays 0700
    const QString dataDir = work + u"/data"_s;
    const QString identities = work + u"/identities.txt"_s;
    const QString config = work + u"/parleyd.conf"_s;
    const QString log = work + u"/parleyd.log"_s;
    ::mkdir(dataDir.toLocal8Bit().constData(), 0700);

    const auto began = std::chrono::steady_clock::now();
    const auto seconds = [&began] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    };
    std::fprintf(stderr, "parley-soak: provisioning %d devices in %s\n", run.connections, qPrintable(work));
    const int provisioned = inChild([&] {
        QCoreApplication app(argc, argv);
        ProvisionOptions p;
        p.databaseFile = dataDir + u"/parleyd.sqlite"_s;
        p.identityFile = identities;
        p.users = run.connections;
        if (Status s = provision(p); !s) {
            std::fprintf(stderr, "parley-soak: %s\n", qPrintable(s.error().message));
            return 1;
        }
        return 0;
    });
    if (provisioned != 0)
        die(u"provisioning failed"_s);
    {
        QFile conf(config);
        if (!conf.open(QIODevice::WriteOnly))
            die(u"cannot write %1"_s.arg(config));
        // The shipped defaults but the addresses and the data directory.
        conf.write(u"[server]\nlisten=127.0.0.1:0\ndata_dir=%1\n\n[admin]\nlisten=127.0.0.1:0\n"_s.arg(dataDir).toUtf8());
    }
    const Started started = startDaemon(parleyd, config, log, serverCpus);
    DaemonInfo daemon;
    daemon.pid = started.pid;
    daemon.adminAddress = started.admin;
    daemon.fingerprint = started.fingerprint;
    daemon.initialPasswordFile = dataDir + u"/initial-admin-password"_s;
    daemon.logFile = log;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));   // the daemon settles after its first lines
    daemon.fdsBefore = openFds(daemon.pid);
    daemon.rssBeforeKb = rssKb(daemon.pid);
    std::fprintf(stderr, "parley-soak: %.1f s: parleyd %d at %s: %lld KB RSS, %lld descriptors before any client\n",
                 seconds(), int(daemon.pid), qPrintable(started.url.toString()), daemon.rssBeforeKb, daemon.fdsBefore);

    // The client processes, forked before this process starts any thread of its own.
    if (!loadCpus.isEmpty()) {
        const QByteArray pin = "taskset -pc " + loadCpus.toLocal8Bit() + ' ' + QByteArray::number(::getpid()) + " >/dev/null";
        if (std::system(pin.constData()) != 0)
            die(u"taskset failed for --load-cpus %1"_s.arg(loadCpus));
    }
    std::vector<WorkerProcess> children;
    {
        // Identities are read here, after provisioning, in this (still single-threaded) process.
        auto ids = readIdentities(identities);
        if (!ids)
            die(ids.error().message);
        int first = 0;
        for (int w = 0; w < workers; ++w) {
            const int share = (units / workers + (w < units % workers ? 1 : 0)) * unit
                + (w == workers - 1 ? run.connections - units * unit : 0);
            int toChild[2], fromChild[2];
            if (::pipe(toChild) != 0 || ::pipe(fromChild) != 0)
                die(u"pipe failed"_s);
            const pid_t pid = ::fork();
            if (pid < 0)
                die(u"fork failed"_s);
            if (pid == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                ::close(toChild[1]);
                ::close(fromChild[0]);
                soak::WorkerOptions o;
                o.url = started.url;
                o.identities = *ids;
                o.first = first;
                o.count = share;
                o.roomSize = run.roomSize;
                const double fraction = double(share) / double(run.connections);
                o.pairRate = run.pairRate * fraction;
                o.roomRate = run.roomRate * fraction;
                o.reconnectRate = run.reconnectRate * fraction;
                o.controlIn = toChild[0];
                o.controlOut = fromChild[1];
                core::installEpollDispatcher();
                QCoreApplication app(argc, argv);
                QLoggingCategory::setFilterRules(u"parley.*.debug=false\nparley.*.info=false"_s);
                soak::Worker worker(o);
                worker.start();
                app.exec();
                _exit(0);
            }
            ::close(toChild[0]);
            ::close(fromChild[1]);
            children.push_back({pid, toChild[1], fromChild[0]});
            first += share;
        }
    }

    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"parley.*.debug=false\nparley.*.info=false"_s);
    Controller controller(run, daemon, std::move(children));
    controller.start();
    const int status = app.exec();
    // The daemon's log goes with the results; the rest of a passed run's work directory goes.
    const QString keptLog = QDir(run.outDir).filePath(u"parleyd.log"_s);
    QFile::remove(keptLog);
    QFile::copy(log, keptLog);
    if (status == 0)
        QDir(work).removeRecursively();
    else
        std::fprintf(stderr, "parley-soak: the run's work directory is kept: %s\n", qPrintable(work));
    std::fprintf(stderr, "parley-soak: parleyd's log: %s\n", qPrintable(keptLog));
    return status;
}
