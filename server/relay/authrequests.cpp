#include "relay/authrequests.h"

#include "relay/sessioncontext.h"
#include "protocol/messages.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "relay/devicedirectory.h"
#include "relay/enrollguard.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "store/botstore.h"
#include "store/pushstore.h"
#include "store/roomstore.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int MaxEnrollFailures = 10;

} // namespace


// A refused enrollment attempt on this connection: the 10th closes it.
static void countEnrollFailure(SessionContext &session)
{
    if (++session.enrollFailures >= MaxEnrollFailures)
        session.closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"too many enrollment attempts"_s);
}

static void enrollFailed(SessionContext &session, quint64 requestId)
{
    session.sendError(WireError::EnrollFailed, u"the enrollment code is wrong, used or expired, or the root key does not match"_s,
              requestId);
    countEnrollFailure(session);
}

// What an enrollment's write came to: the device, or a wrong code and the wrong codes in a row it made.
struct EnrollAttempt {
    std::optional<EnrollResult> enrolled;
    int failures = 0;
};

// The log lines for a wrong code the guard counted: one in the event log for each, and a warning for the lockout it
// caused. Any thread.
static void logEnrollFailure(const EnrollGuard &guard, const QString &user, const Result<int> &failures)
{
    if (!failures) {
        qCWarning(lcRelay).noquote() << u"Counting a wrong enrollment code for user %1 failed: %2"_s.arg(user, failures.error().message);
    } else if (*failures >= guard.failuresToLock()) {
        qCWarning(lcRelay).noquote() << u"Enrollment of user %1 is locked for %2 s after %3 wrong codes in a row"_s.arg(
            user).arg(guard.lockoutSeconds()).arg(*failures);
    } else {
        qCInfo(lcRelay).noquote() << u"A wrong enrollment code for user %1 (%2 in a row; %3 lock the enrollment)"_s.arg(
            user).arg(*failures).arg(guard.failuresToLock());
    }
}

// A wrong code for `user`, whichever connection or node it came to: counted by the guard in the database, then
// answered (enroll_failed), so that the next attempt sees it.
static void refuseEnrollCode(SessionContext &session, const QString &user, quint64 requestId)
{
    const EnrollGuard *guard = session.services.enrollGuard;
    if (!guard) {
        enrollFailed(session, requestId);
        return;
    }
    session.write<int>([guard, user](Db &db) { return guard->failed(db, user, wallMs()); },
                       [guard, user, requestId](SessionContext *p, Result<int> failures) {
                           logEnrollFailure(*guard, user, failures);
                           if (p)
                               enrollFailed(*p, requestId);
                       });
}

// Refuses an attempt while the user name is locked (`rate_limited`, with the time left), or when its state cannot be
// read (the store's error); true when it did. `failures` (optional) gets the wrong codes in a row so far.
static bool enrollLocked(SessionContext &session, const QString &user, quint64 requestId, int *failures = nullptr)
{
    const EnrollGuard *guard = session.services.enrollGuard;
    if (!guard)
        return false;
    const Result<EnrollGuard::State> state = guard->state(session.services.store->reader(), user, wallMs());
    if (!state) {
        qCWarning(lcRelay) << "Reading the enrollment lockouts failed:" << state.error().message;
        session.sendStoreError(state.error(), requestId);
        return true;
    }
    if (failures)
        *failures = state->failures;
    if (state->lockedForMs <= 0)
        return false;
    protocol::ErrorReply e = protocol::errorReply(WireError::RateLimited,
                                                  u"too many wrong enrollment codes for this user; retry later"_s);
    e.retry = quint64(state->lockedForMs);
    session.sendEncoded(e.encode(requestId));
    countEnrollFailure(session);
    return true;
}

void handleEnrollInfo(SessionContext &session, const Frame &f)
{
    if (session.authenticated) {
        session.sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    const protocol::EnrollInfo request = protocol::EnrollInfo::from(f);
    int failures = 0;
    if (enrollLocked(session, request.user, f.id, &failures))
        return;
    auto check = session.services.store->reader().checkEnrollCode(request.user, request.code);
    if (!check) {
        if (check.error().code == ErrorCode::Unauthorized || check.error().code == ErrorCode::NotFound) {
            refuseEnrollCode(session, request.user, f.id);
        } else {
            qCWarning(lcRelay) << "Checking an enrollment code failed:" << check.error().message;
            session.sendStoreError(check.error(), f.id);
        }
        return;
    }
    protocol::EnrollInfoOk reply;
    reply.newUser = check->newUser;
    if (!check->recovery.isEmpty())
        reply.recovery = check->recovery;
    if (failures == 0 || !session.services.enrollGuard) {
        session.sendEncoded(reply.encode(f.id));
        return;
    }
    // The right code after wrong ones: the count starts again before the answer.
    const EnrollGuard *guard = session.services.enrollGuard;
    const quint64 requestId = f.id;
    session.write<bool>([guard, user = request.user](Db &db) -> Result<bool> {
                            if (Status s = guard->succeeded(db, user); !s)
                                return s.error();
                            return true;
                        },
                        [reply, requestId](SessionContext *p, Result<bool> done) {
                            if (!p)
                                return;
                            if (!done)
                                p->sendStoreError(done.error(), requestId);
                            else
                                p->sendEncoded(reply.encode(requestId));
                        });
}

void handleEnroll(SessionContext &session, const Frame &f)
{
    if (session.authenticated) {
        session.sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    protocol::Enroll enroll = protocol::Enroll::from(f);
    if (enrollLocked(session, enroll.user, f.id))
        return;
    EnrollRequest request;
    request.user = std::move(enroll.user);
    request.code = std::move(enroll.code);
    request.rootPub = std::move(enroll.root);
    request.devicePub = std::move(enroll.dev);
    request.deviceSig = std::move(enroll.dsig);
    request.deviceName = enroll.name.value_or(QString());
    request.recovery = enroll.recovery.value_or(QByteArray());
    request.maxDevices = session.services.limits.maxDevicesPerUser;

    // The schema has checked the sizes; whether the keys are points on the curve, and the signature, are ours.
    const auto root = crypto::EcKey::fromPublicPoint(request.rootPub);
    if (!root) {
        session.sendError(WireError::BadField, u"root"_s, f.id);
        return;
    }
    if (!crypto::EcKey::fromPublicPoint(request.devicePub)) {
        session.sendError(WireError::BadField, u"dev"_s, f.id);
        return;
    }
    if (!root->verify(protocol::deviceStatement(request.user, request.devicePub), request.deviceSig)) {
        session.sendError(WireError::BadSignature, u"the device certificate does not verify under the root key"_s, f.id);
        return;
    }

    const quint64 requestId = f.id;
    const QString user = request.user;
    DeviceDirectory *directory = session.services.directory;
    const EnrollGuard *guard = session.services.enrollGuard;
    // A bot's device enrolls only while the bot is neither revoked nor expired, and nobody enrolls under a name
    // reserved for bots without being one (store/botstore.h); checked in the enrollment's own write, which also
    // clears the name's wrong codes, or counts a wrong one (in the same transaction: closing the connection at once
    // does not save an attempt from being counted).
    session.write<EnrollAttempt>([request = std::move(request), guard](Db &db) -> Result<EnrollAttempt> {
                            if (Status gate = botstore::enrollGate(db, request.user, wallMs()); !gate)
                                return gate.error();
                            Result<EnrollResult> enrolled = db.enrollDevice(request);
                            if (enrolled) {
                                if (guard) {
                                    if (Status s = guard->succeeded(db, request.user); !s)
                                        return s.error();
                                }
                                return EnrollAttempt{*enrolled, 0};
                            }
                            if (enrolled.error().code != ErrorCode::Unauthorized || !guard)
                                return enrolled.error();
                            const Result<int> failures = guard->failed(db, request.user, wallMs());
                            if (!failures)
                                return failures.error();
                            return EnrollAttempt{std::nullopt, *failures};
                        },
                        [requestId, user, directory, guard](SessionContext *p, Result<EnrollAttempt> r) {
                            if (r && !r->enrolled)
                                logEnrollFailure(*guard, user, r->failures);
                            if (r && r->enrolled)
                                directory->invalidate(user);
                            if (!p)
                                return;
                            if (!r || !r->enrolled) {
                                switch (r ? ErrorCode::Unauthorized : r.error().code) {
                                case ErrorCode::Unauthorized:
                                    enrollFailed(*p, requestId);
                                    break;
                                case ErrorCode::QuotaExceeded:
                                    p->sendError(WireError::Quota, u"the user has the maximum number of devices"_s, requestId);
                                    break;
                                case ErrorCode::Forbidden:   // a suspended user, a revoked or expired bot
                                    p->sendError(WireError::Suspended, r.error().message, requestId);
                                    break;
                                default:
                                    qCWarning(lcRelay) << "Enrollment failed:" << r.error().message;
                                    p->sendStoreError(r.error(), requestId);
                                    break;
                                }
                                return;
                            }
                            qCInfo(lcRelay) << "Enrolled a device";
                            p->sendEncoded(protocol::Enrolled{r->enrolled->deviceNo}.encode(requestId));
                        });
}

static void failLogin(SessionContext &session, WireError code, const QString &message, quint64 requestId)
{
    session.sendError(code, message, requestId);
    session.closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"login failed"_s);
}

namespace {

// A resumed login records the device's last login only when the recorded one is older than this (a coarse last
// seen, as the admin API shows it), so that a resumed login writes nothing to the database as a rule.
constexpr qint64 LastSeenGranularityMs = 24 * 3600 * 1000;
constexpr int ResumeCredentialBytes = 32;

// What a verified login found: the account, the device and its key, and what the welcome reports.
struct LoginCheck {
    UserRecord account;
    DeviceRecord device;
    crypto::EcKey key;
    qint64 prekeys = 0;
    qint64 queued = 0;
    bool resumed = false;     // by a resumption credential, not by the challenge signature
    std::optional<BotRecord> bot;
};

// The bot behind a login, when the user is one (only a name reserved for bots can be, store/botstore.h).
Result<std::optional<BotRecord>> botOf(Db &db, const QString &user)
{
    if (!protocol::isBotName(user))
        return std::optional<BotRecord>();
    Result<BotRecord> bot = botstore::find(db, user);
    if (bot)
        return std::optional<BotRecord>(std::move(*bot));
    if (bot.error().code == ErrorCode::NotFound)
        return std::optional<BotRecord>();
    return bot.error();
}

// Why a bot may not log in now (docs/admin-api.md "Bots"), or nothing.
std::optional<QString> botRefusal(const std::optional<BotRecord> &bot, qint64 now)
{
    if (!bot || !bot->blocked(now))
        return std::nullopt;
    if (bot->revoked())
        return u"the bot was revoked"_s;
    return u"the bot's credential expired at %1"_s.arg(
        QDateTime::fromMSecsSinceEpoch(bot->expiresAt, Qt::UTC).toString(Qt::ISODate));
}

// The device's queue and prekey counts for the welcome; sends the failure itself and returns false then.
bool readDeviceState(SessionContext &session, quint64 requestId, LoginCheck &check)
{
    Db &db = session.services.store->reader();
    auto prekeys = db.prekeyCount(check.device.id);
    auto queued = db.queuedCount(check.device.id);
    if (!prekeys || !queued) {
        const Error &e = !prekeys ? prekeys.error() : queued.error();
        qCWarning(lcRelay) << "Reading a device's state at login failed:" << e.message;
        failLogin(session, wireErrorFor(e), messageFor(e), requestId);
        return false;
    }
    check.prekeys = *prekeys;
    check.queued = *queued;
    return true;
}

// The device's signature over the spent challenge, its account and state. Sends the failure itself (the same
// `auth_failed` for every unknown or wrong part, so that a login reveals nothing) and returns nothing then.
std::optional<LoginCheck> verifyLogin(SessionContext &session, quint64 requestId, const protocol::Login &login,
                                      const QByteArray &spent)
{
    const QString authFailed = u"authentication failed"_s;
    if (spent.isEmpty()) {
        failLogin(session, WireError::AuthFailed, authFailed, requestId);
        return std::nullopt;
    }
    Db &db = session.services.store->reader();
    auto refuse = [&](const Error &e) {
        if (e.code == ErrorCode::NotFound)
            failLogin(session, WireError::AuthFailed, authFailed, requestId);
        else
            failLogin(session, wireErrorFor(e), messageFor(e), requestId);
        return std::nullopt;
    };
    auto account = db.userByName(login.user);
    if (!account)
        return refuse(account.error());
    auto device = db.device(account->id, login.device);
    if (!device)
        return refuse(device.error());
    auto key = crypto::EcKey::fromPublicPoint(device->pub);
    if (device->revoked || !key
        || !key->verify(protocol::loginStatement(spent, login.user, login.device), login.sig.value_or(QByteArray()))) {
        failLogin(session, WireError::AuthFailed, authFailed, requestId);
        return std::nullopt;
    }
    if (account->suspended) {
        failLogin(session, WireError::Suspended, u"the user is suspended"_s, requestId);
        return std::nullopt;
    }
    // A revoked or expired bot is refused like a suspended user: `suspended`, saying which.
    auto bot = botOf(db, login.user);
    if (!bot)
        return refuse(bot.error());
    if (const std::optional<QString> why = botRefusal(*bot, wallMs())) {
        failLogin(session, WireError::Suspended, *why, requestId);
        return std::nullopt;
    }
    LoginCheck check{std::move(*account), std::move(*device), std::move(*key), 0, 0, false, std::move(*bot)};
    if (!readDeviceState(session, requestId, check))
        return std::nullopt;
    return check;
}

// A resumption credential instead of the signature (docs/protocol.md "Resumed login"): reads only, no signature
// check. Refuses with `resume_failed` and keeps the connection and its challenge, so that the device can log in
// with the challenge next; returns nothing then.
std::optional<LoginCheck> verifyResume(SessionContext &session, quint64 requestId, const protocol::Login &login)
{
    auto refuse = [&](const QString &why) {
        session.sendError(WireError::ResumeFailed, why + u"; log in with the challenge"_s, requestId);
        return std::nullopt;
    };
    const QString invalid = u"the resumption credential is not valid"_s;
    if (session.services.limits.resumeLifetimeSeconds <= 0)
        return refuse(u"this server does not resume logins"_s);
    Db &db = session.services.store->reader();
    auto storeFailed = [&](const Error &e) {
        if (e.code == ErrorCode::NotFound)
            return refuse(invalid);
        qCWarning(lcRelay) << "Reading a resumption credential failed:" << e.message;
        failLogin(session, wireErrorFor(e), messageFor(e), requestId);
        return std::nullopt;
    };
    auto account = db.userByName(login.user);
    if (!account)
        return storeFailed(account.error());
    auto device = db.device(account->id, login.device);
    if (!device)
        return storeFailed(device.error());
    auto stored = db.resumeCredential(device->id);
    if (!stored)
        return storeFailed(stored.error());
    const QByteArray presented = login.resume.value_or(QByteArray());
    if (device->revoked || !*stored || !crypto::constantTimeEquals((*stored)->hash, crypto::sha256(presented)))
        return refuse(invalid);
    if ((*stored)->expiresAt <= wallMs())
        return refuse(u"the resumption credential has expired"_s);
    if (account->suspended)
        return refuse(u"the user is suspended"_s);
    auto bot = botOf(db, login.user);
    if (!bot)
        return storeFailed(bot.error());
    if (const std::optional<QString> why = botRefusal(*bot, wallMs()))
        return refuse(*why);
    LoginCheck check{std::move(*account), std::move(*device), crypto::EcKey(), 0, 0, false, std::move(*bot)};
    check.resumed = true;
    if (!readDeviceState(session, requestId, check))
        return std::nullopt;
    return check;
}

// After a challenge login: a fresh resumption credential for the welcome (none when the server issues none), and
// the write that stores its hash in place of the device's previous one.
struct IssuedResume {
    QByteArray credential;
    QByteArray hash;
    qint64 expiresAt = 0;
};

std::optional<IssuedResume> issueResume(const SessionContext &session, qint64 now)
{
    const qint64 lifetimeSeconds = session.services.limits.resumeLifetimeSeconds;
    if (lifetimeSeconds <= 0)
        return std::nullopt;
    IssuedResume issued;
    issued.credential = crypto::randomBytes(ResumeCredentialBytes);
    issued.hash = crypto::sha256(issued.credential);
    issued.expiresAt = now + lifetimeSeconds * 1000;
    return issued;
}

// What a login writes: the device's last login, and after a challenge login the new credential's hash, in one
// operation. A resumed login writes only when the recorded last login is a day old or more.
void recordLogin(SessionContext &session, const LoginCheck &login, const std::optional<IssuedResume> &issued, qint64 now)
{
    if (login.resumed && now - login.device.lastSeen < LastSeenGranularityMs)
        return;
    const qint64 deviceId = login.device.id;
    const qint64 userId = login.account.id;
    std::optional<std::pair<QByteArray, qint64>> credential;
    if (issued)
        credential = std::pair(issued->hash, issued->expiresAt);
    session.write<bool>([deviceId, userId, credential, now](Db &writer) -> Result<bool> {
                    if (auto r = writer.touchDevice(deviceId, now); !r)
                        return r.error();
                    if (credential) {
                        if (auto r = writer.putResumeCredential(deviceId, userId, credential->first, now, credential->second); !r)
                            return r.error();
                    }
                    return true;
                },
                [](SessionContext *, Result<bool> r) {
                    if (!r)
                        qCWarning(lcRelay) << "Recording a device's login failed:" << r.error().message;
                });
}

// A bot's session ends at the bot's expiry (docs/admin-api.md "Bots"). When the timer fires the bot is looked up
// again: an expiry moved later keeps the session (the timer is set anew), a past one or a revoked bot closes it. An
// expiry moved earlier has the admin plane drop the session at once; the next login sets the timer for it.
void armBotExpiry(SessionContext &session, qint64 expiresAt)
{
    const qint64 left = std::max<qint64>(0, expiresAt - wallMs());
    session.botTimer.start(int(std::min<qint64>(left, std::numeric_limits<int>::max())));
}

void onBotExpiry(SessionContext &session)
{
    if (session.closing)
        return;
    auto entry = session.services.directory->lookup(session.userName);
    if (!entry && entry.error().code != ErrorCode::NotFound) {
        qCWarning(lcRelay) << "Reading a bot failed:" << entry.error().message;
        session.botTimer.start(60 * 1000);   // the store fails for now: look again in a minute
        return;
    }
    const std::optional<BotRecord> bot = entry ? (*entry)->bot : std::optional<BotRecord>();
    if (!bot || bot->blocked(wallMs())) {
        qCInfo(lcRelay) << "Closing the session of a bot that expired or is gone";
        session.closeWith(QWebSocketProtocol::CloseCodePolicyViolated,
                          !bot ? u"the bot was deleted"_s
                               : bot->revoked() ? u"the bot was revoked"_s : u"the bot's credential expired"_s);
        return;
    }
    armBotExpiry(session, bot->expiresAt);
}

// The session is this device's from now on: registered with the router (replacing an older session of the same
// device), welcomed (with a fresh resumption credential after a challenge login), its login recorded, and its
// queue streamed.
void startSession(SessionContext &session, quint64 requestId, LoginCheck login)
{
    session.authenticated = true;
    session.authTimer.stop();
    session.admission.reset();
    session.userName = login.account.name;
    session.userId = login.account.id;
    session.deviceNo = login.device.deviceNo;
    session.deviceId = login.device.id;
    session.devicePub = login.device.pub;
    session.deviceKey = std::move(login.key);    // null after a resumed login
    if (login.bot) {
        session.bot = true;
        session.botTimer.setSingleShot(true);
        session.botTimer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&session.botTimer, &QTimer::timeout, session.q, [&session] { onBotExpiry(session); });
        armBotExpiry(session, login.bot->expiresAt);
    }

    // Register before the backlog read: whatever commits after the read then reaches this session live.
    const Router::Route replaced = session.services.router->attach(session.deviceId, session.worker, session.id);
    if (replaced)
        session.services.router->closeSession(replaced, QWebSocketProtocol::CloseCodeNormal, u"replaced"_s);

    const qint64 now = wallMs();
    const std::optional<IssuedResume> issued = login.resumed ? std::nullopt : issueResume(session, now);
    protocol::Welcome welcome;
    welcome.prekeys = quint64(login.prekeys);
    welcome.lr = login.device.lastResort.has_value();
    welcome.queued = quint64(login.queued);
    if (issued) {
        welcome.resume = issued->credential;
        welcome.resumeExp = quint64(issued->expiresAt);
    }
    session.sendEncoded(welcome.encode(requestId));
    if (login.prekeys < RefillThreshold)
        session.sendEncoded(protocol::Refill{quint64(std::max<qint64>(0, login.prekeys))}.encode());
    qCDebug(lcRelay) << (login.resumed ? "Device logged in (resumed)" : "Device logged in");
    recordLogin(session, login, issued, now);

    session.deliveries = std::make_unique<Deliveries>(*session.services.store, session.deviceId, session.socket, *session.host.scratch, [&session](const Error &) {
        session.sendError(WireError::Internal, u"the server could not read the message queue"_s, 0);
        session.closeWith(QWebSocketProtocol::CloseCodeBadOperation, u"internal error"_s);
    });
    session.deliveries->start();
}

void countLogin(const SessionContext &session, RelayMetrics::Login result)
{
    if (session.services.metrics)
        session.services.metrics->login(result);
}

} // namespace

void handleLogin(SessionContext &session, const Frame &f)
{
    if (session.authenticated) {
        session.sendError(WireError::AlreadyAuthenticated, u"this connection is logged in"_s, f.id);
        return;
    }
    const protocol::Login login = protocol::Login::from(f);
    if (login.sig.has_value() == login.resume.has_value()) {
        // A frame the schema cannot refuse on its own; refused like one, the challenge unspent.
        session.refuse(WireError::BadField, login.sig ? u"resume: a login has either sig or resume"_s
                                                      : u"sig: a login needs sig or resume"_s, f.id);
        return;
    }
    if (login.resume) {
        // One attempt per connection; a refused one leaves the challenge for a challenge login.
        if (std::exchange(session.resumeTried, true)) {
            countLogin(session, RelayMetrics::Login::Failed);
            failLogin(session, WireError::ResumeFailed, u"one resumption attempt per connection"_s, f.id);
            return;
        }
        std::optional<LoginCheck> resumed = verifyResume(session, f.id, login);
        countLogin(session, resumed ? RelayMetrics::Login::Resumed : RelayMetrics::Login::Failed);
        if (resumed)
            startSession(session, f.id, std::move(*resumed));
        return;
    }
    // The challenge is single use: whatever happens next, it is spent.
    const QByteArray spent = std::exchange(session.challenge, QByteArray());
    std::optional<LoginCheck> verified = verifyLogin(session, f.id, login, spent);
    countLogin(session, verified ? RelayMetrics::Login::Ok : RelayMetrics::Login::Failed);
    if (verified)
        startSession(session, f.id, std::move(*verified));
}

} // namespace parley::server
