// Tests of the parleyd executable: its command line, start-up output, TLS policy (checked with openssl s_client)
// and SIGTERM shutdown.

#include "testclient.h"

#include <QCborArray>
#include <QCborMap>
#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using parley::testing::TestClient;

namespace {

constexpr int WaitMs = 30000;

const QString Parleyd = QStringLiteral(PARLEYD_BINARY);
const QString OpenSsl = u"/usr/bin/openssl"_s;

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    QString lastLine() const
    {
        const QStringList lines = out.trimmed().split(u'\n');
        return lines.isEmpty() ? QString() : lines.last().trimmed();
    }
};

Run run(const QStringList &args)
{
    QProcess p;
    p.start(Parleyd, args);
    Run r;
    if (!p.waitForFinished(WaitMs)) {
        p.kill();
        p.waitForFinished();
        r.err = u"timed out"_s;
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class tst_Parleyd : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_config;
    std::unique_ptr<QProcess> m_daemon;
    QString m_url;
    quint16 m_port = 0;
    QString m_fingerprint;

    QString writeConfig(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(content);
        return path;
    }

    QString certificateFile() const { return m_dir.filePath(u"data/tls/server.crt"_s); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(Parleyd), qPrintable(Parleyd));
        m_config = writeConfig(u"parleyd.conf"_s, "[server]\nlisten=127.0.0.1:0\ndata_dir=" + QFile::encodeName(m_dir.filePath(u"data"_s))
                                                     + "\nworkers=2\n");
        QVERIFY(!m_config.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_daemon && m_daemon->state() != QProcess::NotRunning) {
            m_daemon->kill();
            m_daemon->waitForFinished(WaitMs);
        }
    }

    void version()
    {
        const Run r = run({u"--version"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, u"0.1.0\n"_s);
    }

    void commandLineErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown option") << QStringList{u"--frobnicate"_s} << u"frobnicate"_s;
        QTest::newRow("unknown command") << QStringList{u"--config"_s, u"%CONFIG%"_s, u"explode"_s} << u"explode"_s;
        QTest::newRow("missing config") << QStringList{u"--config"_s, u"/nonexistent/parleyd.conf"_s, u"fingerprint"_s}
                                        << u"/nonexistent/parleyd.conf"_s;
        QTest::newRow("enroll without user") << QStringList{u"--config"_s, u"%CONFIG%"_s, u"enroll"_s} << u"enroll"_s;
        QTest::newRow("enroll bad user") << QStringList{u"--config"_s, u"%CONFIG%"_s, u"enroll"_s, u"Bad User"_s} << u"Bad User"_s;
        QTest::newRow("valid-hours zero") << QStringList{u"--config"_s, u"%CONFIG%"_s, u"enroll"_s, u"kim"_s, u"--valid-hours"_s, u"0"_s}
                                          << u"valid-hours"_s;
        QTest::newRow("valid-hours elsewhere") << QStringList{u"--config"_s, u"%CONFIG%"_s, u"fingerprint"_s, u"--valid-hours"_s, u"5"_s}
                                               << u"valid-hours"_s;
        QTest::newRow("bad config value") << QStringList{u"--config"_s, u"%BADCONFIG%"_s, u"fingerprint"_s} << u"limits/send_burst"_s;
    }

    void commandLineErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const QString bad = writeConfig(u"bad.conf"_s, "[limits]\nsend_burst=lots\n");
        for (QString &a : args) {
            a.replace(u"%CONFIG%"_s, m_config);
            a.replace(u"%BADCONFIG%"_s, bad);
        }
        const Run r = run(args);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count(u'\n'), 0);   // one line
    }

    void fingerprintAndEnroll()
    {
        const Run fp = run({u"--config"_s, m_config, u"fingerprint"_s});
        QCOMPARE(fp.exitCode, 0);
        QVERIFY(QRegularExpression(u"^[0-9a-f]{64}$"_s).match(fp.lastLine()).hasMatch());
        QFile cert(certificateFile());
        QVERIFY(cert.open(QIODevice::ReadOnly));
        const QSslCertificate c(cert.readAll());
        QCOMPARE(fp.lastLine(), QString::fromLatin1(QCryptographicHash::hash(c.toDer(), QCryptographicHash::Sha256).toHex()));
        QCOMPARE(QFile::permissions(m_dir.filePath(u"data/tls/server.key"_s)) & (QFile::ReadGroup | QFile::ReadOther),
                 QFileDevice::Permissions());
        m_fingerprint = fp.lastLine();

        // Same certificate the second time.
        QCOMPARE(run({u"--config"_s, m_config, u"fingerprint"_s}).lastLine(), m_fingerprint);

        const Run code = run({u"--config"_s, m_config, u"enroll"_s, u"kim"_s, u"--valid-hours"_s, u"2"_s});
        QCOMPARE(code.exitCode, 0);
        QVERIFY(code.lastLine().size() >= 8);
        const Run other = run({u"--config"_s, m_config, u"enroll"_s, u"kim"_s});
        QCOMPARE(other.exitCode, 0);
        QVERIFY(other.lastLine() != code.lastLine());
    }

private:
    // Starts the daemon and returns its first four output lines.
    QStringList startDaemon()
    {
        m_daemon = std::make_unique<QProcess>();
        m_daemon->start(Parleyd, {u"--config"_s, m_config});
        if (!m_daemon->waitForStarted(WaitMs))
            return {};
        QStringList lines;
        QElapsedTimer timer;
        timer.start();
        while (lines.size() < 4 && m_daemon->state() != QProcess::NotRunning && timer.elapsed() < WaitMs) {
            m_daemon->waitForReadyRead(100);
            while (m_daemon->canReadLine())
                lines.append(QString::fromUtf8(m_daemon->readLine()).trimmed());
        }
        const auto url = QRegularExpression(u"^listen (wss://127\\.0\\.0\\.1:(\\d+)/)$"_s).match(lines.value(1));
        m_url = url.captured(1);
        m_port = quint16(url.captured(2).toUInt());
        return lines;
    }

    QString enrollCode(const QString &user)
    {
        const Run r = run({u"--config"_s, m_config, u"enroll"_s, user});
        return r.exitCode == 0 ? r.lastLine() : QString();
    }

private Q_SLOTS:
    void daemonStarts()
    {
        const QStringList lines = startDaemon();
        QVERIFY2(lines.size() >= 4, qPrintable(QString::fromUtf8(m_daemon->readAllStandardError())));
        QCOMPARE(lines.at(0), u"parleyd 0.1.0"_s);
        QVERIFY2(m_port != 0, qPrintable(lines.at(1)));
        QCOMPARE(lines.at(1), u"listen wss://127.0.0.1:%1/"_s.arg(m_port));
        QCOMPARE(lines.at(2), u"data_dir "_s + m_dir.filePath(u"data"_s));
        QCOMPARE(lines.at(3), u"fingerprint "_s + m_fingerprint);

        TestClient client(certificateFile());
        QVERIFY(client.open(m_url, WaitMs));
        // Enrolling while the daemon runs (same database file).
        const Run code = run({u"--config"_s, m_config, u"enroll"_s, u"lee"_s});
        QCOMPARE(code.exitCode, 0);
        client.send(parley::protocol::Frame(u"enroll_info"_s, 1).set("user"_L1, u"lee"_s).set("code"_L1, code.lastLine()));
        const auto info = client.reply(1, WaitMs);
        QVERIFY(info);
        QCOMPARE(info->type, u"enroll_info_ok"_s);
    }

    void tlsPolicy_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("cipher");
        const QStringList tls12{u"-tls1_2"_s, u"-cipher"_s};
        for (const QString &c : {u"ECDHE-ECDSA-AES128-GCM-SHA256"_s, u"ECDHE-ECDSA-AES256-GCM-SHA384"_s})
            QTest::newRow(qPrintable(c)) << tls12 + QStringList{c} << true << c;
        for (const QString &c : {u"ECDHE-ECDSA-AES128-SHA256"_s, u"ECDHE-ECDSA-AES256-SHA"_s, u"ECDHE-ECDSA-CHACHA20-POLY1305"_s,
                                 u"AES128-GCM-SHA256"_s, u"ECDHE-ECDSA-AES128-CCM"_s})
            QTest::newRow(qPrintable(c)) << tls12 + QStringList{c} << false << QString();
        for (const QString &c : {u"TLS_AES_128_GCM_SHA256"_s, u"TLS_AES_256_GCM_SHA384"_s, u"TLS_CHACHA20_POLY1305_SHA256"_s})
            QTest::newRow(qPrintable(c)) << QStringList{u"-tls1_3"_s, u"-ciphersuites"_s, c} << true << c;
        QTest::newRow("TLS 1.3 CCM") << QStringList{u"-tls1_3"_s, u"-ciphersuites"_s, u"TLS_AES_128_CCM_SHA256"_s} << false << QString();
        // The client is told to allow old protocols, so a failure is the server's refusal.
        QTest::newRow("TLS 1.1") << QStringList{u"-tls1_1"_s, u"-cipher"_s, u"DEFAULT@SECLEVEL=0"_s} << false << QString();
        QTest::newRow("TLS 1.0") << QStringList{u"-tls1"_s, u"-cipher"_s, u"DEFAULT@SECLEVEL=0"_s} << false << QString();
    }

    void tlsPolicy()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, accepted);
        QFETCH(QString, cipher);
        QVERIFY2(m_port != 0, "the daemon is not running");
        QVERIFY2(QFile::exists(OpenSsl), qPrintable(OpenSsl));
        QProcess s;
        s.start(OpenSsl, QStringList{u"s_client"_s, u"-connect"_s, u"127.0.0.1:%1"_s.arg(m_port), u"-CAfile"_s,
                                     certificateFile(), u"-servername"_s, u"localhost"_s}
                             + args);
        QVERIFY(s.waitForStarted(WaitMs));
        s.closeWriteChannel();   // end of input: s_client quits after the handshake
        QVERIFY(s.waitForFinished(WaitMs));
        const QString out = QString::fromUtf8(s.readAllStandardOutput());
        const auto negotiated = QRegularExpression(u"Cipher is (\\S+)"_s).match(out);
        QVERIFY2(negotiated.hasMatch(), qPrintable(out + QString::fromUtf8(s.readAllStandardError())));
        if (accepted) {
            QCOMPARE(negotiated.captured(1), cipher);
            QVERIFY(out.contains(u"Verify return code: 0 (ok)"_s));
        } else {
            QCOMPARE(negotiated.captured(1), u"(NONE)"_s);
        }
    }

    void sigtermStopsCleanly()
    {
        QVERIFY2(m_daemon && m_daemon->state() == QProcess::Running, "the daemon is not running");
        TestClient client(certificateFile());
        QVERIFY(client.open(m_url, WaitMs));
        m_daemon->terminate();   // SIGTERM
        QVERIFY(client.waitClosed(WaitMs));
        QCOMPARE(client.closeCode(), 1001);
        QVERIFY(m_daemon->state() == QProcess::NotRunning || m_daemon->waitForFinished(WaitMs));
        QCOMPARE(m_daemon->exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_daemon->exitCode(), 0);
    }

    // `accepted` means committed: a SIGKILL right after it loses nothing.
    void killLosesNothingAccepted()
    {
        using parley::protocol::Frame;
        using parley::testing::TestDevice;
        QVERIFY(startDaemon().size() >= 4);
        TestDevice pam = TestDevice::create(u"pam"_s);
        TestDevice quin = TestDevice::create(u"quin"_s);
        for (TestDevice *d : {&pam, &quin}) {
            TestClient c(certificateFile());
            QVERIFY(c.open(m_url, WaitMs));
            c.send(d->enrollFrame(1, enrollCode(d->user)));
            const auto enrolled = c.reply(1, WaitMs);
            QVERIFY(enrolled && enrolled->type == u"enrolled"_s);
            d->number = quint32(enrolled->uint("device"_L1));
        }
        TestClient sender(certificateFile());
        QVERIFY(sender.open(m_url, WaitMs));
        sender.send(pam.loginFrame(1, sender.hello().bytes("ch"_L1)));
        QCOMPARE(sender.reply(1, WaitMs)->type, u"welcome"_s);

        constexpr int Count = 40;
        const QByteArray eph = parley::crypto::EcKey::generate().value().publicPoint();
        QSet<QByteArray> mids;
        for (int i = 0; i < Count; ++i) {
            const QByteArray mid = parley::crypto::randomBytes(16);
            mids.insert(mid);
            const quint64 at = quint64(QDateTime::currentMSecsSinceEpoch());
            const QByteArray pl = parley::crypto::randomBytes(64);
            const QByteArray kc = parley::crypto::randomBytes(32);
            const parley::protocol::MessageCore core{pam.user, pam.number, mid, {u"quin"_s}, at, pl, kc, {}};
            QCborMap key{{u"user"_s, quin.user}, {u"device"_s, qint64(quin.number)}, {u"kid"_s, 1}, {u"eph"_s, eph},
                         {u"wk"_s, parley::crypto::randomBytes(48)}};
            Frame f(u"send"_s, quint64(10 + i));
            f.set("mid"_L1, mid).set("to"_L1, QCborArray{u"quin"_s}).set("at"_L1, qint64(at)).set("pl"_L1, pl);
            f.set("kc"_L1, kc).set("opts"_L1, QCborMap()).set("keys"_L1, QCborArray{key});
            f.set("sig"_L1, pam.key.sign(core.encode()).value());
            sender.send(f);
        }
        for (int i = 0; i < Count; ++i) {
            const auto accepted = sender.reply(quint64(10 + i), WaitMs);
            QVERIFY(accepted);
            QCOMPARE(accepted->type, u"accepted"_s);
        }
        m_daemon->kill();   // SIGKILL
        QVERIFY(m_daemon->waitForFinished(WaitMs));

        QVERIFY(startDaemon().size() >= 4);
        TestClient receiver(certificateFile());
        QVERIFY(receiver.open(m_url, WaitMs));
        receiver.send(quin.loginFrame(1, receiver.hello().bytes("ch"_L1)));
        const auto welcome = receiver.reply(1, WaitMs);
        QVERIFY(welcome);
        QCOMPARE(welcome->type, u"welcome"_s);
        QCOMPARE(welcome->uint("queued"_L1), quint64(Count));
        for (int i = 0; i < Count; ++i) {
            const auto msg = receiver.next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(mids.remove(msg->bytes("mid"_L1)));
        }
        QVERIFY(receiver.next(u"synced"_s, WaitMs));
        m_daemon->terminate();
        QVERIFY(m_daemon->waitForFinished(WaitMs));
        QCOMPARE(m_daemon->exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Parleyd)
#include "tst_parleyd.moc"
