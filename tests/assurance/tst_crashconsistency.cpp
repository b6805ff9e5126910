// Crash consistency: parleyd, a real process on its own data directory, is SIGKILLed at random moments while devices
// of the real SDK send direct and room messages, fetch prekeys and ack what they receive; each time the database
// must pass PRAGMA integrity_check (read-only, before the restart) and the daemon is started again on the same
// directory, the devices reconnect and carry on. Afterwards: every message that was answered `accepted` is shown
// exactly once on each of its recipient devices (redeliveries before the client's dedupe are allowed and counted), no
// device receives a message that was never sent, and no one-time prekey was handed out twice.
//
// PARLEY_CRASH_KILLS   number of kills (default 40, what fits the CI budget; the release check,
//                      tests/assurance/crashconsistency-release.sh, runs 100; docs/durability.md has the results)
// PARLEY_CRASH_SEED    the seed of the kill delays and of the traffic's choices (default: random). It is printed at
//                      the start; a failure is replayed with the same seed and number of kills (the daemon's own
//                      timing still varies from run to run).

#include "durability.h"

#include "sdk/rooms.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>

#include <random>

using namespace parley;
using namespace parley::assurance;
using namespace Qt::StringLiterals;

namespace {

constexpr int DefaultKills = 40;
constexpr int MinDelayMs = 10;      // from the chosen moment (see killsWhileClientsWork) to the kill
constexpr int MaxDelayMs = 700;
constexpr int SendWindow = 4;       // messages a device keeps in flight
constexpr int FetchEveryTicks = 8;  // one bare prekey fetch per 8 traffic ticks (5 ms each)
constexpr int ReconnectEveryTicks = 10;
constexpr int StartupKillOneIn = 8; // one kill in 8 counts its delay from the daemon's start, one from the first login
const QString Room = u"crashroom"_s;
const QStringList RoomMembers{u"ann"_s, u"bob"_s, u"cat"_s};

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok ? value : fallback;
}

} // namespace

class TestCrashConsistency : public QObject {
    Q_OBJECT

private:
    // Prekey fetches are the traffic here, not something to rate-limit.
    Daemon daemon{u"[limits]\nfetch_burst=100000\nfetch_refill_seconds=1\n"_s};
    Ledger ledger;
    Fleet fleet;
    std::mt19937 rng;
    quint32 seed = 0;
    int kills = DefaultKills;
    int counter = 0;
    int ticks = 0;
    QTimer traffic;

    QString databasePath() const { return daemon.dataDir() + u"/parleyd.sqlite"_s; }

    QString daemonLog() const
    {
        return QString::fromUtf8(Daemon::readFile(daemon.stderrFile()).right(700));
    }

    // Starts the daemon again on its configuration and data directory, without waiting for it to listen. The first
    // start picked the device port; the configuration now names it (the admin API still picks its own).
    bool restart()
    {
        QFile config(daemon.configFile());
        if (!config.open(QIODevice::ReadWrite))
            return false;
        QByteArray text = config.readAll();
        const QByteArray any = "listen=127.0.0.1:0\n";
        if (text.startsWith("[server]\n" + any)) {
            text.replace(qsizetype(sizeof("[server]\n")) - 1, any.size(), "listen=127.0.0.1:" + QByteArray::number(daemon.port()) + '\n');
            if (!config.resize(0) || config.write(text) != text.size())
                return false;
        }
        config.close();
        QProcess &process = daemon.process();
        process.setStandardOutputFile(daemon.stdoutFile(), QIODevice::Append);
        process.setStandardErrorFile(daemon.stderrFile(), QIODevice::Append);
        process.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, daemon.configFile()});
        return process.waitForStarted(e2e::WaitMs);
    }

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

    // Every device that is logged in keeps SendWindow messages in flight (a third of them to the room when it is a
    // member); one device fetches prekeys of the others.
    void tick()
    {
        ++ticks;
        const QStringList users{u"ann"_s, u"bob"_s, u"cat"_s, u"dan"_s};
        for (const auto &p : fleet.peers) {
            // A device whose connection failed (the daemon is down or not listening yet) tries again.
            if (p->disconnected() && ticks % ReconnectEveryTicks == 0)
                p->connect();
            while (p->ready() && p->outstanding() < SendWindow) {
                const QString text = u"%1 %2"_s.arg(p->label()).arg(++counter);
                if (RoomMembers.contains(p->user()) && pick(3) == 0) {
                    p->send(RoomMembers, fleet.recipients(*p, RoomMembers), text, Room);
                } else {
                    QString to = users.at(pick(int(users.size())));
                    if (to == p->user())
                        to = users.at((users.indexOf(to) + 1) % users.size());
                    p->send({to}, fleet.recipients(*p, {to}), text);
                }
            }
        }
        Peer &fetcher = *fleet.peers.back();
        if (ticks % FetchEveryTicks == 0 && fetcher.ready())
            fetcher.fetchPrekeys(users.at(pick(3)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        kills = envInt("PARLEY_CRASH_KILLS", DefaultKills);
        seed = quint32(envInt("PARLEY_CRASH_SEED", int(QRandomGenerator::global()->bounded(1, 1 << 30))));
        rng.seed(seed);
        qInfo().noquote() << u"crash consistency: seed %1, %2 kills (replay: PARLEY_CRASH_SEED=%1 PARLEY_CRASH_KILLS=%2)"_s
                                 .arg(seed).arg(kills);
        QVERIFY(daemon.start());
        for (const QString &user : {u"ann"_s, u"ann"_s, u"bob"_s, u"cat"_s, u"dan"_s})
            QVERIFY2(fleet.add(daemon, ledger, user).enroll(), qPrintable(user));

        // The room, created by ann with bob and cat as members: its chain is stored before the first kill.
        QVERIFY(makeRoom(*fleet.peers.front()->client(), Room, u"crash"_s, {u"bob"_s, u"cat"_s}));

        traffic.setInterval(5);
        connect(&traffic, &QTimer::timeout, this, [this] { tick(); });
    }

    // The daemon is started again without waiting for it: the devices connect as soon as it listens. Most kills come
    // a random time after the first message was accepted again; some a random time after the first device logged in
    // (the daemon still starting: its main thread, which completes every `send`, may be busy until it is up), and some
    // a random time after the process started (opening and recovering the database, the first commits).
    void killsWhileClientsWork()
    {
        QElapsedTimer total;
        total.start();
        for (int kill = 1; kill <= kills; ++kill) {
            const int moment = pick(StartupKillOneIn);   // 0: from the start, 1: from the first login, else: first accept
            const int delayMs = std::uniform_int_distribution<int>(MinDelayMs, MaxDelayMs)(rng);
            const int acceptedBefore = ledger.count(SentMessage::Outcome::Accepted);
            if (kill > 1)
                QVERIFY2(restart(), qPrintable(u"restart %1"_s.arg(kill)));
            traffic.start();
            if (moment > 0) {
                auto reached = [&] {
                    if (moment > 1)
                        return ledger.count(SentMessage::Outcome::Accepted) > acceptedBefore;
                    return std::any_of(fleet.peers.cbegin(), fleet.peers.cend(), [](const auto &p) { return p->ready(); });
                };
                QElapsedTimer up;
                up.start();
                while (!reached() && up.elapsed() < e2e::WaitMs)
                    QTest::qWait(5);
                QVERIFY2(reached(), qPrintable(u"no device %1 after restart %2: %3; daemon: %4"_s
                                                   .arg(moment > 1 ? u"got a message accepted"_s : u"logged in"_s).arg(kill)
                                                   .arg(fleet.peers.front()->lastError(), daemonLog())));
            }
            QTest::qWait(delayMs);
            daemon.kill();   // SIGKILL
            traffic.stop();
            QVERIFY2(fleet.waitAllDisconnected(), "a client did not notice the dead server");
            const QString check = checkDatabase(databasePath());
            QVERIFY2(check == u"ok"_s, qPrintable(u"after kill %1 (seed %2, %3 ms after %4): %5"_s.arg(kill).arg(seed).arg(delayMs)
                                                      .arg(moment == 0 ? u"the start"_s : moment == 1 ? u"the first login"_s : u"the first accept"_s, check)));
            if (kill % 10 == 0)
                qInfo().noquote() << u"kill %1 of %2 after %3 s; %4"_s.arg(kill).arg(kills).arg(total.elapsed() / 1000.0, 0, 'f', 1)
                                         .arg(ledger.summary());
        }
        qInfo().noquote() << u"%1 kills in %2 s; %3"_s.arg(kills).arg(total.elapsed() / 1000.0, 0, 'f', 1).arg(ledger.summary());
        QVERIFY(ledger.count(SentMessage::Outcome::Accepted) > 0);
    }

    // The last start: every device drains its queue; then the ledger is judged.
    void acceptedDeliveredExactlyOnce()
    {
        QVERIFY(daemon.start());
        fleet.connectAll();
        QVERIFY2(fleet.waitAllReady(), "a device did not log in after the last restart");
        QElapsedTimer timer;
        timer.start();
        auto drained = [this] {
            return ledger.missing().isEmpty()
                && std::all_of(fleet.peers.cbegin(), fleet.peers.cend(), [](const auto &p) { return p->syncedSinceConnect() > 0; });
        };
        while (!drained() && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(20);
        QTest::qWait(500);   // late redeliveries would show up as duplicates
        for (const auto &p : fleet.peers)
            p->disconnectNow();
        QVERIFY(daemon.terminate());
        QCOMPARE(checkDatabase(databasePath()), u"ok"_s);

        qInfo().noquote() << u"seed %1: %2"_s.arg(seed).arg(ledger.summary());
        if (!ledger.problems.isEmpty())
            qWarning().noquote() << ledger.problems.mid(0, 10).join(u'\n');
        const QStringList missing = ledger.missing();
        QVERIFY2(missing.isEmpty(), qPrintable(u"%1 accepted deliveries lost (seed %2), e.g.\n"_s.arg(missing.size()).arg(seed)
                                               + missing.mid(0, 10).join(u'\n')));
        const QStringList duplicates = ledger.duplicatesShown();
        QVERIFY2(duplicates.isEmpty(), qPrintable(duplicates.mid(0, 10).join(u'\n')));
        const QStringList invented = ledger.invented();
        QVERIFY2(invented.isEmpty(), qPrintable(invented.mid(0, 10).join(u'\n')));
        const QStringList refused = ledger.shownThoughRefused();
        QVERIFY2(refused.isEmpty(), qPrintable(refused.mid(0, 10).join(u'\n')));
        const QStringList reused = ledger.reusedPrekeys();
        QVERIFY2(reused.isEmpty(), qPrintable(reused.mid(0, 10).join(u'\n')));
        QVERIFY2(ledger.problems.isEmpty(), qPrintable(ledger.problems.mid(0, 10).join(u'\n')));
        QVERIFY(!ledger.oneTimePrekeys.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCrashConsistency)
#include "tst_crashconsistency.moc"
