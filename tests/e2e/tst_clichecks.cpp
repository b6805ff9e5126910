// What the `parley` CLI does with what a hostile server serves: a real parleyd whose database the test tampers with
// while it is stopped (a member the chain never added, a membership chain rolled back). The receiving CLI drops
// the room message with its reason (a warning, and a `rejected` record with --json), the chain's verified head is
// kept in the profile between runs, and `parley room show` prints it and refuses the rolled-back chain. A recipient
// whose device holds no prekeys makes `parley send` fail at once with the server's answer.

#include "clirun.h"
#include "harness.h"
#include "roomtest.h"

#include "crypto/crypto.h"
#include "sdk/envelope.h"

#include <QSqlQuery>
#include <QTemporaryDir>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

class TestCliChecks : public QObject {
    Q_OBJECT

private:
    Daemon daemon{u"[limits]\nfetch_burst=1000\n"_s};
    QTemporaryDir profiles;

    QString profile(const QString &name) const { return profiles.filePath(name); }

    Run parley(const QString &who, const QStringList &args)
    {
        return runParley(QStringList{u"--profile"_s, profile(who)} + args);
    }

    // A room message built and sent with the SDK, naming `to` as the room's members (the server checks that).
    bool sendToRoom(Device &from, const QString &room, const QStringList &to, const QString &text)
    {
        std::optional<Result<QList<sdk::RecipientDevice>>> resolved;
        from.client().resolveRecipients(to, this, [&resolved](Result<QList<sdk::RecipientDevice>> r) { resolved.emplace(r); });
        if (!QTest::qWaitFor([&resolved] { return resolved.has_value(); }, WaitMs) || !*resolved)
            return false;
        protocol::MessageOptions options;
        options.room = room;
        auto envelope = sdk::Envelope::build(from.client().identity().value(), to, **resolved, text,
                                             quint64(from.client().serverTimeMs()), options);
        if (!envelope)
            return false;
        QSignalSpy accepted(&from.client(), &sdk::Client::accepted);
        from.client().sendEnvelope(*envelope);
        return !accepted.isEmpty() || accepted.wait(WaitMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(profiles.isValid());
        QVERIFY(daemon.start());
    }

    void roomMessageFromANonMemberAndARolledBackChain()
    {
        for (const QString &user : {u"alice"_s, u"bob"_s, u"carol"_s})
            QVERIFY(registerProfile(daemon, profile(user), user));
        Device mallory(daemon, u"mallory"_s);
        QVERIFY(mallory.enroll());

        // den: alice, bob, carol (three records); lab: alice, bob.
        QCOMPARE(parley(u"alice"_s, {u"room"_s, u"create"_s, u"den"_s}).exitCode, 0);
        QCOMPARE(parley(u"alice"_s, {u"room"_s, u"add"_s, u"den"_s, u"bob"_s}).exitCode, 0);
        QCOMPARE(parley(u"alice"_s, {u"room"_s, u"add"_s, u"den"_s, u"carol"_s}).exitCode, 0);
        QCOMPARE(parley(u"alice"_s, {u"room"_s, u"create"_s, u"lab"_s}).exitCode, 0);
        QCOMPARE(parley(u"alice"_s, {u"room"_s, u"add"_s, u"lab"_s, u"bob"_s}).exitCode, 0);
        const Run shown = parley(u"bob"_s, {u"room"_s, u"show"_s, u"den"_s});
        QVERIFY2(shown.exitCode == 0, qPrintable(shown.err));
        QVERIFY2(shown.out.contains(u"verified head: record 2, sha512 "_s), qPrintable(shown.out));
        const Run shownJson = parley(u"bob"_s, {u"room"_s, u"show"_s, u"den"_s, u"--json"_s});
        const QList<QJsonObject> state = jsonLines(shownJson);
        QCOMPARE(state.size(), 1);
        QCOMPARE(state.first().value(u"seq"_s).toInt(), 2);
        const QString head = state.first().value(u"head"_s).toString();
        QCOMPARE(head.size(), 128);
        QVERIFY(shown.out.contains(head));
        QCOMPARE(parley(u"alice"_s, {u"send"_s, u"--room"_s, u"den"_s, u"before the rollback"_s}).exitCode, 0);

        // The server forgets carol's addition to den and lets mallory into lab without a record.
        mallory.close();
        QVERIFY(daemon.terminate());
        {
            Sql sql(daemon.dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(sql.ok);
            const qint64 den = sql.value(u"SELECT id FROM rooms WHERE name = 'den'"_s);
            const qint64 lab = sql.value(u"SELECT id FROM rooms WHERE name = 'lab'"_s);
            QVERIFY(den > 0 && lab > 0);
            QSqlQuery q(sql.db);
            QVERIFY(q.exec(u"SELECT rec FROM room_records WHERE room_id = %1 AND seq = 1"_s.arg(den)) && q.next());
            const QByteArray previousHead = crypto::sha512(q.value(0).toByteArray());
            q.finish();
            QVERIFY(sql.exec(u"DELETE FROM room_records WHERE room_id = ? AND seq = 2"_s, {den}));
            QVERIFY(sql.exec(u"DELETE FROM room_members WHERE room_id = ? AND user_name = 'carol'"_s, {den}));
            QVERIFY(sql.exec(u"UPDATE rooms SET next_seq = 2, head = ? WHERE id = ?"_s, {previousHead, den}));
            QVERIFY(sql.exec(u"INSERT INTO room_members (room_id, user_name, admin) VALUES (?, 'mallory', 0)"_s, {lab}));
        }
        QVERIFY(daemon.start());
        QVERIFY(mallory.connectNow());
        QVERIFY(sendToRoom(mallory, u"lab"_s, {u"alice"_s, u"bob"_s, u"mallory"_s}, u"let me in"_s));

        const Run recv = parley(u"bob"_s, {u"receive"_s, u"--json"_s});
        QVERIFY2(recv.exitCode == 0, qPrintable(recv.err));
        const QList<QJsonObject> records = jsonLines(recv);
        QCOMPARE(records.size(), 2);
        QCOMPARE(records.at(0).value(u"rejected"_s).toBool(), true);
        QCOMPARE(records.at(0).value(u"from"_s).toString(), u"alice"_s);
        QCOMPARE(records.at(0).value(u"reason"_s).toString(), u"chain_rollback"_s);
        QCOMPARE(records.at(1).value(u"rejected"_s).toBool(), true);
        QCOMPARE(records.at(1).value(u"from"_s).toString(), u"mallory"_s);
        QCOMPARE(records.at(1).value(u"reason"_s).toString(), u"not_a_member"_s);
        QVERIFY2(recv.err.contains(u"failed verification: not_a_member: mallory is not a member of room lab"_s),
                 qPrintable(recv.err));
        QVERIFY(!recv.out.contains(u"let me in"_s));
        QVERIFY(jsonLines(parley(u"bob"_s, {u"receive"_s, u"--json"_s})).isEmpty());   // acked, not shown again

        // Without --json: a warning, no message line.
        QVERIFY(sendToRoom(mallory, u"lab"_s, {u"alice"_s, u"bob"_s, u"mallory"_s}, u"once more"_s));
        const Run human = parley(u"bob"_s, {u"receive"_s});
        QCOMPARE(human.exitCode, 0);
        QVERIFY2(human.out.isEmpty(), qPrintable(human.out));
        QVERIFY2(human.err.contains(u"failed verification: not_a_member"_s), qPrintable(human.err));

        // The rolled-back chain is refused by `room show` and by a send to the room.
        const Run refused = parley(u"bob"_s, {u"room"_s, u"show"_s, u"den"_s});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains(u"chain_rollback"_s), qPrintable(refused.err));
        const Run send = parley(u"alice"_s, {u"send"_s, u"--room"_s, u"den"_s, u"after the rollback"_s});
        QVERIFY(send.exitCode != 0);
        QVERIFY2(send.err.contains(u"chain_rollback"_s), qPrintable(send.err));
    }

    // Enrollment and the first prekey upload are two requests: a device cut off between them holds no prekeys, not
    // even a last-resort key, and a fetch of its user's prekeys is answered not_found. `parley send` to that user
    // reports it and exits non-zero, instead of fetching again until the connection goes quiet.
    void sendToAUserWithoutPrekeysFailsAtOnce()
    {
        QVERIFY(registerProfile(daemon, profile(u"dan"_s), u"dan"_s));
        QVERIFY(registerProfile(daemon, profile(u"eve"_s), u"eve"_s));
        QVERIFY(daemon.terminate());
        {
            Sql sql(daemon.dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(sql.ok);
            const qint64 eve = sql.value(u"SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id "
                                         "WHERE u.name = 'eve'"_s);
            QVERIFY(eve > 0);
            QVERIFY(sql.exec(u"DELETE FROM prekeys WHERE device_id = ?"_s, {eve}));
            QVERIFY(sql.exec(u"UPDATE devices SET lr_kid = NULL, lr_pub = NULL, lr_sig = NULL WHERE id = ?"_s, {eve}));
        }
        QVERIFY(daemon.start());
        const Run send = parley(u"dan"_s, {u"send"_s, u"eve"_s, u"hello"_s});
        QVERIFY2(send.exitCode > 0, qPrintable(send.err));
        QVERIFY2(send.err.contains(u"message not sent: prekey fetch refused: no prekeys are available for this "
                                   "user's devices"_s),
                 qPrintable(send.err));
    }
};

QTEST_GUILESS_MAIN(TestCliChecks)
#include "tst_clichecks.moc"
