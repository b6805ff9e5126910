// parley-admin's dashboard without a server: replies of status.history and status as the server sends them (CBOR),
// through the real parsing, the history kept between polls, the charts drawn from it and the warnings panel. The
// dashboard against a real parleyd runs in tst_admindashboard.

#include "adminclient.h"
#include "dashboardpage.h"
#include "historychart.h"
#include "serverhistory.h"
#include "serverwarning.h"
#include "translations.h"
#include "warningspanel.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QCborArray>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;
using namespace parley::admin;

namespace {

constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
// A fixed moment, so that the time ticks are the same on every run: 2025-03-14 09:26:40 UTC.
constexpr qint64 Now = 1741944400000;

struct Row {
    qint64 at = 0;
    qint64 devices = 0;
    double accepted = 0;
    double delivered = 0;
    qint64 queued = 0;
    qint64 writeQueue = 0;
    double p50 = 0;
    double p99 = 0;
};

// A status.history result as parleyd sends it.
QCborMap historyReply(qint64 now, const QList<Row> &rows, qint64 intervalSeconds = 10)
{
    QCborArray at, devices, accepted, delivered, queued, writeQueue, p50, p99;
    for (const Row &r : rows) {
        at.append(r.at);
        devices.append(r.devices);
        accepted.append(r.accepted);
        delivered.append(r.delivered);
        queued.append(r.queued);
        writeQueue.append(r.writeQueue);
        p50.append(r.p50);
        p99.append(r.p99);
    }
    QCborMap m;
    m.insert(u"interval_seconds"_s, intervalSeconds);
    m.insert(u"retention_seconds"_s, 86400);
    m.insert(u"now"_s, now);
    m.insert(u"at"_s, at);
    m.insert(u"connected_devices"_s, devices);
    m.insert(u"messages_accepted"_s, accepted);
    m.insert(u"messages_delivered"_s, delivered);
    m.insert(u"queued_messages"_s, queued);
    m.insert(u"write_queue"_s, writeQueue);
    m.insert(u"commit_p50_ms"_s, p50);
    m.insert(u"commit_p99_ms"_s, p99);
    return m;
}

// `count` samples every `interval` ms up to `last`, with values made by `make` from the sample's index.
QList<Row> rowsUntil(qint64 last, int count, qint64 interval, const std::function<Row(int)> &make)
{
    QList<Row> rows;
    for (int i = 0; i < count; ++i) {
        Row r = make(i);
        r.at = last - qint64(count - 1 - i) * interval;
        rows.append(r);
    }
    return rows;
}

ServerHistory::Reply parsed(const QCborMap &m)
{
    auto result = ServerHistory::parse(m);
    if (const QString *error = std::get_if<QString>(&result)) {
        qWarning() << *error;
        return {};
    }
    return std::get<ServerHistory::Reply>(result);
}

QCborMap warning(const QString &code, const QString &severity, const QCborMap &details)
{
    QCborMap w = details;
    w.insert(u"code"_s, code);
    w.insert(u"severity"_s, severity);
    w.insert(u"message"_s, u"server says: "_s + code);
    w.insert(u"since"_s, QDateTime::currentMSecsSinceEpoch() - 2 * Hour);
    return w;
}

QCborMap statusWith(const QCborArray &warnings)
{
    QCborMap status;
    status.insert(u"warnings"_s, warnings);
    return status;
}

} // namespace

class TestDashboard : public QObject {
    Q_OBJECT

    QTemporaryDir m_settings;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        // English with its plural forms; dates and numbers as in the United States.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)));
    }

    void parseAReply()
    {
        const auto reply = parsed(historyReply(Now, {{Now - 20 * Second, 3, 1.5, 1.25, 7, 2, 0.8, 4.5},
                                                     {Now - 10 * Second, 4, 0, 0, 0, 0, 0, 0}}));
        QCOMPARE(reply.intervalMs, 10 * Second);
        QCOMPARE(reply.retentionMs, 86400 * Second);
        QCOMPARE(reply.now, Now);
        QCOMPARE(reply.samples.size(), 2);
        QCOMPARE(reply.samples[0].at, Now - 20 * Second);
        const auto &v = reply.samples[0].values;
        QCOMPARE(v[size_t(HistoryMetric::ConnectedDevices)], 3.0);
        QCOMPARE(v[size_t(HistoryMetric::MessagesAccepted)], 1.5);
        QCOMPARE(v[size_t(HistoryMetric::MessagesDelivered)], 1.25);
        QCOMPARE(v[size_t(HistoryMetric::QueuedMessages)], 7.0);
        QCOMPARE(v[size_t(HistoryMetric::WriteQueue)], 2.0);
        QCOMPARE(v[size_t(HistoryMetric::CommitP50)], 0.8);
        QCOMPARE(v[size_t(HistoryMetric::CommitP99)], 4.5);
        QCOMPARE(reply.samples[1].values[size_t(HistoryMetric::ConnectedDevices)], 4.0);
        // A server's test hook samples faster than once a second.
        QCborMap fast = historyReply(Now, {{Now - 200, 1, 5, 5, 0, 0, 1, 2}});
        fast.insert(u"interval_seconds"_s, 0.2);
        fast.insert(u"retention_seconds"_s, 1728);
        QCOMPARE(parsed(fast).intervalMs, 200);
        QCOMPARE(parsed(fast).samples.size(), 1);
        // No samples yet is a reply too.
        QVERIFY(parsed(historyReply(Now, {})).samples.isEmpty());
        QCOMPARE(parsed(historyReply(Now, {})).now, Now);
    }

    void parseRefuses_data()
    {
        QTest::addColumn<QCborMap>("reply");
        QTest::addColumn<QString>("why");
        const QCborMap good = historyReply(Now, {{Now - 20 * Second, 3, 1.5, 1.25, 7, 2, 0.8, 4.5},
                                                 {Now - 10 * Second, 4, 0, 0, 0, 0, 0, 0}});
        auto with = [&good](const QString &key, const QCborValue &value) {
            QCborMap m = good;
            m.insert(key, value);
            return m;
        };
        auto without = [&good](const QString &key) {
            QCborMap m = good;
            m.remove(key);
            return m;
        };
        QTest::newRow("no interval") << without(u"interval_seconds"_s) << u"“interval_seconds” is missing"_s;
        QTest::newRow("interval as text") << with(u"interval_seconds"_s, u"10"_s) << u"“interval_seconds” is missing"_s;
        QTest::newRow("interval 0") << with(u"interval_seconds"_s, 0) << u"interval (0 s)"_s;
        QTest::newRow("interval 0.05") << with(u"interval_seconds"_s, 0.05) << u"interval (0.05 s)"_s;
        QTest::newRow("interval NaN") << with(u"interval_seconds"_s, qQNaN()) << u"“interval_seconds” is missing"_s;
        QTest::newRow("interval over an hour") << with(u"interval_seconds"_s, 3601) << u"interval (3601 s)"_s;
        QTest::newRow("retention below the interval") << with(u"retention_seconds"_s, 5) << u"retention (5 s)"_s;
        QTest::newRow("no now") << without(u"now"_s) << u"“now” is missing"_s;
        QTest::newRow("now 0") << with(u"now"_s, 0) << u"clock"_s;
        QTest::newRow("at not an array") << with(u"at"_s, Now) << u"“at” is missing"_s;
        QTest::newRow("times backwards") << with(u"at"_s, QCborArray{Now - 10 * Second, Now - 20 * Second}) << u"not in order"_s;
        QTest::newRow("time twice") << with(u"at"_s, QCborArray{Now - 10 * Second, Now - 10 * Second}) << u"not in order"_s;
        QTest::newRow("time after now") << with(u"at"_s, QCborArray{Now - 10 * Second, Now + 1}) << u"later than its clock"_s;
        QTest::newRow("time as a double") << with(u"at"_s, QCborArray{double(Now - 20 * Second), double(Now - 10 * Second)})
                                          << u"not in order"_s;
        QTest::newRow("a metric missing") << without(u"commit_p99_ms"_s) << u"“commit_p99_ms” is missing"_s;
        QTest::newRow("a metric short") << with(u"write_queue"_s, QCborArray{1}) << u"“write_queue” has 1 values for 2 times"_s;
        QTest::newRow("a metric long") << with(u"messages_accepted"_s, QCborArray{1.0, 2.0, 3.0})
                                       << u"“messages_accepted” has 3 values for 2 times"_s;
        QTest::newRow("a count negative") << with(u"connected_devices"_s, QCborArray{3, -1}) << u"value 2 of “connected_devices”"_s;
        QTest::newRow("a count fractional") << with(u"queued_messages"_s, QCborArray{3, 1.5}) << u"value 2 of “queued_messages”"_s;
        QTest::newRow("a rate as text") << with(u"messages_delivered"_s, QCborArray{1.0, u"2"_s})
                                        << u"value 2 of “messages_delivered”"_s;
        QTest::newRow("a rate NaN") << with(u"messages_accepted"_s, QCborArray{qQNaN(), 1.0}) << u"value 1 of “messages_accepted”"_s;
        QTest::newRow("a latency infinite") << with(u"commit_p50_ms"_s, QCborArray{1.0, qInf()}) << u"value 2 of “commit_p50_ms”"_s;
        QTest::newRow("a latency negative") << with(u"commit_p99_ms"_s, QCborArray{-0.5, 1.0}) << u"value 1 of “commit_p99_ms”"_s;
    }

    void parseRefuses()
    {
        QFETCH(QCborMap, reply);
        QFETCH(QString, why);
        const auto result = ServerHistory::parse(reply);
        const QString *error = std::get_if<QString>(&result);
        QVERIFY2(error, "accepted");
        QVERIFY2(error->startsWith(u"The server's history could not be read: "_s), qPrintable(*error));
        QVERIFY2(error->contains(why), qPrintable(*error));
    }

    void mergeAppendsWhatIsNew()
    {
        ServerHistory history;
        QVERIFY(!history.since());
        auto make = [](int i) { return Row{0, i, double(i), 0, 0, 0, 0, 0}; };
        QCOMPARE(history.merge(parsed(historyReply(Now, rowsUntil(Now, 5, 10 * Second, make)))), ServerHistory::Merged::Appended);
        QCOMPARE(history.size(), 5);
        QCOMPARE(history.since().value(), Now);
        QCOMPARE(history.now(), Now);
        QCOMPARE(history.intervalMs(), 10 * Second);
        // A reply that repeats the newest sample (since is inclusive on some servers) adds only what is new.
        const QList<Row> next{{Now, 4, 4, 0, 0, 0, 0, 0}, {Now + 10 * Second, 9, 9, 0, 0, 0, 0, 0}};
        QCOMPARE(history.merge(parsed(historyReply(Now + 12 * Second, next))), ServerHistory::Merged::Appended);
        QCOMPARE(history.size(), 6);
        QCOMPARE(history.at(5).values[size_t(HistoryMetric::ConnectedDevices)], 9.0);
        QCOMPARE(history.now(), Now + 12 * Second);
        QCOMPARE(history.since().value(), Now + 10 * Second);
    }

    void restartOrNewIntervalStartsOver()
    {
        ServerHistory history;
        auto make = [](int) { return Row{0, 2, 1, 1, 0, 0, 1, 2}; };
        history.merge(parsed(historyReply(Now, rowsUntil(Now, 30, 10 * Second, make))));
        QCOMPARE(history.size(), 30);
        // A server that restarted has a clock behind what was seen (its samples are gone): start over.
        QCOMPARE(history.merge(parsed(historyReply(Now - 5 * Second, {}))), ServerHistory::Merged::Reset);
        QVERIFY(history.isEmpty());
        QVERIFY(!history.since());
        QCOMPARE(history.merge(parsed(historyReply(Now + 30 * Second, rowsUntil(Now + 20 * Second, 2, 10 * Second, make)))),
                 ServerHistory::Merged::Appended);
        QCOMPARE(history.size(), 2);
        // So does one sampling at another interval.
        QCOMPARE(history.merge(parsed(historyReply(Now + 40 * Second, {}, 5))), ServerHistory::Merged::Reset);
        QVERIFY(history.isEmpty());
    }

    void keepsAtMostADay()
    {
        ServerHistory history;
        auto make = [](int i) { return Row{0, i, 0, 0, 0, 0, 0, 0}; };
        // 30 hours of samples a minute apart.
        history.merge(parsed(historyReply(Now, rowsUntil(Now, 30 * 60, Minute, make), 60)));
        QCOMPARE(history.size(), 24 * 60);
        QCOMPARE(history.at(0).at, Now - (24 * 60 - 1) * Minute);
        // Later replies push the oldest out.
        history.merge(parsed(historyReply(Now + 10 * Minute, rowsUntil(Now + 10 * Minute, 10, Minute, make), 60)));
        QCOMPARE(history.size(), 24 * 60);
        QCOMPARE(history.at(0).at, Now + 10 * Minute - (24 * 60 - 1) * Minute);
        // A server that keeps less than a day: what it keeps.
        QCborMap shortRetention = historyReply(Now, rowsUntil(Now, 120, 10 * Second, make));
        shortRetention.insert(u"retention_seconds"_s, 600);
        ServerHistory second;
        second.merge(parsed(shortRetention));
        QCOMPARE(second.size(), 60);
    }

    void linesAreCutAtGaps()
    {
        ServerHistory history;
        QList<Row> rows;
        // Samples 10 s apart, a sample missing (20 s: still one line), then three missing (40 s: cut), a lone one.
        for (qint64 at : {0, 10, 20, 40, 50, 90, 130, 140})
            rows.append(Row{Now - 140 * Second + at * Second, 1, 2.5, 2.5, 0, 0, 0, 0});
        history.merge(parsed(historyReply(Now, rows)));
        const auto lines = history.lines(HistoryMetric::MessagesAccepted, Now - 15 * Minute, Now, 720);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].size(), 5);
        QCOMPARE(lines[1].size(), 1);
        QCOMPARE(lines[2].size(), 2);
        QCOMPARE(lines[0].first(), QPointF(double(Now - 140 * Second), 2.5));
        QCOMPARE(lines[2].last(), QPointF(double(Now), 2.5));
        // The range starts at the sample before it, so that the line reaches the edge; nothing after `to`.
        const auto part = history.lines(HistoryMetric::MessagesAccepted, Now - 45 * Second, Now - 5 * Second, 720);
        QCOMPARE(part.size(), 2);
        QCOMPARE(part[0], QList<QPointF>{QPointF(double(Now - 50 * Second), 2.5)});
        QCOMPARE(part[1], QList<QPointF>{QPointF(double(Now - 10 * Second), 2.5)});
        // An empty range, an empty history: no lines.
        QVERIFY(history.lines(HistoryMetric::MessagesAccepted, Now + Minute, Now + 2 * Minute, 720).value(0).size() <= 1);
        QVERIFY(ServerHistory().lines(HistoryMetric::MessagesAccepted, Now - Hour, Now, 720).isEmpty());
    }

    void aDayIsCombinedIntoBuckets()
    {
        ServerHistory history;
        // A day at 10 s: devices go 0..9 and back, accepted alternates 1 and 3, p50 alternates 0 and 4.
        auto make = [](int i) {
            return Row{0, i % 10, i % 2 ? 3.0 : 1.0, 0, 0, 0, i % 2 ? 4.0 : 0.0, double(i % 7)};
        };
        history.merge(parsed(historyReply(Now, rowsUntil(Now, 8640, 10 * Second, make))));
        QCOMPARE(history.size(), 8640);
        const auto devices = history.lines(HistoryMetric::ConnectedDevices, Now - 24 * Hour, Now, 720);
        QCOMPARE(devices.size(), 1);
        QVERIFY2(devices[0].size() <= 722 && devices[0].size() >= 700, QByteArray::number(devices[0].size()));
        const auto accepted = history.lines(HistoryMetric::MessagesAccepted, Now - 24 * Hour, Now, 720);
        const auto p50 = history.lines(HistoryMetric::CommitP50, Now - 24 * Hour, Now, 720);
        const auto p99 = history.lines(HistoryMetric::CommitP99, Now - 24 * Hour, Now, 720);
        // Inner buckets (the first and last may be partial): counts and p99 at their peak, rates averaged, p50
        // averaged over the intervals that committed something.
        for (qsizetype i = 1; i + 1 < devices[0].size(); ++i) {
            QCOMPARE(devices[0][i].y(), 9.0);
            QCOMPARE(accepted[0][i].y(), 2.0);
            QCOMPARE(p50[0][i].y(), 4.0);
            QCOMPARE(p99[0][i].y(), 6.0);
        }
        // Buckets follow the clock: a new sample leaves the earlier points where they were.
        const QPointF before = devices[0][devices[0].size() / 2];
        history.merge(parsed(historyReply(Now + 10 * Second, {Row{Now + 10 * Second, 1, 1, 0, 0, 0, 0, 0}})));
        const auto after = history.lines(HistoryMetric::ConnectedDevices, Now + 10 * Second - 24 * Hour, Now + 10 * Second, 720);
        QVERIFY(after[0].contains(before));
        // An hour is drawn sample by sample: 361 samples from its start to its end, and the one before.
        QCOMPARE(history.lines(HistoryMetric::ConnectedDevices, Now - Hour, Now, 720).value(0).size(), 362);
    }

    void timeTicksAreRound()
    {
        const QLocale german(QLocale::German, QLocale::Germany);
        struct Case {
            qint64 range;
            qint64 step;
        };
        for (const Case &c : {Case{15 * Minute, 3 * Minute}, Case{Hour, 10 * Minute}, Case{6 * Hour, Hour}, Case{24 * Hour, 4 * Hour}}) {
            const auto ticks = HistoryChart::timeTicks(Now - c.range, Now, german);
            QVERIFY2(ticks.size() >= 4 && ticks.size() <= 6, QByteArray::number(ticks.size()));
            QStringList labels;
            for (qsizetype i = 0; i < ticks.size(); ++i) {
                const QDateTime local = QDateTime::fromMSecsSinceEpoch(ticks[i].first);
                // Not within 4 % of an end, where the label would be cut off.
                QVERIFY(ticks[i].first >= Now - c.range + c.range / 25 && ticks[i].first <= Now - c.range / 25);
                QCOMPARE(local.time().second(), 0);
                const qint64 minuteOfDay = local.time().hour() * 60 + local.time().minute();
                QCOMPARE(minuteOfDay % (c.step / Minute), 0);
                QCOMPARE(ticks[i].second, local.time().toString(u"HH:mm"_s));
                if (i > 0)
                    QCOMPARE(ticks[i].first - ticks[i - 1].first, c.step);
                labels.append(ticks[i].second);
            }
            labels.removeDuplicates();
            QCOMPARE(labels.size(), ticks.size());
        }
    }

    void valueScaleIsRound()
    {
        using Scale = std::pair<double, int>;
        QCOMPARE(HistoryChart::valueScale(0, true), Scale(4, 4));
        QCOMPARE(HistoryChart::valueScale(0, false), Scale(1, 4));
        QCOMPARE(HistoryChart::valueScale(3, true), Scale(4, 4));         // a line never runs along the top
        QCOMPARE(HistoryChart::valueScale(1, true), Scale(2, 2));
        QCOMPARE(HistoryChart::valueScale(17, true), Scale(20, 4));
        QCOMPARE(HistoryChart::valueScale(1234, true), Scale(1250, 5));
        QCOMPARE(HistoryChart::valueScale(0.3, false), Scale(0.4, 4));
        QCOMPARE(HistoryChart::valueScale(7.2, false), Scale(8, 4));
        QCOMPARE(HistoryChart::valueScale(42.5, false), Scale(50, 5));
    }

    void warningsInWords()
    {
        const qint64 expires = QDateTime(QDate(2031, 5, 17), QTime(12, 0)).toMSecsSinceEpoch();
        QCborArray list;
        list.append(warning(u"certificate_expiring"_s, u"warning"_s,
                            {{u"days_left"_s, 10}, {u"expires_at"_s, expires}, {u"listener"_s, u"device"_s}}));
        list.append(warning(u"disk_low"_s, u"critical"_s,
                            {{u"free_bytes"_s, qint64(512) << 20}, {u"total_bytes"_s, qint64(20) << 30}, {u"path"_s, u"/var/lib/parleyd"_s}}));
        list.append(warning(u"push_failing"_s, u"warning"_s,
                            {{u"provider"_s, u"apns"_s}, {u"failures"_s, 12}, {u"dead_lettered"_s, 3}}));
        list.append(warning(u"storage_failing"_s, u"critical"_s, {{u"reason"_s, u"storage"_s}}));
        list.append(warning(u"node_stalled"_s, u"critical"_s,
                            {{u"node"_s, u"relay-1"_s}, {u"thread"_s, u"worker 2"_s}, {u"unanswered_seconds"_s, 95}}));
        list.append(warning(u"directory_sync_failed"_s, u"warning"_s,
                            {{u"error"_s, u"tls: certificate not trusted"_s}, {u"at"_s, expires}}));
        list.append(warning(u"quota_exhausted"_s, u"strange"_s, {}));                 // unknown to this version
        list.append(warning(u"certificate_expiring"_s, u"critical"_s, {{u"days_left"_s, u"ten"_s}}));   // bad details
        list.append(u"not a map"_s);
        list.append(QCborMap{{u"severity"_s, u"critical"_s}});                        // neither code nor message
        list.append(warning(u"storage_failing"_s, u"warning"_s,
                            {{u"reason"_s, u"write_queue"_s}, {u"write_queue"_s, 9000}, {u"write_queue_limit"_s, 16384}}));
        list.append(warning(u"storage_failing"_s, u"critical"_s, {{u"reason"_s, u"commit"_s}}));
        list.append(warning(u"storage_failing"_s, u"critical"_s, {{u"reason"_s, u"cosmic rays"_s}}));   // unknown reason
        const QList<ServerWarning> warnings = ServerWarning::fromStatus(statusWith(list));
        QCOMPARE(warnings.size(), 11);
        const QLocale locale;
        const QString date = locale.toString(QDateTime::fromMSecsSinceEpoch(expires), QLocale::ShortFormat);
        QCOMPARE(warnings[0].text(),
                 u"The certificate of the device listener expires in 10 days, on %1. Install a new one."_s.arg(date));
        QVERIFY(!warnings[0].critical);
        QCOMPARE(warnings[0].pageKey(), u"certificatesPage"_s);
        QCOMPARE(warnings[1].text(), u"Only 512.0 MiB of 20.0 GiB (2%) is free on the disk that holds /var/lib/parleyd."_s);
        QVERIFY(warnings[1].critical);
        QCOMPARE(warnings[2].text(), u"Push wake-ups through APNs are failing (12 failed attempts). 3 wake-ups were given up. "
                                     "Check the credentials and the messaging proxy."_s);
        QCOMPARE(warnings[2].pageKey(), u"pushPage"_s);
        QCOMPARE(warnings[3].text(), u"The storage under the database is failing (a full disk, an I/O error or a read-only "
                                     "file system): every write is refused until it recovers. Free space or repair the "
                                     "file system."_s);
        QCOMPARE(warnings[3].pageKey(), u"loggingPage"_s);
        QCOMPARE(warnings[4].text(), u"The thread “worker 2” of parleyd on relay-1 has not answered for 1 minute 35 seconds: "
                                     "what it serves hangs. Keep the log for a bug report and restart parleyd."_s);
        QCOMPARE(warnings[5].text(), u"The directory sync failed at %1: tls: certificate not trusted"_s.arg(date));
        QCOMPARE(warnings[5].pageKey(), u"directoryPage"_s);
        // Unknown codes and details of the wrong type: the server's own sentence, no page.
        QCOMPARE(warnings[6].text(), u"server says: quota_exhausted"_s);
        QVERIFY(!warnings[6].critical);
        QVERIFY(warnings[6].pageKey().isEmpty());
        QCOMPARE(warnings[7].text(), u"server says: certificate_expiring"_s);
        QCOMPARE(warnings[8].text(), u"9,000 writes wait for the database, over half of the 16,384 allowed: the disk does "
                                     "not keep up, and once the queue is full, messages are refused as busy."_s);
        QCOMPARE(warnings[9].text(), u"The database's last commit failed and its writes were refused. The event log's "
                                     "parley.store lines say why."_s);
        QCOMPARE(warnings[10].text(), u"server says: storage_failing"_s);
        // An expired certificate, and one of a listener this version does not know.
        QCborArray more;
        more.append(warning(u"certificate_expiring"_s, u"critical"_s,
                            {{u"days_left"_s, -2}, {u"expires_at"_s, expires}, {u"listener"_s, u"admin"_s}}));
        more.append(warning(u"certificate_expiring"_s, u"warning"_s,
                            {{u"days_left"_s, 1}, {u"expires_at"_s, expires}, {u"listener"_s, u"federation"_s}}));
        const QList<ServerWarning> certs = ServerWarning::fromStatus(statusWith(more));
        QCOMPARE(certs[0].text(), u"The certificate of the admin listener expired on %1. Replace the files that [admin] "
                                  "certificate and private_key name in parleyd.conf, and reload them."_s.arg(date));
        QCOMPARE(certs[1].text(),
                 u"The certificate of the listener “federation” expires in 1 day, on %1. Install a new one."_s.arg(date));
        // An older server has no warnings.
        QVERIFY(ServerWarning::fromStatus(QCborMap{{u"version"_s, u"0.1.0"_s}}).isEmpty());
    }

    void warningsPanel()
    {
        QWidget window;
        auto *panel = new WarningsPanel([](const QString &key) { return key == u"certificatesPage"_s ? u"Certificates"_s : QString(); },
                                        &window);
        window.show();
        QVERIFY(!panel->isVisible());
        QCborArray list;
        list.append(warning(u"certificate_expiring"_s, u"warning"_s,
                            {{u"days_left"_s, 10}, {u"expires_at"_s, Now}, {u"listener"_s, u"device"_s}}));
        list.append(warning(u"push_failing"_s, u"critical"_s, {{u"provider"_s, u"fcm"_s}, {u"failures"_s, 1}, {u"dead_lettered"_s, 0}}));
        panel->setWarnings(ServerWarning::fromStatus(statusWith(list)));
        QVERIFY(panel->isVisible());
        // Critical first.
        QCOMPARE(panel->warnings().size(), 2);
        QCOMPARE(panel->warnings()[0].code, u"push_failing"_s);
        auto *push = panel->findChild<QFrame *>(u"warning_push_failing"_s);
        auto *cert = panel->findChild<QFrame *>(u"warning_certificate_expiring"_s);
        QVERIFY(push && cert);
        QCOMPARE(push->property("severity").toString(), u"critical"_s);
        QCOMPARE(cert->property("severity").toString(), u"warning"_s);
        QVERIFY(panel->findChild<QLabel *>(u"warningsHeading"_s)->text().contains(u"1 critical"_s));
        QVERIFY(cert->findChild<QLabel *>(u"warningSince"_s)->text().contains(u"2 hours"_s));
        // A button only where the window has the page; it asks for that page.
        QVERIFY(!push->findChild<QPushButton *>(u"warningAction"_s));
        auto *open = cert->findChild<QPushButton *>(u"warningAction"_s);
        QVERIFY(open);
        QCOMPARE(open->text(), u"Open Certificates"_s);
        QSignalSpy navigate(panel, &WarningsPanel::navigateTo);
        open->click();
        QCOMPARE(navigate.size(), 1);
        QCOMPARE(navigate.at(0).at(0).toString(), u"certificatesPage"_s);
        // The same warnings again keep their rows; none hides the panel.
        panel->setWarnings(ServerWarning::fromStatus(statusWith(list)));
        QCOMPARE(panel->findChild<QFrame *>(u"warning_certificate_expiring"_s), cert);
        panel->setWarnings({});
        QVERIFY(!panel->isVisible());
        QVERIFY(!panel->findChild<QFrame *>(u"warning_certificate_expiring"_s));
    }

    // The page from canned replies: the real parsing, the history and the charts; the client is not connected.
    void dashboardDrawsAReply()
    {
        AdminClient client;
        DashboardPage page(&client);
        page.resize(1000, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto *stack = page.findChild<QStackedWidget *>(u"historyStack"_s);
        auto *message = page.findChild<QLabel *>(u"historyMessage"_s);
        QVERIFY(stack && message);
        QCOMPARE(stack->currentIndex(), 0);

        // No samples yet.
        page.applyHistory(historyReply(Now, {}));
        QCOMPARE(stack->currentIndex(), 0);
        QCOMPARE(message->text(), u"No samples yet: the server records its figures every 10 seconds."_s);

        // Five minutes of traffic.
        auto make = [](int i) {
            return Row{0, 3 + i % 2, i >= 10 ? 2.5 : 0.0, i >= 10 ? 5.0 : 0.0, qint64(i % 4), 0, 1.2, 3.4};
        };
        page.applyHistory(historyReply(Now, rowsUntil(Now, 30, 10 * Second, make)));
        QCOMPARE(stack->currentIndex(), 1);
        QCOMPARE(page.history().size(), 30);
        HistoryChart *messages = page.chart(u"messagesChart"_s);
        QVERIFY(messages);
        QCOMPARE(messages->pieces(0).size(), 1);
        QLineSeries *accepted = messages->pieces(0).at(0);
        QCOMPARE(accepted->count(), 30);
        QCOMPARE(accepted->at(29), QPointF(double(Now), 2.5));
        QCOMPARE(messages->pieces(1).at(0)->at(29).y(), 5.0);
        QCOMPARE(messages->valueAxis()->min(), 0.0);
        QCOMPARE(messages->valueAxis()->max(), 6.0);
        QCOMPARE(page.chart(u"devicesChart"_s)->valueAxis()->max(), 5.0);
        QCOMPARE(page.chart(u"devicesChart"_s)->valueAxis()->labelFormat(), u"%.0f"_s);
        QCOMPARE(page.chart(u"latencyChart"_s)->pieces(1).at(0)->at(0).y(), 3.4);

        // The range selector sets the time axis: it ends at the server's clock.
        auto *range = page.findChild<QComboBox *>(u"historyRange"_s);
        QVERIFY(range);
        QCOMPARE(range->count(), 4);
        QCategoryAxis *axis = messages->timeAxis();
        range->setCurrentIndex(0);
        QCOMPARE(page.rangeMs(), 15 * Minute);
        QCOMPARE(axis->max(), double(Now));
        QCOMPARE(axis->max() - axis->min(), double(15 * Minute));
        const QStringList quarter = axis->categoriesLabels();
        QVERIFY(quarter.size() >= 4);
        range->setCurrentIndex(3);
        QCOMPARE(page.rangeMs(), 24 * Hour);
        QCOMPARE(axis->max() - axis->min(), double(24 * Hour));
        QVERIFY(axis->categoriesLabels() != quarter);
        QCOMPARE(page.chart(u"queueChart"_s)->timeAxis()->max() - page.chart(u"queueChart"_s)->timeAxis()->min(), double(24 * Hour));
        // Kept for the next start.
        QCOMPARE(QSettings().value(u"dashboard/rangeMinutes"_s).toLongLong(), 24 * 60);

        // A gap of a minute: the line is drawn in two pieces.
        page.applyHistory(historyReply(Now + 70 * Second, {Row{Now + 70 * Second, 3, 1, 1, 0, 0, 1, 2}}));
        QCOMPARE(messages->pieces(0).size(), 2);
        QCOMPARE(messages->pieces(0).at(1)->count(), 1);
        QVERIFY(messages->pieces(0).at(1)->pointsVisible());

        // A reply that cannot be read leaves the charts and says why.
        QCborMap broken = historyReply(Now + 80 * Second, {Row{Now + 80 * Second, 3, 1, 1, 0, 0, 1, 2}});
        broken.insert(u"write_queue"_s, QCborArray{});
        page.applyHistory(broken);
        QCOMPARE(stack->currentIndex(), 1);
        QVERIFY(page.findChild<QLabel *>(u"historyNote"_s)->text().contains(u"“write_queue” has 0 values"_s));

        // The server restarted: the old samples go.
        page.applyHistory(historyReply(Now - Minute, {}));
        QVERIFY(page.history().isEmpty());
        QCOMPARE(stack->currentIndex(), 0);

        // A new connection, perhaps to another server, starts the history over.
        page.applyHistory(historyReply(Now, rowsUntil(Now, 30, 10 * Second, make)));
        QCOMPARE(stack->currentIndex(), 1);
        Q_EMIT client.connected();
        QVERIFY(page.history().isEmpty());
        QCOMPARE(stack->currentIndex(), 0);
        QCOMPARE(message->text(), u"Loading the history…"_s);
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ParleyTest"_s);
    QApplication::setApplicationName(u"tst_dashboard"_s);
    TestDashboard test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_dashboard.moc"
