#pragma once

// A bounded record of received messages (from, device, mid), so that a message the server delivers again
// (it was not acked before the connection ended) is not shown twice, also across runs.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborValue>
#include <QSet>
#include <QList>
#include <QString>

namespace parley::sdk {

class PARLEY_EXPORT DedupeLog {
public:
    // The server holds at most 1,000 unacked messages per connection, so a few thousand entries cover every
    // redelivery; the oldest entries are dropped beyond the capacity.
    static constexpr int DefaultCapacity = 5000;

    explicit DedupeLog(int capacity = DefaultCapacity);

    bool contains(const QString &from, quint32 device, const QByteArray &mid) const;
    // Returns false (and changes nothing) when the entry is already present.
    bool insert(const QString &from, quint32 device, const QByteArray &mid, qint64 nowMs);
    int size() const { return int(m_order.size()); }
    int capacity() const { return m_capacity; }

    QCborValue toCbor() const;
    static Result<DedupeLog> fromCbor(const QCborValue &value, int capacity = DefaultCapacity);

private:
    struct Entry {
        QString from;
        quint32 device = 0;
        QByteArray mid;
        qint64 at = 0;
    };
    static QByteArray keyOf(const QString &from, quint32 device, const QByteArray &mid);

    int m_capacity;
    QList<Entry> m_order;          // oldest first
    QSet<QByteArray> m_index;
};

} // namespace parley::sdk
