// The command-line contract, as a person or a script uses it: parleyd enroll/fingerprint, parley
// register/send/receive against a real daemon.

#include "clirun.h"
#include "harness.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryFile>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

class TestCli : public QObject {
    Q_OBJECT

private:
    Daemon daemon;
    QTemporaryDir profiles;

    QString profile(const QString &name) const { return profiles.filePath(name); }

    bool registerDevice(const QString &profileName, const QString &user)
    {
        return registerProfile(daemon, profile(profileName), user);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(profiles.isValid());
        QVERIFY(daemon.start());
    }

    void versions()
    {
        static const QRegularExpression version(u"^\\d+\\.\\d+\\.\\d+$"_s);
        const Run d = runProgram(QStringLiteral(PARLEYD_BINARY), {u"--version"_s});
        QCOMPARE(d.exitCode, 0);
        QVERIFY2(version.match(d.out.trimmed()).hasMatch(), qPrintable(d.out));
        const Run c = runParley({u"--version"_s});
        QCOMPARE(c.exitCode, 0);
        QVERIFY2(version.match(c.out.trimmed()).hasMatch(), qPrintable(c.out));
        QCOMPARE(c.out.trimmed(), d.out.trimmed());
    }

    void fingerprintIsStable()
    {
        const QStringList out = daemon.run({u"fingerprint"_s});
        QCOMPARE(out.value(out.size() - 1), daemon.fingerprint());
        QVERIFY(QRegularExpression(u"^[0-9a-f]{64}$"_s).match(daemon.fingerprint()).hasMatch());
    }

    void registerSendReceive()
    {
        // The fingerprint may be typed with colons and in upper case.
        const QString code = daemon.enroll(u"alice"_s);
        QVERIFY(!code.isEmpty());
        QString colons;
        for (int i = 0; i < daemon.fingerprint().size(); i += 2)
            colons += (i ? u":"_s : QString()) + daemon.fingerprint().mid(i, 2).toUpper();
        const Run reg = runParley({u"--profile"_s, profile(u"alice"_s), u"register"_s, daemon.url().toString(), u"alice"_s,
                                code, u"--fingerprint"_s, colons});
        QVERIFY2(reg.exitCode == 0, qPrintable(reg.err));
        QVERIFY(registerDevice(u"bob"_s, u"bob"_s));

        const Run send = runParley({u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"hello bob"_s});
        QVERIFY2(send.exitCode == 0, qPrintable(send.err));

        const Run recv = runParley({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s});
        QVERIFY2(recv.exitCode == 0, qPrintable(recv.err));
        const QList<QJsonObject> messages = jsonLines(recv);
        QCOMPARE(messages.size(), 1);
        const QJsonObject m = messages.first();
        QCOMPARE(m.value(u"from"_s).toString(), u"alice"_s);
        QCOMPARE(m.value(u"device"_s).toInt(), 1);
        QCOMPARE(m.value(u"text"_s).toString(), u"hello bob"_s);
        QCOMPARE(m.value(u"verified"_s).toBool(), true);
        const QDateTime sentAt = QDateTime::fromString(m.value(u"sent_at"_s).toString(), Qt::ISODateWithMs);
        QVERIFY2(sentAt.isValid(), qPrintable(m.value(u"sent_at"_s).toString()));
        QVERIFY(qAbs(sentAt.toMSecsSinceEpoch() - QDateTime::currentMSecsSinceEpoch()) < 120000);

        // Acked: the next receive is empty.
        const Run again = runParley({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.lines().isEmpty());
        // Each run is a new process: it resumes with the credential the profile kept from an earlier login.
        const Run resumed = runParley({u"--profile"_s, profile(u"bob"_s), u"--verbose"_s, u"receive"_s, u"--json"_s});
        QCOMPARE(resumed.exitCode, 0);
        QVERIFY2(resumed.err.contains(u"logged in (resumed)"_s), qPrintable(resumed.err));

        // Human-readable form.
        QCOMPARE(runParley({u"--profile"_s, profile(u"bob"_s), u"send"_s, u"alice"_s, u"hi alice"_s}).exitCode, 0);
        const Run human = runParley({u"--profile"_s, profile(u"alice"_s), u"receive"_s});
        QCOMPARE(human.exitCode, 0);
        QVERIFY2(human.out.contains(u"bob#1: hi alice"_s), qPrintable(human.out));
    }

    // Both sides print the same safety code; a user whose root key is not pinned yet is looked up and pinned.
    void safetyCodesMatch()
    {
        static const QRegularExpression code(u"^(\\d{5} ){11}\\d{5}$"_s);
        const Run a = runParley({u"--profile"_s, profile(u"alice"_s), u"verify"_s, u"bob"_s});
        const Run b = runParley({u"--profile"_s, profile(u"bob"_s), u"verify"_s, u"alice"_s});
        QVERIFY2(a.exitCode == 0 && b.exitCode == 0, qPrintable(a.err + b.err));
        QVERIFY2(code.match(a.lines().value(1)).hasMatch(), qPrintable(a.out));
        QCOMPARE(a.lines().value(1), b.lines().value(1));

        QVERIFY(registerDevice(u"walt"_s, u"walt"_s));
        const Run first = runParley({u"--profile"_s, profile(u"walt"_s), u"verify"_s, u"alice"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const Run other = runParley({u"--profile"_s, profile(u"alice"_s), u"verify"_s, u"walt"_s});
        QVERIFY2(other.exitCode == 0, qPrintable(other.err));
        QCOMPARE(first.lines().value(1), other.lines().value(1));
        QVERIFY(first.lines().value(1) != a.lines().value(1));

        const Run nobody = runParley({u"--profile"_s, profile(u"alice"_s), u"verify"_s, u"nobody"_s});
        QVERIFY(nobody.exitCode != 0);
        QVERIFY2(nobody.err.contains(u"nobody"_s), qPrintable(nobody.err));
        QCOMPARE(runParley({u"--profile"_s, profile(u"alice"_s), u"verify"_s, u"alice"_s}).exitCode, 2);   // usage
    }

    // A message the recipient's SDK drops (here: a flipped core signature, which parleyd relays, since recipients
    // check it) is a `rejected` record in --json, once: it is acked and does not come back.
    void forgedMessageIsARejectedRecord()
    {
        QVERIFY(registerDevice(u"vera"_s, u"vera"_s));
        Device mallory(daemon, u"mallory"_s);
        QVERIFY(mallory.enroll());
        QList<sdk::RecipientDevice> recipients;
        bool resolved = false;
        mallory.client().resolveRecipients({u"vera"_s}, this, [&](Result<QList<sdk::RecipientDevice>> r) {
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
            recipients = r.value();
            resolved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(resolved, WaitMs);
        auto identity = mallory.client().identity();
        QVERIFY(identity.ok());
        auto envelope = sdk::Envelope::build(*identity, {u"vera"_s}, recipients, u"forged"_s,
                                             quint64(mallory.client().serverTimeMs()));
        QVERIFY(envelope.ok());
        envelope->signature[20] = char(envelope->signature.at(20) ^ 0x01);
        QSignalSpy accepted(&mallory.client(), &sdk::Client::accepted);
        mallory.client().sendEnvelope(*envelope);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, WaitMs);

        const Run recv = runParley({u"--profile"_s, profile(u"vera"_s), u"receive"_s, u"--json"_s});
        QVERIFY2(recv.exitCode == 0, qPrintable(recv.err));
        const QList<QJsonObject> records = jsonLines(recv);
        QCOMPARE(records.size(), 1);
        const QJsonObject r = records.first();
        QCOMPARE(r.value(u"rejected"_s).toBool(), true);
        QCOMPARE(r.value(u"from"_s).toString(), u"mallory"_s);
        QCOMPARE(r.value(u"device"_s).toInt(), int(mallory.number()));
        QCOMPARE(r.value(u"reason"_s).toString(), u"bad_signature"_s);
        QVERIFY(!r.contains(u"text"_s));
        QVERIFY2(recv.err.contains(u"failed verification: bad_signature"_s), qPrintable(recv.err));

        const Run again = runParley({u"--profile"_s, profile(u"vera"_s), u"receive"_s, u"--json"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.lines().isEmpty(), qPrintable(again.out));
    }

    void secondDevice()
    {
        QVERIFY(registerDevice(u"alice2"_s, u"alice"_s));
        const Run who = runParley({u"--profile"_s, profile(u"alice2"_s), u"whoami"_s});
        QCOMPARE(who.exitCode, 0);
        QVERIFY2(who.out.contains(u"alice"_s), qPrintable(who.out));

        QCOMPARE(runParley({u"--profile"_s, profile(u"bob"_s), u"send"_s, u"alice"_s, u"to all of alice"_s}).exitCode, 0);
        for (const QString &p : {u"alice"_s, u"alice2"_s}) {
            const QList<QJsonObject> got = jsonLines(runParley({u"--profile"_s, profile(p), u"receive"_s, u"--json"_s}));
            QCOMPARE(got.size(), 1);
            QCOMPARE(got.first().value(u"text"_s).toString(), u"to all of alice"_s);
        }

        QCOMPARE(runParley({u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"sent from device 1"_s}).exitCode, 0);
        const QList<QJsonObject> copy = jsonLines(runParley({u"--profile"_s, profile(u"alice2"_s), u"receive"_s, u"--json"_s}));
        QCOMPARE(copy.size(), 1);
        QCOMPARE(copy.first().value(u"from"_s).toString(), u"alice"_s);
        QCOMPARE(copy.first().value(u"device"_s).toInt(), 1);
        QCOMPARE(copy.first().value(u"text"_s).toString(), u"sent from device 1"_s);
        const QList<QJsonObject> bobs = jsonLines(runParley({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s}));
        QCOMPARE(bobs.size(), 1);
    }

    void roomCommands()
    {
        const QString alice = profile(u"alice"_s), bob = profile(u"bob"_s);
        const Run created = runParley({u"--profile"_s, alice, u"room"_s, u"create"_s, u"team"_s, u"--title"_s, u"Team"_s,
                                       u"--expire"_s, u"3600"_s});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        QCOMPARE(runParley({u"--profile"_s, alice, u"room"_s, u"add"_s, u"team"_s, u"bob"_s}).exitCode, 0);
        const Run list = runParley({u"--profile"_s, bob, u"room"_s, u"list"_s});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(u"team"_s), qPrintable(list.out));

        QCOMPARE(runParley({u"--profile"_s, alice, u"send"_s, u"--room"_s, u"team"_s, u"hello team"_s}).exitCode, 0);
        const QList<QJsonObject> got = jsonLines(runParley({u"--profile"_s, bob, u"receive"_s, u"--json"_s}));
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().value(u"room"_s).toString(), u"team"_s);
        QCOMPARE(got.first().value(u"text"_s).toString(), u"hello team"_s);
        jsonLines(runParley({u"--profile"_s, profile(u"alice2"_s), u"receive"_s, u"--json"_s}));   // drain the sync copy

        // A non-admin cannot change the membership; a removed member receives nothing more.
        QVERIFY(runParley({u"--profile"_s, bob, u"room"_s, u"remove"_s, u"team"_s, u"alice"_s}).exitCode != 0);
        QCOMPARE(runParley({u"--profile"_s, alice, u"room"_s, u"remove"_s, u"team"_s, u"bob"_s}).exitCode, 0);
        QCOMPARE(runParley({u"--profile"_s, alice, u"send"_s, u"--room"_s, u"team"_s, u"after removal"_s}).exitCode, 0);
        QVERIFY(jsonLines(runParley({u"--profile"_s, bob, u"receive"_s, u"--json"_s})).isEmpty());

        // Direct message with expiry and burn-on-read.
        QCOMPARE(runParley({u"--profile"_s, alice, u"send"_s, u"bob"_s, u"burn me"_s, u"--expire"_s, u"60"_s,
                            u"--burn-on-read"_s}).exitCode, 0);
        const QList<QJsonObject> burn = jsonLines(runParley({u"--profile"_s, bob, u"receive"_s, u"--json"_s}));
        QCOMPARE(burn.size(), 1);
        QCOMPARE(burn.first().value(u"burn"_s).toBool(), true);
    }

    void receiveWaitsForLiveMessages()
    {
        QProcess receiver;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PARLEY_PASSPHRASE"_s, QString::fromUtf8(TestPassphrase));
        receiver.setProcessEnvironment(env);
        receiver.start(QStringLiteral(PARLEY_BINARY),
                       {u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s, u"--wait"_s, u"8"_s});
        QVERIFY(receiver.waitForStarted());
        QTest::qWait(1500);
        QCOMPARE(runParley({u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"live"_s}).exitCode, 0);
        QVERIFY(receiver.waitForFinished(WaitMs));
        QCOMPARE(receiver.exitCode(), 0);
        QVERIFY2(receiver.readAllStandardOutput().contains("\"live\""), "live message not received");
    }

    // --until-idle ends the wait once no message came for that long; --wait stays the upper bound.
    void receiveUntilIdle()
    {
        QCOMPARE(runParley({u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"waiting"_s}).exitCode, 0);
        QElapsedTimer clock;
        clock.start();
        const Run backlog = runParley({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s, u"--wait"_s,
                                       u"120"_s, u"--until-idle"_s, u"1"_s});
        QCOMPARE(backlog.exitCode, 0);
        QVERIFY2(clock.elapsed() < 60'000, "--until-idle waited for --wait");
        QVERIFY(backlog.out.contains(u"\"waiting\""_s));

        QProcess receiver;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PARLEY_PASSPHRASE"_s, QString::fromUtf8(TestPassphrase));
        receiver.setProcessEnvironment(env);
        clock.restart();
        receiver.start(QStringLiteral(PARLEY_BINARY), {u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--json"_s,
                                                       u"--wait"_s, u"120"_s, u"--until-idle"_s, u"6"_s});
        QVERIFY(receiver.waitForStarted());
        QTest::qWait(1500);
        QCOMPARE(runParley({u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"live"_s}).exitCode, 0);
        QVERIFY(receiver.waitForFinished(WaitMs));
        QCOMPARE(receiver.exitCode(), 0);
        QVERIFY2(clock.elapsed() < 60'000, "--until-idle waited for --wait");
        QVERIFY2(receiver.readAllStandardOutput().contains("\"live\""), "live message not received");

        const Run bad = runParley({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--until-idle"_s, u"soon"_s});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(u"--until-idle takes a number of seconds"_s), qPrintable(bad.err));
    }

    void passphraseFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(TestPassphrase + '\n');
        file.close();
        const Run r = runParley({u"--profile"_s, profile(u"bob"_s), u"--passphrase-file"_s, file.fileName(), u"whoami"_s},
                             QByteArray());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Run sent = runParley({u"--profile"_s, profile(u"bob"_s), u"--passphrase-file"_s, file.fileName(), u"send"_s,
                                 u"alice"_s, u"via file"_s}, QByteArray());
        QVERIFY2(sent.exitCode == 0, qPrintable(sent.err));
    }

    void errorsAreOneClearLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("passphrase");
        QTest::addColumn<QString>("expect");
        QTest::newRow("wrong passphrase") << QStringList{u"--profile"_s, u"@bob"_s, u"send"_s, u"alice"_s, u"x"_s}
                                          << QByteArray("wrong") << u"passphrase"_s;
        QTest::newRow("no passphrase, no terminal") << QStringList{u"--profile"_s, u"@bob"_s, u"send"_s, u"alice"_s, u"x"_s}
                                                    << QByteArray() << u"passphrase"_s;
        QTest::newRow("unknown recipient") << QStringList{u"--profile"_s, u"@bob"_s, u"send"_s, u"nobody"_s, u"x"_s}
                                           << TestPassphrase << u"nobody"_s;
        QTest::newRow("bad code") << QStringList{u"--profile"_s, u"@fresh1"_s, u"register"_s, u"@url"_s, u"zed"_s,
                                                 u"AAAAA-BBBBB-CCCCC-DDDDD"_s, u"--fingerprint"_s, u"@fp"_s}
                                  << TestPassphrase << u"code"_s;
        QTest::newRow("wrong fingerprint") << QStringList{u"--profile"_s, u"@fresh2"_s, u"register"_s, u"@url"_s, u"zed"_s,
                                                          u"AAAAA-BBBBB-CCCCC-DDDDD"_s, u"--fingerprint"_s, QString(64, u'a')}
                                           << TestPassphrase << u"certificate"_s;
        QTest::newRow("no profile") << QStringList{u"--profile"_s, u"@missing"_s, u"receive"_s} << TestPassphrase
                                    << u"profile"_s;
        QTest::newRow("unknown command") << QStringList{u"--profile"_s, u"@bob"_s, u"frobnicate"_s} << TestPassphrase
                                         << u"frobnicate"_s;
    }

    void errorsAreOneClearLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, passphrase);
        QFETCH(QString, expect);
        for (QString &a : args) {
            if (a == u"@url"_s)
                a = daemon.url().toString();
            else if (a == u"@fp"_s)
                a = daemon.fingerprint();
            else if (a.startsWith(u'@'))
                a = profile(a.mid(1));
        }
        const Run r = runParley(args, passphrase);
        QVERIFY2(r.exitCode != 0, qPrintable(r.out));
        const QStringList errLines = r.err.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(errLines.size(), 1);
        QVERIFY2(errLines.first().contains(expect, Qt::CaseInsensitive), qPrintable(errLines.first()));
    }

    void enrollRejectsBadUserName()
    {
        QProcess p;
        p.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, daemon.configFile(), u"enroll"_s, u"Bad Name"_s});
        QVERIFY(p.waitForFinished(WaitMs));
        QVERIFY(p.exitCode() != 0);
        QCOMPARE(QString::fromUtf8(p.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts).size(), 1);
    }
};

QTEST_MAIN(TestCli)
#include "tst_cli.moc"
