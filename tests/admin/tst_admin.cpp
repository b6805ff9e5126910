// The admin API end to end: a real parleyd child process over real TLS, the admin client parleyctl uses, the real
// SDK for devices, and parleyctl itself through QProcess.

#include "../e2e/harness.h"
#include "parleyctlrunner.h"

#include "admin/adminauth.h"
#include "syncadminclient.h"
#include "admin/adminserver.h"
#include "crypto/crypto.h"
#include "protocol/adminprotocol.h"

#include <QCborArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
namespace proto = parley::protocol::admin;

namespace {

const QString AdminPassword = u"Sturdy admin passphrase 42"_s;
const QString OpsPassword = u"Operations passphrase 77"_s;

QString adminAddress(Daemon &daemon)
{
    const QByteArray out = Daemon::readFile(daemon.stdoutFile());
    const auto m = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s).match(QString::fromUtf8(out));
    return m.hasMatch() ? m.captured(1) : QString();
}

struct Api {
    std::unique_ptr<SyncAdminClient> client;
    QString token;

    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {})
    {
        return client->call(name, token, args, WaitMs);
    }
};

std::unique_ptr<Api> connectApi(const QString &address, const QString &fingerprint)
{
    auto api = std::make_unique<Api>();
    api->client = std::make_unique<SyncAdminClient>(address, fingerprint);
    if (Status s = api->client->connectToServer(WaitMs); !s) {
        qWarning() << "admin connect:" << s.error().message;
        return nullptr;
    }
    return api;
}

QCborMap loginArgs(const QString &name, const QString &password, const QString &totp = {})
{
    QCborMap m{{u"name"_s, name}, {u"password"_s, password}};
    if (!totp.isEmpty())
        m.insert(u"totp"_s, totp);
    return m;
}

// A minimal HTTP CONNECT proxy that demands Basic credentials, for proxy.test.
class ConnectProxy : public QTcpServer {
public:
    QByteArray expectedAuth;
    int tunnels = 0;

    ConnectProxy()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = nextPendingConnection()) {
                auto *buffer = new QByteArray;
                connect(client, &QObject::destroyed, this, [buffer] { delete buffer; });
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

class TestAdmin : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Daemon> m_daemon;
    QString m_address;
    std::unique_ptr<Api> m_api;           // logged in as admin with the chosen password
    QStringList m_secrets;                 // everything that must never appear in what the daemon wrote
    QStringList m_logSecrets;              // what must never appear in its logs
    QString m_initialPassword;

    // Runs statements on the daemon's database from the outside (WAL lets both write, one at a time).
    bool sql(const QStringList &statements)
    {
        bool ok = true;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"outside"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            if (!db.open())
                return false;
            QSqlQuery q(db);
            ok = q.exec(u"PRAGMA busy_timeout = 10000"_s);
            for (const QString &statement : statements) {
                if (ok && !q.exec(statement)) {
                    qWarning() << statement << q.lastError().text();
                    ok = false;
                }
            }
        }
        QSqlDatabase::removeDatabase(u"outside"_s);
        return ok;
    }

    std::unique_ptr<Api> loggedIn(const QString &name, const QString &password)
    {
        auto api = connectApi(m_address, m_daemon->fingerprint());
        if (!api)
            return nullptr;
        const auto reply = api->call(u"login"_s, loginArgs(name, password));
        if (!reply.ok) {
            qWarning() << "login" << name << reply.error << reply.message;
            return nullptr;
        }
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        return api;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_daemon = std::make_unique<Daemon>(
            u"[admin]\nlisten=127.0.0.1:0\nmax_failed_logins=3\nlockout_seconds=3\n\n"_s);
        QVERIFY(m_daemon->start());
        m_address = adminAddress(*m_daemon);
        QVERIFY(!m_address.isEmpty());
        const QString file = QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s);
        QCOMPARE(int(QFileInfo(file).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                                        | QFileDevice::WriteOther)), 0);
        m_initialPassword = QString::fromUtf8(Daemon::readFile(file)).trimmed();
        QVERIFY(!m_initialPassword.isEmpty());
        m_secrets << m_initialPassword << AdminPassword << OpsPassword;
        QVERIFY(!Daemon::readFile(m_daemon->stdoutFile()).contains(m_initialPassword.toUtf8()));
    }

    void dispatchTableMatchesCallTable()
    {
        QStringList names;
        for (const proto::Call &c : proto::calls())
            names << c.name;
        QCOMPARE(server::AdminServer::handledCalls(), names);
        QCOMPARE(QSet<QString>(names.cbegin(), names.cend()).size(), names.size());
    }

    // FMT_CFG_EXT.1: the default credential allows choosing a new password and nothing else.
    void defaultCredentialAllowsOnlyPasswordChange()
    {
        auto api = connectApi(m_address, m_daemon->fingerprint());
        QVERIFY(api);
        auto reply = api->call(u"login"_s, loginArgs(u"admin"_s, m_initialPassword));
        QVERIFY2(reply.ok, qPrintable(reply.message));
        QVERIFY(reply.result.value("must_change_password"_L1).toBool());
        api->token = reply.result.value("token"_L1).toString();
        const QString limitedToken = api->token;
        m_secrets << limitedToken;

        int tried = 0;
        for (const proto::Call &call : proto::calls()) {
            if (call.access != proto::Access::Full)
                continue;
            const auto r = api->call(call.name);
            QVERIFY2(!r.ok && r.error == proto::errors::PasswordChangeRequired,
                     qPrintable(u"%1 answered %2"_s.arg(call.name, r.ok ? u"ok"_s : r.error)));
            ++tried;
        }
        QCOMPARE(tried, proto::calls().size() - 2);   // all but login and password.change

        // Wrong current password, weak new password: refused.
        reply = api->call(u"password.change"_s, {{u"password"_s, u"not the password"_s}, {u"new_password"_s, AdminPassword}});
        QCOMPARE(reply.error, QString(proto::errors::Unauthorized));
        reply = api->call(u"password.change"_s, {{u"password"_s, m_initialPassword}, {u"new_password"_s, u"short"_s}});
        QCOMPARE(reply.error, QString(proto::errors::InvalidArgument));
        reply = api->call(u"password.change"_s, {{u"password"_s, m_initialPassword}, {u"new_password"_s, AdminPassword}});
        QVERIFY2(reply.ok, qPrintable(reply.message));
        QVERIFY(!reply.result.value("must_change_password"_L1).toBool());
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        QVERIFY(!QFile::exists(QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s)));

        QVERIFY(api->call(u"status"_s).ok);
        // The limited token went with the password change; the default credential no longer works.
        reply = api->client->call(u"status"_s, limitedToken, {}, WaitMs);
        QCOMPARE(reply.error, QString(proto::errors::Unauthorized));
        auto other = connectApi(m_address, m_daemon->fingerprint());
        QVERIFY(other);
        reply = other->call(u"login"_s, loginArgs(u"admin"_s, m_initialPassword));
        QCOMPARE(reply.error, QString(proto::errors::Unauthorized));
        m_api = std::move(api);
    }

    void planesAreSeparate()
    {
        // An admin frame on the device port: the device decoder does not know it.
        QWebSocket device;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        device.setSslConfiguration(tls);
        QSignalSpy deviceConnected(&device, &QWebSocket::connected);
        QSignalSpy deviceFrames(&device, &QWebSocket::binaryMessageReceived);
        device.open(m_daemon->url());
        QVERIFY(deviceConnected.wait(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(deviceFrames.size() >= 1, WaitMs);   // hello
        proto::Request login{1, u"login"_s, {}, loginArgs(u"admin"_s, AdminPassword)};
        device.sendBinaryMessage(proto::encodeRequest(login));
        QTRY_VERIFY_WITH_TIMEOUT(deviceFrames.size() >= 2, WaitMs);
        auto frame = protocol::decode(deviceFrames.at(1).at(0).toByteArray(), protocol::Direction::ServerToClient);
        QVERIFY(std::holds_alternative<protocol::Frame>(frame));
        QCOMPARE(std::get<protocol::Frame>(frame).type, u"error"_s);
        device.close();

        // A device frame on the admin port: refused as bad_request; so are garbage and unknown calls.
        QWebSocket admin;
        admin.setSslConfiguration(tls);
        QSignalSpy adminConnected(&admin, &QWebSocket::connected);
        QSignalSpy adminFrames(&admin, &QWebSocket::binaryMessageReceived);
        admin.open(QUrl(u"wss://%1/"_s.arg(m_address)));
        QVERIFY(adminConnected.wait(WaitMs));
        protocol::Frame deviceLogin(u"login"_s, 7);
        deviceLogin.set("user"_L1, u"admin"_s);
        admin.sendBinaryMessage(protocol::encode(deviceLogin));
        admin.sendBinaryMessage(QByteArray("\xff\x00garbage", 9));
        admin.sendBinaryMessage(proto::encodeRequest(proto::Request{9, u"user.frobnicate"_s, {}, {}}));
        admin.sendBinaryMessage(proto::encodeRequest(proto::Request{10, u"status"_s, {}, {}}));
        QTRY_COMPARE_WITH_TIMEOUT(adminFrames.size(), 4, WaitMs);
        const QStringList expected = {proto::errors::BadRequest, proto::errors::BadRequest, proto::errors::UnknownCall,
                                      proto::errors::Unauthorized};
        for (int i = 0; i < 4; ++i) {
            auto r = proto::decodeResponse(adminFrames.at(i).at(0).toByteArray());
            QVERIFY(std::holds_alternative<proto::Response>(r));
            QCOMPARE(std::get<proto::Response>(r).error, expected.at(i));
        }
        // Arguments are checked against the call table.
        auto r = m_api->call(u"user.show"_s, {{u"name"_s, 5}});
        QCOMPARE(r.error, QString(proto::errors::BadRequest));
        r = m_api->call(u"user.show"_s, {{u"nom"_s, u"x"_s}});
        QCOMPARE(r.error, QString(proto::errors::BadRequest));
        admin.close();
    }

    void usersEndToEnd()
    {
        auto r = m_api->call(u"user.create"_s, {{u"name"_s, u"alice"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        const QString code = r.result.value("code"_L1).toString();
        m_secrets << code;
        const QUrl link(r.result.value("link"_L1).toString());
        QCOMPARE(link.scheme(), u"parley"_s);
        QCOMPARE(link.host(), u"enroll"_s);
        const QUrlQuery query(link);
        QCOMPARE(query.queryItemValue(u"user"_s), u"alice"_s);
        QCOMPARE(query.queryItemValue(u"code"_s), code);
        QCOMPARE(query.queryItemValue(u"fp"_s), m_daemon->fingerprint());
        QCOMPARE(query.queryItemValue(u"server"_s), u"127.0.0.1:%1"_s.arg(m_daemon->port()));
        QCOMPARE(m_api->call(u"user.create"_s, {{u"name"_s, u"alice"_s}}).error, QString(proto::errors::Conflict));
        QCOMPARE(m_api->call(u"user.create"_s, {{u"name"_s, u"Not Valid"_s}}).error, QString(proto::errors::InvalidArgument));
        QCOMPARE(m_api->call(u"user.code"_s, {{u"name"_s, u"nobody"_s}}).error, QString(proto::errors::NotFound));

        Device bob(*m_daemon, u"bob"_s);
        QVERIFY(bob.enroll());
        r = m_api->call(u"user.code"_s, {{u"name"_s, u"bob"_s}});
        QVERIFY(r.ok);
        m_secrets << r.result.value("code"_L1).toString();

        r = m_api->call(u"user.list"_s);
        QVERIFY(r.ok);
        QStringList names;
        for (const QCborValue &u : r.result.value("users"_L1).toArray())
            names << u.toMap().value("name"_L1).toString() + u'/' + u.toMap().value("state"_L1).toString();
        QVERIFY2(names.contains(u"alice/pending"_s) && names.contains(u"bob/active"_s), qPrintable(names.join(u',')));
        r = m_api->call(u"user.list"_s, {{u"search"_s, u"ob"_s}});
        QCOMPARE(r.result.value("users"_L1).toArray().size(), 1);
        r = m_api->call(u"user.show"_s, {{u"name"_s, u"bob"_s}});
        QVERIFY(r.ok);
        QCOMPARE(r.result.value("devices"_L1).toInteger(), 1);
        const QCborMap dev = r.result.value("device_list"_L1).toArray().first().toMap();
        QCOMPARE(dev.value("device"_L1).toInteger(), qint64(bob.number()));
        QVERIFY(dev.value("online"_L1).toBool());
        QCOMPARE(m_api->call(u"user.show"_s, {{u"name"_s, u"nobody"_s}}).error, QString(proto::errors::NotFound));
        QCOMPARE(m_api->call(u"user.devices"_s, {{u"name"_s, u"bob"_s}}).result.value("devices"_L1).toArray().size(), 1);

        // Suspension drops the live session at once and keeps the user out until resumed.
        QSignalSpy gone(&bob.client(), &sdk::Client::disconnected);
        r = m_api->call(u"user.suspend"_s, {{u"name"_s, u"bob"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(gone.wait(WaitMs) || !gone.isEmpty());
        QVERIFY(bob.connectRefused(u"suspended"_s));
        QVERIFY(m_api->call(u"user.resume"_s, {{u"name"_s, u"bob"_s}}).ok);
        QVERIFY(bob.connectNow());
        QCOMPARE(m_api->call(u"user.suspend"_s, {{u"name"_s, u"nobody"_s}}).error, QString(proto::errors::NotFound));

        // Revoking a device drops it and keeps it out.
        Device carol(*m_daemon, u"carol"_s);
        QVERIFY(carol.enroll());
        QSignalSpy carolGone(&carol.client(), &sdk::Client::disconnected);
        r = m_api->call(u"user.revoke_device"_s, {{u"name"_s, u"carol"_s}, {u"device"_s, qint64(carol.number())}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(carolGone.wait(WaitMs) || !carolGone.isEmpty());
        QVERIFY(carol.connectRefused(u"auth_failed"_s));
        QCOMPARE(m_api->call(u"user.revoke_device"_s, {{u"name"_s, u"carol"_s}, {u"device"_s, qint64(carol.number())}}).error,
                 QString(proto::errors::Conflict));
        QCOMPARE(m_api->call(u"user.revoke_device"_s, {{u"name"_s, u"carol"_s}, {u"device"_s, 99}}).error, QString(proto::errors::NotFound));

        // Deletion purges everything of the user and drops its session.
        Device dave(*m_daemon, u"dave"_s);
        QVERIFY(dave.enroll());
        dave.close();
        QVERIFY(!bob.sendAndWait({u"dave"_s}, u"for dave"_s).isEmpty());
        QVERIFY(dave.connectNow());
        // A room with dave in it (the rooms tables as the rooms engine keeps them).
        QVERIFY(sql({u"INSERT INTO rooms (name, title, description, expire_seconds, burn, next_seq, head, last_at, created_at) "
                     "VALUES ('lobby', 'Lobby', 'all hands', 0, 0, 2, x'00', 1, 1)"_s,
                     u"INSERT INTO room_members (room_id, user_name, admin) SELECT id, 'bob', 1 FROM rooms WHERE name = 'lobby'"_s,
                     u"INSERT INTO room_members (room_id, user_name, admin) SELECT id, 'dave', 0 FROM rooms WHERE name = 'lobby'"_s}));
        QSignalSpy daveGone(&dave.client(), &sdk::Client::disconnected);
        r = m_api->call(u"user.delete"_s, {{u"name"_s, u"dave"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("devices_removed"_L1).toInteger(), 1);
        QVERIFY(daveGone.wait(WaitMs) || !daveGone.isEmpty());
        QCOMPARE(m_api->call(u"user.show"_s, {{u"name"_s, u"dave"_s}}).error, QString(proto::errors::NotFound));
        QCOMPARE(m_api->call(u"user.delete"_s, {{u"name"_s, u"dave"_s}}).error, QString(proto::errors::NotFound));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            auto count = [&db](const QString &sql) {
                QSqlQuery q(db);
                if (!q.exec(sql) || !q.next())
                    return qint64(-1);
                return q.value(0).toLongLong();
            };
            QCOMPARE(count(u"SELECT COUNT(*) FROM users WHERE name = 'dave'"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM devices WHERE user_id NOT IN (SELECT id FROM users)"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM queue WHERE device_id NOT IN (SELECT id FROM devices)"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM prekeys WHERE device_id NOT IN (SELECT id FROM devices)"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM recovery WHERE user_id NOT IN (SELECT id FROM users)"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM enroll_codes WHERE user = 'dave'"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM room_members WHERE user_name = 'dave'"_s), 0);
            QCOMPARE(count(u"SELECT COUNT(*) FROM messages WHERE refs <= 0"_s), 0);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"inspect"_s);

        // Bulk import with bad rows: every row gets its own outcome.
        const QString csv = u"name\nerin\nNot Valid\nerin\nbob\n\nfrank,extra\n\"gina\"\n"_s;
        r = m_api->call(u"user.import"_s, {{u"csv"_s, csv}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("created"_L1).toInteger(), 2);
        QCOMPARE(r.result.value("failed"_L1).toInteger(), 4);
        QStringList outcomes;
        for (const QCborValue &row : r.result.value("rows"_L1).toArray()) {
            const QCborMap m = row.toMap();
            outcomes << u"%1:%2"_s.arg(m.value("line"_L1).toInteger()).arg(m.value("outcome"_L1).toString());
            if (m.contains("code"_L1))
                m_secrets << m.value("code"_L1).toString();
        }
        QCOMPARE(outcomes, (QStringList{u"2:created"_s, u"3:invalid_argument"_s, u"4:conflict"_s, u"5:conflict"_s,
                                         u"7:invalid_argument"_s, u"8:created"_s}));
        r = m_api->call(u"user.export"_s);
        QVERIFY(r.ok);
        const QString exported = r.result.value("csv"_L1).toString();
        QVERIFY(exported.startsWith(u"name,state,devices,created_at,last_seen,queued\n"_s));
        QVERIFY(exported.contains(u"\nbob,active,1,"_s));
        QVERIFY(exported.contains(u"\nerin,pending,0,"_s));
        QVERIFY(exported.contains(u"\ncarol,active,0,"_s));

        r = m_api->call(u"status"_s);
        QVERIFY(r.ok);
        QCOMPARE(r.result.value("version"_L1).toString(), QStringLiteral(PARLEY_VERSION_STRING));
        QCOMPARE(r.result.value("connected_devices"_L1).toInteger(), 1);   // bob
        QVERIFY(r.result.value("database_bytes"_L1).toInteger() > 0);
        QVERIFY(r.result.value("certificate_days_left"_L1).toInteger() > 30);
        QVERIFY(r.result.contains("queued_messages"_L1));
        bob.close();
    }

    void roomsManagement()
    {
        auto r = m_api->call(u"rooms.defaults"_s);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("max_members"_L1).toInteger(), 1000);
        r = m_api->call(u"rooms.defaults"_s, {{u"max_members"_s, 50}, {u"default_burn"_s, true}});
        QVERIFY2(r.ok, qPrintable(r.message));
        r = m_api->call(u"rooms.defaults"_s);
        QCOMPARE(r.result.value("max_members"_L1).toInteger(), 50);
        QCOMPARE(r.result.value("default_burn"_L1).toBool(), true);
        QCOMPARE(m_api->call(u"rooms.defaults"_s, {{u"max_members"_s, 0}}).error, QString(proto::errors::InvalidArgument));
        QCOMPARE(m_api->call(u"rooms.defaults"_s, {{u"default_burn"_s, 1}}).error, QString(proto::errors::BadRequest));

        r = m_api->call(u"rooms.list"_s);
        QVERIFY(r.ok);
        const QCborArray rooms = r.result.value("rooms"_L1).toArray();
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms.first().toMap().value("room"_L1).toString(), u"lobby"_s);
        QCOMPARE(rooms.first().toMap().value("members"_L1).toInteger(), 1);   // dave went with his account
        r = m_api->call(u"rooms.show"_s, {{u"room"_s, u"lobby"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("title"_L1).toString(), u"Lobby"_s);
        QCOMPARE(r.result.value("member_count"_L1).toInteger(), 1);
        QCOMPARE(r.result.value("admin_count"_L1).toInteger(), 1);
        QCOMPARE(m_api->call(u"rooms.list"_s, {{u"search"_s, u"zzz"_s}}).result.value("rooms"_L1).toArray().size(), 0);
        QVERIFY(m_api->call(u"rooms.delete"_s, {{u"room"_s, u"lobby"_s}}).ok);
        QCOMPARE(m_api->call(u"rooms.show"_s, {{u"room"_s, u"lobby"_s}}).error, QString(proto::errors::NotFound));
        QCOMPARE(m_api->call(u"rooms.delete"_s, {{u"room"_s, u"lobby"_s}}).error, QString(proto::errors::NotFound));
        QVERIFY(m_api->call(u"rooms.defaults"_s, {{u"max_members"_s, 1000}, {u"default_burn"_s, false}}).ok);
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

    void bruteForceIsLockedOut()
    {
        QVERIFY(m_api->call(u"admin.create"_s, {{u"name"_s, u"victim"_s}, {u"password"_s, OpsPassword}}).ok);
        auto api = connectApi(m_address, m_daemon->fingerprint());
        QVERIFY(api);
        QCOMPARE(api->call(u"login"_s, loginArgs(u"victim"_s, u"guess number 1"_s)).error, QString(proto::errors::Unauthorized));
        QCOMPARE(api->call(u"login"_s, loginArgs(u"victim"_s, u"guess number 2"_s)).error, QString(proto::errors::Unauthorized));
        QCOMPARE(api->call(u"login"_s, loginArgs(u"victim"_s, u"guess number 3"_s)).error, QString(proto::errors::LockedOut));
        // Locked: even the right password is refused until the lockout ends.
        QCOMPARE(api->call(u"login"_s, loginArgs(u"victim"_s, OpsPassword)).error, QString(proto::errors::LockedOut));
        QCOMPARE(m_api->call(u"admin.list"_s).result.value("admins"_L1).toArray().last().toMap().value("locked"_L1).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(api->call(u"login"_s, loginArgs(u"victim"_s, OpsPassword)).ok, WaitMs);
        // Unknown names fail the same way as wrong passwords.
        QCOMPARE(api->call(u"login"_s, loginArgs(u"nobody"_s, OpsPassword)).error, QString(proto::errors::Unauthorized));
        QVERIFY(m_api->call(u"admin.delete"_s, {{u"name"_s, u"victim"_s}}).ok);
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

    void hostResetPassword()
    {
        const QStringList out = m_daemon->run({u"admin"_s, u"reset-password"_s, u"rescue"_s});
        QCOMPARE(out.size(), 2);
        const QString password = out.at(1);
        m_secrets << password;
        auto api = loggedIn(u"rescue"_s, password);
        QVERIFY(api);
        QCOMPARE(api->call(u"status"_s).error, QString(proto::errors::PasswordChangeRequired));
        QVERIFY(m_api->call(u"admin.delete"_s, {{u"name"_s, u"rescue"_s}}).ok);
        QProcess bad;
        bad.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, m_daemon->configFile(), u"admin"_s, u"reset-password"_s});
        QVERIFY(bad.waitForFinished(WaitMs));
        QVERIFY(bad.exitCode() != 0);
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

    void auditLog()
    {
        auto r = m_api->call(u"audit.show"_s, {{u"actor"_s, u"admin"_s}, {u"action"_s, u"user"_s}});
        QVERIFY(r.ok);
        QStringList seen;
        for (const QCborValue &v : r.result.value("records"_L1).toArray()) {
            const QCborMap m = v.toMap();
            QCOMPARE(m.value("actor"_L1).toString(), u"admin"_s);
            QVERIFY(m.value("action"_L1).toString().startsWith(u"user."_s));
            seen << u"%1 %2 %3"_s.arg(m.value("action"_L1).toString(), m.value("target"_L1).toString(), m.value("outcome"_L1).toString());
        }
        QVERIFY2(seen.contains(u"user.suspend bob ok"_s), qPrintable(seen.join(u'\n')));
        QVERIFY(seen.contains(u"user.delete dave ok"_s));
        QVERIFY(seen.contains(u"user.create alice conflict"_s));
        r = m_api->call(u"audit.show"_s, {{u"action"_s, u"login"_s}});
        bool lockout = false;
        for (const QCborValue &v : r.result.value("records"_L1).toArray())
            lockout = lockout || (v.toMap().value("actor"_L1).toString() == u"victim"_s && v.toMap().value("outcome"_L1).toString() == u"locked_out"_s);
        QVERIFY(lockout);
        r = m_api->call(u"audit.export"_s);
        QVERIFY(r.ok);
        const QString csv = r.result.value("csv"_L1).toString();
        QVERIFY(csv.startsWith(u"id,time,actor,action,target,outcome\n"_s));
        QVERIFY(csv.contains(u",host,admin.reset_password,rescue,ok"_s));
        for (const QString &secret : std::as_const(m_secrets))
            QVERIFY(!csv.contains(secret));
        // Append-only even for someone with the database file.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"audit"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(!q.exec(u"DELETE FROM audit_log"_s));
            QVERIFY(!q.exec(u"UPDATE audit_log SET outcome = 'ok'"_s));
        }
        QSqlDatabase::removeDatabase(u"audit"_s);
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

    // Last: the installed certificate replaces the one every later connection sees.
    void certificateReplacementKeepsDevices()
    {
        Device bob(*m_daemon, u"ivan"_s);
        QVERIFY(bob.enroll());
        QVERIFY(bob.online());
        QSignalSpy dropped(&bob.client(), &sdk::Client::disconnected);

        auto r = m_api->call(u"cert.csr"_s, {{u"common_name"_s, u"parley.example"_s}, {u"dns"_s, u"parley.example,chat.example"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(r.result.value("csr"_L1).toString().startsWith(u"-----BEGIN CERTIFICATE REQUEST-----"_s));

        auto fresh = crypto::generateSelfSignedCertificate(u"replacement"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, 90);
        QVERIFY(fresh);
        auto other = crypto::generateSelfSignedCertificate(u"other"_s, {u"localhost"_s}, {}, 90);
        QVERIFY(other);
        const QString certPem = QString::fromLatin1(fresh->certificatePem);
        const QString keyPem = QString::fromLatin1(fresh->privateKeyPem.view().toByteArray());
        QCOMPARE(m_api->call(u"cert.install"_s, {{u"certificate"_s, certPem}, {u"private_key"_s, QString::fromLatin1(other->privateKeyPem.view().toByteArray())}}).error,
                 QString(proto::errors::InvalidArgument));
        QCOMPARE(m_api->call(u"cert.install"_s, {{u"certificate"_s, certPem + QString::fromLatin1(other->certificatePem)}, {u"private_key"_s, keyPem}}).error,
                 QString(proto::errors::InvalidArgument));
        QCOMPARE(m_api->call(u"cert.install"_s, {{u"certificate"_s, u"not pem"_s}, {u"private_key"_s, keyPem}}).error,
                 QString(proto::errors::InvalidArgument));
        r = m_api->call(u"cert.install"_s, {{u"certificate"_s, certPem}, {u"private_key"_s, keyPem}});
        QVERIFY2(r.ok, qPrintable(r.message));
        const QString newFingerprint = r.result.value("fingerprint"_L1).toString();
        QCOMPARE(newFingerprint, QString::fromLatin1(QSslCertificate(fresh->certificatePem).digest(QCryptographicHash::Sha256).toHex()));
        QVERIFY((QFileInfo(m_daemon->dataDir() + u"/tls/server.key"_s).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)) == 0);

        // New connections get the new certificate; the connected device stays.
        QSslSocket probe;
        probe.setPeerVerifyMode(QSslSocket::VerifyNone);
        probe.connectToHostEncrypted(u"127.0.0.1"_s, m_daemon->port());
        QVERIFY(probe.waitForEncrypted(WaitMs));
        QCOMPARE(QString::fromLatin1(probe.peerCertificate().digest(QCryptographicHash::Sha256).toHex()), newFingerprint);
        probe.close();
        QVERIFY(!bob.sendAndWait({u"bob"_s}, u"still connected"_s).isEmpty());
        QVERIFY(dropped.isEmpty());
        QVERIFY(bob.online());
        auto api = connectApi(m_address, newFingerprint);
        QVERIFY(api);
        QVERIFY(!connectApi(m_address, m_daemon->fingerprint()));
        api->token = m_api->token;
        r = api->call(u"cert.show"_s);
        QCOMPARE(r.result.value("fingerprint"_L1).toString(), newFingerprint);
        QVERIFY(r.result.value("warning"_L1).isUndefined());
        QVERIFY(api->call(u"cert.reload"_s).ok);
        bob.close();
    }

    // Everything the daemon wrote during the run: no passwords, codes, tokens, secrets, and no addresses in logs.
    void logsHoldNoSecrets()
    {
        QVERIFY(m_daemon->terminate());
        const QByteArray all = m_daemon->everythingWritten();
        QVERIFY(!all.isEmpty());
        for (const QString &secret : std::as_const(m_secrets)) {
            if (secret.isEmpty())
                continue;
            QVERIFY2(!all.contains(secret.toUtf8()), qPrintable(u"found a secret of %1 bytes"_s.arg(secret.size())));
        }
        const QByteArray logs = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
        for (const QString &secret : std::as_const(m_logSecrets))
            QVERIFY(!logs.contains(secret.toUtf8()));
        QVERIFY(!Daemon::readFile(m_daemon->stderrFile()).contains("127.0.0.1"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"events"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT COUNT(*), SUM(message LIKE '%127.0.0.1%') FROM event_log"_s));
            QVERIFY(q.next());
            QVERIFY(q.value(0).toLongLong() > 0);
            QCOMPARE(q.value(1).toLongLong(), 0);
            QString stored;
            QVERIFY(q.exec(u"SELECT message FROM event_log"_s));
            while (q.next())
                stored += q.value(0).toString();
            for (const QString &secret : std::as_const(m_logSecrets))
                QVERIFY(!stored.contains(secret));
        }
        QSqlDatabase::removeDatabase(u"events"_s);
    }
};

QTEST_MAIN(TestAdmin)
#include "tst_admin.moc"
