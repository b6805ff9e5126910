#include "admin/statuswarnings.h"

#include "metrics/filesystem.h"
#include "store/store.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>

#include <sys/stat.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;
constexpr qint64 PushReadingSpacingMs = 5000;
// PushMetrics' order of providers and outcomes.
const std::array<QString, 3> PushProviders{u"apns"_s, u"fcm"_s, u"webpush"_s};
const std::array<QString, 3> PushProviderNames{u"APNs"_s, u"FCM"_s, u"Web Push"_s};

QString day(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd"_s);
}

QString bytes(quint64 n)
{
    return QLocale::c().formattedDataSize(qint64(n), 1);
}

QString plural(qint64 n, const QString &one, const QString &many)
{
    return u"%1 %2"_s.arg(n).arg(n == 1 ? one : many);
}

} // namespace

StatusWarnings::StatusWarnings(AdminContext &ctx, Sources sources) : m_ctx(ctx), m_sources(std::move(sources)) {}

QCborArray StatusWarnings::evaluate()
{
    const qint64 now = AdminContext::now();
    QList<Found> found;
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_ctx.config().certificateFile);
    if (!chain.isEmpty())
        certificate(found, u"device"_s, chain.first(), now);
    if (m_sources.adminCertificate) {
        if (const QSslCertificate own = m_sources.adminCertificate(); !own.isNull())
            certificate(found, u"admin"_s, own, now);
    }
    disk(found);
    push(found, now);
    storage(found);
    stalls(found);
    directory(found);

    QHash<QString, qint64> since;
    for (const Found &f : std::as_const(found))
        since.insert(f.key, m_since.value(f.key, now));
    m_since = since;
    std::stable_sort(found.begin(), found.end(), [&since](const Found &a, const Found &b) {
        if (a.critical != b.critical)
            return a.critical;
        return since.value(a.key) < since.value(b.key);
    });
    QCborArray out;
    for (const Found &f : std::as_const(found)) {
        QCborMap m = f.details;
        m.insert("code"_L1, f.code);
        m.insert("severity"_L1, f.critical ? u"critical"_s : u"warning"_s);
        m.insert("message"_L1, f.message);
        m.insert("since"_L1, since.value(f.key));
        out.append(m);
    }
    return out;
}

// The device listener's certificate, and the admin listener's own when it has one: within 30 days of its expiry a
// warning, within 7 days or past it critical.
void StatusWarnings::certificate(QList<Found> &out, const QString &listener, const QSslCertificate &c, qint64 now) const
{
    const qint64 expires = c.expiryDate().toMSecsSinceEpoch();
    if (expires - now >= CertificateWarningDays * DayMs)
        return;
    const qint64 daysLeft = expires > now ? (expires - now) / DayMs : -((now - expires + DayMs - 1) / DayMs);
    const QString whose = listener == u"admin"_s ? u"The admin listener's own TLS certificate"_s
                                                 : u"The TLS certificate of the device listener"_s;
    const QString action = listener == u"admin"_s
        ? u"replace the files [admin] certificate and private_key name and reload them (Certificates)"_s
        : u"install a new one (Certificates)"_s;
    Found f;
    f.key = u"certificate_expiring/"_s + listener;
    f.code = u"certificate_expiring"_s;
    f.critical = expires - now < CertificateCriticalDays * DayMs;
    f.message = expires <= now
        ? u"%1 expired on %2: clients refuse it; %3."_s.arg(whose, day(expires), action)
        : u"%1 expires in %2 (%3); %4."_s.arg(whose, plural(daysLeft, u"day"_s, u"days"_s), day(expires), action);
    f.details.insert("listener"_L1, listener);
    f.details.insert("days_left"_L1, daysLeft);
    f.details.insert("expires_at"_L1, expires);
    out.append(f);
}

// The file system of the data directory, and that of the attachments' directory when it is another ([files]
// directory, a shared mount with several nodes): under 10 % or 2 GiB available a warning, under 3 % or 512 MiB
// critical.
void StatusWarnings::disk(QList<Found> &out) const
{
    const QString dataDir = m_ctx.config().dataDir;
    const QString blobs = m_ctx.config().blobsDirectory;
    struct stat dataStat{};
    struct stat blobsStat{};
    const bool separate = !blobs.isEmpty() && ::stat(QFile::encodeName(blobs).constData(), &blobsStat) == 0
                          && (::stat(QFile::encodeName(dataDir).constData(), &dataStat) != 0 || dataStat.st_dev != blobsStat.st_dev);
    const std::pair<QString, QString> places[] = {{dataDir, u"data directory"_s}, {blobs, u"attachments' directory"_s}};
    for (const auto &[path, what] : places) {
        if (path == blobs && !separate)
            continue;
        const std::optional<metrics::FileSystemSpace> space = metrics::fileSystemSpace(path);
        if (!space || space->totalBytes == 0)
            continue;
        const quint64 available = space->availableBytes;
        const quint64 total = space->totalBytes;
        const bool critical = available * 100 < total * DiskCriticalPercent || available < DiskCriticalBytes;
        if (!critical && available * 100 >= total * DiskWarningPercent && available >= DiskWarningBytes)
            continue;
        Found f;
        f.key = path == dataDir ? u"disk_low"_s : u"disk_low_files"_s;
        f.code = u"disk_low"_s;
        f.critical = critical;
        f.message = u"The file system of the %1 %2 has %3 free of %4 (%5 %); free space or enlarge it before "
                    u"writes fail (Files)."_s
                        .arg(what, path, bytes(available), bytes(total)).arg(available * 100 / total);
        f.details.insert("free_bytes"_L1, qint64(available));
        f.details.insert("total_bytes"_L1, qint64(total));
        f.details.insert("path"_L1, path);
        out.append(f);
    }
}

// Per provider, over the last 15 minutes: wake-ups that failed (retried or dead-lettered) and none the provider
// answered (sent, or a token it said is gone), or any wake-up given up (dead-lettered). From the push metrics: what
// they count now less what they counted 15 minutes ago (0 when the server has run for less).
void StatusWarnings::push(QList<Found> &out, qint64 now)
{
    const PushMetrics &metrics = m_ctx.host()->metrics().push;
    PushReading current{now, {}};
    for (size_t p = 0; p < current.counts.size(); ++p) {
        for (size_t o = 0; o < current.counts[p].size(); ++o)
            current.counts[p][o] = metrics.outcomes[p][o].value();
    }
    if (m_pushReadings.empty() || now - m_pushReadings.back().at >= PushReadingSpacingMs)
        m_pushReadings.push_back(current);
    while (m_pushReadings.size() >= 2 && m_pushReadings[1].at <= now - PushWindowMs)
        m_pushReadings.pop_front();
    const PushReading baseline = m_pushReadings.front().at <= now - PushWindowMs ? m_pushReadings.front() : PushReading{};
    const auto delta = [&](size_t p, PushMetrics::Outcome o) {
        return qint64(current.counts[p][size_t(o)] - baseline.counts[p][size_t(o)]);
    };
    for (size_t p = 0; p < PushProviders.size(); ++p) {
        const qint64 deadLettered = delta(p, PushMetrics::Outcome::DeadLettered);
        const qint64 failures = delta(p, PushMetrics::Outcome::Retried) + deadLettered;
        const qint64 answered = delta(p, PushMetrics::Outcome::Sent) + delta(p, PushMetrics::Outcome::TokenRemoved);
        if (!(failures > 0 && answered == 0) && deadLettered == 0)
            continue;
        Found f;
        f.key = u"push_failing/"_s + PushProviders[p];
        f.code = u"push_failing"_s;
        const QString given = deadLettered > 0 ? u", %1 given up"_s.arg(deadLettered) : QString();
        f.message = answered == 0
            ? u"Push wake-ups through %1 are failing: %2%3 and none delivered in the last 15 minutes; check the "
              u"credentials, the provider's status and the network or messaging proxy (Push)."_s
                  .arg(PushProviderNames[p], plural(failures, u"failure"_s, u"failures"_s), given)
            : u"Push wake-ups through %1 were given up in the last 15 minutes (%2 of %3 failed attempts); check the "
              u"credentials and the devices' tokens (Push)."_s
                  .arg(PushProviderNames[p]).arg(deadLettered).arg(failures);
        f.details.insert("provider"_L1, PushProviders[p]);
        f.details.insert("failures"_L1, failures);
        f.details.insert("dead_lettered"_L1, deadLettered);
        out.append(f);
    }
}

// The database writer: the last group commit failed (critical), or its queue is over half full (a warning).
void StatusWarnings::storage(QList<Found> &out) const
{
    Store *store = m_ctx.store();
    const qint64 queued = qint64(store->queuedWrites());
    const qint64 limit = m_ctx.config().writeQueueLimit;
    const auto details = [&](Found &f, const QString &reason) {
        f.code = u"storage_failing"_s;
        f.details.insert("reason"_L1, reason);
        f.details.insert("write_queue"_L1, queued);
        f.details.insert("write_queue_limit"_L1, limit);
    };
    if (store->storageFailing() || store->lastCommitFailed()) {
        Found f;
        f.key = u"storage_failing/commit"_s;
        f.critical = true;
        if (store->storageFailing()) {
            f.message = u"The storage under the database is failing (disk full, an I/O error or a read-only file "
                        u"system) and every write is refused; free space or repair the file system, and the server "
                        u"recovers by itself (Events)."_s;
            details(f, u"storage"_s);
        } else {
            f.message = u"The database's last group commit failed and its writes were refused; the parley.store lines "
                        u"of the event log say why (Events)."_s;
            details(f, u"commit"_s);
        }
        out.append(f);
    }
    if (limit > 0 && queued * 2 > limit) {
        Found f;
        f.key = u"storage_failing/queue"_s;
        f.message = u"%1 writes wait for the database writer, over half of the %2 [limits] write_queue allows; the "
                    u"disk does not keep up with the load, and once the queue is full sends are answered busy."_s
                        .arg(queued).arg(limit);
        details(f, u"write_queue"_s);
        out.append(f);
    }
}

// A thread of a node whose heartbeat has waited longer than the node's stall time (30 s), or another node of the
// cluster whose heartbeat is older than its lease without having stopped: critical.
void StatusWarnings::stalls(QList<Found> &out) const
{
    for (const NodeHealth &node : m_ctx.host()->nodes()) {
        if (!node.self && node.lost()) {
            Found f;
            f.key = u"node_stalled/%1"_s.arg(node.node);
            f.code = u"node_stalled"_s;
            f.critical = true;
            f.message = u"The node %1 has not written a heartbeat to the database for %2 s: it is down or cut off, and "
                        u"its devices count as offline until they connect to another node. Check the node (systemctl "
                        u"status parleyd there) and the load balancer's view of it."_s
                            .arg(node.node)
                            .arg(node.heartbeatAgeMs / 1000);
            f.details.insert("node"_L1, node.node);
            f.details.insert("last_heartbeat_at"_L1, node.heartbeatAt);
            f.details.insert("unanswered_seconds"_L1, node.heartbeatAgeMs / 1000);
            out.append(f);
        }
        for (const ThreadHeartbeat &t : node.threads) {
            if (node.stallAfterMs <= 0 || t.unansweredMs < node.stallAfterMs)
                continue;
            Found f;
            f.key = u"node_stalled/%1/%2"_s.arg(node.node, t.thread);
            f.code = u"node_stalled"_s;
            f.critical = true;
            f.message = u"The thread %1 of parleyd on %2 has not answered a heartbeat for %3 s, so what it serves "
                        u"hangs; keep the log for a bug report and restart parleyd (systemctl restart parleyd)."_s
                            .arg(t.thread, node.node).arg(t.unansweredMs / 1000);
            f.details.insert("node"_L1, node.node);
            f.details.insert("thread"_L1, t.thread);
            f.details.insert("unanswered_seconds"_L1, t.unansweredMs / 1000);
            f.details.insert("last_answer_at"_L1, t.lastAnswerAt);
            out.append(f);
        }
    }
}

// The last directory sync (or dry run) ended with an error: a warning, until a run succeeds or the directory is
// cleared.
void StatusWarnings::directory(QList<Found> &out) const
{
    if (!m_sources.directorySync)
        return;
    const std::optional<QCborMap> last = m_sources.directorySync();
    if (!last || last->isEmpty())
        return;
    const QString outcome = last->value("outcome"_L1).toString();
    if (outcome == u"ok"_s || outcome == u"conflict"_s)
        return;
    const QString error = last->value("error"_L1).toString();
    Found f;
    f.key = u"directory_sync_failed"_s;
    f.code = u"directory_sync_failed"_s;
    f.message = u"The last directory sync failed (%1); check the directory settings, its CA certificate and that the "
                u"directory answers, then sync again (Directory)."_s.arg(error);
    f.details.insert("error"_L1, error);
    f.details.insert("at"_L1, last->value("at"_L1).toInteger());
    out.append(f);
}

} // namespace parley::server
