#include "relay/turnrequests.h"

#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "relay/sessioncontext.h"
#include "relay/turnsettings.h"

using namespace Qt::StringLiterals;

namespace parley::server {

void handleTurn(SessionContext &session, const Frame &f)
{
    if (RateLimiter *limiter = session.services.turnLimiter) {
        if (const qint64 wait = limiter->take(RateLimiter::Key{session.deviceId, 0}, monotonicMs())) {
            session.sendRateLimited(wait, f.id);
            return;
        }
    }
    TurnSettings *turn = session.services.turn;
    auto issued = turn ? turn->issue(session.userName, session.deviceNo, wallMs() / 1000)
                       : Result<std::optional<TurnCredentials>>(std::optional<TurnCredentials>());
    if (!issued) {
        qCWarning(lcRelay) << "Issuing TURN credentials failed:" << issued.error().message;
        session.sendError(WireError::Internal, u"TURN credentials could not be made"_s, f.id);
        return;
    }
    if (!*issued) {
        session.sendError(WireError::Unavailable, u"this server has no TURN relay configured"_s, f.id);
        return;
    }
    const TurnCredentials &c = **issued;
    protocol::TurnCreds reply;
    reply.uris = c.uris;
    reply.user = c.user;
    reply.pass = c.password;
    reply.ttl = quint64(c.ttlSeconds);
    session.sendEncoded(reply.encode(f.id));
}

} // namespace parley::server
