#include "pushcommand.h"

#include "pushargs.h"
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
    const bool removing = frame->type == u"push_remove"_s;
    QObject::connect(&client, &sdk::Client::loggedIn, &s,
                     [&client, f = *frame, requestId] { *requestId = client.sendFrame(f); });
    QObject::connect(&client, &sdk::Client::frameReceived, &s,
                     [&s, requestId, removing](const protocol::Frame &reply) {
                         if (*requestId == 0 || reply.id != *requestId)
                             return;
                         if (reply.type == u"ok"_s) {
                             writeLine(stdout, removing ? u"push token removed"_s : u"push token registered"_s);
                             return s.finish(ExitOk);
                         }
                         if (reply.type == u"error"_s)
                             s.fail(u"%1 (%2)"_s.arg(reply.text("msg"_L1), reply.text("code"_L1)));
                     });
    client.connectToServer();
    return std::nullopt;
}

} // namespace parley::cli
