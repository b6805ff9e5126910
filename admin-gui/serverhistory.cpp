#include "serverhistory.h"

#include <QCborArray>
#include <QCborValue>
#include <QLocale>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

constexpr double MinIntervalSeconds = 0.1;
constexpr double MaxIntervalSeconds = 3600;
constexpr double MaxRetentionSeconds = 7 * 86400;
// A line is cut where the next sample comes more than this many intervals after the previous one.
constexpr qint64 GapIntervals = 2;

enum class Combine { Mean, Peak, MeanOfNonZero };

Combine combineOf(HistoryMetric metric)
{
    switch (metric) {
    case HistoryMetric::MessagesAccepted:
    case HistoryMetric::MessagesDelivered:
        return Combine::Mean;
    case HistoryMetric::CommitP50:
        return Combine::MeanOfNonZero;
    case HistoryMetric::ConnectedDevices:
    case HistoryMetric::QueuedMessages:
    case HistoryMetric::WriteQueue:
    case HistoryMetric::CommitP99:
        break;
    }
    return Combine::Peak;
}

QString unreadable(const QString &why)
{
    return ServerHistory::tr("The server's history could not be read: %1").arg(why);
}

} // namespace

QLatin1StringView ServerHistory::key(HistoryMetric metric)
{
    switch (metric) {
    case HistoryMetric::ConnectedDevices:
        return "connected_devices"_L1;
    case HistoryMetric::MessagesAccepted:
        return "messages_accepted"_L1;
    case HistoryMetric::MessagesDelivered:
        return "messages_delivered"_L1;
    case HistoryMetric::QueuedMessages:
        return "queued_messages"_L1;
    case HistoryMetric::WriteQueue:
        return "write_queue"_L1;
    case HistoryMetric::CommitP50:
        return "commit_p50_ms"_L1;
    case HistoryMetric::CommitP99:
        return "commit_p99_ms"_L1;
    }
    return {};
}

bool ServerHistory::isCount(HistoryMetric metric)
{
    return metric == HistoryMetric::ConnectedDevices || metric == HistoryMetric::QueuedMessages
           || metric == HistoryMetric::WriteQueue;
}

std::variant<ServerHistory::Reply, QString> ServerHistory::parse(const QCborMap &result)
{
    auto integer = [&result](QLatin1StringView key) -> std::optional<qint64> {
        const QCborValue v = result.value(key);
        return v.isInteger() ? std::optional<qint64>(v.toInteger()) : std::nullopt;
    };
    auto missing = [](QLatin1StringView key) {
        return unreadable(tr("“%1” is missing or has the wrong type.").arg(key));
    };
    // Seconds, whole or not (a server sampling faster than once a second for tests says 0.2).
    auto seconds = [&result](QLatin1StringView key) -> std::optional<double> {
        const QCborValue v = result.value(key);
        if (v.isInteger())
            return double(v.toInteger());
        if (v.isDouble() && std::isfinite(v.toDouble()))
            return v.toDouble();
        return std::nullopt;
    };
    Reply reply;
    const auto interval = seconds("interval_seconds"_L1);
    const auto retention = seconds("retention_seconds"_L1);
    const auto now = integer("now"_L1);
    if (!interval)
        return missing("interval_seconds"_L1);
    if (!retention)
        return missing("retention_seconds"_L1);
    if (!now)
        return missing("now"_L1);
    if (*interval < MinIntervalSeconds || *interval > MaxIntervalSeconds || *retention < *interval
        || *retention > MaxRetentionSeconds) {
        QLocale locale;
        locale.setNumberOptions(QLocale::OmitGroupSeparator);
        return unreadable(tr("its interval (%1 s) or retention (%2 s) is out of range.")
                              .arg(locale.toString(*interval), locale.toString(*retention)));
    }
    if (*now <= 0)
        return unreadable(tr("its clock (“now”) is out of range."));
    reply.intervalMs = std::llround(*interval * 1000);
    reply.retentionMs = std::llround(*retention * 1000);
    reply.now = *now;

    const QCborValue atValue = result.value("at"_L1);
    if (!atValue.isArray())
        return missing("at"_L1);
    const QCborArray at = atValue.toArray();
    if (at.size() > MaxSamples)
        return unreadable(tr("it holds more than %1 samples.").arg(MaxSamples));
    reply.samples.resize(at.size());
    qint64 previous = 0;
    for (qsizetype i = 0; i < at.size(); ++i) {
        const QCborValue v = at.at(i);
        if (!v.isInteger() || v.toInteger() <= previous || v.toInteger() > reply.now)
            return unreadable(tr("its times are not in order, or later than its clock."));
        previous = v.toInteger();
        reply.samples[i].at = previous;
    }
    for (int m = 0; m < HistoryMetricCount; ++m) {
        const auto metric = HistoryMetric(m);
        const QLatin1StringView name = key(metric);
        const QCborValue arrayValue = result.value(name);
        if (!arrayValue.isArray())
            return missing(name);
        const QCborArray values = arrayValue.toArray();
        if (values.size() != at.size())
            return unreadable(tr("“%1” has %2 values for %3 times.").arg(name).arg(values.size()).arg(at.size()));
        const bool count = isCount(metric);
        for (qsizetype i = 0; i < values.size(); ++i) {
            const QCborValue v = values.at(i);
            double value = -1;
            if (v.isInteger())
                value = double(v.toInteger());
            else if (v.isDouble() && !count)
                value = v.toDouble();
            if (!std::isfinite(value) || value < 0)
                return unreadable(tr("value %1 of “%2” is not a number of the right kind.").arg(i + 1).arg(name));
            reply.samples[i].values[size_t(m)] = value;
        }
    }
    return reply;
}

ServerHistory::Merged ServerHistory::merge(const Reply &reply)
{
    if (!m_samples.empty() && (reply.now < m_samples.back().at || reply.intervalMs != m_intervalMs)) {
        clear();
        return Merged::Reset;
    }
    m_intervalMs = reply.intervalMs;
    m_retentionMs = reply.retentionMs;
    m_now = reply.now;
    for (const Sample &sample : reply.samples) {
        if (m_samples.empty() || sample.at > m_samples.back().at)
            m_samples.push_back(sample);
    }
    evict();
    return Merged::Appended;
}

void ServerHistory::clear()
{
    m_samples.clear();
    m_intervalMs = 0;
    m_retentionMs = 0;
    m_now = 0;
}

std::optional<qint64> ServerHistory::since() const
{
    if (m_samples.empty())
        return std::nullopt;
    return m_samples.back().at;
}

void ServerHistory::evict()
{
    const qint64 oldest = m_now - std::min(m_retentionMs, MaxKeptMs);
    while (!m_samples.empty() && (m_samples.front().at <= oldest || qsizetype(m_samples.size()) > MaxSamples))
        m_samples.pop_front();
}

QList<QList<QPointF>> ServerHistory::lines(HistoryMetric metric, qint64 from, qint64 to, int maxPoints) const
{
    QList<QList<QPointF>> out;
    if (m_samples.empty() || to <= from || m_intervalMs <= 0)
        return out;
    const auto byTime = [](const Sample &s, qint64 t) { return s.at < t; };
    auto first = std::lower_bound(m_samples.begin(), m_samples.end(), from, byTime);
    if (first != m_samples.begin())
        --first;     // the sample before the range, so that the line reaches its edge
    const auto last = std::upper_bound(m_samples.begin(), m_samples.end(), to,
                                       [](qint64 t, const Sample &s) { return t < s.at; });
    if (first == last)
        return out;
    // Buckets of whole intervals, aligned to the clock, as many as the range holds intervals over maxPoints (not the
    // samples at hand, which vary as they come and go).
    const qint64 intervals = (to - from + m_intervalMs - 1) / m_intervalMs;
    const qint64 perBucket = maxPoints > 0 ? std::max<qint64>(1, (intervals + maxPoints - 1) / maxPoints) : 1;
    const qint64 bucketMs = perBucket * m_intervalMs;
    const Combine combine = combineOf(metric);
    const size_t index = size_t(metric);

    QList<QPointF> line;
    qint64 bucket = 0;
    double sumAt = 0;
    double sum = 0;
    double peak = 0;
    int n = 0;
    int nonZero = 0;
    auto flush = [&] {
        if (n == 0)
            return;
        double value = peak;
        if (combine == Combine::Mean)
            value = sum / n;
        else if (combine == Combine::MeanOfNonZero)
            value = nonZero > 0 ? sum / nonZero : 0;
        line.append(QPointF(sumAt / n, value));
        sumAt = sum = peak = 0;
        n = nonZero = 0;
    };
    qint64 previousAt = 0;
    for (auto it = first; it != last; ++it) {
        const Sample &s = *it;
        const bool gap = previousAt != 0 && s.at - previousAt > GapIntervals * m_intervalMs;
        const qint64 b = s.at / bucketMs;
        if (gap || (n > 0 && b != bucket)) {
            flush();
            if (gap && !line.isEmpty()) {
                out.append(line);
                line.clear();
            }
        }
        bucket = b;
        const double v = s.values[index];
        sumAt += double(s.at);
        sum += v;
        peak = std::max(peak, v);
        nonZero += v > 0 ? 1 : 0;
        ++n;
        previousAt = s.at;
    }
    flush();
    if (!line.isEmpty())
        out.append(line);
    return out;
}

} // namespace parley::admin
