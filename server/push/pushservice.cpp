#include "push/pushservice.h"

#include "push/apnsprovider.h"
#include "push/fcmprovider.h"
#include "store/pushstore.h"
#include "store/records.h"
#include "store/store.h"
#include "push/webpushprovider.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <atomic>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int SummaryIntervalMs = 10 * 1000;
constexpr int PurgeIntervalMs = 3600 * 1000;
constexpr int InFlightPollMs = 200;
constexpr qint64 MaxTimerMs = 3600 * 1000;
constexpr qint64 ClusterPollMs = 1000;      // how soon a wake-up another node queued goes out

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

struct PushService::Private {
    PushService *const q;
    const PushConfig config;    // as constructed: the queue's timing and limits, read from any thread
    PushConfig current;         // the providers' credentials and endpoints (main thread)
    Store &store;
    const OnlineCheck isOnline;
    PushMetrics *const metrics;   // null: not counted
    QNetworkAccessManager network;
    std::unique_ptr<ApnsProvider> apns;
    std::unique_ptr<FcmProvider> fcm;
    std::unique_ptr<WebPushProvider> webPush;
    QSet<qint64> inFlight;      // job ids sent (or being recorded) and not finished yet
    QHash<qint64, PushKind> awaiting;   // of those, the ones a provider still has to answer
    std::atomic_bool apnsOn{false};
    std::atomic_bool fcmOn{false};
    std::atomic_bool webPushOn{false};
    QTimer timer;
    QTimer summaryTimer;
    QTimer purgeTimer;
    bool running = false;
    bool sending = true;        // this node sends (setSending)
    OnlineCheck elsewhere;      // served by another node
    std::atomic_bool wakePosted{false};
    Counts total;
    Counts period;

    Private(PushService *service, const PushConfig &c, Store &s, OnlineCheck online, PushMetrics *m)
        : q(service), config(c), current(c), store(s), isOnline(std::move(online)), metrics(m)
    {
    }

    void publishEnabled()
    {
        apnsOn = bool(apns);
        fcmOn = bool(fcm);
        webPushOn = bool(webPush);
    }

    // A replaced provider takes its unanswered sends with it: those jobs are pending on disk and go out again.
    void forgetAwaiting(PushKind kind)
    {
        for (auto it = awaiting.begin(); it != awaiting.end();) {
            if (it.value() == kind) {
                inFlight.remove(it.key());
                it = awaiting.erase(it);
            } else {
                ++it;
            }
        }
    }

    PushProvider *providerFor(PushKind kind) const
    {
        switch (kind) {
        case PushKind::Apns: return apns.get();
        case PushKind::Fcm: return fcm.get();
        case PushKind::WebPush: return webPush.get();
        }
        return nullptr;
    }

    static PushMetrics::Provider metricsProvider(PushKind kind)
    {
        switch (kind) {
        case PushKind::Apns: return PushMetrics::Provider::Apns;
        case PushKind::Fcm: return PushMetrics::Provider::Fcm;
        case PushKind::WebPush: return PushMetrics::Provider::WebPush;
        }
        return PushMetrics::Provider::Apns;
    }

    qint64 expiresAt(const PushJob &job) const { return job.createdAt + qint64(config.deadAfterSeconds) * 1000; }

    qint64 backoffMs(int attempts, qint64 retryAfter) const
    {
        // Exponential: base * 2^(attempts - 1), capped; "equal jitter" keeps half and randomises the other half.
        qint64 delay = config.retryBaseMs;
        for (int i = 1; i < attempts && delay < config.retryMaxMs; ++i)
            delay *= 2;
        delay = std::min<qint64>(delay, config.retryMaxMs);
        delay = delay / 2 + qint64(QRandomGenerator::global()->bounded(quint64(delay / 2 + 1)));
        if (retryAfter >= 0)
            delay = std::max(delay, retryAfter);   // the provider's Retry-After is a floor
        return delay;
    }

    void pump()
    {
        if (!running || !sending)
            return;
        const qint64 now = nowMs();
        const int capacity = config.maxInFlight - int(inFlight.size());
        if (capacity > 0) {
            auto jobs = PushStore::due(store.reader(), now, capacity + int(inFlight.size()));
            if (!jobs) {
                qCWarning(lcPush) << "Reading pending pushes failed:" << jobs.error().message;
            } else {
                int left = capacity;
                for (const PushJob &job : std::as_const(*jobs)) {
                    if (inFlight.contains(job.id))
                        continue;
                    if (left-- <= 0)
                        break;
                    dispatch(job, now);
                }
            }
        }
        schedule(now);
    }

    void schedule(qint64 now)
    {
        if (!running)
            return;
        auto next = PushStore::nextDue(store.reader());
        if (!next) {
            qCWarning(lcPush) << "Reading pending pushes failed:" << next.error().message;
            timer.start(int(std::min<qint64>(config.retryBaseMs, MaxTimerMs)));
            return;
        }
        // With other nodes, wake-ups they queue come with no call here: look again every ClusterPollMs.
        const qint64 longest = elsewhere ? ClusterPollMs : MaxTimerMs;
        if (*next == 0) {
            if (elsewhere)
                timer.start(int(longest));
            else
                timer.stop();
            return;
        }
        qint64 delay = std::max<qint64>(0, *next - now);
        if (!inFlight.isEmpty())
            delay = std::max<qint64>(delay, InFlightPollMs);   // what is due may be the jobs in flight
        timer.start(int(std::min(delay, longest)));
    }

    void dispatch(const PushJob &job, qint64 now)
    {
        inFlight.insert(job.id);
        if (now >= expiresAt(job))
            return finish(job, PushOutcome::rejected(u"expired before it could be sent"_s));
        if (isOnline(job.deviceId) || (elsewhere && elsewhere(job.deviceId))) {
            // Connected now: the device fetches its queue itself.
            return record(job, PushMetrics::Outcome::SkippedOnline, [id = job.id](Db &db) { return PushStore::drop(db, id); },
                          [this] { ++period.skippedOnline; });
        }
        PushProvider *provider = providerFor(job.token.kind);
        if (!provider)
            return finish(job, PushOutcome::rejected(pushKindName(job.token.kind) + u" is not configured"_s));
        awaiting.insert(job.id, job.token.kind);
        provider->send(job, expiresAt(job), [this, job](PushOutcome outcome) {
            awaiting.remove(job.id);
            finish(job, outcome);
        });
    }

    // Applies `op` on the writer; once it is committed the outcome is counted (`counted`, and the metrics); then the
    // job leaves the in-flight set.
    void record(const PushJob &job, PushMetrics::Outcome outcome, std::function<Status(Db &)> op,
                std::function<void()> counted)
    {
        const qint64 id = job.id;
        const PushMetrics::Provider provider = metricsProvider(job.token.kind);
        store.write<bool>(
            q,
            [op = std::move(op)](Db &db) -> Result<bool> {
                if (Status s = op(db); !s)
                    return s.error();
                return true;
            },
            [this, id, provider, outcome, counted = std::move(counted)](Result<bool> r) {
                inFlight.remove(id);
                if (!r) {
                    qCWarning(lcPush) << "Recording a push outcome failed:" << r.error().message;
                } else {
                    counted();
                    if (metrics)
                        metrics->outcome(provider, outcome);
                }
                if (running)
                    pump();
            });
    }

    void finish(const PushJob &job, const PushOutcome &outcome)
    {
        if (!running)
            return;   // stopping: the entry stays pending on disk and is sent after the restart
        const QString kind = pushKindName(job.token.kind);
        const qint64 now = nowMs();
        switch (outcome.kind) {
        case PushOutcome::Kind::Delivered:
            qCDebug(lcPush).noquote() << kind << "wake-up sent";
            return record(job, PushMetrics::Outcome::Sent, [job, now](Db &db) { return PushStore::delivered(db, job, now); },
                          [this] { ++period.sent; });
        case PushOutcome::Kind::Retry: {
            const int attempts = job.attempts + 1;
            const qint64 next = now + backoffMs(attempts, outcome.retryAfterMs);
            if (next >= expiresAt(job)) {
                qCInfo(lcPush).noquote() << kind << "wake-up dead-lettered after" << attempts << "attempts:" << outcome.reason;
                return record(job, PushMetrics::Outcome::DeadLettered, [id = job.id, attempts, why = outcome.reason](Db &db) {
                    return PushStore::deadLetter(db, id, attempts, why);
                }, [this] { ++period.deadLettered; });
            }
            qCDebug(lcPush).noquote() << kind << "wake-up retried in" << (next - now) << "ms:" << outcome.reason;
            return record(job, PushMetrics::Outcome::Retried, [id = job.id, attempts, next, why = outcome.reason](Db &db) {
                return PushStore::reschedule(db, id, attempts, next, why);
            }, [this] { ++period.retried; });
        }
        case PushOutcome::Kind::Unregistered:
            qCInfo(lcPush).noquote() << kind << "token no longer valid, removed:" << outcome.reason;
            return record(job, PushMetrics::Outcome::TokenRemoved, [job](Db &db) -> Status {
                auto removed = PushStore::removeTokenIfUnchanged(db, job.deviceId, job.token);
                if (!removed)
                    return removed.error();
                return {};
            }, [this] { ++period.tokensRemoved; });
        case PushOutcome::Kind::Rejected:
            qCWarning(lcPush).noquote() << kind << "wake-up refused, dead-lettered:" << outcome.reason;
            return record(job, PushMetrics::Outcome::DeadLettered,
                          [id = job.id, attempts = job.attempts + 1, why = outcome.reason](Db &db) {
                return PushStore::deadLetter(db, id, attempts, why);
            }, [this] { ++period.deadLettered; });
        }
    }

    void logSummary()
    {
        const Counts &c = period;
        if (c.sent + c.retried + c.tokensRemoved + c.deadLettered + c.skippedOnline == 0)
            return;
        const qint64 pending = PushStore::pendingCount(store.reader()).valueOr(-1);
        qCInfo(lcPush).nospace() << "push outcomes: sent " << c.sent << ", retried " << c.retried << ", tokens removed "
                                 << c.tokensRemoved << ", dead-lettered " << c.deadLettered << ", skipped (online) "
                                 << c.skippedOnline << "; pending " << pending;
        total.sent += c.sent;
        total.retried += c.retried;
        total.tokensRemoved += c.tokensRemoved;
        total.deadLettered += c.deadLettered;
        total.skippedOnline += c.skippedOnline;
        period = Counts{};
    }
};

PushService::PushService(const PushConfig &config, Store &store, OnlineCheck isOnline, PushMetrics *metrics,
                         QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, config, store, std::move(isOnline), metrics))
{
    d->timer.setSingleShot(true);
    connect(&d->timer, &QTimer::timeout, this, [this] { d->pump(); });
    connect(&d->summaryTimer, &QTimer::timeout, this, [this] { d->logSummary(); });
    connect(&d->purgeTimer, &QTimer::timeout, this, [this] {
        const qint64 cutoff = nowMs() - qint64(d->config.deadRetentionDays) * 24 * 3600 * 1000;
        d->store.write<int>(this, [cutoff](Db &db) { return PushStore::purgeDead(db, cutoff); }, [](Result<int> r) {
            if (!r)
                qCWarning(lcPush) << "Purging dead-lettered pushes failed:" << r.error().message;
        });
    });
}

PushService::~PushService()
{
    stop();
}

namespace {

bool sameApns(const PushConfig &a, const PushConfig &b)
{
    return a.apnsKeyFile == b.apnsKeyFile && a.apnsKeyId == b.apnsKeyId && a.apnsTeamId == b.apnsTeamId
        && a.apnsTopic == b.apnsTopic && a.apnsEndpoint == b.apnsEndpoint;
}

bool sameFcm(const PushConfig &a, const PushConfig &b)
{
    return a.fcmServiceAccountFile == b.fcmServiceAccountFile && a.fcmEndpoint == b.fcmEndpoint
        && a.fcmTokenEndpoint == b.fcmTokenEndpoint;
}

bool sameWebPush(const PushConfig &a, const PushConfig &b)
{
    return a.vapidPrivateKeyFile == b.vapidPrivateKeyFile && a.vapidSubject == b.vapidSubject;
}

} // namespace

Status PushService::start()
{
    if (d->running)
        return {};
    if (Status s = d->current.validate(); !s)
        return s;
    if (d->current.apnsEnabled()) {
        auto p = ApnsProvider::create(&d->network, d->current, nullptr);
        if (!p)
            return p.error();
        d->apns = std::move(*p);
    }
    if (d->current.fcmEnabled()) {
        auto p = FcmProvider::create(&d->network, d->current, nullptr);
        if (!p)
            return p.error();
        d->fcm = std::move(*p);
    }
    if (d->current.webPushEnabled()) {
        auto p = WebPushProvider::create(&d->network, d->current, nullptr);
        if (!p)
            return p.error();
        d->webPush = std::move(*p);
    }
    d->publishEnabled();
    d->network.setProxy(d->config.proxy.value_or(QNetworkProxy(QNetworkProxy::NoProxy)));
    d->network.setAutoDeleteReplies(false);
    d->running = true;
    d->summaryTimer.start(SummaryIntervalMs);
    d->purgeTimer.start(PurgeIntervalMs);
    qCInfo(lcPush).nospace() << "push " << (d->current.enabled() ? "enabled" : "idle") << ": apns "
                             << (d->apns ? "on" : "off") << ", fcm " << (d->fcm ? "on" : "off") << ", webpush "
                             << (d->webPush ? "on" : "off") << (d->config.proxy ? ", through the proxy" : "");
    wake();
    return {};
}

Status PushService::reconfigure(const PushConfig &credentials)
{
    if (!d->running)
        return makeError(ErrorCode::Unavailable, u"the push service is not running"_s);
    PushConfig next = d->config;
    next.apnsEndpoint = credentials.apnsEndpoint;
    next.apnsKeyFile = credentials.apnsKeyFile;
    next.apnsKeyId = credentials.apnsKeyId;
    next.apnsTeamId = credentials.apnsTeamId;
    next.apnsTopic = credentials.apnsTopic;
    next.fcmEndpoint = credentials.fcmEndpoint;
    next.fcmTokenEndpoint = credentials.fcmTokenEndpoint;
    next.fcmServiceAccountFile = credentials.fcmServiceAccountFile;
    next.vapidPrivateKeyFile = credentials.vapidPrivateKeyFile;
    next.vapidSubject = credentials.vapidSubject;
    if (Status s = next.validate(); !s)
        return s;

    // Everything new is built before anything is replaced.
    const bool apnsChanged = !sameApns(next, d->current) || (next.apnsEnabled() && !d->apns);
    const bool fcmChanged = !sameFcm(next, d->current) || (next.fcmEnabled() && !d->fcm);
    const bool webPushChanged = !sameWebPush(next, d->current) || (next.webPushEnabled() && !d->webPush);
    std::unique_ptr<ApnsProvider> apns;
    std::unique_ptr<FcmProvider> fcm;
    std::unique_ptr<WebPushProvider> webPush;
    if (apnsChanged && next.apnsEnabled()) {
        auto p = ApnsProvider::create(&d->network, next, nullptr);
        if (!p)
            return p.error();
        apns = std::move(*p);
    }
    if (fcmChanged && next.fcmEnabled()) {
        auto p = FcmProvider::create(&d->network, next, nullptr);
        if (!p)
            return p.error();
        fcm = std::move(*p);
    }
    if (webPushChanged && next.webPushEnabled()) {
        auto p = WebPushProvider::create(&d->network, next, nullptr);
        if (!p)
            return p.error();
        webPush = std::move(*p);
    }
    if (apnsChanged) {
        d->apns = std::move(apns);
        d->forgetAwaiting(PushKind::Apns);
    }
    if (fcmChanged) {
        d->fcm = std::move(fcm);
        d->forgetAwaiting(PushKind::Fcm);
    }
    if (webPushChanged) {
        d->webPush = std::move(webPush);
        d->forgetAwaiting(PushKind::WebPush);
    }
    d->current = next;
    d->publishEnabled();
    if (apnsChanged || fcmChanged || webPushChanged) {
        qCInfo(lcPush).nospace() << "push providers reconfigured: apns " << (d->apns ? "on" : "off") << ", fcm "
                                 << (d->fcm ? "on" : "off") << ", webpush " << (d->webPush ? "on" : "off");
    }
    wake();
    return {};
}

PushConfig PushService::currentConfig() const
{
    return d->current;
}

PushService::Details PushService::details() const
{
    Details details;
    if (d->fcm) {
        details.fcmProjectId = d->fcm->projectId();
        details.fcmClientEmail = d->fcm->clientEmail();
    }
    if (d->webPush)
        details.vapidPublicKey = d->webPush->publicKey();
    return details;
}

void PushService::stop()
{
    if (!d->running)
        return;
    d->logSummary();
    d->running = false;
    d->timer.stop();
    d->summaryTimer.stop();
    d->purgeTimer.stop();
    // Providers go first: replies still running are aborted without reaching them.
    d->apns.reset();
    d->fcm.reset();
    d->webPush.reset();
    d->publishEnabled();
    d->inFlight.clear();
    d->awaiting.clear();
}

void PushService::setProxy(const QNetworkProxy &proxy)
{
    d->network.setProxy(proxy);
    // Connections made before through another route are not reused.
    d->network.clearConnectionCache();
}

bool PushService::supports(const QString &kind) const
{
    if (kind == u"apns"_s)
        return d->apnsOn;
    if (kind == u"fcm"_s)
        return d->fcmOn;
    if (kind == u"webpush"_s)
        return d->webPushOn;
    return false;
}

Status PushService::checkWebPushEndpoint(const QUrl &endpoint) const
{
    return d->config.checkWebPushEndpoint(endpoint);
}

void PushService::enqueueFor(Db &db, const NewMessage &message) const
{
    if (!d->apnsOn && !d->fcmOn && !d->webPushOn)
        return;   // nothing could send it
    QList<qint64> offline;
    for (const NewMessage::Entry &e : message.entries) {
        if (!d->isOnline(e.deviceId))
            offline.append(e.deviceId);
    }
    if (offline.isEmpty())
        return;
    auto added = PushStore::enqueue(db, offline, nowMs(), d->config.coalesceMs, qint64(d->config.minIntervalSeconds) * 1000);
    if (!added)
        qCWarning(lcPush) << "Queueing wake-ups failed:" << added.error().message;
}

void PushService::setSending(bool sending)
{
    if (d->sending == sending)
        return;
    d->sending = sending;
    if (sending)
        wake();
    else
        d->timer.stop();
}

bool PushService::isSending() const
{
    return d->sending;
}

void PushService::setElsewhereCheck(OnlineCheck elsewhere)
{
    d->elsewhere = std::move(elsewhere);
}

void PushService::wake()
{
    if (d->wakePosted.exchange(true))
        return;
    QMetaObject::invokeMethod(this, [this] {
        d->wakePosted = false;
        d->pump();
    }, Qt::QueuedConnection);
}

PushService::Counts PushService::counts() const
{
    Counts c = d->total;
    c.sent += d->period.sent;
    c.retried += d->period.retried;
    c.tokensRemoved += d->period.tokensRemoved;
    c.deadLettered += d->period.deadLettered;
    c.skippedOnline += d->period.skippedOnline;
    return c;
}

} // namespace parley::server
