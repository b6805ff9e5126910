#pragma once

// The parts of the cluster tests (tst_cluster, tst_clusterfailover) that are not about one claim: HAProxy in front of
// the nodes, a node's /metrics read sample by sample, devices brought back after a failure, and the ledger's verdict.

#include "durability.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
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

} // namespace parley::assurance
