// The admin API end to end, its administrators' side: a real parleyd child process over real TLS, the admin client
// parleyctl uses, and parleyctl itself through QProcess. Logging, the messaging proxy, admin accounts and TOTP,
// revoked and expired tokens, `parleyd admin init` and parleyctl. Users, rooms and the audit log run in
// tst_adminusers.

#include "adminfixture.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

// A minimal HTTP CONNECT proxy that demands Basic credentials, for proxy.test.
class ConnectProxy : public QTcpServer {
public:
    QByteArray expectedAuth;
    int tunnels = 0;

    ConnectProxy()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = nextPendingConnection()) {
                // Held by the connection below alone: it goes when that does (the client's end, or the request read).
                const auto buffer = std::make_shared<QByteArray>();
                connect(client, &QTcpSocket::readyRead, this, [this, client, buffer] {
                    buffer->append(client->readAll());
                    if (!buffer->contains("\r\n\r\n"))
                        return;
                    const QByteArray head = *buffer;
                    buffer->clear();
                    const QList<QByteArray> lines = head.split('\n');
                    const QList<QByteArray> request = lines.value(0).trimmed().split(' ');
                    bool authorised = false;
                    for (const QByteArray &line : lines) {
                        if (line.trimmed().toLower().startsWith("proxy-authorization:"))
                            authorised = line.trimmed().mid(int(sizeof("proxy-authorization:")) - 1).trimmed() == expectedAuth;
                    }
                    if (request.value(0) != "CONNECT" || !authorised) {
                        // The client may answer the challenge on the same connection.
                        client->write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                                      "Proxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n");
                        return;
                    }
                    disconnect(client, &QTcpSocket::readyRead, this, nullptr);
                    const QList<QByteArray> target = request.value(1).split(':');
                    auto *upstream = new QTcpSocket(client);
                    connect(upstream, &QTcpSocket::connected, client, [this, client] {
                        ++tunnels;
                        client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    });
                    connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
                    connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
                    connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
                    connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
                    upstream->connectToHost(QString::fromLatin1(target.value(0)), quint16(target.value(1).toUInt()));
                });
            }
        });
    }
};

} // namespace

class TestAdminAccounts : public AdminTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        // The first login with the one-time password and the password change (checked in tst_adminusers).
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
    }

    void eventLogging()
    {
        auto r = m_api->call(u"log.set_level"_s, {{u"category"_s, u"parley.relay"_s}, {u"level"_s, u"debug"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_api->call(u"log.set_level"_s, {{u"category"_s, u"parley.relay"_s}, {u"level"_s, u"loud"_s}}).error,
                 QString(proto::errors::InvalidArgument));
        QCOMPARE(m_api->call(u"log.set_level"_s, {{u"category"_s, u"bad category!"_s}, {u"level"_s, u"info"_s}}).error,
                 QString(proto::errors::InvalidArgument));
        r = m_api->call(u"log.levels"_s);
        QCOMPARE(r.result.value("levels"_L1).toMap().value(u"parley.relay"_s).toString(), u"debug"_s);
        r = m_api->call(u"log.show"_s, {{u"grep"_s, u"Admin API listening"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("events"_L1).toArray().size(), 1);
        r = m_api->call(u"log.show"_s, {{u"category"_s, u"parley.store"_s}, {u"level"_s, u"info"_s}, {u"limit"_s, 2}});
        QVERIFY(r.ok);
        QVERIFY(!r.result.value("events"_L1).toArray().isEmpty());
        for (const QCborValue &e : r.result.value("events"_L1).toArray())
            QCOMPARE(e.toMap().value("category"_L1).toString(), u"parley.store"_s);
        QCOMPARE(m_api->call(u"log.retention"_s).result.value("days"_L1).toInteger(), 6);
        QCOMPARE(m_api->call(u"log.retention"_s, {{u"days"_s, 9}}).result.value("days"_L1).toInteger(), 9);
        QCOMPARE(m_api->call(u"log.retention"_s).result.value("days"_L1).toInteger(), 9);
        QCOMPARE(m_api->call(u"log.retention"_s, {{u"days"_s, 0}}).error, QString(proto::errors::InvalidArgument));
        QVERIFY(m_api->call(u"log.set_level"_s, {{u"category"_s, u"parley.relay"_s}, {u"level"_s, u"info"_s}}).ok);
    }

    void messagingProxy()
    {
        ConnectProxy proxy;
        proxy.expectedAuth = "Basic " + QByteArray("relay:proxy secret 9").toBase64();
        QVERIFY(proxy.listen(QHostAddress::LocalHost, 0));
        m_logSecrets << u"proxy secret 9"_s;   // stored in the database by design (the server must present it)
        QCOMPARE(m_api->call(u"proxy.show"_s).result.value("type"_L1).toString(), u"none"_s);
        QCOMPARE(m_api->call(u"proxy.set"_s, {{u"type"_s, u"gopher"_s}}).error, QString(proto::errors::InvalidArgument));
        auto r = m_api->call(u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"127.0.0.1"_s}, {u"port"_s, proxy.serverPort()},
                                              {u"user"_s, u"relay"_s}, {u"password"_s, u"proxy secret 9"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        r = m_api->call(u"proxy.show"_s);
        QCOMPARE(r.result.value("type"_L1).toString(), u"http"_s);
        QVERIFY(r.result.value("has_password"_L1).toBool());
        QVERIFY(!r.result.contains("password"_L1));
        r = m_api->call(u"proxy.test"_s, {{u"host"_s, u"127.0.0.1"_s}, {u"port"_s, m_daemon->port()}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(proxy.tunnels, 1);
        QVERIFY(m_api->call(u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"127.0.0.1"_s}, {u"port"_s, proxy.serverPort()},
                                             {u"user"_s, u"relay"_s}, {u"password"_s, u"wrong"_s}}).ok);
        r = m_api->call(u"proxy.test"_s, {{u"host"_s, u"127.0.0.1"_s}, {u"port"_s, m_daemon->port()}});
        QCOMPARE(r.error, QString(proto::errors::Unavailable));
        QCOMPARE(proxy.tunnels, 1);
        QVERIFY(m_api->call(u"proxy.set"_s, {{u"type"_s, u"none"_s}}).ok);
    }

    void adminAccountsAndTotp()
    {
        QCOMPARE(m_api->call(u"admin.create"_s, {{u"name"_s, u"ops"_s}, {u"password"_s, u"weak"_s}}).error,
                 QString(proto::errors::InvalidArgument));
        auto r = m_api->call(u"admin.create"_s, {{u"name"_s, u"ops"_s}, {u"password"_s, OpsPassword}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_api->call(u"admin.create"_s, {{u"name"_s, u"ops"_s}, {u"password"_s, OpsPassword}}).error, QString(proto::errors::Conflict));
        auto ops = loggedIn(u"ops"_s, OpsPassword);
        QVERIFY(ops);
        QCOMPARE(ops->call(u"status"_s).error, QString(proto::errors::PasswordChangeRequired));
        r = m_api->call(u"admin.list"_s);
        QCOMPARE(r.result.value("admins"_L1).toArray().size(), 2);
        QCOMPARE(m_api->call(u"admin.set_password"_s, {{u"name"_s, u"admin"_s}, {u"password"_s, OpsPassword}}).error,
                 QString(proto::errors::Forbidden));

        // TOTP for admin: set up, confirm with a code, then logins need it. A successful login first clears the
        // failure count (the lockout threshold of this daemon is 3).
        QVERIFY(loggedIn(u"admin"_s, AdminPassword));
        r = m_api->call(u"totp.setup"_s);
        QVERIFY2(r.ok, qPrintable(r.message));
        const QString secretText = r.result.value("secret"_L1).toString();
        QVERIFY(r.result.value("uri"_L1).toString().startsWith(u"otpauth://totp/Parley:admin?secret="_s));
        m_secrets << secretText;
        QByteArray secret;   // base32 back to bytes
        {
            quint32 buffer = 0;
            int bits = 0;
            for (const QChar c : secretText) {
                const int v = c.isDigit() ? c.unicode() - '2' + 26 : c.unicode() - 'A';
                buffer = (buffer << 5) | quint32(v);
                bits += 5;
                if (bits >= 8) {
                    secret.append(char((buffer >> (bits - 8)) & 0xff));
                    bits -= 8;
                }
            }
        }
        QCOMPARE(secret.size(), 20);
        const qint64 step = QDateTime::currentSecsSinceEpoch() / 30;
        QCOMPARE(m_api->call(u"totp.enable"_s, {{u"code"_s, u"000000"_s == server::adminauth::totpCode(secret, step) ? u"111111"_s : u"000000"_s}}).error,
                 QString(proto::errors::InvalidArgument));
        r = m_api->call(u"totp.enable"_s, {{u"code"_s, server::adminauth::totpCode(secret, step)}});
        QVERIFY2(r.ok, qPrintable(r.message));

        auto api = connectApi(m_address, m_daemon->fingerprint());
        QVERIFY(api);
        QCOMPARE(api->call(u"login"_s, loginArgs(u"admin"_s, AdminPassword)).error, QString(proto::errors::TotpRequired));
        QCOMPARE(api->call(u"login"_s, loginArgs(u"admin"_s, AdminPassword, u"12345x"_s)).error, QString(proto::errors::Unauthorized));
        const QString wrong = server::adminauth::totpCode(secret, step + 20);
        QCOMPARE(api->call(u"login"_s, loginArgs(u"admin"_s, AdminPassword, wrong)).error, QString(proto::errors::Unauthorized));
        r = api->call(u"login"_s, loginArgs(u"admin"_s, AdminPassword, server::adminauth::totpCode(secret, step + 1)));
        QVERIFY2(r.ok, qPrintable(r.message));
        m_secrets << r.result.value("token"_L1).toString();
        // Failures above were counted; a success clears them. TOTP off again for the rest of the run.
        QVERIFY(m_api->call(u"totp.disable"_s).ok);
        QCOMPARE(m_api->call(u"admin.list"_s).result.value("admins"_L1).toArray().first().toMap().value("totp"_L1).toBool(), false);

        QVERIFY(m_api->call(u"admin.delete"_s, {{u"name"_s, u"ops"_s}}).ok);
        QCOMPARE(ops->call(u"password.change"_s, {{u"password"_s, OpsPassword}, {u"new_password"_s, AdminPassword}}).error,
                 QString(proto::errors::Unauthorized));
        QCOMPARE(m_api->call(u"admin.delete"_s, {{u"name"_s, u"ops"_s}}).error, QString(proto::errors::NotFound));
        QCOMPARE(m_api->call(u"admin.delete"_s, {{u"name"_s, u"admin"_s}}).error, QString(proto::errors::Forbidden));
    }

    void revokedAndExpiredTokensAreRefused()
    {
        auto api = loggedIn(u"admin"_s, AdminPassword);
        QVERIFY(api);
        QVERIFY(api->call(u"status"_s).ok);
        QVERIFY(api->call(u"logout"_s).ok);
        QCOMPARE(api->call(u"status"_s).error, QString(proto::errors::Unauthorized));
        QCOMPARE(api->client->call(u"status"_s, u"made-up-token"_s, {}, WaitMs).error, QString(proto::errors::Unauthorized));

        Daemon shortLived(u"[admin]\nlisten=127.0.0.1:0\ntoken_lifetime_seconds=1\n\n"_s);
        QVERIFY(shortLived.start());
        const QString password = QString::fromUtf8(Daemon::readFile(shortLived.dataDir() + u"/initial-admin-password"_s)).trimmed();
        m_secrets << password;
        auto other = connectApi(adminAddress(shortLived), shortLived.fingerprint());
        QVERIFY(other);
        auto r = other->call(u"login"_s, loginArgs(u"admin"_s, password));
        QVERIFY(r.ok);
        other->token = r.result.value("token"_L1).toString();
        QTRY_COMPARE_WITH_TIMEOUT(other->call(u"password.change"_s, {{u"password"_s, password}, {u"new_password"_s, AdminPassword}}).error,
                                  QString(proto::errors::Unauthorized), WaitMs);
        QVERIFY(shortLived.terminate());
    }

    // `parleyd admin init` (the package's postinst) makes the first account before the first start; the daemon then
    // creates none, and the one-time password works as the daemon's own would. A second run changes nothing.
    void hostAdminInitBeforeFirstStart()
    {
        Daemon fresh;
        {
            QFile conf(fresh.configFile());
            QVERIFY(conf.open(QIODevice::WriteOnly));
            conf.write(u"[server]\nlisten=127.0.0.1:0\ndata_dir=%1\n\n[admin]\nlisten=127.0.0.1:0\n"_s.arg(fresh.dataDir()).toUtf8());
        }
        const QStringList first = fresh.run({u"admin"_s, u"init"_s});
        QCOMPARE(first.size(), 4);
        QVERIFY(first.at(0).startsWith(u"admin wss://127.0.0.1:"_s));
        const QString fingerprint = first.at(1).section(u' ', 1);
        QCOMPARE(first.at(1), u"fingerprint %1"_s.arg(fingerprint));
        QCOMPARE(first.at(2), u"account admin created"_s);
        const QString file = QDir(fresh.dataDir()).filePath(u"initial-admin-password"_s);
        QCOMPARE(first.at(3), u"password_file %1"_s.arg(file));
        QCOMPARE(QFileInfo(file).permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                                   | QFileDevice::WriteUser), QFileDevice::Permissions());
        const QByteArray stored = Daemon::readFile(file);
        const QString password = QString::fromUtf8(stored).trimmed();
        QVERIFY(password.size() >= 20);
        m_secrets << password;
        QVERIFY(!first.join(u'\n').contains(password));
        QVERIFY(!QFile::exists(file + u".new"_s));

        const QStringList again = fresh.run({u"admin"_s, u"init"_s});
        QCOMPARE(again, QStringList({first.at(0), first.at(1), u"accounts 1 existing, none created"_s, first.at(3)}));
        QCOMPARE(Daemon::readFile(file), stored);

        QVERIFY(fresh.start());
        QCOMPARE(fresh.fingerprint(), fingerprint);
        QVERIFY(!Daemon::readFile(fresh.stdoutFile()).contains("first start"));
        auto api = connectApi(adminAddress(fresh), fingerprint);
        QVERIFY(api);
        auto reply = api->call(u"login"_s, loginArgs(u"admin"_s, password));
        QVERIFY2(reply.ok, qPrintable(reply.message));
        QVERIFY(reply.result.value("must_change_password"_L1).toBool());
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        reply = api->call(u"password.change"_s, {{u"password"_s, password}, {u"new_password"_s, AdminPassword}});
        QVERIFY2(reply.ok, qPrintable(reply.message));
        m_secrets << reply.result.value("token"_L1).toString();
        QVERIFY(!QFile::exists(file));
        QVERIFY(fresh.terminate());

        // With the password chosen, admin init reports the account and no password file.
        const QStringList after = fresh.run({u"admin"_s, u"init"_s});
        QCOMPARE(after, QStringList({first.at(0), first.at(1), u"accounts 1 existing, none created"_s}));
        QVERIFY(!QFile::exists(file));
        QProcess bad;
        bad.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, fresh.configFile(), u"admin"_s, u"init"_s, u"x"_s});
        QVERIFY(bad.waitForFinished(WaitMs));
        QVERIFY(bad.exitCode() != 0);
    }

    void parleyctlFlows()
    {
        const ParleyctlRunner home;
        QVERIFY(home.isValid());
        const QString pwFile = home.passwordFile(AdminPassword);
        QVERIFY(!pwFile.isEmpty());
        auto ctl = [&home](const QStringList &args, QByteArray *out = nullptr) { return home.run(args, out); };
        QCOMPARE(ctl({u"status"_s}), 3);   // not logged in
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, u"00"_s, u"login"_s, u"admin"_s, u"--password-file"_s, pwFile}), 3);
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, pwFile}), 0);
        const QString tokenFile = home.filePath(u"parleyctl/token-"_s + QString(m_address).replace(u':', u'-'));
        QVERIFY(QFile::exists(tokenFile));
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                          | QFileDevice::WriteOther | QFileDevice::ExeOther;
        QCOMPARE(int(QFileInfo(tokenFile).permissions() & others), 0);
        QByteArray out;
        QCOMPARE(ctl({u"status"_s, u"--json"_s}, &out), 0);
        QCOMPARE(QJsonDocument::fromJson(out).object().value("version"_L1).toString(), QStringLiteral(PARLEY_VERSION_STRING));
        QCOMPARE(ctl({u"user"_s, u"add"_s, u"hank"_s, u"--json"_s}, &out), 0);
        m_secrets << QJsonDocument::fromJson(out).object().value("code"_L1).toString();
        QCOMPARE(ctl({u"user"_s, u"add"_s, u"hank"_s}), 5);
        QCOMPARE(ctl({u"user"_s, u"show"_s, u"nobody"_s}), 4);
        QCOMPARE(ctl({u"user"_s, u"sign-out"_s, u"nobody"_s}), 4);
        QCOMPARE(ctl({u"user"_s, u"sign-out"_s}), 2);
        QCOMPARE(ctl({u"user"_s, u"frobnicate"_s}), 2);
        QCOMPARE(ctl({u"user"_s, u"add"_s, u"Bad Name"_s}), 2);
        QCOMPARE(ctl({u"user"_s, u"list"_s}, &out), 0);
        QVERIFY(out.contains("hank"));
        QCOMPARE(ctl({u"log"_s, u"level"_s, u"parley.relay"_s, u"debug"_s}), 0);
        QCOMPARE(ctl({u"log"_s, u"show"_s, u"--grep"_s, u"Admin API"_s}, &out), 0);
        QVERIFY(out.contains("Admin API listening"));
        QCOMPARE(ctl({u"cert"_s, u"show"_s}, &out), 0);
        QVERIFY(out.contains(m_daemon->fingerprint().toUtf8()));
        QCOMPARE(ctl({u"audit"_s, u"show"_s, u"--action"_s, u"user.create"_s}, &out), 0);
        QVERIFY(out.contains("hank"));
        const QString csvFile = home.filePath(u"users.csv"_s);
        QCOMPARE(ctl({u"user"_s, u"export"_s, csvFile}), 0);
        QVERIFY(Daemon::readFile(csvFile).contains("\nhank,pending"));
        QCOMPARE(ctl({u"logout"_s}), 0);
        QCOMPARE(ctl({u"status"_s}), 3);
    }

    void logsHoldNoSecrets()
    {
        checkLogsHoldNoSecrets();
    }
};

QTEST_MAIN(TestAdminAccounts)
#include "tst_adminaccounts.moc"
