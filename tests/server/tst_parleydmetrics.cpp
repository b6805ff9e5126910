// Tests of parleyd's monitoring listener ([metrics] listen, docs/operations.md) against the parleyd executable: a
// real HTTP client scrapes /metrics while devices enroll, log in (challenge, resumed, refused), send and acknowledge;
// the counts follow, the scrape holds no user name, device or address and passes `promtool check metrics`;
// malformed requests are refused while the server carries on; /readyz turns 503 while the storage fails (fsync
// failing through tests/assurance/faultshim.c) and is ready again once a write is stored.

#include "testclient.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

namespace {

constexpr int WaitMs = 30000;
constexpr int Messages = 5;

const QString Parleyd = QStringLiteral(PARLEYD_BINARY);
const QString FaultShim = QStringLiteral(FAULTSHIM_LIBRARY);

// Distinctive, so that a hit in the scrape can only be the user's name.
const QString Sender = u"zorblax"_s;
const QString Receiver = u"quintessa"_s;

struct HttpResult {
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

// One request on a raw connection, blocking (no event loop: the test's device connections stay unserved meanwhile).
// Returns everything the endpoint sent before it closed.
QByteArray rawRequest(quint16 port, const QByteArray &request, int timeoutMs = 10000)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(timeoutMs))
        return {};
    s.write(request);
    s.waitForBytesWritten(timeoutMs);
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (s.state() == QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs) {
        s.waitForReadyRead(100);
        got += s.readAll();
    }
    return got + s.readAll();
}

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : -1;
}

QByteArray bodyOf(const QByteArray &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : response.mid(end + 4);
}

// The samples of a scrape: "name{labels}" -> value.
QMap<QString, double> samples(const QByteArray &text)
{
    QMap<QString, double> out;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        const QByteArray value = line.mid(space + 1);
        out.insert(QString::fromUtf8(line.left(space)), value == "+Inf" ? qInf() : value.toDouble());
    }
    return out;
}

} // namespace

class tst_ParleydMetrics : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_config;
    std::unique_ptr<QProcess> m_daemon;
    QString m_url;
    quint16 m_metricsPort = 0;
    QNetworkAccessManager m_http;
    TestDevice m_sender;
    TestDevice m_receiver;
    QByteArray m_resume;                          // the sender's resumption credential
    std::unique_ptr<TestClient> m_receiverClient; // logged in from countsFollowTraffic on
    std::unique_ptr<TestClient> m_senderClient;
    QStringList m_codes;                          // the enrollment codes handed out
    quint64 m_nextId = 100;

    QString certificateFile() const { return m_dir.filePath(u"data/tls/server.crt"_s); }
    QString faultFile() const { return m_dir.filePath(u"fault"_s); }

    void setFault(const QByteArray &mode)
    {
        QFile f(faultFile());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(mode);
    }

    HttpResult get(const QString &path)
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_metricsPort).arg(path)));
        QNetworkReply *reply = m_http.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(WaitMs);
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

    QMap<QString, double> scrape() { return samples(get(u"/metrics"_s).body); }

    // Scrapes until `sample` has `want` (the counts follow the writer's commits, which the replies may overtake).
    double waitForSample(const QString &sample, double want)
    {
        QElapsedTimer timer;
        timer.start();
        double value = -1;
        while (timer.elapsed() < WaitMs) {
            value = scrape().value(sample, -1);
            if (value == want)
                break;
            QTest::qWait(50);
        }
        return value;
    }

    QString enrollCode(const QString &user)
    {
        QProcess p;
        p.start(Parleyd, {u"--config"_s, m_config, u"enroll"_s, user});
        if (!p.waitForFinished(WaitMs) || p.exitCode() != 0)
            return {};
        const QString code = QString::fromUtf8(p.readAllStandardOutput()).trimmed().split(u'\n').last().trimmed();
        m_codes.append(code);
        return code;
    }

    bool enroll(TestDevice &device)
    {
        TestClient c(certificateFile());
        if (!c.open(m_url, WaitMs))
            return false;
        c.send(device.enrollFrame(1, enrollCode(device.user)));
        const auto enrolled = c.reply(1, WaitMs);
        if (!enrolled || enrolled->type != u"enrolled"_s)
            return false;
        device.number = quint32(enrolled->uint("device"_L1));
        return true;
    }

    // A connection logged in with the device's signature over the challenge; its welcome in *welcome.
    std::unique_ptr<TestClient> login(const TestDevice &device, Frame *welcome = nullptr)
    {
        auto c = std::make_unique<TestClient>(certificateFile());
        if (!c->open(m_url, WaitMs))
            return nullptr;
        c->send(device.loginFrame(1, c->hello().bytes("ch"_L1)));
        const auto reply = c->reply(1, WaitMs);
        if (!reply || reply->type != u"welcome"_s)
            return nullptr;
        if (welcome)
            *welcome = *reply;
        return c;
    }

    Frame sendFrame(const TestDevice &from, const TestDevice &to)
    {
        return from.sendFrame(m_nextId++, to);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(Parleyd), qPrintable(Parleyd));
        QVERIFY2(QFile::exists(FaultShim), qPrintable(FaultShim));
        // Sweeps every second: commits that change nothing, during a storage fault too.
        QFile conf(m_dir.filePath(u"parleyd.conf"_s));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("[server]\nlisten=127.0.0.1:0\ndata_dir=" + QFile::encodeName(m_dir.filePath(u"data"_s))
                   + "\nworkers=2\n[limits]\nsweep_seconds=1\n[admin]\nlisten=127.0.0.1:0\n[metrics]\nlisten=127.0.0.1:0\n");
        conf.close();
        m_config = conf.fileName();

        m_daemon = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"LD_PRELOAD"_s, FaultShim);
        env.insert(u"PARLEY_FAULT_DIR"_s, m_dir.filePath(u"data"_s));
        env.insert(u"PARLEY_FAULT_FILE"_s, faultFile());
        m_daemon->setProcessEnvironment(env);
        m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_daemon->start(Parleyd, {u"--config"_s, m_config});
        QVERIFY(m_daemon->waitForStarted(WaitMs));
        QElapsedTimer timer;
        timer.start();
        QString out;
        while (!out.contains(u"\nmetrics "_s) && m_daemon->state() == QProcess::Running && timer.elapsed() < WaitMs) {
            m_daemon->waitForReadyRead(100);
            out += QString::fromUtf8(m_daemon->readAllStandardOutput());
        }
        QTest::qWait(100);
        out += QString::fromUtf8(m_daemon->readAllStandardOutput());
        const auto listen = QRegularExpression(u"^listen (wss://127\\.0\\.0\\.1:\\d+/)$"_s,
                                               QRegularExpression::MultilineOption).match(out);
        const auto metrics = QRegularExpression(u"^metrics http://127\\.0\\.0\\.1:(\\d+)/$"_s,
                                                QRegularExpression::MultilineOption).match(out);
        QVERIFY2(listen.hasMatch() && metrics.hasMatch(), qPrintable(out));
        m_url = listen.captured(1);
        m_metricsPort = quint16(metrics.captured(1).toUInt());
        m_sender = TestDevice::create(Sender);
        m_receiver = TestDevice::create(Receiver);
    }

    void cleanupTestCase()
    {
        m_senderClient.reset();
        m_receiverClient.reset();
        if (m_daemon && m_daemon->state() != QProcess::NotRunning) {
            m_daemon->kill();
            m_daemon->waitForFinished(WaitMs);
        }
    }

    void servesAtStart()
    {
        const HttpResult metrics = get(u"/metrics"_s);
        QCOMPARE(metrics.status, 200);
        QCOMPARE(metrics.contentType, QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        const QMap<QString, double> s = samples(metrics.body);
        QCOMPARE(s.value(u"parleyd_ready"_s, -1), 1.0);
        QCOMPARE(s.value(u"parleyd_build_info{version=\"0.1.0\"}"_s, -1), 1.0);
        QCOMPARE(s.value(u"parleyd_logins_total{result=\"ok\"}"_s, -1), 0.0);
        QCOMPARE(s.value(u"parleyd_connections"_s, -1), 0.0);
        QCOMPARE(s.value(u"parleyd_queued_messages"_s, -1), 0.0);
        QVERIFY(s.value(u"process_resident_memory_bytes"_s) > 1e6);
        QVERIFY(s.value(u"process_open_fds"_s) > 5);
        QVERIFY(s.value(u"process_start_time_seconds"_s) > 1.6e9);
        // What status' warnings are made of: the generated certificate's expiry (825 days), the data directory's
        // file system, and every thread's heartbeat answered.
        const double expiry = s.value(u"parleyd_certificate_expiry_timestamp_seconds{listener=\"device\"}"_s, -1);
        QVERIFY2(expiry > double(QDateTime::currentSecsSinceEpoch()) + 824 * 86400.0, qPrintable(QString::number(expiry)));
        QVERIFY(!s.contains(u"parleyd_certificate_expiry_timestamp_seconds{listener=\"admin\"}"_s));
        QVERIFY(s.value(u"parleyd_data_dir_size_bytes"_s) > 0);
        QVERIFY(s.value(u"parleyd_data_dir_available_bytes"_s, -1) >= 0);
        QVERIFY(s.value(u"parleyd_data_dir_available_bytes"_s) <= s.value(u"parleyd_data_dir_size_bytes"_s));
        for (const char *thread : {"worker-0", "worker-1", "database-writer"}) {
            const QString sample = u"parleyd_heartbeat_unanswered_seconds{thread=\"%1\"}"_s.arg(QLatin1StringView(thread));
            QVERIFY2(s.contains(sample), qPrintable(sample));
            QVERIFY(s.value(sample) < 30);
        }
        const HttpResult health = get(u"/healthz"_s);
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, QByteArray("ok\n"));
        const HttpResult ready = get(u"/readyz"_s);
        QCOMPARE(ready.status, 200);
        QCOMPARE(ready.body, QByteArray("ready\n"));
    }

    void countsFollowTraffic()
    {
        const quint64 commitsBefore = quint64(scrape().value(u"parleyd_store_commit_duration_seconds_count"_s));
        QVERIFY(enroll(m_sender));
        QVERIFY(enroll(m_receiver));

        Frame welcome;
        m_senderClient = login(m_sender, &welcome);
        QVERIFY(m_senderClient);
        m_resume = welcome.bytes("resume"_L1);
        QVERIFY(!m_resume.isEmpty());
        for (int i = 0; i < Messages; ++i) {
            const Frame f = sendFrame(m_sender, m_receiver);
            m_senderClient->send(f);
            const auto accepted = m_senderClient->reply(f.id, WaitMs);
            QVERIFY(accepted && accepted->type == u"accepted"_s);
        }
        QCOMPARE(waitForSample(u"parleyd_messages_accepted_total"_s, Messages), double(Messages));
        QCOMPARE(waitForSample(u"parleyd_queued_messages"_s, Messages), double(Messages));

        m_receiverClient = login(m_receiver);
        QVERIFY(m_receiverClient);
        QCborArray seqs;
        for (int i = 0; i < Messages; ++i) {
            const auto msg = m_receiverClient->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            seqs.append(qint64(msg->uint("seq"_L1)));
        }
        QCOMPARE(waitForSample(u"parleyd_devices_online"_s, 2), 2.0);
        m_receiverClient->send(Frame(u"ack"_s).set("seqs"_L1, seqs));
        QCOMPARE(waitForSample(u"parleyd_messages_delivered_total"_s, Messages), double(Messages));
        QCOMPARE(waitForSample(u"parleyd_queued_messages"_s, 0), 0.0);
        // The same ack again deletes nothing: nothing counted twice.
        m_receiverClient->send(Frame(u"ack"_s).set("seqs"_L1, seqs));

        // A login signed over another challenge is refused and closed.
        TestClient refused(certificateFile());
        QVERIFY(refused.open(m_url, WaitMs));
        refused.send(m_sender.loginFrame(1, parley::crypto::randomBytes(32)));
        const auto authFailed = refused.reply(1, WaitMs);
        QVERIFY(authFailed && authFailed->type == u"error"_s);
        QVERIFY(refused.waitClosed(WaitMs));

        // The sender comes back with its resumption credential (its earlier session is replaced).
        auto resumed = std::make_unique<TestClient>(certificateFile());
        QVERIFY(resumed->open(m_url, WaitMs));
        resumed->send(Frame(u"login"_s, 1).set("user"_L1, m_sender.user).set("device"_L1, qint64(m_sender.number))
                          .set("resume"_L1, m_resume));
        const auto resumedWelcome = resumed->reply(1, WaitMs);
        QVERIFY(resumedWelcome && resumedWelcome->type == u"welcome"_s);
        QVERIFY(m_senderClient->waitClosed(WaitMs));
        m_senderClient = std::move(resumed);

        // Not TLS at all: a failed handshake.
        const quint16 devicePort = quint16(QUrl(m_url).port());
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, devicePort);
        QVERIFY(plain.waitForConnected(WaitMs));
        plain.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(plain.state() == QAbstractSocket::UnconnectedState, WaitMs);

        QCOMPARE(waitForSample(u"parleyd_connections"_s, 2), 2.0);   // the receiver's and the resumed sender's
        const QMap<QString, double> s = scrape();
        QCOMPARE(s.value(u"parleyd_logins_total{result=\"ok\"}"_s), 2.0);
        QCOMPARE(s.value(u"parleyd_logins_total{result=\"resumed\"}"_s), 1.0);
        QCOMPARE(s.value(u"parleyd_logins_total{result=\"failed\"}"_s), 1.0);
        QCOMPARE(s.value(u"parleyd_messages_accepted_total"_s), double(Messages));
        QCOMPARE(s.value(u"parleyd_messages_delivered_total"_s), double(Messages));
        // Two enrollments, two logins, the refused one, the resumed one and the plain one.
        QCOMPARE(s.value(u"parleyd_connections_accepted_total"_s), 7.0);
        QCOMPARE(s.value(u"parleyd_connections_refused_total"_s), 0.0);
        QCOMPARE(s.value(u"parleyd_tls_handshakes_total{result=\"full\"}"_s)
                     + s.value(u"parleyd_tls_handshakes_total{result=\"resumed\"}"_s), 6.0);
        QCOMPARE(s.value(u"parleyd_tls_handshakes_total{result=\"failed\"}"_s), 1.0);
        QCOMPARE(s.value(u"parleyd_tls_handshakes_total{result=\"timeout\"}"_s), 0.0);
        QCOMPARE(s.value(u"parleyd_devices_online"_s), 2.0);
        QVERIFY(s.value(u"parleyd_store_commit_duration_seconds_count"_s) > double(commitsBefore));
        QCOMPARE(s.value(u"parleyd_store_commit_duration_seconds_bucket{le=\"+Inf\"}"_s),
                 s.value(u"parleyd_store_commit_duration_seconds_count"_s));
        QCOMPARE(s.value(u"parleyd_store_commit_failures_total"_s), 0.0);
        QCOMPARE(s.value(u"parleyd_store_storage_failing"_s), 0.0);
    }

    // Aggregates only: no user name, enrollment code or address anywhere in the text, and every label one of the
    // fixed words the code writes.
    void noUserDataInTheMetrics()
    {
        const QByteArray text = get(u"/metrics"_s).body;
        QVERIFY(!text.isEmpty());
        QStringList secrets{Sender, Receiver, u"127.0.0.1"_s, QString::number(QUrl(m_url).port())};
        secrets += m_codes;
        for (const QString &secret : std::as_const(secrets)) {
            QVERIFY(!secret.isEmpty());
            QVERIFY2(!text.contains(secret.toUtf8()), qPrintable(secret));
        }
        const QMap<QString, QStringList> allowed{
            {u"result"_s, {u"full"_s, u"resumed"_s, u"failed"_s, u"timeout"_s, u"ok"_s, u"sent"_s, u"retried"_s,
                           u"token_removed"_s, u"dead_lettered"_s, u"skipped_online"_s}},
            {u"provider"_s, {u"apns"_s, u"fcm"_s, u"webpush"_s}},
            {u"version"_s, {u"0.1.0"_s}},
            {u"listener"_s, {u"device"_s}},
            {u"thread"_s, {u"worker-0"_s, u"worker-1"_s, u"database-writer"_s}},
        };
        const QRegularExpression label(u"([a-zA-Z_]+)=\"([^\"]*)\""_s);
        int labels = 0;
        for (auto it = label.globalMatch(QString::fromUtf8(text)); it.hasNext();) {
            const auto m = it.next();
            ++labels;
            if (m.captured(1) == u"le"_s) {
                bool number = false;
                m.captured(2).toDouble(&number);
                QVERIFY2(number || m.captured(2) == u"+Inf"_s, qPrintable(m.captured(0)));
                continue;
            }
            QVERIFY2(allowed.value(m.captured(1)).contains(m.captured(2)), qPrintable(m.captured(0)));
        }
        QVERIFY(labels > 20);
    }

    void promtoolAcceptsTheScrape()
    {
        const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus; scripts/deps.sh test installs it)");
        const QByteArray text = get(u"/metrics"_s).body;
        QProcess check;
        check.start(promtool, {u"check"_s, u"metrics"_s});
        QVERIFY(check.waitForStarted(WaitMs));
        check.write(text);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(WaitMs));
        const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
        QVERIFY2(check.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }

    // Every metric the shipped alerting rules use is one parleyd exports (promtool checks the rules themselves:
    // tst_alertrules). The parleyd_cluster_* ones come from nodes on PostgreSQL only: tst_cluster checks those.
    void alertRulesUseExportedMetrics()
    {
        QFile rules(QStringLiteral(PARLEY_ALERT_RULES));
        QVERIFY(rules.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(rules.readAll());
        const QString scraped = QString::fromUtf8(get(u"/metrics"_s).body);
        QSet<QString> names;
        for (auto it = QRegularExpression(u"\\b((?:parleyd|process)_[a-z_]+)"_s).globalMatch(text); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (!name.startsWith(u"parleyd_cluster_"_s))
                names.insert(name);
        }
        QVERIFY(names.size() >= 10);
        for (const QString &name : std::as_const(names)) {
            QVERIFY2(scraped.contains(u"\n"_s + name + u' ') || scraped.contains(u"\n"_s + name + u'{'),
                     qPrintable(name));
        }
    }

    void refusedRequestsAndTheServerCarriesOn_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\xff hello\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET /metrics HTTP/1.1\nHost: a\n\n\r\n\r\n") << 400;
        QTest::newRow("no Host") << QByteArray("GET /metrics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("a body") << QByteArray("GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello") << 400;
        QTest::newRow("absolute URI") << QByteArray("GET http://127.0.0.1/metrics HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
        QTest::newRow("POST") << QByteArray("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") << 405;
        QTest::newRow("unknown path") << QByteArray("GET /admin HTTP/1.1\r\nHost: a\r\n\r\n") << 404;
        QTest::newRow("HTTP/2.0") << QByteArray("GET /metrics HTTP/2.0\r\nHost: a\r\n\r\n") << 505;
        QTest::newRow("oversize") << "GET /metrics HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(100000, 'x') + "\r\n\r\n" << 431;
        QTest::newRow("HEAD") << QByteArray("HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n") << 200;
    }

    void refusedRequestsAndTheServerCarriesOn()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const QByteArray response = rawRequest(m_metricsPort, request);
        QVERIFY2(statusOf(response) == status, response.left(300).constData());
        if (request.startsWith("HEAD")) {
            QVERIFY(response.contains("Content-Length: "));
            QCOMPARE(bodyOf(response), QByteArray());
        }
        if (status == 405)
            QVERIFY(response.contains("\r\nAllow: GET, HEAD\r\n"));
        // Still there, both planes.
        QCOMPARE(get(u"/healthz"_s).status, 200);
        TestClient c(certificateFile());
        QVERIFY(c.open(m_url, WaitMs));
    }

    // fsync failing under the database: /readyz says why with 503 until a commit succeeds again.
    void readyzFollowsTheStorage()
    {
        QVERIFY(m_senderClient && m_receiverClient);
        setFault("fsync");
        QTest::qWait(50);   // the shim reads its control file at most every 5 ms
        const Frame refusedSend = sendFrame(m_sender, m_receiver);
        m_senderClient->send(refusedSend);
        const auto refused = m_senderClient->reply(refusedSend.id, WaitMs);
        QVERIFY(refused && refused->type == u"error"_s);
        // Not ready for as long as the fault lasts, although the sweeper's commits (every second; they find nothing
        // to delete, so they write nothing) succeed meanwhile.
        QElapsedTimer fault;
        fault.start();
        while (fault.elapsed() < 2500) {
            const HttpResult ready = get(u"/readyz"_s);
            QCOMPARE(ready.status, 503);
            QVERIFY2(ready.body.startsWith("storage failing: ") && ready.body.endsWith("\n") && ready.body.count('\n') == 1,
                     ready.body.constData());
            QTest::qWait(100);
        }
        QCOMPARE(get(u"/healthz"_s).status, 200);
        const QMap<QString, double> s = scrape();
        QCOMPARE(s.value(u"parleyd_ready"_s, -1), 0.0);
        QCOMPARE(s.value(u"parleyd_store_storage_failing"_s, -1), 1.0);
        QVERIFY(s.value(u"parleyd_store_commit_failures_total"_s) >= 1);

        // The next write that is stored shows the storage works again, without a restart.
        setFault("none");
        QTest::qWait(50);
        const Frame accepted = sendFrame(m_sender, m_receiver);
        m_senderClient->send(accepted);
        const auto reply = m_senderClient->reply(accepted.id, WaitMs);
        QVERIFY(reply && reply->type == u"accepted"_s);
        const HttpResult ready = get(u"/readyz"_s);
        QCOMPARE(ready.status, 200);
        QCOMPARE(ready.body, QByteArray("ready\n"));
        QCOMPARE(scrape().value(u"parleyd_store_storage_failing"_s, -1), 0.0);
    }

    // SIGTERM stops the daemon cleanly, the monitoring listener with it. (/readyz while draining is
    // tst_servermonitoring's: in this process the drain is over within milliseconds.)
    void stopsWithTheDaemon()
    {
        m_senderClient.reset();
        m_receiverClient.reset();
        m_daemon->terminate();
        QVERIFY(m_daemon->waitForFinished(WaitMs));
        QCOMPARE(m_daemon->exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_daemon->exitCode(), 0);
        QCOMPARE(rawRequest(m_metricsPort, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 2000), QByteArray());
    }
};

QTEST_GUILESS_MAIN(tst_ParleydMetrics)
#include "tst_parleydmetrics.moc"
