#include "store/pushstore.h"

#include "crypto/p256key.h"
#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QUrl>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qsizetype MaxEnqueueBatch = 500;   // ids per statement (SQLite allows many more; this keeps SQL small)

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
    if (Status s = sql::apply(db.database(), u"DELETE FROM push_tokens WHERE kind = ? AND token = ? AND device_id <> ?"_s,
                              {kind, t.token, deviceId}, u"cannot move a push token");
        !s)
        return s;
    return sql::apply(db.database(),
                      u"INSERT INTO push_tokens (device_id, kind, token, topic, p256dh, auth, created_at, updated_at) "
                      u"VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET kind = excluded.kind, "
                      u"token = excluded.token, topic = excluded.topic, p256dh = excluded.p256dh, auth = excluded.auth, "
                      u"updated_at = excluded.updated_at"_s,
                      {deviceId, kind, t.token, t.topic.isEmpty() ? QVariant() : QVariant(t.topic),
                       t.p256dh.isEmpty() ? QVariant() : QVariant(t.p256dh),
                       t.auth.isEmpty() ? QVariant() : QVariant(t.auth), nowMs, nowMs},
                      u"cannot store a push token");
}

namespace {
Status removePending(Db &db, qint64 deviceId)
{
    return sql::apply(db.database(), u"DELETE FROM push_queue WHERE device_id = ? AND state = 'pending'"_s, {deviceId},
                      u"cannot remove pending pushes");
}

qint64 readCount(const sql::Rows &row)
{
    return row.integer(0);
}
} // namespace

Result<bool> PushStore::removeToken(Db &db, qint64 deviceId)
{
    if (Status s = removePending(db, deviceId); !s)
        return s.error();
    const Result<int> removed = sql::change(db.database(), u"DELETE FROM push_tokens WHERE device_id = ?"_s, {deviceId},
                                            u"cannot remove a push token");
    if (!removed)
        return removed.error();
    return *removed > 0;
}

Result<bool> PushStore::removeTokenIfUnchanged(Db &db, qint64 deviceId, const PushToken &t)
{
    const Result<int> removed = sql::change(db.database(),
                                            u"DELETE FROM push_tokens WHERE device_id = ? AND kind = ? AND token = ?"_s,
                                            {deviceId, pushKindName(t.kind), t.token}, u"cannot remove a push token");
    if (!removed)
        return removed.error();
    if (*removed == 0)
        return false;
    if (Status s = removePending(db, deviceId); !s)
        return s.error();
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
        // The partial unique index push_queue_pending makes DO NOTHING skip devices with a wake-up pending. The next
        // attempt is the later of the delay and the minimum interval since the last wake-up.
        const Result<int> queued =
            sql::change(db.database(),
                        u"INSERT INTO push_queue (device_id, state, attempts, next_attempt_at, created_at) "
                        u"SELECT device_id, 'pending', 0, CASE WHEN last_push_at + ? > ? THEN last_push_at + ? ELSE ? END, ? "
                        u"FROM push_tokens WHERE device_id IN (%1) ON CONFLICT DO NOTHING"_s.arg(ids),
                        {minIntervalMs, nowMs + delayMs, minIntervalMs, nowMs + delayMs, nowMs}, u"cannot queue a push");
        if (!queued)
            return queued.error();
        added += *queued;
    }
    return added;
}

Result<QList<PushJob>> PushStore::due(Db &db, qint64 nowMs, int limit)
{
    const Result<QList<std::optional<PushJob>>> rows = sql::queryAll<std::optional<PushJob>>(
        db.database(),
        u"SELECT q.id, q.device_id, q.attempts, q.created_at, t.kind, t.token, t.topic, t.p256dh, t.auth "
        u"FROM push_queue q JOIN push_tokens t ON t.device_id = q.device_id "
        u"JOIN devices d ON d.id = q.device_id "
        u"WHERE q.state = 'pending' AND q.next_attempt_at <= ? AND d.revoked = 0 "
        u"ORDER BY q.next_attempt_at, q.id LIMIT ?"_s,
        {nowMs, limit}, u"cannot read pending pushes", [](const sql::Rows &row) -> std::optional<PushJob> {
            const auto kind = kindFromName(row.text(4));
            if (!kind)
                return std::nullopt;   // written by this code only; a foreign value is ignored rather than sent anywhere
            PushJob job;
            job.id = row.integer(0);
            job.deviceId = row.integer(1);
            job.attempts = int(row.integer(2));
            job.createdAt = row.integer(3);
            job.token.kind = *kind;
            job.token.token = row.text(5);
            job.token.topic = row.text(6);
            job.token.p256dh = row.bytes(7);
            job.token.auth = row.bytes(8);
            return job;
        });
    if (!rows)
        return rows.error();
    QList<PushJob> jobs;
    for (const std::optional<PushJob> &job : *rows) {
        if (job)
            jobs.append(*job);
    }
    return jobs;
}

Result<qint64> PushStore::nextDue(Db &db)
{
    return sql::queryOne<qint64>(db.database(), u"SELECT MIN(next_attempt_at) FROM push_queue WHERE state = 'pending'"_s,
                                 {}, u"cannot read pending pushes", readCount, qint64(0));
}

Result<qint64> PushStore::pendingCount(Db &db)
{
    return sql::queryOne<qint64>(db.database(), u"SELECT COUNT(*) FROM push_queue WHERE state = 'pending'"_s, {},
                                 u"cannot count pending pushes", readCount, qint64(0));
}

Result<qint64> PushStore::deadCount(Db &db)
{
    return sql::queryOne<qint64>(db.database(), u"SELECT COUNT(*) FROM push_queue WHERE state = 'dead'"_s, {},
                                 u"cannot count dead-lettered pushes", readCount, qint64(0));
}

Status PushStore::delivered(Db &db, const PushJob &job, qint64 nowMs)
{
    if (Status s = sql::apply(db.database(), u"DELETE FROM push_queue WHERE id = ?"_s, {job.id}, u"cannot finish a push");
        !s)
        return s;
    return sql::apply(db.database(), u"UPDATE push_tokens SET last_push_at = ? WHERE device_id = ?"_s,
                      {nowMs, job.deviceId}, u"cannot record a push");
}

Status PushStore::reschedule(Db &db, qint64 jobId, int attempts, qint64 nextAttemptMs, const QString &error)
{
    return sql::apply(db.database(), u"UPDATE push_queue SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?"_s,
                      {attempts, nextAttemptMs, error, jobId}, u"cannot reschedule a push");
}

Status PushStore::deadLetter(Db &db, qint64 jobId, int attempts, const QString &error)
{
    return sql::apply(db.database(), u"UPDATE push_queue SET state = 'dead', attempts = ?, last_error = ? WHERE id = ?"_s,
                      {attempts, error, jobId}, u"cannot dead-letter a push");
}

Status PushStore::drop(Db &db, qint64 jobId)
{
    return sql::apply(db.database(), u"DELETE FROM push_queue WHERE id = ?"_s, {jobId}, u"cannot drop a push");
}

Result<int> PushStore::purgeDead(Db &db, qint64 cutoffMs)
{
    return sql::change(db.database(), u"DELETE FROM push_queue WHERE state = 'dead' AND created_at < ?"_s, {cutoffMs},
                       u"cannot purge dead pushes");
}

} // namespace parley::server
