#pragma once

// The recent past of a few of parleyd's figures, for the admin API's status.history (docs/admin-api.md) and the
// charts of parley-admin: a sample every interval (10 s), kept in a ring of fixed size (24 h), in memory only (a
// restart starts it afresh). A sample is made from two readings of the counters and gauges, the one at its end and
// the one before: rates from counter deltas, commit latency quantiles from the deltas of the commit histogram's
// buckets. No lock: one thread (the daemon's main thread) records and reads.

#include "metrics/metrics.h"

#include <QtGlobal>

#include <vector>

namespace parley::server::metrics {

// The q-quantile (0 ≤ q ≤ 1) of the observations counted in `cumulative` (per bound of `upperBounds`, then +Inf),
// interpolated linearly inside its bucket as Prometheus' histogram_quantile() does: 0 as the lower end of the first
// bucket, the highest finite bound when the quantile falls into +Inf. 0 when nothing was counted.
double histogramQuantile(double q, const std::vector<double> &upperBounds, const std::vector<quint64> &cumulative);

// What the figures are at one moment.
struct HistoryReading {
    qint64 at = 0;                  // wall clock, ms since the epoch
    qint64 monotonicMs = 0;         // steady clock: rates over the real time between readings
    qint64 connectedDevices = 0;
    quint64 messagesAccepted = 0;   // counters since the start
    quint64 messagesDelivered = 0;
    qint64 queuedMessages = 0;
    qint64 writeQueue = 0;
    Histogram::Snapshot commits;    // commit durations (seconds) since the start
};

// One interval, ending at `at`.
struct HistorySample {
    qint64 at = 0;
    qint64 connectedDevices = 0;
    double messagesAccepted = 0;    // per second over the interval
    double messagesDelivered = 0;
    qint64 queuedMessages = 0;
    qint64 writeQueue = 0;
    double commitP50Ms = 0;         // over the commits of the interval; 0 when there was none
    double commitP99Ms = 0;
};

class History {
public:
    explicit History(int capacity);

    // The reading everything is counted from (the server's start); none needed when the counters start at 0.
    void start(const HistoryReading &reading);
    // Adds the sample of the interval since the previous reading (or the start), overwriting the oldest once full.
    void record(const HistoryReading &reading);

    // The samples whose `at` is after `since`, oldest first.
    std::vector<HistorySample> since(qint64 since) const;
    int capacity() const { return int(m_ring.size()); }
    int size() const { return m_size; }

    // The sample of the interval between two readings.
    static HistorySample sampleBetween(const HistoryReading &before, const HistoryReading &after);

private:
    std::vector<HistorySample> m_ring;   // fixed size; m_next is where the next sample goes
    int m_next = 0;
    int m_size = 0;
    HistoryReading m_last;
    bool m_started = false;
};

} // namespace parley::server::metrics
