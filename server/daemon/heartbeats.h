#pragma once

#include "admin/adminhost.h"

#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace parley::server {

// This node's liveness (status' node_stalled warning, the parleyd_heartbeat_unanswered_seconds metric): every few
// seconds the main thread posts a heartbeat to each thread it watches (the workers' event loops, the database
// writer) unless the previous one is still unanswered; a thread whose heartbeat waits for StallIntervals intervals
// is stalled. Threads are watched and beats posted on the main thread; threads() may be read from any thread.
class Heartbeats {
public:
    // How a thread is reached: `post` makes the thread run `answer` soon, on its own loop.
    using Post = std::function<void(std::function<void()> answer)>;

    static constexpr int StallIntervals = 6;   // 30 s with the 5 s interval

    explicit Heartbeats(int intervalMs);
    ~Heartbeats();

    int intervalMs() const { return m_intervalMs; }
    int stallAfterMs() const { return m_intervalMs * StallIntervals; }

    void watch(const QString &thread, Post post);
    // Main thread: a heartbeat to every thread whose previous one was answered.
    void beat();
    // Any thread: each watched thread's last answer and how long its unanswered heartbeat has waited.
    QList<ThreadHeartbeat> threads() const;

private:
    struct Beat {
        std::atomic<qint64> answeredAt{0};     // wall clock, ms
        std::atomic<qint64> sentMonotonic{0};  // steady clock, ms, of the heartbeat waiting for its answer
        std::atomic<bool> waiting{false};
    };
    struct Watched {
        QString thread;
        Post post;
        std::shared_ptr<Beat> beat;   // shared with the answer in flight, which may outlive this object
    };

    const int m_intervalMs;
    mutable std::mutex m_mutex;   // guards m_watched
    std::vector<Watched> m_watched;
};

} // namespace parley::server
