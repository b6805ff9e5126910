// Several parleyd nodes on one PostgreSQL database (docs/scale-out.md), as real child processes with devices of the
// real SDK, against a real PostgreSQL 15 and a real HAProxy the test starts on loopback:
//
// - each node registers itself and heartbeats; a second process that claims a running node's id is refused at start;
// - devices on different nodes exchange direct and room messages (the room made at one node, used at the other: the
//   other node's caches hear of it), and each accepted message is shown exactly once on every device it is for;
// - a device that logs in at another node is closed at the node it left ("replaced");
// - the limits per account and per device (messages, room records, TURN credentials, a bot's own rate) are spent at
//   every node together;
// - one device's pool of one-time prekeys drained from both nodes at once: no key is handed out twice;
// - messages queued by one node count in every node's figures.
//
// The failures (PostgreSQL restarted, a node killed, the primary failing over) are tst_clusterfailover's.

#include "abuseclient.h"
#include "clusterfixture.h"
#include "clusternodes.h"
#include "durability.h"
#include "postgresfixture.h"
#include "transfers.h"

#include "crypto/crypto.h"

#include "../admin/adminfixture.h"

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>

using namespace parley;
using namespace parley::assurance;
using namespace Qt::StringLiterals;

namespace {

const QString Room = u"clusterroom"_s;

} // namespace

class TestCluster : public QObject, public ClusterNodes {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        startNodes(u"cluster"_s);
    }

    // Both nodes are in the nodes table with a fresh heartbeat; a process that claims node-a's id is refused.
    void nodesRegisterAndHeartbeat()
    {
        for (Daemon *node : {nodeA.get(), nodeB.get()})
            QVERIFY2(Daemon::readFile(node->stderrFile()).contains("linked to the database"),
                     Daemon::readFile(node->stderrFile()).constData());
        QSqlQuery q = query(u"SELECT id, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - heartbeat_at, stopped_at "
                            "FROM nodes ORDER BY id"_s);
        QStringList running;
        while (q.next()) {
            QVERIFY2(q.value(1).toLongLong() < 10000, qPrintable(q.value(0).toString()));
            if (q.value(2).toLongLong() == 0)
                running.append(q.value(0).toString());
        }
        QCOMPARE(running, (QStringList{u"node-a"_s, u"node-b"_s}));
        for (Daemon *node : {nodeA.get(), nodeB.get()}) {
            const QHash<QString, double> m = scrapeUntil(*node, u"parleyd_cluster_nodes{state=\"running\"}"_s, 2, 10000);
            QCOMPARE(m.value(u"parleyd_cluster_nodes{state=\"running\"}"_s), 2.0);
            QCOMPARE(m.value(u"parleyd_cluster_link_up"_s), 1.0);
        }
        // The cluster metrics the shipped alerting rules use are ones a node exports.
        QFile rules(QStringLiteral(PARLEY_ALERT_RULES));
        QVERIFY(rules.open(QIODevice::ReadOnly));
        const QString ruleText = QString::fromUtf8(rules.readAll());
        const QStringList exported = scrape(*nodeA).keys();
        int used = 0;
        for (auto it = QRegularExpression(u"\\b(parleyd_cluster_[a-z_]+)"_s).globalMatch(ruleText); it.hasNext(); ++used) {
            const QString name = it.next().captured(1);
            QVERIFY2(std::any_of(exported.cbegin(), exported.cend(),
                                 [&name](const QString &s) { return s == name || s.startsWith(name + u'{'); }),
                     qPrintable(name));
        }
        QVERIFY(used >= 2);

        Daemon twin(config(u"node-a"_s, sharedTls()));
        QVERIFY(!twin.start());
        const QByteArray err = Daemon::readFile(twin.stderrFile());
        QVERIFY2(err.contains("runs as node \"node-a\""), err.constData());
    }

    // Devices at both nodes: ann#1 and cat at A, ann#2 and bob at B. Direct messages both ways, and room messages
    // from a device at B to a room made at A.
    void messagesAcrossNodes()
    {
        Peer &ann1 = peer(*nodeA, u"ann"_s);
        Peer &ann2 = peer(*nodeB, u"ann"_s);
        Peer &bob = peer(*nodeB, u"bob"_s);
        Peer &cat = peer(*nodeA, u"cat"_s);
        for (Peer *p : {&ann1, &ann2, &bob, &cat})
            QVERIFY2(p->enroll(), qPrintable(p->user() + u": "_s + p->lastError()));

        QVERIFY(makeRoom(*ann1.client(), Room, u"cluster"_s, {u"bob"_s, u"cat"_s}));

        pumpUntil({&ann1, &bob}, {u"ann"_s, u"bob"_s, u"cat"_s}, 30, 2000);
        pumpUntil({&bob}, {u"ann"_s, u"bob"_s, u"cat"_s}, 40, 1000, Room);
        QVERIFY2(ledger.count(SentMessage::Outcome::Accepted) > 40, qPrintable(ledger.summary()));
        QVERIFY2(ledger.failures.isEmpty(), qPrintable(ledger.summary() + u'\n' + nodeWarnings()));
        checkLedger();
        // Each node was rung by the other: the doorbells work, not only the scans that stand in when one is lost.
        for (Daemon *node : {nodeA.get(), nodeB.get()}) {
            const QHash<QString, double> m = scrape(*node);
            QVERIFY2(m.value(u"parleyd_cluster_doorbells_received_total"_s) > 0, qPrintable(node->dataDir()));
            QVERIFY(m.value(u"parleyd_cluster_notifications_sent_total"_s) > 0);
        }
    }

    // The admin API of either node shows both nodes, and a device online at the other node as online.
    void adminSeesEveryNode()
    {
        auto apiA = adminAt(*nodeA);
        auto apiB = adminAt(*nodeB);
        QVERIFY(apiA && apiB);
        const auto status = apiB->call(u"status"_s);
        QVERIFY2(status.ok, qPrintable(status.message));
        QMap<QString, QCborMap> nodes;
        for (const QCborValue &v : status.result.value("nodes"_L1).toArray())
            nodes.insert(v.toMap().value("id"_L1).toString(), v.toMap());
        QCOMPARE(nodes.keys(), (QStringList{u"node-a"_s, u"node-b"_s}));
        QCOMPARE(nodes[u"node-a"_s].value("state"_L1).toString(), u"running"_s);
        QCOMPARE(nodes[u"node-b"_s].value("state"_L1).toString(), u"running"_s);
        QVERIFY(nodes[u"node-b"_s].value("self"_L1).toBool());
        QVERIFY(!nodes[u"node-a"_s].value("self"_L1).toBool());
        QVERIFY(nodes[u"node-a"_s].value("last_heartbeat_at"_L1).toInteger() > 0);
        QVERIFY(nodes[u"node-a"_s].contains("version"_L1));
        // bob's device is at node B, cat's at node A: each is online wherever the administrator asks.
        for (const auto &[api, user] : {std::pair{apiA.get(), u"bob"_s}, std::pair{apiB.get(), u"cat"_s}}) {
            const auto devices = api->call(u"user.devices"_s, {{u"name"_s, user}});
            QVERIFY2(devices.ok, qPrintable(devices.message));
            const QCborArray list = devices.result.value("devices"_L1).toArray();
            QVERIFY(!list.isEmpty());
            QVERIFY2(list.first().toMap().value("online"_L1).toBool(), qPrintable(user));
        }
    }

    // bob logs in at node A with a second connection of the same device: its session at node B closes as replaced,
    // and messages keep reaching it once, now through node A.
    void deviceMovesBetweenNodes()
    {
        Peer *bob = nullptr;
        Peer *ann1 = nullptr;
        for (const auto &p : fleet.peers) {
            if (p->user() == u"bob"_s)
                bob = p.get();
            if (p->user() == u"ann"_s && !ann1)
                ann1 = p.get();
        }
        QVERIFY(bob && ann1 && bob->online());
        QVERIFY(bob->setServer(nodeA->url()));
        sdk::Client second(bob->profile());
        second.connectToServer();
        QElapsedTimer timer;
        timer.start();
        while (second.state() != sdk::Client::State::LoggedIn && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(10);
        QCOMPARE(second.state(), sdk::Client::State::LoggedIn);
        timer.restart();
        while (!bob->disconnected() && timer.elapsed() < 10000)
            QTest::qWait(10);
        QVERIFY2(bob->disconnected(), "the session at node B stayed open after the device logged in at node A");
        second.disconnectFromServer();
        timer.restart();
        while (second.state() != sdk::Client::State::Disconnected && timer.elapsed() < 5000)
            QTest::qWait(10);

        bob->connect();   // now at node A
        QVERIFY(bob->waitReady());
        pumpFor({ann1, bob}, {u"ann"_s, u"bob"_s}, 1500);
        checkLedger();
    }

    // With [files] directory on storage every node mounts (here: one directory), a file uploaded at node A is
    // downloaded at node B, byte for byte.
    void attachmentsAcrossNodes()
    {
        e2e::Device gina(*nodeA, u"gina"_s);
        e2e::Device hank(*nodeB, u"hank"_s);
        QVERIFY(gina.enroll());
        QVERIFY(hank.enroll());
        QList<sdk::IncomingMessage> held;   // unacknowledged until the file is saved, as `parley receive` does
        e2e::holdAttachments(hank, held);
        QTemporaryDir files;
        const QByteArray bytes = crypto::randomBytes(300000);
        const QString path = files.filePath(u"plan.bin"_s);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
        }
        const e2e::Outcome up = e2e::upload(gina, path);
        QVERIFY2(up.file, qPrintable(up.error));
        QVERIFY(QFile::exists(dir.filePath(u"blobs/"_s + QString::fromLatin1(up.file->blob.toHex()))));
        bool accepted = false;
        gina.client().send({u"hank"_s}, sdk::MessageContent{u"the plan"_s, std::nullopt, {*up.file}}, {}, &gina,
                           [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, e2e::WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(hank.inbox.size(), 1, e2e::WaitMs);
        QCOMPARE(hank.inbox.first().files.size(), 1);
        QVERIFY(QDir(files.path()).mkdir(u"saved"_s));
        const e2e::Outcome down = e2e::download(hank, hank.inbox.first().files.first(), files.filePath(u"saved"_s));
        QVERIFY2(down.error.isEmpty(), qPrintable(down.error));
        QFile saved(down.savedPath);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), bytes);
        QCOMPARE(held.size(), 1);
        hank.client().releaseAck(held.first());
    }

    // Wrong enrollment codes for one name at two nodes count together: the third, whichever node it comes to, locks
    // the name's enrollment at both, even for the right code; a fourth name's count is its own.
    void enrollLockoutSharedByNodes()
    {
        const QString code = nodeA->enroll(u"erin"_s);
        QVERIFY(!code.isEmpty());
        const auto attempt = [](Daemon &node, const QString &user, const QString &tried) -> QString {
            e2e::RawClient c(u"127.0.0.1"_s);
            if (!c.connectTls(node.port()) || !c.upgrade())
                return u"no connection"_s;
            c.send(protocol::Frame(u"enroll_info"_s, 1, QCborMap{{u"user"_s, user}, {u"code"_s, tried}}));
            const auto reply = c.waitReply(1);
            return !reply ? u"no answer"_s : reply->type == u"error"_s ? reply->text("code"_L1) : reply->type;
        };
        QCOMPARE(attempt(*nodeA, u"erin"_s, u"AAAAA-BBBBB-CCCCC-DDDD1"_s), u"enroll_failed"_s);
        QCOMPARE(attempt(*nodeB, u"erin"_s, u"AAAAA-BBBBB-CCCCC-DDDD2"_s), u"enroll_failed"_s);
        QCOMPARE(attempt(*nodeA, u"erin"_s, u"AAAAA-BBBBB-CCCCC-DDDD3"_s), u"enroll_failed"_s);
        QCOMPARE(attempt(*nodeB, u"erin"_s, code), u"rate_limited"_s);
        QCOMPARE(attempt(*nodeA, u"erin"_s, code), u"rate_limited"_s);
        // Another name is not locked by erin's.
        const QString frank = nodeB->enroll(u"frank"_s);
        QVERIFY(!frank.isEmpty());
        QCOMPARE(attempt(*nodeA, u"frank"_s, frank), u"enroll_info_ok"_s);
    }

    // The buckets per account and per device count at every node together: an account's messages and room records
    // spent by its device at node E are spent for its device at node F, a device's TURN credentials spent at E are
    // spent when it moves to F, and a bot's own bucket emptied in the database is empty at E. Nodes E and F have small
    // limits that come back only after minutes.
    void accountLimitsSharedByNodes()
    {
        const QString tight = u"send_rate=0.01\nsend_burst=3\nroom_change_rate=0.01\nroom_change_burst=2\n"
                              "turn_rate=0.01\nturn_burst=2\n"_s;
        Daemon nodeE(config(u"node-e"_s, sharedTls(), tight));
        QVERIFY2(nodeE.start(), Daemon::readFile(nodeE.stderrFile()).constData());
        Daemon nodeF(config(u"node-f"_s, sharedTls(), tight));
        QVERIFY2(nodeF.start(), Daemon::readFile(nodeF.stderrFile()).constData());
        e2e::Device uma1(nodeE, u"uma"_s);
        e2e::Device uma2(nodeF, u"uma"_s);
        e2e::Device vic(nodeE, u"vic"_s);
        for (e2e::Device *d : {&uma1, &uma2, &vic})
            QVERIFY2(d->enroll(), qPrintable(d->user()));

        // The first answer to what `device` asks from now on that is one of `wanted` (a frame type or an error code).
        const auto answer = [](const e2e::Device &device, qsizetype from, const QStringList &wanted) -> QString {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < e2e::WaitMs) {
                for (qsizetype i = from; i < device.frames.size(); ++i) {
                    const protocol::Frame &f = device.frames.at(i);
                    const QString key = f.type == u"error"_s ? f.text("code"_L1) : f.type;
                    if (wanted.contains(key))
                        return key;
                }
                QTest::qWait(10);
            }
            return u"no answer"_s;
        };
        const QStringList sent{u"accepted"_s, u"rate_limited"_s};
        const auto send = [&](e2e::Device &d) {
            const qsizetype from = d.frames.size();
            d.client().send({u"vic"_s}, u"counted"_s, {});
            return answer(d, from, sent);
        };
        for (int i = 0; i < 3; ++i)
            QCOMPARE(send(i % 2 ? uma2 : uma1), u"accepted"_s);
        QCOMPARE(send(uma2), u"rate_limited"_s);   // node F's own bucket for uma has all three tokens
        QCOMPARE(send(uma1), u"rate_limited"_s);

        QVERIFY(makeRoom(uma1.client(), u"limited"_s, u"limits"_s, {u"vic"_s}));   // two records
        sdk::Rooms rooms(uma2.client());
        QObject context;
        qsizetype from = uma2.frames.size();
        rooms.create(u"limited2"_s, u"limits"_s, QString(), {}, {}, &context, [](Result<protocol::RoomState>) {});
        QCOMPARE(answer(uma2, from, {u"room_ok"_s, u"rate_limited"_s}), u"rate_limited"_s);

        const QStringList turn{u"unavailable"_s, u"rate_limited"_s};   // the nodes have no TURN relay configured
        for (int i = 0; i < 2; ++i) {
            from = vic.frames.size();
            vic.client().sendFrame(protocol::Frame(u"turn"_s, 0, QCborMap{}));
            QCOMPARE(answer(vic, from, turn), u"unavailable"_s);
        }
        QVERIFY(vic.connectTo(nodeF.url()));
        from = vic.frames.size();
        vic.client().sendFrame(protocol::Frame(u"turn"_s, 0, QCborMap{}));
        QCOMPARE(answer(vic, from, turn), u"rate_limited"_s);

        // A bot's own bucket too: emptied in the database (as by its sends at another node), it refuses the bot's
        // next message here, although this node's own bucket for the bot, and the account's, have tokens.
        auto admin = adminAt(nodeE);
        QVERIFY(admin);
        const auto created = admin->call(u"bots.create"_s, {{u"name"_s, u"nina.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}},
                                                             {u"rate"_s, 1}, {u"burst"_s, 20}});
        QVERIFY2(created.ok, qPrintable(created.message));
        e2e::Device nina(nodeE, u"nina.bot"_s);
        QVERIFY(nina.enroll(created.result.value("code"_L1).toString()));
        QSqlQuery emptied = query(u"INSERT INTO rate_buckets (kind, a, b, full_at) SELECT 'bot', id, 0, %1 FROM users "
                                  "WHERE name = 'nina.bot'"_s.arg(QDateTime::currentMSecsSinceEpoch() + 3600000));
        QCOMPARE(emptied.numRowsAffected(), 1);
        QCOMPARE(send(nina), u"rate_limited"_s);

        for (e2e::Device *d : {&uma1, &uma2, &vic, &nina})
            d->close();
        QVERIFY(nodeE.terminate());
        QVERIFY(nodeF.terminate());
    }

    // dan's one-time prekeys fetched from both nodes at once until the pool is spent: each key once.
    void prekeysDrainedFromBothNodes()
    {
        Peer &dan = peer(*nodeA, u"dan"_s);
        QVERIFY2(dan.enroll(), qPrintable(dan.lastError()));
        dan.disconnectNow();   // offline: its pool is not topped up while it is drained
        QList<Peer *> fetchers;
        for (const auto &p : fleet.peers) {
            if (p->online() && p.get() != &dan)
                fetchers.append(p.get());
        }
        QVERIFY(fetchers.size() >= 2);
        const int before = ledger.lastResortHandouts;
        QElapsedTimer timer;
        timer.start();
        while (ledger.lastResortHandouts == before && timer.elapsed() < e2e::WaitMs) {
            for (Peer *p : fetchers)
                p->fetchPrekeys(u"dan"_s);
            QTest::qWait(20);
        }
        QVERIFY2(ledger.lastResortHandouts > before, qPrintable(ledger.summary()));
        QVERIFY2(ledger.reusedPrekeys().isEmpty(), qPrintable(ledger.reusedPrekeys().mid(0, 10).join(u'\n')));
        int danKeys = 0;
        for (auto it = ledger.oneTimePrekeys.cbegin(); it != ledger.oneTimePrekeys.cend(); ++it)
            danKeys += it.key().startsWith(u"dan#"_s) ? 1 : 0;
        QVERIFY2(danKeys >= 20, qPrintable(u"%1 one-time keys of dan handed out"_s.arg(danKeys)));
    }

    // Messages for an offline device, stored by node A, count in the queued messages of both nodes (status and
    // /metrics), although node B's writer stored none of them.
    void queuedCountedOverNodes()
    {
        Peer *ann1 = nullptr;
        for (const auto &p : fleet.peers) {
            if (p->user() == u"ann"_s && !ann1)
                ann1 = p.get();
        }
        QVERIFY(ann1 && ann1->online());
        const int accepted = ledger.count(SentMessage::Outcome::Accepted);
        for (int i = 0; i < 5; ++i)
            ann1->send({u"dan"_s}, fleet.recipients(*ann1, {u"dan"_s}), u"for later %1"_s.arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(ledger.count(SentMessage::Outcome::Accepted) >= accepted + 5, e2e::WaitMs);
        for (Daemon *node : {nodeA.get(), nodeB.get()}) {
            QHash<QString, double> m = scrape(*node);
            QElapsedTimer timer;
            timer.start();
            while (m.value(u"parleyd_queued_messages"_s) < 5 && timer.elapsed() < 20000) {
                QTest::qWait(500);
                m = scrape(*node);
            }
            QVERIFY2(m.value(u"parleyd_queued_messages"_s) >= 5, qPrintable(node->dataDir()));
        }
        auto api = adminAt(*nodeB);
        QVERIFY(api);
        const auto status = api->call(u"status"_s);
        QVERIFY2(status.ok, qPrintable(status.message));
        QVERIFY(status.result.value("queued_messages"_L1).toInteger() >= 5);

        // dan picks them up (through node A, which serves its profile's server) and goes offline again.
        for (const auto &p : fleet.peers) {
            if (p->user() == u"dan"_s) {
                p->connect();
                QVERIFY(p->waitReady());
                checkLedger();
                p->disconnectNow();
            }
        }
    }

    void cleanupTestCase() { stopNodes(); }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
