#include "pushargs.h"

#include "protocol/messages.h"

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {

const QString PushUsage = u"usage: parley push register apns TOKEN [--topic TOPIC] | push register fcm TOKEN | "
                          u"push register webpush ENDPOINT P256DH AUTH | push remove"_s;

Result<QByteArray> base64url(const QString &text, const QString &what, qsizetype size)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::Base64UrlEncoding
                                                                              | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != size)
        return makeError(ErrorCode::InvalidArgument, u"%1 must be %2 bytes in base64url"_s.arg(what).arg(size));
    return decoded.decoded;
}

} // namespace

Result<protocol::Frame> pushFrame(const QStringList &args, const QString &topic)
{
    const Error usage = makeError(ErrorCode::InvalidArgument, PushUsage);
    if (args.isEmpty())
        return usage;
    if (args.first() == u"remove"_s) {
        if (args.size() != 1 || !topic.isEmpty())
            return usage;
        return protocol::toFrame(protocol::PushRemove{});
    }
    if (args.first() != u"register"_s || args.size() < 3)
        return usage;
    const QString kind = args.at(1);
    protocol::PushRegister request;
    request.kind = kind;
    if (kind == u"apns"_s && args.size() == 3) {
        request.token = args.at(2);
        if (!topic.isEmpty())
            request.topic = topic;
        return protocol::toFrame(request);
    }
    if (!topic.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"--topic applies to apns registrations only"_s);
    if (kind == u"fcm"_s && args.size() == 3) {
        request.token = args.at(2);
        return protocol::toFrame(request);
    }
    if (kind == u"webpush"_s && args.size() == 5) {
        auto p256dh = base64url(args.at(3), u"P256DH"_s, 65);
        if (!p256dh)
            return p256dh.error();
        auto auth = base64url(args.at(4), u"AUTH"_s, 16);
        if (!auth)
            return auth.error();
        request.endpoint = args.at(2);
        request.p256dh = *p256dh;
        request.auth = *auth;
        return protocol::toFrame(request);
    }
    return usage;
}

} // namespace parley::cli
