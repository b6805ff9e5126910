// Messages queued under a contact's old root key, through the `parley` CLI and a real parleyd. alice's account is
// deleted and enrolled again with a new identity (what `user.delete` and a new enrollment do; done here on the
// database while the daemon is stopped) while bob is offline with her messages still queued. bob's send fails with
// identity_changed; after `parley trust alice` his receive shows her old message verified and marked as from a
// previous key, and still rejects a tampered one and one certified under a key he never pinned.

#include "clirun.h"
#include "harness.h"
#include "roomtest.h"

#include <QSqlQuery>
#include <QTemporaryDir>

#include <functional>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

class TestCliTrust : public QObject {
    Q_OBJECT

private:
    Daemon daemon;
    QTemporaryDir profiles;

    QString profile(const QString &name) const { return profiles.filePath(name); }

    Run parley(const QString &who, const QStringList &args)
    {
        return runParley(QStringList{u"--profile"_s, profile(who)} + args);
    }

    // Deletes `user` with its devices, its queues and its replay records, the way the admin API's user.delete does
    // (the messages its devices sent stay queued for their recipients), then runs `change` on the database.
    bool deleteUser(const QString &user, const std::function<bool(Sql &)> &change = {})
    {
        if (!daemon.terminate())
            return false;
        {
            Sql sql(daemon.dataDir() + u"/parleyd.sqlite"_s);
            const qint64 id = sql.value(u"SELECT id FROM users WHERE name = ?"_s, {user});
            const QString devices = u"(SELECT id FROM devices WHERE user_id = %1)"_s.arg(id);
            if (!sql.ok || id < 0 || !sql.exec(u"PRAGMA foreign_keys = ON"_s)
                || !sql.exec(u"DELETE FROM seen WHERE sender_device_id IN "_s + devices)
                || !sql.exec(u"DELETE FROM queue WHERE device_id IN "_s + devices)
                || !sql.exec(u"DELETE FROM recovery WHERE user_id = ?"_s, {id})
                || !sql.exec(u"DELETE FROM users WHERE id = ?"_s, {id}) || (change && !change(sql)))
                return false;
        }
        return daemon.start();
    }

    // Changes one byte of the payload of the last message `from` sent: its signature no longer covers it.
    static bool tamperLast(Sql &sql, const QString &from)
    {
        QSqlQuery q(sql.db);
        q.prepare(u"SELECT id, payload FROM messages WHERE from_user = ? ORDER BY id DESC LIMIT 1"_s);
        q.addBindValue(from);
        if (!q.exec() || !q.next())
            return false;
        const qint64 id = q.value(0).toLongLong();
        QByteArray payload = q.value(1).toByteArray();
        q.finish();
        if (payload.size() < 40)
            return false;
        payload[payload.size() / 2] = char(payload.at(payload.size() / 2) ^ 0x01);
        return sql.exec(u"UPDATE messages SET payload = ? WHERE id = ?"_s, {payload, id});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(profiles.isValid());
        QVERIFY(daemon.start());
    }

    void queuedMessagesOfAPreviousKey()
    {
        // bob has three devices: one reads plain output, one --json, one receives before it trusts the new key.
        // Each pins alice's first key and devices.
        QVERIFY(registerProfile(daemon, profile(u"alice"_s), u"alice"_s));
        for (const QString &device : {u"bob"_s, u"bob2"_s, u"bob3"_s})
            QVERIFY(registerProfile(daemon, profile(device), u"bob"_s));
        QCOMPARE(parley(u"alice"_s, {u"send"_s, u"bob"_s, u"before"_s}).exitCode, 0);
        for (const QString &device : {u"bob"_s, u"bob2"_s, u"bob3"_s}) {
            const QList<QJsonObject> first = jsonLines(parley(device, {u"receive"_s, u"--json"_s}));
            QCOMPARE(first.size(), 1);
            QCOMPARE(first.first().value(u"verified"_s).toBool(), true);
            QVERIFY(!first.first().contains(u"previous_key"_s));
        }

        // While bob is offline: one message, one that the server tampers with, then a new identity of alice whose
        // message comes from a key bob never sees pinned, then yet another identity.
        QCOMPARE(parley(u"alice"_s, {u"send"_s, u"bob"_s, u"queued under the old key"_s}).exitCode, 0);
        QCOMPARE(parley(u"alice"_s, {u"send"_s, u"bob"_s, u"tampered"_s}).exitCode, 0);
        QVERIFY(deleteUser(u"alice"_s, [](Sql &sql) { return tamperLast(sql, u"alice"_s); }));
        QVERIFY(registerProfile(daemon, profile(u"alice2"_s), u"alice"_s));
        QCOMPARE(parley(u"alice2"_s, {u"send"_s, u"bob"_s, u"never pinned"_s}).exitCode, 0);
        QVERIFY(deleteUser(u"alice"_s));
        QVERIFY(registerProfile(daemon, profile(u"alice3"_s), u"alice"_s));

        // bob's send refuses the changed key; his queue stays untouched.
        const Run refused = parley(u"bob"_s, {u"send"_s, u"alice"_s, u"hello?"_s});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains(u"the root key of alice changed since it was first seen"_s), qPrintable(refused.err));
        // Before `trust`, the pinned key's devices still open what they sent before the change was seen.
        const Run early = parley(u"bob3"_s, {u"receive"_s, u"--json"_s});
        QVERIFY2(early.err.contains(u"the root key of alice differs from the one pinned"_s), qPrintable(early.err));
        const QList<QJsonObject> pinned = jsonLines(early);
        QCOMPARE(pinned.size(), 3);
        QCOMPARE(pinned.at(0).value(u"text"_s).toString(), u"queued under the old key"_s);
        QCOMPARE(pinned.at(0).value(u"verified"_s).toBool(), true);
        QVERIFY(!pinned.at(0).contains(u"previous_key"_s));
        QCOMPARE(pinned.at(1).value(u"reason"_s).toString(), u"bad_signature"_s);
        QCOMPARE(pinned.at(2).value(u"reason"_s).toString(), u"bad_signature"_s);

        for (const QString &device : {u"bob"_s, u"bob2"_s}) {
            const Run trusted = parley(device, {u"trust"_s, u"alice"_s});
            QVERIFY2(trusted.exitCode == 0, qPrintable(trusted.err));
            QVERIFY2(trusted.out.contains(u"marked as from a previous key of alice, for 30 days"_s), qPrintable(trusted.out));
        }

        const Run human = parley(u"bob"_s, {u"receive"_s});
        QVERIFY2(human.exitCode == 0, qPrintable(human.err));
        QCOMPARE(human.lines().size(), 1);
        QVERIFY2(human.out.contains(u"alice#1 (from a previous key of alice): queued under the old key"_s),
                 qPrintable(human.out));
        QCOMPARE(human.err.count(u"failed verification: bad_signature"_s), 2);

        const QList<QJsonObject> records = jsonLines(parley(u"bob2"_s, {u"receive"_s, u"--json"_s}));
        QCOMPARE(records.size(), 3);
        QCOMPARE(records.at(0).value(u"text"_s).toString(), u"queued under the old key"_s);
        QCOMPARE(records.at(0).value(u"verified"_s).toBool(), true);
        QCOMPARE(records.at(0).value(u"previous_key"_s).toBool(), true);
        for (const QJsonObject &r : {records.at(1), records.at(2)}) {
            QCOMPARE(r.value(u"rejected"_s).toBool(), true);
            QCOMPARE(r.value(u"from"_s).toString(), u"alice"_s);
            QCOMPARE(r.value(u"reason"_s).toString(), u"bad_signature"_s);
        }

        // The new key is pinned and used for sending; alice's new identity is shown as current.
        QCOMPARE(parley(u"bob"_s, {u"send"_s, u"alice"_s, u"hello again"_s}).exitCode, 0);
        const QList<QJsonObject> reply = jsonLines(parley(u"alice3"_s, {u"receive"_s, u"--json"_s}));
        QCOMPARE(reply.size(), 1);
        QCOMPARE(reply.first().value(u"text"_s).toString(), u"hello again"_s);
        QCOMPARE(parley(u"alice3"_s, {u"send"_s, u"bob"_s, u"new key"_s}).exitCode, 0);
        const QList<QJsonObject> fresh = jsonLines(parley(u"bob2"_s, {u"receive"_s, u"--json"_s}));
        QCOMPARE(fresh.size(), 2);   // bob's own copy of "hello again", then alice's message
        QCOMPARE(fresh.last().value(u"from"_s).toString(), u"alice"_s);
        QCOMPARE(fresh.last().value(u"text"_s).toString(), u"new key"_s);
        QCOMPARE(fresh.last().value(u"verified"_s).toBool(), true);
        QVERIFY(!fresh.last().contains(u"previous_key"_s));
    }
};

QTEST_GUILESS_MAIN(TestCliTrust)
#include "tst_clitrust.moc"
