#include "relay/turnrequests.h"

#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "relay/sessioncontext.h"
#include "relay/turnsettings.h"
#include "store/sharedlimits.h"

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

void issue(SessionContext &session, quint64 requestId)
{
    TurnSettings *turn = session.services.turn;
    auto issued = turn ? turn->issue(session.userName, session.deviceNo, wallMs() / 1000)
                       : Result<std::optional<TurnCredentials>>(std::optional<TurnCredentials>());
    if (!issued) {
        qCWarning(lcRelay) << "Issuing TURN credentials failed:" << issued.error().message;
        session.sendError(WireError::Internal, u"TURN credentials could not be made"_s, requestId);
        return;
    }
    if (!*issued) {
        session.sendError(WireError::Unavailable, u"this server has no TURN relay configured"_s, requestId);
        return;
    }
    const TurnCredentials &c = **issued;
    protocol::TurnCreds reply;
    reply.uris = c.uris;
    reply.user = c.user;
    reply.pass = c.password;
    reply.ttl = quint64(c.ttlSeconds);
    session.sendEncoded(reply.encode(requestId));
}

} // namespace

void handleTurn(SessionContext &session, const Frame &f)
{
    if (RateLimiter *limiter = session.services.turnLimiter) {
        if (const qint64 wait = limiter->take(RateLimiter::Key{session.deviceId, 0}, monotonicMs())) {
            session.sendRateLimited(wait, f.id);
            return;
        }
    }
    if (!session.services.sharedLimits) {
        issue(session, f.id);
        return;
    }
    // With several nodes, the device's bucket every node counts too: a device that moves to another node finds its
    // credentials counted there.
    const quint64 requestId = f.id;
    const qint64 device = session.deviceId;
    const double rate = session.services.limits.turnRate;
    const double burst = session.services.limits.turnBurst;
    session.write<qint64>(
        [device, rate, burst](Db &db) { return SharedLimits::take(db, SharedLimits::Turn, {{device, 0}}, rate, burst, wallMs()); },
        [requestId](SessionContext *p, Result<qint64> wait) {
            if (!p)
                return;
            if (!wait)
                p->sendStoreError(wait.error(), requestId);
            else if (*wait > 0)
                p->sendRateLimited(*wait, requestId);
            else
                issue(*p, requestId);
        });
}

} // namespace parley::server
