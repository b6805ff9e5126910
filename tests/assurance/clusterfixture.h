#pragma once

// The parts of the cluster tests (tst_cluster, tst_clusterfailover) that are not about one claim: HAProxy in front of
// the nodes, a node's /metrics read sample by sample, devices brought back after a failure, the ledger's verdict, and
// ClusterNodes: PostgreSQL with two nodes on it, their devices and the traffic between them.

#include "durability.h"
#include "postgresfixture.h"

#include "../admin/adminfixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>

namespace parley::assurance {

inline quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// Debian's haproxy in TCP mode in front of the nodes' device listeners, checking each node every 300 ms. It connects
// to them from 127.0.0.2, the address the nodes take PROXY headers from, and starts each connection with a PROXY
// protocol version 2 header naming the device's address (as the three-node example in docs/scale-out.md does);
// devices that connect to a node directly come from 127.0.0.1. With other `serverOptions` it forwards anything (the
// database's moving address in primaryFailsOver); moveTo() restarts it on the same port with other backends.
class HaProxy {
public:
    static inline const QString NodeOptions = QStringLiteral("source 127.0.0.2 send-proxy-v2 check inter 300ms fall 2 rise 1");

    ~HaProxy() { stop(); }

    bool start(const QList<quint16> &backends, const QString &serverOptions = NodeOptions)
    {
        using namespace Qt::StringLiterals;
        const QString binary = QStandardPaths::findExecutable(u"haproxy"_s, {u"/usr/sbin"_s, u"/usr/bin"_s});
        if (binary.isEmpty() || !m_dir.isValid())
            return false;
        m_options = serverOptions;
        if (m_port == 0)
            m_port = freePort();
        QString conf = u"global\n    maxconn 2000\n\ndefaults\n    mode tcp\n    timeout connect 2s\n"
                       "    timeout client 120s\n    timeout server 120s\n\nfrontend front\n    bind 127.0.0.1:%1\n"
                       "    default_backend back\n\nbackend back\n    balance roundrobin\n"_s.arg(m_port);
        for (qsizetype i = 0; i < backends.size(); ++i)
            conf += u"    server s%1 127.0.0.1:%2 %3\n"_s.arg(i).arg(backends.at(i)).arg(serverOptions);
        QFile f(m_dir.filePath(u"haproxy.cfg"_s));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(conf.toUtf8()) <= 0)
            return false;
        f.close();
        m_proc.setProcessChannelMode(QProcess::MergedChannels);
        m_proc.start(binary, {u"-db"_s, u"-f"_s, f.fileName()});
        return m_proc.waitForStarted(5000) && e2e::waitListening(m_proc, m_port, u"haproxy"_s);
    }

    // The address moves: the same port now leads to `backends`; connections through the old ones are cut.
    bool moveTo(const QList<quint16> &backends)
    {
        stop();
        return start(backends, m_options);
    }

    quint16 port() const { return m_port; }

    void stop() { e2e::stopProgram(m_proc); }

    QUrl url() const { return QUrl(QStringLiteral("wss://127.0.0.1:%1/").arg(m_port)); }
    QByteArray output() { return m_proc.readAll(); }

private:
    QTemporaryDir m_dir;
    QProcess m_proc;
    quint16 m_port = 0;
    QString m_options;
};

// The node's /metrics, sample by sample ("name{labels}" -> value).
inline QHash<QString, double> scrape(const Daemon &node)
{
    using namespace Qt::StringLiterals;
    const QString out = QString::fromUtf8(Daemon::readFile(node.stdoutFile()));
    const auto port = QRegularExpression(u"^metrics http://127\\.0\\.0\\.1:(\\d+)/$"_s,
                                         QRegularExpression::MultilineOption).match(out);
    QHash<QString, double> samples;
    if (!port.hasMatch())
        return samples;
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, quint16(port.captured(1).toUInt()));
    if (!s.waitForConnected(5000))
        return samples;
    s.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray reply;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(5000))
        reply += s.readAll();
    reply += s.readAll();
    for (const QByteArray &line : reply.mid(reply.indexOf("\r\n\r\n") + 4).split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        samples.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
    }
    return samples;
}

// Scrapes the node until the sample `name` has `value` or `timeoutMs` passed; returns the last scrape.
inline QHash<QString, double> scrapeUntil(const Daemon &node, const QString &name, double value, int timeoutMs)
{
    QHash<QString, double> m = scrape(node);
    QElapsedTimer timer;
    timer.start();
    while (m.value(name) != value && timer.elapsed() < timeoutMs) {
        QTest::qWait(200);
        m = scrape(node);
    }
    return m;
}

// Connects each of `peers` that is disconnected again until all are logged in with prekeys (or e2e::WaitMs).
inline bool reconnectUntilReady(const QList<Peer *> &peers)
{
    const auto ready = [&peers] { return std::all_of(peers.cbegin(), peers.cend(), [](Peer *p) { return p->ready(); }); };
    QElapsedTimer timer;
    timer.start();
    while (!ready() && timer.elapsed() < e2e::WaitMs) {
        for (Peer *p : peers) {
            if (p->disconnected())
                p->connect();
        }
        QTest::qWait(20);
    }
    return ready();
}

// Every accepted message shown exactly once on each of its devices, nothing invented: once the fleet's online
// senders have their answers and the ledger misses nothing (or e2e::WaitMs each). Fails the calling test otherwise.
inline void verifyLedger(const Fleet &fleet, const Ledger &ledger)
{
    using namespace Qt::StringLiterals;
    QElapsedTimer settling;
    settling.start();
    const auto busy = [&fleet] {
        return std::any_of(fleet.peers.cbegin(), fleet.peers.cend(), [](const auto &p) { return p->outstanding() > 0 && p->online(); });
    };
    while (busy() && settling.elapsed() < e2e::WaitMs)
        QTest::qWait(10);
    QElapsedTimer draining;
    draining.start();
    while (!ledger.missing().isEmpty() && draining.elapsed() < e2e::WaitMs)
        QTest::qWait(20);
    QVERIFY2(ledger.missing().isEmpty(), qPrintable(ledger.missing().mid(0, 10).join(u'\n') + u'\n' + ledger.summary()));
    QVERIFY2(ledger.duplicatesShown().isEmpty(), qPrintable(ledger.duplicatesShown().mid(0, 10).join(u'\n')));
    QVERIFY2(ledger.invented().isEmpty(), qPrintable(ledger.invented().mid(0, 10).join(u'\n')));
    QVERIFY2(ledger.shownThoughRefused().isEmpty(), qPrintable(ledger.shownThoughRefused().mid(0, 10).join(u'\n')));
    QVERIFY2(ledger.reusedPrekeys().isEmpty(), qPrintable(ledger.reusedPrekeys().mid(0, 10).join(u'\n')));
    QVERIFY2(ledger.problems.isEmpty(), qPrintable(ledger.problems.mid(0, 10).join(u'\n')));
    qInfo().noquote() << ledger.summary();
}

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
