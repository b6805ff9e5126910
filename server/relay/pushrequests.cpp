#include "relay/pushrequests.h"

#include "relay/sessioncontext.h"
#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "push/pushservice.h"
#include "relay/devicedirectory.h"
#include "relay/ratelimiter.h"
#include "relay/relaylog.h"
#include "store/pushstore.h"
#include "store/roomstore.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <chrono>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {



void handlePushRegister(SessionContext &session, const Frame &f)
{
    const QString kind = f.text("kind"_L1);
    if (!session.services.push || !session.services.push->supports(kind)) {
        session.sendError(WireError::Unavailable, u"this server does not send %1 pushes"_s.arg(kind), f.id);
        return;
    }
    auto token = PushToken::make(kind, f.text("token"_L1), f.text("topic"_L1), f.text("endpoint"_L1),
                                 f.bytes("p256dh"_L1), f.bytes("auth"_L1));
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
            p->sendFrame(Frame(u"ok"_s, requestId));
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
                    p->sendFrame(Frame(u"ok"_s, requestId));
                });
}

} // namespace parley::server
