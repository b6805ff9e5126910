// The admin API end to end, its users' side: a real parleyd child process over real TLS, the admin client parleyctl
// uses and the real SDK for devices. The default credential, the separation of the planes, users and rooms, the
// lockout, the host's password reset, the audit log and the certificate replacement. Admin accounts, tokens, logging
// and parleyctl run in tst_adminaccounts.

#include "adminfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

class TestAdminUsers : public AdminTest {
    Q_OBJECT

private:
    QList<QByteArray> m_credentials;   // resumption credentials handed out: never in the logs, the database only hashed

    // The welcome frames a device got since `from`: how many, and the resumption credentials among them.
    static QList<protocol::Frame> welcomes(const Device &d, qsizetype from = 0)
    {
        QList<protocol::Frame> found;
        for (qsizetype i = from; i < d.frames.size(); ++i) {
            if (d.frames.at(i).type == u"welcome"_s)
                found.append(d.frames.at(i));
        }
        return found;
    }

    static bool refusedResumption(const Device &d, qsizetype from)
    {
        for (qsizetype i = from; i < d.frames.size(); ++i) {
            const protocol::Frame &f = d.frames.at(i);
            if (f.type == u"error"_s && f.text("code"_L1) == u"resume_failed"_s)
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
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

        // Every call the server's dispatch table handles, so that a new call is covered without editing this test.
        int tried = 0;
        const QStringList handled = server::AdminServer::handledCalls();
        QVERIFY(handled.size() > 2);
        for (const QString &name : handled) {
            const proto::Call *call = proto::findCall(name);
            QVERIFY2(call, qPrintable(name));
            if (name == u"login"_s || name == u"password.change"_s) {
                QCOMPARE_NE(int(call->access), int(proto::Access::Full));
                continue;
            }
            const auto r = api->call(name);
            QVERIFY2(!r.ok && r.error == proto::errors::PasswordChangeRequired,
                     qPrintable(u"%1 answered %2"_s.arg(name, r.ok ? u"ok"_s : r.error)));
            ++tried;
        }
        QCOMPARE(tried, handled.size() - 2);   // all but login and password.change

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
        QVERIFY(!gone.isEmpty() || gone.wait(WaitMs));
        QVERIFY(bob.connectRefused(u"suspended"_s));
        QVERIFY(m_api->call(u"user.resume"_s, {{u"name"_s, u"bob"_s}}).ok);
        QVERIFY(bob.connectNow());
        QCOMPARE(m_api->call(u"user.suspend"_s, {{u"name"_s, u"nobody"_s}}).error, QString(proto::errors::NotFound));

        // Revoking a device drops it and keeps it out.
        Device carol(*m_daemon, u"carol"_s);
        QVERIFY(carol.enroll());
        QVERIFY(!bob.sendAndWait({u"carol"_s}, u"before the revocation"_s).isEmpty());   // the server knows carol's devices
        QSignalSpy carolGone(&carol.client(), &sdk::Client::disconnected);
        r = m_api->call(u"user.revoke_device"_s, {{u"name"_s, u"carol"_s}, {u"device"_s, qint64(carol.number())}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(!carolGone.isEmpty() || carolGone.wait(WaitMs));
        // The very next send leaves the revoked device out, whatever its outcome: nothing is queued for it.
        bob.sendAndWait({u"carol"_s}, u"after the revocation"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"revoked"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM queue WHERE device_id IN (SELECT id FROM devices WHERE revoked = 1)"_s));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"revoked"_s);
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
        QVERIFY(!daveGone.isEmpty() || daveGone.wait(WaitMs));
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

    // The SDK resumes with the credential kept in the profile (across a restart of the program), and after the
    // administrator signed the user out it is refused, and the SDK logs in with the device key on its own.
    void signOutEverywhere()
    {
        Device erin(*m_daemon, u"erin"_s);
        QVERIFY(erin.enroll());
        auto w = welcomes(erin);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w.first().bytes("resume"_L1).size(), 32);
        m_credentials << w.first().bytes("resume"_L1);

        erin.close();   // the profile is closed too: the credential comes back from disk
        qsizetype mark = erin.frames.size();
        QVERIFY(erin.connectNow());
        w = welcomes(erin, mark);
        QCOMPARE(w.size(), 1);
        QVERIFY(!w.first().has("resume"_L1));   // resumed: no new credential
        QVERIFY(!refusedResumption(erin, mark));

        QSignalSpy gone(&erin.client(), &sdk::Client::disconnected);
        auto r = m_api->call(u"user.sign_out"_s, {{u"name"_s, u"erin"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(!gone.isEmpty() || gone.wait(WaitMs));
        erin.errors.clear();   // the dropped session's close
        mark = erin.frames.size();
        QVERIFY(erin.connectNow());
        QVERIFY(refusedResumption(erin, mark));
        w = welcomes(erin, mark);
        QCOMPARE(w.size(), 1);
        QCOMPARE(w.first().bytes("resume"_L1).size(), 32);   // a challenge login, with a fresh credential
        QVERIFY(!m_credentials.contains(w.first().bytes("resume"_L1)));
        m_credentials << w.first().bytes("resume"_L1);
        QVERIFY2(erin.errors.isEmpty(), qPrintable(erin.errors.value(0).second));   // the user saw nothing

        QCOMPARE(m_api->call(u"user.sign_out"_s, {{u"name"_s, u"nobody"_s}}).error, QString(proto::errors::NotFound));
        erin.close();
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
        QVERIFY(seen.contains(u"user.sign_out erin ok"_s));
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

    void logsHoldNoSecrets()
    {
        for (const QByteArray &credential : std::as_const(m_credentials))
            m_secrets << QString::fromLatin1(credential.toHex()) << QString::fromLatin1(credential.toBase64());
        checkLogsHoldNoSecrets();
        const QByteArray all = m_daemon->everythingWritten();
        QVERIFY(!m_credentials.isEmpty());
        for (const QByteArray &credential : std::as_const(m_credentials))
            QVERIFY(!all.contains(credential));
    }
};

QTEST_MAIN(TestAdminUsers)
#include "tst_adminusers.moc"
