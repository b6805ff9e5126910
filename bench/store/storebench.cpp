// parley-bench-store: messages per second through the store on SQLite and on PostgreSQL, measured in one run on this
// machine (docs/scale-out.md). What differs between the two is the store, so this drives the store itself: WRITERS
// threads (as the device workers) each keep WINDOW messages in flight through Store::write, each message stored once
// with a queue entry for each of RECIPIENTS devices and its replay record, answered once its group commit is durable
// (synchronous=FULL; synchronous_commit=on), with the daemon's default commit gathering (1 ms). The PostgreSQL server is
// a real PostgreSQL 15 started for the run on loopback in a temporary directory (tests/server/postgresfixture.h), with
// its defaults (fsync on) and a connection over TCP without TLS.
//
//   parley-bench-store [--messages N] [--recipients R] [--writers T] [--window W] [--driver sqlite|postgresql|both]
//
// Prints one line per driver: messages per second, group commits and their mean duration, and the CPU time per
// message of this process and, for PostgreSQL, of the server's processes. PostgreSQL runs twice, the second time
// with the sender account's token bucket taken in each message's write as a node of a cluster takes it
// (SharedLimits, one statement; 1,000 accounts in turn, a rate that never refuses), and the ratio of the two.

#include "crypto/crypto.h"
#include "store/sharedlimits.h"
#include "store/store.h"
#include "../procstat.h"
#include "postgresfixture.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "parley-bench-store: %s\n", qPrintable(why));
    std::exit(1);
}

struct Figures {
    double seconds = 0;
    quint64 commits = 0;
    double commitMs = 0;
    double ownCpuUs = 0;       // this process (the store), per message
    double serverCpuUs = -1;   // PostgreSQL's processes, per message
};

// CPU ticks of the PostgreSQL server: the postmaster and its children (the backends, the WAL writer, ...).
qint64 serverTicks(const QString &dataDir)
{
    QFile pidFile(dataDir + u"/postmaster.pid"_s);
    if (!pidFile.open(QIODevice::ReadOnly))
        return -1;
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    qint64 ticks = bench::processCpuTicks(postmaster);
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 1 && f.at(1).toLongLong() == postmaster)
            ticks += std::max<qint64>(0, bench::processCpuTicks(pid));
    }
    return ticks;
}

NewMessage makeMessage(qint64 senderDevice, const QList<qint64> &recipients)
{
    NewMessage m;
    m.senderDeviceId = senderDevice;
    m.envelope.sender = u"sender"_s;
    m.envelope.dev = 1;
    m.envelope.mid = crypto::randomBytes(16);
    m.envelope.to.cbor = QByteArray::fromHex("8163626f62");
    m.envelope.at = quint64(QDateTime::currentMSecsSinceEpoch());
    m.envelope.pl = crypto::randomBytes(330);    // a 256-byte text's payload
    m.envelope.kc = crypto::randomBytes(32);
    m.envelope.opts.cbor = QByteArray::fromHex("a0");
    m.envelope.sig = crypto::randomBytes(139);
    m.digest = crypto::randomBytes(64);
    for (const qint64 device : recipients)
        m.entries.append({device, 7, crypto::randomBytes(133), crypto::randomBytes(48)});
    return m;
}

Figures run(StoreOptions options, int messages, int recipients, int writers, int window, const QString &pgDataDir,
            bool sharedLimits = false)
{
    StoreMetrics metrics;
    options.metrics = &metrics;
    options.commitDelayUs = 1000;
    auto opened = Store::open(options);
    if (!opened)
        die(opened.error().message);
    Store &store = **opened;
    // The sender and the recipients, each with one device.
    QList<qint64> devices;
    for (int i = 0; i <= recipients; ++i) {
        const QString user = i == 0 ? u"sender"_s : u"r%1"_s.arg(i);
        const Result<EnrollResult> enrolled = store.writeSync<EnrollResult>([&user](Db &db) -> Result<EnrollResult> {
            const Result<QString> code = db.createEnrollCode(user, 3600 * 1000);
            if (!code)
                return code.error();
            EnrollRequest request;
            request.user = user;
            request.code = *code;
            request.rootPub = crypto::randomBytes(133);
            request.devicePub = crypto::randomBytes(133);
            request.deviceSig = crypto::randomBytes(139);
            return db.enrollDevice(request);
        });
        if (!enrolled)
            die(enrolled.error().message);
        devices.append(enrolled->deviceId);
    }
    const qint64 sender = devices.takeFirst();
    // Every message built before the clock starts.
    std::vector<NewMessage> prepared;
    prepared.reserve(std::size_t(messages));
    for (int i = 0; i < messages; ++i)
        prepared.push_back(makeMessage(sender, devices));

    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::atomic<int> failed{0};
    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<std::unique_ptr<QObject>> contexts;
    for (int t = 0; t < writers; ++t) {
        threads.push_back(std::make_unique<QThread>());
        contexts.push_back(std::make_unique<QObject>());
        contexts.back()->moveToThread(threads.back().get());
        threads.back()->start();
    }
    const quint64 commitsBefore = metrics.commitDuration.snapshot().count;
    const double commitSumBefore = metrics.commitDuration.snapshot().sum;
    const qint64 ownBefore = bench::processCpuTicks(::getpid());
    const qint64 serverBefore = pgDataDir.isEmpty() ? -1 : serverTicks(pgDataDir);
    QElapsedTimer clock;
    clock.start();
    for (int t = 0; t < writers; ++t) {
        QObject *context = contexts[std::size_t(t)].get();
        QMetaObject::invokeMethod(context, [&, context] {
            auto sendOne = std::make_shared<std::function<void()>>();
            *sendOne = [&, context, sendOne] {
                const int i = next.fetch_add(1);
                if (i >= messages)
                    return;
                const NewMessage &m = prepared[std::size_t(i)];
                const qint64 account = i % 1000 + 1;
                store.write<InsertedMessage>(context, [&m, sharedLimits, account](Db &db) -> Result<InsertedMessage> {
                                                 if (sharedLimits) {
                                                     qint64 wait = 0;
                                                     if (Status s = SharedLimits::takeOrRefuse(db, SharedLimits::Send, {account, 0}, 1e6, 1e6,
                                                                                               QDateTime::currentMSecsSinceEpoch(), wait); !s)
                                                         return s.error();
                                                 }
                                                 return db.insertMessage(m);
                                             },
                                             [&, sendOne](Result<InsertedMessage> r) {
                                                 if (!r)
                                                     ++failed;
                                                 ++done;
                                                 (*sendOne)();
                                             });
            };
            for (int w = 0; w < window; ++w)
                (*sendOne)();
        }, Qt::QueuedConnection);
    }
    while (done.load() < messages)
        QThread::msleep(5);
    Figures f;
    f.seconds = double(clock.nsecsElapsed()) / 1e9;
    const qint64 tick = ::sysconf(_SC_CLK_TCK);
    f.ownCpuUs = double(bench::processCpuTicks(::getpid()) - ownBefore) * 1e6 / double(tick) / messages;
    if (serverBefore >= 0)
        f.serverCpuUs = double(serverTicks(pgDataDir) - serverBefore) * 1e6 / double(tick) / messages;
    const auto after = metrics.commitDuration.snapshot();
    f.commits = after.count - commitsBefore;
    f.commitMs = f.commits ? (after.sum - commitSumBefore) * 1000.0 / double(f.commits) : 0;
    for (auto &thread : threads) {
        thread->quit();
        thread->wait();
    }
    contexts.clear();
    store.close();
    if (failed.load() > 0)
        die(u"%1 of %2 messages failed"_s.arg(failed.load()).arg(messages));
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"parley.store.info=false"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Messages per second through the store, SQLite and PostgreSQL"_s);
    parser.addHelpOption();
    parser.addOption({u"messages"_s, u"messages per driver (default 20000)"_s, u"N"_s, u"20000"_s});
    parser.addOption({u"recipients"_s, u"recipient devices per message (default 2)"_s, u"R"_s, u"2"_s});
    parser.addOption({u"writers"_s, u"threads sending (default 4)"_s, u"T"_s, u"4"_s});
    parser.addOption({u"window"_s, u"messages each thread keeps in flight (default 64)"_s, u"W"_s, u"64"_s});
    parser.addOption({u"driver"_s, u"sqlite, postgresql or both (default both)"_s, u"D"_s, u"both"_s});
    parser.process(app);
    const int messages = parser.value(u"messages"_s).toInt();
    const int recipients = parser.value(u"recipients"_s).toInt();
    const int writers = parser.value(u"writers"_s).toInt();
    const int window = parser.value(u"window"_s).toInt();
    const QString driver = parser.value(u"driver"_s);
    if (messages < 1 || recipients < 1 || writers < 1 || window < 1
        || (driver != u"sqlite"_s && driver != u"postgresql"_s && driver != u"both"_s))
        die(u"bad arguments (see --help)"_s);

    std::printf("%d messages, %d recipient devices each, %d writer threads with %d in flight each\n", messages, recipients,
                writers, window);
    std::printf("%-11s %10s %9s %12s %14s %16s\n", "driver", "msgs/s", "commits", "commit ms", "store CPU us/msg",
                "server CPU us/msg");
    const auto print = [](const char *name, int n, const Figures &f) {
        std::printf("%-11s %10.0f %9llu %12.2f %14.1f %16s\n", name, n / f.seconds, (unsigned long long)f.commits,
                    f.commitMs, f.ownCpuUs,
                    f.serverCpuUs < 0 ? "-" : qPrintable(QString::number(f.serverCpuUs, 'f', 1)));
        std::fflush(stdout);
    };
    if (driver != u"postgresql"_s) {
        QTemporaryDir dir;
        StoreOptions options;
        options.path = dir.filePath(u"parleyd.sqlite"_s);
        print("sqlite", messages, run(options, messages, recipients, writers, window, {}));
    }
    if (driver != u"sqlite"_s) {
        server::test::PostgresServer postgres;
        if (!postgres.start() || !postgres.createDatabase(u"bench"_s))
            die(postgres.error());
        if (!postgres.createDatabase(u"bench_limits"_s))
            die(postgres.error());
        StoreOptions options;
        options.driver = StoreDriver::PostgreSql;
        options.postgres = postgres.settings(u"bench"_s);
        const Figures plain = run(options, messages, recipients, writers, window, postgres.dataDir());
        print("postgresql", messages, plain);
        options.postgres = postgres.settings(u"bench_limits"_s);
        const Figures limited = run(options, messages, recipients, writers, window, postgres.dataDir(), true);
        print("pg+limits", messages, limited);
        std::printf("shared limits: %.2fx the messages per second, %.2fx the commit time, %.2fx the server CPU per message\n",
                    plain.seconds / limited.seconds, limited.commitMs / plain.commitMs, limited.serverCpuUs / plain.serverCpuUs);
    }
    return 0;
}
