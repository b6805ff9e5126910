#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace parley::server {

// The attachments' ciphertext on disk: one file per blob under data_dir/blobs/ (directory 0700, files 0600), named
// by the blob id in hex. Writes are synced (the file's data, and the directory when a file is created) before they
// return, so that a byte the store counts as received is on the disk. File I/O runs on a thread of its own (post()),
// in the order it was posted, so that no worker's event loop waits for the disk.
class BlobFiles {
public:
    // Creates the directory when absent (0700).
    static Result<std::unique_ptr<BlobFiles>> open(const QString &directory);
    ~BlobFiles();
    BlobFiles(const BlobFiles &) = delete;
    BlobFiles &operator=(const BlobFiles &) = delete;

    QString directory() const;
    QString pathOf(const QByteArray &bid) const;

    // Runs `job` on the I/O thread, after every job posted before it.
    void post(std::function<void()> job);
    // Ends the I/O thread after the job in progress; jobs not yet started are dropped. The file operations below
    // still work (they run on the calling thread).
    void stop();

    // The file of `bid`, created (0600) when absent, cut to `keep` bytes (what the store counts as received: bytes
    // written after it were never acknowledged); synced with its directory.
    Status prepare(const QByteArray &bid, qint64 keep);
    // Writes `data` at `offset` of an existing file and syncs it. NotFound when the file is gone.
    Status write(const QByteArray &bid, qint64 offset, const QByteArray &data);
    // Up to `max` bytes from `offset`. NotFound when the file is gone; short files are an Io error.
    Result<QByteArray> read(const QByteArray &bid, qint64 offset, qint64 max);
    // Deletes the file (none there is fine).
    Status remove(const QByteArray &bid);
    // Syncs the directory, so that deletions are durable.
    Status syncDirectory();

    // What the directory holds: the ids of the regular files named like a blob (32 lower-case hex digits), and how
    // many other entries there are (anything else: other names, directories, links), which are never touched.
    struct Listing {
        QList<QByteArray> bids;
        int others = 0;
    };
    Result<Listing> list() const;

private:
    explicit BlobFiles(const QString &directory);
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
