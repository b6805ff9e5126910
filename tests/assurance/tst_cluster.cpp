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
// - three nodes behind HAProxy (TCP mode) under load, one of them killed with SIGKILL: its devices reconnect through
//   HAProxy to the others, and every message answered `accepted` is shown exactly once on each of its devices;
// - PostgreSQL restarted under load: both nodes refuse sends while it is down and come back by themselves.

#include "abuseclient.h"
#include "clusterfixture.h"
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

class TestCluster : public QObject {
    Q_OBJECT

private:
    server::test::PostgresServer postgres;
    QTemporaryDir dir;
    QString database;
    std::unique_ptr<Daemon> nodeA;
    std::unique_ptr<Daemon> nodeB;
    std::unique_ptr<Daemon> nodeC;   // the third node, from nodeKilledUnderLoad on
    Ledger ledger;
    Fleet fleet;
    int counter = 0;
    bool adminReady = false;

    // [store] for the test's database as node `id`, the attachments in one directory for every node (as on a shared
    // mount), `limits` in [limits] besides the test's own, then `more`.
    QString config(const QString &id, const QString &more = {}, const QString &limits = u"send_burst=1000\n"_s)
    {
        QString store = postgres.storeSection(database, dir.filePath(u"db-password"_s));
        store.chop(1);   // the blank line that ends the section
        return store + u"node_id=%1\n\n[server]\nproxy_protocol_from=127.0.0.2\n\n[limits]\nfetch_burst=1000\nprekey_reserve=0\n"
                       "enroll_failures=3\nenroll_lockout_seconds=60\n%3\n"
                       "[metrics]\nlisten=127.0.0.1:0\n\n[files]\ndirectory=%2\n\n"_s.arg(id, dir.filePath(u"blobs"_s), limits) + more;
    }

    // Node B (and any other) serves the certificate node A generated: devices pin one fingerprint for the cluster.
    QString sharedTls() const
    {
        return u"[tls]\ncertificate=%1/tls/server.crt\nprivate_key=%1/tls/server.key\n\n"_s.arg(nodeA->dataDir());
    }

    // An admin session at `node`: the first administrator's one-time password (node A wrote it when it made the
    // schema) changed to e2e::AdminPassword on first use, that password afterwards, at any node.
    std::unique_ptr<e2e::Api> adminAt(Daemon &node)
    {
        const QString initial = QString::fromUtf8(
            Daemon::readFile(QDir(nodeA->dataDir()).filePath(u"initial-admin-password"_s))).trimmed();
        if (!adminReady) {
            auto api = e2e::firstAdmin(e2e::adminAddress(node), node.fingerprint(), initial);
            adminReady = bool(api);
            return api;
        }
        auto api = e2e::connectApi(e2e::adminAddress(node), node.fingerprint());
        if (!api)
            return nullptr;
        const auto login = api->call(u"login"_s, e2e::loginArgs(u"admin"_s, e2e::AdminPassword));
        if (!login.ok) {
            qWarning().noquote() << "admin login at" << e2e::adminAddress(node) << "refused:" << login.error << login.message;
            return nullptr;
        }
        api->token = login.result.value("token"_L1).toString();
        return api;
    }

    QSqlQuery query(const QString &statement)
    {
        const QString name = u"tst-cluster"_s;
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name) : QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        if (!db.isOpen()) {
            const auto s = postgres.settings(database);
            db.setHostName(s.host);
            db.setPort(s.port);
            db.setDatabaseName(database);
            db.setUserName(s.user);
            db.setPassword(s.password);
            db.open();
        }
        QSqlQuery q(db);
        q.exec(statement);
        return q;
    }

    Peer &peer(Daemon &node, const QString &user)
    {
        Peer &p = fleet.add(node, ledger, user);
        return p;
    }

    // Keeps up to `window` messages in flight from each sender in `senders` to `to` (a room when `room`).
    void pumpFor(const QList<Peer *> &senders, const QStringList &to, int ms, const QString &room = {}, int window = 4)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ms) {
            for (Peer *p : senders) {
                if (!p->online())
                    continue;
                while (p->outstanding() < window) {
                    QStringList others = to;
                    others.removeAll(p->user());
                    p->send(room.isEmpty() ? others : to, fleet.recipients(*p, room.isEmpty() ? others : to),
                            u"%1 %2"_s.arg(p->label()).arg(++counter), room);
                }
            }
            QTest::qWait(5);
        }
    }

    // The nodes' warnings, for a failure's message.
    QString nodeWarnings() const
    {
        QStringList lines;
        for (const Daemon *node : {nodeA.get(), nodeB.get(), nodeC.get()}) {
            if (!node)
                continue;
            for (const QByteArray &line : Daemon::readFile(node->stderrFile()).split('\n')) {
                if (line.contains(" warning: ") || line.contains(" critical: "))
                    lines.append(QString::fromUtf8(line));
            }
        }
        return lines.mid(0, 20).join(u'\n');
    }

    void checkLedger() { verifyLedger(fleet, ledger); }

private Q_SLOTS:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        QVERIFY(dir.isValid());
        QVERIFY2(postgres.start(), qPrintable(postgres.error()));
        database = u"cluster"_s;
        QVERIFY2(postgres.createDatabase(database), qPrintable(postgres.error()));
        nodeA = std::make_unique<Daemon>(config(u"node-a"_s));
        QVERIFY2(nodeA->start(), Daemon::readFile(nodeA->stderrFile()).constData());
        nodeB = std::make_unique<Daemon>(config(u"node-b"_s, sharedTls()));
        QVERIFY2(nodeB->start(), Daemon::readFile(nodeB->stderrFile()).constData());
        QCOMPARE(nodeB->fingerprint(), nodeA->fingerprint());
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

        pumpFor({&ann1, &bob}, {u"ann"_s, u"bob"_s, u"cat"_s}, 2000);
        pumpFor({&bob}, {u"ann"_s, u"bob"_s, u"cat"_s}, 1000, Room);
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

    // dan's one-time prekeys fetched from both nodes at once until the pool is spent: each key once.
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
        pumpFor(senders, everyone, 1000);
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

    void cleanupTestCase()
    {
        fleet.peers.clear();
        for (Daemon *node : {nodeB.get(), nodeC.get()}) {
            if (node)
                QVERIFY(node->terminate());
        }
        nodeA.reset();
        nodeB.reset();
        nodeC.reset();
        QSqlDatabase::removeDatabase(u"tst-cluster"_s);
        postgres.stop();
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
