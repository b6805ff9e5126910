// The attachment calls of the admin API (files.show, files.set, files.usage) against a real parleyd: the limits and
// the storage in use as a device uploads, a new limit applied to the next upload without a restart, and the audit.

#include "adminfixture.h"
#include "../server/testclient.h"

#include <QCborArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

class TestAdminFiles : public AdminTest {
    Q_OBJECT

    quint64 m_id = 10;

    QString blobStart(TestClient &c, qint64 size)
    {
        const quint64 id = ++m_id;
        c.send(Frame(u"blob_start"_s, id).set("size"_L1, size));
        const auto reply = c.reply(id, WaitMs);
        if (!reply)
            return u"<nothing>"_s;
        return reply->type == u"error"_s ? reply->text("code"_L1) : reply->type;
    }

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
    }

    void limitsUsageAndLiveChange()
    {
        auto shown = call(u"files.show"_s);
        QVERIFY2(shown.ok, qPrintable(shown.message));
        QCOMPARE(shown.result.value("max_file"_L1).toInteger(), qint64(100) << 20);
        QCOMPARE(shown.result.value("user_quota"_L1).toInteger(), qint64(1) << 30);
        QCOMPARE(shown.result.value("total_bytes"_L1).toInteger(), 0);
        QCOMPARE(shown.result.value("blobs"_L1).toInteger(), 0);

        // A device of fay's starts an upload: it counts in full from its blob_start.
        auto created = call(u"user.create"_s, {{u"name"_s, u"fay"_s}});
        QVERIFY2(created.ok, qPrintable(created.message));
        TestDevice fay = TestDevice::create(u"fay"_s);
        TestClient c(m_daemon->dataDir() + u"/tls/server.crt"_s);
        QVERIFY(c.open(m_daemon->url().toString(), WaitMs));
        c.send(fay.enrollFrame(1, created.result.value("code"_L1).toString()));
        const auto enrolled = c.reply(1, WaitMs);
        QVERIFY(enrolled && enrolled->type == u"enrolled"_s);
        fay.number = quint32(enrolled->uint("device"_L1));
        c.send(fay.loginFrame(2, c.hello().bytes("ch"_L1)));
        QCOMPARE(c.reply(2, WaitMs)->type, u"welcome"_s);
        QCOMPARE(blobStart(c, 1000), u"blob_started"_s);

        shown = call(u"files.show"_s);
        QCOMPARE(shown.result.value("total_bytes"_L1).toInteger(), 1000);
        QCOMPARE(shown.result.value("blobs"_L1).toInteger(), 1);
        auto usage = call(u"files.usage"_s);
        QVERIFY2(usage.ok, qPrintable(usage.message));
        const QCborArray users = usage.result.value("users"_L1).toArray();
        QCOMPARE(users.size(), 1);
        QCOMPARE(users.at(0).toMap().value("user"_L1).toString(), u"fay"_s);
        QCOMPARE(users.at(0).toMap().value("bytes"_L1).toInteger(), 1000);
        QCOMPARE(users.at(0).toMap().value("blobs"_L1).toInteger(), 1);
        QCOMPARE(call(u"files.usage"_s, {{u"user"_s, u"nobody"_s}}).result.value("users"_L1).toArray().size(), 0);

        // A smaller per-file limit holds for the next upload, without a restart; so does a smaller quota.
        auto set = call(u"files.set"_s, {{u"max_file"_s, 500}});
        QVERIFY2(set.ok, qPrintable(set.message));
        QCOMPARE(set.result.value("max_file"_L1).toInteger(), 500);
        QCOMPARE(set.result.value("user_quota"_L1).toInteger(), qint64(1) << 30);
        QCOMPARE(blobStart(c, 501), u"quota"_s);
        QCOMPARE(blobStart(c, 500), u"blob_started"_s);
        QVERIFY(call(u"files.set"_s, {{u"user_quota"_s, 1600}}).ok);
        QCOMPARE(blobStart(c, 101), u"quota"_s);   // 1500 in use
        QCOMPARE(call(u"files.show"_s).result.value("max_file"_L1).toInteger(), 500);

        auto audit = call(u"audit.show"_s, {{u"action"_s, u"files.set"_s}});
        QVERIFY(audit.ok);
        const QCborArray records = audit.result.value("records"_L1).toArray();
        QCOMPARE(records.size(), 2);
        QCOMPARE(records.at(0).toMap().value("outcome"_L1).toString(), u"ok"_s);
        QCOMPARE(records.at(0).toMap().value("actor"_L1).toString(), u"admin"_s);
    }

    // parleyctl files show | set | usage.
    void parleyctlFiles()
    {
        const ParleyctlRunner home;
        QVERIFY(home.isValid());
        const QString pwFile = home.passwordFile(AdminPassword);
        auto ctl = [&home](const QStringList &args, QByteArray *out = nullptr) { return home.run(args, out); };
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, pwFile}),
                 0);
        QByteArray out;
        QCOMPARE(ctl({u"files"_s, u"set"_s, u"max_file=2048"_s, u"user_quota=4096"_s, u"--json"_s}, &out), 0);
        QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value("max_file"_L1).toInteger(), 2048);
        QCOMPARE(o.value("user_quota"_L1).toInteger(), 4096);
        QCOMPARE(ctl({u"files"_s, u"show"_s, u"--json"_s}, &out), 0);
        o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value("max_file"_L1).toInteger(), 2048);
        QCOMPARE(o.value("total_bytes"_L1).toInteger(), 1500);
        QCOMPARE(ctl({u"files"_s, u"usage"_s, u"fay"_s, u"--json"_s}, &out), 0);
        const QJsonArray users = QJsonDocument::fromJson(out).object().value("users"_L1).toArray();
        QCOMPARE(users.size(), 1);
        QCOMPARE(users.at(0).toObject().value("bytes"_L1).toInteger(), 1500);
        QCOMPARE(ctl({u"files"_s, u"set"_s, u"max_file=0"_s}), 2);        // invalid_argument
        QCOMPARE(ctl({u"files"_s, u"set"_s, u"max_file=lots"_s}), 2);     // usage
        QCOMPARE(ctl({u"files"_s, u"set"_s, u"speed=1"_s}), 2);
        QCOMPARE(ctl({u"files"_s, u"usage"_s, u"Bad Name"_s}), 2);
    }
};

QTEST_GUILESS_MAIN(TestAdminFiles)
#include "tst_adminfiles.moc"
