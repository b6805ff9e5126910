// [push] in the boot configuration and the rules for credential files.

#include "daemon/config.h"
#include "push/pushconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class tst_PushConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void parsesEveryKey();
    void refusesBadValues_data();
    void refusesBadValues();
    void credentialFilePermissions_data();
    void credentialFilePermissions();
    void proxies();
    void webPushEndpoints_data();
    void webPushEndpoints();

private:
    Result<Config> load(const QString &push)
    {
        const QString path = m_dir.filePath(u"parleyd-%1.conf"_s.arg(++m_files));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return makeError(ErrorCode::Io, u"cannot write"_s);
        f.write("[server]\nlisten=127.0.0.1:0\n\n[push]\n" + push.toUtf8());
        f.close();
        return Config::load(path);
    }

    QTemporaryDir m_dir;
    int m_files = 0;
};

void tst_PushConfig::parsesEveryKey()
{
    auto c = load(u"apns_endpoint=https://apns.example:8443\n"
                  "apns_key_file=/etc/parleyd/apns.p8\napns_key_id=KEY\napns_team_id=TEAM\napns_topic=org.example.app\n"
                  "fcm_endpoint=https://fcm.example\nfcm_token_endpoint=https://oauth.example/token\n"
                  "fcm_service_account_file=/etc/parleyd/sa.json\n"
                  "vapid_private_key_file=/etc/parleyd/vapid.pem\nvapid_subject=mailto:ops@example.org\n"
                  "ca_file=/etc/parleyd/ca.pem\nproxy=socks5://proxy.example:1080\n"
                  "coalesce_ms=0\nmin_interval_seconds=5\nretry_base_ms=50\nretry_max_ms=60000\n"
                  "dead_after_seconds=3600\nrequest_timeout_ms=5000\nmax_in_flight=8\ndead_retention_days=2\n"_s);
    QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
    const PushConfig &p = c->push;
    QCOMPARE(p.apnsEndpoint, QUrl(u"https://apns.example:8443"_s));
    QCOMPARE(p.apnsKeyFile, u"/etc/parleyd/apns.p8"_s);
    QCOMPARE(p.apnsTopic, u"org.example.app"_s);
    QCOMPARE(p.fcmTokenEndpoint, QUrl(u"https://oauth.example/token"_s));
    QCOMPARE(p.vapidSubject, u"mailto:ops@example.org"_s);
    QVERIFY(p.proxy);
    QCOMPARE(p.proxy->type(), QNetworkProxy::Socks5Proxy);
    QCOMPARE(p.proxy->port(), quint16(1080));
    QCOMPARE(p.coalesceMs, 0);
    QCOMPARE(p.maxInFlight, 8);
    QVERIFY(p.apnsEnabled() && p.fcmEnabled() && p.webPushEnabled());

    auto none = load(QString());
    QVERIFY(none);
    QVERIFY(!none->push.enabled());
}

void tst_PushConfig::refusesBadValues_data()
{
    QTest::addColumn<QString>("push");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown key") << u"apns_colour=blue\n"_s << u"push/apns_colour"_s;
    QTest::newRow("http endpoint") << u"apns_endpoint=http://apns.example\n"_s << u"push/apns_endpoint"_s;
    QTest::newRow("endpoint with path") << u"fcm_endpoint=https://fcm.example/v1\n"_s << u"push/fcm_endpoint"_s;
    QTest::newRow("relative key file") << u"apns_key_file=apns.p8\n"_s << u"push/apns_key_file"_s;
    QTest::newRow("key without id") << u"apns_key_file=/k.p8\napns_team_id=T\n"_s << u"apns_key_id"_s;
    QTest::newRow("vapid without subject") << u"vapid_private_key_file=/v.pem\n"_s << u"vapid_subject"_s;
    QTest::newRow("bad subject") << u"vapid_subject=ops@example.org\n"_s << u"push/vapid_subject"_s;
    QTest::newRow("bad proxy scheme") << u"proxy=ftp://p.example:21\n"_s << u"push/proxy"_s;
    QTest::newRow("proxy without port") << u"proxy=http://p.example\n"_s << u"push/proxy"_s;
    QTest::newRow("negative coalescing") << u"coalesce_ms=-1\n"_s << u"push/coalesce_ms"_s;
    QTest::newRow("not a number") << u"max_in_flight=many\n"_s << u"push/max_in_flight"_s;
    QTest::newRow("max below base") << u"retry_base_ms=5000\nretry_max_ms=1000\n"_s << u"retry_max_ms"_s;
    QTest::newRow("a list") << u"apns_key_id=A,B\n"_s << u"push/apns_key_id"_s;
}

void tst_PushConfig::refusesBadValues()
{
    QFETCH(QString, push);
    QFETCH(QString, mentions);
    auto c = load(push);
    QVERIFY(!c);
    QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().message));
}

void tst_PushConfig::credentialFilePermissions_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("0600") << 0600 << true;
    QTest::newRow("0400") << 0400 << true;
    QTest::newRow("0640") << 0640 << false;
    QTest::newRow("0604") << 0604 << false;
    QTest::newRow("0620") << 0620 << false;
    QTest::newRow("0644") << 0644 << false;
}

void tst_PushConfig::credentialFilePermissions()
{
    QFETCH(int, mode);
    QFETCH(bool, accepted);
    const QString path = m_dir.filePath(u"key-%1"_s.arg(mode, 0, 8));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("secret");
    f.close();
    QVERIFY(::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0);
    auto read = PushConfig::readPrivateFile(path);
    QCOMPARE(bool(read), accepted);
    if (accepted)
        QCOMPARE(*read, QByteArray("secret"));
    else
        QVERIFY(read.error().message.contains(u"group or others"_s));
    QVERIFY(!PushConfig::readPrivateFile(m_dir.filePath(u"missing"_s)));
    QVERIFY(!PushConfig::readPrivateFile(m_dir.path()));   // a directory
}

void tst_PushConfig::proxies()
{
    auto http = PushConfig::parseProxy(u"http://user:pw@proxy.example:3128"_s);
    QVERIFY(http);
    QCOMPARE(http->type(), QNetworkProxy::HttpProxy);
    QCOMPARE(http->hostName(), u"proxy.example"_s);
    QCOMPARE(http->user(), u"user"_s);
    QCOMPARE(http->password(), u"pw"_s);
    QVERIFY(!PushConfig::parseProxy(u"proxy.example:3128"_s));
    QVERIFY(!PushConfig::parseProxy(u"http://proxy.example:3128/path"_s));
    QVERIFY(!PushConfig::parseProxy(QString()));
}

void tst_PushConfig::webPushEndpoints_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("push service") << u"https://fcm.googleapis.com/fcm/send/abc"_s << true;
    QTest::newRow("public address") << u"https://203.0.113.7/up/1"_s << true;
    QTest::newRow("localhost") << u"https://localhost/x"_s << false;
    QTest::newRow("single label") << u"https://intranet/x"_s << false;
    QTest::newRow("loopback") << u"https://127.0.0.1:8443/x"_s << false;
    QTest::newRow("private 10") << u"https://10.1.2.3/x"_s << false;
    QTest::newRow("private 192.168") << u"https://192.168.1.1/x"_s << false;
    QTest::newRow("link-local") << u"https://169.254.169.254/latest"_s << false;
    QTest::newRow("ipv6 loopback") << u"https://[::1]/x"_s << false;
    QTest::newRow("ipv6 unique local") << u"https://[fd00::1]/x"_s << false;
    QTest::newRow("v4-mapped loopback") << u"https://[::ffff:127.0.0.1]/x"_s << false;
}

void tst_PushConfig::webPushEndpoints()
{
    QFETCH(QString, endpoint);
    QFETCH(bool, allowed);
    PushConfig strict;
    QCOMPARE(bool(strict.checkWebPushEndpoint(QUrl(endpoint))), allowed);
    PushConfig open;
    open.webPushAllowPrivateEndpoints = true;
    QVERIFY(open.checkWebPushEndpoint(QUrl(endpoint)));
}

QTEST_MAIN(tst_PushConfig)
#include "tst_pushconfig.moc"
