#include "verifycommand.h"

#include "session.h"

#include "protocol/messages.h"
#include "sdk/safetycode.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::cli {

class VerifyCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    void print(const QString &user);
    void fetchAndPin(const QString &user);

    Session &session;
    quint64 request = 0;
};

void VerifyCommand::Private::print(const QString &user)
{
    const sdk::ProfileSettings &s = session.profile().settings();
    const std::optional<sdk::TrustStore::Entry> pinned = session.profile().trust().entry(user);
    writeLine(stdout, u"safety code of %1 and %2:"_s.arg(s.user, user));
    writeLine(stdout, sdk::safetyCode(s.user, s.rootPub, user, pinned->root));
    writeLine(stdout, u"%1 must see the same code on their side; if not, do not trust this conversation."_s.arg(user));
    session.finish(ExitOk);
}

// Asks the server for USER's root key (the `devices` request) and pins it on first use.
void VerifyCommand::Private::fetchAndPin(const QString &user)
{
    sdk::Client &client = session.makeClient();
    client.setReceiveEnabled(false);
    QObject::connect(&client, &sdk::Client::frameReceived, &session, [this, user](const protocol::Frame &f) {
        if (request == 0 || f.id != request)
            return;
        request = 0;
        if (f.type != protocol::DeviceList::Type)
            return session.fail(u"cannot fetch the root key of %1 (%2)"_s.arg(user, f.type));
        for (const protocol::DirectoryUser &listed : protocol::DeviceList::from(f).users) {
            if (listed.user != user)
                continue;
            session.profile().trust().observe(user, listed.root, QDateTime::currentMSecsSinceEpoch());
            if (Status st = session.profile().saveTrust(); !st)
                return session.fail(st.error().message);
            return print(user);
        }
        session.fail(u"no such user: %1"_s.arg(user));
    });
    QObject::connect(&client, &sdk::Client::loggedIn, &session, [this, &client, user] {
        request = client.sendFrame(protocol::toFrame(protocol::Devices{{user}}));
    });
    client.connectToServer();
}

VerifyCommand::VerifyCommand(Session &session) : d(std::make_unique<Private>(session)) {}

VerifyCommand::~VerifyCommand() = default;

std::optional<int> VerifyCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (args.size() != 1 || !protocol::isValidUserName(args.first())) {
        s.fail(u"usage: parley verify USER"_s, ExitUsage);
        return std::nullopt;
    }
    if (!s.openProfile())
        return std::nullopt;
    const QString user = args.first();
    if (user == s.profile().settings().user) {
        s.fail(u"a safety code is of two users: name the other one"_s, ExitUsage);
        return std::nullopt;
    }
    if (s.profile().trust().entry(user))
        d->print(user);
    else
        d->fetchAndPin(user);
    return std::nullopt;
}

} // namespace parley::cli
