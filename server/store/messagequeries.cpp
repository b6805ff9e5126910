// Db: messages, the recipient devices' queues and the replay records (`seen`).

#include "store/db.h"

#include "store/blobindex.h"
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
        const Result<qint64> id = c.insert(
            InsertMessage, {m.senderDeviceId, e.sender, qint64(e.dev), sql::blob(e.mid), sql::blob(e.to.cbor),
                            qint64(e.at), sql::blob(e.pl), sql::blob(e.kc), sql::blob(e.opts.cbor),
                            m.room.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(m.room),
                            sql::blob(e.sig), m.expiresAt, qint64(m.entries.size())});
        if (!id)
            return id.error();
        inserted.payloadId = *id;
    }
    inserted.seqs.reserve(m.entries.size());
    for (const NewMessage::Entry &entry : m.entries) {
        const Result<qint64> seq = c.insert(InsertQueueEntry, {entry.deviceId, inserted.payloadId, qint64(entry.kid),
                                                              sql::blob(entry.eph), sql::blob(entry.wrappedKey)});
        if (!seq)
            return seq.error();
        inserted.seqs.append(quint64(*seq));
    }
    return inserted;
}

// The message, its queue entries and its replay record (with the number it is stored under and its digest), under
// one savepoint. The replay record goes last so that it can carry the number; a conflict rolls everything back.
Result<InsertedMessage> storeOnce(Db &db, Connection &c, const NewMessage &m)
{
    Connection::Savepoint savepoint(c);
    if (Status s = savepoint.begin(); !s)
        return s.error();
    InsertedMessage inserted;
    if (!m.entries.isEmpty()) {
        if (Status s = reserveQueueSlots(c, m); !s)
            return s.error();
        Result<InsertedMessage> stored = storeMessage(c, m);
        if (!stored)
            return stored.error();
        inserted = std::move(*stored);
        if (!m.blobs.isEmpty()) {
            QList<qint64> devices;
            devices.reserve(m.entries.size());
            for (const NewMessage::Entry &entry : m.entries)
                devices.append(entry.deviceId);
            if (Status s = BlobIndex::reference(db, m.senderUserId, m.blobs, inserted.payloadId, devices); !s)
                return s.error();
        }
    }
    const QVariant seq = inserted.payloadId ? QVariant(inserted.payloadId) : QVariant(QMetaType::fromType<qint64>());
    const QVariant digest = m.digest.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : sql::blob(m.digest);
    if (Status s = c.run(InsertSeen, {m.senderDeviceId, sql::blob(m.envelope.mid), sql::nowMs(), seq, digest}); !s) {
        if (s.error().code == ErrorCode::Conflict)
            return makeError(ErrorCode::Conflict, u"the message id was seen before from this device"_s);
        return s.error();
    }
    if (Status s = savepoint.release(); !s)
        return s.error();
    return inserted;
}

// The replay record of (sender device, mid): NotFound when there is none, Conflict when it was another message (its
// digest differs) or kept no outcome (recorded before version 8, or never stored), else the first outcome.
Result<InsertedMessage> earlierOutcome(Connection &c, const NewMessage &m)
{
    struct Seen {
        qint64 seq = 0;
        QByteArray digest;
    };
    const Result<Seen> seen = c.one<Seen>(SeenOutcome, {m.senderDeviceId, sql::blob(m.envelope.mid)}, u"replay record",
                                          [](const sql::Rows &row) { return Seen{row.integer(0), row.bytes(1)}; },
                                          makeError(ErrorCode::NotFound, u"no replay record"_s));
    if (!seen)
        return seen.error();
    if (seen->seq <= 0 || m.digest.isEmpty() || seen->digest != m.digest)
        return makeError(ErrorCode::Conflict, u"the message id was seen before from this device"_s);
    InsertedMessage outcome;
    outcome.payloadId = seen->seq;
    outcome.duplicate = true;
    return outcome;
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
    Result<InsertedMessage> inserted = storeOnce(*this, *d, m);
    if (inserted || (inserted.error().code != ErrorCode::Conflict && inserted.error().code != ErrorCode::QuotaExceeded))
        return inserted;
    // Refused (and rolled back): a message stored before under this id is answered with its first outcome.
    Result<InsertedMessage> earlier = earlierOutcome(*d, m);
    if (!earlier && earlier.error().code == ErrorCode::NotFound)
        return inserted;
    return earlier;
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
