// Push settings through the admin API, end to end: a real parleyd child process whose boot configuration names no
// push credentials and no proxy; the test sets them over the admin API (TLS, the admin client parleyctl uses) and
// checks the wake-ups that reach the loopback receiver behind nghttpx, signed with the uploaded keys and routed
// through the managed proxy.

#include "../e2e/harness.h"
#include "../admin/syncadminclient.h"
#include "connectproxy.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "frontend.h"
#include "protocol/adminprotocol.h"
#include "../admin/parleyctlrunner.h"
#include "pushdevice.h"
#include "pushreceiver.h"

#include <QCborArray>
#include <QCborValue>
#include <QDirIterator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using namespace parley::pushtest;
using pushtest::PushReceiver;
namespace proto = parley::protocol::admin;

namespace {

constexpr int PushWaitMs = 30000;
const QString AdminPassword = u"Push settings passphrase 31"_s;
const QString ProxyPassword = u"proxy-secret-Xq7Zr2"_s;

// The base64 lines of a PEM block: what must never show up anywhere but in the key file.
QList<QByteArray> pemBody(QByteArrayView pem)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : pem.toByteArray().split('\n')) {
        if (!line.isEmpty() && !line.startsWith("-----"))
            lines << line.trimmed();
    }
    return lines;
}

int mode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

QString b64url(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

class tst_PushAdmin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void nothingConfiguredAtFirst();
    void refusesInvalidUploads_data();
    void refusesInvalidUploads();
    void apnsCredentialsSetAndUsed();
    void fcmCredentialsSetAndUsed();
    void webPushKeyGivenOrGenerated();
    void replacedKeySignsPendingWakeUps();
    void managedProxyCarriesPushTraffic();
    void survivesARestart();
    void proxyNoneGoesDirect();
    void managedSocks5ProxyCarriesPushTraffic();
    void unusableStoredKeyIsSkippedAtStart();
    void clearDisablesAProvider();
    void secretsNeverShownOrLogged();
    void parleyctlPushCommands();

private:
    bool login();
    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {});
    QString url(const QString &path = {}) const { return u"https://127.0.0.1:%1%2"_s.arg(m_front.port()).arg(path); }
    QCborMap provider(const QString &name);
    std::unique_ptr<Device> offlineDevice(const QString &user, const protocol::Frame &registration)
    {
        return pushtest::offlineDevice(*m_daemon, user, registration);
    }
    protocol::Frame apnsRegistration(const QString &token);
    protocol::Frame webPushRegistration(const QString &id);
    QCborMap apnsArgs(const crypto::P256Key &key);
    QByteArray daemonRecords() const;
    QString secretFile(const QString &prefix) const;

    QTemporaryDir m_dir;
    PushReceiver m_receiver;
    pushtest::ConnectProxy m_proxy;
    pushtest::FrontEnd m_front;
    std::unique_ptr<Daemon> m_daemon;
    std::unique_ptr<SyncAdminClient> m_client;
    QString m_token;
    std::unique_ptr<Device> m_alice;
    QByteArray m_serviceAccount;
    QList<QByteArray> m_secrets;     // key material that may live in the key files only
};

bool tst_PushAdmin::login()
{
    const QByteArray out = Daemon::readFile(m_daemon->stdoutFile());
    const auto matches = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s).globalMatch(QString::fromUtf8(out));
    QString address;
    for (auto it = matches; it.hasNext();)
        address = it.next().captured(1);
    if (address.isEmpty())
        return false;
    m_client = std::make_unique<SyncAdminClient>(address, m_daemon->fingerprint());
    if (Status s = m_client->connectToServer(WaitMs); !s) {
        qWarning() << "admin connect:" << s.error().message;
        return false;
    }
    if (!m_token.isEmpty())
        return call(u"status"_s).ok;   // a token outlives a restart
    const QString initial = QString::fromUtf8(Daemon::readFile(QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s))).trimmed();
    auto reply = m_client->call(u"login"_s, {}, {{u"name"_s, u"admin"_s}, {u"password"_s, initial}}, WaitMs);
    if (!reply.ok)
        return false;
    reply = m_client->call(u"password.change"_s, reply.result.value("token"_L1).toString(),
                           {{u"password"_s, initial}, {u"new_password"_s, AdminPassword}}, WaitMs);
    if (!reply.ok)
        return false;
    m_token = reply.result.value("token"_L1).toString();
    return !m_token.isEmpty();
}

SyncAdminClient::Reply tst_PushAdmin::call(const QString &name, const QCborMap &args)
{
    return m_client->call(name, m_token, args, WaitMs);
}

QCborMap tst_PushAdmin::provider(const QString &name)
{
    const auto reply = call(u"push.show"_s);
    if (!reply.ok)
        qWarning() << "push.show:" << reply.error << reply.message;
    return reply.result.value("providers"_L1).toMap().value(name).toMap();
}

protocol::Frame tst_PushAdmin::apnsRegistration(const QString &token)
{
    return protocol::Frame(u"push_register"_s).set("kind"_L1, u"apns"_s).set("token"_L1, token);
}

protocol::Frame tst_PushAdmin::webPushRegistration(const QString &id)
{
    auto key = crypto::P256Key::generate();
    pushtest::Subscription sub{*key, crypto::randomBytes(16)};
    m_receiver.subscriptions.insert(id, sub);
    return protocol::Frame(u"push_register"_s)
        .set("kind"_L1, u"webpush"_s)
        .set("endpoint"_L1, url(u"/wp/"_s + id))
        .set("p256dh"_L1, QCborValue(key->publicPoint()))
        .set("auth"_L1, QCborValue(sub.auth));
}

QCborMap tst_PushAdmin::apnsArgs(const crypto::P256Key &key)
{
    auto pem = key.privatePem();
    m_secrets << pemBody(pem->view());
    return QCborMap{{u"key"_s, QString::fromLatin1(pem->view())}, {u"key_id"_s, m_receiver.apnsKeyId},
                    {u"team_id"_s, m_receiver.apnsTeamId}, {u"topic"_s, m_receiver.apnsTopic}, {u"endpoint"_s, url()}};
}

// Everything the daemon wrote that is not a key file: its output and its database (event log, audit log, settings).
QByteArray tst_PushAdmin::daemonRecords() const
{
    QByteArray all = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
    QDirIterator it(m_daemon->dataDir(), QDir::Files | QDir::Hidden);
    while (it.hasNext())
        all += Daemon::readFile(it.next());
    return all;
}

QString tst_PushAdmin::secretFile(const QString &prefix) const
{
    const QStringList files = QDir(m_daemon->dataDir() + u"/push"_s).entryList({prefix + u"-*"_s}, QDir::Files);
    return files.size() == 1 ? m_daemon->dataDir() + u"/push/"_s + files.first() : QString();
}

void tst_PushAdmin::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto cert = crypto::generateSelfSignedCertificate(u"127.0.0.1"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, 2);
    QVERIFY(cert);
    QVERIFY(writePrivate(m_dir.filePath(u"front.key"_s), cert->privateKeyPem.view()));
    QVERIFY(writePrivate(m_dir.filePath(u"front.crt"_s), cert->certificatePem));

    QVERIFY(m_receiver.generateProviderKeys());
    QVERIFY(m_receiver.listen());
    QVERIFY(m_proxy.listen());
    QVERIFY2(m_front.start(m_dir.path(), m_receiver.port()), "nghttpx (Debian package nghttp2-proxy) must be installed");
    m_receiver.tokenAudience = url(u"/token"_s);
    m_receiver.webPushOrigin = url();
    auto fcmPem = m_receiver.fcmKey.privatePem();
    QVERIFY(fcmPem);
    m_secrets << pemBody(fcmPem->view());
    m_serviceAccount = QJsonDocument(QJsonObject{
        {u"type"_s, u"service_account"_s},
        {u"project_id"_s, m_receiver.fcmProject},
        {u"private_key_id"_s, u"0123456789abcdef"_s},
        {u"private_key"_s, QString::fromLatin1(fcmPem->view())},
        {u"client_email"_s, m_receiver.fcmClientEmail},
        {u"token_uri"_s, u"https://oauth2.googleapis.com/token"_s},
    }).toJson();

    // No credentials and no proxy in the boot configuration: the queue's settings and the test CA only.
    m_daemon = std::make_unique<Daemon>(u"[push]\nca_file=%1\ncoalesce_ms=200\nmin_interval_seconds=0\nretry_base_ms=200\n"
                                        "retry_max_ms=400\ndead_after_seconds=600\nwebpush_allow_private_endpoints=true\n\n"_s
                                            .arg(m_dir.filePath(u"front.crt"_s)));
    QVERIFY(m_daemon->start());
    QVERIFY(login());
    m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
    QVERIFY(m_alice->enroll());
}

void tst_PushAdmin::cleanupTestCase()
{
    m_alice.reset();
    m_client.reset();
    m_daemon.reset();
    m_front.stop();
}

void tst_PushAdmin::nothingConfiguredAtFirst()
{
    const auto reply = call(u"push.show"_s);
    QVERIFY2(reply.ok, qPrintable(reply.message));
    const QCborMap providers = reply.result.value("providers"_L1).toMap();
    QCOMPARE(providers.size(), 3);
    for (const QString &name : {u"apns"_s, u"fcm"_s, u"webpush"_s}) {
        const QCborMap p = providers.value(name).toMap();
        QVERIFY(p.contains("configured"_L1));
        QCOMPARE(p.value("configured"_L1).toBool(), false);
        QCOMPARE(p.value("source"_L1).toString(), QString());
    }
    QCOMPARE(reply.result.value("pending"_L1).toInteger(), 0);
    QCOMPARE(reply.result.value("dead"_L1).toInteger(), 0);
    // Devices cannot register for a provider that is off.
    Device probe(*m_daemon, u"probe"_s);
    QVERIFY(probe.enroll());
    QVERIFY(!pushtest::registerPush(probe, apnsRegistration(randomHexToken())));
}

void tst_PushAdmin::refusesInvalidUploads_data()
{
    QTest::addColumn<QString>("callName");
    QTest::addColumn<QCborMap>("args");
    QTest::addColumn<QString>("message");

    auto p256 = crypto::P256Key::generate();
    auto rsa = crypto::RsaKey::generate(2048);
    QVERIFY(p256 && rsa);
    const QString ecPem = QString::fromLatin1(p256->privatePem()->view());
    const QString rsaPem = QString::fromLatin1(rsa->privatePem()->view());
    QProcess openssl;
    openssl.start(u"openssl"_s, {u"genpkey"_s, u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-384"_s});
    QVERIFY(openssl.waitForFinished(WaitMs) && openssl.exitCode() == 0);
    const QString p384Pem = QString::fromLatin1(openssl.readAllStandardOutput());
    QVERIFY(p384Pem.contains(u"PRIVATE KEY"_s));

    auto apns = [&](const QString &key, const QString &keyId, const QString &teamId, const QString &endpoint = {}) {
        QCborMap m{{u"key"_s, key}, {u"key_id"_s, keyId}, {u"team_id"_s, teamId}};
        if (!endpoint.isEmpty())
            m.insert(u"endpoint"_s, endpoint);
        return m;
    };
    QTest::newRow("apns rsa key") << u"push.set_apns"_s << apns(rsaPem, u"KEY1234567"_s, u"TEAM123456"_s)
                                  << u"key: not a PEM EC private key"_s;
    QTest::newRow("apns P-384 key") << u"push.set_apns"_s << apns(p384Pem, u"KEY1234567"_s, u"TEAM123456"_s)
                                    << u"key: the private key is not on P-256"_s;
    QTest::newRow("apns not a key") << u"push.set_apns"_s << apns(u"hello"_s, u"KEY1234567"_s, u"TEAM123456"_s)
                                    << u"key: not a PEM EC private key"_s;
    QTest::newRow("apns short key id") << u"push.set_apns"_s << apns(ecPem, u"KEY123"_s, u"TEAM123456"_s) << u"key_id:"_s;
    QTest::newRow("apns long team id") << u"push.set_apns"_s << apns(ecPem, u"KEY1234567"_s, u"TEAM1234567"_s) << u"team_id:"_s;
    QTest::newRow("apns http endpoint") << u"push.set_apns"_s
                                        << apns(ecPem, u"KEY1234567"_s, u"TEAM123456"_s, u"http://127.0.0.1:1"_s)
                                        << u"endpoint: expected an https URL"_s;
    QTest::newRow("apns malformed endpoint") << u"push.set_apns"_s
                                             << apns(ecPem, u"KEY1234567"_s, u"TEAM123456"_s, u"https://"_s)
                                             << u"endpoint: expected an https URL"_s;

    const QJsonObject good = QJsonDocument::fromJson(m_serviceAccount).object();
    auto fcm = [](const QJsonObject &o) {
        return QCborMap{{u"service_account"_s, QString::fromUtf8(QJsonDocument(o).toJson())}};
    };
    QJsonObject noEmail = good;
    noEmail.remove(u"client_email"_s);
    QJsonObject wrongType = good;
    wrongType.insert(u"type"_s, u"authorized_user"_s);
    QJsonObject ecKey = good;
    ecKey.insert(u"private_key"_s, ecPem);
    QJsonObject httpToken = good;
    httpToken.insert(u"token_uri"_s, u"http://oauth2.example/token"_s);
    QJsonObject noTokenUri = good;
    noTokenUri.remove(u"token_uri"_s);
    QTest::newRow("fcm not json") << u"push.set_fcm"_s << QCborMap{{u"service_account"_s, u"{not json"_s}}
                                  << u"service_account: not a JSON object"_s;
    QTest::newRow("fcm no client_email") << u"push.set_fcm"_s << fcm(noEmail) << u"client_email"_s;
    QTest::newRow("fcm wrong type") << u"push.set_fcm"_s << fcm(wrongType) << u"service_account"_s;
    QTest::newRow("fcm ec key") << u"push.set_fcm"_s << fcm(ecKey) << u"private_key"_s;
    QTest::newRow("fcm http token_uri") << u"push.set_fcm"_s << fcm(httpToken) << u"token_uri"_s;
    QTest::newRow("fcm no token_uri") << u"push.set_fcm"_s << fcm(noTokenUri) << u"token_uri"_s;
    QCborMap badEndpoint = fcm(good);
    badEndpoint.insert(u"endpoint"_s, u"https://fcm.example/v1?x=1"_s);
    QTest::newRow("fcm endpoint with query") << u"push.set_fcm"_s << badEndpoint << u"endpoint:"_s;

    QTest::newRow("webpush subject") << u"push.set_webpush"_s << QCborMap{{u"subject"_s, u"ops@example.org"_s}} << u"subject:"_s;
    QTest::newRow("webpush rsa key") << u"push.set_webpush"_s
                                     << QCborMap{{u"subject"_s, u"mailto:ops@example.org"_s}, {u"private_key"_s, rsaPem}}
                                     << u"private_key: not a PEM EC private key"_s;
    QTest::newRow("clear unknown") << u"push.clear"_s << QCborMap{{u"provider"_s, u"pigeon"_s}} << u"provider:"_s;
}

void tst_PushAdmin::refusesInvalidUploads()
{
    QFETCH(QString, callName);
    QFETCH(QCborMap, args);
    QFETCH(QString, message);
    const auto reply = call(callName, args);
    QVERIFY(!reply.ok);
    QCOMPARE(reply.error, QString(proto::errors::InvalidArgument));
    QVERIFY2(reply.message.contains(message), qPrintable(reply.message));
    // Nothing was stored, nothing changed.
    QVERIFY(QDir(m_daemon->dataDir() + u"/push"_s).entryList(QDir::Files | QDir::Hidden).isEmpty());
    for (const QString &name : {u"apns"_s, u"fcm"_s, u"webpush"_s})
        QCOMPARE(provider(name).value("configured"_L1).toBool(), false);
}

void tst_PushAdmin::apnsCredentialsSetAndUsed()
{
    const auto reply = call(u"push.set_apns"_s, apnsArgs(m_receiver.apnsKey));
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("configured"_L1).toBool(), true);
    QCOMPARE(reply.result.value("source"_L1).toString(), u"admin"_s);
    QCOMPARE(reply.result.value("key_id"_L1).toString(), m_receiver.apnsKeyId);
    QCOMPARE(reply.result.value("team_id"_L1).toString(), m_receiver.apnsTeamId);
    QCOMPARE(reply.result.value("topic"_L1).toString(), m_receiver.apnsTopic);
    QCOMPARE(reply.result.value("endpoint"_L1).toString(), url());
    QVERIFY(reply.result.value("updated_at"_L1).toInteger() > 0);
    QCOMPARE(provider(u"apns"_s), reply.result);

    // Readable by the service alone.
    const QString file = secretFile(u"apns"_s);
    QVERIFY(!file.isEmpty());
    QCOMPARE(mode(file), 0600);
    QCOMPARE(mode(m_daemon->dataDir() + u"/push"_s), 0700);

    // Without a restart: a wake-up signed with the uploaded key.
    const QString token = randomHexToken();
    auto bob = offlineDevice(u"bob"_s, apnsRegistration(token));
    QVERIFY(bob);
    QVERIFY(!m_alice->sendAndWait({u"bob"_s}, u"hello bob"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    const auto r = m_receiver.forKey(token).first();
    QVERIFY2(r.problems.isEmpty(), qPrintable(r.problems.join(u", "_s)));
    QCOMPARE(r.status, 200);
}

void tst_PushAdmin::fcmCredentialsSetAndUsed()
{
    const auto reply = call(u"push.set_fcm"_s, {{u"service_account"_s, QString::fromUtf8(m_serviceAccount)},
                                                {u"endpoint"_s, url()}, {u"token_endpoint"_s, url(u"/token"_s)}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("configured"_L1).toBool(), true);
    QCOMPARE(reply.result.value("source"_L1).toString(), u"admin"_s);
    QCOMPARE(reply.result.value("project_id"_L1).toString(), m_receiver.fcmProject);
    QCOMPARE(reply.result.value("client_email"_L1).toString(), m_receiver.fcmClientEmail);
    QCOMPARE(reply.result.value("endpoint"_L1).toString(), url());
    const QString file = secretFile(u"fcm"_s);
    QVERIFY(!file.isEmpty());
    QCOMPARE(mode(file), 0600);

    const QString token = u"fcm-"_s + QString::fromLatin1(crypto::randomBytes(12).toHex());
    const int tokenRequests = m_receiver.tokenRequests;
    auto carol = offlineDevice(u"carol"_s, protocol::Frame(u"push_register"_s).set("kind"_L1, u"fcm"_s).set("token"_L1, token));
    QVERIFY(carol);
    QVERIFY(!m_alice->sendAndWait({u"carol"_s}, u"hello carol"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QVERIFY(m_receiver.forKey(token).first().problems.isEmpty());
    QCOMPARE(m_receiver.forKey(token).first().status, 200);
    QVERIFY(m_receiver.tokenRequests > tokenRequests);   // an OAuth assertion signed with the uploaded key
    QVERIFY2(m_receiver.tokenProblems.isEmpty(), qPrintable(m_receiver.tokenProblems.join(u", "_s)));
}

void tst_PushAdmin::webPushKeyGivenOrGenerated()
{
    // A given key: its public half comes back.
    auto pem = m_receiver.vapidKey.privatePem();
    QVERIFY(pem);
    m_secrets << pemBody(pem->view());
    auto reply = call(u"push.set_webpush"_s, {{u"subject"_s, u"mailto:ops@example.org"_s},
                                              {u"private_key"_s, QString::fromLatin1(pem->view())}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("public_key"_L1).toString(), b64url(m_receiver.vapidKey.publicPoint()));
    QCOMPARE(reply.result.value("subject"_L1).toString(), u"mailto:ops@example.org"_s);
    auto dave = offlineDevice(u"dave"_s, webPushRegistration(u"dave-sub"_s));
    QVERIFY(dave);
    QVERIFY(!m_alice->sendAndWait({u"dave"_s}, u"hello dave"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(u"dave-sub"_s).size(), 1, PushWaitMs);
    QVERIFY(m_receiver.forKey(u"dave-sub"_s).first().problems.isEmpty());

    // No key: the server makes one; browsers get its public half from push.show.
    reply = call(u"push.set_webpush"_s, {{u"subject"_s, u"https://example.org/contact"_s}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    const QString generated = reply.result.value("public_key"_L1).toString();
    QVERIFY(!generated.isEmpty());
    QVERIFY(generated != b64url(m_receiver.vapidKey.publicPoint()));
    QCOMPARE(provider(u"webpush"_s).value("public_key"_L1).toString(), generated);
    QCOMPARE(QDir(m_daemon->dataDir() + u"/push"_s).entryList({u"webpush-*"_s}, QDir::Files).size(), 1);   // the old file went
    auto point = QByteArray::fromBase64(generated.toLatin1(), QByteArray::Base64UrlEncoding);
    auto publicKey = crypto::P256Key::fromPublicPoint(point);
    QVERIFY(publicKey);
    m_receiver.vapidKey = *publicKey;
    m_secrets << pemBody(Daemon::readFile(secretFile(u"webpush"_s)));
    QVERIFY(!m_alice->sendAndWait({u"dave"_s}, u"again"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(u"dave-sub"_s).size(), 2, PushWaitMs);
    QVERIFY2(m_receiver.forKey(u"dave-sub"_s).last().problems.isEmpty(),
             qPrintable(m_receiver.forKey(u"dave-sub"_s).last().problems.join(u", "_s)));
}

void tst_PushAdmin::replacedKeySignsPendingWakeUps()
{
    // A wake-up the provider keeps refusing for now stays queued across a key change and goes out with the new key.
    const QString token = randomHexToken();
    m_receiver.fixedStatus.insert(token, 503);
    auto erin = offlineDevice(u"erin"_s, apnsRegistration(token));
    QVERIFY(erin);
    QVERIFY(!m_alice->sendAndWait({u"erin"_s}, u"hello erin"_s).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_receiver.forKey(token).isEmpty(), PushWaitMs);
    QCOMPARE(call(u"push.show"_s).result.value("pending"_L1).toInteger(), 1);

    auto next = crypto::P256Key::generate();
    QVERIFY(next);
    const auto reply = call(u"push.set_apns"_s, apnsArgs(*next));
    QVERIFY2(reply.ok, qPrintable(reply.message));
    m_receiver.apnsKey = *next;
    const qsizetype before = m_receiver.forKey(token).size();
    m_receiver.fixedStatus.remove(token);
    QTRY_VERIFY_WITH_TIMEOUT(m_receiver.forKey(token).size() > before && m_receiver.forKey(token).last().status == 200, PushWaitMs);
    QVERIFY2(m_receiver.forKey(token).last().problems.isEmpty(), qPrintable(m_receiver.forKey(token).last().problems.join(u", "_s)));
    QTRY_COMPARE_WITH_TIMEOUT(call(u"push.show"_s).result.value("pending"_L1).toInteger(), 0, WaitMs);
}

void tst_PushAdmin::managedProxyCarriesPushTraffic()
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

void tst_PushAdmin::survivesARestart()
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

void tst_PushAdmin::proxyNoneGoesDirect()
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

void tst_PushAdmin::managedSocks5ProxyCarriesPushTraffic()
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

void tst_PushAdmin::unusableStoredKeyIsSkippedAtStart()
{
    // A stored key file that went bad while the daemon was down: that provider stays off with a warning, the others
    // start, and an upload brings it back.
    m_alice->close();
    QVERIFY(m_daemon->terminate());
    const QString file = secretFile(u"webpush"_s);
    QVERIFY(!file.isEmpty());
    QVERIFY(writePrivate(file, "not a key any more\n"));
    QVERIFY(m_daemon->start());
    QVERIFY(login());
    QVERIFY(m_alice->connectNow());
    QCOMPARE(provider(u"webpush"_s).value("configured"_L1).toBool(), false);
    QCOMPARE(provider(u"apns"_s).value("configured"_L1).toBool(), true);
    QCOMPARE(provider(u"fcm"_s).value("configured"_L1).toBool(), true);
    QVERIFY((Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile()))
                .contains("webpush push credentials set through the admin API cannot be used"));

    auto fresh = crypto::P256Key::generate();
    QVERIFY(fresh);
    m_secrets << pemBody(fresh->privatePem()->view());
    const auto reply = call(u"push.set_webpush"_s, {{u"subject"_s, u"mailto:ops@example.org"_s},
                                                    {u"private_key"_s, QString::fromLatin1(fresh->privatePem()->view())}});
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("configured"_L1).toBool(), true);
    QVERIFY(!QFile::exists(file));
    m_receiver.vapidKey = *fresh;
    QVERIFY(!m_alice->sendAndWait({u"dave"_s}, u"back again"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(u"dave-sub"_s).size(), 3, PushWaitMs);
    QVERIFY(m_receiver.forKey(u"dave-sub"_s).last().problems.isEmpty());
}

void tst_PushAdmin::clearDisablesAProvider()
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

void tst_PushAdmin::secretsNeverShownOrLogged()
{
    QVERIFY(!m_secrets.isEmpty());
    // Every key file is still in place for FCM and Web Push, 0600; their contents are secrets too.
    for (const QString &prefix : {u"fcm"_s, u"webpush"_s}) {
        const QString file = secretFile(prefix);
        QVERIFY(!file.isEmpty());
        QCOMPARE(mode(file), 0600);
    }
    const QByteArray shown = call(u"push.show"_s).result.toCborValue().toCbor();
    QByteArray events;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const auto reply = call(u"log.show"_s, {{u"limit"_s, 5000}});
        events = reply.result.toCborValue().toCbor();
        // Outcome counts reach the event log (a summary at most every 10 s).
        return events.contains("Push credentials for") && events.contains("push outcomes: sent");
    }(), WaitMs);
    const QByteArray logs = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
    QVERIFY(logs.contains("push outcomes: sent"));
    QVERIFY(!logs.contains(ProxyPassword.toUtf8()));
    QVERIFY(!events.contains(ProxyPassword.toUtf8()));
    const QByteArray records = daemonRecords();   // the logs and the database with the event and audit logs
    for (const QByteArray &line : std::as_const(m_secrets)) {
        QVERIFY2(!shown.contains(line), line.constData());
        QVERIFY2(!records.contains(line), line.constData());
    }
    // The audit log names the calls and providers, nothing else.
    const auto audit = call(u"audit.show"_s, {{u"action"_s, u"push"_s}});
    QVERIFY(audit.ok);
    const QCborArray rows = audit.result.value("records"_L1).toArray();
    QVERIFY(rows.size() >= 4);
    for (const QCborValue &row : rows) {
        const QString target = row.toMap().value("target"_L1).toString();
        QVERIFY2(QStringList({u""_s, u"apns"_s, u"fcm"_s, u"webpush"_s, u"pigeon"_s}).contains(target), qPrintable(target));
    }
}

void tst_PushAdmin::parleyctlPushCommands()
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

QTEST_MAIN(tst_PushAdmin)
#include "tst_pushadmin.moc"
