// parley-bot, the example bot on the SDK (docs/man/parley-bot.1), against a real parleyd: the bot's device enrolls
// with the link of bots.create, `alert` posts standard input's lines and a command's output within the bot's scope
// (and fails outside it), `echo` answers direct and room messages, and a revoked bot's run ends with exit status 3.

#include "adminfixture.h"
#include "../e2e/roomtest.h"

#include "sdk/rooms.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

struct BotRun {
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestParleyBot : public AdminTest {
    Q_OBJECT

    QTemporaryDir m_home;
    std::unique_ptr<Device> m_alice;
    QString m_passFile;

    QString profile(const QString &bot) const { return m_home.filePath(bot); }

    QStringList base(const QString &bot) const
    {
        return {u"--profile"_s, profile(bot), u"--passphrase-file"_s, m_passFile};
    }

    // Starts parley-bot with `args` (standard input from `input`, closed after it); not waited for.
    static std::unique_ptr<QProcess> launch(const QStringList &args, const QByteArray &input = {})
    {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"PARLEY_PASSPHRASE"_s);
        p->setProcessEnvironment(env);
        p->start(QStringLiteral(PARLEY_BOT_BINARY), args);
        if (p->waitForStarted(WaitMs)) {
            p->write(input);
            p->closeWriteChannel();
        }
        return p;
    }

    static BotRun finish(QProcess &p)
    {
        BotRun r;
        // waitForFinished() is false for a process that ended already (while the test waited for something else).
        if (p.state() != QProcess::NotRunning && !p.waitForFinished(WaitMs * 2)) {
            p.kill();
            p.waitForFinished();
            r.err = u"timed out"_s;
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    BotRun run(const QStringList &args, const QByteArray &input = {})
    {
        auto p = launch(args, input);
        return finish(*p);
    }

    // A bot with `scope`, enrolled by parley-bot with its link.
    bool makeBot(const QString &name, const QCborArray &scope)
    {
        const auto r = call(u"bots.create"_s, {{u"name"_s, name}, {u"scope"_s, scope}});
        if (!r.ok) {
            qWarning() << "bots.create" << r.error << r.message;
            return false;
        }
        m_secrets << r.result.value("code"_L1).toString();
        const BotRun enrolled = run(base(name) + QStringList{u"enroll"_s, r.result.value("link"_L1).toString()});
        if (enrolled.exitCode != 0 || !enrolled.out.startsWith(u"enrolled %1#1"_s.arg(name))) {
            qWarning().noquote() << "enroll:" << enrolled.exitCode << enrolled.out << enrolled.err;
            return false;
        }
        return true;
    }

    QStringList textsFrom(const QString &sender) const
    {
        QStringList out;
        for (const sdk::IncomingMessage &m : m_alice->inbox) {
            if (m.from == sender)
                out << m.text;
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_home.isValid());
        m_passFile = m_home.filePath(u"pass"_s);
        QFile pass(m_passFile);
        QVERIFY(pass.open(QIODevice::WriteOnly));
        pass.write(TestPassphrase + '\n');
        pass.close();
        m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
        QVERIFY(m_alice->enroll());
    }

    // The link of bots.create is all the bot's host needs; it enrolls bots only, once per profile.
    void enrollWithLink()
    {
        QVERIFY(makeBot(u"alerts.bot"_s, QCborArray{u"user:alice"_s}));
        QVERIFY(QFile::exists(profile(u"alerts.bot"_s) + u"/keystore.cbor"_s));
        QCOMPARE(call(u"bots.list"_s, {{u"search"_s, u"alerts.bot"_s}}).result.value("bots"_L1).toArray().at(0).toMap()
                     .value("state"_L1).toString(), u"active"_s);

        auto r = call(u"user.create"_s, {{u"name"_s, u"carol"_s}});
        QVERIFY(r.ok);
        m_secrets << r.result.value("code"_L1).toString();
        BotRun refused = run(base(u"carol"_s) + QStringList{u"enroll"_s, r.result.value("link"_L1).toString()});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(u".bot"_s), qPrintable(refused.err));
        QVERIFY(!QFile::exists(profile(u"carol"_s) + u"/keystore.cbor"_s));
        QCOMPARE(run(base(u"x.bot"_s) + QStringList{u"enroll"_s, u"https://example.org/"_s}).exitCode, 2);
        QCOMPARE(run(base(u"alerts.bot"_s) + QStringList{u"enroll"_s, r.result.value("link"_L1).toString()}).exitCode, 2);
        QCOMPARE(run({u"--profile"_s, profile(u"alerts.bot"_s), u"echo"_s}).exitCode, 2);   // no passphrase
    }

    // Standard input's lines, one message each, in order; blank lines are skipped.
    void alertFromStandardInput()
    {
        const QString one = u"load 7.2 on app-1 (%1)"_s.arg(QString::fromLatin1(crypto::randomBytes(4).toHex()));
        const QString two = u"load 9.9 on app-1 (%1)"_s.arg(QString::fromLatin1(crypto::randomBytes(4).toHex()));
        m_secrets << one << two;
        const BotRun r = run(base(u"alerts.bot"_s) + QStringList{u"alert"_s, u"--to"_s, u"alice"_s},
                             (one + u"\n\n"_s + two + u"\n"_s).toUtf8());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QTRY_COMPARE_WITH_TIMEOUT(textsFrom(u"alerts.bot"_s), (QStringList{one, two}), WaitMs);
        QVERIFY(!m_daemon->everythingWritten().contains(one.toUtf8()));
    }

    // A command's output (standard output and error) is one message, with its exit status when it failed.
    void alertFromCommand()
    {
        const BotRun r = run(base(u"alerts.bot"_s) + QStringList{u"alert"_s, u"--to"_s, u"alice"_s, u"--"_s, u"sh"_s, u"-c"_s,
                                                                 u"echo /var is 97% full; echo check it >&2; exit 3"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QTRY_VERIFY_WITH_TIMEOUT(textsFrom(u"alerts.bot"_s).size() == 3, WaitMs);
        QCOMPARE(textsFrom(u"alerts.bot"_s).last(), u"/var is 97% full\ncheck it\n(sh exited with status 3)"_s);
    }

    // The parley CLI marks a bot's messages: a bot is known by its name, which only bots may have.
    void parleyReceiveMarksBots()
    {
        auto r = call(u"user.create"_s, {{u"name"_s, u"dave"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        m_secrets << r.result.value("code"_L1).toString();
        const QString dave = m_home.filePath(u"dave"_s);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PARLEY_PASSPHRASE"_s, QString::fromUtf8(TestPassphrase));
        QProcess reg;
        reg.setProcessEnvironment(env);
        reg.start(QStringLiteral(PARLEY_BINARY), {u"--profile"_s, dave, u"register"_s, m_daemon->url().toString(), u"dave"_s,
                                                   r.result.value("code"_L1).toString(), u"--fingerprint"_s,
                                                   m_daemon->fingerprint()});
        QVERIFY(reg.waitForFinished(WaitMs * 2));
        QVERIFY2(reg.exitCode() == 0, reg.readAllStandardError().constData());
        QVERIFY(call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s},
                                        {u"scope"_s, QCborArray{u"user:alice"_s, u"user:dave"_s}}}).ok);
        const BotRun alert = run(base(u"alerts.bot"_s) + QStringList{u"alert"_s, u"--to"_s, u"dave"_s}, "backup done\n");
        QVERIFY2(alert.exitCode == 0, qPrintable(alert.err));
        QProcess receive;
        receive.setProcessEnvironment(env);
        receive.start(QStringLiteral(PARLEY_BINARY), {u"--profile"_s, dave, u"receive"_s, u"--json"_s});
        QVERIFY(receive.waitForFinished(WaitMs * 2));
        const QJsonObject o = QJsonDocument::fromJson(receive.readAllStandardOutput().split('\n').first()).object();
        QCOMPARE(o.value("from"_L1).toString(), u"alerts.bot"_s);
        QCOMPARE(o.value("text"_L1).toString(), u"backup done"_s);
        QCOMPARE(o.value("bot"_L1).toBool(), true);
    }

    // Outside its scope the server refuses the message: the run reports it and fails.
    void alertOutsideScopeFails()
    {
        Device bob(*m_daemon, u"bob"_s);
        QVERIFY(bob.enroll());
        const BotRun r = run(base(u"alerts.bot"_s) + QStringList{u"alert"_s, u"--to"_s, u"bob"_s}, "for bob\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"forbidden"_s) && r.err.contains(u"scope"_s), qPrintable(r.err));
        QTest::qWait(300);
        QVERIFY(bob.inbox.isEmpty());
    }

    // echo answers a direct message to its sender and a room message in its room, then (--max 2) ends.
    void echoAnswers()
    {
        QVERIFY(makeBot(u"echo.bot"_s, QCborArray{u"any"_s}));
        sdk::Rooms rooms(m_alice->client());
        auto created = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.create(u"echoes"_s, u"Echoes"_s, {}, 0, false, c, done); });
        QVERIFY(created && *created);
        auto added = await<protocol::RoomState>([&](QObject *c, auto done) {
            rooms.change(u"echoes"_s, protocol::RoomOp::Add, u"echo.bot"_s, c, done);
        });
        QVERIFY(added && *added);

        auto echo = launch(base(u"echo.bot"_s) + QStringList{u"echo"_s, u"--max"_s, u"2"_s});
        const QString ping = u"ping %1"_s.arg(QString::fromLatin1(crypto::randomBytes(4).toHex()));
        m_secrets << ping;
        QVERIFY(!m_alice->sendAndWait({u"echo.bot"_s}, ping).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(textsFrom(u"echo.bot"_s).contains(ping), WaitMs);
        const sdk::IncomingMessage *direct = findText(*m_alice, ping);
        QVERIFY(direct && direct->from == u"echo.bot"_s && direct->room.isEmpty() && direct->verified);

        const QString roomPing = u"room ping %1"_s.arg(QString::fromLatin1(crypto::randomBytes(4).toHex()));
        m_secrets << roomPing;
        auto sent = await<QByteArray>([&](QObject *c, auto done) { rooms.send(u"echoes"_s, roomPing, {}, c, done); });
        QVERIFY(sent && *sent);
        QTRY_VERIFY_WITH_TIMEOUT(textsFrom(u"echo.bot"_s).contains(roomPing), WaitMs);
        const auto it = std::find_if(m_alice->inbox.cbegin(), m_alice->inbox.cend(), [&](const sdk::IncomingMessage &m) {
            return m.from == u"echo.bot"_s && m.text == roomPing;
        });
        QCOMPARE(it->room, u"echoes"_s);

        const BotRun r = finish(*echo);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts), (QStringList{u"answered alice"_s, u"answered room echoes"_s}));
        QVERIFY(!r.out.contains(ping));
    }

    // SIGTERM ends a running bot cleanly; a revoked bot's run ends with status 3 and says why.
    void stopAndRevoke()
    {
        auto echo = launch(base(u"echo.bot"_s) + QStringList{u"echo"_s});
        QTRY_VERIFY_WITH_TIMEOUT(call(u"user.devices"_s, {{u"name"_s, u"echo.bot"_s}}).result.value("devices"_L1).toArray()
                                     .at(0).toMap().value("online"_L1).toBool(), WaitMs);
        echo->terminate();
        QCOMPARE(finish(*echo).exitCode, 0);

        QVERIFY(call(u"bots.revoke"_s, {{u"name"_s, u"alerts.bot"_s}}).ok);
        const BotRun r = run(base(u"alerts.bot"_s) + QStringList{u"alert"_s, u"--to"_s, u"alice"_s}, "after revocation\n");
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(u"auth_failed"_s), qPrintable(r.err));
    }

    void logsHoldNoSecrets()
    {
        m_alice.reset();
        checkLogsHoldNoSecrets();
    }
};

QTEST_MAIN(TestParleyBot)
#include "tst_parleybot.moc"
