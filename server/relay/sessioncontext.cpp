#include "relay/sessioncontext.h"

#include "relay/router.h"

#include <QDateTime>

#include <chrono>

using namespace Qt::StringLiterals;

namespace parley::server {

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A store failure the client can do nothing about: the store is closed (shutting down), the storage under it fails
// (Io: disk full, I/O errors, a read-only file system; nothing was stored, the request may be repeated later), or
// anything else.
WireError wireErrorFor(const Error &error)
{
    return error.code == ErrorCode::Unavailable || error.code == ErrorCode::Io ? WireError::Unavailable : WireError::Internal;
}

QString messageFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::Unavailable:
        return u"the server is shutting down"_s;
    case ErrorCode::Io:
        return u"the server cannot store anything at the moment (its storage is failing); try again later"_s;
    default:
        return u"the server could not complete the request"_s;
    }
}

void SessionContext::sendEncoded(const QByteArray &frame)
{
    if (closing)
        return;
    socket->sendBinaryMessage(frame);
}

void SessionContext::sendError(WireError code, const QString &message, quint64 requestId)
{
    sendEncoded(protocol::errorReply(code, message).encode(requestId));
}

void SessionContext::sendStoreError(const Error &error, quint64 requestId)
{
    sendError(wireErrorFor(error), messageFor(error), requestId);
}

void SessionContext::sendRateLimited(qint64 retryMs, quint64 requestId)
{
    protocol::ErrorReply e = protocol::errorReply(WireError::RateLimited, u"too many requests; retry later"_s);
    e.retry = quint64(retryMs);
    sendEncoded(e.encode(requestId));
}

void SessionContext::sendBusy(qint64 retryMs, quint64 requestId)
{
    protocol::ErrorReply e = protocol::errorReply(WireError::Busy, u"the server is busy storing messages; retry later"_s);
    e.retry = quint64(retryMs);
    sendEncoded(e.encode(requestId));
}

void SessionContext::refuse(const protocol::ErrorReply &error, quint64 requestId)
{
    sendEncoded(error.encode(requestId));
    const qint64 now = monotonicMs();
    const qint64 window = qint64(services.limits.refusedWindowSeconds) * 1000;
    while (!refusedAt.isEmpty() && now - refusedAt.first() >= window)
        refusedAt.removeFirst();
    refusedAt.append(now);
    if (refusedAt.size() >= services.limits.refusedFrames)
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, u"too many refused frames"_s);
}

void SessionContext::refuse(WireError code, const QString &message, quint64 requestId)
{
    refuse(protocol::errorReply(code, message), requestId);
}

void SessionContext::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (closing || finished)
        return;
    closing = true;
    authTimer.stop();
    pingTimer.stop();
    socket->close(code, reason);
    // A peer that never answers the close handshake does not keep the session.
    closeTimer.start(CloseGraceMs);
}

void SessionContext::onDisconnected()
{
    if (finished)
        return;
    finished = true;
    closing = true;
    authTimer.stop();
    pingTimer.stop();
    closeTimer.stop();
    if (authenticated)
        services.router->detach(deviceId, id);
    if (onFinished)
        onFinished(id);
}

} // namespace parley::server
