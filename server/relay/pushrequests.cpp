#include "relay/pushrequests.h"

#include "relay/sessioncontext.h"
#include "protocol/messages.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "relay/devicedirectory.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "store/pushstore.h"
#include "store/roomstore.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {



void handlePushRegister(SessionContext &session, const Frame &f)
{
    const protocol::PushRegister request = protocol::PushRegister::from(f);
    if (!session.services.push || !session.services.push->supports(request.kind)) {
        session.sendError(WireError::Unavailable, u"this server does not send %1 pushes"_s.arg(request.kind), f.id);
        return;
    }
    // Which of the optional fields a kind needs is checked here, not by the schema (docs/push.md).
    auto token = PushToken::make(request.kind, request.token.value_or(QString()), request.topic.value_or(QString()),
                                 request.endpoint.value_or(QString()), request.p256dh.value_or(QByteArray()),
                                 request.auth.value_or(QByteArray()));
    if (!token) {
        session.refuse(WireError::BadField, token.error().message, f.id);
        return;
    }
    if (token->kind == PushKind::WebPush) {
        if (Status s = session.services.push->checkWebPushEndpoint(QUrl(token->token)); !s) {
            session.refuse(WireError::BadField, s.error().message, f.id);
            return;
        }
    }
    const quint64 requestId = f.id;
    session.write<bool>(
        [device = session.deviceId, t = *token, now = wallMs()](Db &db) -> Result<bool> {
            if (Status s = PushStore::putToken(db, device, t, now); !s)
                return s.error();
            return true;
        },
        [requestId](SessionContext *p, Result<bool> r) {
            if (!p)
                return;
            if (!r) {
                qCWarning(lcRelay) << "Storing a push token failed:" << r.error().message;
                p->sendStoreError(r.error(), requestId);
                return;
            }
            p->sendEncoded(protocol::Ok().encode(requestId));
        });
}

void handlePushRemove(SessionContext &session, const Frame &f)
{
    const quint64 requestId = f.id;
    session.write<bool>([device = session.deviceId](Db &db) { return PushStore::removeToken(db, device); },
                [requestId](SessionContext *p, Result<bool> r) {
                    if (!p)
                        return;
                    if (!r) {
                        qCWarning(lcRelay) << "Removing a push token failed:" << r.error().message;
                        p->sendStoreError(r.error(), requestId);
                        return;
                    }
                    p->sendEncoded(protocol::Ok().encode(requestId));
                });
}

} // namespace parley::server
