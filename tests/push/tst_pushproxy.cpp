// Push settings through the admin API, end to end: a real parleyd child process whose boot configuration names no
// push credentials and no proxy; the test sets the three providers and then the managed proxy (HTTP CONNECT, SOCKS5)
// over the admin API and checks the wake-ups that reach the loopback receiver behind nghttpx through it, across a
// restart; then clearing a provider, and parleyctl's push commands. Uploading and replacing credentials runs in
// tst_pushcredentials.

#include "pushadminfixture.h"
#include "../admin/parleyctlrunner.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using namespace parley::pushtest;

class tst_PushProxy : public PushAdminTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void managedProxyCarriesPushTraffic();
    void survivesARestart();
    void proxyNoneGoesDirect();
    void managedSocks5ProxyCarriesPushTraffic();
    void clearDisablesAProvider();
    void secretsNeverShownOrLogged();
    void parleyctlPushCommands();
};

void tst_PushProxy::initTestCase()
{
    startServices();
    if (QTest::currentTestFailed())
        return;
    // The three providers set as tst_pushcredentials checks it, with the receiver's keys; no proxy yet.
    auto reply = call(u"push.set_apns"_s, apnsArgs(m_receiver.apnsKey));
    QVERIFY2(reply.ok, qPrintable(reply.message));
    reply = call(u"push.set_fcm"_s, fcmArgs());
    QVERIFY2(reply.ok, qPrintable(reply.message));
    reply = call(u"push.set_webpush"_s, webPushArgs(m_receiver.vapidKey));
    QVERIFY2(reply.ok, qPrintable(reply.message));
}

void tst_PushProxy::cleanupTestCase()
{
    stopServices();
}

void tst_PushProxy::managedProxyCarriesPushTraffic()
{
    QVERIFY(m_proxy.targets.isEmpty());   // so far direct
    auto reply = call(u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"127.0.0.1"_s}, {u"port"_s, m_proxy.port()},
                                       {u"user"_s, u"pushproxy"_s}, {u"password"_s, ProxyPassword}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    const QString token = randomHexToken();
    auto frank = offlineDevice(u"frank"_s, apnsRegistration(token));
    QVERIFY(frank);
    QVERIFY(!m_alice->sendAndWait({u"frank"_s}, u"via the proxy"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QCOMPARE(m_receiver.forKey(token).first().status, 200);
    QVERIFY(m_proxy.targets.contains(u"127.0.0.1:%1"_s.arg(m_front.port())));
    for (const QString &target : std::as_const(m_proxy.targets))
        QCOMPARE(target, u"127.0.0.1:%1"_s.arg(m_front.port()));
}

void tst_PushProxy::survivesARestart()
{
    const QCborMap apns = provider(u"apns"_s);
    const QCborMap fcm = provider(u"fcm"_s);
    const QCborMap webPush = provider(u"webpush"_s);
    m_alice->close();
    QVERIFY(m_daemon->terminate());
    m_proxy.targets.clear();
    QVERIFY(m_daemon->start());
    QVERIFY(login());
    QCOMPARE(provider(u"apns"_s), apns);
    QCOMPARE(provider(u"fcm"_s), fcm);
    QCOMPARE(provider(u"webpush"_s), webPush);
    QVERIFY(m_alice->connectNow());

    // The stored credentials sign, and the stored proxy carries, the first wake-up after the start.
    const QString token = randomHexToken();
    auto gina = offlineDevice(u"gina"_s, apnsRegistration(token));
    QVERIFY(gina);
    QVERIFY(!m_alice->sendAndWait({u"gina"_s}, u"after the restart"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QVERIFY(m_receiver.forKey(token).first().problems.isEmpty());
    QCOMPARE(m_receiver.forKey(token).first().status, 200);
    QVERIFY(m_proxy.targets.contains(u"127.0.0.1:%1"_s.arg(m_front.port())));
}

void tst_PushProxy::proxyNoneGoesDirect()
{
    const auto reply = call(u"proxy.set"_s, {{u"type"_s, u"none"_s}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    m_proxy.targets.clear();
    const QString token = randomHexToken();
    auto hank = offlineDevice(u"hank"_s, apnsRegistration(token));
    QVERIFY(hank);
    QVERIFY(!m_alice->sendAndWait({u"hank"_s}, u"direct again"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QCOMPARE(m_receiver.forKey(token).first().status, 200);
    QVERIFY(m_proxy.targets.isEmpty());
}

void tst_PushProxy::managedSocks5ProxyCarriesPushTraffic()
{
    // A real SOCKS5 server: Dante (Debian package dante-server), logging every connection it makes.
    const QString danted = QStandardPaths::findExecutable(u"danted"_s, {u"/usr/sbin"_s, u"/usr/local/sbin"_s});
    QVERIFY2(!danted.isEmpty(), "danted (Debian package dante-server, installed by scripts/deps.sh) must be installed");
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const QString log = m_dir.filePath(u"danted.log"_s);
    const QString conf = m_dir.filePath(u"danted.conf"_s);
    QVERIFY(writePrivate(conf, u"logoutput: %1\ninternal: 127.0.0.1 port = %2\nexternal: 127.0.0.1\n"
                               "socksmethod: none\nclientmethod: none\n"
                               "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }\n"
                               "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }\n"_s.arg(log).arg(port).toUtf8()));
    QProcess dante;
    dante.setProcessChannelMode(QProcess::MergedChannels);
    dante.start(danted, {u"-f"_s, conf, u"-N"_s, u"1"_s, u"-p"_s, m_dir.filePath(u"danted.pid"_s)});
    QVERIFY2(dante.waitForStarted(WaitMs), qPrintable(u"danted did not start: "_s + dante.errorString()));
    const auto listening = [port] {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(200);
    };
    // Either it listens or it gave up (a configuration it refuses, a port taken): the latter says why.
    const bool ready = QTest::qWaitFor([&] { return dante.state() != QProcess::Running || listening(); }, WaitMs);
    const auto output = [&] { return QString::fromLocal8Bit(dante.readAll() + Daemon::readFile(log)).trimmed(); };
    QVERIFY2(dante.state() == QProcess::Running, qPrintable(u"danted exited with code %1: %2"_s.arg(dante.exitCode()).arg(output())));
    QVERIFY2(ready, qPrintable(u"danted does not listen on port %1: %2"_s.arg(port).arg(output())));

    auto reply = call(u"proxy.set"_s, {{u"type"_s, u"socks5"_s}, {u"host"_s, u"127.0.0.1"_s}, {u"port"_s, port}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    const QString token = randomHexToken();
    auto judy = offlineDevice(u"judy"_s, apnsRegistration(token));
    QVERIFY(judy);
    QVERIFY(!m_alice->sendAndWait({u"judy"_s}, u"through socks"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QCOMPARE(m_receiver.forKey(token).first().status, 200);
    // "pass(1): tcp/connect [: CLIENT PROXY -> PROXY-OUT TARGET", with addresses written as ADDRESS.PORT
    const QByteArray target = " 127.0.0.1." + QByteArray::number(m_front.port());
    auto tunnelled = [&] {
        for (const QByteArray &line : Daemon::readFile(log).split('\n')) {
            if (line.contains("tcp/connect") && line.trimmed().endsWith(target))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(tunnelled(), WaitMs);

    reply = call(u"proxy.set"_s, {{u"type"_s, u"none"_s}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    dante.terminate();
    if (!dante.waitForFinished(5000)) {
        dante.kill();
        dante.waitForFinished(5000);
    }
}

void tst_PushProxy::clearDisablesAProvider()
{
    // A device registered while APNs was on; its wake-ups have nowhere to go once the credentials are cleared.
    const QString token = randomHexToken();
    auto ivan = offlineDevice(u"ivan"_s, apnsRegistration(token));
    QVERIFY(ivan);
    const QString file = secretFile(u"apns"_s);
    QVERIFY(!file.isEmpty());
    const auto reply = call(u"push.clear"_s, {{u"provider"_s, u"apns"_s}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("configured"_L1).toBool(), false);
    QCOMPARE(reply.result.value("source"_L1).toString(), QString());
    QCOMPARE(reply.result.value("key_id"_L1).toString(), QString());
    QVERIFY(!QFile::exists(file));
    QCOMPARE(provider(u"fcm"_s).value("configured"_L1).toBool(), true);   // the others stay

    QVERIFY(!m_alice->sendAndWait({u"ivan"_s}, u"nobody wakes ivan"_s).isEmpty());
    QTest::qWait(1500);   // well past the coalescing delay
    QCOMPARE(m_receiver.forKey(token).size(), 0);
    Device late(*m_daemon, u"late"_s);
    QVERIFY(late.enroll());
    QVERIFY(!pushtest::registerPush(late, apnsRegistration(randomHexToken())));
}

void tst_PushProxy::secretsNeverShownOrLogged()
{
    checkSecretsNeverShownOrLogged();
}

void tst_PushProxy::parleyctlPushCommands()
{
    const ParleyctlRunner home;
    QVERIFY(home.isValid());
    QString last;
    for (auto it = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s).globalMatch(QString::fromUtf8(Daemon::readFile(m_daemon->stdoutFile()))); it.hasNext();)
        last = it.next().captured(1);
    QVERIFY(!last.isEmpty());
    const QString passFile = home.filePath(u"pass"_s);
    QVERIFY(writePrivate(passFile, AdminPassword.toUtf8() + '\n'));
    auto ctl = [&home](const QStringList &args, int expectedExit) -> QByteArray {
        QByteArray out, err;
        const int code = home.run(args, &out, &err);
        if (code != expectedExit) {
            qWarning().noquote() << args << code << err;
            return QByteArray("FAILED");
        }
        return out + err;
    };
    QVERIFY(!ctl({u"--server"_s, last, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                  u"--password-file"_s, passFile}, 0).contains("FAILED"));

    auto key = crypto::P256Key::generate();
    QVERIFY(key);
    const QString keyFile = home.filePath(u"AuthKey.p8"_s);
    QVERIFY(writePrivate(keyFile, key->privatePem()->view()));
    m_secrets << pemBody(key->privatePem()->view());
    QByteArray out = ctl({u"push"_s, u"apns"_s, u"--key"_s, keyFile, u"--key-id"_s, u"ABCDE12345"_s, u"--team-id"_s,
                          u"FGHIJ67890"_s, u"--endpoint"_s, url()}, 0);
    QVERIFY2(out.contains("ABCDE12345") && out.contains("admin"), out.constData());
    out = ctl({u"push"_s, u"show"_s, u"--json"_s}, 0);
    const QJsonObject shown = QJsonDocument::fromJson(out).object();
    QCOMPARE(shown.value(u"providers"_s).toObject().value(u"apns"_s).toObject().value(u"team_id"_s).toString(), u"FGHIJ67890"_s);
    for (const QByteArray &line : pemBody(key->privatePem()->view()))
        QVERIFY(!out.contains(line));
    // Bad input: the server's clear message, exit code 2.
    QVERIFY(ctl({u"push"_s, u"apns"_s, u"--key"_s, keyFile, u"--key-id"_s, u"SHORT"_s, u"--team-id"_s, u"FGHIJ67890"_s}, 2)
                .contains("key_id"));
    QVERIFY(!ctl({u"push"_s, u"webpush"_s, u"--subject"_s, u"mailto:ops@example.org"_s, u"generate"_s}, 0).contains("FAILED"));
    QVERIFY(!ctl({u"push"_s, u"clear"_s, u"apns"_s}, 0).contains("FAILED"));
    QCOMPARE(provider(u"apns"_s).value("configured"_L1).toBool(), false);
}

QTEST_MAIN(tst_PushProxy)
#include "tst_pushproxy.moc"
