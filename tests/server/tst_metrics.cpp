// Tests of server/metrics: counters, gauges and histograms under concurrent updates, the text exposition format
// 0.0.4 they are written in, the catalog of parleyd's metrics (checked by promtool where it is installed), and the
// samples of status.history: quantiles from bucket deltas as Prometheus interpolates them, rates, the fixed ring.

#include "metrics/history.h"
#include "metrics/metrics.h"
#include "metrics/servermetrics.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace parley::server;
using parley::server::metrics::Exposition;
using parley::server::metrics::Histogram;

class tst_Metrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void countersAndGaugesAcrossThreads()
    {
        metrics::Counter counter;
        metrics::Gauge gauge;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 100000; ++i) {
                    counter.add();
                    gauge.add(1);
                    gauge.add(-1);
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(counter.value(), quint64(400000));
        QCOMPARE(gauge.value(), qint64(0));
        gauge.set(-7);
        QCOMPARE(gauge.value(), qint64(-7));
    }

    // A hold counts one while it lives, once, whichever copy of it is moved where.
    void gaugeHold()
    {
        metrics::Gauge open;
        {
            metrics::GaugeHold a(&open);
            QCOMPARE(open.value(), qint64(1));
            metrics::GaugeHold b(std::move(a));
            QCOMPARE(open.value(), qint64(1));
            metrics::GaugeHold c(&open);
            QCOMPARE(open.value(), qint64(2));
            c = std::move(b);
            QCOMPARE(open.value(), qint64(1));
            a.reset();
            QCOMPARE(open.value(), qint64(1));
            c.reset();
            QCOMPARE(open.value(), qint64(0));
            metrics::GaugeHold d(&open);
        }
        QCOMPARE(open.value(), qint64(0));
        metrics::GaugeHold none;
        none.reset();
    }

    // A value equal to a bound is counted in that bound's bucket ("less than or equal"); buckets are cumulative and
    // the count is the +Inf bucket.
    void histogramBuckets()
    {
        Histogram h{0.001, 0.01, 0.1};
        h.observe(0.0005);
        h.observe(0.001);
        h.observe(0.002);
        h.observe(0.1);
        h.observe(7.0);
        h.observe(std::chrono::microseconds(50));
        const Histogram::Snapshot s = h.snapshot();
        QCOMPARE(s.upperBounds, (std::vector<double>{0.001, 0.01, 0.1}));
        QCOMPARE(s.cumulative, (std::vector<quint64>{3, 4, 5, 6}));
        QCOMPARE(s.count, quint64(6));
        QVERIFY(std::fabs(s.sum - (0.0005 + 0.001 + 0.002 + 0.1 + 7.0 + 0.00005)) < 1e-12);
    }

    void histogramAcrossThreads()
    {
        Histogram h{1, 2};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&h, t] {
                for (int i = 0; i < 50000; ++i)
                    h.observe(double(t % 3));
            });
        }
        for (std::thread &t : threads)
            t.join();
        const Histogram::Snapshot s = h.snapshot();
        QCOMPARE(s.count, quint64(200000));
        QCOMPARE(s.cumulative.back(), s.count);
        QCOMPARE(s.sum, 50000.0 * (0 + 1 + 2 + 0));
    }

    // Expected values worked out by hand from promql's bucketQuantile() (histogram_quantile): linear inside the
    // bucket, the first bucket starting at 0, the highest finite bound for a quantile in +Inf.
    void quantiles_data()
    {
        QTest::addColumn<double>("q");
        QTest::addColumn<std::vector<quint64>>("cumulative");
        QTest::addColumn<double>("expected");
        const std::vector<quint64> two{10, 20, 20, 20};
        QTest::newRow("median at the first bound") << 0.5 << two << 0.001;
        QTest::newRow("p99 inside the second bucket") << 0.99 << two << 0.001 + 0.009 * 0.98;
        QTest::newRow("p25 inside the first bucket") << 0.25 << two << 0.0005;
        QTest::newRow("everything in +Inf") << 0.5 << std::vector<quint64>{0, 0, 0, 5} << 0.1;
        QTest::newRow("p99 in +Inf") << 0.99 << std::vector<quint64>{0, 0, 90, 100} << 0.1;
        QTest::newRow("p50 in the third bucket") << 0.5 << std::vector<quint64>{0, 0, 4, 4} << 0.01 + 0.09 * 0.5;
        QTest::newRow("nothing counted") << 0.5 << std::vector<quint64>{0, 0, 0, 0} << 0.0;
    }

    void quantiles()
    {
        QFETCH(double, q);
        QFETCH(std::vector<quint64>, cumulative);
        QFETCH(double, expected);
        const double got = metrics::histogramQuantile(q, {0.001, 0.01, 0.1}, cumulative);
        QVERIFY2(std::fabs(got - expected) < 1e-12, qPrintable(u"%1, expected %2"_s.arg(got).arg(expected)));
    }

    // A sample covers the interval between two readings: rates over the real time between them, the quantiles over
    // the commits of the interval alone (not those before it), the gauges as read at its end.
    void historySample()
    {
        Histogram commits{0.001, 0.01, 0.1};
        for (int i = 0; i < 100; ++i)
            commits.observe(0.05);   // before the interval: must not count
        metrics::HistoryReading before{1000000, 5000, 3, 40, 10, 7, 1, commits.snapshot()};
        for (int i = 0; i < 10; ++i)
            commits.observe(0.0005);
        for (int i = 0; i < 10; ++i)
            commits.observe(0.005);
        metrics::HistoryReading after{1010000, 9000, 5, 60, 16, 9, 2, commits.snapshot()};
        const metrics::HistorySample s = metrics::History::sampleBetween(before, after);
        QCOMPARE(s.at, qint64(1010000));
        QCOMPARE(s.connectedDevices, qint64(5));
        QCOMPARE(s.messagesAccepted, 20 / 4.0);   // 20 messages in 4 s of the steady clock
        QCOMPARE(s.messagesDelivered, 6 / 4.0);
        QCOMPARE(s.queuedMessages, qint64(9));
        QCOMPARE(s.writeQueue, qint64(2));
        QVERIFY(std::fabs(s.commitP50Ms - 1.0) < 1e-9);
        QVERIFY(std::fabs(s.commitP99Ms - (1.0 + 9.0 * 0.98)) < 1e-9);

        metrics::HistoryReading idle = after;
        idle.at += 10000;
        idle.monotonicMs += 10000;
        const metrics::HistorySample quiet = metrics::History::sampleBetween(after, idle);
        QCOMPARE(quiet.messagesAccepted, 0.0);
        QCOMPARE(quiet.commitP50Ms, 0.0);
        QCOMPARE(quiet.commitP99Ms, 0.0);
    }

    // The ring keeps the last `capacity` samples, oldest first, and since() returns those after a time.
    void historyRing()
    {
        metrics::History history(4);
        QCOMPARE(history.capacity(), 4);
        QVERIFY(history.since(0).empty());
        metrics::HistoryReading r;
        history.start(r);
        for (int i = 1; i <= 6; ++i) {
            r.at = i * 10;
            r.monotonicMs = i * 10;
            r.connectedDevices = i;
            history.record(r);
        }
        QCOMPARE(history.size(), 4);
        const std::vector<metrics::HistorySample> all = history.since(0);
        QCOMPARE(all.size(), size_t(4));
        for (size_t i = 0; i < all.size(); ++i) {
            QCOMPARE(all[i].at, qint64(30 + 10 * i));
            QCOMPARE(all[i].connectedDevices, qint64(3 + i));
        }
        const std::vector<metrics::HistorySample> recent = history.since(40);
        QCOMPARE(recent.size(), size_t(2));
        QCOMPARE(recent.front().at, qint64(50));
        QVERIFY(history.since(60).empty());
    }

    void values_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("zero") << 0.0 << QByteArray("0");
        QTest::newRow("integer") << 42.0 << QByteArray("42");
        QTest::newRow("negative") << -3.0 << QByteArray("-3");
        QTest::newRow("large integer") << 1e15 << QByteArray("1000000000000000");
        QTest::newRow("fraction") << 0.25 << QByteArray("0.25");
        QTest::newRow("small") << 0.0005 << QByteArray("0.0005");
        QTest::newRow("shortest") << 0.1 << QByteArray("0.1");
        QTest::newRow("huge") << 1e300 << QByteArray("1e+300");
        QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
        QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    }

    void values()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(Exposition::formatValue(value), text);
    }

    void exposition()
    {
        Exposition out;
        out.counter("a_total", "Things.\nOn two lines, with a \\.", 3);
        out.gauge("b", "A level.", 1.5);
        out.family("c_total", "counter", "By kind.");
        out.sample("c_total", {{"kind", "x"}, {"other", "say \"hi\"\\\n"}}, 2);
        Histogram h{0.5, 1};
        h.observe(0.25);
        h.observe(3);
        out.histogram("d_seconds", "Durations.", h.snapshot());
        QCOMPARE(out.text(),
                 QByteArray("# HELP a_total Things.\\nOn two lines, with a \\\\.\n"
                            "# TYPE a_total counter\n"
                            "a_total 3\n"
                            "# HELP b A level.\n"
                            "# TYPE b gauge\n"
                            "b 1.5\n"
                            "# HELP c_total By kind.\n"
                            "# TYPE c_total counter\n"
                            "c_total{kind=\"x\",other=\"say \\\"hi\\\"\\\\\\n\"} 2\n"
                            "# HELP d_seconds Durations.\n"
                            "# TYPE d_seconds histogram\n"
                            "d_seconds_bucket{le=\"0.5\"} 1\n"
                            "d_seconds_bucket{le=\"1\"} 1\n"
                            "d_seconds_bucket{le=\"+Inf\"} 2\n"
                            "d_seconds_sum 3.25\n"
                            "d_seconds_count 2\n"));
    }

    // Every family of the catalog: HELP and TYPE once, before its samples; counters end in _total; label names are
    // the fixed few; every label combination is there from the start.
    void catalog()
    {
        ServerMetrics m;
        m.relay.connections.add(2);
        m.relay.connectionsAccepted.add(5);
        m.relay.handshake(RelayMetrics::Handshake::Resumed);
        m.relay.login(RelayMetrics::Login::Failed);
        m.relay.messagesAccepted.add(7);
        m.store.commitDuration.observe(0.003);
        m.push.outcome(PushMetrics::Provider::WebPush, PushMetrics::Outcome::DeadLettered);
        Exposition out;
        m.writeTo(out);
        const QString text = QString::fromUtf8(out.text());

        QMap<QString, QString> types;
        QSet<QString> helped;
        QSet<QString> labelNames;
        const QRegularExpression sampleLine(u"^([a-z_]+?)(_bucket|_sum|_count)?(\\{([^}]*)\\})? (\\S+)$"_s);
        for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
            if (line.startsWith(u"# HELP "_s)) {
                const QString name = line.section(u' ', 2, 2);
                QVERIFY2(!helped.contains(name), qPrintable(line));
                helped.insert(name);
                continue;
            }
            if (line.startsWith(u"# TYPE "_s)) {
                const QString name = line.section(u' ', 2, 2);
                QVERIFY2(helped.contains(name) && !types.contains(name), qPrintable(line));
                types.insert(name, line.section(u' ', 3, 3));
                if (types.value(name) == u"counter"_s)
                    QVERIFY2(name.endsWith(u"_total"_s), qPrintable(line));
                continue;
            }
            const auto m2 = sampleLine.match(line);
            QVERIFY2(m2.hasMatch(), qPrintable(line));
            const QString family = types.contains(m2.captured(1) + m2.captured(2)) ? m2.captured(1) + m2.captured(2)
                                                                                   : m2.captured(1);
            QVERIFY2(types.contains(family), qPrintable(line));
            for (const QString &pair : m2.captured(4).split(u',', Qt::SkipEmptyParts))
                labelNames.insert(pair.section(u'=', 0, 0));
        }
        QCOMPARE(labelNames, (QSet<QString>{u"result"_s, u"provider"_s, u"le"_s}));
        QCOMPARE(types.value(u"parleyd_connections"_s), u"gauge"_s);
        QCOMPARE(types.value(u"parleyd_store_commit_duration_seconds"_s), u"histogram"_s);
        QVERIFY(text.contains(u"\nparleyd_connections 2\n"_s));
        QVERIFY(text.contains(u"\nparleyd_connections_accepted_total 5\n"_s));
        QVERIFY(text.contains(u"\nparleyd_tls_handshakes_total{result=\"resumed\"} 1\n"_s));
        QVERIFY(text.contains(u"\nparleyd_tls_handshakes_total{result=\"timeout\"} 0\n"_s));
        QVERIFY(text.contains(u"\nparleyd_logins_total{result=\"failed\"} 1\n"_s));
        QVERIFY(text.contains(u"\nparleyd_messages_accepted_total 7\n"_s));
        QVERIFY(text.contains(u"\nparleyd_store_commit_duration_seconds_bucket{le=\"0.0025\"} 0\n"_s));
        QVERIFY(text.contains(u"\nparleyd_store_commit_duration_seconds_bucket{le=\"0.005\"} 1\n"_s));
        QVERIFY(text.contains(u"\nparleyd_push_wakeups_total{provider=\"webpush\",result=\"dead_lettered\"} 1\n"_s));
        QCOMPARE(text.count(u"parleyd_push_wakeups_total{"_s), 15);

        const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus; scripts/deps.sh test installs it)");
        QProcess check;
        check.start(promtool, {u"check"_s, u"metrics"_s});
        QVERIFY(check.waitForStarted());
        check.write(out.text());
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(30000));
        const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
        QVERIFY2(check.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }
};

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
