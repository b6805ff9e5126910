#include "metrics/history.h"

#include <algorithm>

namespace parley::server::metrics {

namespace {

quint64 delta(quint64 before, quint64 after)
{
    return after > before ? after - before : 0;
}

} // namespace

double histogramQuantile(double q, const std::vector<double> &upperBounds, const std::vector<quint64> &cumulative)
{
    // As promql's bucketQuantile(): the buckets are the finite bounds and +Inf, their counts cumulative.
    if (upperBounds.empty() || cumulative.size() != upperBounds.size() + 1)
        return 0;
    const double observations = double(cumulative.back());
    if (observations <= 0)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const double rank = q * observations;
    // The first finite bucket whose count reaches the rank; none: the quantile lies in +Inf.
    size_t b = 0;
    while (b < upperBounds.size() && double(cumulative[b]) < rank)
        ++b;
    if (b == upperBounds.size())
        return upperBounds.back();
    if (b == 0 && upperBounds[0] <= 0)
        return upperBounds[0];
    double start = 0;
    double count = double(cumulative[b]);
    double within = rank;
    if (b > 0) {
        start = upperBounds[b - 1];
        count -= double(cumulative[b - 1]);
        within -= double(cumulative[b - 1]);
    }
    if (count <= 0)
        return upperBounds[b];
    return start + (upperBounds[b] - start) * (within / count);
}

History::History(int capacity) : m_ring(size_t(std::max(1, capacity))) {}

void History::start(const HistoryReading &reading)
{
    m_last = reading;
    m_started = true;
}

void History::record(const HistoryReading &reading)
{
    if (!m_started)
        start(HistoryReading{reading.at, reading.monotonicMs, 0, 0, 0, 0, 0, {}});
    m_ring[size_t(m_next)] = sampleBetween(m_last, reading);
    m_next = (m_next + 1) % int(m_ring.size());
    m_size = std::min(m_size + 1, int(m_ring.size()));
    m_last = reading;
}

std::vector<HistorySample> History::since(qint64 since) const
{
    std::vector<HistorySample> out;
    out.reserve(size_t(m_size));
    const int capacity = int(m_ring.size());
    for (int i = 0; i < m_size; ++i) {
        const HistorySample &s = m_ring[size_t((m_next - m_size + i + capacity) % capacity)];
        if (s.at > since)
            out.push_back(s);
    }
    return out;
}

HistorySample History::sampleBetween(const HistoryReading &before, const HistoryReading &after)
{
    HistorySample s;
    s.at = after.at;
    s.connectedDevices = after.connectedDevices;
    s.queuedMessages = after.queuedMessages;
    s.writeQueue = after.writeQueue;
    const qint64 elapsedMs = after.monotonicMs - before.monotonicMs;
    if (elapsedMs > 0) {
        s.messagesAccepted = double(delta(before.messagesAccepted, after.messagesAccepted)) * 1000.0 / double(elapsedMs);
        s.messagesDelivered = double(delta(before.messagesDelivered, after.messagesDelivered)) * 1000.0 / double(elapsedMs);
    }
    // The commits of the interval: the deltas of the cumulative bucket counts (a reading without a histogram, such
    // as a start before anything was counted, is all zeros).
    const std::vector<quint64> &now = after.commits.cumulative;
    const std::vector<quint64> &then = before.commits.cumulative;
    std::vector<quint64> interval(now.size(), 0);
    for (size_t i = 0; i < now.size(); ++i)
        interval[i] = delta(then.size() == now.size() ? then[i] : 0, now[i]);
    s.commitP50Ms = histogramQuantile(0.5, after.commits.upperBounds, interval) * 1000.0;
    s.commitP99Ms = histogramQuantile(0.99, after.commits.upperBounds, interval) * 1000.0;
    return s;
}

} // namespace parley::server::metrics
