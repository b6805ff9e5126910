// status.history and status' warnings against a real parleyd: the samples follow the traffic a raw device client
// makes (messages per second times the interval add up to the messages sent and delivered, the queue and the
// connected devices as they were), `since` returns the newer samples only, and the warnings that need action appear
// and go as their causes do: certificates that expire in 10 and 5 days (and none for 400), a data directory on a
// tmpfs of its own filled below 2 GiB (and a small one, critical), a directory that cannot be reached, a Web Push
// endpoint that refuses connections, a worker that blocks its event loop, fsync failing under the database (the
// fault injection library of tests/assurance); parleyctl status prints them and the metrics tell the same. The test enters a mount namespace of its own to mount the tmpfs; the test hooks
// (docs/operations.md "Test hooks") shorten the history's interval and the heartbeats, and block the worker.

#include "adminfixture.h"
#include "../e2e/mountnamespace.h"
#include "../server/testclient.h"

#include "crypto/p256key.h"

#include <QCborArray>
#include <QJsonArray>
#include <QScopeGuard>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>

#include <cmath>
#include <sys/statvfs.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

namespace {

constexpr int HistoryIntervalMs = 200;
constexpr int Messages = 20;
constexpr qint64 GiB = qint64(1) << 30;
constexpr qint64 MiB = qint64(1) << 20;
constexpr qint64 DayMs = 24 * 3600 * 1000;

QString g_isolation;   // why the test has no mount namespace of its own; empty when it has

// A certificate for 127.0.0.1 valid for `days`, and its key (PEM).
std::pair<QString, QString> certificate(int days)
{
    auto made = crypto::generateSelfSignedCertificate(u"127.0.0.1"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, days);
    if (!made)
        return {};
    return {QString::fromLatin1(made->certificatePem), QString::fromLatin1(made->privateKeyPem.view())};
}

qint64 expiryOf(const QString &pem)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromData(pem.toLatin1());
    return chain.isEmpty() ? 0 : chain.first().expiryDate().toMSecsSinceEpoch();
}

QString fingerprintOf(const QString &pem)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromData(pem.toLatin1());
    return chain.isEmpty() ? QString() : QString::fromLatin1(chain.first().digest(QCryptographicHash::Sha256).toHex());
}

// The warnings of a status reply with this code.
QList<QCborMap> warningsOf(const QCborMap &status, const QString &code)
{
    QList<QCborMap> out;
    for (const QCborValue &v : status.value("warnings"_L1).toArray()) {
        if (v.toMap().value("code"_L1).toString() == code)
            out << v.toMap();
    }
    return out;
}

// GET /metrics of a monitoring listener: each sample's value by its name and labels.
QMap<QString, double> scrape(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(WaitMs))
        return {};
    socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(WaitMs))
        response += socket.readAll();
    response += socket.readAll();
    QMap<QString, double> out;
    for (const QByteArray &line : response.mid(response.indexOf("\r\n\r\n") + 4).split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        out.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
    }
    return out;
}

quint16 portOf(const QString &stdoutText, const QString &what)
{
    const auto m = QRegularExpression(u"^%1 \\w+://127\\.0\\.0\\.1:(\\d+)/$"_s.arg(what), QRegularExpression::MultilineOption)
                       .match(stdoutText);
    return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
}

// A port nothing listens on (taken and given back).
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QList<double> numbers(const QCborValue &array)
{
    QList<double> out;
    for (const QCborValue &v : array.toArray())
        out << v.toDouble();
    return out;
}

} // namespace

class TestAdminStatus : public AdminTest {
    Q_OBJECT

    TestDevice m_sender = TestDevice::create(u"sender"_s);
    TestDevice m_receiver = TestDevice::create(u"receiver"_s);
    quint64 m_nextId = 100;
    QStringList m_mounts;
    ParleyctlRunner m_ctl;

    QCborMap status(Api &api)
    {
        const auto r = api.call(u"status"_s);
        if (!r.ok)
            qWarning() << "status:" << r.error << r.message;
        return r.result;
    }

    // Polls status until `done` holds for it; the last status.
    QCborMap waitForStatus(Api &api, const std::function<bool(const QCborMap &)> &done, int timeoutMs = WaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        QCborMap last = status(api);
        while (!done(last) && timer.elapsed() < timeoutMs) {
            QTest::qWait(100);
            last = status(api);
        }
        return last;
    }

    // A tmpfs of `size` as the daemon's data directory (umounted at the end).
    std::function<QString(Daemon &)> tmpfsDataDir(const QByteArray &size)
    {
        return [this, size](Daemon &daemon) -> QString {
            if (!QDir().mkpath(daemon.dataDir()))
                return u"cannot create "_s + daemon.dataDir();
            const QString failed = mountTmpfs(daemon.dataDir(), size);
            if (failed.isEmpty())
                m_mounts << daemon.dataDir();
            return failed;
        };
    }

    QString certificateFile() const { return m_daemon->dataDir() + u"/tls/server.crt"_s; }

    bool enroll(TestDevice &device)
    {
        const auto created = call(u"user.create"_s, {{u"name"_s, device.user}});
        if (!created.ok)
            return false;
        m_secrets << created.result.value("code"_L1).toString();
        TestClient c(certificateFile());
        if (!c.open(m_daemon->url().toString(), WaitMs))
            return false;
        c.send(device.enrollFrame(1, created.result.value("code"_L1).toString()));
        const auto enrolled = c.reply(1, WaitMs);
        if (!enrolled || enrolled->type != u"enrolled"_s)
            return false;
        device.number = quint32(enrolled->uint("device"_L1));
        return true;
    }

    std::unique_ptr<TestClient> login(const TestDevice &device)
    {
        auto c = std::make_unique<TestClient>(certificateFile());
        if (!c->open(m_daemon->url().toString(), WaitMs))
            return nullptr;
        c->send(device.loginFrame(1, c->hello().bytes("ch"_L1)));
        const auto reply = c->reply(1, WaitMs);
        return reply && reply->type == u"welcome"_s ? std::move(c) : nullptr;
    }

    // status.history, checked for its shape: every array as long as `at`.
    QCborMap history(qint64 since = -1)
    {
        const auto r = since < 0 ? call(u"status.history"_s) : call(u"status.history"_s, {{u"since"_s, since}});
        if (!r.ok) {
            qWarning() << "status.history:" << r.error << r.message;
            return {};
        }
        const qsizetype n = r.result.value("at"_L1).toArray().size();
        for (const char *key : {"connected_devices", "messages_accepted", "messages_delivered", "queued_messages",
                                "write_queue", "commit_p50_ms", "commit_p99_ms"}) {
            if (r.result.value(QLatin1StringView(key)).toArray().size() != n) {
                qWarning() << key << "has another length than at";
                return {};
            }
        }
        return r.result;
    }

    // Waits for a sample whose `key` is `want` (after the sample at `after`); its history, or an empty map.
    QCborMap waitForSample(const char *key, qint64 want, qint64 after = 0)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            const QCborMap h = history(after);
            const QCborArray values = h.value(QLatin1StringView(key)).toArray();
            if (!values.isEmpty() && values.last().toInteger() == want)
                return h;
            QTest::qWait(HistoryIntervalMs / 2);
        }
        return {};
    }

    // The messages counted in the samples after the first: each rate times the length of its interval (the time
    // since the sample before it, which a loaded machine may stretch beyond interval_seconds).
    static double messagesIn(const QCborMap &h, const char *key)
    {
        const QList<double> at = numbers(h.value("at"_L1));
        const QList<double> rates = numbers(h.value(QLatin1StringView(key)));
        double total = 0;
        for (qsizetype i = 1; i < rates.size(); ++i)
            total += rates[i] * (at[i] - at[i - 1]) / 1000.0;
        return total;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No sweep: its checkpoint would make the writer count the queue again, which must not be what keeps the
        // queued messages right. The data directory on a tmpfs of 2.25 GiB: above the 2 GiB of disk_low.
        startDaemon(u"[limits]\nsweep_seconds=3600\n"_s,
                    {{u"PARLEY_TEST_HISTORY_INTERVAL_MS"_s, QString::number(HistoryIntervalMs)}},
                    g_isolation.isEmpty() ? tmpfsDataDir("2304m") : std::function<QString(Daemon &)>());
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        QVERIFY(enroll(m_sender));
        QVERIFY(enroll(m_receiver));
        QVERIFY(m_ctl.isValid());
    }

    void cleanupTestCase()
    {
        if (m_daemon)
            checkLogsHoldNoSecrets();
        for (const QString &mount : std::as_const(m_mounts))
            QVERIFY2(::umount2(QFile::encodeName(mount).constData(), MNT_DETACH) == 0, qPrintable(errnoText()));
        m_daemon.reset();
    }

    // The samples follow the traffic: 20 messages accepted, queued for the receiver until it logs in and
    // acknowledges them, delivered; the connected devices as they come and go.
    void historyFollowsTraffic()
    {
        const QCborMap first = history();
        QVERIFY(!first.isEmpty());
        QCOMPARE(first.value("interval_seconds"_L1).toDouble(), HistoryIntervalMs / 1000.0);
        QCOMPARE(first.value("retention_seconds"_L1).toDouble(), 8640 * HistoryIntervalMs / 1000.0);
        QVERIFY(std::abs(first.value("now"_L1).toInteger() - QDateTime::currentMSecsSinceEpoch()) < 5000);
        const QList<double> at = numbers(first.value("at"_L1));
        for (qsizetype i = 1; i < at.size(); ++i)
            QVERIFY(at[i] > at[i - 1]);
        QVERIFY(!at.isEmpty());
        const qint64 start = qint64(at.last());

        auto sender = login(m_sender);
        QVERIFY(sender);
        for (int i = 0; i < Messages; ++i) {
            const Frame f = m_sender.sendFrame(m_nextId++, m_receiver);
            sender->send(f);
            const auto accepted = sender->reply(f.id, WaitMs);
            QVERIFY(accepted && accepted->type == u"accepted"_s);
        }
        QCborMap h = waitForSample("queued_messages", Messages, start);
        QVERIFY2(!h.isEmpty(), "no sample with the messages queued");
        QCOMPARE(h.value("connected_devices"_L1).toArray().last().toInteger(), 1);
        QCOMPARE(call(u"status"_s).result.value("queued_messages"_L1).toInteger(), Messages);

        auto receiver = login(m_receiver);
        QVERIFY(receiver);
        QCborArray seqs;
        for (int i = 0; i < Messages; ++i) {
            const auto msg = receiver->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            seqs.append(qint64(msg->uint("seq"_L1)));
        }
        QVERIFY(!waitForSample("connected_devices", 2, start).isEmpty());
        receiver->send(Frame(u"ack"_s).set("seqs"_L1, seqs));
        h = waitForSample("queued_messages", 0, start);
        QVERIFY2(!h.isEmpty(), "no sample with the queue empty again");
        QTest::qWait(2 * HistoryIntervalMs);   // the ack's interval has a sample of its own by now
        h = history(start - 1);   // from the last sample before the first message on

        // What the rates add up to over their intervals is what was sent and delivered.
        const double accepted = messagesIn(h, "messages_accepted");
        const double delivered = messagesIn(h, "messages_delivered");
        QVERIFY2(std::abs(accepted - Messages) < 0.5, qPrintable(u"accepted %1"_s.arg(accepted)));
        QVERIFY2(std::abs(delivered - Messages) < 0.5, qPrintable(u"delivered %1"_s.arg(delivered)));
        // The commits of the interval that stored the messages have a latency; p99 is never below p50.
        const QList<double> p50 = numbers(h.value("commit_p50_ms"_L1));
        const QList<double> p99 = numbers(h.value("commit_p99_ms"_L1));
        const QList<double> rates = numbers(h.value("messages_accepted"_L1));
        bool latencySeen = false;
        for (qsizetype i = 0; i < rates.size(); ++i) {
            QVERIFY(p99[i] >= p50[i]);
            QVERIFY(p50[i] >= 0);
            latencySeen = latencySeen || (rates[i] > 0 && p50[i] > 0);
        }
        QVERIFY(latencySeen);

        receiver.reset();
        sender.reset();
        QVERIFY(!waitForSample("connected_devices", 0, start).isEmpty());
    }

    // `since` returns the samples after it, oldest first; one past the newest returns none.
    void historySince()
    {
        const QCborMap all = history();
        const QList<double> at = numbers(all.value("at"_L1));
        QVERIFY(at.size() >= 3);
        const qint64 cut = qint64(at[at.size() - 3]);
        const QCborMap newer = history(cut);
        const QList<double> newerAt = numbers(newer.value("at"_L1));
        QVERIFY(!newerAt.isEmpty());
        QVERIFY(newerAt.first() > cut);
        QCOMPARE(newerAt.first(), at[at.size() - 2]);
        const qint64 future = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
        QCOMPARE(history(future).value("at"_L1).toArray().size(), 0);
        QCOMPARE(history(future).value("queued_messages"_L1).toArray().size(), 0);

        for (const QCborValue &bad : {QCborValue(-1), QCborValue(u"0"_s), QCborValue(1.5), QCborValue(true)}) {
            const auto r = call(u"status.history"_s, {{u"since"_s, bad}});
            QVERIFY(!r.ok);
            QCOMPARE(r.error, QString(proto::errors::BadRequest));
            QVERIFY2(r.message.contains(u"since"_s), qPrintable(r.message));
        }
    }

    // A server in good health has nothing to say (the generated certificate lasts 825 days, the tmpfs has room).
    void noWarningsWhenHealthy()
    {
        if (!g_isolation.isEmpty())
            QSKIP(qPrintable(u"no mount namespace of its own for a tmpfs of known size (%1)"_s.arg(g_isolation)));
        const QCborMap s = status(*m_api);
        QVERIFY(s.contains("warnings"_L1));
        QCOMPARE(s.value("warnings"_L1).toArray().size(), 0);
    }

    // The device listener's certificate: 10 days left is a warning, 5 days critical, 400 days nothing; parleyctl
    // status prints the warning and --json has it.
    void certificateExpiring()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const auto [tenDays, tenDaysKey] = certificate(10);
        m_logSecrets << tenDaysKey;
        auto installed = call(u"cert.install"_s, {{u"certificate"_s, tenDays}, {u"private_key"_s, tenDaysKey}});
        QVERIFY2(installed.ok, qPrintable(installed.message));
        QCborMap s = status(*m_api);
        QList<QCborMap> w = warningsOf(s, u"certificate_expiring"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"warning"_s);
        QCOMPARE(w[0].value("listener"_L1).toString(), u"device"_s);
        QCOMPARE(w[0].value("days_left"_L1).toInteger(), 9);   // 10 days less the moments since it was made
        QCOMPARE(w[0].value("expires_at"_L1).toInteger(), expiryOf(tenDays));
        const QString day = QDateTime::fromMSecsSinceEpoch(expiryOf(tenDays), Qt::UTC).toString(u"yyyy-MM-dd"_s);
        QCOMPARE(w[0].value("message"_L1).toString(),
                 u"The TLS certificate of the device listener expires in 9 days (%1); install a new one (Certificates)."_s.arg(day));
        const qint64 since = w[0].value("since"_L1).toInteger();
        QVERIFY(since >= before && since <= QDateTime::currentMSecsSinceEpoch());
        QTest::qWait(2 * HistoryIntervalMs);
        QCOMPARE(warningsOf(status(*m_api), u"certificate_expiring"_s).value(0).value("since"_L1).toInteger(), since);

        // parleyctl, pinned to the new certificate.
        const QString fingerprint = installed.result.value("fingerprint"_L1).toString();
        QCOMPARE(fingerprint, fingerprintOf(tenDays));
        QCOMPARE(m_ctl.run({u"--server"_s, m_address, u"--fingerprint"_s, fingerprint, u"login"_s, u"admin"_s,
                            u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}),
                 0);
        QByteArray out;
        QCOMPARE(m_ctl.run({u"status"_s}, &out), 0);
        QVERIFY2(out.contains("warnings:\n  WARNING  certificate_expiring  since "), out.constData());
        QVERIFY2(out.contains("    The TLS certificate of the device listener expires in 9 days ("), out.constData());
        QVERIFY2(out.contains("\nqueued_messages: "), out.constData());
        QCOMPARE(m_ctl.run({u"--json"_s, u"status"_s}, &out), 0);
        const QJsonArray json = QJsonDocument::fromJson(out).object().value(u"warnings"_s).toArray();
        QCOMPARE(json.size(), qsizetype(g_isolation.isEmpty() ? 1 : json.size()));
        QCOMPARE(json.first().toObject().value(u"code"_s).toString(), u"certificate_expiring"_s);
        QCOMPARE(json.first().toObject().value(u"days_left"_s).toInt(), 9);

        const auto [fiveDays, fiveDaysKey] = certificate(5);
        m_logSecrets << fiveDaysKey;
        QVERIFY(call(u"cert.install"_s, {{u"certificate"_s, fiveDays}, {u"private_key"_s, fiveDaysKey}}).ok);
        w = warningsOf(status(*m_api), u"certificate_expiring"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"critical"_s);
        QCOMPARE(w[0].value("days_left"_L1).toInteger(), 4);

        const auto [longLived, longLivedKey] = certificate(400);
        m_logSecrets << longLivedKey;
        installed = call(u"cert.install"_s, {{u"certificate"_s, longLived}, {u"private_key"_s, longLivedKey}});
        QVERIFY(installed.ok);
        QVERIFY(warningsOf(status(*m_api), u"certificate_expiring"_s).isEmpty());
        QCOMPARE(m_ctl.run({u"--server"_s, m_address, u"--fingerprint"_s, installed.result.value("fingerprint"_L1).toString(),
                            u"login"_s, u"admin"_s, u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}),
                 0);
        if (g_isolation.isEmpty()) {
            QCOMPARE(m_ctl.run({u"status"_s}, &out), 0);
            QVERIFY2(out.contains("warnings: none\n"), out.constData());
        }
    }

    // The data directory's tmpfs filled below 2 GiB free: disk_low, a warning (not critical above 512 MiB and 3 %);
    // gone with the filler.
    void diskLow()
    {
        if (!g_isolation.isEmpty())
            QSKIP(qPrintable(u"no mount namespace of its own for a tmpfs of known size (%1)"_s.arg(g_isolation)));
        QVERIFY(warningsOf(status(*m_api), u"disk_low"_s).isEmpty());
        struct statvfs fs {};
        QVERIFY(::statvfs(QFile::encodeName(m_daemon->dataDir()).constData(), &fs) == 0);
        const qint64 available = qint64(fs.f_bavail) * qint64(fs.f_frsize);
        const qint64 total = qint64(fs.f_blocks) * qint64(fs.f_frsize);
        QCOMPARE(total, 2304 * MiB);
        QVERIFY(available > 2 * GiB);
        QFile filler(m_daemon->dataDir() + u"/filler"_s);
        QVERIFY(filler.open(QIODevice::WriteOnly));
        QCOMPARE(::posix_fallocate(filler.handle(), 0, available - 2 * GiB + 64 * MiB), 0);
        filler.close();

        const QCborMap s = waitForStatus(*m_api, [](const QCborMap &m) { return !warningsOf(m, u"disk_low"_s).isEmpty(); });
        const QList<QCborMap> w = warningsOf(s, u"disk_low"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"warning"_s);
        QCOMPARE(w[0].value("path"_L1).toString(), m_daemon->dataDir());
        QCOMPARE(w[0].value("total_bytes"_L1).toInteger(), total);
        const qint64 free = w[0].value("free_bytes"_L1).toInteger();
        QVERIFY2(free < 2 * GiB && free > 2 * GiB - 128 * MiB, qPrintable(QString::number(free)));
        QVERIFY2(w[0].value("message"_L1).toString().startsWith(u"The file system of the data directory %1 has "_s.arg(m_daemon->dataDir())),
                 qPrintable(w[0].value("message"_L1).toString()));

        QVERIFY(QFile::remove(filler.fileName()));
        QVERIFY(warningsOf(waitForStatus(*m_api, [](const QCborMap &m) { return warningsOf(m, u"disk_low"_s).isEmpty(); }),
                           u"disk_low"_s)
                    .isEmpty());
    }

    // A directory whose server cannot be reached: the sync fails and says why; clearing the directory clears it.
    void directorySyncFailed()
    {
        auto ca = crypto::generateCertificateAuthority(u"Status test CA"_s, 30);
        QVERIFY(ca);
        const quint16 port = closedPort();
        QVERIFY(port);
        auto r = call(u"directory.set"_s, {{u"url"_s, u"ldaps://127.0.0.1:%1"_s.arg(port)},
                                           {u"ca_certificate"_s, QString::fromLatin1(ca->certificatePem)},
                                           {u"base_dn"_s, u"dc=example,dc=org"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(warningsOf(status(*m_api), u"directory_sync_failed"_s).isEmpty());
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        r = call(u"directory.sync"_s);
        QCOMPARE(r.error, QString(proto::errors::Unavailable));
        const QList<QCborMap> w = warningsOf(status(*m_api), u"directory_sync_failed"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"warning"_s);
        QCOMPARE(w[0].value("error"_L1).toString(), r.message);
        QVERIFY(w[0].value("at"_L1).toInteger() >= before);
        QVERIFY2(w[0].value("message"_L1).toString().startsWith(u"The last directory sync failed ("_s + r.message),
                 qPrintable(w[0].value("message"_L1).toString()));
        QVERIFY(call(u"directory.clear"_s).ok);
        QVERIFY(warningsOf(status(*m_api), u"directory_sync_failed"_s).isEmpty());
    }

    // A second server in trouble: its data directory a tmpfs of 64 MiB (disk_low, critical), its admin listener's
    // own certificate 10 days from its end, worker 0 blocking its event loop for 4 s at SIGUSR1 (heartbeats every
    // 250 ms: stalled after 1.5 s), Web Push wake-ups to an endpoint that refuses connections, and fsync failing
    // under its database.
    void troubledServer()
    {
        if (!g_isolation.isEmpty())
            QSKIP(qPrintable(u"no mount namespace of its own for a tmpfs of known size (%1)"_s.arg(g_isolation)));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto [adminCert, adminKey] = certificate(10);
        for (const auto &[name, pem] : {std::pair{u"admin.crt"_s, adminCert}, std::pair{u"admin.key"_s, adminKey}}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
            f.write(pem.toLatin1());
        }
        Daemon troubled(u"[admin]\nlisten=127.0.0.1:0\ncertificate=%1\nprivate_key=%2\n\n[metrics]\nlisten=127.0.0.1:0\n\n"
                        u"[push]\ncoalesce_ms=100\nmin_interval_seconds=0\nretry_base_ms=200\nretry_max_ms=400\n"
                        u"dead_after_seconds=600\nwebpush_allow_private_endpoints=true\n"_s
                            .arg(dir.filePath(u"admin.crt"_s), dir.filePath(u"admin.key"_s)));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PARLEY_TEST_HEARTBEAT_MS"_s, u"250"_s);
        env.insert(u"PARLEY_TEST_BLOCK_WORKER_MS"_s, u"4000"_s);
        env.insert(u"PARLEY_TEST_HISTORY_INTERVAL_MS"_s, QString::number(HistoryIntervalMs));
        const QString faultFile = dir.filePath(u"fault"_s);
        const auto setFault = [&faultFile](const QByteArray &mode) {
            QFile f(faultFile);
            const bool written = f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(mode + '\n') == mode.size() + 1;
            f.close();
            QTest::qWait(20);   // the shim reads the file at most every 5 ms
            return written;
        };
        QVERIFY(setFault("none"));
        env.insert(u"LD_PRELOAD"_s, QStringLiteral(FAULTSHIM_LIBRARY));
        env.insert(u"PARLEY_FAULT_DIR"_s, troubled.dataDir());
        env.insert(u"PARLEY_FAULT_FILE"_s, faultFile);
        troubled.process().setProcessEnvironment(env);
        const QString mounted = tmpfsDataDir("64m")(troubled);
        QVERIFY2(mounted.isEmpty(), qPrintable(mounted));
        // Taken away before the daemon's directory goes (detached: the daemon may still hold it).
        const auto unmount = qScopeGuard([this, &troubled] {
            ::umount2(QFile::encodeName(troubled.dataDir()).constData(), MNT_DETACH);
            m_mounts.removeAll(troubled.dataDir());
        });
        QVERIFY(troubled.start());
        QVERIFY(Daemon::readFile(troubled.stderrFile()).contains("Test hook PARLEY_TEST_BLOCK_WORKER_MS=4000 in force"));
        auto api = firstAdmin(adminAddress(troubled), fingerprintOf(adminCert),
                              QString::fromUtf8(Daemon::readFile(troubled.dataDir() + u"/initial-admin-password"_s)).trimmed());
        QVERIFY(api);
        QVERIFY(warningsOf(status(*api), u"node_stalled"_s).isEmpty());

        // Worker 0 stalls for 4 s (a warning after 1.5 s unanswered).
        const auto workerStalled = [](const QCborMap &m) {
            QList<QCborMap> stalls = warningsOf(m, u"node_stalled"_s);
            stalls.removeIf([](const QCborMap &w) { return w.value("thread"_L1).toString() != u"worker-0"_s; });
            return stalls;
        };
        QCOMPARE(::kill(pid_t(troubled.process().processId()), SIGUSR1), 0);
        QCborMap s = waitForStatus(*api, [&](const QCborMap &m) { return !workerStalled(m).isEmpty(); });
        QList<QCborMap> w = workerStalled(s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"critical"_s);
        QVERIFY(w[0].value("unanswered_seconds"_L1).toInteger() >= 1);
        QCOMPARE(w[0].value("thread"_L1).toString(), u"worker-0"_s);
        QCOMPARE(w[0].value("node"_L1).toString(), QSysInfo::machineHostName());
        QVERIFY(w[0].value("message"_L1).toString().startsWith(u"The thread worker-0 of parleyd on "_s));
        const quint16 metricsPort = portOf(QString::fromUtf8(Daemon::readFile(troubled.stdoutFile())), u"metrics"_s);
        QMap<QString, double> metrics = scrape(metricsPort);
        QVERIFY(metrics.value(u"parleyd_heartbeat_unanswered_seconds{thread=\"worker-0\"}"_s) >= 1.5);
        QVERIFY(metrics.value(u"parleyd_heartbeat_unanswered_seconds{thread=\"database-writer\"}"_s, -1) >= 0);
        QCOMPARE(metrics.value(u"parleyd_certificate_expiry_timestamp_seconds{listener=\"admin\"}"_s), double(expiryOf(adminCert) / 1000));

        // The small tmpfs and the admin listener's certificate, meanwhile.
        w = warningsOf(s, u"disk_low"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"critical"_s);
        QCOMPARE(w[0].value("total_bytes"_L1).toInteger(), 64 * MiB);
        QCOMPARE(metrics.value(u"parleyd_data_dir_size_bytes"_s), double(64 * MiB));
        QVERIFY(std::abs(metrics.value(u"parleyd_data_dir_available_bytes"_s) - double(w[0].value("free_bytes"_L1).toInteger())) < 4 * MiB);
        w = warningsOf(s, u"certificate_expiring"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("listener"_L1).toString(), u"admin"_s);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"warning"_s);
        QVERIFY(w[0].value("message"_L1).toString().startsWith(u"The admin listener's own TLS certificate expires in 9 days"_s));
        // Critical ones first.
        QCOMPARE(s.value("warnings"_L1).toArray().last().toMap().value("code"_L1).toString(), u"certificate_expiring"_s);

        // The block ends: the stall is gone.
        s = waitForStatus(*api, [&](const QCborMap &m) { return workerStalled(m).isEmpty(); });
        QVERIFY(workerStalled(s).isEmpty());

        // Web Push wake-ups to an endpoint nobody listens on fail: push_failing for webpush.
        auto vapid = crypto::P256Key::generate();
        QVERIFY(vapid);
        auto set = api->call(u"push.set_webpush"_s, {{u"subject"_s, u"mailto:ops@example.org"_s},
                                                     {u"private_key"_s, QString::fromLatin1(vapid->privatePem()->view())}});
        QVERIFY2(set.ok, qPrintable(set.message));
        QVERIFY(warningsOf(status(*api), u"push_failing"_s).isEmpty());
        TestDevice sleeper = TestDevice::create(u"sleeper"_s);
        TestDevice waker = TestDevice::create(u"waker"_s);
        const QString certificateFile = troubled.dataDir() + u"/tls/server.crt"_s;
        for (TestDevice *device : {&sleeper, &waker}) {
            TestClient c(certificateFile);
            QVERIFY(c.open(troubled.url().toString(), WaitMs));
            c.send(device->enrollFrame(1, troubled.enroll(device->user)));
            const auto enrolled = c.reply(1, WaitMs);
            QVERIFY(enrolled && enrolled->type == u"enrolled"_s);
            device->number = quint32(enrolled->uint("device"_L1));
        }
        {
            TestClient c(certificateFile);
            QVERIFY(c.open(troubled.url().toString(), WaitMs));
            c.send(sleeper.loginFrame(1, c.hello().bytes("ch"_L1)));
            QVERIFY(c.reply(1, WaitMs));
            auto subscription = crypto::P256Key::generate();
            QVERIFY(subscription);
            c.send(Frame(u"push_register"_s, 2)
                       .set("kind"_L1, u"webpush"_s)
                       .set("endpoint"_L1, u"https://127.0.0.1:%1/wp/sleeper"_s.arg(closedPort()))
                       .set("p256dh"_L1, QCborValue(subscription->publicPoint()))
                       .set("auth"_L1, QCborValue(crypto::randomBytes(16))));
            const auto registered = c.reply(2, WaitMs);
            QVERIFY(registered && registered->type == u"ok"_s);
        }
        TestClient c(certificateFile);
        QVERIFY(c.open(troubled.url().toString(), WaitMs));
        c.send(waker.loginFrame(1, c.hello().bytes("ch"_L1)));
        QVERIFY(c.reply(1, WaitMs));
        const Frame f = waker.sendFrame(2, sleeper);
        c.send(f);
        const auto accepted = c.reply(f.id, WaitMs);
        QVERIFY(accepted && accepted->type == u"accepted"_s);
        s = waitForStatus(*api, [](const QCborMap &m) { return !warningsOf(m, u"push_failing"_s).isEmpty(); });
        w = warningsOf(s, u"push_failing"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("provider"_L1).toString(), u"webpush"_s);
        QVERIFY(w[0].value("failures"_L1).toInteger() >= 1);
        QCOMPARE(w[0].value("dead_lettered"_L1).toInteger(), 0);
        QVERIFY2(w[0].value("message"_L1).toString().startsWith(u"Push wake-ups through Web Push are failing: "_s),
                 qPrintable(w[0].value("message"_L1).toString()));

        // fsync fails under the database: the next commit fails and storage_failing is critical until one stores
        // something again.
        QVERIFY(warningsOf(status(*api), u"storage_failing"_s).isEmpty());
        QVERIFY(setFault("fsync"));
        QVERIFY(!api->call(u"user.create"_s, {{u"name"_s, u"stormy"_s}}).ok);
        s = waitForStatus(*api, [](const QCborMap &m) { return !warningsOf(m, u"storage_failing"_s).isEmpty(); });
        w = warningsOf(s, u"storage_failing"_s);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w[0].value("severity"_L1).toString(), u"critical"_s);
        QCOMPARE(w[0].value("reason"_L1).toString(), u"storage"_s);
        QVERIFY(w[0].value("message"_L1).toString().startsWith(u"The storage under the database is failing"_s));
        QVERIFY(setFault("none"));
        QVERIFY(api->call(u"user.create"_s, {{u"name"_s, u"stormy"_s}}).ok);
        s = waitForStatus(*api, [](const QCborMap &m) { return warningsOf(m, u"storage_failing"_s).isEmpty(); });
        QVERIFY(warningsOf(s, u"storage_failing"_s).isEmpty());
        QVERIFY(troubled.terminate());
    }
};

int main(int argc, char **argv)
{
    g_isolation = enterPrivateMountNamespace();   // before QCoreApplication starts any thread
    QCoreApplication app(argc, argv);
    TestAdminStatus test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_adminstatus.moc"
