// Tests of the monitoring listener in this process (server/daemon/monitoring.h): it answers from a thread of its
// own, so /readyz reports the server draining while the main thread, which carries the shutdown forward, is held;
// and it goes with the server.

#include "serverfixture.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

namespace {

// One request, blocking: this thread's event loop does not run meanwhile.
QByteArray rawRequest(quint16 port, const QByteArray &request)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(WaitMs))
        return {};
    s.write(request);
    s.waitForBytesWritten(WaitMs);
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (s.state() == QAbstractSocket::ConnectedState && timer.elapsed() < WaitMs) {
        s.waitForReadyRead(100);
        got += s.readAll();
    }
    return got + s.readAll();
}

QByteArray bodyOf(const QByteArray &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : response.mid(end + 4);
}

} // namespace

class tst_ServerMonitoring : public ServerTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void offUnlessConfigured()
    {
        auto server = startServer(baseConfig(u"off"_s));
        QVERIFY(server);
        QCOMPARE(server->metricsUrl(), QString());
    }

    void readyzWhileDraining()
    {
        Config config = baseConfig(u"draining"_s);
        config.metrics.enabled = true;
        config.metrics.listenAddress = QHostAddress(QHostAddress::LocalHost);
        config.metrics.listenPort = 0;
        auto server = startServer(config);
        QVERIFY(server);
        const QUrl url(server->metricsUrl());
        QCOMPARE(url.scheme(), u"http"_s);
        const quint16 port = quint16(url.port());
        QCOMPARE(bodyOf(rawRequest(port, "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")), QByteArray("ready\n"));
        QCOMPARE(server->notReadyReason(), QString());

        TestDevice ann = TestDevice::create(u"ann"_s);
        auto client = enrollAndLogin(*server, ann);
        QVERIFY(client);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        // The main thread does not get back to its loop before these answers: the shutdown cannot move on.
        const QByteArray ready = rawRequest(port, "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n");
        QVERIFY2(ready.startsWith("HTTP/1.1 503 "), ready.constData());
        QCOMPARE(bodyOf(ready), QByteArray("draining: the server is shutting down\n"));
        const QByteArray health = rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
        QVERIFY2(health.startsWith("HTTP/1.1 200 "), health.constData());
        const QByteArray metrics = rawRequest(port, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
        QVERIFY2(bodyOf(metrics).contains("\nparleyd_ready 0\n"), metrics.constData());

        QVERIFY(stopped.wait(WaitMs));
        QCOMPARE(server->notReadyReason(), u"stopped"_s);
        QCOMPARE(rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"), QByteArray());
    }
};

QTEST_GUILESS_MAIN(tst_ServerMonitoring)
#include "tst_servermonitoring.moc"
