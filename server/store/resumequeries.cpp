// Db: resumption credentials (docs/protocol.md "Resumed login"). Only their SHA-256 is stored, one per device.

#include "store/db.h"

#include "store/connection.h"

using namespace Qt::StringLiterals;

namespace parley::server {

Result<std::optional<StoredResume>> Db::resumeCredential(qint64 deviceId)
{
    return d->one<std::optional<StoredResume>>(
        ResumeOfDevice, {deviceId}, u"resumption credential lookup",
        [](const sql::Rows &row) { return std::optional(StoredResume{row.bytes(0), row.integer(1)}); },
        std::optional<StoredResume>());
}

Status Db::putResumeCredential(qint64 deviceId, qint64 userId, const QByteArray &hash, qint64 issuedAt, qint64 expiresAt)
{
    if (hash.size() != 32)
        return makeError(ErrorCode::InvalidArgument, u"a resumption credential is stored as its SHA-256"_s);
    return d->run(UpsertResume, {deviceId, userId, sql::blob(hash), issuedAt, expiresAt});
}

Result<int> Db::revokeResumeCredentials(qint64 userId)
{
    return d->change(DeleteResumeOfUser, {userId});
}

Result<int> Db::revokeResumeCredential(qint64 deviceId)
{
    return d->change(DeleteResumeOfDevice, {deviceId});
}

Result<int> Db::purgeResumeCredentials(qint64 nowMs)
{
    return d->change(PurgeResume, {nowMs});
}

} // namespace parley::server
