#include "turncommand.h"

#include "output.h"
#include "session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace parley::cli {

class TurnCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
};

TurnCommand::TurnCommand(Session &session) : d(std::make_unique<Private>(session)) {}

TurnCommand::~TurnCommand() = default;

std::optional<int> TurnCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (!args.isEmpty()) {
        s.fail(u"turn takes no arguments"_s, ExitUsage);
        return std::nullopt;
    }
    if (!s.openProfile())
        return std::nullopt;
    const bool json = s.parser().isSet(u"json"_s);
    sdk::Client &client = s.makeClient();
    client.setReceiveEnabled(false);
    QObject::connect(&client, &sdk::Client::loggedIn, &s, [&s, &client, json] {
        client.turnCredentials(&s, [&s, json](Result<sdk::TurnCredentials> r) {
            if (!r)
                return s.fail(r.error().message);
            const sdk::TurnCredentials &c = *r;
            const QString expires = c.expiresAt.toUTC().toString(Qt::ISODate);
            if (json) {
                QJsonObject o;
                o.insert(u"uris"_s, QJsonArray::fromStringList(c.uris));
                o.insert(u"user"_s, c.user);
                o.insert(u"password"_s, c.password);
                o.insert(u"ttl"_s, qint64(c.ttlSeconds));
                o.insert(u"expires"_s, expires);
                writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
            } else {
                for (const QString &uri : c.uris)
                    writeLine(stdout, u"uri "_s + uri);
                writeLine(stdout, u"user "_s + c.user);
                writeLine(stdout, u"password "_s + c.password);
                writeLine(stdout, u"expires "_s + expires);
                writeLine(stdout, u"ttl "_s + QString::number(c.ttlSeconds));
            }
            s.finish(ExitOk);
        });
    });
    client.connectToServer();
    return std::nullopt;
}

} // namespace parley::cli
