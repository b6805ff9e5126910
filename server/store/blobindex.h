#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace parley::server {

class Db;

// One stored attachment (docs/protocol.md, "Attachments"): opaque ciphertext uploaded by one device.
struct BlobRecord {
    qint64 id = 0;            // row id
    QByteArray bid;           // the 16-byte id the protocol names it by
    qint64 userId = 0;        // owner
    qint64 deviceId = 0;      // the uploading device
    qint64 size = 0;          // declared size in bytes
    qint64 received = 0;      // bytes durably stored (the file may hold more: a chunk written but not yet counted)
    bool complete = false;
    qint64 createdAt = 0;
    qint64 completedAt = 0;
};

// The limits on attachments. maxFile and userQuota are managed settings (admin call files.set) over the boot
// configuration's defaults; the others come from the boot configuration only.
struct FileLimits {
    qint64 maxFile = qint64(100) << 20;        // bytes per blob
    qint64 userQuota = qint64(1) << 30;        // bytes of all blobs of one user, unfinished ones included
    int unfinishedPerDevice = 4;               // uploads a device may have open at once
    qint64 uploadTtlSeconds = 86400;           // an unfinished upload older than this is swept
    qint64 orphanTtlSeconds = 3600;            // a completed blob no message referenced within this is swept
};

// Per-user use of the blob store (admin API).
struct BlobUsage {
    QString user;             // empty when the owner was deleted
    qint64 bytes = 0;
    qint64 blobs = 0;
};

// What reconcile() found and did.
struct BlobScan {
    int strayFiles = 0;            // files without a row: deleted
    int uploadsRestarted = 0;      // unfinished uploads whose file was gone: they count no bytes any more
    int finishedWithoutFile = 0;   // complete blobs whose file is gone: kept
};

// The blob tables (blobs, blob_refs; schema version 9) over a Db's connection. Writes run on the writer thread inside
// Store::write, reads on any thread's reader. The files themselves are BlobFiles'.
class BlobIndex {
public:
    // The effective limits: `defaults` with the managed settings files.max_file and files.user_quota over them.
    static Result<FileLimits> limits(Db &db, const FileLimits &defaults);
    // Stores the managed limits (writer).
    static Status setLimits(Db &db, qint64 maxFile, qint64 userQuota, qint64 nowMs);

    // A new upload of `size` bytes under the fresh id `bid`: QuotaExceeded (with a message for people) past the
    // per-file limit, the user's quota or the device's unfinished uploads.
    static Result<BlobRecord> create(Db &db, qint64 userId, qint64 deviceId, const QByteArray &bid, qint64 size,
                                     const FileLimits &limits, qint64 nowMs);
    // The blob `bid` as its uploading device sees it; NotFound for any other device or no such blob.
    static Result<BlobRecord> ofDevice(Db &db, qint64 deviceId, const QByteArray &bid);
    // Counts bytes from `from` up to `to` as durably stored; completes the blob when `to` reaches its size. Conflict
    // when the stored count is not `from` (another chunk came first), NotFound when the blob is gone.
    static Result<BlobRecord> advance(Db &db, qint64 blobId, qint64 from, qint64 to, qint64 nowMs);
    // The complete blob `bid` if this device may read it: its user uploaded it, or the device has a queue entry, now
    // or before, of a message that references it and still exists. NotFound otherwise (existence is not revealed).
    static Result<BlobRecord> readable(Db &db, const QByteArray &bid, qint64 userId, qint64 deviceId);
    // Records that message `messageId` references the blobs `bids` (each a complete blob of `userId`), for each of
    // the devices given (writer, inside the message's savepoint). NotFound names the first blob that is not one.
    static Status reference(Db &db, qint64 userId, const QList<QByteArray> &bids, qint64 messageId,
                            const QList<qint64> &deviceIds);

    // Deletes what is due (writer): blobs whose referencing messages are all gone, unfinished uploads older than
    // limits.uploadTtlSeconds, completed blobs never referenced within limits.orphanTtlSeconds. `removeFile` takes
    // each blob's file off the disk before its rows go. Returns how many blobs went.
    static Result<int> sweep(Db &db, qint64 nowMs, const FileLimits &limits,
                             const std::function<Status(const QByteArray &bid)> &removeFile);

    // Brings the rows together with the files in the blob directory (`onDisk`: their ids), at start before any
    // connection (writer). A file without a row (a deletion whose unlink was not yet durable when the machine went
    // down, a database restored from an older backup) goes with `removeFile`. An unfinished upload whose file is gone
    // counts no bytes any more, so that its resumption starts at 0 on a new file, not at the old offset on a file of
    // zeros. A complete blob whose file is gone keeps its row: its messages still name it, blob_get answers
    // not_found, and the file put back (from a backup) serves it again.
    static Result<BlobScan> reconcile(Db &db, const QList<QByteArray> &onDisk,
                                      const std::function<Status(const QByteArray &bid)> &removeFile);

    // Totals (any thread's reader).
    static Result<BlobUsage> total(Db &db);
    // Use per user, largest first; only `user` when given.
    static Result<QList<BlobUsage>> usage(Db &db, const std::optional<QString> &user);
};

} // namespace parley::server
