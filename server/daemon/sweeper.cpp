#include "daemon/sweeper.h"

#include "daemon/logging.h"
#include "store/blobfiles.h"
#include "store/store.h"

#include <QDateTime>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int BlockedSweepsWarning = 5;

} // namespace

struct Sweeper::Private {
    Private(Store &s, int interval, BlobFiles *b, const FileLimits &f) : store(s), intervalMs(interval), blobs(b), files(f) {}
    Store &store;
    int intervalMs;
    BlobFiles *blobs;
    FileLimits files;
    QThread thread;
    QTimer *timer = nullptr;      // lives in `thread`
    bool running = false;
};

Sweeper::Sweeper(Store &store, int intervalMs, BlobFiles *blobs, const FileLimits &files)
    : d(std::make_unique<Private>(store, intervalMs, blobs, files))
{
    d->thread.setObjectName(u"parleyd-sweeper"_s);
}

Sweeper::~Sweeper()
{
    stop();
}

void Sweeper::start()
{
    if (d->running)
        return;
    d->running = true;
    d->thread.start();
    Store *store = &d->store;
    BlobFiles *blobs = d->blobs;
    const FileLimits files = d->files;
    const int interval = d->intervalMs;
    auto *timer = new QTimer;
    timer->moveToThread(&d->thread);
    d->timer = timer;
    connect(&d->thread, &QThread::finished, timer, &QObject::deleteLater);
    QMetaObject::invokeMethod(timer, [timer, store, blobs, files, interval] {
        auto sweep = [store, blobs, files, blocked = 0]() mutable {
            Result<int> r = sweepOnce(*store, blobs, files);
            if (!r && r.error().code == ErrorCode::Unavailable) {
                // Readers or the writer kept the checkpoint from completing: deleted rows stay in the write-ahead
                // log until one completes. Said once it has lasted BlockedSweepsWarning sweeps in a row.
                if (++blocked == BlockedSweepsWarning)
                    qCWarning(lcServer) << "The database checkpoint has been blocked for" << blocked
                                        << "sweeps: expired messages stay in the write-ahead log until it completes";
                return;
            }
            if (blocked >= BlockedSweepsWarning)
                qCInfo(lcServer) << "The database checkpoint completed after" << blocked << "blocked sweeps";
            blocked = 0;
            if (!r)
                qCWarning(lcServer) << "Sweeping expired messages failed:" << r.error().message;
            else if (*r > 0)
                qCDebug(lcServer) << "Removed" << *r << "expired messages";
        };
        QObject::connect(timer, &QTimer::timeout, timer, sweep);
        timer->start(interval);
        sweep();
    }, Qt::QueuedConnection);
}

void Sweeper::stop()
{
    if (!d->running)
        return;
    d->running = false;
    d->thread.quit();
    d->thread.wait();
}

Result<int> Sweeper::sweepOnce(Store &store, BlobFiles *blobs, const FileLimits &files)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Result<int> removed = store.writeSync<int>([now](Db &db) { return db.purgeExpired(now); });
    if (!removed)
        return removed.error();
    if (blobs) {
        // After the messages: a blob whose last message expired in this sweep goes in this sweep too. The writer
        // runs it, so that no message can reference a blob between the choice and the deletion.
        const Result<int> gone = store.writeSync<int>([now, blobs, files](Db &db) {
            return BlobIndex::sweep(db, now, files, [blobs](const QByteArray &bid) { return blobs->remove(bid); });
        });
        if (!gone)
            return gone.error();
        if (*gone > 0) {
            if (Status s = blobs->syncDirectory(); !s)
                return s.error();
            qCDebug(lcServer) << "Removed" << *gone << "attachments";
        }
    }
    if (Status s = store.checkpoint(); !s)
        return s.error();
    return *removed;
}

Result<BlobScan> Sweeper::scanBlobs(Store &store, BlobFiles &blobs)
{
    const Result<BlobFiles::Listing> listing = blobs.list();
    if (!listing)
        return listing.error();
    const QList<QByteArray> onDisk = listing->bids;
    BlobFiles *files = &blobs;
    const Result<BlobScan> scan = store.writeSync<BlobScan>([onDisk, files](Db &db) {
        return BlobIndex::reconcile(db, onDisk, [files](const QByteArray &bid) { return files->remove(bid); });
    });
    if (!scan)
        return scan.error();
    if (scan->strayFiles > 0) {
        if (Status s = blobs.syncDirectory(); !s)
            return s.error();
        qCInfo(lcServer) << "Attachment files without a record in the database, deleted:" << scan->strayFiles;
    }
    if (listing->others > 0)
        qCWarning(lcServer).noquote() << "Entries in" << blobs.directory() << "that are not attachment files, left alone:"
                                      << listing->others;
    if (scan->uploadsRestarted > 0)
        qCWarning(lcServer) << "Unfinished uploads whose file was gone, to start again from the first byte:"
                            << scan->uploadsRestarted;
    if (scan->finishedWithoutFile > 0)
        qCWarning(lcServer).noquote() << "Finished attachments without a file in" << blobs.directory()
                                      << "(downloads answer not_found until the files are restored):"
                                      << scan->finishedWithoutFile;
    return scan;
}

} // namespace parley::server
