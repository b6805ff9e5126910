#include "metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace parley::server::metrics {

namespace {

bool validName(std::string_view name, bool colons)
{
    if (name.empty())
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
        if (!letter && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

// HELP text: backslash and line feed escaped; label values: the double quote too.
void appendEscaped(QByteArray &out, std::string_view text, bool quote)
{
    for (const char c : text) {
        if (c == '\\')
            out.append("\\\\");
        else if (c == '\n')
            out.append("\\n");
        else if (quote && c == '"')
            out.append("\\\"");
        else
            out.append(c);
    }
}

} // namespace

Histogram::Histogram(std::initializer_list<double> upperBounds)
    : m_bounds(upperBounds), m_buckets(std::make_unique<std::atomic<quint64>[]>(upperBounds.size() + 1))
{
    Q_ASSERT(std::is_sorted(m_bounds.begin(), m_bounds.end())
             && std::adjacent_find(m_bounds.begin(), m_bounds.end()) == m_bounds.end());
    for (size_t i = 0; i <= m_bounds.size(); ++i)
        m_buckets[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) noexcept
{
    // The first bucket whose bound is not below the value (Prometheus buckets are "less than or equal").
    const size_t i = size_t(std::lower_bound(m_bounds.begin(), m_bounds.end(), value) - m_bounds.begin());
    m_buckets[i].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot s;
    s.upperBounds = m_bounds;
    s.cumulative.reserve(m_bounds.size() + 1);
    quint64 running = 0;
    for (size_t i = 0; i <= m_bounds.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        s.cumulative.push_back(running);
    }
    s.count = running;
    s.sum = m_sum.load(std::memory_order_relaxed);
    return s;
}

QByteArray Exposition::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::trunc(value) && std::fabs(value) < 9.0e15)
        return QByteArray::number(qint64(value));
    // The shortest digits that read back the same, spelled as Go's strconv 'g' does (so as Prometheus' own clients
    // write bucket bounds: le="0.0005", not "5e-04"): plain for decimal exponents from -4 to 20.
    char buffer[64];
    const auto scientific = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
    const std::string_view digits(buffer, size_t(scientific.ptr - buffer));
    const int exponent = std::atoi(digits.data() + digits.find('e') + 1);
    if (exponent < -4 || exponent >= 21)
        return QByteArray(buffer, qsizetype(digits.size()));
    const auto fixed = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
    return QByteArray(buffer, qsizetype(fixed.ptr - buffer));
}

void Exposition::family(std::string_view name, std::string_view type, std::string_view help)
{
    Q_ASSERT(validName(name, true));
    m_text.append("# HELP ").append(bytes(name)).append(' ');
    appendEscaped(m_text, help, false);
    m_text.append("\n# TYPE ").append(bytes(name)).append(' ').append(bytes(type)).append('\n');
}

void Exposition::appendSample(std::string_view name, std::initializer_list<Label> labels, std::string_view extraName,
                              std::string_view extraValue, double value)
{
    Q_ASSERT(validName(name, true));
    m_text.append(bytes(name));
    if (labels.size() > 0 || !extraName.empty()) {
        m_text.append('{');
        bool first = true;
        auto label = [this, &first](std::string_view n, std::string_view v) {
            Q_ASSERT(validName(n, false) && n.substr(0, 2) != "__");
            if (!first)
                m_text.append(',');
            first = false;
            m_text.append(bytes(n)).append("=\"");
            appendEscaped(m_text, v, true);
            m_text.append('"');
        };
        for (const Label &l : labels)
            label(l.name, l.value);
        if (!extraName.empty())
            label(extraName, extraValue);
        m_text.append('}');
    }
    m_text.append(' ').append(formatValue(value)).append('\n');
}

void Exposition::sample(std::string_view name, std::initializer_list<Label> labels, double value)
{
    appendSample(name, labels, {}, {}, value);
}

void Exposition::counter(std::string_view name, std::string_view help, double value)
{
    family(name, "counter", help);
    sample(name, {}, value);
}

void Exposition::gauge(std::string_view name, std::string_view help, double value)
{
    family(name, "gauge", help);
    sample(name, {}, value);
}

void Exposition::histogram(std::string_view name, std::string_view help, const Histogram::Snapshot &snapshot)
{
    family(name, "histogram", help);
    const std::string base(name);
    const std::string bucket = base + "_bucket";
    for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
        const QByteArray le = i < snapshot.upperBounds.size() ? formatValue(snapshot.upperBounds[i]) : QByteArrayLiteral("+Inf");
        appendSample(bucket, {}, "le", std::string_view(le.constData(), size_t(le.size())), double(snapshot.cumulative[i]));
    }
    appendSample(base + "_sum", {}, {}, {}, snapshot.sum);
    appendSample(base + "_count", {}, {}, {}, double(snapshot.count));
}

} // namespace parley::server::metrics
