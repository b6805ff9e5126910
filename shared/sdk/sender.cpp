#include "sdk/sender.h"

#include "protocol/statements.h"
#include "sdk/connection.h"
#include "sdk/devicelists.h"
#include "sdk/profile.h"
#include "sdk/profilesaver.h"
#include "sdk/sdklog.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int MaxRateLimitRetries = 20;
constexpr int MaxResolvePasses = 8;
constexpr int DefaultRetryMs = 1000;
constexpr int MaxRetryMs = 120000;

struct SendJob {
    QByteArray mid;
    QStringList to;
    MessageContent content;
    protocol::MessageOptions options;
    bool prebuilt = false;           // sendEnvelope(): no text, no rebuild
    bool resolveOnly = false;        // resolveRecipients()
    QPointer<QObject> context;
    SendCallback sent;
    std::function<void(Result<QList<RecipientDevice>>)> resolved;
    bool includeOwnDevice = false;
    int mismatchRetries = 0;
    int rateRetries = 0;
    int passes = 0;
    bool prekeysNotFound = false;    // a prekey fetch was answered not_found on the pass before
    protocol::SendRequest request;
};
using JobPtr = std::shared_ptr<SendJob>;

using Failure = std::pair<SendError, QString>;

struct Target {
    const UserDevices *user = nullptr;
    const DeviceInfo *device = nullptr;
};

// The typed error of a reply that is not the one asked for.
// (decode() admits only the codes of docs/protocol.md; "disconnected" is the connection's own.)
SendError errorOf(const protocol::Frame &reply)
{
    if (reply.type != protocol::ErrorReply::Type)
        return SendError::Protocol;
    if (Connection::isDisconnected(reply))
        return SendError::Disconnected;
    return sendErrorFromWire(protocol::ErrorReply::from(reply).code);
}

int retryDelayMs(const protocol::ErrorReply &reply)
{
    return reply.retry ? int(qMin<quint64>(*reply.retry, MaxRetryMs)) : DefaultRetryMs;
}

} // namespace

class Sender::Private {
public:
    Sender *q;
    Connection &connection;
    Profile &profile;
    DeviceLists &devices;
    ProfileSaver &saver;
    QList<JobPtr> queue;
    JobPtr resolving;

    Private(Sender *sender, Connection &c, Profile &p, DeviceLists &dl, ProfileSaver &s)
        : q(sender), connection(c), profile(p), devices(dl), saver(s)
    {
    }

    bool loggedIn() const { return connection.state() == Client::State::LoggedIn; }

    void enqueue(const JobPtr &job, bool front = false)
    {
        if (front)
            queue.prepend(job);
        else
            queue.append(job);
        pump();
    }

    void pump()
    {
        if (resolving || queue.isEmpty() || !loggedIn())
            return;
        resolving = queue.takeFirst();
        resolving->passes = 0;
        resolveStep(resolving);
    }

    // Resolution of `job` is over; the next message's starts from the event loop.
    void release(const JobPtr &job)
    {
        if (job != resolving)
            return;
        resolving.reset();
        QTimer::singleShot(0, q, [this] { pump(); });
    }

    void fail(JobPtr job, SendError error, const QString &message)
    {
        release(job);
        const QPointer<QObject> context = job->context;
        if (job->resolveOnly) {
            if (context)
                job->resolved(makeError(ErrorCode::Unavailable, sendErrorName(error) + u": "_s + message));
            return;
        }
        qCInfo(lcSdk).noquote() << "send failed:" << sendErrorName(error);
        const SendCallback sent = job->sent;
        Q_EMIT q->sendFailed(job->mid, error, message);
        if (context && sent)
            sent(SendFailure{job->mid, error, message});
    }

    void succeed(const JobPtr &job, quint64 seq)
    {
        qCDebug(lcSdk) << "message accepted";
        const QPointer<QObject> context = job->context;
        const SendCallback sent = job->sent;
        Q_EMIT q->accepted(job->mid, seq);
        if (context && sent)
            sent(SendAccepted{job->mid, seq});
    }

    QStringList usersFor(const JobPtr &job) const
    {
        QStringList users = job->to;
        users.append(profile.settings().user);
        return protocol::normalisedRecipients(users);
    }

    void resolveStep(JobPtr job)   // by value: `resolving` itself is passed and reset on the way
    {
        if (job != resolving)
            return;
        if (!loggedIn())
            return fail(job, SendError::Disconnected, u"not connected"_s);
        if (++job->passes > MaxResolvePasses)
            return fail(job, SendError::Unresolved, u"could not obtain consistent device lists and prekeys"_s);
        const QStringList users = usersFor(job);
        QStringList missing;
        for (const QString &u : users) {
            if (!devices.find(u))
                missing.append(u);
        }
        if (!missing.isEmpty()) {
            --job->passes;   // fetching lists is progress, not a retry
            return fetchDeviceLists(job, missing);
        }
        QList<Target> targets;
        if (const std::optional<Failure> failure = collectTargets(job, users, targets))
            return fail(job, failure->first, failure->second);

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QHash<QString, QList<quint32>> toFetch;
        QList<RecipientDevice> resolved;
        for (const Target &t : std::as_const(targets)) {
            const std::optional<CachedPrekey> cached =
                profile.prekeyCache().fresh(t.user->user, t.device->device, t.device->pub, now);
            if (!cached) {
                toFetch[t.user->user].append(t.device->device);
                continue;
            }
            resolved.append(RecipientDevice{t.user->user, t.user->root, t.device->device, t.device->pub, cached->kid,
                                            cached->pub});
        }
        if (!toFetch.isEmpty())
            return fetchPrekeys(job, toFetch);
        if (job->resolveOnly) {
            release(job);
            if (job->context)
                job->resolved(resolved);
            return;
        }
        buildAndSend(job, resolved);
    }

    void fetchDeviceLists(const JobPtr &job, const QStringList &users)
    {
        devices.fetch(users, [this, job](Result<QStringList> unknown) {
            if (job != resolving)
                return;
            if (!unknown)
                return fail(job, SendError::BadDeviceList, unknown.error().message);
            QStringList unknownRecipients;
            for (const QString &u : unknown.value()) {
                if (job->to.contains(u))
                    unknownRecipients.append(u);
            }
            if (!unknownRecipients.isEmpty())
                return fail(job, SendError::UnknownUser, u"no such user: %1"_s.arg(unknownRecipients.join(u", "_s)));
            if (unknown.value().contains(profile.settings().user))
                return fail(job, SendError::UnknownUser, u"the server does not know your own account"_s);
            resolveStep(job);
        });
    }

    // Every device the message goes to, with its certificate checked.
    std::optional<Failure> collectTargets(const JobPtr &job, const QStringList &users, QList<Target> &targets) const
    {
        const ProfileSettings &s = profile.settings();
        for (const QString &u : users) {
            const UserDevices *ud = devices.find(u);
            if (ud->rootChanged)
                return Failure{SendError::IdentityChanged,
                               u"the root key of %1 changed since it was first seen; verify it with %1 and run "
                               u"`parley trust %1`"_s.arg(u)};
            const bool recipient = job->to.contains(u);
            const bool own = u == s.user;
            for (const DeviceInfo &dev : ud->devices) {
                if (own && dev.device == s.device && !job->includeOwnDevice)
                    continue;
                if (!recipient && !own)
                    continue;
                if (!dev.certificateValid)
                    return Failure{SendError::BadCertificate,
                                   u"the certificate of device %1 does not verify under the user's root key"_s
                                       .arg(deviceLabel(u, dev.device))};
                targets.append(Target{ud, &dev});
            }
        }
        return std::nullopt;
    }

    struct FetchBatch {
        int outstanding = 0;
        int retryMs = 0;
        std::optional<Failure> failure;
        std::optional<QString> notFound;   // the server's not_found to a fetch (no such user or device, no prekeys)
    };

    void fetchPrekeys(const JobPtr &job, const QHash<QString, QList<quint32>> &toFetch)
    {
        auto batch = std::make_shared<FetchBatch>();
        batch->outstanding = int(toFetch.size());
        for (auto it = toFetch.begin(); it != toFetch.end(); ++it) {
            const QString user = it.key();
            const QList<quint32> requested = it.value();
            connection.request(protocol::Fetch{user, requested}, [this, job, batch, user, requested](const protocol::Frame &reply) {
                onBundle(*batch, user, requested, reply);
                if (--batch->outstanding > 0 || job != resolving)
                    return;
                afterPrekeyFetches(job, *batch);
            });
        }
    }

    void onBundle(FetchBatch &batch, const QString &user, const QList<quint32> &requested,
                  const protocol::Frame &reply)
    {
        if (reply.type == protocol::ErrorReply::Type) {
            const SendError error = errorOf(reply);
            if (error == SendError::RateLimited) {
                batch.retryMs = qMax(batch.retryMs, qMax(retryDelayMs(protocol::ErrorReply::from(reply)), 1));
            } else if (error == SendError::NotFound) {
                // The user or device went away: fetch the lists again on the next pass. A second not_found with
                // the lists just fetched means the devices have no prekeys (afterPrekeyFetches).
                devices.clear();
                batch.notFound = Connection::errorText(reply);
            } else if (!batch.failure) {
                batch.failure = Failure{error, u"prekey fetch refused: %1"_s.arg(Connection::errorText(reply))};
            }
        } else if (Result<QList<quint32>> stored = applyBundle(protocol::Bundle::from(reply)); !stored) {
            if (stored.error().code != ErrorCode::Conflict && !batch.failure)
                batch.failure = Failure{SendError::BadBundle, stored.error().message};
        } else {
            // A device missing from the bundle went away meanwhile: fetch the list again next pass.
            for (quint32 device : requested) {
                if (!stored->contains(device)) {
                    devices.remove(user);
                    break;
                }
            }
        }
    }

    void afterPrekeyFetches(const JobPtr &job, const FetchBatch &batch)
    {
        saver.savePrekeyCacheSoon();
        if (batch.failure)
            return fail(job, batch.failure->first, batch.failure->second);
        if (batch.notFound && job->prekeysNotFound)
            return fail(job, SendError::NotFound, u"prekey fetch refused: %1"_s.arg(*batch.notFound));
        job->prekeysNotFound = batch.notFound.has_value();
        if (batch.retryMs > 0) {
            if (++job->rateRetries > MaxRateLimitRetries)
                return fail(job, SendError::RateLimited, u"prekey fetches stay rate limited"_s);
            --job->passes;
            QTimer::singleShot(batch.retryMs, q, [this, job] { resolveStep(job); });
            return;
        }
        resolveStep(job);
    }

    // Applies a `bundle` reply: the root key as in the device list, certificates, prekey signatures. Returns the
    // devices whose prekeys were stored.
    Result<QList<quint32>> applyBundle(const protocol::Bundle &bundle)
    {
        const QString &user = bundle.user;
        const UserDevices *ud = devices.find(user);
        if (!ud)
            return makeError(ErrorCode::Protocol, u"a prekey bundle for %1 arrived without a device list"_s.arg(user));
        if (bundle.root != ud->root)
            return makeError(ErrorCode::Crypto, u"the server presented two different root keys for %1"_s.arg(user));
        Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(ud->root);
        if (!root)
            return makeError(ErrorCode::Crypto, u"the root key of %1 is invalid"_s.arg(user));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<quint32> stored;
        for (const protocol::BundleDevice &entry : bundle.devices) {
            const quint32 device = entry.device;
            const QByteArray &pub = entry.pub;
            const auto known = ud->devices.constFind(device);
            if (known == ud->devices.constEnd() || known->pub != pub) {
                // The device list changed in between: drop the list so the next pass fetches it again.
                devices.remove(user);
                return makeError(ErrorCode::Conflict, u"the devices of %1 changed"_s.arg(user));
            }
            Result<CachedPrekey> cached = checkPrekey(root.value(), user, entry);
            if (!cached)
                return cached.error();
            cached->fetchedAt = now;
            profile.prekeyCache().store(cached.value());
            saver.prekeyCacheChanged();
            stored.append(device);
        }
        return stored;
    }

    // One device of a bundle: its certificate under the user's root key and its prekey's signature.
    static Result<CachedPrekey> checkPrekey(const crypto::EcKey &root, const QString &user,
                                            const protocol::BundleDevice &entry)
    {
        if (!root.verify(protocol::deviceStatement(user, entry.pub), entry.sig))
            return makeError(ErrorCode::Crypto, u"the certificate of device %1 does not verify under the user's "
                                                u"root key"_s.arg(deviceLabel(user, entry.device)));
        Result<crypto::EcKey> deviceKey = crypto::EcKey::fromPublicPoint(entry.pub);
        const protocol::Prekey &pk = entry.pk;
        if (!deviceKey || !deviceKey->verify(protocol::prekeyStatement(pk.kid, pk.pub), pk.sig)
            || !crypto::EcKey::fromPublicPoint(pk.pub))
            return makeError(ErrorCode::Crypto, u"the prekey of device %1 is not signed by the device"_s
                                                    .arg(deviceLabel(user, entry.device)));
        CachedPrekey cached;
        cached.user = user;
        cached.device = entry.device;
        cached.devicePub = entry.pub;
        cached.kid = pk.kid;
        cached.pub = pk.pub;
        return cached;
    }

    void buildAndSend(JobPtr job, const QList<RecipientDevice> &targets)
    {
        Result<Envelope> env = Envelope::build(*connection.self(), job->to, targets, job->content,
                                               quint64(connection.serverTimeMs()), job->options, job->mid);
        if (!env)
            return fail(job, SendError::BuildFailed, env.error().message);
        for (const RecipientDevice &t : targets)
            profile.prekeyCache().recordUse(t.user, t.device);
        saver.prekeyCacheChanged();
        saver.savePrekeyCacheSoon();
        job->request = env->toRequest();
        if (!job->content.files.isEmpty()) {
            // Tells the server which devices may download the attachments (docs/protocol.md "send with blobs").
            QList<QByteArray> blobs;
            for (const FileRef &f : job->content.files)
                blobs.append(f.blob);
            job->request.blobs = blobs;
        }
        const qsizetype maxFrame = connection.serverMaxFrame();
        if (maxFrame > 0 && job->request.encode().size() > maxFrame)
            return fail(job, SendError::TooLarge,
                        u"the message is larger than the server accepts (%1 bytes)"_s.arg(maxFrame));
        release(job);
        transmit(job);
    }

    void transmit(const JobPtr &job)
    {
        connection.request(job->request, [this, job](const protocol::Frame &reply) { onSendReply(job, reply); });
    }

    void onSendReply(const JobPtr &job, const protocol::Frame &reply)
    {
        if (reply.type == protocol::Accepted::Type)
            return succeed(job, protocol::Accepted::from(reply).seq);
        const SendError error = errorOf(reply);
        const QString text = reply.type == protocol::ErrorReply::Type ? Connection::errorText(reply)
                                                                      : u"unexpected reply %1"_s.arg(reply.type);
        // `busy` (the server's write queue is full; the message was not taken) is retried like `rate_limited`.
        if (error == SendError::RateLimited || error == SendError::Busy) {
            if (++job->rateRetries > MaxRateLimitRetries)
                return fail(job, error, text);
            QTimer::singleShot(qMax(retryDelayMs(protocol::ErrorReply::from(reply)), 1), q, [this, job] {
                if (!loggedIn())
                    return fail(job, SendError::Disconnected, u"not connected"_s);
                transmit(job);
            });
            return;
        }
        if (error == SendError::DeviceMismatch && !job->prebuilt) {
            if (++job->mismatchRetries > Client::MaxMismatchRetries)
                return fail(job, error, u"the recipients' device lists kept changing: %1"_s.arg(text));
            forgetMismatched(job, protocol::ErrorReply::from(reply));
            qCInfo(lcSdk) << "device lists changed; retrying";
            return enqueue(job, true);
        }
        if (error == SendError::StaleTime && !job->prebuilt && job->mismatchRetries++ < Client::MaxMismatchRetries)
            return enqueue(job, true);   // rebuilt with the current time
        fail(job, error, text);
    }

    // Drops the device lists and cached prekeys a `device_mismatch` names, so that the retry fetches them again.
    void forgetMismatched(const JobPtr &job, const protocol::ErrorReply &reply)
    {
        const QString me = profile.settings().user;
        const quint32 myDevice = profile.settings().device;
        const QList<protocol::DeviceRef> missing = reply.missing.value_or(QList<protocol::DeviceRef>());
        const QList<protocol::DeviceRef> stale = reply.stale.value_or(QList<protocol::DeviceRef>());
        for (const protocol::DeviceRef &ref : missing) {
            devices.remove(ref.user);
            if (ref.user == me && ref.device == myDevice)
                job->includeOwnDevice = true;
        }
        for (const protocol::DeviceRef &ref : stale) {
            devices.remove(ref.user);
            profile.prekeyCache().remove(ref.user, ref.device);
            if (ref.user == me && ref.device == myDevice)
                job->includeOwnDevice = false;
        }
        for (const QString &user : reply.unknown.value_or(QStringList()))
            devices.remove(user);
        if (missing.isEmpty() && stale.isEmpty()) {
            for (const QString &u : usersFor(job))
                devices.remove(u);
        }
        saver.prekeyCacheChanged();
    }

    // A message that fails before it is queued fails from the event loop, as it would later.
    void failSoon(const JobPtr &job, SendError error, const QString &message)
    {
        QTimer::singleShot(0, q, [this, job, error, message] { fail(job, error, message); });
    }
};

Sender::Sender(Connection &connection, Profile &profile, DeviceLists &devices, ProfileSaver &saver, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile, devices, saver))
{
}

Sender::~Sender() = default;

QByteArray Sender::send(const QStringList &users, const MessageContent &content, const protocol::MessageOptions &options,
                        QObject *context, SendCallback done)
{
    auto job = std::make_shared<SendJob>();
    job->mid = Envelope::newMessageId();
    job->to = protocol::normalisedRecipients(users);
    job->content = content;
    job->options = options;
    job->context = context;
    job->sent = std::move(done);
    if (job->to.isEmpty() || job->to.size() > protocol::MaxRecipients) {
        d->failSoon(job, SendError::BadField, u"a message needs 1 to %1 recipients"_s.arg(protocol::MaxRecipients));
        return job->mid;
    }
    for (const QString &u : std::as_const(job->to)) {
        if (!protocol::isValidUserName(u)) {
            d->failSoon(job, SendError::BadField, u"invalid user name \"%1\""_s.arg(u));
            return job->mid;
        }
    }
    if (Result<QByteArray> plain = content.encode(); !plain) {
        d->failSoon(job, SendError::TooLarge, plain.error().message);
        return job->mid;
    }
    if (d->connection.state() == Client::State::Disconnected) {
        d->failSoon(job, SendError::Disconnected, u"not connected"_s);
        return job->mid;
    }
    d->enqueue(job);
    return job->mid;
}

void Sender::sendEnvelope(const Envelope &envelope, QObject *context, SendCallback done)
{
    auto job = std::make_shared<SendJob>();
    job->mid = envelope.mid;
    job->to = envelope.to;
    job->prebuilt = true;
    job->request = envelope.toRequest();
    job->context = context;
    job->sent = std::move(done);
    if (!d->loggedIn())
        return d->failSoon(job, SendError::Disconnected, u"not logged in"_s);
    d->transmit(job);
}

void Sender::resolveRecipients(const QStringList &users, QObject *context,
                               std::function<void(Result<QList<RecipientDevice>>)> done)
{
    auto job = std::make_shared<SendJob>();
    job->resolveOnly = true;
    job->to = protocol::normalisedRecipients(users);
    job->context = context;
    job->resolved = std::move(done);
    if (d->connection.state() == Client::State::Disconnected)
        return d->failSoon(job, SendError::Disconnected, u"not connected"_s);
    d->enqueue(job);
}

void Sender::resume() { d->pump(); }

void Sender::failQueued(const QString &message)
{
    const QList<JobPtr> queued = std::exchange(d->queue, {});
    const JobPtr current = std::exchange(d->resolving, nullptr);
    if (current)
        d->fail(current, SendError::Disconnected, message);
    for (const JobPtr &job : queued)
        d->fail(job, SendError::Disconnected, message);
}

} // namespace parley::sdk
