// parley-loadgen: the load generator of the Parley benchmark (bench/run.sh drives it).
//
//   parley-loadgen frame-size --identities FILE       prints the size of one `send` frame
//   parley-loadgen provision --db FILE --identities FILE --users N [--fill-queue N]
//   parley-loadgen provision --pg-port PORT --pg-database NAME --pg-user ROLE [--pg-host HOST] --identities FILE
//                      --users N [--fill-queue N]      (a PostgreSQL database on loopback without a password)
//   parley-loadgen run --mode parley|floor|xmpp --task traffic|idle|sessions|resumed|drain --url wss://HOST:PORT/PATH
//                      [--identities FILE] --connections N [--procs P] [--messages M] [--window W] [--rate R]
//                      [--payload BYTES] [--seconds S] [--expected N] [--server-pid PID] [--timeout S]
//                      [--urls URL,URL,...] [--hook COMMAND]
//
// --urls (instead of --url): several servers, e.g. the nodes of a cluster; connection i (identity i) goes to
// URL number i modulo their count, so with two or three URLs a traffic pair's sender and receiver (connections 2k
// and 2k+1) always sit on different servers. --hook: a shell command run as "COMMAND start" once every worker is
// ready, just before the server's CPU time is read and the timed part starts, and as "COMMAND end" after the last
// reading of the server's CPU time (bench/cluster.sh reads its counters there); its time is not in the figures.
//
// `run` forks P worker processes (each with its own event loop and a contiguous share of the connections), waits
// until every worker is connected and logged in (set-up: envelopes are built before that), reads the server's CPU
// time from /proc, starts the timed part in every worker at once, collects the figures and prints one line
// (`resumed`, parley only: set-up logs every connection in once with its device key and keeps the TLS session and
// the resumption credential; the timed part then loops connect -> resumed TLS -> resumed login -> close):
//   RESULT key=value ...

#include "identities.h"
#include "provision.h"
#include "worker.h"
#include "../procstat.h"

#include "core/epolldispatcher.h"
#include "protocol/frame.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHash>

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::bench;

namespace {

int usage(const char *message)
{
    std::fprintf(stderr, "parley-loadgen: %s\n(see the comment at the top of bench/loadgen/main.cpp)\n", message);
    return 2;
}

struct ProcStat {
    qint64 cpuTicks = 0;     // utime + stime
    qint64 rssKb = 0;
};

ProcStat readProc(long pid)
{
    ProcStat s;
    if (pid <= 0)
        return s;
    s.cpuTicks = std::max<qint64>(0, processCpuTicks(pid));
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &l : status.readAll().split('\n')) {
            if (l.startsWith("VmRSS:"))
                s.rssKb = l.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return s;
}

// The whole machine's CPU time from /proc/stat, in ticks: busy (user, nice, system, irq, softirq, steal) and total.
struct MachineStat {
    qint64 busy = 0;
    qint64 total = 0;
};

MachineStat readMachine()
{
    MachineStat m;
    QFile stat(u"/proc/stat"_s);
    if (!stat.open(QIODevice::ReadOnly))
        return m;
    const QList<QByteArray> f = stat.readLine().simplified().split(' ');   // cpu user nice system idle iowait ...
    for (qsizetype i = 1; i < f.size() && i <= 8; ++i) {
        const qint64 v = f.at(i).toLongLong();
        m.total += v;
        if (i != 4 && i != 5)
            m.busy += v;
    }
    return m;
}

QByteArray loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0) : QByteArray("?");
}

// How busy the machine was while a figure was taken, and how much of that was neither the server nor the load
// generator: a figure taken while something else ran is marked by the report.
struct LoadWindow {
    MachineStat machine;
    qint64 ownTicks = 0;   // server + load generator workers

    static qint64 ticksOf(long serverPid, const std::vector<pid_t> &workers)
    {
        qint64 t = readProc(serverPid).cpuTicks;
        for (pid_t w : workers)
            t += readProc(w).cpuTicks;
        return t;
    }
    static LoadWindow now(long serverPid, const std::vector<pid_t> &workers)
    {
        return {readMachine(), ticksOf(serverPid, workers)};
    }
    static QByteArray describe(const LoadWindow &a, const LoadWindow &b)
    {
        const double total = double(std::max<qint64>(1, b.machine.total - a.machine.total));
        const double busy = double(b.machine.busy - a.machine.busy);
        const double others = std::max(0.0, busy - double(b.ownTicks - a.ownTicks));
        return " machine_busy_pct=" + QByteArray::number(100.0 * busy / total, 'f', 0) + " others_pct="
            + QByteArray::number(100.0 * others / total, 'f', 1) + " loadavg=" + loadAverage();
    }
};

bool readLine(int fd, QByteArray *line)
{
    line->clear();
    char c = 0;
    while (true) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n <= 0)
            return false;
        if (c == '\n')
            return true;
        line->append(c);
    }
}

bool readExact(int fd, char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::read(fd, data, size);
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

double percentile(std::vector<quint32> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t i = std::min(sorted.size() - 1, size_t(p * double(sorted.size())));
    return double(sorted[i]) / 1000.0;   // ms
}

void tell(const std::vector<int> &fds, char command)
{
    for (int fd : fds) {
        if (::write(fd, &command, 1) != 1)
            std::fprintf(stderr, "parley-loadgen: a worker is gone\n");
    }
}

void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int runProvision(int argc, char **argv, const QHash<QString, QString> &args)
{
    QCoreApplication app(argc, argv);
    ProvisionOptions options;
    options.databaseFile = args.value(u"db"_s);
    options.identityFile = args.value(u"identities"_s);
    options.users = args.value(u"users"_s).toInt();
    options.fillQueue = args.value(u"fill-queue"_s, u"0"_s).toInt();
    if (args.contains(u"pg-database"_s)) {
        options.postgres = true;
        options.postgresSettings.host = args.value(u"pg-host"_s, u"127.0.0.1"_s);
        options.postgresSettings.port = args.value(u"pg-port"_s, u"5432"_s).toInt();
        options.postgresSettings.database = args.value(u"pg-database"_s);
        options.postgresSettings.user = args.value(u"pg-user"_s);
        options.postgresSettings.sslMode = u"disable"_s;
        if (options.postgresSettings.user.isEmpty() || !options.postgresSettings.isLocal())
            return usage("provision on PostgreSQL needs --pg-user and a loopback --pg-host");
    }
    if ((options.databaseFile.isEmpty() && !options.postgres) || options.identityFile.isEmpty() || options.users < 1)
        return usage("provision needs --db (or --pg-database), --identities and --users");
    if (Status s = provision(options); !s) {
        std::fprintf(stderr, "parley-loadgen: %s\n", qPrintable(s.error().message));
        return 1;
    }
    return 0;
}

// The size of one `send` frame as the parley mode sends it (the floor and xmpp modes send messages this large).
int runFrameSize(const QHash<QString, QString> &args)
{
    auto ids = readIdentities(args.value(u"identities"_s));
    if (!ids || ids->size() < 2)
        return usage("frame-size needs --identities with two devices");
    auto envelope = sdk::Envelope::build(senderIdentity(ids->at(0)), {ids->at(1).user}, {recipientDevice(ids->at(1))},
                                         benchText(), quint64(QDateTime::currentMSecsSinceEpoch()), {},
                                         messageId(0, 0));
    if (!envelope)
        return usage("building an envelope failed");
    std::printf("RESULT frame_bytes=%lld\n", qlonglong(protocol::encode(envelope->toFrame(2)).size()));
    return 0;
}

int runLoad(int argc, char **argv, const QHash<QString, QString> &args)
{
    WorkerOptions base;
    const QString mode = args.value(u"mode"_s);
    const QString task = args.value(u"task"_s, u"traffic"_s);
    if (mode == u"parley"_s)
        base.mode = Mode::Parley;
    else if (mode == u"floor"_s)
        base.mode = Mode::Floor;
    else if (mode == u"xmpp"_s)
        base.mode = Mode::Xmpp;
    else
        return usage("--mode must be parley, floor or xmpp");
    if (task == u"traffic"_s)
        base.task = Task::Traffic;
    else if (task == u"idle"_s)
        base.task = Task::Idle;
    else if (task == u"sessions"_s)
        base.task = Task::Sessions;
    else if (task == u"resumed"_s && base.mode == Mode::Parley)
        base.task = Task::Resumed;
    else if (task == u"drain"_s)
        base.task = Task::Drain;
    else
        return usage("--task must be traffic, idle, sessions, resumed (parley only) or drain");
    if (args.contains(u"urls"_s)) {
        for (const QString &u : args.value(u"urls"_s).split(u',', Qt::SkipEmptyParts)) {
            const QUrl url(u);
            if (!url.isValid() || url.scheme() != u"wss"_s)
                return usage("--urls must be wss:// URLs separated by commas");
            base.urls.append(url);
        }
        if (base.urls.isEmpty())
            return usage("--urls must be wss:// URLs separated by commas");
        base.url = base.urls.first();
    } else {
        base.url = QUrl(args.value(u"url"_s));
    }
    if (!base.url.isValid() || base.url.scheme() != u"wss"_s)
        return usage("--url must be a wss:// URL");
    const QByteArray hook = args.value(u"hook"_s).toLocal8Bit();
    const auto runHook = [&hook](const char *when) {
        if (!hook.isEmpty() && std::system((hook + ' ' + when).constData()) != 0)
            std::fprintf(stderr, "parley-loadgen: the hook failed (%s)\n", when);
    };
    const int connections = args.value(u"connections"_s).toInt();
    const int procs = std::max(1, args.value(u"procs"_s, u"2"_s).toInt());
    base.messages = args.value(u"messages"_s, u"20"_s).toInt();
    base.window = args.value(u"window"_s, u"0"_s).toInt();
    const double rate = args.value(u"rate"_s, u"0"_s).toDouble();
    base.payloadBytes = args.value(u"payload"_s, u"700"_s).toInt();
    base.seconds = args.value(u"seconds"_s, u"10"_s).toInt();
    base.expected = args.value(u"expected"_s, u"0"_s).toInt();
    base.timeoutSeconds = args.value(u"timeout"_s, u"120"_s).toInt();
    const long serverPid = args.value(u"server-pid"_s, u"0"_s).toLong();
    if (connections < 1 || (base.task == Task::Traffic && (connections % 2 != 0 || base.messages < 1)))
        return usage("--connections must be positive (and even for traffic), --messages positive");
    if (base.task == Task::Drain && base.expected < 1)
        return usage("drain needs --expected");

    if (args.contains(u"identities"_s)) {
        auto ids = readIdentities(args.value(u"identities"_s));
        if (!ids) {
            std::fprintf(stderr, "parley-loadgen: %s\n", qPrintable(ids.error().message));
            return 1;
        }
        base.identities = std::move(*ids);
    } else if (base.mode == Mode::Parley) {
        return usage("parley needs --identities");
    } else {
        for (int i = 0; i < connections; ++i) {
            Identity id;
            id.index = i;
            id.user = userName(i);
            base.identities.append(id);
        }
    }
    if (base.identities.size() < connections)
        return usage("fewer identities than connections");
    raiseFileLimit();

    // Contiguous shares; traffic keeps each pair in one worker.
    const int workers = std::min(procs, base.task == Task::Traffic ? connections / 2 : connections);
    const int unit = base.task == Task::Traffic ? 2 : 1;
    const int units = connections / unit;
    struct Child { pid_t pid; int in; int out; };
    std::vector<Child> children;
    const ProcStat idleBefore = readProc(serverPid);
    int first = 0;
    for (int w = 0; w < workers; ++w) {
        const int share = (units / workers + (w < units % workers ? 1 : 0)) * unit;
        int toChild[2], fromChild[2];
        if (::pipe(toChild) != 0 || ::pipe(fromChild) != 0)
            return usage("pipe failed");
        const pid_t pid = ::fork();
        if (pid < 0)
            return usage("fork failed");
        if (pid == 0) {
            ::close(toChild[1]);
            ::close(fromChild[0]);
            WorkerOptions o = base;
            o.first = first;
            o.count = share;
            o.rate = rate * double(share) / double(connections);
            o.controlIn = toChild[0];
            o.controlOut = fromChild[1];
            // The client side's loop on epoll too, so a worker's cost per message does not grow with its connections.
            core::installEpollDispatcher();
            QCoreApplication app(argc, argv);
            Worker worker(o);
            worker.start();
            app.exec();
            _exit(0);
        }
        ::close(toChild[0]);
        ::close(fromChild[1]);
        children.push_back({pid, toChild[1], fromChild[0]});
        first += share;
    }

    std::vector<int> controls;
    std::vector<pid_t> workerPids;
    for (const Child &c : children) {
        controls.push_back(c.in);
        workerPids.push_back(c.pid);
    }
    QByteArray line;
    for (const Child &c : children) {
        if (!readLine(c.out, &line) || line != "R") {
            std::fprintf(stderr, "parley-loadgen: a worker failed during set-up\n");
            for (const Child &k : children)
                ::kill(k.pid, SIGTERM);
            return 1;
        }
    }
    QByteArray result = "RESULT mode=" + mode.toUtf8() + " task=" + task.toUtf8() + " connections="
        + QByteArray::number(connections);

    if (base.task == Task::Idle) {
        ::sleep(3);   // let the server settle
        const ProcStat after = readProc(serverPid);
        const double perConn = double(after.rssKb - idleBefore.rssKb) / connections;
        result += " rss_before_kb=" + QByteArray::number(idleBefore.rssKb) + " rss_after_kb="
            + QByteArray::number(after.rssKb) + " kb_per_conn=" + QByteArray::number(perConn, 'f', 1);
        tell(controls, 'Q');
    } else {
        runHook("start");
        const ProcStat before = readProc(serverPid);
        const LoadWindow windowStart = LoadWindow::now(serverPid, workerPids);
        tell(controls, 'G');
        qint64 delivered = 0, sent = 0, errors = 0, start = 0, end = 0;
        std::vector<quint32> latencies;
        for (const Child &c : children) {
            if (!readLine(c.out, &line) || !line.startsWith("D ")) {
                std::fprintf(stderr, "parley-loadgen: a worker failed\n");
                return 1;
            }
            const QList<QByteArray> f = line.split(' ');
            delivered += f.value(1).toLongLong();
            sent += f.value(2).toLongLong();
            errors += f.value(3).toLongLong();
            const qint64 s = f.value(4).toLongLong(), e = f.value(5).toLongLong();
            start = start == 0 ? s : std::min(start, s);
            end = std::max(end, e);
            const size_t n = f.value(6).toULongLong();
            const size_t at = latencies.size();
            latencies.resize(at + n);
            if (n > 0 && !readExact(c.out, reinterpret_cast<char *>(latencies.data() + at), n * sizeof(quint32)))
                return usage("short read from a worker");
        }
        ::usleep(500 * 1000);   // acks and deletes still in the server's queue belong to the run
        const ProcStat after = readProc(serverPid);
        const LoadWindow windowEnd = LoadWindow::now(serverPid, workerPids);
        runHook("end");
        tell(controls, 'Q');
        const double seconds = double(end - start) / 1e9;
        const double cpuUs = double(after.cpuTicks - before.cpuTicks) * 1e6 / double(sysconf(_SC_CLK_TCK));
        std::sort(latencies.begin(), latencies.end());
        result += " delivered=" + QByteArray::number(delivered) + " sent=" + QByteArray::number(sent) + " errors="
            + QByteArray::number(errors) + " seconds=" + QByteArray::number(seconds, 'f', 3) + " per_second="
            + QByteArray::number(seconds > 0 ? double(delivered) / seconds : 0, 'f', 0) + " server_cpu_s="
            + QByteArray::number(cpuUs / 1e6, 'f', 2) + " cpu_us_per_msg="
            + QByteArray::number(delivered > 0 ? cpuUs / double(delivered) : 0, 'f', 1) + " p50_ms="
            + QByteArray::number(percentile(latencies, 0.5), 'f', 2) + " p99_ms="
            + QByteArray::number(percentile(latencies, 0.99), 'f', 2) + " p999_ms="
            + QByteArray::number(percentile(latencies, 0.999), 'f', 2) + " max_ms="
            + QByteArray::number(latencies.empty() ? 0.0 : double(latencies.back()) / 1000.0, 'f', 2)
            + LoadWindow::describe(windowStart, windowEnd);
    }
    for (const Child &c : children)
        ::waitpid(c.pid, nullptr, 0);
    std::printf("%s\n", result.constData());
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage("expected a command: provision or run");
    QHash<QString, QString> args;
    for (int i = 2; i < argc; ++i) {
        const QString key = QString::fromLocal8Bit(argv[i]);
        if (!key.startsWith(u"--"_s) || i + 1 >= argc)
            return usage("options are --key value pairs");
        args.insert(key.mid(2), QString::fromLocal8Bit(argv[++i]));
    }
    const QByteArray command(argv[1]);
    if (command == "frame-size")
        return runFrameSize(args);
    if (command == "provision")
        return runProvision(argc, argv, args);
    if (command == "run")
        return runLoad(argc, argv, args);
    return usage("unknown command");
}
