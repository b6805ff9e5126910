// Db: messages, the recipient devices' queues and the replay records (`seen`).

#include "store/db.h"

#include "store/connection.h"

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

Status checkMessage(const NewMessage &m)
{
    if (m.envelope.mid.isEmpty() || m.envelope.sender.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"a message needs a sender and a message id"_s);
    for (const NewMessage::Entry &entry : m.entries) {
        if (entry.eph.isEmpty() || entry.wrappedKey.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"a key entry needs an ephemeral key and a wrapped key"_s);
    }
    return {};
}

// Raising each recipient's counter is the quota check: no row changes when the queue is full.
Status reserveQueueSlots(Connection &c, const NewMessage &m)
{
    for (const NewMessage::Entry &entry : m.entries) {
        const Result<int> bumped = c.change(BumpQueued, {entry.deviceId, m.maxQueuePerDevice});
        if (!bumped)
            return bumped.error();
        if (*bumped == 1)
            continue;
        if (Status s = c.exists(DeviceExists, {entry.deviceId}, u"device lookup",
                                makeError(ErrorCode::NotFound, u"no such device"_s));
            !s)
            return s;
        return makeError(ErrorCode::QuotaExceeded, u"a recipient device's queue is full"_s);
    }
    return {};
}

// The message row and one queue entry per recipient device.
Result<InsertedMessage> storeMessage(Connection &c, const NewMessage &m)
{
    InsertedMessage inserted;
    {
        const protocol::RelayedMsg &e = m.envelope;
        const Result<sql::Rows> row = c.exec(
            InsertMessage, {m.senderDeviceId, e.sender, qint64(e.dev), sql::blob(e.mid), sql::blob(e.to.cbor),
                            qint64(e.at), sql::blob(e.pl), sql::blob(e.kc), sql::blob(e.opts.cbor),
                            m.room.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(m.room),
                            sql::blob(e.sig), m.expiresAt, qint64(m.entries.size())});
        if (!row)
            return row.error();
        inserted.payloadId = row->lastInsertId();
    }
    inserted.seqs.reserve(m.entries.size());
    for (const NewMessage::Entry &entry : m.entries) {
        const Result<sql::Rows> row = c.exec(InsertQueueEntry, {entry.deviceId, inserted.payloadId, qint64(entry.kid),
                                                               sql::blob(entry.eph), sql::blob(entry.wrappedKey)});
        if (!row)
            return row.error();
        inserted.seqs.append(quint64(row->lastInsertId()));
    }
    return inserted;
}

} // namespace

Result<QList<QueuedMessage>> Db::queuePage(qint64 deviceId, quint64 afterSeq, int limit)
{
    if (limit <= 0)
        return makeError(ErrorCode::InvalidArgument, u"queue page limit must be positive"_s);
    if (afterSeq > quint64(std::numeric_limits<qint64>::max()))
        return QList<QueuedMessage>();
    return d->all<QueuedMessage>(QueuePage, {deviceId, qint64(afterSeq), sql::nowMs(), limit}, u"queue page",
                                 readQueuedMessage);
}

Result<qint64> Db::queuedCount(qint64 deviceId)
{
    return d->one<qint64>(QueuedOf, {deviceId}, u"queue count", [](const sql::Rows &row) { return row.integer(0); },
                          makeError(ErrorCode::NotFound, u"no such device"_s));
}

Result<InsertedMessage> Db::insertMessage(const NewMessage &m)
{
    if (Status s = checkMessage(m); !s)
        return s.error();
    Connection::Savepoint savepoint(*d);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    if (Status s = d->run(InsertSeen, {m.senderDeviceId, sql::blob(m.envelope.mid), sql::nowMs()}); !s) {
        if (s.error().code == ErrorCode::Conflict)
            return makeError(ErrorCode::Conflict, u"the message id was seen before from this device"_s);
        return s.error();
    }
    InsertedMessage inserted;
    if (!m.entries.isEmpty()) {
        if (Status s = reserveQueueSlots(*d, m); !s)
            return s.error();
        Result<InsertedMessage> stored = storeMessage(*d, m);
        if (!stored)
            return stored.error();
        inserted = std::move(*stored);
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return inserted;
}

Result<int> Db::deleteQueued(qint64 deviceId, const QList<quint64> &seqs)
{
    // One statement for the whole ack: the seqs travel as a JSON array of integers.
    QByteArray list;
    list.reserve(seqs.size() * 12 + 2);
    list.append('[');
    for (const quint64 seq : seqs) {
        if (seq > quint64(std::numeric_limits<qint64>::max()))
            continue;   // never issued
        if (list.size() > 1)
            list.append(',');
        list.append(QByteArray::number(seq));
    }
    list.append(']');
    if (list.size() == 2)
        return 0;
    return d->change(DeleteQueueEntries, {deviceId, QString::fromLatin1(list)});
}

Result<int> Db::purgeSeenBefore(qint64 cutoffMs)
{
    return d->change(PurgeSeen, {cutoffMs});
}

Result<int> Db::purgeExpired(qint64 now)
{
    // Removing the entries removes the messages (trigger queue_entry_gone); count the messages that go.
    Connection::Savepoint savepoint(*d);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    const Result<int> messages = d->one<int>(CountExpired, {now}, u"expiry count",
                                             [](const sql::Rows &row) { return int(row.integer(0)); },
                                             makeError(ErrorCode::Database, u"expiry count returned no row"_s));
    if (!messages)
        return messages.error();
    if (*messages > 0) {
        if (Status s = d->run(PurgeExpired, {now}); !s)
            return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return *messages;
}

} // namespace parley::server
