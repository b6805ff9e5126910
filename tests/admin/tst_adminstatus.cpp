// status.history and status' warnings against a real parleyd: the samples follow the traffic a raw device client
// makes (messages per second times the interval add up to the messages sent and delivered, the queue and the
// connected devices as they were), `since` returns the newer samples only, and the warnings that need action appear
// and go as their causes do. The history's interval is shortened with the test hook PARLEY_TEST_HISTORY_INTERVAL_MS
// (docs/operations.md "Test hooks").

#include "adminfixture.h"
#include "../server/testclient.h"

#include <QCborArray>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

namespace {

constexpr int HistoryIntervalMs = 200;
constexpr int Messages = 20;

QList<double> numbers(const QCborValue &array)
{
    QList<double> out;
    for (const QCborValue &v : array.toArray())
        out << v.toDouble();
    return out;
}

} // namespace

class TestAdminStatus : public AdminTest {
    Q_OBJECT

    TestDevice m_sender = TestDevice::create(u"sender"_s);
    TestDevice m_receiver = TestDevice::create(u"receiver"_s);
    quint64 m_nextId = 100;

    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {}) { return m_api->call(name, args); }

    QString certificateFile() const { return m_daemon->dataDir() + u"/tls/server.crt"_s; }

    bool enroll(TestDevice &device)
    {
        const auto created = call(u"user.create"_s, {{u"name"_s, device.user}});
        if (!created.ok)
            return false;
        m_secrets << created.result.value("code"_L1).toString();
        TestClient c(certificateFile());
        if (!c.open(m_daemon->url().toString(), WaitMs))
            return false;
        c.send(device.enrollFrame(1, created.result.value("code"_L1).toString()));
        const auto enrolled = c.reply(1, WaitMs);
        if (!enrolled || enrolled->type != u"enrolled"_s)
            return false;
        device.number = quint32(enrolled->uint("device"_L1));
        return true;
    }

    std::unique_ptr<TestClient> login(const TestDevice &device)
    {
        auto c = std::make_unique<TestClient>(certificateFile());
        if (!c->open(m_daemon->url().toString(), WaitMs))
            return nullptr;
        c->send(device.loginFrame(1, c->hello().bytes("ch"_L1)));
        const auto reply = c->reply(1, WaitMs);
        return reply && reply->type == u"welcome"_s ? std::move(c) : nullptr;
    }

    // status.history, checked for its shape: every array as long as `at`.
    QCborMap history(qint64 since = -1)
    {
        const auto r = since < 0 ? call(u"status.history"_s) : call(u"status.history"_s, {{u"since"_s, since}});
        if (!r.ok) {
            qWarning() << "status.history:" << r.error << r.message;
            return {};
        }
        const qsizetype n = r.result.value("at"_L1).toArray().size();
        for (const char *key : {"connected_devices", "messages_accepted", "messages_delivered", "queued_messages",
                                "write_queue", "commit_p50_ms", "commit_p99_ms"}) {
            if (r.result.value(QLatin1StringView(key)).toArray().size() != n) {
                qWarning() << key << "has another length than at";
                return {};
            }
        }
        return r.result;
    }

    // Waits for a sample whose `key` is `want` (after the sample at `after`); its history, or an empty map.
    QCborMap waitForSample(const char *key, qint64 want, qint64 after = 0)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            const QCborMap h = history(after);
            const QCborArray values = h.value(QLatin1StringView(key)).toArray();
            if (!values.isEmpty() && values.last().toInteger() == want)
                return h;
            QTest::qWait(HistoryIntervalMs / 2);
        }
        return {};
    }

    // The messages counted in the samples: each rate times the length of its interval.
    static double messagesIn(const QCborMap &h, const char *key)
    {
        const QList<double> at = numbers(h.value("at"_L1));
        const QList<double> rates = numbers(h.value(QLatin1StringView(key)));
        const double interval = h.value("interval_seconds"_L1).toDouble();
        double total = 0;
        for (qsizetype i = 0; i < rates.size(); ++i)
            total += rates[i] * (i == 0 ? interval : (at[i] - at[i - 1]) / 1000.0);
        return total;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No sweep: its checkpoint would make the writer count the queue again, which must not be what keeps the
        // queued messages right.
        startDaemon(u"[limits]\nsweep_seconds=3600\n"_s,
                    {{u"PARLEY_TEST_HISTORY_INTERVAL_MS"_s, QString::number(HistoryIntervalMs)}});
        if (QTest::currentTestFailed())
            return;
        auto api = loggedIn(u"admin"_s, m_initialPassword);
        QVERIFY(api);
        const auto reply = api->call(u"password.change"_s, {{u"password"_s, m_initialPassword}, {u"new_password"_s, AdminPassword}});
        QVERIFY2(reply.ok, qPrintable(reply.message));
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        m_api = std::move(api);
        QVERIFY(enroll(m_sender));
        QVERIFY(enroll(m_receiver));
    }

    void cleanupTestCase()
    {
        if (m_daemon)
            checkLogsHoldNoSecrets();
    }

    // The samples follow the traffic: 20 messages accepted, queued for the receiver until it logs in and
    // acknowledges them, delivered; the connected devices as they come and go.
    void historyFollowsTraffic()
    {
        const QCborMap first = history();
        QVERIFY(!first.isEmpty());
        QCOMPARE(first.value("interval_seconds"_L1).toDouble(), HistoryIntervalMs / 1000.0);
        QCOMPARE(first.value("retention_seconds"_L1).toDouble(), 8640 * HistoryIntervalMs / 1000.0);
        QVERIFY(std::abs(first.value("now"_L1).toInteger() - QDateTime::currentMSecsSinceEpoch()) < 5000);
        const QList<double> at = numbers(first.value("at"_L1));
        for (qsizetype i = 1; i < at.size(); ++i)
            QVERIFY(at[i] > at[i - 1]);
        const qint64 start = at.isEmpty() ? 0 : qint64(at.last());

        auto sender = login(m_sender);
        QVERIFY(sender);
        for (int i = 0; i < Messages; ++i) {
            const Frame f = m_sender.sendFrame(m_nextId++, m_receiver);
            sender->send(f);
            const auto accepted = sender->reply(f.id, WaitMs);
            QVERIFY(accepted && accepted->type == u"accepted"_s);
        }
        QCborMap h = waitForSample("queued_messages", Messages, start);
        QVERIFY2(!h.isEmpty(), "no sample with the messages queued");
        QCOMPARE(h.value("connected_devices"_L1).toArray().last().toInteger(), 1);
        QCOMPARE(call(u"status"_s).result.value("queued_messages"_L1).toInteger(), Messages);

        auto receiver = login(m_receiver);
        QVERIFY(receiver);
        QCborArray seqs;
        for (int i = 0; i < Messages; ++i) {
            const auto msg = receiver->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            seqs.append(qint64(msg->uint("seq"_L1)));
        }
        QVERIFY(!waitForSample("connected_devices", 2, start).isEmpty());
        receiver->send(Frame(u"ack"_s).set("seqs"_L1, seqs));
        h = waitForSample("queued_messages", 0, start);
        QVERIFY2(!h.isEmpty(), "no sample with the queue empty again");
        QTest::qWait(2 * HistoryIntervalMs);   // the ack's interval has a sample of its own by now
        h = history(start);

        // What the rates add up to over their intervals is what was sent and delivered.
        const double accepted = messagesIn(h, "messages_accepted");
        const double delivered = messagesIn(h, "messages_delivered");
        QVERIFY2(std::abs(accepted - Messages) < 0.5, qPrintable(u"accepted %1"_s.arg(accepted)));
        QVERIFY2(std::abs(delivered - Messages) < 0.5, qPrintable(u"delivered %1"_s.arg(delivered)));
        // The commits of the interval that stored the messages have a latency; p99 is never below p50.
        const QList<double> p50 = numbers(h.value("commit_p50_ms"_L1));
        const QList<double> p99 = numbers(h.value("commit_p99_ms"_L1));
        const QList<double> rates = numbers(h.value("messages_accepted"_L1));
        bool latencySeen = false;
        for (qsizetype i = 0; i < rates.size(); ++i) {
            QVERIFY(p99[i] >= p50[i]);
            QVERIFY(p50[i] >= 0);
            latencySeen = latencySeen || (rates[i] > 0 && p50[i] > 0);
        }
        QVERIFY(latencySeen);

        receiver.reset();
        sender.reset();
        QVERIFY(!waitForSample("connected_devices", 0, start).isEmpty());
    }

    // `since` returns the samples after it, oldest first; one past the newest returns none.
    void historySince()
    {
        const QCborMap all = history();
        const QList<double> at = numbers(all.value("at"_L1));
        QVERIFY(at.size() >= 3);
        const qint64 cut = qint64(at[at.size() - 3]);
        const QCborMap newer = history(cut);
        const QList<double> newerAt = numbers(newer.value("at"_L1));
        QVERIFY(!newerAt.isEmpty());
        QVERIFY(newerAt.first() > cut);
        QCOMPARE(newerAt.first(), at[at.size() - 2]);
        const qint64 future = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
        QCOMPARE(history(future).value("at"_L1).toArray().size(), 0);
        QCOMPARE(history(future).value("queued_messages"_L1).toArray().size(), 0);

        for (const QCborValue &bad : {QCborValue(-1), QCborValue(u"0"_s), QCborValue(1.5), QCborValue(true)}) {
            const auto r = call(u"status.history"_s, {{u"since"_s, bad}});
            QVERIFY(!r.ok);
            QCOMPARE(r.error, QString(proto::errors::BadRequest));
            QVERIFY2(r.message.contains(u"since"_s), qPrintable(r.message));
        }
    }
};

QTEST_GUILESS_MAIN(TestAdminStatus)
#include "tst_adminstatus.moc"
