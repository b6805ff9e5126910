#pragma once

// The cluster the cluster tests (tst_cluster, tst_clusterfailover) run: PostgreSQL with two parleyd nodes on it,
// their devices and the traffic between them.

#include "clusterfixture.h"
#include "durability.h"
#include "postgresfixture.h"

#include "../admin/adminfixture.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>

namespace parley::assurance {

// A real PostgreSQL 15 with one database and nodes A and B on it (a third, C, when a test starts it), the test's
// devices (the fleet) and what they sent (the ledger). A test class derives from it after QObject.
class ClusterNodes {
public:
    server::test::PostgresServer postgres;
    QTemporaryDir dir;
    QString database;
    std::unique_ptr<Daemon> nodeA;
    std::unique_ptr<Daemon> nodeB;
    std::unique_ptr<Daemon> nodeC;   // the third node, when a test starts it
    Ledger ledger;
    Fleet fleet;

    // PostgreSQL, the database `name`, node A (which makes the schema and the TLS certificate) and node B.
    void startNodes(const QString &name)
    {
        QVERIFY(dir.isValid());
        QVERIFY2(postgres.start(), qPrintable(postgres.error()));
        database = name;
        QVERIFY2(postgres.createDatabase(database), qPrintable(postgres.error()));
        nodeA = std::make_unique<Daemon>(config(u"node-a"_s));
        QVERIFY2(nodeA->start(), Daemon::readFile(nodeA->stderrFile()).constData());
        nodeB = std::make_unique<Daemon>(config(u"node-b"_s, sharedTls()));
        QVERIFY2(nodeB->start(), Daemon::readFile(nodeB->stderrFile()).constData());
        QCOMPARE(nodeB->fingerprint(), nodeA->fingerprint());
    }

    // The devices first, then the nodes still running (each must stop with status 0), then PostgreSQL.
    void stopNodes()
    {
        fleet.peers.clear();
        for (Daemon *node : {nodeB.get(), nodeC.get()}) {
            if (node)
                QVERIFY(node->terminate());
        }
        nodeA.reset();
        nodeB.reset();
        nodeC.reset();
        QSqlDatabase::removeDatabase(connectionName());
        postgres.stop();
    }

    // [store] for the test's database as node `id`, the attachments in one directory for every node (as on a shared
    // mount), `limits` in [limits] besides the test's own, then `more`.
    QString config(const QString &id, const QString &more = {}, const QString &limits = u"send_burst=1000\n"_s)
    {
        QString store = postgres.storeSection(database, dir.filePath(u"db-password"_s));
        store.chop(1);   // the blank line that ends the section
        return store + u"node_id=%1\n\n[server]\nproxy_protocol_from=127.0.0.2\n\n[limits]\nfetch_burst=1000\nprekey_reserve=0\n"
                       "enroll_failures=3\nenroll_lockout_seconds=60\n%3\n"
                       "[metrics]\nlisten=127.0.0.1:0\n\n[files]\ndirectory=%2\n\n"_s.arg(id, dir.filePath(u"blobs"_s), limits)
            + more;
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
        if (!m_adminReady) {
            auto api = e2e::firstAdmin(e2e::adminAddress(node), node.fingerprint(), initial);
            m_adminReady = bool(api);
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

    // `statement` run on the test's database by the test itself.
    QSqlQuery query(const QString &statement)
    {
        QSqlDatabase db = QSqlDatabase::contains(connectionName()) ? QSqlDatabase::database(connectionName())
                                                                   : QSqlDatabase::addDatabase(u"QPSQL"_s, connectionName());
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

    Peer &peer(Daemon &node, const QString &user) { return fleet.add(node, ledger, user); }

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
                            u"%1 %2"_s.arg(p->label()).arg(++m_counter), room);
                }
            }
            QTest::qWait(5);
        }
    }

    // pumpFor() for at least `ms`, then on until more than `accepted` messages in all were answered `accepted`, for at
    // most e2e::WaitMs: a slower machine (or a sanitizer build) takes longer for the same traffic.
    void pumpUntil(const QList<Peer *> &senders, const QStringList &to, int accepted, int ms, const QString &room = {})
    {
        QElapsedTimer timer;
        timer.start();
        pumpFor(senders, to, ms, room);
        while (ledger.count(SentMessage::Outcome::Accepted) <= accepted && timer.elapsed() < e2e::WaitMs)
            pumpFor(senders, to, 250, room);
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

private:
    QString connectionName() const { return u"cluster-"_s + database; }

    int m_counter = 0;
    bool m_adminReady = false;
};

} // namespace parley::assurance
