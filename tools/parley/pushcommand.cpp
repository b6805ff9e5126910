#include "pushcommand.h"

#include "pushargs.h"
#include "protocol/messages.h"
#include "session.h"

using namespace Qt::StringLiterals;

namespace parley::cli {

class PushCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
};

PushCommand::PushCommand(Session &session) : d(std::make_unique<Private>(session)) {}

PushCommand::~PushCommand() = default;

std::optional<int> PushCommand::start(const QStringList &args)
{
    Session &s = d->session;
    auto frame = pushFrame(args, s.parser().value(u"topic"_s));
    if (!frame) {
        s.fail(frame.error().message, ExitUsage);
        return std::nullopt;
    }
    if (!s.openProfile())
        return std::nullopt;
    sdk::Client &client = s.makeClient();
    client.setReceiveEnabled(false);
    auto requestId = std::make_shared<quint64>(0);
    const bool removing = frame->type == protocol::PushRemove::Type;
    QObject::connect(&client, &sdk::Client::loggedIn, &s,
                     [&client, f = *frame, requestId] { *requestId = client.sendFrame(f); });
    QObject::connect(&client, &sdk::Client::frameReceived, &s,
                     [&s, requestId, removing](const protocol::Frame &reply) {
                         if (*requestId == 0 || reply.id != *requestId)
                             return;
                         if (reply.type == protocol::Ok::Type) {
                             writeLine(stdout, removing ? u"push token removed"_s : u"push token registered"_s);
                             return s.finish(ExitOk);
                         }
                         if (reply.type == protocol::ErrorReply::Type) {
                             const protocol::ErrorReply error = protocol::ErrorReply::from(reply);
                             s.fail(u"%1 (%2)"_s.arg(error.msg, protocol::wireErrorName(error.code)));
                         }
                     });
    client.connectToServer();
    return std::nullopt;
}

} // namespace parley::cli
