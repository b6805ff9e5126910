// Storage faults: parleyd's data directory is a small tmpfs in a private mount namespace (entered with unshare(2) as
// the test starts, so no privilege is needed where user namespaces are allowed), and an LD_PRELOAD library
// (faultshim.c) makes the daemon's file-system calls on it fail on demand. Three faults while devices of the real SDK
// send: the file system filled to ENOSPC (a real one: a filler file takes the last byte), the file system read-only
// (every write, truncate, sync and create fails with EROFS, as after the kernel remounted it read-only; a live
// `mount -o remount,ro` is refused with EBUSY while parleyd holds its database open for writing, so the shim stands
// in for it), and fsync()/fdatasync() failing with EIO. For each:
//
// - the server refuses new work with a clear error: a `send` is answered `unavailable` ("... storage ..."), and the
//   daemon logs the fault once ("Storage failure: ...");
// - it keeps serving reads: a device logs in during the fault and is shown every message stored for it;
// - it loses nothing it had accepted, before or during the fault, and delivers nothing it refused;
// - it recovers by itself, same process, once space returns / the file system is writable / fsync works again
//   ("Storage recovered ..."), and the database passes integrity_check.

#include "durability.h"
#include "mountnamespace.h"

#include <QLoggingCategory>
#include <QScopeGuard>

using namespace parley;
using namespace parley::assurance;
using parley::e2e::enterPrivateMountNamespace;
using parley::e2e::errnoText;
using parley::e2e::mountTmpfs;
using namespace Qt::StringLiterals;

namespace {

constexpr int MaxFaultAttempts = 400;   // messages sent into a fault before the test gives up on a refusal
constexpr int RefusalsWanted = 3;
constexpr int MaxRecoveryAttempts = 50;
const char *const SkipMarker = "storage faults: skipped";

QString g_isolation;   // why the test has no mount namespace of its own; empty when it has

} // namespace

class TestStorageFaults : public QObject {
    Q_OBJECT

private:
    // No sweep during the test: its TRUNCATE checkpoint would give the full file system space back.
    Daemon daemon{u"[limits]\nsweep_seconds=3600\n"_s};
    Ledger ledger;
    Fleet fleet;
    Peer *ann = nullptr;
    Peer *bob = nullptr;
    Peer *cat = nullptr;
    bool mounted = false;
    int counter = 0;

    QString faultFile() const { return daemon.dir() + u"/fault"_s; }
    QString fillerFile() const { return daemon.dataDir() + u"/filler"_s; }
    QString databasePath() const { return daemon.dataDir() + u"/parleyd.sqlite"_s; }
    QByteArray daemonLog() const { return Daemon::readFile(daemon.stderrFile()); }

    static QString setFault(const QString &file, const QByteArray &mode)
    {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(mode + '\n') != mode.size() + 1)
            return u"cannot write %1"_s.arg(file);
        f.close();
        QTest::qWait(20);   // the shim reads the file at most every 5 ms
        return {};
    }

    // Fills the file system of the data directory to its last byte.
    QString fill() const
    {
        QFile filler(fillerFile());
        if (!filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            return filler.errorString();
        for (const qint64 chunk : {qint64(1) << 20, qint64(4096), qint64(1)}) {
            const QByteArray zeros(chunk, '\0');
            while (filler.write(zeros) == chunk) {
            }
            filler.unsetError();
        }
        filler.close();
        QFile probe(daemon.dataDir() + u"/probe"_s);
        if (probe.open(QIODevice::WriteOnly) && probe.write("x", 1) == 1 && probe.flush()) {
            probe.remove();
            return u"the file system still takes writes"_s;
        }
        probe.remove();
        return {};
    }

    // Sends one message and waits for its outcome.
    SentMessage sendAndWait(Peer &from, const QStringList &to, const QByteArray &pad = {})
    {
        const QString text = u"%1 %2 %3"_s.arg(from.label()).arg(++counter).arg(QString::fromLatin1(pad));
        const QByteArray mid = from.send(to, fleet.recipients(from, to), text);
        QElapsedTimer timer;
        timer.start();
        while (ledger.sent.value(mid).outcome == SentMessage::Outcome::Pending && ledger.sent.value(mid).failure.isEmpty()
               && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(2);
        return ledger.sent.value(mid);
    }

    // Waits until every accepted message has been shown on every recipient device.
    bool waitNothingMissing()
    {
        QElapsedTimer timer;
        timer.start();
        while (!ledger.missing().isEmpty() && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(10);
        return ledger.missing().isEmpty();
    }

    bool waitSynced(Peer &peer)
    {
        QElapsedTimer timer;
        timer.start();
        while (peer.syncedSinceConnect() == 0 && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(5);
        return peer.syncedSinceConnect() > 0;
    }

    // One fault, from healthy to faulty and back: see the header.
    void runFault(const std::function<QString()> &enter, const std::function<QString()> &leave, const QByteArray &pad)
    {
        QVERIFY(ann->ready() && bob->ready());
        cat->disconnectNow();
        const qint64 pid = daemon.process().processId();
        const QStringList to{u"bob"_s, u"cat"_s};

        for (int i = 0; i < 3; ++i)
            QCOMPARE(int(sendAndWait(*ann, to).outcome), int(SentMessage::Outcome::Accepted));

        const qsizetype logFrom = daemonLog().size();
        const QString entered = enter();
        QVERIFY2(entered.isEmpty(), qPrintable(entered));
        bool ended = false;
        const auto endFault = qScopeGuard([&] {
            if (!ended)
                leave();   // a failed check leaves a healthy daemon to the next fault
        });
        int refused = 0;
        int acceptedDuring = 0;
        QStringList unexpected;
        QString refusal;
        for (int i = 0; i < MaxFaultAttempts && refused < RefusalsWanted && unexpected.isEmpty(); ++i) {
            const SentMessage m = sendAndWait(*ann, to, pad);
            if (m.outcome == SentMessage::Outcome::Accepted) {
                ++acceptedDuring;
            } else if (m.failure == u"unavailable"_s && m.failureText.contains(u"storage"_s)) {
                ++refused;
                refusal = m.failureText;
            } else {
                unexpected.append(u"%1: %2"_s.arg(m.failure.isEmpty() ? u"no answer"_s : m.failure, m.failureText));
            }
        }
        QVERIFY2(unexpected.isEmpty(), qPrintable(u"a send during the fault got: "_s + unexpected.join(u"; "_s)));
        QVERIFY2(refused == RefusalsWanted,
                 qPrintable(u"during the fault %1 messages were accepted and %2 refused"_s.arg(acceptedDuring).arg(refused)));
        qInfo().noquote() << u"during the fault: %1 accepted, then refused: %2"_s.arg(acceptedDuring).arg(refusal);
        const QByteArray faultLog = daemonLog().mid(logFrom);
        QVERIFY2(faultLog.contains("Storage failure:"), faultLog.right(1500).constData());
        QVERIFY2(faultLog.count("Storage failure:") < RefusalsWanted, faultLog.right(1500).constData());   // not per refused write
        const qsizetype at = faultLog.indexOf("Storage failure:");
        qInfo().noquote() << u"daemon: "_s + QString::fromUtf8(faultLog.mid(at, faultLog.indexOf('\n', at) - at));

        // Reads go on: cat logs in (its login's own write fails quietly) and is shown everything stored for it.
        cat->connect();
        QVERIFY2(waitSynced(*cat), qPrintable(cat->lastError()));
        const QStringList missing = ledger.missing();
        QVERIFY2(missing.isEmpty(), qPrintable(u"not shown during the fault: "_s + missing.mid(0, 5).join(u"; "_s)));
        QTest::qWait(300);   // cat's acks meet the fault too

        ended = true;
        const QString left = leave();
        QVERIFY2(left.isEmpty(), qPrintable(left));
        bool recovered = false;
        for (int i = 0; i < MaxRecoveryAttempts && !recovered; ++i) {
            recovered = sendAndWait(*ann, to).outcome == SentMessage::Outcome::Accepted;
            if (!recovered)
                QTest::qWait(100);
        }
        QVERIFY2(recovered, "no message was accepted after the fault ended");
        QCOMPARE(daemon.process().processId(), pid);   // by itself: no restart
        QVERIFY2(daemonLog().mid(logFrom).contains("Storage recovered"), daemonLog().right(1500).constData());

        // The acks sent during the fault were not stored: the messages come again, and the dedupe absorbs them.
        cat->disconnectNow();
        cat->connect();
        QVERIFY(waitSynced(*cat));
        QVERIFY2(waitNothingMissing(), qPrintable(ledger.missing().mid(0, 10).join(u'\n')));
        QVERIFY2(ledger.duplicatesShown().isEmpty(), qPrintable(ledger.duplicatesShown().mid(0, 10).join(u'\n')));
        QVERIFY2(ledger.invented().isEmpty(), qPrintable(ledger.invented().mid(0, 10).join(u'\n')));
        QVERIFY2(ledger.shownThoughRefused().isEmpty(), qPrintable(ledger.shownThoughRefused().mid(0, 10).join(u'\n')));
        QVERIFY2(ledger.problems.isEmpty(), qPrintable(ledger.problems.mid(0, 10).join(u'\n')));
        QCOMPARE(checkDatabase(databasePath()), u"ok"_s);
        qInfo().noquote() << ledger.summary();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!g_isolation.isEmpty())
            QSKIP(qPrintable(u"%1: no mount namespace of its own for a size-limited tmpfs (%2)"_s.arg(QLatin1StringView(SkipMarker),
                                                                                                       g_isolation)));
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        QVERIFY(QDir().mkpath(daemon.dataDir()));
        const QString mounted16m = mountTmpfs(daemon.dataDir(), "16m");
        QVERIFY2(mounted16m.isEmpty(), qPrintable(mounted16m));
        mounted = true;
        QVERIFY(setFault(faultFile(), "none").isEmpty());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"LD_PRELOAD"_s, QStringLiteral(FAULTSHIM_LIBRARY));
        env.insert(u"PARLEY_FAULT_DIR"_s, daemon.dataDir());
        env.insert(u"PARLEY_FAULT_FILE"_s, faultFile());
        daemon.process().setProcessEnvironment(env);
        QVERIFY(daemon.start());
        ann = &fleet.add(daemon, ledger, u"ann"_s);
        bob = &fleet.add(daemon, ledger, u"bob"_s);
        cat = &fleet.add(daemon, ledger, u"cat"_s);
        for (const auto &p : fleet.peers)
            QVERIFY2(p->enroll(), qPrintable(p->user() + u": "_s + p->lastError() + u"; daemon: "_s + QString::fromUtf8(daemonLog().right(600))));
    }

    void cleanupTestCase()
    {
        if (!mounted)
            return;
        for (const auto &p : fleet.peers)
            p->disconnectNow();
        QVERIFY(daemon.terminate());
        QVERIFY2(::umount2(QFile::encodeName(daemon.dataDir()).constData(), MNT_DETACH) == 0, qPrintable(errnoText()));
    }

    // ENOSPC: a filler file takes the last free byte while large messages go to an offline device.
    void diskFull()
    {
        runFault([this] { return fill(); },
                 [this] { return QFile::remove(fillerFile()) ? QString() : u"cannot remove the filler"_s; },
                 QByteArray(8000, 'x'));
    }

    // EROFS on every change to the data directory's files.
    void readOnlyFileSystem()
    {
        runFault([this] { return setFault(faultFile(), "rofs"); }, [this] { return setFault(faultFile(), "none"); }, {});
    }

    // fsync() and fdatasync() fail with EIO: the commit is not durable, so it must not count as done.
    void fsyncFails()
    {
        runFault([this] { return setFault(faultFile(), "fsync"); }, [this] { return setFault(faultFile(), "none"); }, {});
    }
};

int main(int argc, char **argv)
{
    g_isolation = enterPrivateMountNamespace();   // before QCoreApplication starts any thread
    QCoreApplication app(argc, argv);
    TestStorageFaults test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storagefaults.moc"
