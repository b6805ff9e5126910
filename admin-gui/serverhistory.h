#pragma once

#include <QCborMap>
#include <QCoreApplication>
#include <QLatin1StringView>
#include <QList>
#include <QPointF>
#include <QString>

#include <array>
#include <deque>
#include <optional>
#include <variant>

namespace parley::admin {

// The figures status.history samples, in the order of ServerHistory::Sample::values.
enum class HistoryMetric : int {
    ConnectedDevices,
    MessagesAccepted,      // per second
    MessagesDelivered,     // per second
    QueuedMessages,
    WriteQueue,
    CommitP50,             // ms; 0 when nothing was committed in the interval
    CommitP99,
};
inline constexpr int HistoryMetricCount = 7;

// The server's figures over time as the dashboard keeps them: the samples of status.history (docs/admin-api.md),
// fetched once in full and then with `since`, appended in order, at most 24 hours of them. A server that restarted
// (its clock behind the newest sample) or changed its interval empties the history, and the caller fetches it
// again in full. Lines are cut where samples are missing for more than two intervals.
class ServerHistory {
    Q_DECLARE_TR_FUNCTIONS(ServerHistory)
public:
    struct Sample {
        qint64 at = 0;                                   // ms since the epoch, the server's clock
        std::array<double, HistoryMetricCount> values{};
    };

    // One reply of status.history, checked.
    struct Reply {
        qint64 intervalMs = 0;
        qint64 retentionMs = 0;
        qint64 now = 0;
        QList<Sample> samples;                           // oldest first, times strictly increasing
    };

    enum class Merged {
        Appended,     // the reply's new samples were added
        Reset,        // the server restarted or changed its interval: the history is empty, fetch it in full
    };

    static constexpr qint64 MaxKeptMs = qint64(24) * 3600 * 1000;
    // A reply or a history of more samples than 24 hours at one a second is refused.
    static constexpr qsizetype MaxSamples = 24 * 3600;

    // The key of a metric's array in status.history.
    static QLatin1StringView key(HistoryMetric metric);
    // Whole counts (devices, queue lengths) rather than rates or times.
    static bool isCount(HistoryMetric metric);

    // A status.history result, checked strictly: every field present with its type; the interval from 0.1 s (a
    // server's test hook) to 1 h, the retention from one interval to 7 days; arrays of equal length and at most MaxSamples; times strictly
    // increasing and not after `now`; counts whole and not negative; rates and latencies finite and not negative.
    // Otherwise why not, in words.
    static std::variant<Reply, QString> parse(const QCborMap &result);

    Merged merge(const Reply &reply);
    void clear();

    bool isEmpty() const { return m_samples.empty(); }
    qsizetype size() const { return qsizetype(m_samples.size()); }
    const Sample &at(qsizetype index) const { return m_samples[size_t(index)]; }
    // The server's sampling interval and its clock at the last reply (0 before the first).
    qint64 intervalMs() const { return m_intervalMs; }
    qint64 now() const { return m_now; }
    // The `since` of the next fetch: the newest sample's time; none when the history is empty.
    std::optional<qint64> since() const;

    // The line of one metric over [from, to] of the server's clock, cut into pieces where samples are missing for
    // more than two intervals, each point (ms since the epoch, value). The sample before `from` is included so that
    // the line reaches the edge. With more than `maxPoints` samples in the range, consecutive samples are combined
    // into buckets aligned to the clock (so that the picture does not shift as samples arrive): the mean of rates,
    // the peak of counts and of p99, the mean of p50 over the intervals that committed something.
    QList<QList<QPointF>> lines(HistoryMetric metric, qint64 from, qint64 to, int maxPoints) const;

private:
    void evict();

    std::deque<Sample> m_samples;
    qint64 m_intervalMs = 0;
    qint64 m_retentionMs = 0;
    qint64 m_now = 0;
};

} // namespace parley::admin
