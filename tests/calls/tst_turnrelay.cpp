// TURN credentials end to end with a real coturn: a turnserver started on loopback with a configuration of the
// test's own (use-auth-secret), parleyd configured through parleyctl, credentials fetched over the wire with the
// SDK and `parley turn`, and turnutils_uclient allocating with them. Also: a wrong password and expired
// credentials are refused by the relay, the TURN user name carries no user name, turn.show never returns the
// secret, and neither parleyd's logs nor its database hold a TURN password.

#include "../admin/adminfixture.h"
#include "../e2e/clirun.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

const QString Secret = u"coturn-shared-secret-0123456789"_s;

// A port free for both UDP and TCP on loopback now (coturn listens on both).
quint16 freePort()
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        QTcpServer tcp;
        if (!tcp.listen(QHostAddress::LocalHost, 0))
            continue;
        QUdpSocket udp;
        if (udp.bind(QHostAddress::LocalHost, tcp.serverPort()))
            return tcp.serverPort();
    }
    return 0;
}

// turnserver on 127.0.0.1 with the REST API shared secret, as docs/calls.md configures it.
class Coturn {
public:
    ~Coturn() { stop(); }

    quint16 port() const { return m_port; }
    QString logFile() const { return m_dir.filePath(u"turn.log"_s); }

    bool start()
    {
        const QString binary = QStandardPaths::findExecutable(u"turnserver"_s);
        if (binary.isEmpty() || !m_dir.isValid()) {
            qWarning() << "turnserver not found (Debian package coturn; scripts/deps.sh test)";
            return false;
        }
        m_port = freePort();
        // A relay port range of its own, so that tests running side by side rarely meet.
        const int low = 49152 + int(QRandomGenerator::global()->bounded(150)) * 100;
        QFile conf(m_dir.filePath(u"turnserver.conf"_s));
        if (m_port == 0 || !conf.open(QIODevice::WriteOnly))
            return false;
        conf.write(u"listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nlistening-port=%1\nmin-port=%2\nmax-port=%3\n"
                   "use-auth-secret\nstatic-auth-secret=%4\nrealm=parley.test\nno-tls\nno-dtls\nno-cli\n"
                   "allow-loopback-peers\nlog-file=%5\nsimple-log\nno-stdout-log\npidfile=%6\nuserdb=%7\n"_s
                       .arg(m_port).arg(low).arg(low + 99).arg(Secret, logFile(), m_dir.filePath(u"turn.pid"_s),
                                                               m_dir.filePath(u"turndb"_s))
                       .toUtf8());
        conf.close();
        m_proc.setProgram(binary);
        m_proc.setArguments({u"-c"_s, conf.fileName(), u"--no-cli"_s});
        m_proc.setProcessChannelMode(QProcess::MergedChannels);
        m_proc.start();
        // Ready once it listens: a TCP connection to its port succeeds.
        return m_proc.waitForStarted(10000) && waitListening(m_proc, m_port, u"turnserver"_s);
    }

    void stop() { stopProgram(m_proc); }

private:
    QTemporaryDir m_dir;
    QProcess m_proc;
    quint16 m_port = 0;
};

struct Allocation {
    int exitCode = -1;
    QString output;
    bool allocated() const { return exitCode == 0 && !output.contains(u"ERROR"_s) && output.contains(u"tot_recv_msgs"_s); }
    bool refused() const { return exitCode != 0 && output.contains(u"Cannot complete Allocation"_s); }
};

// turnutils_uclient allocates a relay with `user` and `password` and sends a message through it to itself.
Allocation allocate(quint16 port, const QString &user, const QString &password)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"turnutils_uclient"_s, {u"-p"_s, QString::number(port), u"-u"_s, user, u"-w"_s, password, u"-n"_s, u"1"_s,
                                     u"-m"_s, u"1"_s, u"-y"_s, u"-e"_s, u"127.0.0.1"_s, u"127.0.0.1"_s});
    Allocation a;
    if (!p.waitForFinished(WaitMs)) {
        p.kill();
        p.waitForFinished();
        a.output = u"timed out"_s;
        return a;
    }
    a.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    a.output = QString::fromUtf8(p.readAll());
    return a;
}

Result<sdk::TurnCredentials> turnCredentials(Device &device)
{
    std::optional<Result<sdk::TurnCredentials>> got;
    QObject context;
    device.client().turnCredentials(&context, [&got](Result<sdk::TurnCredentials> r) { got = std::move(r); });
    QElapsedTimer timer;
    timer.start();
    while (!got && timer.elapsed() < WaitMs)
        QTest::qWait(10);
    if (!got)
        return makeError(ErrorCode::Timeout, u"no reply"_s);
    return *got;
}

const QRegularExpression TurnUser(u"^(\\d+):([0-9a-f]{16})$"_s);

} // namespace

class TestTurnRelay : public AdminTest {
    Q_OBJECT

    Coturn m_turn;
    ParleyctlRunner m_ctl;
    QTemporaryDir m_bobProfile;
    std::unique_ptr<Device> m_alice;
    QStringList m_uris;

    int ctl(const QStringList &args, QByteArray *out = nullptr) { return m_ctl.run(args, out); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(u"turnutils_uclient"_s).isEmpty(),
                 "turnutils_uclient not found (Debian package coturn; scripts/deps.sh test)");
        QVERIFY(m_turn.start());
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
        m_logSecrets << Secret;
        QVERIFY(m_ctl.isValid());
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}), 0);
        m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
        QVERIFY(m_alice->enroll());
        QVERIFY(registerProfile(*m_daemon, m_bobProfile.path(), u"bob"_s));
        m_uris = {u"turn:127.0.0.1:%1?transport=udp"_s.arg(m_turn.port()), u"turn:127.0.0.1:%1?transport=tcp"_s.arg(m_turn.port())};
    }

    void unavailableUntilConfigured()
    {
        auto c = turnCredentials(*m_alice);
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::Unavailable);
        QVERIFY2(c.error().message.startsWith(u"unavailable"_s), qPrintable(c.error().message));
        const Run r = runParley({u"--profile"_s, m_bobProfile.path(), u"turn"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"unavailable"_s), qPrintable(r.err));
        const auto shown = m_api->call(u"turn.show"_s);
        QVERIFY(shown.ok);
        QCOMPARE(shown.result.value("configured"_L1).toBool(), false);
        QCOMPARE(shown.result.value("secret_set"_L1).toBool(), false);
    }

    void setThroughParleyctl()
    {
        const QString secretFile = m_ctl.passwordFile(Secret, u"turn-secret"_s);
        QByteArray out;
        QCOMPARE(ctl({u"turn"_s, u"set"_s, u"--uri"_s, m_uris.at(0), u"--uri"_s, m_uris.at(1), u"--ttl"_s, u"600"_s,
                      u"--secret-file"_s, secretFile}, &out), 0);
        QVERIFY(!out.contains(Secret.toUtf8()));
        QCOMPARE(ctl({u"--json"_s, u"turn"_s, u"show"_s}, &out), 0);
        QVERIFY(!out.contains(Secret.toUtf8()));
        const QJsonObject shown = QJsonDocument::fromJson(out).object();
        QCOMPARE(shown.value(u"secret_set"_s).toBool(), true);
        QCOMPARE(shown.value(u"ttl"_s).toInt(), 600);
        QCOMPARE(shown.value(u"uris"_s).toArray().size(), 2);
        QVERIFY(shown.value(u"updated_at"_s).toDouble() > 0);
        // Through the admin API itself: the secret is in no value of the reply.
        const auto reply = m_api->call(u"turn.show"_s);
        QVERIFY(reply.ok);
        QVERIFY(!reply.result.toCborValue().toCbor().contains(Secret.toUtf8()));
        QCOMPARE(reply.result.value("configured"_L1).toBool(), true);
        // The change is audited, without the secret (arguments are never recorded).
        const auto audit = m_api->call(u"audit.show"_s, {{u"action"_s, u"turn"_s}});
        QVERIFY(audit.ok);
        QVERIFY(audit.result.value("records"_L1).toArray().size() >= 2);
        QVERIFY(!audit.result.toCborValue().toCbor().contains(Secret.toUtf8()));
    }

    void cliCredentialsAllocateAtTheRelay()
    {
        const Run r = runParley({u"--profile"_s, m_bobProfile.path(), u"turn"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r);
        QCOMPARE(lines.size(), 1);
        const QJsonObject c = lines.first();
        QCOMPARE(c.value(u"uris"_s).toArray().size(), 2);
        QCOMPARE(c.value(u"uris"_s).toArray().at(0).toString(), m_uris.at(0));
        QCOMPARE(c.value(u"ttl"_s).toInt(), 600);
        const QString user = c.value(u"user"_s).toString();
        const QString password = c.value(u"password"_s).toString();
        m_secrets << password;
        const auto m = TurnUser.match(user);
        QVERIFY2(m.hasMatch(), qPrintable(user));
        QVERIFY(!user.contains(u"bob"_s));
        const qint64 expiry = m.captured(1).toLongLong();
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY(expiry > now + 590 && expiry <= now + 601);
        QCOMPARE(c.value(u"expires"_s).toString(), QDateTime::fromSecsSinceEpoch(expiry, Qt::UTC).toString(Qt::ISODate));

        const Allocation ok = allocate(m_turn.port(), user, password);
        QVERIFY2(ok.allocated(), qPrintable(ok.output));
        QString wrong = password;
        wrong[0] = wrong.at(0) == u'A' ? u'B' : u'A';
        const Allocation refused = allocate(m_turn.port(), user, wrong);
        QVERIFY2(refused.refused(), qPrintable(refused.output));
        // The relay logged the pseudonym it was given, never who it stands for.
        const QByteArray turnLog = Daemon::readFile(m_turn.logFile());
        QVERIFY(turnLog.contains(m.captured(2).toUtf8()));
        QVERIFY(!turnLog.contains("bob"));
    }

    void sdkCredentialsNameNoUser()
    {
        auto c = turnCredentials(*m_alice);
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        m_secrets << c->password;
        QCOMPARE(c->uris, m_uris);
        QCOMPARE(c->ttlSeconds, quint64(600));
        const auto m = TurnUser.match(c->user);
        QVERIFY2(m.hasMatch(), qPrintable(c->user));
        QVERIFY(!c->user.contains(u"alice"_s));
        QCOMPARE(c->expiresAt.toSecsSinceEpoch(), m.captured(1).toLongLong());
        // The same device keeps its pseudonym; a new set of credentials differs only in the expiry.
        auto again = turnCredentials(*m_alice);
        QVERIFY(again);
        QCOMPARE(TurnUser.match(again->user).captured(2), m.captured(2));
    }

    void expiredCredentialsAreRefused()
    {
        // A later turn.set without a secret keeps the one set before.
        const auto set = m_api->call(u"turn.set"_s, {{u"uris"_s, QCborArray::fromStringList(m_uris)}, {u"ttl"_s, 10}});
        QVERIFY2(set.ok, qPrintable(set.message));
        QCOMPARE(set.result.value("secret_set"_L1).toBool(), true);
        auto c = turnCredentials(*m_alice);
        QVERIFY(c);
        m_secrets << c->password;
        QCOMPARE(c->ttlSeconds, quint64(10));
        const Allocation fresh = allocate(m_turn.port(), c->user, c->password);
        QVERIFY2(fresh.allocated(), qPrintable(fresh.output));
        // Past the expiry in the user name, coturn refuses the same credentials.
        const qint64 expiry = c->expiresAt.toSecsSinceEpoch();
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentSecsSinceEpoch() > expiry + 1, 15000);
        const Allocation expired = allocate(m_turn.port(), c->user, c->password);
        QVERIFY2(expired.refused(), qPrintable(expired.output));
    }

    void requestsAreRateLimitedPerDevice()
    {
        Device carol(*m_daemon, u"carol"_s);
        QVERIFY(carol.enroll());
        int limited = 0;
        for (int i = 0; i < 12; ++i) {
            auto c = turnCredentials(carol);
            if (c)
                m_secrets << c->password;
            else if (c.error().code == ErrorCode::RateLimited)
                ++limited;
        }
        QVERIFY(limited >= 1);
        // Another device is not slowed down by carol's.
        auto c = turnCredentials(*m_alice);
        QVERIFY(c);
        m_secrets << c->password;
    }

    void clearTurnsItOff()
    {
        QCOMPARE(ctl({u"turn"_s, u"clear"_s}), 0);
        auto c = turnCredentials(*m_alice);
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::Unavailable);
        const auto shown = m_api->call(u"turn.show"_s);
        QVERIFY(shown.ok);
        QCOMPARE(shown.result.value("configured"_L1).toBool(), false);
        QCOMPARE(shown.result.value("secret_set"_L1).toBool(), false);
        // Without a secret set, one is needed again.
        const auto set = m_api->call(u"turn.set"_s, {{u"uris"_s, QCborArray::fromStringList(m_uris)}});
        QCOMPARE(set.error, QString(proto::errors::InvalidArgument));
    }

    void cleanupTestCase()
    {
        m_alice.reset();
        m_turn.stop();
        if (m_daemon)
            checkLogsHoldNoSecrets();
    }
};

QTEST_GUILESS_MAIN(TestTurnRelay)
#include "tst_turnrelay.moc"
