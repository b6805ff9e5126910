#include "sendcommand.h"

#include "session.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {
constexpr qsizetype MaxStdinBytes = 1024 * 1024;
}

class SendCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
    bool sent = false;
    bool prekeysSettled = false;
};

SendCommand::SendCommand(Session &session) : d(std::make_unique<Private>(session)) {}

SendCommand::~SendCommand() = default;

std::optional<int> SendCommand::start(const QStringList &args)
{
    Session &s = d->session;
    const QString room = s.parser().value(u"room"_s);
    if ((room.isEmpty() && args.size() < 2) || (!room.isEmpty() && args.size() != 1)) {
        s.fail(u"usage: parley send USER [USER...] TEXT | parley send --room ROOM TEXT"_s, ExitUsage);
        return std::nullopt;
    }
    if (!room.isEmpty() && !protocol::isValidUserName(room)) {
        s.fail(u"invalid room name \"%1\""_s.arg(room), ExitUsage);
        return std::nullopt;
    }
    const std::optional<sdk::MessageOptions> options = s.messageOptions();
    if (!options)
        return std::nullopt;
    const QStringList users = args.mid(0, args.size() - 1);
    for (const QString &u : users) {
        if (!protocol::isValidUserName(u)) {
            s.fail(u"invalid user name \"%1\""_s.arg(u), ExitUsage);
            return std::nullopt;
        }
    }
    const std::optional<QString> text = readText(args.last());
    if (!text || !s.openProfile())
        return std::nullopt;
    sdk::Client &client = s.makeClient();
    client.setReceiveEnabled(false);
    if (!room.isEmpty())
        s.makeRooms();
    QObject::connect(&client, &sdk::Client::loggedIn, &s, [this, users, text, room, options] {
        const auto done = [this](const QByteArray &mid) { onSent(mid); };
        if (!room.isEmpty()) {
            return d->session.rooms().send(room, *text, *options, &d->session, [this, done](Result<QByteArray> mid) {
                if (!mid)
                    return d->session.fail(u"message not sent: %1"_s.arg(mid.error().message));
                done(mid.value());
            });
        }
        protocol::MessageOptions opts;
        if (options->expireSeconds > 0)
            opts.exp = options->expireSeconds;
        if (options->burnOnRead)
            opts.burn = true;
        d->session.client().send(users, *text, opts, &d->session, [this, done](const sdk::SendResult &result) {
            if (const auto *failure = std::get_if<sdk::SendFailure>(&result))
                return d->session.fail(u"message not sent: %1"_s.arg(failure->message));
            done(std::get<sdk::SendAccepted>(result).mid);
        });
    });
    QObject::connect(&client, &sdk::Client::prekeysReady, &s, [this](int) {
        d->prekeysSettled = true;
        maybeFinish();
    });
    client.connectToServer();
    return std::nullopt;
}

std::optional<QString> SendCommand::readText(const QString &arg)
{
    QString text = arg;
    if (text == u"-"_s) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            d->session.fail(u"cannot read standard input"_s);
            return std::nullopt;
        }
        const QByteArray bytes = in.read(MaxStdinBytes + 1);
        if (bytes.size() > MaxStdinBytes) {
            d->session.fail(u"the message on standard input is too long"_s);
            return std::nullopt;
        }
        text = QString::fromUtf8(bytes);
        if (text.endsWith(u'\n'))
            text.chop(1);
    }
    if (Result<QByteArray> plain = sdk::Envelope::encodePlaintext(text); !plain) {
        d->session.fail(plain.error().message);
        return std::nullopt;
    }
    return text;
}

void SendCommand::onSent(const QByteArray &mid)
{
    d->sent = true;
    writeLine(stdout, QString::fromLatin1(mid.toHex()));
    maybeFinish();
}

void SendCommand::maybeFinish()
{
    // Let a prekey upload started at login finish, so the server does not run dry.
    if (d->sent && (d->prekeysSettled || !d->session.client().prekeyUploadPending()))
        d->session.finish(ExitOk);
}

} // namespace parley::cli
