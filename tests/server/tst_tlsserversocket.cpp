// The server's TLS socket as a QTcpSocket: a TlsListener on loopback with a TlsContext from a generated
// certificate, and Qt's own TLS client on the other end. Handshake and addresses, data both ways through full
// socket buffers, close after the queued data, abort without it, the peer's close, connections that never finish
// their handshake, the WebSocket upgrade through QWebSocketServer::handleConnection(), and connections from a load
// balancer that start with a PROXY protocol header.

#include "crypto/crypto.h"
#include "metrics/servermetrics.h"
#include "relay/connectiongate.h"
#include "relay/tlscontext.h"
#include "relay/tlslistener.h"
#include "relay/tlsserversocket.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSslCipher>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

constexpr int WaitMs = 30000;
constexpr qsizetype BigBytes = 4 * 1024 * 1024;   // far more than both socket buffers hold

QByteArray randomBytes(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    return data;
}

// Reads from `socket` until `size` bytes have come or it is gone.
QByteArray readAtLeast(QIODevice &socket, qsizetype size)
{
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (got.size() < size && timer.elapsed() < WaitMs) {
        got += socket.readAll();
        if (got.size() < size)
            QTest::qWait(5);
    }
    return got;
}

// A PROXY protocol version 2 header naming `client` (IPv4) and `port`, or a LOCAL one for a null `client`.
QByteArray proxyV2(const QHostAddress &client, quint16 port)
{
    QByteArray h("\r\n\r\n\0\r\nQUIT\n", 12);
    if (client.isNull())
        return h + QByteArray::fromHex("20000000");
    QByteArray body(12, '\0');
    qToBigEndian(client.toIPv4Address(), body.data());
    qToBigEndian(quint32(0x7f000001), body.data() + 4);
    qToBigEndian(port, body.data() + 8);
    qToBigEndian(quint16(8443), body.data() + 10);
    return h + QByteArray::fromHex("2111000c") + body;
}

} // namespace

class TestTlsServerSocket : public QObject {
    Q_OBJECT

private:
    QSslConfiguration m_tls;
    std::shared_ptr<TlsContext> m_context;
    std::unique_ptr<TlsListener> m_listener;
    QList<QPointer<TlsServerSocket>> m_accepted;

    void listen(int handshakeTimeoutMs)
    {
        m_accepted.clear();
        m_listener = std::make_unique<TlsListener>(m_context, handshakeTimeoutMs);
        connect(m_listener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *s) { m_accepted.append(s); });
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
    }

    // The server's socket once the listener handed it over and `client` is encrypted, or null when it closed.
    TlsServerSocket *handedOver(QSslSocket &client)
    {
        QElapsedTimer timer;
        timer.start();
        while ((m_accepted.isEmpty() || !client.isEncrypted()) && client.state() != QAbstractSocket::UnconnectedState
               && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        return m_accepted.isEmpty() ? nullptr : m_accepted.takeFirst().data();
    }

    // A connected client and the server's socket for it.
    TlsServerSocket *connectClient(QSslSocket &client)
    {
        // Both ends live in this thread: wait in the event loop, never in a blocking waitFor*().
        if (client.peerVerifyMode() != QSslSocket::VerifyNone)
            client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHostEncrypted(u"127.0.0.1"_s, m_listener->serverPort());
        return handedOver(client);
    }

    // Connects to a listener taking PROXY headers from loopback, sends `header` (in two writes when `split`), then
    // runs the TLS handshake; the server's socket, or null when the connection was closed instead.
    TlsServerSocket *connectThroughProxy(QSslSocket &client, const QByteArray &header, bool split = false)
    {
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHost(u"127.0.0.1"_s, m_listener->serverPort());
        if (!client.waitForConnected(WaitMs))
            return nullptr;
        if (split) {
            client.write(header.first(header.size() / 2));
            QTest::qWait(100);   // read by the listener as an incomplete header
            client.write(header.sliced(header.size() / 2));
        } else {
            client.write(header);
        }
        client.startClientEncryption();
        return handedOver(client);
    }

    // Connects with `configuration` and the session `ticket` (updated to the one the connection ends with);
    // returns 1 when the server resumed a session, 0 for a full handshake, -1 when there was no connection.
    int reused(QSslConfiguration configuration, QByteArray *ticket)
    {
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
        configuration.setSessionTicket(*ticket);
        QSslSocket client;
        client.setSslConfiguration(configuration);
        TlsServerSocket *server = connectClient(client);
        if (!server)
            return -1;
        *ticket = client.sslConfiguration().sessionTicket();
        return server->isSessionReused() ? 1 : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto generated = crypto::generateSelfSignedCertificate(u"localhost"_s, {u"localhost"_s}, {}, 30);
        QVERIFY(generated);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tls.setLocalCertificate(QSslCertificate(generated->certificatePem));
        tls.setPrivateKey(QSslKey(generated->privateKeyPem.view().toByteArray(), QSsl::Ec));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_tls = tls;
        auto context = TlsContext::create(tls, TlsContext::Options{QByteArrayLiteral("test"), 3600});
        QVERIFY2(context, context ? "" : qPrintable(context.error().message));
        m_context = *context;
    }

    void handshakeAndAddresses()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        QVERIFY(server->isEncrypted());
        QCOMPARE(server->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(server->protocolName(), u"TLSv1.3"_s);
        QCOMPARE(server->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(server->peerPort(), client.localPort());
        QCOMPARE(server->localPort(), m_listener->serverPort());
    }

    void dataBothWaysThroughFullBuffers()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        connect(server, &QIODevice::readyRead, server, [s = server.data()] { s->write(s->readAll()); });   // echo
        const QByteArray sent = randomBytes(BigBytes);
        client.write(sent);
        const QByteArray echoed = readAtLeast(client, sent.size());
        QCOMPARE(echoed.size(), sent.size());
        QVERIFY(echoed == sent);
        QVERIFY(server);
        QCOMPARE(server->bytesToWrite(), 0);
    }

    void closeSendsTheQueueFirst()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        QSignalSpy gone(&client, &QSslSocket::disconnected);
        const QByteArray sent = randomBytes(BigBytes);
        server->write(sent);
        server->close();
        QVERIFY(server->state() != QAbstractSocket::ConnectedState);
        QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (parley::server::TlsServerSocket): device not open");
        QVERIFY(server->write("more") < 0);
        const QByteArray got = readAtLeast(client, sent.size());
        QVERIFY(got == sent);
        QTRY_VERIFY_WITH_TIMEOUT(!gone.isEmpty(), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!server, WaitMs);   // deleted once disconnected
    }

    void abortDropsTheQueue()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        QSignalSpy serverGone(server.data(), &QAbstractSocket::disconnected);
        QSignalSpy gone(&client, &QSslSocket::disconnected);
        server->write(randomBytes(BigBytes));
        server->abort();
        QCOMPARE(serverGone.size(), 1);
        QCOMPARE(server->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(server->bytesToWrite(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!gone.isEmpty(), WaitMs);
        QVERIFY(client.readAll().size() < BigBytes);
    }

    void abortCutsAClosingSocketShort()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        QSignalSpy serverGone(server.data(), &QAbstractSocket::disconnected);
        server->write(randomBytes(4 * BigBytes));   // more than the kernel takes while the client does not read
        server->close();
        QCOMPARE(server->state(), QAbstractSocket::ClosingState);
        QVERIFY(server->bytesToWrite() > 0);
        server->abort();
        QCOMPARE(serverGone.size(), 1);
        QCOMPARE(server->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(server->bytesToWrite(), 0);
    }

    void peerCloseEndsTheSocket()
    {
        listen(WaitMs);
        QSslSocket client;
        QPointer<TlsServerSocket> server = connectClient(client);
        QVERIFY(server);
        QSignalSpy finished(server.data(), &QIODevice::readChannelFinished);
        QSignalSpy gone(server.data(), &QAbstractSocket::disconnected);
        QSignalSpy read(server.data(), &QIODevice::readyRead);
        client.write("last words");
        QVERIFY(read.wait(WaitMs));
        QCOMPARE(server->readAll(), QByteArray("last words"));
        client.disconnectFromHost();
        QTRY_VERIFY_WITH_TIMEOUT(!gone.isEmpty(), WaitMs);
        QCOMPARE(finished.size(), 1);
    }

    // The upgrade in non-secure mode over the TLS socket; QWebSocketServer then deletes the socket's handshake timer
    // (by its name), so the deadline no longer applies.
    void upgradeEndsTheDeadline()
    {
        listen(WaitMs);
        QWebSocketServer ws(u"test"_s, QWebSocketServer::NonSecureMode);
        connect(m_listener.get(), &TlsListener::encrypted, &ws, [&ws](TlsServerSocket *s) { ws.handleConnection(s); });
        QWebSocket client;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.setSslConfiguration(tls);
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(u"wss://127.0.0.1:%1/"_s.arg(m_listener->serverPort())));
        QTRY_VERIFY_WITH_TIMEOUT(ws.hasPendingConnections(), WaitMs);
        std::unique_ptr<QWebSocket> served(ws.nextPendingConnection());
        QCOMPARE(served->peerPort(), client.localPort());
        QCOMPARE(m_accepted.size(), 1);
        QPointer<TlsServerSocket> socket = m_accepted.first();
        QVERIFY(socket);
        const QList<QTimer *> timers = socket->findChildren<QTimer *>();
        for (const QTimer *timer : timers)
            QVERIFY2(!timer->isActive(), qPrintable(timer->objectName()));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, WaitMs);
        served->sendTextMessage(u"hello"_s);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, WaitMs);
        QCOMPARE(received.first().first().toString(), u"hello"_s);
    }

    // TLS 1.2 sessions of Qt's client (with its session ticket kept): resumed, also after a reload, which takes over
    // the ticket keys; not after the reload of a context that checks client certificates.
    void reloadKeepsTicketsUnlessClientsAreChecked()
    {
        auto ca = crypto::generateCertificateAuthority(u"test CA"_s, 30);
        QVERIFY(ca);
        auto issued = crypto::issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"operator"_s, 30);
        QVERIFY(issued);
        QSslConfiguration checking = m_tls;
        checking.setCaCertificates({QSslCertificate(ca->certificatePem)});
        checking.setPeerVerifyMode(QSslSocket::VerifyPeer);
        QSslConfiguration client = QSslConfiguration::defaultConfiguration();
        client.setProtocol(QSsl::TlsV1_2);
        client.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
        client.setLocalCertificate(QSslCertificate(issued->certificatePem));
        client.setPrivateKey(QSslKey(issued->privateKeyPem.view().toByteArray(), QSsl::Ec));

        const std::shared_ptr<TlsContext> plain = m_context;
        auto restore = qScopeGuard([this, plain] { m_context = plain; });
        for (const QSslConfiguration &server : {m_tls, checking}) {
            const TlsContext::Options options{QByteArrayLiteral("test"), 3600};
            auto first = TlsContext::create(server, options);
            QVERIFY(first);
            m_context = *first;
            listen(WaitMs);
            QByteArray ticket;
            QCOMPARE(reused(client, &ticket), 0);
            QVERIFY(!ticket.isEmpty());
            QCOMPARE(reused(client, &ticket), 1);
            auto reloaded = TlsContext::create(server, options, *first);
            QVERIFY(reloaded);
            m_listener->setContext(*reloaded);
            QCOMPARE(reused(client, &ticket), server.peerVerifyMode() == QSslSocket::VerifyPeer ? 0 : 1);
        }
    }

    // A configuration with TLS 1.3 suites only turns TLS 1.2 off (no default TLS 1.2 suites come back).
    void noSuitesOfAVersionTurnItOff()
    {
        QSslConfiguration only13 = m_tls;
        QList<QSslCipher> ciphers;
        for (const QSslCipher &c : QSslConfiguration::supportedCiphers()) {
            if (c.name().startsWith(u"TLS_"_s))
                ciphers.append(c);
        }
        only13.setCiphers(ciphers);
        auto context = TlsContext::create(only13, TlsContext::Options{QByteArrayLiteral("test"), 3600});
        QVERIFY(context);
        const std::shared_ptr<TlsContext> plain = m_context;
        auto restore = qScopeGuard([this, plain] { m_context = plain; });
        m_context = *context;
        listen(WaitMs);
        QSslSocket tls12;
        QSslConfiguration client = QSslConfiguration::defaultConfiguration();
        client.setProtocol(QSsl::TlsV1_2);
        tls12.setSslConfiguration(client);
        QVERIFY(!connectClient(tls12));
        QVERIFY(!tls12.isEncrypted());
        QSslSocket tls13;
        QVERIFY(connectClient(tls13));
    }

    // A client that connects and says nothing, and one that does not speak TLS: both closed, neither handed over.
    void unfinishedHandshakesAreClosed()
    {
        listen(200);
        QTcpSocket silent;
        QTcpSocket plain;
        QSignalSpy silentGone(&silent, &QTcpSocket::disconnected);
        QSignalSpy plainGone(&plain, &QTcpSocket::disconnected);
        silent.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        plain.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        plain.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(!silentGone.isEmpty(), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!plainGone.isEmpty(), WaitMs);
        QVERIFY(m_accepted.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_listener->findChildren<TlsServerSocket *>().size(), 0, WaitMs);
    }

    // Behind a load balancer: the client's address from the PROXY header is the socket's and the gate's.
    void proxyHeaderNamesTheClient_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("split");
        QTest::addColumn<QString>("client");   // empty: the load balancer's own (loopback)
        QTest::addColumn<int>("port");
        QTest::newRow("v2") << proxyV2(QHostAddress(u"203.0.113.7"_s), 5555) << false << u"203.0.113.7"_s << 5555;
        QTest::newRow("v2 in two writes") << proxyV2(QHostAddress(u"203.0.113.7"_s), 5555) << true << u"203.0.113.7"_s << 5555;
        QTest::newRow("v1 in two writes") << "PROXY TCP6 2001:db8::9 ::1 40000 8443\r\n"_ba << true << u"2001:db8::9"_s << 40000;
        QTest::newRow("v2 LOCAL") << proxyV2({}, 0) << false << QString() << 0;
    }

    void proxyHeaderNamesTheClient()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, split);
        QFETCH(QString, client);
        QFETCH(int, port);
        ConnectionGate gate(10);
        RelayMetrics metrics;
        const auto dropListener = qScopeGuard([this] { m_listener.reset(); });   // before the gate it uses
        m_accepted.clear();
        m_listener = std::make_unique<TlsListener>(m_context, WaitMs, &gate, &metrics);
        connect(m_listener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *s) { m_accepted.append(s); });
        m_listener->setProxyProtocol({QHostAddress::parseSubnet(u"127.0.0.0/8"_s)});
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));

        QSslSocket tls;
        QPointer<TlsServerSocket> server = connectThroughProxy(tls, header, split);
        QVERIFY(server);
        QVERIFY(server->isEncrypted());
        const QHostAddress expected = client.isEmpty() ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(client);
        QCOMPARE(server->peerAddress(), expected);
        QCOMPARE(int(server->peerPort()), client.isEmpty() ? int(tls.localPort()) : port);
        // The gate holds the place of the client's address until the upgrade, not the load balancer's.
        QCOMPARE(gate.count(expected), 1);
        if (!client.isEmpty())
            QCOMPARE(gate.count(QHostAddress(QHostAddress::LocalHost)), 0);
        QCOMPARE(metrics.proxyHeadersRefused.value(), 0);

        // The connection works as any other after its header.
        server->write("after the header");
        QCOMPARE(readAtLeast(tls, 16), "after the header"_ba);
    }

    // From a load balancer's address, a connection without a valid header in time is closed; from other addresses
    // a header is not taken (it is not TLS).
    void connectionsWithoutAValidHeaderAreClosed()
    {
        ConnectionGate gate(10);
        RelayMetrics metrics;
        const auto dropListener = qScopeGuard([this] { m_listener.reset(); });   // before the gate it uses
        m_accepted.clear();
        m_listener = std::make_unique<TlsListener>(m_context, 500, &gate, &metrics);
        connect(m_listener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *s) { m_accepted.append(s); });
        m_listener->setProxyProtocol({QHostAddress::parseSubnet(u"127.0.0.1/32"_s)});
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));

        QSslSocket direct;   // TLS at once, as a client would without the load balancer
        QVERIFY(!connectThroughProxy(direct, {}));
        QTRY_COMPARE_WITH_TIMEOUT(metrics.proxyHeadersRefused.value(), 1, WaitMs);
        QSslSocket malformed;
        QVERIFY(!connectThroughProxy(malformed, "PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n"_ba));
        QTRY_COMPARE_WITH_TIMEOUT(metrics.proxyHeadersRefused.value(), 2, WaitMs);
        QTcpSocket silent;   // never ends its header: the handshake timeout
        QSignalSpy silentGone(&silent, &QTcpSocket::disconnected);
        silent.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        QVERIFY(silent.waitForConnected(WaitMs));
        silent.write("PROXY TCP4 1.2.3.4");
        QTRY_VERIFY_WITH_TIMEOUT(!silentGone.isEmpty(), WaitMs);
        QCOMPARE(metrics.proxyHeadersRefused.value(), 3);
        QVERIFY(m_accepted.isEmpty());
        QCOMPARE(gate.addresses(), 0);

        // A listener that takes no headers: a header is the start of a failed handshake.
        m_listener = std::make_unique<TlsListener>(m_context, 500, &gate, &metrics);
        connect(m_listener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *s) { m_accepted.append(s); });
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
        QSslSocket spoofing;
        QVERIFY(!connectThroughProxy(spoofing, proxyV2(QHostAddress(u"203.0.113.7"_s), 5555)));
        QVERIFY(m_accepted.isEmpty());
        QCOMPARE(metrics.proxyHeadersRefused.value(), 3);
    }
};

QTEST_MAIN(TestTlsServerSocket)
#include "tst_tlsserversocket.moc"
