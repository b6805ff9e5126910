#include "receivecommand.h"

#include "session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::cli {

class ReceiveCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
    bool json = false;
    int waitSeconds = 0;
    bool synced = false;
};

ReceiveCommand::ReceiveCommand(Session &session) : d(std::make_unique<Private>(session)) {}

ReceiveCommand::~ReceiveCommand() = default;

std::optional<int> ReceiveCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (!args.isEmpty()) {
        s.fail(u"usage: parley receive [--wait SECONDS] [--json]"_s, ExitUsage);
        return std::nullopt;
    }
    d->json = s.parser().isSet(u"json"_s);
    if (s.parser().isSet(u"wait"_s)) {
        bool ok = false;
        d->waitSeconds = s.parser().value(u"wait"_s).toInt(&ok);
        if (!ok || d->waitSeconds < 0 || d->waitSeconds > 7 * 24 * 3600) {
            s.fail(u"--wait takes a number of seconds"_s, ExitUsage);
            return std::nullopt;
        }
    }
    if (!s.openProfile())
        return std::nullopt;
    sdk::Client &client = s.makeClient();
    QObject::connect(&client, &sdk::Client::messageReceived, &s, [this](const sdk::IncomingMessage &m) { print(m); });
    QObject::connect(&client, &sdk::Client::verificationFailed, &s,
                     [](const QString &from, quint32 device, const QString &reason) {
                         writeLine(stderr, u"parley: warning: a message from %1#%2 failed verification: %3"_s
                                               .arg(from).arg(device).arg(oneLine(reason)));
                     });
    QObject::connect(&client, &sdk::Client::identityChanged, &s, [](const QString &user) {
        writeLine(stderr, u"parley: warning: the root key of %1 differs from the one pinned for %1; check it "
                          u"with them, then run `parley trust %1`"_s.arg(user));
    });
    QObject::connect(&client, &sdk::Client::synced, &s, [this] {
        if (d->synced)
            return;
        d->synced = true;
        if (d->waitSeconds == 0)
            return d->session.finish(ExitOk);
        d->session.stopWatchdog();   // silence is normal from here on
        QTimer::singleShot(d->waitSeconds * 1000, &d->session, [this] { d->session.finish(ExitOk); });
    });
    client.connectToServer();
    return std::nullopt;
}

void ReceiveCommand::print(const sdk::IncomingMessage &m) const
{
    if (d->json) {
        QJsonObject o;
        o.insert(u"from"_s, m.from);
        o.insert(u"device"_s, qint64(m.device));
        o.insert(u"sent_at"_s, m.sentAt.toUTC().toString(Qt::ISODateWithMs));
        o.insert(u"text"_s, m.text);
        o.insert(u"mid"_s, QString::fromLatin1(m.mid.toHex()));
        o.insert(u"seq"_s, qint64(m.seq));
        o.insert(u"verified"_s, m.verified);
        o.insert(u"to"_s, QJsonArray::fromStringList(m.to));
        if (!m.room.isEmpty())
            o.insert(u"room"_s, m.room);
        if (m.burnOnRead)
            o.insert(u"burn"_s, true);
        writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        return;
    }
    const QString when = m.sentAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    const QString where = m.room.isEmpty() ? QString() : u" in %1"_s.arg(m.room);
    writeLine(stdout, u"[%1] %2#%3%4%5: %6"_s.arg(when, m.from).arg(m.device)
                          .arg(where, m.verified ? QString() : u" (unverified)"_s, m.text));
}

} // namespace parley::cli
