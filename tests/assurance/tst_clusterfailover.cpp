// The cluster of docs/scale-out.md under failure: parleyd nodes as real child processes on a real PostgreSQL 15, with
// devices of the real SDK and a real HAProxy, all started by the test on loopback. Each failure runs under load, and
// afterwards every message answered `accepted` is shown exactly once on each device it is for (the ledger):
//
// - PostgreSQL restarted: both nodes refuse sends while it is down, say so once, and come back by themselves;
// - three nodes behind HAProxy (TCP mode), one of them killed with SIGKILL: its devices reconnect through HAProxy to
//   the others, and the others see it lost;
// - the primary crashes and the database's address moves to its synchronous standby, which is then promoted.
//
// The cluster's working features are tst_cluster's.

#include "clusterfixture.h"
#include "clusternodes.h"
#include "durability.h"
#include "postgresfixture.h"

#include "../admin/adminfixture.h"

#include <QLoggingCategory>

using namespace parley;
using namespace parley::assurance;
using namespace Qt::StringLiterals;

class TestClusterFailover : public QObject, public ClusterNodes {
    Q_OBJECT

private Q_SLOTS:
    // ann with a device at each node, bob at B, cat at A; dan enrolled at A and offline (a recipient only).
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        startNodes(u"failover"_s);
        if (QTest::currentTestFailed())
            return;
        for (Peer *p : {&peer(*nodeA, u"ann"_s), &peer(*nodeB, u"ann"_s), &peer(*nodeB, u"bob"_s), &peer(*nodeA, u"cat"_s),
                        &peer(*nodeA, u"dan"_s)})
            QVERIFY2(p->enroll(), qPrintable(p->user() + u": "_s + p->lastError()));
        fleet.peers.back()->disconnectNow();
    }

    // PostgreSQL restarted while devices at both nodes send to each other: sends are refused while it is down, both
    // nodes' links say so once and come back by themselves (same processes), and every accepted message is shown
    // exactly once, also those another node committed while this node's link was down.
    void postgresRestartedUnderLoad()
    {
        QList<Peer *> senders;
        for (const auto &p : fleet.peers) {
            if (p->user() != u"dan"_s) {
                if (!p->online())
                    p->connect();
                senders.append(p.get());
            }
        }
        QVERIFY(std::all_of(senders.cbegin(), senders.cend(), [](Peer *p) { return p->waitReady(); }));
        const qint64 pidA = nodeA->process().processId();
        const qint64 pidB = nodeB->process().processId();
        const qsizetype logA = Daemon::readFile(nodeA->stderrFile()).size();
        const qsizetype logB = Daemon::readFile(nodeB->stderrFile()).size();
        const QStringList everyone{u"ann"_s, u"bob"_s, u"cat"_s};
        pumpFor(senders, everyone, 1000);
        QVERIFY2(postgres.stop(), qPrintable(postgres.error()));
        pumpFor(senders, everyone, 1500);
        QVERIFY2(postgres.startServer(), qPrintable(postgres.error()));
        QElapsedTimer recovering;
        recovering.start();
        const int acceptedDuring = ledger.count(SentMessage::Outcome::Accepted);
        while (ledger.count(SentMessage::Outcome::Accepted) < acceptedDuring + 50 && recovering.elapsed() < e2e::WaitMs) {
            for (Peer *p : senders) {
                if (p->disconnected())
                    p->connect();
            }
            pumpFor(senders, everyone, 20);
        }
        QVERIFY2(ledger.count(SentMessage::Outcome::Accepted) >= acceptedDuring + 50, qPrintable(ledger.summary()));
        const double rungBefore = scrape(*nodeA).value(u"parleyd_cluster_doorbells_received_total"_s);
        QCOMPARE(nodeA->process().processId(), pidA);
        QCOMPARE(nodeB->process().processId(), pidB);
        for (const auto &[node, from] : {std::pair{nodeA.get(), logA}, std::pair{nodeB.get(), logB}}) {
            QElapsedTimer back;
            back.start();
            while (!Daemon::readFile(node->stderrFile()).mid(from).contains("The link to the database is back")
                   && back.elapsed() < 10000)
                QTest::qWait(50);
            const QByteArray log = Daemon::readFile(node->stderrFile()).mid(from);
            QVERIFY2(log.count("The cluster link to the database is down") == 1, log.right(3000).constData());
            QVERIFY2(log.contains("The link to the database is back"), log.right(3000).constData());
            QVERIFY(scrape(*node).value(u"parleyd_cluster_link_reconnects_total"_s) >= 1);
        }
        // The administrator's first call after the restart, at the node that does not send push wake-ups (whose main
        // thread read nothing since), is answered: its read connection finds out and connects again first.
        for (Daemon *node : {nodeA.get(), nodeB.get()}) {
            auto api = adminAt(*node);
            QVERIFY(api);
            const auto status = api->call(u"status"_s);
            QVERIFY2(status.ok, qPrintable(status.error + u": "_s + status.message));
        }
        for (auto it = ledger.sent.cbegin(); it != ledger.sent.cend(); ++it) {
            if (it->outcome == SentMessage::Outcome::Failed)
                QVERIFY2(it->failure == u"unavailable"_s, qPrintable(it->failure + u": "_s + it->failureText));
        }
        // Devices whose login met a connection still finding out about the restart try again.
        QVERIFY(reconnectUntilReady(senders));
        checkLedger();
        // Node A hears doorbells again on its new connection.
        pumpFor(senders, everyone, 1000);
        checkLedger();
        QVERIFY2(scrape(*nodeA).value(u"parleyd_cluster_doorbells_received_total"_s) > rungBefore,
                 "no doorbell reached node A after it connected again");
    }

    // Three nodes behind HAProxy; every device connects through it. Under load node A is killed with SIGKILL: its
    // devices reconnect through HAProxy (to node B or C), and every accepted message is shown exactly once.
    void nodeKilledUnderLoad()
    {
        nodeC = std::make_unique<Daemon>(config(u"node-c"_s, sharedTls()));
        QVERIFY2(nodeC->start(), Daemon::readFile(nodeC->stderrFile()).constData());
        HaProxy haproxy;
        QVERIFY(haproxy.start({nodeA->port(), nodeB->port(), nodeC->port()}));
        for (const auto &p : fleet.peers) {
            QVERIFY(p->setServer(haproxy.url()));
            p->connect();
        }
        QVERIFY(fleet.waitAllReady());
        // Every connection through HAProxy began with a PROXY header the node took.
        for (const Daemon *node : {nodeA.get(), nodeB.get(), nodeC.get()})
            QCOMPARE(scrape(*node).value(u"parleyd_proxy_headers_refused_total"_s, -1), 0.0);
        QList<Peer *> senders;
        for (const auto &p : fleet.peers) {
            if (p->user() != u"dan"_s)
                senders.append(p.get());
        }
        const QStringList everyone{u"ann"_s, u"bob"_s, u"cat"_s, u"dan"_s};
        pumpFor(senders, everyone, 1500);
        const int acceptedBefore = ledger.count(SentMessage::Outcome::Accepted);
        QVERIFY2(acceptedBefore > 0, qPrintable(ledger.summary()));

        nodeA->kill();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 4000) {
            for (const auto &p : fleet.peers) {
                if (p->disconnected())
                    p->connect();
            }
            pumpFor(senders, everyone, 50);
        }
        // A device HAProxy sent to node A before it saw it down tries again, as the SDK's users do.
        QList<Peer *> all;
        for (const auto &p : fleet.peers)
            all.append(p.get());
        QVERIFY2(reconnectUntilReady(all), qPrintable(ledger.summary()));
        pumpUntil(senders, everyone, acceptedBefore + 20, 1000);
        QVERIFY2(ledger.count(SentMessage::Outcome::Accepted) > acceptedBefore + 20, qPrintable(ledger.summary()));
        checkLedger();
        for (const auto &p : fleet.peers)
            p->disconnectNow();
        // The others see node A lost once its heartbeat is older than the lease (15 s).
        const QHash<QString, double> m = scrapeUntil(*nodeB, u"parleyd_cluster_nodes{state=\"lost\"}"_s, 1, 30000);
        QCOMPARE(m.value(u"parleyd_cluster_nodes{state=\"lost\"}"_s), 1.0);
        QCOMPARE(m.value(u"parleyd_cluster_nodes{state=\"running\"}"_s), 2.0);
        // status at node B says so, and warns.
        auto api = adminAt(*nodeB);
        QVERIFY(api);
        const auto status = api->call(u"status"_s);
        QVERIFY2(status.ok, qPrintable(status.message));
        QString stateOfA;
        for (const QCborValue &v : status.result.value("nodes"_L1).toArray()) {
            if (v.toMap().value("id"_L1).toString() == u"node-a"_s)
                stateOfA = v.toMap().value("state"_L1).toString();
        }
        QCOMPARE(stateOfA, u"lost"_s);
        bool warned = false;
        for (const QCborValue &v : status.result.value("warnings"_L1).toArray()) {
            const QCborMap w = v.toMap();
            warned = warned || (w.value("code"_L1).toString() == u"node_stalled"_s
                                && w.value("node"_L1).toString() == u"node-a"_s);
        }
        QVERIFY2(warned, "no node_stalled warning for the lost node");
    }

    // PostgreSQL with a synchronous streaming standby, reached through an address that moves (here a port of
    // HAProxy's; in production a DNS name or a virtual IP, docs/scale-out.md). Under load the primary crashes and
    // the address moves to the standby: the node refuses sends while the database is gone and while the standby is
    // still one, and goes on by itself once it is promoted; every message answered `accepted` is shown exactly once.
    void primaryFailsOver()
    {
        for (std::unique_ptr<Daemon> *node : {&nodeB, &nodeC}) {   // done with: their database is about to go
            if (*node)
                QVERIFY((*node)->terminate());
            node->reset();
        }
        server::test::PostgresServer standby;
        QVERIFY2(standby.startStandbyOf(postgres, true), qPrintable(standby.error()));
        HaProxy address;
        QVERIFY(address.start({postgres.port()}, QString()));
        QString conf = config(u"node-d"_s, sharedTls());
        conf.replace(u"\nport=%1\n"_s.arg(postgres.port()), u"\nport=%1\n"_s.arg(address.port()));
        Daemon node(conf);
        QVERIFY2(node.start(), Daemon::readFile(node.stderrFile()).constData());
        QList<Peer *> all;
        QList<Peer *> senders;
        for (const auto &p : fleet.peers) {
            QVERIFY(p->setServer(node.url()));
            p->connect();
            all.append(p.get());
            if (p->user() != u"dan"_s)
                senders.append(p.get());
        }
        QVERIFY2(reconnectUntilReady(all), qPrintable(ledger.summary()));
        const QStringList everyone{u"ann"_s, u"bob"_s, u"cat"_s, u"dan"_s};
        pumpFor(senders, everyone, 1000);
        const int acceptedBefore = ledger.count(SentMessage::Outcome::Accepted);

        // The primary crashes; the address leads to the standby before it is promoted.
        QVERIFY(postgres.stop(u"immediate"_s));
        QVERIFY(address.moveTo({standby.port()}));
        QElapsedTimer refusing;
        refusing.start();
        while (!Daemon::readFile(node.stderrFile()).contains("read-only standby") && refusing.elapsed() < e2e::WaitMs)
            pumpFor(senders, everyone, 250);
        QVERIFY2(Daemon::readFile(node.stderrFile()).contains("read-only standby"), "the node did not say it met a standby");
        QVERIFY(standby.promote());
        QVERIFY2(reconnectUntilReady(all), qPrintable(ledger.summary()));
        // Sends are taken again once the node's connections found the promoted server (on a loaded machine that may
        // take a few of the writer's reconnection attempts).
        QElapsedTimer recovering;
        recovering.start();
        while (ledger.count(SentMessage::Outcome::Accepted) <= acceptedBefore + 20 && recovering.elapsed() < e2e::WaitMs)
            pumpFor(senders, everyone, 250);
        pumpFor(senders, everyone, 500);
        QVERIFY2(ledger.count(SentMessage::Outcome::Accepted) > acceptedBefore + 20, qPrintable(ledger.summary()));
        checkLedger();
        fleet.peers.clear();
        QVERIFY(node.terminate());
    }

    void cleanupTestCase() { stopNodes(); }
};

QTEST_GUILESS_MAIN(TestClusterFailover)
#include "tst_clusterfailover.moc"
