#pragma once

// The fixture of the push settings' end-to-end tests: a real parleyd child process whose boot configuration names no
// push credentials and no proxy, the loopback receiver behind nghttpx, an HTTP CONNECT proxy, the admin client
// parleyctl uses, and the key material that may live in the key files only.

#include "../e2e/harness.h"
#include "../admin/syncadminclient.h"
#include "connectproxy.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "frontend.h"
#include "protocol/adminprotocol.h"
#include "pushdevice.h"
#include "pushreceiver.h"

#include <QCborArray>
#include <QCborValue>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <sys/stat.h>

namespace parley::pushtest {

using e2e::Daemon;
using e2e::Device;
using e2e::SyncAdminClient;
using e2e::WaitMs;
namespace proto = parley::protocol::admin;

inline constexpr int PushWaitMs = 30000;
inline const QString AdminPassword = u"Push settings passphrase 31"_s;
inline const QString ProxyPassword = u"proxy-secret-Xq7Zr2"_s;

// The base64 lines of a PEM block: what must never show up anywhere but in the key file.
inline QList<QByteArray> pemBody(QByteArrayView pem)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : pem.toByteArray().split('\n')) {
        if (!line.isEmpty() && !line.startsWith("-----"))
            lines << line.trimmed();
    }
    return lines;
}

inline int mode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

inline QString b64url(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

class PushAdminTest : public QObject {
protected:
    // Starts the receiver, the proxy, nghttpx and the daemon, logs in and enrolls alice.
    void startServices();
    void stopServices();
    // Every secret stays in its key file: not shown, not logged, not in the database; the audit log names providers.
    void checkSecretsNeverShownOrLogged();

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
    QCborMap fcmArgs() const;
    QCborMap webPushArgs(const crypto::P256Key &key);

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

inline bool PushAdminTest::login()
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

inline SyncAdminClient::Reply PushAdminTest::call(const QString &name, const QCborMap &args)
{
    return m_client->call(name, m_token, args, WaitMs);
}

inline QCborMap PushAdminTest::provider(const QString &name)
{
    const auto reply = call(u"push.show"_s);
    if (!reply.ok)
        qWarning() << "push.show:" << reply.error << reply.message;
    return reply.result.value("providers"_L1).toMap().value(name).toMap();
}

inline protocol::Frame PushAdminTest::apnsRegistration(const QString &token)
{
    return protocol::Frame(u"push_register"_s).set("kind"_L1, u"apns"_s).set("token"_L1, token);
}

inline protocol::Frame PushAdminTest::webPushRegistration(const QString &id)
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

inline QCborMap PushAdminTest::apnsArgs(const crypto::P256Key &key)
{
    auto pem = key.privatePem();
    m_secrets << pemBody(pem->view());
    return QCborMap{{u"key"_s, QString::fromLatin1(pem->view())}, {u"key_id"_s, m_receiver.apnsKeyId},
                    {u"team_id"_s, m_receiver.apnsTeamId}, {u"topic"_s, m_receiver.apnsTopic}, {u"endpoint"_s, url()}};
}

// Everything the daemon wrote that is not a key file: its output and its database (event log, audit log, settings).
inline QByteArray PushAdminTest::daemonRecords() const
{
    QByteArray all = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
    QDirIterator it(m_daemon->dataDir(), QDir::Files | QDir::Hidden);
    while (it.hasNext())
        all += Daemon::readFile(it.next());
    return all;
}

inline QString PushAdminTest::secretFile(const QString &prefix) const
{
    const QStringList files = QDir(m_daemon->dataDir() + u"/push"_s).entryList({prefix + u"-*"_s}, QDir::Files);
    return files.size() == 1 ? m_daemon->dataDir() + u"/push/"_s + files.first() : QString();
}

inline QCborMap PushAdminTest::fcmArgs() const
{
    return QCborMap{{u"service_account"_s, QString::fromUtf8(m_serviceAccount)}, {u"endpoint"_s, url()},
                    {u"token_endpoint"_s, url(u"/token"_s)}};
}

inline QCborMap PushAdminTest::webPushArgs(const crypto::P256Key &key)
{
    m_secrets << pemBody(key.privatePem()->view());
    return QCborMap{{u"subject"_s, u"mailto:ops@example.org"_s}, {u"private_key"_s, QString::fromLatin1(key.privatePem()->view())}};
}

inline void PushAdminTest::startServices()
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

inline void PushAdminTest::stopServices()
{
    m_alice.reset();
    m_client.reset();
    m_daemon.reset();
    m_front.stop();
}

inline void PushAdminTest::checkSecretsNeverShownOrLogged()
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

} // namespace parley::pushtest
