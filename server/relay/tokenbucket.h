#pragma once

#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace parley::server {

// A token bucket: `burst` tokens, refilled at `rate` tokens per second. Not thread-safe; a value type.
class TokenBucket {
public:
    TokenBucket() = default;
    TokenBucket(double rate, double burst, qint64 nowMs) : m_rate(rate), m_burst(burst), m_tokens(burst), m_lastMs(nowMs) {}

    // Takes `n` tokens: returns 0 when they were available, else the milliseconds until they will be (nothing taken).
    qint64 take(qint64 nowMs, double n = 1)
    {
        refill(nowMs);
        if (m_tokens >= n) {
            m_tokens -= n;
            return 0;
        }
        return std::max<qint64>(1, qint64(std::ceil((n - m_tokens) * 1000.0 / m_rate)));
    }

    // Milliseconds until `n` tokens are available (0: now), without taking any.
    qint64 wait(qint64 nowMs, double n = 1)
    {
        refill(nowMs);
        return m_tokens >= n ? 0 : std::max<qint64>(1, qint64(std::ceil((n - m_tokens) * 1000.0 / m_rate)));
    }

    // New limits from now on (a bot's, changed by its administrator): what was taken stays taken, and no more than
    // the new burst is kept.
    void setLimits(double rate, double burst, qint64 nowMs)
    {
        refill(nowMs);
        m_rate = rate;
        m_burst = burst;
        m_tokens = std::min(m_tokens, m_burst);
    }
    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

    bool isFull(qint64 nowMs)
    {
        refill(nowMs);
        return m_tokens >= m_burst;
    }

private:
    void refill(qint64 nowMs)
    {
        if (nowMs > m_lastMs) {
            m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
            m_lastMs = nowMs;
        }
    }

    double m_rate = 1;
    double m_burst = 1;
    double m_tokens = 1;
    qint64 m_lastMs = 0;
};

} // namespace parley::server
