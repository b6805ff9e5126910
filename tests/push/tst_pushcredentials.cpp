// Push credentials through the admin API, end to end: a real parleyd child process whose boot configuration names no
// push credentials; the test uploads, replaces and breaks them over the admin API (TLS, the admin client parleyctl
// uses) and checks the wake-ups that reach the loopback receiver behind nghttpx, signed with the uploaded keys. The
// managed proxy, clearing a provider and parleyctl run in tst_pushproxy.

#include "pushadminfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using namespace parley::pushtest;

class tst_PushCredentials : public PushAdminTest {
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
    void unusableStoredKeyIsSkippedAtStart();
    void secretsNeverShownOrLogged();
};

void tst_PushCredentials::initTestCase()
{
    startServices();
}

void tst_PushCredentials::cleanupTestCase()
{
    stopServices();
}

void tst_PushCredentials::nothingConfiguredAtFirst()
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

void tst_PushCredentials::refusesInvalidUploads_data()
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

void tst_PushCredentials::refusesInvalidUploads()
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

void tst_PushCredentials::apnsCredentialsSetAndUsed()
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

void tst_PushCredentials::fcmCredentialsSetAndUsed()
{
    const auto reply = call(u"push.set_fcm"_s, fcmArgs());
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

void tst_PushCredentials::webPushKeyGivenOrGenerated()
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

void tst_PushCredentials::replacedKeySignsPendingWakeUps()
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

void tst_PushCredentials::unusableStoredKeyIsSkippedAtStart()
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
    const auto reply = call(u"push.set_webpush"_s, webPushArgs(*fresh));
    QVERIFY2(reply.ok, qPrintable(reply.message));
    QCOMPARE(reply.result.value("configured"_L1).toBool(), true);
    QVERIFY(!QFile::exists(file));
    m_receiver.vapidKey = *fresh;
    QVERIFY(!m_alice->sendAndWait({u"dave"_s}, u"back again"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(u"dave-sub"_s).size(), 3, PushWaitMs);
    QVERIFY(m_receiver.forKey(u"dave-sub"_s).last().problems.isEmpty());
}

void tst_PushCredentials::secretsNeverShownOrLogged()
{
    checkSecretsNeverShownOrLogged();
}

QTEST_MAIN(tst_PushCredentials)
#include "tst_pushcredentials.moc"
