// Push wake-ups end to end: a real parleyd child process sends to real HTTP/2 endpoints on loopback (nghttpx
// terminating TLS and HTTP/2 in front of the PushReceiver), for devices of the real SDK and the real CLI.

#include "../e2e/harness.h"
#include "connectproxy.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "frontend.h"
#include "pushdevice.h"
#include "pushreceiver.h"

#include <QDateTime>
#include <QHostAddress>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using namespace parley::pushtest;
using pushtest::PushReceiver;
using pushtest::Received;

namespace {

constexpr int PushWaitMs = 30000;

} // namespace

class tst_Push : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refusesReadableKeyFiles();
    void providersReceiveWellFormedContentFreePushes();
    void coalescesABurstIntoOnePush();
    void retriesWithBackoffAfter503();
    void removesTokensProvidersDisown_data();
    void removesTokensProvidersDisown();
    void deadLettersAPermanentRefusal();
    void deadLettersAfterABoundedTime();
    void pendingPushSurvivesSigkill();
    void noPushForAConnectedDevice();
    void cliRegistersAndRemoves();
    void trafficGoesThroughTheProxy();
    void logsCarryCountsNotTokens();

private:
    bool startFrontEnd();
    QString pushConfig() const;
    std::unique_ptr<Device> offlineDevice(const QString &user, const protocol::Frame &registration)
    {
        return pushtest::offlineDevice(*m_daemon, user, registration);
    }
    protocol::Frame apnsRegistration(const QString &token);
    protocol::Frame webPushRegistration(const QString &id);
    static QVariant inspect(Daemon &daemon, const QString &sql, const QVariantList &values);
    qint64 tokenCount(const QString &user);
    QString queueState(const QString &user, Daemon *daemon = nullptr);
    qint64 pendingDueWithin(const QString &user, qint64 ms);
    bool laterWakeUpArrives(Daemon &daemon, Device &sender, const QString &user);
    QString url(const QString &path = {}) const { return u"https://127.0.0.1:%1%2"_s.arg(m_frontPort).arg(path); }

    QTemporaryDir m_dir;
    PushReceiver m_receiver;
    pushtest::ConnectProxy m_proxy;
    pushtest::FrontEnd m_front;
    quint16 m_frontPort = 0;
    std::unique_ptr<Daemon> m_daemon;
    std::unique_ptr<Device> m_alice;
    QStringList m_tokensSeen;   // every token and endpoint used: none may appear in the logs
};

bool tst_Push::startFrontEnd()
{
    if (!m_front.start(m_dir.path(), m_receiver.port()))
        return false;
    m_frontPort = m_front.port();
    return true;
}

QString tst_Push::pushConfig() const
{
    return u"[push]\n"
           "apns_endpoint=%1\n"
           "apns_key_file=%2\n"
           "apns_key_id=KEY1234567\n"
           "apns_team_id=TEAM123456\n"
           "apns_topic=org.example.parley\n"
           "fcm_endpoint=%1\n"
           "fcm_token_endpoint=%1/token\n"
           "fcm_service_account_file=%3\n"
           "vapid_private_key_file=%4\n"
           "vapid_subject=mailto:ops@example.org\n"
           "ca_file=%5\n"
           "coalesce_ms=300\n"
           "min_interval_seconds=3600\n"
           "retry_base_ms=100\n"
           "retry_max_ms=400\n"
           "dead_after_seconds=600\n"
           "webpush_allow_private_endpoints=true\n"
           "proxy=http://127.0.0.1:%6\n\n"_s.arg(url(), m_dir.filePath(u"apns.p8"_s), m_dir.filePath(u"service-account.json"_s),
                                                  m_dir.filePath(u"vapid.pem"_s), m_dir.filePath(u"front.crt"_s))
                                                 .arg(m_proxy.port());
}

void tst_Push::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The front end's certificate; the daemon trusts it through [push] ca_file.
    auto cert = crypto::generateSelfSignedCertificate(u"127.0.0.1"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, 2);
    QVERIFY(cert);
    QVERIFY(writePrivate(m_dir.filePath(u"front.key"_s), cert->privateKeyPem.view()));
    QVERIFY(writePrivate(m_dir.filePath(u"front.crt"_s), cert->certificatePem));

    QVERIFY(m_receiver.generateProviderKeys());
    auto apnsPem = m_receiver.apnsKey.privatePem();
    auto vapidPem = m_receiver.vapidKey.privatePem();
    auto fcmPem = m_receiver.fcmKey.privatePem();
    QVERIFY(apnsPem && vapidPem && fcmPem);
    QVERIFY(writePrivate(m_dir.filePath(u"apns.p8"_s), apnsPem->view()));
    QVERIFY(writePrivate(m_dir.filePath(u"vapid.pem"_s), vapidPem->view()));

    QVERIFY(m_receiver.listen());
    QVERIFY(m_proxy.listen());
    QVERIFY2(startFrontEnd(), "nghttpx (Debian package nghttp2-proxy) must be installed");
    m_receiver.tokenAudience = url(u"/token"_s);
    m_receiver.webPushOrigin = url();
    const QJsonObject account{
        {u"type"_s, u"service_account"_s},
        {u"project_id"_s, m_receiver.fcmProject},
        {u"private_key_id"_s, u"0123456789abcdef"_s},
        {u"private_key"_s, QString::fromLatin1(fcmPem->view())},
        {u"client_email"_s, m_receiver.fcmClientEmail},
        {u"token_uri"_s, u"https://oauth2.googleapis.com/token"_s},
    };
    QVERIFY(writePrivate(m_dir.filePath(u"service-account.json"_s), QJsonDocument(account).toJson()));

    m_daemon = std::make_unique<Daemon>(pushConfig());
    QVERIFY(m_daemon->start());
    m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
    QVERIFY(m_alice->enroll());
}

void tst_Push::cleanupTestCase()
{
    m_alice.reset();
    m_daemon.reset();
    m_front.stop();
}

protocol::Frame tst_Push::apnsRegistration(const QString &token)
{
    m_tokensSeen.append(token);
    return protocol::Frame(u"push_register"_s).set("kind"_L1, u"apns"_s).set("token"_L1, token);
}

protocol::Frame tst_Push::webPushRegistration(const QString &id)
{
    auto key = crypto::P256Key::generate();
    pushtest::Subscription sub{*key, crypto::randomBytes(16)};
    m_receiver.subscriptions.insert(id, sub);
    m_tokensSeen.append(url(u"/wp/"_s + id));
    return protocol::Frame(u"push_register"_s)
        .set("kind"_L1, u"webpush"_s)
        .set("endpoint"_L1, url(u"/wp/"_s + id))
        .set("p256dh"_L1, QCborValue(key->publicPoint()))
        .set("auth"_L1, QCborValue(sub.auth));
}

// The first column of the first row `sql` gives over `values` in the database of `daemon` (read-only, beside it).
QVariant tst_Push::inspect(Daemon &daemon, const QString &sql, const QVariantList &values)
{
    const QString name = u"inspect"_s;
    QVariant result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(daemon.dataDir() + u"/parleyd.sqlite"_s);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.prepare(sql)) {
                for (const QVariant &v : values)
                    q.addBindValue(v);
                if (q.exec() && q.next())
                    result = q.value(0);
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

qint64 tst_Push::tokenCount(const QString &user)
{
    const QVariant count = inspect(*m_daemon,
                                   u"SELECT COUNT(*) FROM push_tokens t JOIN devices d ON d.id = t.device_id "
                                   u"JOIN users u ON u.id = d.user_id WHERE u.name = ?"_s,
                                   {user});
    return count.isValid() ? count.toLongLong() : -1;
}

QString tst_Push::queueState(const QString &user, Daemon *daemon)
{
    return inspect(daemon ? *daemon : *m_daemon,
                   u"SELECT q.state || ' ' || q.attempts || ' ' || COALESCE(q.last_error, '') FROM push_queue q "
                   u"JOIN devices d ON d.id = q.device_id JOIN users u ON u.id = d.user_id WHERE u.name = ?"_s,
                   {user})
        .toString();
}

qint64 tst_Push::pendingDueWithin(const QString &user, qint64 ms)
{
    const QVariant count = inspect(*m_daemon,
                                   u"SELECT COUNT(*) FROM push_queue q JOIN devices d ON d.id = q.device_id "
                                   u"JOIN users u ON u.id = d.user_id WHERE u.name = ? AND q.state = 'pending' "
                                   u"AND q.next_attempt_at <= ?"_s,
                                   {user, QDateTime::currentMSecsSinceEpoch() + ms});
    return count.isValid() ? count.toLongLong() : -1;
}

// A wake-up queued now for a new offline device of `daemon`, sent and recorded. The service reads its queue anew
// to send it, so whatever it would still send from before (a dead-lettered entry it should have left alone) is
// sent no later than this one.
bool tst_Push::laterWakeUpArrives(Daemon &daemon, Device &sender, const QString &user)
{
    const QString token = randomHexToken();
    auto device = pushtest::offlineDevice(daemon, user, apnsRegistration(token));
    if (!device || sender.sendAndWait({user}, u"later"_s).isEmpty())
        return false;
    return QTest::qWaitFor([&] { return m_receiver.forKey(token).size() == 1 && queueState(user, &daemon).isEmpty(); },
                           PushWaitMs);
}

void tst_Push::refusesReadableKeyFiles()
{
    const QString loose = m_dir.filePath(u"loose.p8"_s);
    QVERIFY(QFile::copy(m_dir.filePath(u"apns.p8"_s), loose));
    QVERIFY(QFile::setPermissions(loose, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                             | QFileDevice::ReadOther));
    QString config = pushConfig();
    config.replace(m_dir.filePath(u"apns.p8"_s), loose);
    Daemon daemon(config);
    QVERIFY(!daemon.start());
    if (daemon.process().state() != QProcess::NotRunning)
        QVERIFY(daemon.process().waitForFinished(WaitMs));
    QVERIFY(daemon.process().exitCode() != 0);
    const QByteArray err = Daemon::readFile(daemon.stderrFile());
    QVERIFY2(err.contains("accessible to group or others"), err.constData());
}

void tst_Push::providersReceiveWellFormedContentFreePushes()
{
    const QString apnsToken = randomHexToken();
    const QString fcmToken = u"fcm-token-"_s + QString::fromLatin1(crypto::randomBytes(12).toHex());
    m_tokensSeen.append(fcmToken);
    auto bob = offlineDevice(u"bob"_s, apnsRegistration(apnsToken));
    auto carol = offlineDevice(u"carol"_s, protocol::Frame(u"push_register"_s).set("kind"_L1, u"fcm"_s).set("token"_L1, fcmToken));
    auto dave = offlineDevice(u"dave"_s, webPushRegistration(u"dave-sub"_s));
    QVERIFY(bob && carol && dave);

    const QString text = u"the quarterly numbers are in"_s;
    QVERIFY(!m_alice->sendAndWait({u"bob"_s, u"carol"_s, u"dave"_s}, text).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(apnsToken).size(), 1, PushWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(fcmToken).size(), 1, PushWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(u"dave-sub"_s).size(), 1, PushWaitMs);
    QVERIFY(m_receiver.tokenProblems.isEmpty());
    QVERIFY(m_receiver.tokenRequests >= 1);

    const Received apns = m_receiver.forKey(apnsToken).first();
    const Received fcm = m_receiver.forKey(fcmToken).first();
    const Received web = m_receiver.forKey(u"dave-sub"_s).first();
    for (const Received &r : {apns, fcm, web}) {
        QVERIFY2(r.problems.isEmpty(), qPrintable(r.provider + u": "_s + r.problems.join(u", "_s)));
        // nghttpx tells the backend which protocol the client spoke: HTTP/2.
        QVERIFY2(r.headers.value("via").startsWith("2 "), r.headers.value("via").constData());
        for (const QByteArray &secret : {QByteArray("alice"), QByteArray("bob"), QByteArray("carol"), QByteArray("dave"),
                                         text.toUtf8(), QByteArray("quarterly")}) {
            QVERIFY2(!r.plaintext.contains(secret), qPrintable(r.provider));
            QVERIFY(!r.body.contains(secret));
        }
    }
    QCOMPARE(QJsonDocument::fromJson(apns.plaintext).object(),
             QJsonObject({{u"aps"_s, QJsonObject{{u"content-available"_s, 1}}}}));
    const QJsonObject message = QJsonDocument::fromJson(fcm.plaintext).object().value(u"message"_s).toObject();
    QCOMPARE(message.value(u"data"_s).toObject(), QJsonObject({{u"wake"_s, u"1"_s}}));
    QCOMPARE(message.value(u"token"_s).toString(), fcmToken);
    QVERIFY(!message.value(u"android"_s).toObject().value(u"collapse_key"_s).toString().isEmpty());
    QVERIFY(!message.contains(u"notification"_s));
    QCOMPARE(QJsonDocument::fromJson(web.plaintext).object(), QJsonObject({{u"wake"_s, 1}}));
    QVERIFY(web.body.size() < 200);   // one small record: nothing but the wake marker
}

void tst_Push::coalescesABurstIntoOnePush()
{
    const QString token = randomHexToken();
    auto erin = offlineDevice(u"erin"_s, apnsRegistration(token));
    QVERIFY(erin);
    QSignalSpy accepted(&m_alice->client(), &sdk::Client::accepted);
    for (int i = 0; i < 10; ++i)
        m_alice->client().send({u"erin"_s}, u"burst %1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 10, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    // All ten were queued with their messages; once nothing is pending for erin that could go out within the
    // test (one queued after the push waits for the hour-long rate limit), nothing more will be sent: still one.
    QTRY_COMPARE_WITH_TIMEOUT(pendingDueWithin(u"erin"_s, 60 * 1000), 0, PushWaitMs);
    QCOMPARE(m_receiver.forKey(token).size(), 1);
    // The device wakes up and gets all ten.
    QVERIFY(erin->connectNow());
    QTRY_COMPARE_WITH_TIMEOUT(erin->inbox.size(), 10, WaitMs);
}

void tst_Push::retriesWithBackoffAfter503()
{
    const QString token = randomHexToken();
    m_receiver.script.insert(token, {503, 503});
    auto frank = offlineDevice(u"frank"_s, apnsRegistration(token));
    QVERIFY(frank);
    QVERIFY(!m_alice->sendAndWait({u"frank"_s}, u"are you there"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 3, PushWaitMs);
    const QList<Received> tries = m_receiver.forKey(token);
    QCOMPARE(tries.at(0).status, 503);
    QCOMPARE(tries.at(1).status, 503);
    QCOMPARE(tries.at(2).status, 200);
    // The receiver's 503 said Retry-After: 1; the daemon waited at least that long each time.
    QVERIFY(tries.at(1).atMs - tries.at(0).atMs >= 950);
    QVERIFY(tries.at(2).atMs - tries.at(1).atMs >= 950);
    // The entry leaves the queue once the delivery is recorded: no try after that.
    QTRY_COMPARE_WITH_TIMEOUT(queueState(u"frank"_s), QString(), WaitMs);
    QCOMPARE(m_receiver.forKey(token).size(), 3);
    QCOMPARE(tokenCount(u"frank"_s), 1);
}

void tst_Push::removesTokensProvidersDisown_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("apns 410") << u"gone-apns"_s << u"apns"_s << 410;
    QTest::newRow("apns BadDeviceToken") << u"bad-apns"_s << u"apns"_s << 400;
    QTest::newRow("fcm UNREGISTERED") << u"gone-fcm"_s << u"fcm"_s << 404;
    QTest::newRow("webpush 410") << u"gone-web"_s << u"webpush"_s << 410;
    QTest::newRow("webpush 404") << u"lost-web"_s << u"webpush"_s << 404;
}

void tst_Push::removesTokensProvidersDisown()
{
    QFETCH(QString, user);
    QFETCH(QString, kind);
    QFETCH(int, status);
    QString key;
    protocol::Frame registration;
    if (kind == u"apns"_s) {
        key = randomHexToken();
        registration = apnsRegistration(key);
    } else if (kind == u"fcm"_s) {
        key = u"fcm-"_s + QString::fromLatin1(crypto::randomBytes(12).toHex());
        m_tokensSeen.append(key);
        registration = protocol::Frame(u"push_register"_s).set("kind"_L1, kind).set("token"_L1, key);
    } else {
        key = user + u"-sub"_s;
        registration = webPushRegistration(key);
    }
    m_receiver.fixedStatus.insert(key, status);
    auto device = offlineDevice(user, registration);
    QVERIFY(device);
    QCOMPARE(tokenCount(user), 1);
    QVERIFY(!m_alice->sendAndWait({user}, u"hello"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(key).size(), 1, PushWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(tokenCount(user), 0, WaitMs);
    QCOMPARE(m_receiver.forKey(key).size(), 1);   // not retried
}

void tst_Push::deadLettersAPermanentRefusal()
{
    const QString token = randomHexToken();
    m_receiver.fixedStatus.insert(token, 403);
    auto kate = offlineDevice(u"kate"_s, apnsRegistration(token));
    QVERIFY(kate);
    QVERIFY(!m_alice->sendAndWait({u"kate"_s}, u"hello"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(token).size(), 1, PushWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(queueState(u"kate"_s).startsWith(u"dead 1 APNs 403"_s), WaitMs);
    QCOMPARE(tokenCount(u"kate"_s), 1);   // a refusal is not a verdict on the token
    QVERIFY(laterWakeUpArrives(*m_daemon, *m_alice, u"kate-later"_s));
    QCOMPARE(m_receiver.forKey(token).size(), 1);
}

void tst_Push::deadLettersAfterABoundedTime()
{
    // A daemon of its own, whose wake-ups are worth delivering for two seconds only.
    QString config = pushConfig();
    config.replace(u"dead_after_seconds=600"_s, u"dead_after_seconds=2"_s);
    Daemon daemon(config);
    QVERIFY(daemon.start());
    Device sender(daemon, u"mallory"_s);
    QVERIFY(sender.enroll());
    const QString token = randomHexToken();
    m_receiver.fixedStatus.insert(token, 503);   // with Retry-After: 1
    Device lara(daemon, u"lara"_s);
    QVERIFY(lara.enroll());
    QVERIFY(pushtest::registerPush(lara, apnsRegistration(token)));
    lara.close();
    QVERIFY(!sender.sendAndWait({u"lara"_s}, u"soon stale"_s).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(queueState(u"lara"_s, &daemon).startsWith(u"dead "_s), PushWaitMs);
    QVERIFY(queueState(u"lara"_s, &daemon).contains(u"HTTP 503"_s));
    const qsizetype attempts = m_receiver.forKey(token).size();
    QVERIFY(attempts >= 1 && attempts <= 3);
    QVERIFY(laterWakeUpArrives(daemon, sender, u"lara-later"_s));
    QCOMPARE(m_receiver.forKey(token).size(), attempts);   // no more tries
    m_receiver.fixedStatus.remove(token);
    sender.close();
    QVERIFY(daemon.terminate());
}

void tst_Push::pendingPushSurvivesSigkill()
{
    const QString id = u"gina-sub"_s;
    auto registration = webPushRegistration(id);
    m_receiver.fixedStatus.insert(id, 503);
    auto gina = offlineDevice(u"gina"_s, registration);
    QVERIFY(gina);
    QVERIFY(!m_alice->sendAndWait({u"gina"_s}, u"before the crash"_s).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_receiver.forKey(id).isEmpty(), PushWaitMs);
    m_alice->close();
    m_daemon->kill();
    m_receiver.fixedStatus.remove(id);
    const qsizetype before = m_receiver.forKey(id).size();
    QVERIFY(m_daemon->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_receiver.forKey(id).size() > before && m_receiver.forKey(id).last().status == 201, PushWaitMs);
    QVERIFY(m_receiver.forKey(id).last().problems.isEmpty());
    QVERIFY(m_alice->connectNow());
}

void tst_Push::noPushForAConnectedDevice()
{
    const QString onlineToken = randomHexToken();
    const QString offlineToken = randomHexToken();
    Device hank(*m_daemon, u"hank"_s);
    QVERIFY(hank.enroll());
    QVERIFY(pushtest::registerPush(hank, apnsRegistration(onlineToken)));
    auto ivan = offlineDevice(u"ivan"_s, apnsRegistration(offlineToken));
    QVERIFY(ivan);
    QVERIFY(!m_alice->sendAndWait({u"hank"_s, u"ivan"_s}, u"one for each"_s).isEmpty());
    // Ivan's wake-up was queued in the same transaction as hank's would have been: once it is out, hank's would be.
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.forKey(offlineToken).size(), 1, PushWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(hank.inbox.size(), 1, WaitMs);
    QCOMPARE(m_receiver.forKey(onlineToken).size(), 0);
}

void tst_Push::cliRegistersAndRemoves()
{
    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    const QString passFile = profile.filePath(u"pass"_s);
    QVERIFY(writePrivate(passFile, "cli passphrase\n"));
    const QString code = m_daemon->enroll(u"judy"_s);
    QVERIFY(!code.isEmpty());
    auto cli = [&](const QStringList &args, int expectedExit) -> QByteArray {
        QProcess p;
        p.start(QStringLiteral(PARLEY_BINARY),
                QStringList{u"--profile"_s, profile.filePath(u"p"_s), u"--passphrase-file"_s, passFile} + args);
        if (!p.waitForFinished(WaitMs) || p.exitCode() != expectedExit) {
            qWarning().noquote() << args << p.exitCode() << p.readAllStandardError();
            return QByteArray("FAILED");
        }
        return p.readAllStandardOutput() + p.readAllStandardError();
    };
    QVERIFY(!cli({u"register"_s, m_daemon->url().toString(), u"judy"_s, code, u"--fingerprint"_s, m_daemon->fingerprint()}, 0)
                 .contains("FAILED"));
    const QString token = randomHexToken();
    m_tokensSeen.append(token);
    QVERIFY(cli({u"push"_s, u"register"_s, u"apns"_s, token, u"--topic"_s, u"org.example.parley"_s}, 0).contains("registered"));
    QCOMPARE(tokenCount(u"judy"_s), 1);
    QVERIFY(cli({u"push"_s, u"remove"_s}, 0).contains("removed"));
    QCOMPARE(tokenCount(u"judy"_s), 0);

    auto sub = crypto::P256Key::generate();
    QVERIFY(sub);
    const QString b64p = QString::fromLatin1(sub->publicPoint().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QString b64a = QString::fromLatin1(crypto::randomBytes(16).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    m_tokensSeen.append(url(u"/wp/judy"_s));
    // "--" ends the options: a base64url key may begin with '-' (one in 64 runs did, and was taken for an option).
    QVERIFY(cli({u"push"_s, u"register"_s, u"webpush"_s, u"--"_s, url(u"/wp/judy"_s), b64p, b64a}, 0).contains("registered"));
    QCOMPARE(tokenCount(u"judy"_s), 1);
    // Bad input: a clear usage error, nothing stored.
    QVERIFY(!cli({u"push"_s, u"register"_s, u"apns"_s, u"not-hex"_s}, 1).contains("FAILED"));
    QVERIFY(!cli({u"push"_s, u"register"_s, u"carrier-pigeon"_s, u"x"_s}, 2).contains("FAILED"));
    QVERIFY(!cli({u"push"_s, u"register"_s, u"webpush"_s, u"--"_s, u"http://insecure/"_s, b64p, b64a}, 1).contains("FAILED"));
}

void tst_Push::trafficGoesThroughTheProxy()
{
    // Every push above went through [push] proxy: the daemon asked it for tunnels to the front end only.
    QVERIFY(!m_proxy.targets.isEmpty());
    for (const QString &target : std::as_const(m_proxy.targets))
        QCOMPARE(target, u"127.0.0.1:%1"_s.arg(m_frontPort));
}

void tst_Push::logsCarryCountsNotTokens()
{
    m_alice->close();
    QVERIFY(m_daemon->terminate());
    const QByteArray logs = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
    QVERIFY2(logs.contains("push outcomes: sent "), logs.right(2000).constData());
    QVERIFY(!m_tokensSeen.isEmpty());
    for (const QString &token : std::as_const(m_tokensSeen))
        QVERIFY2(!logs.contains(token.toUtf8()), qPrintable(token));
}

QTEST_MAIN(tst_Push)
#include "tst_push.moc"
