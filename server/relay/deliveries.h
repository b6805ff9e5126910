#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <vector>

class QWebSocket;

namespace parley::server {

class Store;

// The delivery side of one logged-in session: streams the device's queue from the database (backlog and
// catch-up), takes live messages straight from the router while caught up, keeps at most `Window` unacked
// messages in flight, and sends `synced` once the backlog present at login is out. Seqs go out strictly
// increasing and never twice on one connection. Lives in the session's worker thread.
class Deliveries {
public:
    static constexpr int Window = 1000;
    static constexpr int PageSize = 250;
    // In-flight capacity an idle connection may keep (the list grows on demand up to Window).
    static constexpr size_t IdleCapacity = 64;

    // `scratch` is reused to encode frames; `onFailure` is told when the queue cannot be read.
    Deliveries(Store &store, qint64 deviceId, QWebSocket *socket, QByteArray &scratch,
               std::function<void(const Error &)> onFailure);
    ~Deliveries();
    Deliveries(const Deliveries &) = delete;
    Deliveries &operator=(const Deliveries &) = delete;

    // Starts streaming the backlog (after `welcome`).
    void start();
    // A message the router handed over right after it was committed.
    void live(const QueuedMessage &message);
    // A doorbell (server/cluster): queue entries up to `upTo` (0: an unknown seq) were committed elsewhere; the queue
    // is read from the last seq sent unless they were sent already.
    void ring(quint64 upTo);
    // The client acked these seqs: frees window slots and resumes streaming from the database.
    void acked(const QList<quint64> &seqs);

    bool isStarted() const { return m_started; }
    bool isCaughtUp() const { return m_caughtUp; }
    bool syncedSent() const { return m_syncedSent; }
    quint64 lastSentSeq() const { return m_lastSent; }
    int inFlight() const { return int(m_inFlight.size()); }

private:
    void pump();
    void send(const QueuedMessage &message);

    Store &m_store;
    const qint64 m_deviceId;
    QWebSocket *const m_socket;
    QByteArray &m_scratch;
    std::function<void(const Error &)> m_onFailure;
    std::vector<quint64> m_inFlight;      // sent, not yet acked; ascending
    quint64 m_lastSent = 0;
    bool m_started = false;
    bool m_caughtUp = false;              // everything committed so far has been sent
    bool m_syncedSent = false;
    bool m_pumping = false;
    bool m_failed = false;
};

} // namespace parley::server
