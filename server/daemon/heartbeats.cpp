#include "daemon/heartbeats.h"

#include <QDateTime>

#include <chrono>

namespace parley::server {

namespace {

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

Heartbeats::Heartbeats(int intervalMs) : m_intervalMs(intervalMs) {}

Heartbeats::~Heartbeats() = default;

void Heartbeats::watch(const QString &thread, Post post)
{
    std::lock_guard lock(m_mutex);
    m_watched.push_back(Watched{thread, std::move(post), std::make_shared<Beat>()});
}

void Heartbeats::beat()
{
    std::lock_guard lock(m_mutex);
    for (Watched &w : m_watched) {
        if (w.beat->waiting.load())
            continue;
        w.beat->sentMonotonic = steadyMs();
        w.beat->waiting = true;
        w.post([beat = w.beat] {
            beat->answeredAt = QDateTime::currentMSecsSinceEpoch();
            beat->waiting = false;
        });
    }
}

QList<ThreadHeartbeat> Heartbeats::threads() const
{
    const qint64 now = steadyMs();
    std::lock_guard lock(m_mutex);
    QList<ThreadHeartbeat> out;
    out.reserve(qsizetype(m_watched.size()));
    for (const Watched &w : m_watched) {
        ThreadHeartbeat t;
        t.thread = w.thread;
        t.lastAnswerAt = w.beat->answeredAt.load();
        t.unansweredMs = w.beat->waiting.load() ? std::max<qint64>(0, now - w.beat->sentMonotonic.load()) : 0;
        out.append(t);
    }
    return out;
}

} // namespace parley::server
