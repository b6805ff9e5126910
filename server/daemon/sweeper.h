#pragma once

#include "core/result.h"
#include "store/blobindex.h"

#include <QObject>
#include <QString>

#include <memory>

namespace parley::server {

class BlobFiles;
class Store;

// Takes expired messages off the disk: every `intervalMs` (and once right after start, so that a restart sweeps what
// expired while the server was down) it deletes expired queue entries and their messages (secure_delete overwrites
// the freed pages) and then checkpoints the WAL with TRUNCATE, so the old page images in the WAL are gone too.
// Burned messages (deleted by the last ack) leave the WAL at the same checkpoint. With `blobs`, each sweep also deletes
// the attachments that are due (BlobIndex::sweep: their messages gone, unfinished or never referenced for too long),
// files first. Runs on a thread of its own because a TRUNCATE checkpoint waits for readers and the writer.
class Sweeper : public QObject {
    Q_OBJECT
public:
    Sweeper(Store &store, int intervalMs, BlobFiles *blobs = nullptr, const FileLimits &files = {});
    ~Sweeper() override;

    void start();     // from any thread: starts the thread and the first sweep
    void stop();      // blocks until the thread ended

    // One sweep on the calling thread: purge messages, then the blobs that are due, then checkpoint. Returns the
    // number of messages removed.
    static Result<int> sweepOnce(Store &store, BlobFiles *blobs = nullptr, const FileLimits &files = {});

    // At start, before any connection: the files in the blob directory and the blob rows brought together
    // (BlobIndex::reconcile: a file without a row is deleted, and the deletions synced), each finding logged once
    // with its count. Entries that are not named like a blob file are left alone and only counted.
    static Result<BlobScan> scanBlobs(Store &store, BlobFiles &blobs);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
