#include "admin/filecalls.h"

#include "protocol/adminprotocol.h"
#include "protocol/frame.h"
#include "store/blobindex.h"
#include "store/db.h"
#include "store/store.h"

#include <QCborArray>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// The largest value either limit takes: 1 PiB.
constexpr qint64 MaxLimitBytes = qint64(1) << 50;

QCborMap showMap(const FileLimits &limits, const BlobUsage &total)
{
    QCborMap m;
    m.insert("max_file"_L1, limits.maxFile);
    m.insert("user_quota"_L1, limits.userQuota);
    m.insert("total_bytes"_L1, total.bytes);
    m.insert("blobs"_L1, total.blobs);
    return m;
}

} // namespace

const QList<AdminCall<FileCalls>> &FileCalls::calls()
{
    static const QList<AdminCall<FileCalls>> calls = {
        {"files.show"_L1, &FileCalls::handleFilesShow},
        {"files.set"_L1, &FileCalls::handleFilesSet},
        {"files.usage"_L1, &FileCalls::handleFilesUsage},
    };
    return calls;
}

void FileCalls::handleFilesShow(const AdminRequestPtr &r)
{
    Db &db = m_ctx.store()->reader();
    const auto limits = BlobIndex::limits(db, m_ctx.config().files);
    if (!limits)
        return m_ctx.reply(r, limits.error());
    const auto total = BlobIndex::total(db);
    if (!total)
        return m_ctx.reply(r, total.error());
    m_ctx.reply(r, showMap(*limits, *total));
}

// Applied live: the next blob_start reads the limits in the store's writer. Uploads already started keep going.
void FileCalls::handleFilesSet(const AdminRequestPtr &r)
{
    const QCborMap args = r->args;
    if (args.isEmpty())
        return m_ctx.fail(r, protocol::admin::errors::InvalidArgument, u"give max_file, user_quota or both"_s);
    for (const QLatin1StringView key : {"max_file"_L1, "user_quota"_L1}) {
        if (!args.contains(key))
            continue;
        const qint64 value = args.value(key).toInteger();
        if (value < 1 || value > MaxLimitBytes)
            return m_ctx.fail(r, protocol::admin::errors::InvalidArgument,
                              u"%1: expected 1 to %2 bytes"_s.arg(key).arg(MaxLimitBytes));
    }
    const FileLimits defaults = m_ctx.config().files;
    m_ctx.write(r, [args, defaults](Db &db) -> Result<QCborMap> {
        auto limits = BlobIndex::limits(db, defaults);
        if (!limits)
            return limits.error();
        if (args.contains("max_file"_L1))
            limits->maxFile = args.value("max_file"_L1).toInteger();
        if (args.contains("user_quota"_L1))
            limits->userQuota = args.value("user_quota"_L1).toInteger();
        if (Status s = BlobIndex::setLimits(db, limits->maxFile, limits->userQuota, QDateTime::currentMSecsSinceEpoch()); !s)
            return s.error();
        const auto total = BlobIndex::total(db);
        if (!total)
            return total.error();
        return showMap(*limits, *total);
    });
}

void FileCalls::handleFilesUsage(const AdminRequestPtr &r)
{
    std::optional<QString> user;
    if (r->args.contains("user"_L1)) {
        user = r->args.value("user"_L1).toString();
        if (!protocol::isValidUserName(*user))
            return m_ctx.fail(r, protocol::admin::errors::InvalidArgument, u"user: expected a user name"_s);
    }
    const auto usage = BlobIndex::usage(m_ctx.store()->reader(), user);
    if (!usage)
        return m_ctx.reply(r, usage.error());
    QCborArray users;
    for (const BlobUsage &u : *usage) {
        QCborMap m;
        m.insert("user"_L1, u.user);
        m.insert("bytes"_L1, u.bytes);
        m.insert("blobs"_L1, u.blobs);
        users.append(m);
    }
    QCborMap m;
    m.insert("users"_L1, users);
    m_ctx.reply(r, m);
}

} // namespace parley::server
