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

    // The number of seconds option NAME gives (0 when it is not set); nullopt after reporting a bad value.
    std::optional<int> seconds(const QString &name) const;
    void startWaiting();

    Session &session;
    bool json = false;
    int waitSeconds = 0;
    int idleSeconds = 0;   // --until-idle: the wait ends this long after the last message
    bool synced = false;
    QTimer idle;
};

std::optional<int> ReceiveCommand::Private::seconds(const QString &name) const
{
    if (!session.parser().isSet(name))
        return 0;
    bool ok = false;
    const int value = session.parser().value(name).toInt(&ok);
    if (!ok || value < 0 || value > 7 * 24 * 3600) {
        session.fail(u"--%1 takes a number of seconds"_s.arg(name), ExitUsage);
        return std::nullopt;
    }
    return value;
}

// After the backlog: the wait ends after --wait SECONDS, or --until-idle SECONDS after the last message (the end of
// the backlog counts as one), whichever comes first.
void ReceiveCommand::Private::startWaiting()
{
    if (waitSeconds == 0 && idleSeconds == 0)
        return session.finish(ExitOk);
    session.stopWatchdog();   // silence is normal from here on
    if (waitSeconds > 0)
        QTimer::singleShot(waitSeconds * 1000, &session, [this] { session.finish(ExitOk); });
    if (idleSeconds > 0) {
        idle.setSingleShot(true);
        idle.setInterval(idleSeconds * 1000);
        QObject::connect(&idle, &QTimer::timeout, &session, [this] { session.finish(ExitOk); });
        idle.start();
    }
}

ReceiveCommand::ReceiveCommand(Session &session) : d(std::make_unique<Private>(session)) {}

ReceiveCommand::~ReceiveCommand() = default;

std::optional<int> ReceiveCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (!args.isEmpty()) {
        s.fail(u"usage: parley receive [--wait SECONDS] [--until-idle SECONDS] [--json]"_s, ExitUsage);
        return std::nullopt;
    }
    d->json = s.parser().isSet(u"json"_s);
    const std::optional<int> wait = d->seconds(u"wait"_s);
    if (!wait)
        return std::nullopt;
    const std::optional<int> idle = d->seconds(u"until-idle"_s);
    if (!idle)
        return std::nullopt;
    d->waitSeconds = *wait;
    d->idleSeconds = *idle;
    if (!s.openProfile())
        return std::nullopt;
    sdk::Client &client = s.makeClient();
    QObject::connect(&client, &sdk::Client::messageReceived, &s, [this](const sdk::IncomingMessage &m) {
        print(m);
        if (d->idle.isActive())
            d->idle.start();
    });
    QObject::connect(&client, &sdk::Client::verificationFailed, &s,
                     [this](const QString &from, quint32 device, const QString &reason) {
                         writeLine(stderr, u"parley: warning: a message from %1#%2 failed verification: %3"_s
                                               .arg(from).arg(device).arg(oneLine(reason)));
                         printRejected(from, device, reason);
                     });
    QObject::connect(&client, &sdk::Client::identityChanged, &s, [](const QString &user) {
        writeLine(stderr, u"parley: warning: the root key of %1 differs from the one pinned for %1; check it "
                          u"with them, then run `parley trust %1`"_s.arg(user));
    });
    QObject::connect(&client, &sdk::Client::synced, &s, [this] {
        if (d->synced)
            return;
        d->synced = true;
        d->startWaiting();
    });
    client.connectToServer();
    return std::nullopt;
}

// With --json, a dropped message is a record of its own: {"rejected": true, "from", "device", "reason": CODE,
// "detail"}. A message from a changed identity is not dropped (it is printed unverified), so it gets none.
void ReceiveCommand::printRejected(const QString &from, quint32 device, const QString &reason) const
{
    const qsizetype colon = reason.indexOf(u": "_s);
    const QString code = colon > 0 ? reason.left(colon) : reason;
    if (!d->json || code == u"identity_changed"_s)
        return;
    QJsonObject o;
    o.insert(u"rejected"_s, true);
    o.insert(u"from"_s, from);
    o.insert(u"device"_s, qint64(device));
    o.insert(u"reason"_s, code);
    o.insert(u"detail"_s, colon > 0 ? reason.mid(colon + 2) : QString());
    writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
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
        if (m.previousKey)
            o.insert(u"previous_key"_s, true);
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
    const QString mark = !m.verified ? u" (unverified)"_s
        : m.previousKey              ? u" (from a previous key of %1)"_s.arg(m.from)
                                     : QString();
    writeLine(stdout, u"[%1] %2#%3%4%5: %6"_s.arg(when, m.from).arg(m.device).arg(where, mark, m.text));
}

} // namespace parley::cli
