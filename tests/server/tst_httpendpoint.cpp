// Tests of the monitoring endpoint's HTTP (server/metrics/httprequest.h, httpendpoint.h): the strict reading of a
// request head, and the endpoint over real sockets: answers, refusals, its limits on size, time and connections.

#include "metrics/httpendpoint.h"
#include "metrics/httprequest.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace parley::server::metrics;

namespace {

constexpr int WaitMs = 10000;

// Sends `request` on a new connection and returns everything the endpoint sent until it closed.
QByteArray exchange(quint16 port, const QByteArray &request, int timeoutMs = WaitMs)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(timeoutMs))
        return "(no connection)";
    s.write(request);
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (s.state() == QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs) {
        if (s.bytesAvailable() == 0)
            QTest::qWait(5);
        got += s.readAll();
    }
    got += s.readAll();
    return got;
}

int statusOf(const QByteArray &response)
{
    if (!response.startsWith("HTTP/1.1 "))
        return -1;
    return response.mid(9, 3).toInt();
}

} // namespace

class tst_HttpEndpoint : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<HttpEndpoint> m_endpoint;
    int m_handled = 0;

    void start(HttpEndpoint::Limits limits = {})
    {
        m_handled = 0;
        m_endpoint = std::make_unique<HttpEndpoint>(
            QList<QByteArray>{"/metrics", "/readyz"},
            [this](const QByteArray &path) {
                ++m_handled;
                HttpEndpoint::Response r;
                if (path == "/readyz") {
                    r.status = 503;
                    r.body = "draining\n";
                } else {
                    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
                    r.body = "x_total 1\n";
                }
                return r;
            },
            limits);
        QVERIFY(m_endpoint->listen(QHostAddress::LocalHost, 0));
    }

private Q_SLOTS:
    void heads_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("refusal");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");

        const QByteArray host = "Host: 127.0.0.1:9464\r\n";
        QTest::newRow("GET 1.1") << "GET /metrics HTTP/1.1\r\n" + host + "\r\n" << 0 << QByteArray("GET") << QByteArray("/metrics");
        QTest::newRow("HEAD 1.0 without Host") << QByteArray("HEAD /readyz HTTP/1.0\r\n\r\n") << 0 << QByteArray("HEAD") << QByteArray("/readyz");
        QTest::newRow("query dropped") << "GET /metrics?name[]=x HTTP/1.1\r\n" + host + "\r\n" << 0 << QByteArray("GET") << QByteArray("/metrics");
        QTest::newRow("Prometheus' fields")
            << "GET /metrics HTTP/1.1\r\n" + host
                   + "User-Agent: Prometheus/2.42.0\r\nAccept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
                     "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n"
            << 0 << QByteArray("GET") << QByteArray("/metrics");
        QTest::newRow("value with tabs and obs-text") << "GET / HTTP/1.1\r\n" + host + "X: \ta \xc3\xa9\t\r\n\r\n" << 0 << QByteArray("GET") << QByteArray("/");
        QTest::newRow("Content-Length 0") << "GET / HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n" << 0 << QByteArray("GET") << QByteArray("/");
        QTest::newRow("another method") << "DELETE /metrics HTTP/1.1\r\n" + host + "\r\n" << 0 << QByteArray("DELETE") << QByteArray("/metrics");

        const QByteArray none;
        QTest::newRow("no blank line") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n") << 400 << none << none;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\r\n\r\n") << 400 << none << none;
        QTest::newRow("bare CR in a field") << "GET / HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n" << 400 << none << none;
        QTest::newRow("NUL in a field") << "GET / HTTP/1.1\r\n" + host + QByteArray("X: a\0b\r\n\r\n", 11) << 400 << none << none;
        QTest::newRow("two spaces") << "GET  / HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400 << none << none;
        QTest::newRow("HTTP/0.9 style") << QByteArray("GET /metrics\r\n\r\n") << 400 << none << none;
        QTest::newRow("lower-case version") << "GET / http/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("absolute URI") << "GET http://127.0.0.1/metrics HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("asterisk") << "OPTIONS * HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("fragment") << "GET /metrics#x HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("control byte in target") << "GET /met\x01rics HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("method not a token") << "G(T / HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("leading blank line") << "\r\nGET / HTTP/1.1\r\n" + host + "\r\n" << 400 << none << none;
        QTest::newRow("no Host in 1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << none << none;
        QTest::newRow("two Hosts") << "GET / HTTP/1.1\r\n" + host + host + "\r\n" << 400 << none << none;
        QTest::newRow("space before colon") << "GET / HTTP/1.1\r\n" + host + "X : a\r\n\r\n" << 400 << none << none;
        QTest::newRow("folded line") << "GET / HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n" << 400 << none << none;
        QTest::newRow("field without colon") << "GET / HTTP/1.1\r\n" + host + "X\r\n\r\n" << 400 << none << none;
        QTest::newRow("a body") << "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\n" << 400 << none << none;
        QTest::newRow("two lengths") << "GET / HTTP/1.1\r\n" + host + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n" << 400 << none << none;
        QTest::newRow("chunked") << "GET / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n" << 400 << none << none;
        QByteArray many = "GET / HTTP/1.1\r\n" + host;
        for (int i = 0; i < MaxHeaderFields; ++i)
            many += "X-" + QByteArray::number(i) + ": y\r\n";
        QTest::newRow("too many fields") << many + "\r\n" << 431 << none << none;
        QTest::newRow("HTTP/2.0") << "GET / HTTP/2.0\r\n" + host + "\r\n" << 505 << none << none;
        QTest::newRow("HTTP/1.2") << "GET / HTTP/1.2\r\n" + host + "\r\n" << 505 << none << none;
    }

    void heads()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, refusal);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        const HttpRequestHead r = parseRequestHead(head);
        QCOMPARE(r.refusal, refusal);
        if (refusal == 0) {
            QCOMPARE(r.method, method);
            QCOMPARE(r.path, path);
        }
        if (QTest::currentDataTag() == QByteArray("query dropped"))
            QCOMPARE(r.query, QByteArray("name[]=x"));
        if (QTest::currentDataTag() == QByteArray("Prometheus' fields")) {
            QCOMPARE(r.fields.size(), 5);
            QCOMPARE(r.fields.first(), (std::pair<QByteArray, QByteArray>("host", "127.0.0.1:9464")));
            QCOMPARE(r.fields.last(), (std::pair<QByteArray, QByteArray>("x-prometheus-scrape-timeout-seconds", "10")));
        }
    }

    void answersWithARealClient()
    {
        start();
        QNetworkAccessManager nam;
        auto get = [&nam, this](const QString &path, int *status) {
            QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_endpoint->port()).arg(path))));
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(WaitMs);
            *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
            reply->deleteLater();
            return type + '|' + body;
        };
        int status = 0;
        QCOMPARE(get(u"/metrics"_s, &status), QByteArray("text/plain; version=0.0.4; charset=utf-8|x_total 1\n"));
        QCOMPARE(status, 200);
        QCOMPARE(get(u"/readyz"_s, &status), QByteArray("text/plain; charset=utf-8|draining\n"));
        QCOMPARE(status, 503);
        get(u"/elsewhere"_s, &status);
        QCOMPARE(status, 404);
        QCOMPARE(m_handled, 2);
        QTRY_COMPARE(m_endpoint->openConnections(), 0);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expect");
        QTest::newRow("HEAD") << QByteArray("HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n") << 200
                              << QByteArray("Content-Length: 10\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        QTest::newRow("POST") << QByteArray("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") << 405
                              << QByteArray("Allow: GET, HEAD\r\n");
        QTest::newRow("unknown path") << QByteArray("GET /metrics/ HTTP/1.1\r\nHost: a\r\n\r\n") << 404 << QByteArray("not found\n");
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\xff\x01\xfc\x03\x03\r\n\r\n") << 400 << QByteArray("bad request\n");
        QTest::newRow("smuggling") << QByteArray("GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                   << 400 << QByteArray();
        QTest::newRow("pipelined: one answer") << QByteArray("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
                                               << 200 << QByteArray("x_total 1\n");
    }

    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, expect);
        start();
        const QByteArray response = exchange(m_endpoint->port(), request);
        QCOMPARE(statusOf(response), status);
        QVERIFY2(response.contains(expect), response.constData());
        QCOMPARE(response.count("HTTP/1.1 "), 1);
        if (request.startsWith("HEAD"))
            QVERIFY(response.endsWith("\r\n\r\n"));
    }

    // Beyond maxHeadBytes without the end of the head: 431, without reading the rest.
    void oversizeHead()
    {
        start();
        const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(64 * 1024, 'y') + "\r\n\r\n";
        const QByteArray response = exchange(m_endpoint->port(), request);
        QCOMPARE(statusOf(response), 431);
        QVERIFY2(response.endsWith("request header fields too large\n"), response.left(200).constData());
        QCOMPARE(m_handled, 0);
    }

    // A client that never finishes its head gets 408 after timeoutMs; one that does not close after the answer is
    // cut off lingerMs later.
    void slowClients()
    {
        HttpEndpoint::Limits limits;
        limits.timeoutMs = 300;
        limits.lingerMs = 300;
        start(limits);
        QElapsedTimer timer;
        timer.start();
        const QByteArray response = exchange(m_endpoint->port(), "GET /metrics HTTP/1.1\r\nHost:");
        QCOMPARE(statusOf(response), 408);
        QVERIFY2(timer.elapsed() >= 250 && timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QTRY_COMPARE(m_endpoint->openConnections(), 0);
    }

    // After the answer the endpoint waits for the client's close at most lingerMs (not the whole timeoutMs), and the
    // client gets the whole response first. A raw socket: QTcpSocket would close at the endpoint's end of stream.
    void lingerIsBounded()
    {
        HttpEndpoint::Limits limits;
        limits.timeoutMs = 20000;
        limits.lingerMs = 200;
        start(limits);
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_endpoint->port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)), 0);
        const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
        QCOMPARE(::write(fd, request.constData(), size_t(request.size())), ssize_t(request.size()));
        QTRY_COMPARE(m_endpoint->openConnections(), 1);
        QElapsedTimer timer;
        timer.start();
        QTRY_COMPARE_WITH_TIMEOUT(m_endpoint->openConnections(), 0, 3000);
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        char buffer[4096];
        QByteArray response;
        ssize_t n = 0;
        while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
            response.append(buffer, qsizetype(n));
        ::close(fd);
        QCOMPARE(statusOf(response), 200);
        QVERIFY2(response.endsWith("\r\n\r\nx_total 1\n"), response.constData());
    }

    // More than maxConnections at once: the extra ones are closed without an answer; the ones admitted still get
    // theirs, and the endpoint serves again once they are gone.
    void connectionLimit()
    {
        HttpEndpoint::Limits limits;
        limits.maxConnections = 4;
        start(limits);
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 4; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            held.back()->connectToHost(QHostAddress::LocalHost, m_endpoint->port());
            QVERIFY(held.back()->waitForConnected(WaitMs));
        }
        QTRY_COMPARE(m_endpoint->openConnections(), 4);
        QTcpSocket extra;
        extra.connectToHost(QHostAddress::LocalHost, m_endpoint->port());
        QVERIFY(extra.waitForConnected(WaitMs));
        QTRY_VERIFY(extra.state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(extra.readAll(), QByteArray());
        QCOMPARE(m_endpoint->openConnections(), 4);
        held.front()->write("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_VERIFY(held.front()->bytesAvailable() > 0 || held.front()->waitForReadyRead(10));
        held.clear();
        QTRY_COMPARE(m_endpoint->openConnections(), 0);
        QCOMPARE(statusOf(exchange(m_endpoint->port(), "GET /metrics HTTP/1.0\r\n\r\n")), 200);
    }
};

QTEST_GUILESS_MAIN(tst_HttpEndpoint)
#include "tst_httpendpoint.moc"
