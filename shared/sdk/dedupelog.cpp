#include "sdk/dedupelog.h"

#include "protocol/frame.h"

#include <QCborArray>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace parley::sdk {

DedupeLog::DedupeLog(int capacity) : m_capacity(qMax(capacity, 1)) {}

QByteArray DedupeLog::keyOf(const QString &from, quint32 device, const QByteArray &mid)
{
    QByteArray key = from.toUtf8();
    key.append('\0');
    char dev[4];
    qToBigEndian(device, dev);
    key.append(dev, 4);
    key.append(mid);
    return key;
}

bool DedupeLog::contains(const QString &from, quint32 device, const QByteArray &mid) const
{
    return m_index.contains(keyOf(from, device, mid));
}

bool DedupeLog::insert(const QString &from, quint32 device, const QByteArray &mid, qint64 nowMs)
{
    const QByteArray key = keyOf(from, device, mid);
    if (m_index.contains(key))
        return false;
    m_index.insert(key);
    m_order.append(Entry{from, device, mid, nowMs});
    while (m_order.size() > m_capacity) {
        const Entry &oldest = m_order.first();
        m_index.remove(keyOf(oldest.from, oldest.device, oldest.mid));
        m_order.removeFirst();
    }
    return true;
}

QCborValue DedupeLog::toCbor() const
{
    QCborArray list;
    for (const Entry &e : m_order)
        list.append(QCborArray{e.from, qint64(e.device), e.mid, e.at});
    return list;
}

Result<DedupeLog> DedupeLog::fromCbor(const QCborValue &value, int capacity)
{
    if (!value.isArray())
        return makeError(ErrorCode::Protocol, u"damaged message record: not an array"_s);
    DedupeLog log(capacity);
    for (const QCborValue &item : value.toArray()) {
        const QCborArray a = item.toArray();
        if (a.size() != 4 || !a.at(0).isString() || !a.at(1).isInteger() || !a.at(2).isByteArray()
            || !a.at(3).isInteger() || !protocol::isValidUserName(a.at(0).toString()) || a.at(1).toInteger() < 1
            || a.at(1).toInteger() > 0xffffffffLL || a.at(2).toByteArray().size() != 16)
            return makeError(ErrorCode::Protocol, u"damaged message record: bad entry"_s);
        log.insert(a.at(0).toString(), quint32(a.at(1).toInteger()), a.at(2).toByteArray(), a.at(3).toInteger());
    }
    return log;
}

} // namespace parley::sdk
