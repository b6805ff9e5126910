// Db: the users' recovery bundles.

#include "store/db.h"

#include "store/connection.h"

using namespace Qt::StringLiterals;

namespace parley::server {

Result<QByteArray> Db::recovery(qint64 userId)
{
    return d->one<QByteArray>(RecoveryOfUser, {userId}, u"recovery lookup",
                              [](const sql::Rows &row) { return row.bytes(0); }, QByteArray());
}

Status Db::putRecovery(qint64 userId, const QByteArray &blobValue)
{
    if (Status s = d->exists(UserById, {userId}, u"user lookup", makeError(ErrorCode::NotFound, u"no such user"_s)); !s)
        return s;
    if (blobValue.isEmpty())
        return d->run(DeleteRecovery, {userId});
    return d->run(UpsertRecovery, {userId, sql::blob(blobValue), sql::nowMs()});
}

} // namespace parley::server
