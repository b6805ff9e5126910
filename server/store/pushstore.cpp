#include "store/pushstore.h"

#include "crypto/p256key.h"
#include "store/store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qsizetype MaxEnqueueBatch = 500;   // ids per statement (SQLite allows many more; this keeps SQL small)

Error sqlError(const QSqlQuery &query, const QString &what)
{
    return makeError(ErrorCode::Database, what + u": "_s + query.lastError().text());
}

// Prepares and runs `sql` with positional arguments.
Result<QSqlQuery> run(Db &db, const QString &sql, const QVariantList &args, const QString &what)
{
    QSqlQuery query(db.database());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return sqlError(query, what);
    for (qsizetype i = 0; i < args.size(); ++i)
        query.bindValue(int(i), args.at(i));
    if (!query.exec())
        return sqlError(query, what);
    return query;
}

Result<PushKind> kindFromName(const QString &name)
{
    if (name == u"apns"_s)
        return PushKind::Apns;
    if (name == u"fcm"_s)
        return PushKind::Fcm;
    if (name == u"webpush"_s)
        return PushKind::WebPush;
    return makeError(ErrorCode::InvalidArgument, u"kind: expected apns, fcm or webpush"_s);
}

bool isHex(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    });
}

bool isTokenChars(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'-'
            || c == u'_' || c == u':' || c == u'.';
    });
}

Error badField(const QString &field, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, field + u": "_s + what);
}

} // namespace

QString pushKindName(PushKind kind)
{
    switch (kind) {
    case PushKind::Apns: return u"apns"_s;
    case PushKind::Fcm: return u"fcm"_s;
    case PushKind::WebPush: return u"webpush"_s;
    }
    return QString();
}

Result<PushToken> PushToken::make(const QString &kindName, const QString &token, const QString &topic,
                                  const QString &endpoint, const QByteArray &p256dh, const QByteArray &auth)
{
    const auto kind = kindFromName(kindName);
    if (!kind)
        return kind.error();
    PushToken t;
    t.kind = *kind;
    switch (t.kind) {
    case PushKind::Apns:
        if (!endpoint.isEmpty() || !p256dh.isEmpty() || !auth.isEmpty())
            return badField(u"endpoint"_s, u"only Web Push registrations have endpoint, p256dh and auth"_s);
        if (token.size() < 64 || token.size() > 200 || token.size() % 2 != 0 || !isHex(token))
            return badField(u"token"_s, u"an APNs device token is 64 to 200 hexadecimal digits"_s);
        if (!topic.isEmpty() && !isTokenChars(topic))
            return badField(u"topic"_s, u"an APNs topic is a bundle identifier ([A-Za-z0-9.-_])"_s);
        t.token = token.toLower();
        t.topic = topic;
        break;
    case PushKind::Fcm:
        if (!endpoint.isEmpty() || !p256dh.isEmpty() || !auth.isEmpty() || !topic.isEmpty())
            return badField(u"topic"_s, u"an FCM registration has only a token"_s);
        if (token.isEmpty() || !isTokenChars(token))
            return badField(u"token"_s, u"an FCM registration token is 1 to 4096 characters of [A-Za-z0-9-_:.]"_s);
        t.token = token;
        break;
    case PushKind::WebPush: {
        if (!token.isEmpty() || !topic.isEmpty())
            return badField(u"token"_s, u"a Web Push registration has endpoint, p256dh and auth instead"_s);
        const QUrl url(endpoint, QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || !url.userInfo().isEmpty()
            || url.hasFragment())
            return badField(u"endpoint"_s, u"expected an https URL (RFC 8030 push resource)"_s);
        if (p256dh.size() != crypto::P256PointSize || !crypto::P256Key::fromPublicPoint(p256dh))
            return badField(u"p256dh"_s, u"expected the subscription's P-256 public key (65-byte uncompressed point)"_s);
        if (auth.size() != 16)
            return badField(u"auth"_s, u"expected the subscription's 16-byte authentication secret"_s);
        t.token = url.toString(QUrl::FullyEncoded);
        t.p256dh = p256dh;
        t.auth = auth;
        break;
    }
    }
    return t;
}

Status PushStore::putToken(Db &db, qint64 deviceId, const PushToken &t, qint64 nowMs)
{
    const QString kind = pushKindName(t.kind);
    if (auto r = run(db, u"DELETE FROM push_tokens WHERE kind = ? AND token = ? AND device_id <> ?"_s,
                     {kind, t.token, deviceId}, u"cannot move a push token"_s);
        !r)
        return r.error();
    auto r = run(db,
                 u"INSERT INTO push_tokens (device_id, kind, token, topic, p256dh, auth, created_at, updated_at) "
                 u"VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET kind = excluded.kind, "
                 u"token = excluded.token, topic = excluded.topic, p256dh = excluded.p256dh, auth = excluded.auth, "
                 u"updated_at = excluded.updated_at"_s,
                 {deviceId, kind, t.token, t.topic.isEmpty() ? QVariant() : QVariant(t.topic),
                  t.p256dh.isEmpty() ? QVariant() : QVariant(t.p256dh), t.auth.isEmpty() ? QVariant() : QVariant(t.auth),
                  nowMs, nowMs},
                 u"cannot store a push token"_s);
    if (!r)
        return r.error();
    return {};
}

Result<bool> PushStore::removeToken(Db &db, qint64 deviceId)
{
    if (auto r = run(db, u"DELETE FROM push_queue WHERE device_id = ? AND state = 'pending'"_s, {deviceId},
                     u"cannot remove pending pushes"_s);
        !r)
        return r.error();
    auto r = run(db, u"DELETE FROM push_tokens WHERE device_id = ?"_s, {deviceId}, u"cannot remove a push token"_s);
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<bool> PushStore::removeTokenIfUnchanged(Db &db, qint64 deviceId, const PushToken &t)
{
    auto r = run(db, u"DELETE FROM push_tokens WHERE device_id = ? AND kind = ? AND token = ?"_s,
                 {deviceId, pushKindName(t.kind), t.token}, u"cannot remove a push token"_s);
    if (!r)
        return r.error();
    if (r->numRowsAffected() == 0)
        return false;
    if (auto q = run(db, u"DELETE FROM push_queue WHERE device_id = ? AND state = 'pending'"_s, {deviceId},
                     u"cannot remove pending pushes"_s);
        !q)
        return q.error();
    return true;
}

Result<int> PushStore::enqueue(Db &db, const QList<qint64> &deviceIds, qint64 nowMs, qint64 delayMs, qint64 minIntervalMs)
{
    int added = 0;
    for (qsizetype start = 0; start < deviceIds.size(); start += MaxEnqueueBatch) {
        const qsizetype n = std::min(MaxEnqueueBatch, deviceIds.size() - start);
        QString ids;
        ids.reserve(n * 8);
        for (qsizetype i = 0; i < n; ++i) {
            if (i)
                ids += u',';
            ids += QString::number(deviceIds.at(start + i));   // integers only: nothing to escape
        }
        // The partial unique index push_queue_pending makes OR IGNORE skip devices with a wake-up pending.
        auto r = run(db,
                     u"INSERT OR IGNORE INTO push_queue (device_id, state, attempts, next_attempt_at, created_at) "
                     u"SELECT device_id, 'pending', 0, MAX(?, last_push_at + ?), ? FROM push_tokens "
                     u"WHERE device_id IN (%1)"_s.arg(ids),
                     {nowMs + delayMs, minIntervalMs, nowMs}, u"cannot queue a push"_s);
        if (!r)
            return r.error();
        added += r->numRowsAffected();
    }
    return added;
}

Result<QList<PushJob>> PushStore::due(Db &db, qint64 nowMs, int limit)
{
    auto r = run(db,
                 u"SELECT q.id, q.device_id, q.attempts, q.created_at, t.kind, t.token, t.topic, t.p256dh, t.auth "
                 u"FROM push_queue q JOIN push_tokens t ON t.device_id = q.device_id "
                 u"JOIN devices d ON d.id = q.device_id "
                 u"WHERE q.state = 'pending' AND q.next_attempt_at <= ? AND d.revoked = 0 "
                 u"ORDER BY q.next_attempt_at, q.id LIMIT ?"_s,
                 {nowMs, limit}, u"cannot read pending pushes"_s);
    if (!r)
        return r.error();
    QList<PushJob> jobs;
    QSqlQuery &q = *r;
    while (q.next()) {
        const auto kind = kindFromName(q.value(4).toString());
        if (!kind)
            continue;   // written by this code only; a foreign value is ignored rather than sent anywhere
        PushJob job;
        job.id = q.value(0).toLongLong();
        job.deviceId = q.value(1).toLongLong();
        job.attempts = q.value(2).toInt();
        job.createdAt = q.value(3).toLongLong();
        job.token.kind = *kind;
        job.token.token = q.value(5).toString();
        job.token.topic = q.value(6).toString();
        job.token.p256dh = q.value(7).toByteArray();
        job.token.auth = q.value(8).toByteArray();
        jobs.append(job);
    }
    if (q.lastError().isValid())
        return sqlError(q, u"cannot read pending pushes"_s);
    return jobs;
}

Result<qint64> PushStore::nextDue(Db &db)
{
    auto r = run(db, u"SELECT MIN(next_attempt_at) FROM push_queue WHERE state = 'pending'"_s, {},
                 u"cannot read pending pushes"_s);
    if (!r)
        return r.error();
    if (!r->next())
        return qint64(0);
    return r->value(0).isNull() ? qint64(0) : r->value(0).toLongLong();
}

Result<qint64> PushStore::pendingCount(Db &db)
{
    auto r = run(db, u"SELECT COUNT(*) FROM push_queue WHERE state = 'pending'"_s, {}, u"cannot count pending pushes"_s);
    if (!r)
        return r.error();
    return r->next() ? r->value(0).toLongLong() : qint64(0);
}

Result<qint64> PushStore::deadCount(Db &db)
{
    auto r = run(db, u"SELECT COUNT(*) FROM push_queue WHERE state = 'dead'"_s, {}, u"cannot count dead-lettered pushes"_s);
    if (!r)
        return r.error();
    return r->next() ? r->value(0).toLongLong() : qint64(0);
}

Status PushStore::delivered(Db &db, const PushJob &job, qint64 nowMs)
{
    if (auto r = run(db, u"DELETE FROM push_queue WHERE id = ?"_s, {job.id}, u"cannot finish a push"_s); !r)
        return r.error();
    if (auto r = run(db, u"UPDATE push_tokens SET last_push_at = ? WHERE device_id = ?"_s, {nowMs, job.deviceId},
                     u"cannot record a push"_s);
        !r)
        return r.error();
    return {};
}

Status PushStore::reschedule(Db &db, qint64 jobId, int attempts, qint64 nextAttemptMs, const QString &error)
{
    auto r = run(db, u"UPDATE push_queue SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?"_s,
                 {attempts, nextAttemptMs, error, jobId}, u"cannot reschedule a push"_s);
    if (!r)
        return r.error();
    return {};
}

Status PushStore::deadLetter(Db &db, qint64 jobId, int attempts, const QString &error)
{
    auto r = run(db, u"UPDATE push_queue SET state = 'dead', attempts = ?, last_error = ? WHERE id = ?"_s,
                 {attempts, error, jobId}, u"cannot dead-letter a push"_s);
    if (!r)
        return r.error();
    return {};
}

Status PushStore::drop(Db &db, qint64 jobId)
{
    auto r = run(db, u"DELETE FROM push_queue WHERE id = ?"_s, {jobId}, u"cannot drop a push"_s);
    if (!r)
        return r.error();
    return {};
}

Result<int> PushStore::purgeDead(Db &db, qint64 cutoffMs)
{
    auto r = run(db, u"DELETE FROM push_queue WHERE state = 'dead' AND created_at < ?"_s, {cutoffMs},
                 u"cannot purge dead pushes"_s);
    if (!r)
        return r.error();
    return r->numRowsAffected();
}

} // namespace parley::server
