// The directory sync end to end against a real slapd (ldapfixture.h): configured through parleyctl and the admin
// API; a dry run that changes nothing; the first sync creating users with enrollment codes; a disabled entry
// suspending its user and re-enabling it lifting only the sync's own suspension; a removed entry suspending its
// user and deleting it after the grace period; a connection cut in the middle of the paged search changing nothing;
// a certificate of another CA refused with a clear error (ldaps:// and StartTLS); ldap:// without StartTLS refused
// when configured; a scheduled sync; groups mapped to rooms reported; a disabled flag that is a bit of a number (as
// Active Directory's userAccountControl); and the bind password in no reply, no log, no audit record and not in the
// database.

#include "../admin/adminfixture.h"
#include "ldapfixture.h"

#include <QCborArray>
#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

const QString BindPassword = u"Directory bind passphrase 5521"_s;
const QString BindDn = u"cn=parley-sync,ou=services,dc=example,dc=org"_s;

QString baseLdif()
{
    return u"dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n"
           "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n"
           "dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n\n"
           "dn: ou=services,dc=example,dc=org\nobjectClass: organizationalUnit\nou: services\n\n"
           "dn: %1\nobjectClass: person\ncn: parley-sync\nsn: sync\nuserPassword: %2\n\n"_s.arg(BindDn, BindPassword);
}

QString staffLdif(const QStringList &uids)
{
    QString ldif = u"dn: cn=staff,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: staff\n"_s;
    for (const QString &uid : uids)
        ldif += u"member: %1\n"_s.arg(Slapd::userDn(uid));
    return ldif + u"\n"_s;
}

// The changes of a sync report as "action name" lines, sorted.
QStringList changeLines(const QCborMap &report)
{
    QStringList out;
    for (const QCborValue &c : report.value("changes"_L1).toArray())
        out << c.toMap().value("action"_L1).toString() + u" "_s + c.toMap().value("name"_L1).toString();
    out.sort();
    return out;
}

} // namespace

class TestDirectorySync : public AdminTest {
    Q_OBJECT

    Slapd m_ldap;
    ParleyctlRunner m_ctl;
    QByteArray m_replies;          // every reply and parleyctl output of the run, searched for the password at the end
    QHash<QString, QString> m_codes;
    std::unique_ptr<Device> m_alice;
    std::unique_ptr<Device> m_bob;

    int ctl(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr)
    {
        QByteArray o;
        QByteArray e;
        const int code = m_ctl.run(args, &o, &e);
        m_replies += o + e;
        if (out)
            *out = o;
        if (err)
            *err = e;
        return code;
    }

    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {})
    {
        const auto reply = m_api->call(name, args);
        m_replies += QCborValue(reply.result).toCbor() + reply.message.toUtf8();
        m_replies += QJsonDocument(reply.result.toJsonObject()).toJson();
        return reply;
    }

    QCborMap sync(bool dryRun = false)
    {
        const auto reply = call(u"directory.sync"_s, dryRun ? QCborMap{{u"dry_run"_s, true}} : QCborMap{});
        if (!reply.ok)
            qWarning() << "directory.sync:" << reply.error << reply.message;
        return reply.ok ? reply.result : QCborMap();
    }

    // The directory settings of these tests, over the admin API; `url` and `extra` vary.
    SyncAdminClient::Reply configure(const QString &url, const QCborMap &extra = {}, const QString &caFile = {})
    {
        QCborMap args{{u"url"_s, url},
                      {u"ca_certificate"_s, QString::fromUtf8(Daemon::readFile(caFile.isEmpty() ? m_ldap.caFile() : caFile))},
                      {u"bind_dn"_s, BindDn},
                      {u"base_dn"_s, Slapd::Base},
                      {u"user_filter"_s, u"(objectClass=inetOrgPerson)"_s},
                      {u"disabled_attribute"_s, u"employeeType"_s},
                      {u"disabled_value"_s, u"disabled"_s},
                      {u"grace_seconds"_s, 3},
                      {u"page_size"_s, 2},
                      {u"group_filter"_s, u"(objectClass=groupOfNames)"_s},
                      {u"rooms"_s, QCborArray{u"staff=staffroom"_s}}};
        for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
            args.insert(it.key(), it.value());
        return call(u"directory.set"_s, args);
    }

    QString ldapsUrl(quint16 port = 0) const { return u"ldaps://127.0.0.1:%1"_s.arg(port ? port : m_ldap.ldapsPort()); }

    // name -> state, from user.list.
    QMap<QString, QString> userStates()
    {
        QMap<QString, QString> states;
        for (const QCborValue &u : call(u"user.list"_s).result.value("users"_L1).toArray())
            states.insert(u.toMap().value("name"_L1).toString(), u.toMap().value("state"_L1).toString());
        return states;
    }

    // The audit records of the sync's changes (directory.ACTION, not the calls), as "actor action target".
    QStringList syncAudit()
    {
        QStringList out;
        const QStringList calls{u"directory.show"_s, u"directory.set"_s, u"directory.clear"_s, u"directory.sync"_s,
                                u"directory.users"_s};
        for (const QCborValue &v : call(u"audit.show"_s, {{u"action"_s, u"directory"_s}}).result.value("records"_L1).toArray()) {
            const QCborMap m = v.toMap();
            if (!calls.contains(m.value("action"_L1).toString()))
                out << u"%1 %2 %3"_s.arg(m.value("actor"_L1).toString(), m.value("action"_L1).toString(), m.value("target"_L1).toString());
        }
        out.sort();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_ldap.start());
        QVERIFY(m_ldap.add(baseLdif()));
        QVERIFY(m_ldap.add(Slapd::userLdif(u"alice"_s, u"Alice Anders"_s) + Slapd::userLdif(u"bob"_s, u"Bob Berg"_s)
                           + Slapd::userLdif(u"carol"_s, u"Carol Chu"_s) + Slapd::userLdif(u"Erin"_s, u"Erin Eck"_s)
                           + Slapd::userLdif(u"dave smith"_s, u"Dave Smith"_s) + Slapd::userLdif(u"deploy.bot"_s, u"Deploy"_s)
                           + staffLdif({u"alice"_s, u"bob"_s})));
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
        m_logSecrets << BindPassword;
        QVERIFY(m_ctl.isValid());
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}), 0);
    }

    // ldap:// without StartTLS would send the bind password in the clear: refused when configured, by either client.
    void ldapWithoutStartTlsIsRefused()
    {
        const auto r = configure(u"ldap://127.0.0.1:%1"_s.arg(m_ldap.ldapPort()), {{u"password"_s, BindPassword}});
        QCOMPARE(r.error, u"invalid_argument"_s);
        QVERIFY2(r.message.startsWith(u"url: "_s) && r.message.contains(u"starttls"_s), qPrintable(r.message));
        QByteArray err;
        QCOMPARE(ctl({u"directory"_s, u"set"_s, u"url=ldap://127.0.0.1:%1"_s.arg(m_ldap.ldapPort()),
                      u"ca_certificate="_s + m_ldap.caFile(), u"base_dn="_s + Slapd::Base},
                     nullptr, &err), 2);
        QVERIFY2(err.contains("starttls"), err.constData());
        QCOMPARE(call(u"directory.show"_s).result.value("configured"_L1).toBool(), false);
        QCOMPARE(call(u"directory.sync"_s).error, u"not_found"_s);
    }

    void configureThroughParleyctl()
    {
        QByteArray out;
        QCOMPARE(ctl({u"directory"_s, u"set"_s, u"url="_s + ldapsUrl(), u"ca_certificate="_s + m_ldap.caFile(),
                      u"bind_dn="_s + BindDn, u"base_dn="_s + Slapd::Base, u"user_filter=(objectClass=inetOrgPerson)"_s,
                      u"disabled_attribute=employeeType"_s,
                      u"disabled_value=disabled"_s, u"grace_seconds=3"_s, u"page_size=2"_s,
                      u"group_filter=(objectClass=groupOfNames)"_s, u"rooms=staff=staffroom"_s, u"--secret-file"_s,
                      m_ctl.passwordFile(BindPassword, u"bind"_s)},
                     &out),
                 0);
        QByteArray err;
        QCOMPARE(ctl({u"directory"_s, u"set"_s, u"url="_s + ldapsUrl(), u"password=x"_s}, nullptr, &err), 2);
        QVERIFY(err.contains("--secret-file"));
        QCOMPARE(ctl({u"--json"_s, u"directory"_s, u"show"_s}, &out), 0);
        const QJsonObject shown = QJsonDocument::fromJson(out).object();
        QCOMPARE(shown.value("configured"_L1).toBool(), true);
        QCOMPARE(shown.value("password_set"_L1).toBool(), true);
        QCOMPARE(shown.value("url"_L1).toString(), ldapsUrl());
        QCOMPARE(shown.value("bind_dn"_L1).toString(), BindDn);
        QCOMPARE(shown.value("rooms"_L1).toArray(), QJsonArray{u"staff=staffroom"_s});
        QCOMPARE(shown.value("ca_subject"_L1).toString(), u"Parley test directory CA"_s);
        // The CA certificate itself, so that a client can send it back with other changes.
        QCOMPARE(shown.value("ca_certificate"_L1).toString(), QString::fromUtf8(Daemon::readFile(m_ldap.caFile())));
        // The stored password: a file of its own (0600 in a 0700 directory), not the database.
        const QDir dir(m_daemon->dataDir() + u"/directory"_s);
        const QStringList files = dir.entryList({u"bind-password-*"_s}, QDir::Files);
        QCOMPARE(files.size(), 1);
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                                | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
        QCOMPARE(int(QFileInfo(dir.filePath(files.first())).permissions() & others), 0);
        QCOMPARE(int(QFileInfo(dir.path()).permissions() & others), 0);
    }

    void dryRunReportsAndChangesNothing()
    {
        const QCborMap report = sync(true);
        QCOMPARE(report.value("dry_run"_L1).toBool(), true);
        QCOMPARE(report.value("entries"_L1).toInteger(), 6);
        QCOMPARE(changeLines(report), (QStringList{u"create alice"_s, u"create bob"_s, u"create carol"_s, u"create erin"_s}));
        QCOMPARE(report.value("created"_L1).toInteger(), 4);
        QVERIFY2(report.value("pages"_L1).toInteger() >= 3, "page_size 2: the search ran over several pages");
        for (const QCborValue &c : report.value("changes"_L1).toArray())
            QVERIFY(!c.toMap().contains("code"_L1));
        // A name that does not fit Parley's rules is reported, not made into one; so is a name reserved for bots.
        QMap<QString, QCborMap> skipped;
        for (const QCborValue &v : report.value("skipped"_L1).toArray())
            skipped.insert(v.toMap().value("value"_L1).toString(), v.toMap());
        QCOMPARE(skipped.keys(), (QStringList{u"dave smith"_s, u"deploy.bot"_s}));
        QCOMPARE(skipped.value(u"dave smith"_s).value("dn"_L1).toString(), Slapd::userDn(u"dave smith"_s));
        QVERIFY(skipped.value(u"deploy.bot"_s).value("reason"_L1).toString().contains(u"bot"_s));
        // The group's members against the room: reported for room admins, the room does not exist yet.
        const QCborArray rooms = report.value("rooms"_L1).toArray();
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms.first().toMap().value("missing"_L1).toArray(), (QCborArray{u"alice"_s, u"bob"_s}));
        QVERIFY(rooms.first().toMap().value("problem"_L1).toString().startsWith(u"no such room"_s));
        // Nothing changed.
        QVERIFY(userStates().isEmpty());
        QCOMPARE(syncAudit(), QStringList());
        QCOMPARE(call(u"directory.users"_s).result.value("users"_L1).toArray().size(), 0);
    }

    void firstSyncCreatesUsers()
    {
        QByteArray out;
        QCOMPARE(ctl({u"--json"_s, u"directory"_s, u"sync"_s}, &out), 0);
        const QJsonObject report = QJsonDocument::fromJson(out).object();
        QCOMPARE(report.value("dry_run"_L1).toBool(), false);
        QCOMPARE(report.value("created"_L1).toInt(), 4);
        for (const QJsonValue &c : report.value("changes"_L1).toArray()) {
            const QJsonObject o = c.toObject();
            QCOMPARE(o.value("action"_L1).toString(), u"create"_s);
            QVERIFY(!o.value("code"_L1).toString().isEmpty());
            QVERIFY(o.value("link"_L1).toString().startsWith(u"parley://enroll?"_s));
            m_codes.insert(o.value("name"_L1).toString(), o.value("code"_L1).toString());
            m_secrets << o.value("code"_L1).toString();
        }
        QCOMPARE(m_codes.size(), 4);
        const QMap<QString, QString> expected{{u"alice"_s, u"pending"_s}, {u"bob"_s, u"pending"_s},
                                              {u"carol"_s, u"pending"_s}, {u"erin"_s, u"pending"_s}};
        QCOMPARE(userStates(), expected);
        QCOMPARE(syncAudit(), (QStringList{u"admin directory.create alice"_s, u"admin directory.create bob"_s,
                                           u"admin directory.create carol"_s, u"admin directory.create erin"_s}));
        // The codes enroll; once enrolled, a second sync has nothing to do.
        m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
        QVERIFY(m_alice->enroll(m_codes.value(u"alice"_s)));
        m_bob = std::make_unique<Device>(*m_daemon, u"bob"_s);
        QVERIFY(m_bob->enroll(m_codes.value(u"bob"_s)));
        QCOMPARE(changeLines(sync()), QStringList());
        QCOMPARE(userStates().value(u"alice"_s), u"active"_s);
    }

    void disabledUserIsSuspended()
    {
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"alice"_s, true)));
        QCOMPARE(changeLines(sync()), QStringList{u"suspend alice"_s});
        QCOMPARE(userStates().value(u"alice"_s), u"suspended"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!m_alice->online(), WaitMs);   // its session was dropped
        // Enabled again: the sync lifts the suspension it made.
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"alice"_s, false)));
        QCOMPARE(changeLines(sync()), QStringList{u"resume alice"_s});
        QCOMPARE(userStates().value(u"alice"_s), u"active"_s);
        // A suspension an administrator made is not the sync's to lift.
        QVERIFY(call(u"user.suspend"_s, {{u"name"_s, u"bob"_s}}).ok);
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"bob"_s, true)));
        QCOMPARE(changeLines(sync()), QStringList());
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"bob"_s, false)));
        QCOMPARE(changeLines(sync()), QStringList());
        QCOMPARE(userStates().value(u"bob"_s), u"suspended"_s);
        QVERIFY(call(u"user.resume"_s, {{u"name"_s, u"bob"_s}}).ok);
        QVERIFY(syncAudit().contains(u"admin directory.suspend alice"_s));
        QVERIFY(syncAudit().contains(u"admin directory.resume alice"_s));
    }

    void removedUserIsSuspendedThenDeleted()
    {
        QVERIFY(m_ldap.remove(Slapd::userDn(u"alice"_s)));
        QVERIFY(m_ldap.remove(Slapd::userDn(u"carol"_s)));
        const QCborMap first = sync();
        QCOMPARE(changeLines(first), (QStringList{u"missing alice"_s, u"revoke_codes carol"_s}));
        QCOMPARE(userStates().value(u"alice"_s), u"suspended"_s);
        QVERIFY(!userStates().contains(u"carol"_s));
        const QCborArray waiting = first.value("waiting"_L1).toArray();
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().toMap().value("name"_L1).toString(), u"alice"_s);
        const qint64 deleteAt = waiting.first().toMap().value("delete_at"_L1).toInteger();
        QVERIFY(deleteAt >= first.value("at"_L1).toInteger() + 3000);
        // Within the grace period, nothing more; after it, deleted.
        QCOMPARE(changeLines(sync()), QStringList());
        QCOMPARE(userStates().value(u"alice"_s), u"suspended"_s);
        QTest::qWait(int(std::max<qint64>(0, deleteAt - QDateTime::currentMSecsSinceEpoch())) + 200);
        QCOMPARE(changeLines(sync()), QStringList{u"delete alice"_s});
        QVERIFY(!userStates().contains(u"alice"_s));
        QCOMPARE(call(u"user.show"_s, {{u"name"_s, u"alice"_s}}).error, u"not_found"_s);
        const QStringList audit = syncAudit();
        for (const QString &line : {u"admin directory.missing alice"_s, u"admin directory.delete alice"_s,
                                    u"admin directory.revoke_codes carol"_s})
            QVERIFY2(audit.contains(line), qPrintable(line));
    }

    // The directory goes away in the middle of the paged search: the run fails and nothing changes; the next complete
    // run makes every change.
    void connectionCutMidSearchChangesNothing()
    {
        QString ldif;
        for (int i = 1; i <= 10; ++i)
            ldif += Slapd::userLdif(u"user%1"_s.arg(i, 2, 10, QChar(u'0')), u"User %1"_s.arg(i));
        QVERIFY(m_ldap.add(ldif));
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"bob"_s, true)));
        CutProxy proxy(m_ldap.ldapsPort());
        QVERIFY(proxy.port());
        QVERIFY(configure(ldapsUrl(proxy.port())).ok);
        const QCborMap dry = sync(true);
        QCOMPARE(dry.value("created"_L1).toInteger(), 10);
        QCOMPARE(dry.value("suspended"_L1).toInteger(), 1);
        QVERIFY(dry.value("pages"_L1).toInteger() >= 8);
        const qint64 whole = proxy.downBytes();
        QVERIFY(whole > 2000);

        const auto states = userStates();
        const QStringList audit = syncAudit();
        const QCborArray links = call(u"directory.users"_s).result.value("users"_L1).toArray();
        for (const double fraction : {0.5, 0.8}) {
            proxy.setLimit(qint64(double(whole) * fraction));
            const auto cut = call(u"directory.sync"_s);
            QVERIFY(proxy.cut());
            QCOMPARE(cut.error, u"unavailable"_s);
            QVERIFY2(cut.message.contains(u"search: "_s), qPrintable(cut.message));
            QCOMPARE(userStates(), states);
            QCOMPARE(syncAudit(), audit);
            QCOMPARE(call(u"directory.users"_s).result.value("users"_L1).toArray(), links);
            const QCborMap last = call(u"directory.show"_s).result.value("last_sync"_L1).toMap();
            QCOMPARE(last.value("outcome"_L1).toString(), u"unavailable"_s);
        }
        proxy.setLimit(0);
        const QCborMap done = sync();
        QCOMPARE(done.value("created"_L1).toInteger(), 10);
        QCOMPARE(userStates().value(u"bob"_s), u"suspended"_s);
        QCOMPARE(userStates().value(u"user07"_s), u"pending"_s);
        for (const QCborValue &c : done.value("changes"_L1).toArray())
            m_secrets << c.toMap().value("code"_L1).toString();
    }

    void certificateOfAnotherCaIsRefused()
    {
        const auto states = userStates();
        QVERIFY(m_ldap.modify(Slapd::setDisabledLdif(u"bob"_s, false)));
        QVERIFY(configure(ldapsUrl(), {}, m_ldap.otherCaFile()).ok);
        auto r = call(u"directory.sync"_s);
        QCOMPARE(r.error, u"unavailable"_s);
        QVERIFY2(r.message.startsWith(u"tls: "_s) && r.message.contains(u"certificate is not trusted"_s), qPrintable(r.message));
        QCOMPARE(userStates(), states);
        // StartTLS on ldap:// meets the same check.
        QVERIFY(configure(u"ldap://127.0.0.1:%1"_s.arg(m_ldap.ldapPort()), {{u"starttls"_s, true}}, m_ldap.otherCaFile()).ok);
        r = call(u"directory.sync"_s, {{u"dry_run"_s, true}});
        QCOMPARE(r.error, u"unavailable"_s);
        QVERIFY2(r.message.startsWith(u"tls: "_s) && r.message.contains(u"certificate is not trusted"_s), qPrintable(r.message));
        // With the right CA, StartTLS reads the directory.
        QVERIFY(configure(u"ldap://127.0.0.1:%1"_s.arg(m_ldap.ldapPort()), {{u"starttls"_s, true}}).ok);
        QCOMPARE(changeLines(sync(true)), QStringList{u"resume bob"_s});
        QCOMPARE(userStates(), states);
    }

    void scheduledSync()
    {
        QVERIFY(m_ldap.add(Slapd::userLdif(u"frank"_s, u"Frank Fox"_s)));
        QVERIFY(configure(ldapsUrl(), {{u"interval_seconds"_s, 10}}).ok);
        QVERIFY(call(u"directory.show"_s).result.value("next_sync_at"_L1).toInteger() > QDateTime::currentMSecsSinceEpoch());
        QTRY_VERIFY_WITH_TIMEOUT(userStates().contains(u"frank"_s), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(syncAudit().contains(u"directory directory.create frank"_s), 5000);
        QVERIFY(syncAudit().contains(u"directory directory.resume bob"_s));
        const QCborMap last = call(u"directory.show"_s).result.value("last_sync"_L1).toMap();
        QCOMPARE(last.value("actor"_L1).toString(), u"directory"_s);
        for (const QCborValue &c : last.value("changes"_L1).toArray())
            QVERIFY2(!c.toMap().contains("code"_L1), "the codes of a scheduled run are nowhere: user.code issues one");
        QVERIFY(configure(ldapsUrl()).ok);
        QCOMPARE(call(u"directory.show"_s).result.value("next_sync_at"_L1).toInteger(), 0);
    }

    // Active Directory's way: a bit of a number (userAccountControl's ACCOUNTDISABLE, 2); here in employeeNumber.
    void disabledBitOfANumber()
    {
        QVERIFY(configure(ldapsUrl(), {{u"disabled_attribute"_s, u"employeeNumber"_s}, {u"disabled_value"_s, u""_s},
                                       {u"disabled_bit"_s, 2}}).ok);
        QCOMPARE(call(u"directory.show"_s).result.value("disabled_bit"_L1).toInteger(), 2);
        QVERIFY(m_ldap.modify(u"dn: %1\nchangetype: modify\nreplace: employeeNumber\nemployeeNumber: 512\n\n"_s
                                  .arg(Slapd::userDn(u"bob"_s))));
        QCOMPARE(changeLines(sync(true)), QStringList());
        QVERIFY(m_ldap.modify(u"dn: %1\nchangetype: modify\nreplace: employeeNumber\nemployeeNumber: 514\n\n"_s
                                  .arg(Slapd::userDn(u"bob"_s))));
        QCOMPARE(changeLines(sync(true)), QStringList{u"suspend bob"_s});
        QCOMPARE(userStates().value(u"bob"_s), u"active"_s);
    }

    void passwordIsNowhere()
    {
        QVERIFY(!m_replies.isEmpty());
        QVERIFY(!m_replies.contains(BindPassword.toUtf8()));
        const auto exported = call(u"audit.export"_s);
        QVERIFY(exported.ok);
        QVERIFY(exported.result.value("csv"_L1).toString().contains(u"directory.create"_s));
        QVERIFY(!exported.result.value("csv"_L1).toString().contains(BindPassword));
        QVERIFY(call(u"directory.clear"_s).ok);
        QCOMPARE(QDir(m_daemon->dataDir() + u"/directory"_s).entryList({u"bind-password-*"_s}, QDir::Files), QStringList());
        checkLogsHoldNoSecrets();
        // Nor in anything else the daemon wrote, its database included (the stored file is gone with clear).
        QVERIFY(!m_daemon->everythingWritten().contains(BindPassword.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestDirectorySync)
#include "tst_directorysync.moc"
