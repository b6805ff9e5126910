// Tests of server/metrics: counters, gauges and histograms under concurrent updates, the text exposition format
// 0.0.4 they are written in, and the catalog of parleyd's metrics (checked by promtool where it is installed).

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
