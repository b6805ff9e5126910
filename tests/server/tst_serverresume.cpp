// Resumed logins against a real parleyd-core instance in this process (docs/protocol.md "Resumed login"): a challenge
// login hands out a credential, a login with it (and without any signature) succeeds and writes nothing, and every
// credential that is wrong, expired, another device's, or revoked (device revoked, user suspended, deleted or signed
// out) is refused with resume_failed while the challenge stays usable on the same connection.

#include "serverfixture.h"

#include "store/adminstore.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_ServerResume : public ServerTest {
    Q_OBJECT

private:
    // A challenge login on a fresh connection; `credential` gets the welcome's resumption credential.
    std::unique_ptr<TestClient> challengeLogin(Server &server, const TestDevice &device, QByteArray *credential,
                                               quint64 *expiresAt = nullptr)
    {
        Frame welcome;
        auto client = welcomed(server, device, &welcome);
        if (!client)
            return nullptr;
        *credential = welcome.bytes("resume"_L1);
        if (expiresAt)
            *expiresAt = welcome.uint("resume_exp"_L1);
        return client;
    }

    static Frame resumeFrame(quint64 id, const TestDevice &device, const QByteArray &credential)
    {
        Frame f(u"login"_s, id);
        f.set("user"_L1, device.user);
        f.set("device"_L1, qint64(device.number));
        f.set("resume"_L1, credential);
        return f;
    }

    // Rows the writer's connection has changed since it opened (sqlite3_total_changes). Runs on the writer after
    // every write queued before it, so whatever a login queued is counted.
    static qint64 writerChanges(Server &server)
    {
        const auto changes = server.store()->writeSync<qint64>([](Db &db) -> Result<qint64> {
            QSqlQuery q(db.database());
            if (!q.exec(u"SELECT total_changes()"_s) || !q.next())
                return makeError(ErrorCode::Database, u"total_changes() failed"_s);
            return q.value(0).toLongLong();
        });
        return changes ? *changes : -1;
    }

    // A device enrolled (with its first challenge login done) and its current resumption credential.
    struct Enrolled {
        TestDevice device;
        QByteArray credential;
    };
    std::optional<Enrolled> enrolledWithCredential(const QString &user, const crypto::EcKey &root = {})
    {
        Enrolled e{TestDevice::create(user, root), {}};
        if (!enrollAndLogin(*m_server, e.device))
            return std::nullopt;
        if (!challengeLogin(*m_server, e.device, &e.credential) || e.credential.size() != 32)
            return std::nullopt;
        writerChanges(*m_server);   // the credential's hash is committed
        return e;
    }

    // Presents `credential` for `device` and expects resume_failed with the connection still open; then logs in
    // with the challenge on the same connection (what the SDK does) and expects `afterwards` ("welcome" or a code).
    void expectRefused(const TestDevice &device, const QByteArray &credential, const QString &afterwards = u"welcome"_s)
    {
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(4, device, credential));
        const auto refused = client->reply(4, WaitMs);
        QCOMPARE(errorCode(refused), u"resume_failed"_s);
        QVERIFY(!refused->text("msg"_L1).isEmpty());
        QVERIFY(!client->isClosed());
        client->send(device.loginFrame(5, client->hello().bytes("ch"_L1)));
        QCOMPARE(errorCode(client->reply(5, WaitMs)), afterwards);
    }

    Status admin(const std::function<Status(AdminStore &)> &op)
    {
        const auto done = m_server->store()->writeSync<bool>([&op](Db &db) -> Result<bool> {
            AdminStore store(db);
            if (Status s = op(store); !s)
                return s.error();
            return true;
        });
        return done ? Status() : Status(done.error());
    }

private Q_SLOTS:
    void challengeLoginIssuesACredential()
    {
        auto e = enrolledWithCredential(u"issue"_s);
        QVERIFY(e);
        QByteArray second;
        quint64 expiresAt = 0;
        QVERIFY(challengeLogin(*m_server, e->device, &second, &expiresAt));
        // A fresh one each challenge login, replacing the one before; stored only as its SHA-256.
        QCOMPARE(second.size(), 32);
        QVERIFY(second != e->credential);
        const qint64 lifetimeMs = m_server->config().limits.resumeLifetimeSeconds * 1000;
        QVERIFY(qint64(expiresAt) > QDateTime::currentMSecsSinceEpoch() + lifetimeMs - 600000);
        QVERIFY(qint64(expiresAt) <= QDateTime::currentMSecsSinceEpoch() + lifetimeMs);
        writerChanges(*m_server);
        const auto stored = m_server->store()->reader().resumeCredential(m_server->store()->reader().device(
            m_server->store()->reader().userByName(u"issue"_s)->id, e->device.number)->id);
        QVERIFY(stored && *stored);
        QCOMPARE((*stored)->hash, crypto::sha256(second));
        QCOMPARE((*stored)->expiresAt, qint64(expiresAt));
        expectRefused(e->device, e->credential);
    }

    // The login frame carries no signature at all, so the server cannot have checked one; the session is a full one.
    void resumedLoginSkipsTheSignatureAndWritesNothing()
    {
        auto e = enrolledWithCredential(u"resumer"_s);
        QVERIFY(e);
        const qint64 before = writerChanges(*m_server);
        QVERIFY(before >= 0);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(2, e->device, e->credential));
        const auto welcome = client->reply(2, WaitMs);
        QCOMPARE(errorCode(welcome), u"welcome"_s);
        QVERIFY(!welcome->has("resume"_L1));   // no rotation on a resumed login: that would be a write
        QVERIFY(client->next(u"synced"_s, WaitMs));
        client->send(Frame(u"devices"_s, 3).set("users"_L1, QCborArray{e->device.user}));
        QCOMPARE(errorCode(client->reply(3, WaitMs)), u"device_list"_s);
        QCOMPARE(writerChanges(*m_server), before);

        // The same credential again (a second reconnect) still works; a challenge login does write.
        auto again = connectTo(*m_server);
        QVERIFY(again);
        again->send(resumeFrame(2, e->device, e->credential));
        QCOMPARE(errorCode(again->reply(2, WaitMs)), u"welcome"_s);
        QCOMPARE(writerChanges(*m_server), before);
        QByteArray fresh;
        QVERIFY(challengeLogin(*m_server, e->device, &fresh));
        QVERIFY(writerChanges(*m_server) > before);
    }

    // The last login the admin API shows is kept to the day: a resumed login records it only when it is a day old.
    // A resumed login does not decode the device key (it verifies nothing with it); the first prekey upload does,
    // and checks every prekey signature under it as after a challenge login.
    void resumedSessionChecksPrekeySignatures()
    {
        auto e = enrolledWithCredential(u"uploader"_s);
        QVERIFY(e);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(2, e->device, e->credential));
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"welcome"_s);
        QVERIFY(client->next(u"synced"_s, WaitMs));
        const TestDevice other = TestDevice::create(u"someone"_s);
        Frame forged(u"prekeys"_s, 4);
        forged.set("keys"_L1, QCborArray{other.prekey(7)});
        client->send(forged);
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"bad_signature"_s);
        QVERIFY(uploadPrekeys(*client, e->device, 1, 5, false));
    }

    void resumedLoginRecordsAStaleLastLogin()
    {
        auto e = enrolledWithCredential(u"stale"_s);
        QVERIFY(e);
        const auto setLastSeen = m_server->store()->writeSync<bool>([](Db &db) -> Result<bool> {
            QSqlQuery q(db.database());
            return q.exec(u"UPDATE devices SET last_seen = 1 WHERE user_id = (SELECT id FROM users WHERE name = 'stale')"_s)
                && q.numRowsAffected() == 1;
        });
        QVERIFY(setLastSeen.valueOr(false));
        const qint64 before = writerChanges(*m_server);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(2, e->device, e->credential));
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"welcome"_s);
        QCOMPARE(writerChanges(*m_server), before + 1);
        Db &reader = m_server->store()->reader();
        const auto device = reader.device(reader.userByName(u"stale"_s)->id, e->device.number);
        QVERIFY(device);
        QVERIFY(device->lastSeen > QDateTime::currentMSecsSinceEpoch() - 600000);
    }

    void wrongCredentialIsRefused()
    {
        auto e = enrolledWithCredential(u"wrong"_s);
        QVERIFY(e);
        QByteArray wrong = e->credential;
        wrong[0] = char(wrong[0] ^ 1);
        expectRefused(e->device, wrong);
        // Unknown users and devices get the same answer.
        TestDevice stranger = TestDevice::create(u"stranger"_s);
        stranger.number = 1;
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(4, stranger, e->credential));
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"resume_failed"_s);
    }

    void oneResumptionAttemptPerConnection()
    {
        auto e = enrolledWithCredential(u"twice"_s);
        QVERIFY(e);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(4, e->device, crypto::randomBytes(32)));
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"resume_failed"_s);
        client->send(resumeFrame(5, e->device, e->credential));
        QCOMPARE(errorCode(client->reply(5, WaitMs)), u"resume_failed"_s);
        QVERIFY(client->waitClosed(WaitMs));
    }

    void loginNeedsExactlyOneOfSigAndResume()
    {
        auto e = enrolledWithCredential(u"both"_s);
        QVERIFY(e);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        Frame neither(u"login"_s, 4);
        neither.set("user"_L1, e->device.user).set("device"_L1, qint64(e->device.number));
        client->send(neither);
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"bad_field"_s);
        Frame both = e->device.loginFrame(5, client->hello().bytes("ch"_L1));
        both.set("resume"_L1, e->credential);
        client->send(both);
        QCOMPARE(errorCode(client->reply(5, WaitMs)), u"bad_field"_s);
        // Refused like a malformed frame: the challenge is still there.
        client->send(e->device.loginFrame(6, client->hello().bytes("ch"_L1)));
        QCOMPARE(errorCode(client->reply(6, WaitMs)), u"welcome"_s);
    }

    void expiredCredentialIsRefused()
    {
        auto e = enrolledWithCredential(u"expired"_s);
        QVERIFY(e);
        const auto expire = [this] {
            return m_server->store()->writeSync<bool>([](Db &db) -> Result<bool> {
                QSqlQuery q(db.database());
                if (!q.exec(u"UPDATE resume_credentials SET expires_at = 1 WHERE user_id = "
                            "(SELECT id FROM users WHERE name = 'expired')"_s))
                    return makeError(ErrorCode::Database, u"update failed"_s);
                return q.numRowsAffected() == 1;
            });
        };
        QVERIFY(expire().valueOr(false));
        expectRefused(e->device, e->credential);
        // The sweep removes expired credentials (the challenge login above stored a fresh one).
        QVERIFY(expire().valueOr(false));
        QCOMPARE(m_server->store()->writeSync<int>([](Db &db) { return db.purgeResumeCredentials(2); }).valueOr(0), 1);
    }

    void anotherDevicesCredentialIsRefused()
    {
        auto first = enrolledWithCredential(u"twodev"_s);
        QVERIFY(first);
        auto second = enrolledWithCredential(u"twodev"_s, first->device.root);
        QVERIFY(second);
        QVERIFY(first->device.number != second->device.number);
        expectRefused(second->device, first->credential);
        expectRefused(first->device, second->credential);
    }

    void revokedDeviceIsRefused()
    {
        auto e = enrolledWithCredential(u"revoked"_s);
        QVERIFY(e);
        QVERIFY(admin([&](AdminStore &s) -> Status {
            auto id = s.revokeDevice(u"revoked"_s, e->device.number);
            return id ? Status() : Status(id.error());
        }));
        expectRefused(e->device, e->credential, u"auth_failed"_s);
    }

    void suspendedUserIsRefused()
    {
        auto e = enrolledWithCredential(u"suspended"_s);
        QVERIFY(e);
        QVERIFY(admin([](AdminStore &s) -> Status {
            auto ids = s.setSuspended(u"suspended"_s, true);
            return ids ? Status() : Status(ids.error());
        }));
        expectRefused(e->device, e->credential, u"suspended"_s);
        // Lifting the suspension does not bring the credential back.
        QVERIFY(admin([](AdminStore &s) -> Status {
            auto ids = s.setSuspended(u"suspended"_s, false);
            return ids ? Status() : Status(ids.error());
        }));
        expectRefused(e->device, e->credential);
    }

    void deletedUserIsRefused()
    {
        auto e = enrolledWithCredential(u"deleted"_s);
        QVERIFY(e);
        QVERIFY(admin([](AdminStore &s) -> Status {
            auto ids = s.deleteUser(u"deleted"_s);
            return ids ? Status() : Status(ids.error());
        }));
        expectRefused(e->device, e->credential, u"auth_failed"_s);
    }

    void signedOutUserIsRefused()
    {
        auto e = enrolledWithCredential(u"signedout"_s);
        QVERIFY(e);
        auto second = enrolledWithCredential(u"signedout"_s, e->device.root);
        QVERIFY(second);
        auto other = enrolledWithCredential(u"bystander"_s);
        QVERIFY(other);
        QVERIFY(admin([](AdminStore &s) -> Status {
            auto ids = s.signOut(u"signedout"_s);
            return ids ? Status() : Status(ids.error());
        }));
        expectRefused(e->device, e->credential);
        expectRefused(second->device, second->credential);
        // Another user's credential is untouched.
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->send(resumeFrame(2, other->device, other->credential));
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"welcome"_s);
    }

    void noCredentialWhenTheLifetimeIsZero()
    {
        Config config = baseConfig(u"noresume"_s);
        config.limits.resumeLifetimeSeconds = 0;
        auto server = startServer(config);
        QVERIFY(server);
        TestDevice d = TestDevice::create(u"plain"_s);
        QVERIFY(enrollAndLogin(*server, d));
        QByteArray credential = "unset";
        QVERIFY(challengeLogin(*server, d, &credential));
        QVERIFY(credential.isEmpty());
        auto client = connectTo(*server);
        QVERIFY(client);
        client->send(resumeFrame(4, d, crypto::randomBytes(32)));
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"resume_failed"_s);
        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
    }
};

QTEST_GUILESS_MAIN(tst_ServerResume)
#include "tst_serverresume.moc"
