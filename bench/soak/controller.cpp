#include "controller.h"

#include "procfs.h"
#include "soakworker.h"

#include "admin/adminapiclient.h"
#include "crypto/crypto.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTimer>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::bench::soak {

namespace {

constexpr int SettleTimeoutMs = 30000;     // queues to empty after the drain; descriptors to return after the close
constexpr int SettlePollMs = 250;
const QString AdminName = u"admin"_s;

void say(const QString &line)
{
    std::fprintf(stderr, "[%s] %s\n", qPrintable(QDateTime::currentDateTimeUtc().toString(u"HH:mm:ss"_s)),
                 qPrintable(line));
    std::fflush(stderr);
}

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

double percentile(const std::vector<quint32> &sorted, double p)
{
    if (sorted.empty())
        return std::nan("");
    const size_t i = std::min(sorted.size() - 1, size_t(p * double(sorted.size())));
    return double(sorted[i]) / 1000.0;   // ms
}

QString field(double v, int decimals)
{
    return std::isnan(v) ? QString() : QString::number(v, 'f', decimals);
}

QString field(qint64 v)
{
    return v < 0 ? QString() : QString::number(v);
}

enum class Phase { Login, Run, Drain, Settle, Done };

struct Row {
    double t = 0;
    QString phase;
    long long rssKb = -1;
    long long fds = -1;
    qint64 queued = -1;
    qint64 writeQueue = -1;
    qint64 connected = -1;
    qint64 databaseBytes = -1;
    IntervalCounts counts;
    double deliveredPerSecond = 0;
    double p50 = std::nan(""), p99 = std::nan(""), max = std::nan("");
    double serverCpuPct = 0, loadCpuPct = 0, othersPct = 0, loadavg = 0;
};

} // namespace

struct Controller::Private {
    Controller *q;
    RunOptions o;
    DaemonInfo daemon;
    std::vector<WorkerProcess> workers;
    AdminApiClient admin;
    Phase phase = Phase::Login;
    bool adminReady = false;
    int workersReady = 0;
    std::vector<std::unique_ptr<QSocketNotifier>> readyNotifiers;
    QElapsedTimer setup;
    QElapsedTimer clock;
    QTimer ticker;
    double lastT = 0;
    double drainStart = 0;
    MachineTicks lastMachine;
    long long lastServerTicks = 0;
    long long lastLoadTicks = 0;
    std::optional<Row> awaiting;    // a row whose status call has not come back
    std::vector<Row> rows;
    QFile csv;
    Totals totals;
    qint64 adminErrors = 0;
    qint64 workerErrors = 0;
    qint64 duplicates = 0, refused = 0, reconnects = 0, resumed = 0;
    qint64 timedSeconds = 0;
    bool drained = false;

    explicit Private(Controller *c, RunOptions options, DaemonInfo d, std::vector<WorkerProcess> w)
        : q(c), o(std::move(options)), daemon(std::move(d)), workers(std::move(w))
    {
    }

    [[noreturn]] void abortRun(const QString &why)
    {
        say(u"soak: %1"_s.arg(why));
        for (const WorkerProcess &w : workers)
            ::kill(w.pid, SIGKILL);
        ::kill(daemon.pid, SIGKILL);
        std::exit(2);
    }

    void tell(char command)
    {
        for (const WorkerProcess &w : workers) {
            if (::write(w.in, &command, 1) != 1)
                abortRun(u"a worker is gone"_s);
        }
    }

    long long loadTicks() const
    {
        long long t = cpuTicks(::getpid());
        for (const WorkerProcess &w : workers)
            t += std::max(0LL, cpuTicks(w.pid));
        return t;
    }

    void login();
    void onWorkerReady(size_t index);
    void beginTraffic();
    void tick();
    void requestStatus(Row row);
    void writeRow(const Row &row);
    void settle();
    void waitForQueues(QElapsedTimer waited);
    void finish();
    void waitForDescriptors(QElapsedTimer waited);
    void conclude();
};

Controller::Controller(RunOptions options, DaemonInfo daemon, std::vector<WorkerProcess> workers, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, std::move(options), std::move(daemon), std::move(workers)))
{
}

Controller::~Controller() = default;

void Controller::start()
{
    QDir().mkpath(d->o.outDir);
    d->csv.setFileName(QDir(d->o.outDir).filePath(u"soak.csv"_s));
    if (!d->csv.open(QIODevice::WriteOnly | QIODevice::Truncate))
        d->abortRun(u"cannot write %1"_s.arg(d->csv.fileName()));
    d->csv.write("t_s,phase,rss_kb,fds,queued_messages,write_queue,connected_devices,database_bytes,sent,accepted,"
                 "delivered,delivered_per_s,duplicates,errors,refused,reconnects,resumed,outstanding,offline,p50_ms,"
                 "p99_ms,max_ms,server_cpu_pct,load_cpu_pct,others_pct,loadavg\n");
    d->csv.flush();
    d->admin.setPin(TlsPin::fromString(d->daemon.fingerprint));
    connect(&d->admin, &AdminApiClient::connected, this, [this] { d->login(); });
    connect(&d->admin, &AdminApiClient::connectionFailed, this, [this](const AdminFailure &f) {
        d->abortRun(u"the admin API refused the connection: %1"_s.arg(f.message));
    });
    connect(&d->admin, &AdminApiClient::disconnected, this, [this](const AdminFailure &f) {
        if (d->phase != Phase::Done)
            d->abortRun(u"the admin connection ended: %1"_s.arg(f.message));
    });
    d->admin.connectToServer(d->daemon.adminAddress);
    // Meanwhile the workers build their messages, log their devices in and make their rooms; each says "R".
    d->setup.start();
    for (size_t i = 0; i < d->workers.size(); ++i) {
        auto notifier = std::make_unique<QSocketNotifier>(d->workers[i].out, QSocketNotifier::Read);
        connect(notifier.get(), &QSocketNotifier::activated, this, [this, i] { d->onWorkerReady(i); });
        d->readyNotifiers.push_back(std::move(notifier));
    }
}

void Controller::Private::onWorkerReady(size_t index)
{
    readyNotifiers[index]->setEnabled(false);
    QByteArray line;
    if (!readLine(workers[index].out, &line) || line != "R")
        abortRun(u"a client process failed during set-up (its reason is above; parleyd's log: %1)"_s.arg(daemon.logFile));
    if (++workersReady < int(workers.size()))
        return;
    readyNotifiers.clear();
    say(u"soak: set-up done in %1 s: every device logged in, every room made; parleyd %2 MB RSS, %3 descriptors"_s
            .arg(double(setup.elapsed()) / 1000.0, 0, 'f', 1)
            .arg(double(rssKb(daemon.pid)) / 1024.0, 0, 'f', 1)
            .arg(openFds(daemon.pid)));
    if (adminReady)
        beginTraffic();
}

// The first login with the one-time password must choose a new one; status needs the token of that change.
void Controller::Private::login()
{
    QFile file(daemon.initialPasswordFile);
    if (!file.open(QIODevice::ReadOnly))
        abortRun(u"cannot read %1"_s.arg(daemon.initialPasswordFile));
    const QString initial = QString::fromUtf8(file.readAll()).trimmed();
    const QString chosen = QString::fromLatin1(crypto::randomBytes(24).toBase64());
    admin.call(u"login"_s, {{u"name"_s, AdminName}, {u"password"_s, initial}}, q, [this, initial, chosen](const AdminReply &r) {
        if (!r)
            abortRun(u"admin login failed: %1"_s.arg(r.failure().message));
        admin.setToken(r.result().value(u"token"_s).toString());
        admin.call(u"password.change"_s, {{u"password"_s, initial}, {u"new_password"_s, chosen}}, q,
                   [this](const AdminReply &changed) {
                       if (!changed)
                           abortRun(u"admin password change failed: %1"_s.arg(changed.failure().message));
                       admin.setToken(changed.result().value(u"token"_s).toString());
                       adminReady = true;
                       if (workersReady == int(workers.size()))
                           beginTraffic();
                   });
    });
}

void Controller::Private::beginTraffic()
{
    phase = Phase::Run;
    lastMachine = machineTicks();
    lastServerTicks = cpuTicks(daemon.pid);
    lastLoadTicks = loadTicks();
    tell('G');
    clock.start();
    say(u"soak: traffic started: %1 devices, %2 1:1 and %3 room messages/s (rooms of %4), %5 reconnects/s, for %6 s"_s
            .arg(o.connections)
            .arg(o.pairRate)
            .arg(o.roomRate)
            .arg(o.roomSize)
            .arg(o.reconnectRate)
            .arg(o.durationSeconds));
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, q, [this] { tick(); });
    ticker.start(int(o.intervalSeconds * 1000));
}

void Controller::Private::tick()
{
    const double t = double(clock.nsecsElapsed()) / 1e9;
    Row row;
    row.t = t;
    row.phase = phase == Phase::Run ? (t >= o.durationSeconds * o.judgedFrom ? u"judged"_s : u"warmup"_s) : u"drain"_s;
    row.rssKb = rssKb(daemon.pid);
    row.fds = openFds(daemon.pid);
    if (row.rssKb < 0)
        abortRun(u"parleyd is gone (see %1)"_s.arg(daemon.logFile));

    // The workers' counts since the last sample.
    tell('S');
    std::vector<quint32> latencies;
    QByteArray line;
    for (const WorkerProcess &w : workers) {
        if (!readLine(w.out, &line) || !line.startsWith("S "))
            abortRun(u"a worker did not answer its sample"_s);
        const QList<QByteArray> f = line.split(' ');
        IntervalCounts &c = row.counts;
        c.sent += f.value(1).toLongLong();
        c.accepted += f.value(2).toLongLong();
        c.delivered += f.value(3).toLongLong();
        c.duplicates += f.value(4).toLongLong();
        c.errors += f.value(5).toLongLong();
        c.refused += f.value(6).toLongLong();
        c.reconnects += f.value(7).toLongLong();
        c.resumed += f.value(8).toLongLong();
        c.outstanding += f.value(9).toLongLong();
        c.offline += f.value(10).toLongLong();
        const size_t n = f.value(11).toULongLong();
        const size_t at = latencies.size();
        latencies.resize(at + n);
        if (n > 0 && !readExact(w.out, reinterpret_cast<char *>(latencies.data() + at), n * sizeof(quint32)))
            abortRun(u"a short read from a worker"_s);
    }
    std::sort(latencies.begin(), latencies.end());
    row.p50 = percentile(latencies, 0.5);
    row.p99 = percentile(latencies, 0.99);
    row.max = latencies.empty() ? std::nan("") : double(latencies.back()) / 1000.0;
    const double dt = std::max(1e-3, t - lastT);
    row.deliveredPerSecond = double(row.counts.delivered) / dt;

    // CPU: the daemon's (per cent of one CPU), the load generator's, and what the rest of the machine took.
    const MachineTicks machine = machineTicks();
    const long long server = cpuTicks(daemon.pid);
    const long long load = loadTicks();
    const double hz = double(sysconf(_SC_CLK_TCK));
    const double machineTotal = double(std::max(1LL, machine.total - lastMachine.total));
    const double busy = double(machine.busy - lastMachine.busy);
    row.serverCpuPct = 100.0 * double(server - lastServerTicks) / (dt * hz);
    row.loadCpuPct = 100.0 * double(load - lastLoadTicks) / (dt * hz);
    row.othersPct = 100.0 * std::max(0.0, busy - double(server - lastServerTicks) - double(load - lastLoadTicks)) / machineTotal;
    row.loadavg = loadAverage();
    lastMachine = machine;
    lastServerTicks = server;
    lastLoadTicks = load;
    lastT = t;

    workerErrors += row.counts.errors;
    duplicates += row.counts.duplicates;
    refused += row.counts.refused;
    reconnects += row.counts.reconnects;
    resumed += row.counts.resumed;
    totals.sent += row.counts.sent;
    totals.accepted += row.counts.accepted;
    totals.deliveries += row.counts.delivered;

    if (awaiting) {
        ++adminErrors;
        say(u"soak: the status call of t=%1 s did not come back within an interval"_s.arg(awaiting->t, 0, 'f', 1));
        writeRow(*awaiting);
        awaiting.reset();
    }
    const bool outstandingNone = row.counts.outstanding == 0 && row.counts.offline == 0;
    requestStatus(row);

    if (phase == Phase::Run && t >= o.durationSeconds) {
        tell('E');
        timedSeconds = qint64(t);
        phase = Phase::Drain;
        drainStart = t;
        ticker.setInterval(std::min(1000, int(o.intervalSeconds * 1000)));
        say(u"soak: traffic stopped after %1 s; draining"_s.arg(t, 0, 'f', 1));
    } else if (phase == Phase::Drain) {
        if (outstandingNone) {
            drained = true;
            settle();
        } else if (t - drainStart > o.drainTimeoutSeconds) {
            say(u"soak: the drain timed out with %1 messages outstanding and %2 devices offline"_s
                    .arg(row.counts.outstanding)
                    .arg(row.counts.offline));
            settle();
        }
    }
}

void Controller::Private::requestStatus(Row row)
{
    awaiting = row;
    const double t = row.t;
    admin.call(u"status"_s, {}, q, [this, t](const AdminReply &r) {
        if (!awaiting || awaiting->t != t)
            return;   // written already without it
        if (r) {
            const QCborMap m = r.result();
            awaiting->queued = m.value(u"queued_messages"_s).toInteger(-1);
            awaiting->writeQueue = m.value(u"write_queue"_s).toInteger(-1);
            awaiting->connected = m.value(u"connected_devices"_s).toInteger(-1);
            awaiting->databaseBytes = m.value(u"database_bytes"_s).toInteger(-1);
            if (awaiting->queued < 0 || awaiting->writeQueue < 0) {
                ++adminErrors;
                say(u"soak: the status reply lacks queued_messages or write_queue"_s);
            }
        } else {
            ++adminErrors;
            say(u"soak: status failed: %1"_s.arg(r.failure().message));
        }
        writeRow(*awaiting);
        awaiting.reset();
    });
}

void Controller::Private::writeRow(const Row &r)
{
    rows.push_back(r);
    const IntervalCounts &c = r.counts;
    const QString line = QStringList{field(r.t, 1),
                                     r.phase,
                                     field(r.rssKb),
                                     field(r.fds),
                                     field(r.queued),
                                     field(r.writeQueue),
                                     field(r.connected),
                                     field(r.databaseBytes),
                                     field(c.sent),
                                     field(c.accepted),
                                     field(c.delivered),
                                     field(r.deliveredPerSecond, 1),
                                     field(c.duplicates),
                                     field(c.errors),
                                     field(c.refused),
                                     field(c.reconnects),
                                     field(c.resumed),
                                     field(c.outstanding),
                                     field(c.offline),
                                     field(r.p50, 3),
                                     field(r.p99, 3),
                                     field(r.max, 3),
                                     field(r.serverCpuPct, 1),
                                     field(r.loadCpuPct, 1),
                                     field(r.othersPct, 1),
                                     field(r.loadavg, 2)}
                             .join(u',')
        + u'\n';
    csv.write(line.toUtf8());
    csv.flush();
    say(u"t=%1 s %2: rss %3 MB, fds %4, queued %5, write queue %6, %7 delivered/s, p50 %8 ms, p99 %9 ms, errors %10, "
        "others %11 %"_s.arg(field(r.t, 0), r.phase, field(double(r.rssKb) / 1024.0, 1), field(r.fds), field(r.queued),
                             field(r.writeQueue), field(r.deliveredPerSecond, 0), field(r.p50, 2), field(r.p99, 2))
            .arg(c.errors)
            .arg(field(r.othersPct, 1)));
}

// After the drain: the last acks reach the store, and both queues must empty.
void Controller::Private::settle()
{
    phase = Phase::Settle;
    ticker.stop();
    QElapsedTimer waited;
    waited.start();
    waitForQueues(waited);
}

void Controller::Private::waitForQueues(QElapsedTimer waited)
{
    if (awaiting) {
        QTimer::singleShot(SettlePollMs, q, [this, waited] { waitForQueues(waited); });
        return;
    }
    admin.call(u"status"_s, {}, q, [this, waited](const AdminReply &r) {
        if (!r) {
            ++adminErrors;
            say(u"soak: status failed: %1"_s.arg(r.failure().message));
        } else {
            totals.queuedAtEnd = r.result().value(u"queued_messages"_s).toInteger(-1);
            totals.writeQueueAtEnd = r.result().value(u"write_queue"_s).toInteger(-1);
        }
        if ((totals.queuedAtEnd == 0 && totals.writeQueueAtEnd == 0) || waited.elapsed() > SettleTimeoutMs)
            return finish();
        QTimer::singleShot(SettlePollMs, q, [this, waited] { waitForQueues(waited); });
    });
}

// Final counts, then every client leaves and the daemon's descriptors must come back to where they started.
void Controller::Private::finish()
{
    tell('F');
    QByteArray line;
    for (const WorkerProcess &w : workers) {
        if (!readLine(w.out, &line) || !line.startsWith("F "))
            abortRun(u"a worker did not give its final counts"_s);
        const QList<QByteArray> f = line.split(' ');
        totals.lost += f.value(1).toLongLong();
        totals.unanswered += f.value(2).toLongLong();
    }
    phase = Phase::Done;
    admin.disconnectFromServer();
    tell('C');
    QElapsedTimer waited;
    waited.start();
    for (const WorkerProcess &w : workers) {
        while (::waitpid(w.pid, nullptr, WNOHANG) == 0) {
            if (waited.elapsed() > 10000) {
                ::kill(w.pid, SIGKILL);
                ::waitpid(w.pid, nullptr, 0);
                break;
            }
            ::usleep(20000);
        }
    }
    waited.restart();
    waitForDescriptors(waited);
}

void Controller::Private::waitForDescriptors(QElapsedTimer waited)
{
    totals.fdsAfter = openFds(daemon.pid);
    if (totals.fdsAfter - daemon.fdsBefore > o.bounds.fdSlack && waited.elapsed() < SettleTimeoutMs) {
        QTimer::singleShot(SettlePollMs, q, [this, waited] { waitForDescriptors(waited); });
        return;
    }
    conclude();
}

void Controller::Private::conclude()
{
    const long long rssAtEnd = rssKb(daemon.pid);
    ::kill(daemon.pid, SIGTERM);
    int status = 0;
    QElapsedTimer waited;
    waited.start();
    pid_t gone = 0;
    while ((gone = ::waitpid(daemon.pid, &status, WNOHANG)) == 0 && waited.elapsed() < 30000)
        ::usleep(20000);
    if (gone == 0) {
        ::kill(daemon.pid, SIGKILL);
        ::waitpid(daemon.pid, &status, 0);
    }
    totals.daemonExitedCleanly = gone == daemon.pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;

    // The judged window: the second half of the timed part.
    const double from = o.durationSeconds * o.judgedFrom;
    Series window;
    for (const Row &r : rows) {
        if (r.phase != u"judged"_s || r.t < from)
            continue;
        window.rssKb.push_back({r.t, double(r.rssKb)});
        window.fds.push_back({r.t, double(r.fds)});
        if (r.queued >= 0)
            window.queued.push_back({r.t, double(r.queued)});
        if (r.writeQueue >= 0)
            window.writeQueue.push_back({r.t, double(r.writeQueue)});
        if (!std::isnan(r.p99))
            window.p99Ms.push_back({r.t, r.p99});
    }
    totals.windowSeconds = double(timedSeconds) - from;
    totals.offered = qint64(double(timedSeconds) * (o.pairRate + o.roomRate));
    totals.errors = workerErrors + adminErrors;
    totals.drained = drained;
    totals.fdsBefore = daemon.fdsBefore;
    const Verdict verdict = judge(window, totals, o.bounds);

    std::vector<double> others, p99s, p50s;
    for (const Row &r : rows) {
        if (r.phase == u"warmup"_s || r.phase == u"judged"_s) {
            others.push_back(r.othersPct);
            if (!std::isnan(r.p99)) {
                p99s.push_back(r.p99);
                p50s.push_back(r.p50);
            }
        }
    }
    QStringList lines;
    lines << u"soak: %1"_s.arg(o.commandLine);
    lines << u"devices %1, timed part %2 s (judged from %3 s), sample every %4 s"_s.arg(o.connections)
                 .arg(timedSeconds)
                 .arg(from, 0, 'f', 0)
                 .arg(o.intervalSeconds);
    lines << u"traffic: %1 1:1 and %2 room messages/s offered (rooms of %3 devices), %4 reconnects/s"_s.arg(o.pairRate)
                 .arg(o.roomRate)
                 .arg(o.roomSize)
                 .arg(o.reconnectRate);
    lines << u"parleyd: RSS %1 MB before the clients, %2 MB at the end; descriptors %3 before, %4 after"_s
                 .arg(double(daemon.rssBeforeKb) / 1024.0, 0, 'f', 1)
                 .arg(double(rssAtEnd) / 1024.0, 0, 'f', 1)
                 .arg(daemon.fdsBefore)
                 .arg(totals.fdsAfter);
    lines << u"messages: %1 sent, %2 accepted, %3 deliveries, %4 duplicates (after reconnects), %5 refused with busy "
             "or rate_limited and sent again"_s.arg(totals.sent)
                 .arg(totals.accepted)
                 .arg(totals.deliveries)
                 .arg(duplicates)
                 .arg(refused);
    lines << u"reconnects: %1 (%2 with the resumption credential)"_s.arg(reconnects).arg(resumed);
    lines << u"latency per interval over the timed part: median p50 %1 ms, median p99 %2 ms, worst p99 %3 ms"_s
                 .arg(median(p50s), 0, 'f', 2)
                 .arg(median(p99s), 0, 'f', 2)
                 .arg(p99s.empty() ? 0.0 : *std::max_element(p99s.begin(), p99s.end()), 0, 'f', 2);
    lines << u"machine: other processes took %1 % of the machine's CPU per interval in the median, %2 % at most"_s
                 .arg(median(others), 0, 'f', 1)
                 .arg(others.empty() ? 0.0 : *std::max_element(others.begin(), others.end()), 0, 'f', 1);
    lines << u"errors: %1 from the clients, %2 status calls failed"_s.arg(workerErrors).arg(adminErrors);
    // What the daemon itself complained about (not judged: its warnings name causes the checks above measure).
    {
        QFile logFile(daemon.logFile);
        QStringList warnings;
        if (logFile.open(QIODevice::ReadOnly)) {
            static const QRegularExpression level(u"^\\S+ \\S+ (warning|critical): "_s);
            for (const QByteArray &l : logFile.readAll().split('\n')) {
                const QString text = QString::fromUtf8(l);
                if (level.match(text).hasMatch())
                    warnings << text;
            }
        }
        lines << u"parleyd's log: %1 warning or critical lines"_s.arg(warnings.size());
        for (qsizetype i = 0; i < std::min<qsizetype>(3, warnings.size()); ++i)
            lines << u"  "_s + warnings.at(i);
    }
    for (const Check &c : verdict.checks)
        lines << u"%1 %2: %3"_s.arg(c.pass ? u"PASS"_s : u"FAIL"_s, c.name, c.detail);
    lines << (verdict.pass() ? u"SOAK PASS"_s : u"SOAK FAIL"_s);
    QFile summary(QDir(o.outDir).filePath(u"summary.txt"_s));
    if (summary.open(QIODevice::WriteOnly | QIODevice::Truncate))
        summary.write((lines.join(u'\n') + u'\n').toUtf8());
    std::printf("%s\n", qPrintable(lines.join(u'\n')));
    std::fflush(stdout);

    csv.close();
    if (o.plot) {
        const QString gnuplot = QStandardPaths::findExecutable(u"gnuplot"_s);
        if (gnuplot.isEmpty()) {
            say(u"soak: gnuplot not found; no plot"_s);
        } else {
            const QString png = QDir(o.outDir).filePath(u"soak.png"_s);
            const QString heading = u"parleyd soak: %1 devices, %2 s, %3"_s.arg(o.connections).arg(timedSeconds)
                                        .arg(verdict.pass() ? u"PASS"_s : u"FAIL"_s);
            const QString vars = u"csv='%1'; png='%2'; judged=%3; heading='%4'"_s.arg(csv.fileName(), png)
                                     .arg(from / 60.0)
                                     .arg(heading);
            if (QProcess::execute(gnuplot, {u"-e"_s, vars, o.plotScript}) != 0)
                say(u"soak: gnuplot failed; no plot"_s);
            else
                say(u"soak: plot in %1"_s.arg(png));
        }
    }
    QCoreApplication::exit(verdict.pass() ? 0 : 1);
}

} // namespace parley::bench::soak
