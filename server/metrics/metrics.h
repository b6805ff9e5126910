#pragma once

// The primitives of parleyd's metrics (docs/operations.md "Monitoring"): counters, gauges and histograms that any
// thread updates with relaxed atomics (no lock, no allocation: cheap on the relay's hot paths), and the writer of the
// Prometheus text exposition format 0.0.4 a scrape reads them into.

#include <QByteArray>
#include <QtGlobal>

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::server::metrics {

// A count that only grows (a Prometheus counter). Any thread.
class Counter {
public:
    void add(quint64 n = 1) noexcept { m_value.fetch_add(n, std::memory_order_relaxed); }
    quint64 value() const noexcept { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<quint64> m_value{0};
};

// A value that goes up and down (a Prometheus gauge). Any thread.
class Gauge {
public:
    void add(qint64 n) noexcept { m_value.fetch_add(n, std::memory_order_relaxed); }
    void set(qint64 v) noexcept { m_value.store(v, std::memory_order_relaxed); }
    qint64 value() const noexcept { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<qint64> m_value{0};
};

// One unit of a gauge, held from construction until reset() or destruction (an open connection, say). Movable.
class GaugeHold {
public:
    GaugeHold() = default;
    explicit GaugeHold(Gauge *gauge) noexcept : m_gauge(gauge)
    {
        if (m_gauge)
            m_gauge->add(1);
    }
    GaugeHold(GaugeHold &&other) noexcept : m_gauge(std::exchange(other.m_gauge, nullptr)) {}
    GaugeHold &operator=(GaugeHold &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_gauge = std::exchange(other.m_gauge, nullptr);
        }
        return *this;
    }
    GaugeHold(const GaugeHold &) = delete;
    GaugeHold &operator=(const GaugeHold &) = delete;
    ~GaugeHold() { reset(); }

    void reset() noexcept
    {
        if (m_gauge)
            m_gauge->add(-1);
        m_gauge = nullptr;
    }

private:
    Gauge *m_gauge = nullptr;
};

// Observations counted into fixed buckets (a Prometheus histogram). observe() is a few relaxed atomic operations,
// from any thread. A snapshot's count is the sum of its buckets, so `_count` always equals the `+Inf` bucket.
class Histogram {
public:
    // `upperBounds`: strictly increasing and finite; the +Inf bucket is implied.
    explicit Histogram(std::initializer_list<double> upperBounds);

    void observe(double value) noexcept;
    void observe(std::chrono::nanoseconds duration) noexcept { observe(double(duration.count()) / 1e9); }

    struct Snapshot {
        std::vector<double> upperBounds;
        std::vector<quint64> cumulative;   // per bound, then +Inf
        double sum = 0;
        quint64 count = 0;
    };
    Snapshot snapshot() const;

private:
    const std::vector<double> m_bounds;
    const std::unique_ptr<std::atomic<quint64>[]> m_buckets;   // m_bounds.size() + 1, not cumulative
    std::atomic<double> m_sum{0};
};

// One label of a sample. Parley's label values are fixed words of the code (a result, a provider), never data of a
// user, a device or an address (docs/security.md, FPR).
struct Label {
    std::string_view name;
    std::string_view value;
};

// The text a scrape returns: metric families in the order written, each with its # HELP and # TYPE lines.
class Exposition {
public:
    // A family of one sample without labels.
    void counter(std::string_view name, std::string_view help, double value);
    void gauge(std::string_view name, std::string_view help, double value);
    void histogram(std::string_view name, std::string_view help, const Histogram::Snapshot &snapshot);

    // A family of several samples: its header once, then one sample per label set.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<Label> labels, double value);

    const QByteArray &text() const { return m_text; }

    // How a value is written: integers without a fraction, others in the shortest form that reads back the same,
    // NaN and infinities as Prometheus spells them.
    static QByteArray formatValue(double value);

private:
    void appendSample(std::string_view name, std::initializer_list<Label> labels, std::string_view extraName,
                      std::string_view extraValue, double value);

    QByteArray m_text;
};

} // namespace parley::server::metrics
