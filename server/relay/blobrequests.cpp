#include "relay/blobrequests.h"

#include "crypto/crypto.h"
#include "protocol/messages.h"
#include "relay/relaylog.h"
#include "relay/sessioncontext.h"
#include "store/blobfiles.h"
#include "store/blobindex.h"

#include <QPointer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qsizetype BlobIdBytes = 16;
// Chunks a connection may have on their way to or from the disk at once: with the chunk size, the bound on the memory
// one connection's attachments hold.
constexpr int MaxBlobIoInFlight = 4;
// Bytes sent on the connection and not yet taken by the kernel beyond which a blob_get is refused: a client that asks
// for chunks without reading them makes the server hold at most this plus the chunks on their way from the disk, not
// every reply it asked for. QWebSocket writes each frame straight through to the socket it runs on and keeps nothing
// itself; its bytesToWrite() is that socket's, TlsServerSocket's queue of plaintext not yet encrypted and written.
constexpr qint64 MaxUnsentBlobBytes = 1 << 20;

// Runs `job` on the blob I/O thread, then `done` with its result on the session's worker thread (dropped when the
// session has gone meanwhile).
template<typename T, typename Job, typename Done>
void onBlobThread(SessionContext &session, Job job, Done done)
{
    const QPointer<QObject> alive(session.q);
    const QPointer<QObject> home(session.host.thread);
    SessionContext *self = &session;
    ++session.blobIoInFlight;
    session.services.blobs->post([job = std::move(job), done = std::move(done), alive, home, self]() mutable {
        T result = job();
        if (!home)
            return;
        QMetaObject::invokeMethod(
            home.data(),
            [alive, self, done = std::move(done), result = std::move(result)]() mutable {
                if (!alive)
                    return;
                --self->blobIoInFlight;
                done(*self, std::move(result));
            },
            Qt::QueuedConnection);
    });
}

bool refuseWhenBusy(SessionContext &session, quint64 requestId)
{
    if (session.blobIoInFlight < MaxBlobIoInFlight)
        return false;
    protocol::ErrorReply e = protocol::errorReply(
        WireError::Busy, u"%1 chunks are on their way to or from the disk; wait for their replies"_s.arg(MaxBlobIoInFlight));
    e.retry = quint64(BusyRetryMs);
    session.sendEncoded(e.encode(requestId));
    return true;
}

// The replies already sent wait for the client to read them: a download asks again after `retry`.
bool refuseWhenUnread(SessionContext &session, quint64 requestId)
{
    if (session.socket->bytesToWrite() <= MaxUnsentBlobBytes)
        return false;
    protocol::ErrorReply e = protocol::errorReply(
        WireError::Busy, u"more than %1 MiB of replies wait to be read by this connection; read them first"_s
                             .arg(MaxUnsentBlobBytes >> 20));
    e.retry = quint64(BusyRetryMs);
    session.sendEncoded(e.encode(requestId));
    return true;
}

void sendFailure(SessionContext &session, const Error &error, quint64 requestId)
{
    switch (error.code) {
    case ErrorCode::NotFound:
        session.sendError(WireError::NotFound, u"no such blob"_s, requestId);
        return;
    case ErrorCode::Conflict:
        session.sendError(WireError::Conflict, error.message + u"; resume with blob_start"_s, requestId);
        return;
    case ErrorCode::QuotaExceeded:
        session.sendError(WireError::Quota, error.message, requestId);
        return;
    default:
        if (error.code != ErrorCode::Io)
            qCWarning(lcRelay) << "A blob request failed:" << error.message;
        else
            qCWarning(lcRelay) << "Blob storage failed:" << error.message;
        session.sendStoreError(error, requestId);
    }
}

// The file is ready for the upload (`record`): the connection takes it and the client hears where to go on.
void opened(SessionContext &session, const BlobRecord &record, quint64 requestId)
{
    if (!record.complete)
        session.uploads.insert(record.bid, SessionContext::Upload{record.id, record.size, record.received});
    protocol::BlobStarted started;
    started.blob = record.bid;
    started.offset = quint64(record.received);
    started.size = quint64(record.size);
    started.chunk = quint64(protocol::MaxBlobChunkBytes);
    session.sendEncoded(started.encode(requestId));
}

// Creates (or, resuming, cuts back to what was acknowledged) the blob's file, then replies.
void prepareFile(SessionContext &session, const BlobRecord &record, quint64 requestId)
{
    if (record.complete) {
        opened(session, record, requestId);
        return;
    }
    BlobFiles *files = session.services.blobs;
    onBlobThread<Status>(
        session, [files, record] { return files->prepare(record.bid, record.received); },
        [record, requestId](SessionContext &s, Status status) {
            if (!status) {
                sendFailure(s, status.error(), requestId);
                return;
            }
            opened(s, record, requestId);
        });
}

void startUpload(SessionContext &session, const protocol::BlobStart &request, quint64 requestId)
{
    const QByteArray bid = crypto::randomBytes(int(BlobIdBytes));
    const qint64 size = qint64(request.size);
    const FileLimits defaults = session.services.files;
    const qint64 user = session.userId;
    const qint64 device = session.deviceId;
    session.write<BlobRecord>(
        [=](Db &db) -> Result<BlobRecord> {
            // The limits are read in the writer so that an administrator's change applies to the next upload.
            const Result<FileLimits> limits = BlobIndex::limits(db, defaults);
            if (!limits)
                return limits.error();
            return BlobIndex::create(db, user, device, bid, size, *limits, wallMs());
        },
        [requestId](SessionContext *s, Result<BlobRecord> r) {
            if (!s || s->closing)
                return;
            if (!r) {
                sendFailure(*s, r.error(), requestId);
                return;
            }
            prepareFile(*s, *r, requestId);
        });
}

void resumeUpload(SessionContext &session, const protocol::BlobStart &request, quint64 requestId)
{
    const Result<BlobRecord> record = BlobIndex::ofDevice(session.services.store->reader(), session.deviceId, *request.blob);
    if (!record) {
        if (record.error().code == ErrorCode::NotFound)
            session.sendError(WireError::NotFound, u"no upload of this device has that id"_s, requestId);
        else
            sendFailure(session, record.error(), requestId);
        return;
    }
    if (record->size != qint64(request.size)) {
        session.sendError(WireError::Conflict, u"the upload was started with a size of %1 bytes"_s.arg(record->size),
                          requestId);
        return;
    }
    // Chunks of this connection still on their way are not counted: the client starts again from the stored offset.
    session.uploads.remove(record->bid);
    prepareFile(session, *record, requestId);
}

} // namespace

void handleBlobStart(SessionContext &session, const Frame &f)
{
    if (!session.services.blobs) {
        session.sendError(WireError::Unavailable, u"this server takes no attachments"_s, f.id);
        return;
    }
    if (refuseWhenBusy(session, f.id))
        return;
    const protocol::BlobStart request = protocol::BlobStart::from(f);
    if (request.blob)
        resumeUpload(session, request, f.id);
    else
        startUpload(session, request, f.id);
}

// A chunk is written and synced on the blob thread, then counted by the store's writer; blob_ack follows that commit,
// so an acknowledged byte is on the disk. The chunk's bytes are released once written.
void handleBlobPut(SessionContext &session, const Frame &f)
{
    if (!session.services.blobs) {
        session.sendError(WireError::Unavailable, u"this server takes no attachments"_s, f.id);
        return;
    }
    protocol::BlobPut request = protocol::BlobPut::from(f);
    const auto upload = session.uploads.find(request.blob);
    if (upload == session.uploads.end()) {
        session.sendError(WireError::NotFound, u"no upload of that id was started on this connection (blob_start)"_s, f.id);
        return;
    }
    const qint64 offset = qint64(request.offset);
    const qint64 length = request.data.size();
    if (offset != upload->next) {
        session.sendError(WireError::Conflict, u"the next chunk starts at offset %1"_s.arg(upload->next), f.id);
        return;
    }
    if (length > upload->size - offset) {
        session.sendError(WireError::BadField, u"data: goes beyond the upload's declared size of %1 bytes"_s.arg(upload->size),
                          f.id);
        return;
    }
    if (refuseWhenBusy(session, f.id))
        return;
    upload->next += length;
    const qint64 rowId = upload->rowId;
    const QByteArray bid = request.blob;
    const quint64 requestId = f.id;
    BlobFiles *files = session.services.blobs;
    onBlobThread<Status>(
        session, [files, bid, offset, data = std::move(request.data)] { return files->write(bid, offset, data); },
        [bid, rowId, offset, length, requestId](SessionContext &s, Status written) {
            if (!written) {
                s.uploads.remove(bid);
                sendFailure(s, written.error(), requestId);
                return;
            }
            s.write<BlobRecord>([=](Db &db) { return BlobIndex::advance(db, rowId, offset, offset + length, wallMs()); },
                                [bid, requestId](SessionContext *p, Result<BlobRecord> r) {
                                    if (!p || p->closing)
                                        return;
                                    if (!r) {
                                        p->uploads.remove(bid);
                                        sendFailure(*p, r.error(), requestId);
                                        return;
                                    }
                                    if (r->complete)
                                        p->uploads.remove(bid);
                                    protocol::BlobAck ack;
                                    ack.blob = bid;
                                    ack.offset = quint64(r->received);
                                    ack.done = r->complete;
                                    p->sendEncoded(ack.encode(requestId));
                                });
        });
}

// Only the uploader's user and the devices a referencing message was queued for may read a blob; anyone else gets
// the same not_found as for a blob that does not exist.
void handleBlobGet(SessionContext &session, const Frame &f)
{
    if (!session.services.blobs) {
        session.sendError(WireError::NotFound, u"no such blob"_s, f.id);
        return;
    }
    const protocol::BlobGet request = protocol::BlobGet::from(f);
    const Result<BlobRecord> record =
        BlobIndex::readable(session.services.store->reader(), request.blob, session.userId, session.deviceId);
    if (!record) {
        sendFailure(session, record.error(), f.id);
        return;
    }
    if (request.offset > quint64(record->size)) {
        session.sendError(WireError::BadField, u"offset: beyond the blob's size of %1 bytes"_s.arg(record->size), f.id);
        return;
    }
    if (refuseWhenBusy(session, f.id) || refuseWhenUnread(session, f.id))
        return;
    const qint64 offset = qint64(request.offset);
    const qint64 length = std::min<qint64>(protocol::MaxBlobChunkBytes, record->size - offset);
    const quint64 requestId = f.id;
    BlobFiles *files = session.services.blobs;
    onBlobThread<Result<QByteArray>>(
        session, [files, bid = record->bid, offset, length] { return files->read(bid, offset, length); },
        [bid = record->bid, size = record->size, offset, requestId](SessionContext &s, Result<QByteArray> data) {
            if (!data) {
                sendFailure(s, data.error(), requestId);
                return;
            }
            protocol::BlobData reply;
            reply.blob = bid;
            reply.offset = quint64(offset);
            reply.size = quint64(size);
            reply.data = std::move(*data);
            s.sendEncoded(reply.encode(requestId));
        });
}

} // namespace parley::server
