#include "sendcommand.h"

#include "session.h"

#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {
constexpr qsizetype MaxStdinBytes = 1024 * 1024;
}

class SendCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
    QStringList users;
    QString room;
    QString text;
    protocol::MessageOptions options;
    sdk::MessageOptions roomOptions;
    QStringList files;                 // absolute paths, in the order given
    QList<sdk::FileRef> uploaded;
    bool sent = false;
    bool prekeysSettled = false;
};

SendCommand::SendCommand(Session &session) : d(std::make_unique<Private>(session)) {}

SendCommand::~SendCommand() = default;

std::optional<int> SendCommand::start(const QStringList &args)
{
    Session &s = d->session;
    const QString room = s.parser().value(u"room"_s);
    const QStringList files = s.parser().values(u"file"_s);
    // With --file the text is optional: `send USER --file F` sends the file alone; with more than one argument the
    // last one is the text, as without --file.
    const qsizetype minArgs = room.isEmpty() ? (files.isEmpty() ? 2 : 1) : (files.isEmpty() ? 1 : 0);
    const bool tooMany = !room.isEmpty() && args.size() > 1;
    if (args.size() < minArgs || tooMany) {
        s.fail(u"usage: parley send USER [USER...] TEXT | parley send USER [USER...] --file PATH [TEXT] | "
               u"parley send --room ROOM [--file PATH] TEXT"_s,
               ExitUsage);
        return std::nullopt;
    }
    if (!room.isEmpty() && !protocol::isValidUserName(room)) {
        s.fail(u"invalid room name \"%1\""_s.arg(room), ExitUsage);
        return std::nullopt;
    }
    if (files.size() > sdk::FileRef::MaxFiles) {
        s.fail(u"at most %1 files per message"_s.arg(sdk::FileRef::MaxFiles), ExitUsage);
        return std::nullopt;
    }
    for (const QString &f : files) {
        const QFileInfo info(f);
        if (!info.exists() || !info.isFile() || !info.isReadable()) {
            s.fail(u"%1: %2"_s.arg(f, !info.exists() ? u"no such file"_s
                                      : !info.isFile() ? u"not a regular file"_s
                                                       : u"not readable"_s));
            return std::nullopt;
        }
        d->files.append(info.absoluteFilePath());
    }
    const std::optional<sdk::MessageOptions> options = s.messageOptions();
    if (!options)
        return std::nullopt;
    const bool hasText = room.isEmpty() ? (files.isEmpty() || args.size() >= 2) : args.size() == 1;
    const QStringList users = room.isEmpty() ? (hasText ? args.mid(0, args.size() - 1) : args) : QStringList();
    for (const QString &u : users) {
        if (!protocol::isValidUserName(u)) {
            s.fail(u"invalid user name \"%1\""_s.arg(u), ExitUsage);
            return std::nullopt;
        }
    }
    std::optional<QString> text = QString();
    if (hasText)
        text = readText(args.last());
    if (!text || !s.openProfile())
        return std::nullopt;
    d->users = users;
    d->room = room;
    d->text = *text;
    d->roomOptions = *options;
    if (options->expireSeconds > 0)
        d->options.exp = options->expireSeconds;
    if (options->burnOnRead)
        d->options.burn = true;
    sdk::Client &client = s.makeClient();
    client.setReceiveEnabled(false);
    if (!room.isEmpty())
        s.makeRooms();
    QObject::connect(&client, &sdk::Client::loggedIn, &s, [this] { uploadNext(); });
    QObject::connect(&client, &sdk::Client::prekeysReady, &s, [this](int) {
        d->prekeysSettled = true;
        maybeFinish();
    });
    client.connectToServer();
    return std::nullopt;
}

// Uploads the files one after the other, then sends the message. An upload's resume state is kept in the profile
// as soon as the server named its blob, so a run that dies resumes it in the next run from the last acknowledged
// byte (the file must be unchanged); it is dropped once the message was accepted.
void SendCommand::uploadNext()
{
    Session &s = d->session;
    if (d->uploaded.size() == d->files.size())
        return sendMessage();
    const QString path = d->files.at(d->uploaded.size());
    const QString name = QFileInfo(path).fileName();
    sdk::UploadOptions opts;
    opts.resumeState = s.profile().pendingUploads().value(path).toByteArray();
    sdk::Upload *upload = s.client().upload(path, opts, &s);
    auto progress = std::make_shared<ProgressLine>(u"uploading %1"_s.arg(name));
    auto announced = std::make_shared<bool>(false);
    QObject::connect(upload, &sdk::Upload::progress, &s, [this, upload, path, name, progress, announced](qint64 done, qint64 total) {
        if (!*announced) {
            *announced = true;
            if (upload->resumedAt() > 0)
                writeLine(stderr, u"parley: resuming %1 at %2 of %3"_s.arg(name, formatBytes(upload->resumedAt()),
                                                                           formatBytes(total)));
            const QByteArray state = upload->resumeState();
            QCborMap &pending = d->session.profile().pendingUploads();
            if (pending.value(path).toByteArray() != state) {
                pending.insert(path, state);
                if (Status saved = d->session.profile().savePendingUploads(); !saved)
                    writeLine(stderr, u"parley: warning: the upload cannot be resumed in a later run: %1"_s
                                          .arg(saved.error().message));
            }
        }
        progress->update(done, total);
    });
    QObject::connect(upload, &sdk::Upload::interrupted, &s, [this, upload, name, progress](const QString &reason) {
        progress->close();
        d->session.fail(u"the connection closed while %1 was uploading (%2); %3 of %4 are on the server: run the "
                        u"same command again to resume"_s
                            .arg(name, oneLine(reason), formatBytes(upload->done()), formatBytes(upload->total())));
    });
    QObject::connect(upload, &sdk::Upload::failed, &s, [this, path, progress](const QString &message) {
        progress->close();
        d->session.profile().pendingUploads().remove(path);
        (void)d->session.profile().savePendingUploads();
        d->session.fail(u"file not sent: %1"_s.arg(oneLine(message)));
    });
    QObject::connect(upload, &sdk::Upload::finished, &s, [this, upload, progress](const sdk::FileRef &ref) {
        progress->close();
        d->uploaded.append(ref);
        upload->deleteLater();
        uploadNext();
    });
}

void SendCommand::sendMessage()
{
    const sdk::MessageContent content{d->text, std::nullopt, d->uploaded};
    if (!d->room.isEmpty()) {
        return d->session.rooms().send(d->room, content, d->roomOptions, &d->session,
                                       [this](Result<QByteArray> mid) {
                                           if (!mid)
                                               return d->session.fail(u"message not sent: %1"_s.arg(mid.error().message));
                                           onSent(mid.value());
                                       });
    }
    d->session.client().send(d->users, content, d->options, &d->session, [this](const sdk::SendResult &result) {
        if (const auto *failure = std::get_if<sdk::SendFailure>(&result))
            return d->session.fail(u"message not sent: %1"_s.arg(failure->message));
        onSent(std::get<sdk::SendAccepted>(result).mid);
    });
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
    if (!d->files.isEmpty()) {
        for (const QString &path : std::as_const(d->files))
            d->session.profile().pendingUploads().remove(path);
        if (Status saved = d->session.profile().savePendingUploads(); !saved)
            writeLine(stderr, u"parley: warning: %1"_s.arg(saved.error().message));
    }
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
