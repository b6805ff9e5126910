#include "store/blobindex.h"

#include "store/connection.h"
#include "store/db.h"
#include "store/sql.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"blob store query";
const QString MaxFileKey = u"files.max_file"_s;
const QString UserQuotaKey = u"files.user_quota"_s;

#define PARLEY_BLOB_COLUMNS "id, bid, user_id, device_id, size, received, complete, created_at, completed_at "

BlobRecord readBlob(const sql::Rows &row)
{
    BlobRecord b;
    b.id = row.integer(0);
    b.bid = row.bytes(1);
    b.userId = row.integer(2);
    b.deviceId = row.integer(3);
    b.size = row.integer(4);
    b.received = row.integer(5);
    b.complete = row.integer(6) != 0;
    b.createdAt = row.integer(7);
    b.completedAt = row.integer(8);
    return b;
}

Error notFound() { return makeError(ErrorCode::NotFound, u"no such blob"_s); }

Result<std::optional<qint64>> managed(Db &db, const QString &key)
{
    return sql::queryOne<std::optional<qint64>>(
        db.database(), u"SELECT value FROM managed_settings WHERE key = ?"_s, {key}, Failed,
        [](const sql::Rows &row) { return std::optional<qint64>(row.text(0).toLongLong()); }, std::optional<qint64>());
}

Result<qint64> scalar(Db &db, const QString &statement, sql::Binds binds)
{
    return sql::queryOne<qint64>(db.database(), statement, binds, Failed,
                                 [](const sql::Rows &row) { return row.integer(0); }, qint64(0));
}

QString mib(qint64 bytes)
{
    return QString::number(double(bytes) / double(1 << 20), 'f', bytes % (1 << 20) ? 1 : 0) + u" MiB"_s;
}

} // namespace

Result<FileLimits> BlobIndex::limits(Db &db, const FileLimits &defaults)
{
    FileLimits out = defaults;
    const auto maxFile = managed(db, MaxFileKey);
    if (!maxFile)
        return maxFile.error();
    const auto quota = managed(db, UserQuotaKey);
    if (!quota)
        return quota.error();
    if (*maxFile && **maxFile > 0)
        out.maxFile = **maxFile;
    if (*quota && **quota > 0)
        out.userQuota = **quota;
    return out;
}

Status BlobIndex::setLimits(Db &db, qint64 maxFile, qint64 userQuota, qint64 nowMs)
{
    const QString upsert = u"INSERT INTO managed_settings (key, value, updated_at) VALUES (?, ?, ?) "
                           u"ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s;
    if (Status s = sql::apply(db.database(), upsert, {MaxFileKey, QString::number(maxFile), nowMs}, Failed); !s)
        return s;
    return sql::apply(db.database(), upsert, {UserQuotaKey, QString::number(userQuota), nowMs}, Failed);
}

Result<BlobRecord> BlobIndex::create(Db &db, qint64 userId, qint64 deviceId, const QByteArray &bid, qint64 size,
                                     const FileLimits &limits, qint64 nowMs)
{
    if (size > limits.maxFile) {
        return makeError(ErrorCode::QuotaExceeded, u"the file is larger than this server's limit of %1 per file"_s
                                                       .arg(mib(limits.maxFile)));
    }
    const Result<qint64> unfinished =
        scalar(db, u"SELECT COUNT(*) FROM blobs WHERE device_id = ? AND complete = 0"_s, {deviceId});
    if (!unfinished)
        return unfinished.error();
    if (*unfinished >= limits.unfinishedPerDevice) {
        return makeError(ErrorCode::QuotaExceeded, u"this device has %1 unfinished uploads already; finish or resume one"_s
                                                       .arg(*unfinished));
    }
    const Result<qint64> used = scalar(db, u"SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blobs WHERE user_id = ?"_s, {userId});
    if (!used)
        return used.error();
    if (*used + size > limits.userQuota) {
        return makeError(ErrorCode::QuotaExceeded,
                         u"this upload would exceed your storage quota of %1 (%2 in use)"_s.arg(mib(limits.userQuota), mib(*used)));
    }
    const Result<qint64> id = sql::insert(
        db.database(),
        u"INSERT INTO blobs (bid, user_id, device_id, size, received, complete, referenced, created_at, completed_at) "
        u"VALUES (?, ?, ?, ?, 0, 0, 0, ?, 0) RETURNING id"_s,
        {sql::blob(bid), userId, deviceId, size, nowMs}, Failed);
    if (!id)
        return id.error();
    BlobRecord b;
    b.id = *id;
    b.bid = bid;
    b.userId = userId;
    b.deviceId = deviceId;
    b.size = size;
    b.createdAt = nowMs;
    return b;
}

Result<BlobRecord> BlobIndex::ofDevice(Db &db, qint64 deviceId, const QByteArray &bid)
{
    return sql::queryOne<BlobRecord>(db.database(),
                                     u"SELECT " PARLEY_BLOB_COLUMNS "FROM blobs WHERE bid = ? AND device_id = ?"_s,
                                     {sql::blob(bid), deviceId}, Failed, readBlob, notFound());
}

Result<BlobRecord> BlobIndex::advance(Db &db, qint64 blobId, qint64 from, qint64 to, qint64 nowMs)
{
    const Result<BlobRecord> current = sql::queryOne<BlobRecord>(
        db.database(), u"SELECT " PARLEY_BLOB_COLUMNS "FROM blobs WHERE id = ?"_s, {blobId}, Failed, readBlob, notFound());
    if (!current)
        return current;
    if (current->received != from || to > current->size || current->complete)
        return makeError(ErrorCode::Conflict, u"the blob holds %1 bytes"_s.arg(current->received));
    BlobRecord b = *current;
    b.received = to;
    b.complete = to == b.size;
    b.completedAt = b.complete ? nowMs : 0;
    if (Status s = sql::apply(db.database(), u"UPDATE blobs SET received = ?, complete = ?, completed_at = ? WHERE id = ?"_s,
                              {b.received, b.complete ? 1 : 0, b.completedAt, blobId}, Failed);
        !s)
        return s.error();
    return b;
}

Result<BlobRecord> BlobIndex::readable(Db &db, const QByteArray &bid, qint64 userId, qint64 deviceId)
{
    return sql::queryOne<BlobRecord>(
        db.database(),
        u"SELECT " PARLEY_BLOB_COLUMNS "FROM blobs b WHERE bid = ? AND complete = 1 AND (user_id = ? "
        u"OR EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = b.id AND r.device_id = ?))"_s,
        {sql::blob(bid), userId, deviceId}, Failed, readBlob, notFound());
}

Status BlobIndex::reference(Db &db, qint64 userId, const QList<QByteArray> &bids, qint64 messageId,
                            const QList<qint64> &deviceIds)
{
    for (const QByteArray &bid : bids) {
        const Result<qint64> blobId = sql::queryOne<qint64>(
            db.database(), u"SELECT id FROM blobs WHERE bid = ? AND user_id = ? AND complete = 1"_s,
            {sql::blob(bid), userId}, Failed, [](const sql::Rows &row) { return row.integer(0); },
            makeError(ErrorCode::NotFound, u"blobs: %1 is not a completed upload of yours"_s.arg(QString::fromLatin1(bid.toHex()))));
        if (!blobId)
            return blobId.error();
        if (Status s = sql::apply(db.database(), u"UPDATE blobs SET referenced = 1 WHERE id = ?"_s, {*blobId}, Failed); !s)
            return s;
        for (const qint64 device : deviceIds) {
            if (Status s = sql::apply(db.database(),
                                      u"INSERT INTO blob_refs (blob_id, device_id, message_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"_s,
                                      {*blobId, device, messageId}, Failed);
                !s)
                return s;
        }
    }
    return {};
}

Result<int> BlobIndex::sweep(Db &db, qint64 nowMs, const FileLimits &limits,
                             const std::function<Status(const QByteArray &bid)> &removeFile)
{
    const Result<QList<BlobRecord>> due = sql::queryAll<BlobRecord>(
        db.database(),
        u"SELECT " PARLEY_BLOB_COLUMNS "FROM blobs b WHERE (complete = 0 AND created_at <= ?) "
        u"OR (complete = 1 AND referenced = 0 AND completed_at <= ?) "
        u"OR (referenced = 1 AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = b.id)) LIMIT 1000"_s,
        {nowMs - limits.uploadTtlSeconds * 1000, nowMs - limits.orphanTtlSeconds * 1000}, Failed, readBlob);
    if (!due)
        return due.error();
    int removed = 0;
    for (const BlobRecord &b : *due) {
        // The file first: should the commit fail, the rows stay and the next sweep tries again, while a row deleted
        // before its file would leave the ciphertext on the disk with nothing pointing at it.
        if (Status s = removeFile(b.bid); !s)
            return s.error();
        if (Status s = sql::apply(db.database(), u"DELETE FROM blobs WHERE id = ?"_s, {b.id}, Failed); !s)
            return s.error();
        ++removed;
    }
    return removed;
}

Result<BlobScan> BlobIndex::reconcile(Db &db, const QList<QByteArray> &onDisk,
                                      const std::function<Status(const QByteArray &bid)> &removeFile)
{
    const Result<QList<BlobRecord>> rows =
        sql::queryAll<BlobRecord>(db.database(), u"SELECT " PARLEY_BLOB_COLUMNS "FROM blobs"_s, {}, Failed, readBlob);
    if (!rows)
        return rows.error();
    QSet<QByteArray> known;
    known.reserve(rows->size());
    for (const BlobRecord &b : *rows)
        known.insert(b.bid);
    const QSet<QByteArray> files(onDisk.cbegin(), onDisk.cend());
    BlobScan scan;
    for (const QByteArray &bid : files) {
        if (known.contains(bid))
            continue;
        if (Status s = removeFile(bid); !s)
            return s.error();
        ++scan.strayFiles;
    }
    for (const BlobRecord &b : *rows) {
        if (files.contains(b.bid))
            continue;
        if (b.complete) {
            ++scan.finishedWithoutFile;
        } else if (b.received > 0) {
            if (Status s = sql::apply(db.database(), u"UPDATE blobs SET received = 0 WHERE id = ?"_s, {b.id}, Failed); !s)
                return s.error();
            ++scan.uploadsRestarted;
        }
    }
    return scan;
}

Result<BlobUsage> BlobIndex::total(Db &db)
{
    return sql::queryOne<BlobUsage>(db.database(), u"SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT), COUNT(*) FROM blobs"_s, {}, Failed,
                                    [](const sql::Rows &row) {
                                        BlobUsage u;
                                        u.bytes = row.integer(0);
                                        u.blobs = row.integer(1);
                                        return u;
                                    },
                                    BlobUsage{});
}

Result<QList<BlobUsage>> BlobIndex::usage(Db &db, const std::optional<QString> &user)
{
    const QString statement = u"SELECT COALESCE(u.name, ''), CAST(SUM(b.size) AS BIGINT), COUNT(*) FROM blobs b "
                              u"LEFT JOIN users u ON u.id = b.user_id "_s
                              + (user ? u"WHERE u.name = ? "_s : QString())
                              + u"GROUP BY b.user_id, u.name ORDER BY SUM(b.size) DESC, u.name"_s;
    QVariantList binds;
    if (user)
        binds.append(*user);
    return sql::queryAll<BlobUsage>(db.database(), statement, sql::Binds(binds), Failed, [](const sql::Rows &row) {
        BlobUsage u;
        u.user = row.text(0);
        u.bytes = row.integer(1);
        u.blobs = row.integer(2);
        return u;
    });
}

} // namespace parley::server
