#include "relay/deliveries.h"

#include "relay/relaylog.h"
#include "store/store.h"

#include <QWebSocket>

#include <algorithm>

namespace parley::server {

Deliveries::Deliveries(Store &store, qint64 deviceId, QWebSocket *socket, QByteArray &scratch,
                       std::function<void(const Error &)> onFailure)
    : m_store(store), m_deviceId(deviceId), m_socket(socket), m_scratch(scratch), m_onFailure(std::move(onFailure))
{
}

Deliveries::~Deliveries() = default;

void Deliveries::start()
{
    if (m_started)
        return;
    m_started = true;
    pump();
}

void Deliveries::live(const QueuedMessage &message)
{
    if (!m_started || m_failed || message.seq <= m_lastSent)
        return;   // not streaming yet (the backlog read will find it), or already sent from the database
    if (m_caughtUp && m_inFlight.size() < size_t(Window)) {
        send(message);
        return;
    }
    // It is committed: the catch-up read will pick it up once the window has room.
    m_caughtUp = false;
}

void Deliveries::ring(quint64 upTo)
{
    if (!m_started || m_failed || (upTo != 0 && upTo <= m_lastSent))
        return;   // not streaming yet (the backlog read will find them), or sent
    m_caughtUp = false;
    pump();
}

void Deliveries::acked(const QList<quint64> &seqs)
{
    bool freed = false;
    for (const quint64 seq : seqs) {
        const auto it = std::lower_bound(m_inFlight.begin(), m_inFlight.end(), seq);
        if (it != m_inFlight.end() && *it == seq) {
            m_inFlight.erase(it);
            freed = true;
        }
    }
    // An idle connection does not keep the capacity of a past burst (up to Window entries).
    if (m_inFlight.empty() && m_inFlight.capacity() > IdleCapacity)
        std::vector<quint64>().swap(m_inFlight);
    if (freed && !m_caughtUp)
        pump();
}

void Deliveries::pump()
{
    if (!m_started || m_failed || m_pumping)
        return;
    m_pumping = true;
    Db &db = m_store.reader();
    while (!m_caughtUp) {
        const int room = Window - int(m_inFlight.size());
        if (room <= 0)
            break;
        const int limit = std::min(room, PageSize);
        auto page = db.queuePage(m_deviceId, m_lastSent, limit);
        if (!page) {
            m_failed = true;
            m_pumping = false;
            qCWarning(lcRelay) << "Cannot read a device queue:" << page.error().message;
            if (m_onFailure)
                m_onFailure(page.error());
            return;
        }
        for (const QueuedMessage &m : std::as_const(*page)) {
            if (m.seq > m_lastSent)
                send(m);
        }
        if (page->size() < limit)
            m_caughtUp = true;
    }
    m_pumping = false;
    if (m_caughtUp && !m_syncedSent) {
        m_syncedSent = true;
        m_socket->sendBinaryMessage(protocol::Synced().encode());
    }
}

void Deliveries::send(const QueuedMessage &message)
{
    message.encode(m_scratch);
    m_socket->sendBinaryMessage(m_scratch);
    m_lastSent = message.seq;
    m_inFlight.push_back(message.seq);
}

} // namespace parley::server
