#include "receivecommand.h"

#include "session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::cli {

// What became of one attachment.
struct ReceiveCommand::Saved {
    sdk::FileRef file;
    QString path;    // where it was saved, or empty
    QString error;   // why not
};

class ReceiveCommand::Private {
public:
    struct Entry {
        sdk::IncomingMessage message;
        QList<Saved> files;
        bool done = false;
    };

    explicit Private(Session &s) : session(s) {}

    // The number of seconds option NAME gives (0 when it is not set); nullopt after reporting a bad value.
    std::optional<int> seconds(const QString &name) const;
    void startWaiting();
    // Ends the run once the queue is empty (attachments still downloading finish first).
    void finish()
    {
        finishing = true;
        if (queue.isEmpty())
            session.finish(downloadFailed ? ExitFailure : ExitOk);
    }

    Session &session;
    bool json = false;
    int waitSeconds = 0;
    int idleSeconds = 0;   // --until-idle: the wait ends this long after the last message
    bool synced = false;
    QTimer idle;
    QString saveDir;
    QList<std::shared_ptr<Entry>> queue;   // messages not printed yet, in the order they came
    bool downloading = false;
    bool downloadFailed = false;
    bool finishing = false;
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
        return finish();
    session.stopWatchdog();   // silence is normal from here on
    if (waitSeconds > 0)
        QTimer::singleShot(waitSeconds * 1000, &session, [this] { finish(); });
    if (idleSeconds > 0) {
        idle.setSingleShot(true);
        idle.setInterval(idleSeconds * 1000);
        QObject::connect(&idle, &QTimer::timeout, &session, [this] { finish(); });
        idle.start();
    }
}

ReceiveCommand::ReceiveCommand(Session &session) : d(std::make_unique<Private>(session)) {}

ReceiveCommand::~ReceiveCommand() = default;

std::optional<int> ReceiveCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (!args.isEmpty()) {
        s.fail(u"usage: parley receive [--wait SECONDS] [--until-idle SECONDS] [--json] [--save-dir DIR]"_s, ExitUsage);
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
    if (s.parser().isSet(u"save-dir"_s)) {
        d->saveDir = s.parser().value(u"save-dir"_s);
        if (!QFileInfo(d->saveDir).isDir()) {
            s.fail(u"%1 is not a directory"_s.arg(d->saveDir), ExitUsage);
            return std::nullopt;
        }
    } else {
        d->saveDir = QDir(s.profileDir()).filePath(u"attachments"_s);
    }
    sdk::Client &client = s.makeClient();
    QObject::connect(&client, &sdk::Client::messageReceived, &s, [this](const sdk::IncomingMessage &m) {
        auto entry = std::make_shared<Private::Entry>();
        entry->message = m;
        entry->done = m.files.isEmpty();
        if (!entry->done)
            d->session.client().holdAck(m);   // acked once its files are saved
        d->queue.append(entry);
        printReady();
        pumpDownloads();
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

// One attachment at a time, in the order the messages came. A file that cannot be had (gone from the server,
// damaged, a local error) is reported and its message acknowledged all the same: asking again would not help. A
// closed connection ends the run without acknowledging: the message comes again in the next run.
void ReceiveCommand::pumpDownloads()
{
    if (d->downloading)
        return;
    for (const std::shared_ptr<Private::Entry> &entry : std::as_const(d->queue)) {
        if (entry->done)
            continue;
        const qsizetype index = entry->files.size();
        if (index == entry->message.files.size()) {
            d->session.client().releaseAck(entry->message);
            entry->done = true;
            continue;
        }
        if (!QDir().mkpath(d->saveDir)) {
            d->session.fail(u"cannot create %1"_s.arg(d->saveDir));
            return;
        }
        if (d->saveDir == QDir(d->session.profileDir()).filePath(u"attachments"_s))
            QFile::setPermissions(d->saveDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const sdk::FileRef file = entry->message.files.at(index);
        sdk::Download *download = d->session.client().download(file, d->saveDir, &d->session);
        d->downloading = true;
        auto progress = std::make_shared<ProgressLine>(u"downloading %1"_s.arg(sdk::Download::safeFileName(file.name)));
        QObject::connect(download, &sdk::Download::progress, &d->session,
                         [progress](qint64 done, qint64 total) { progress->update(done, total); });
        const auto next = [this, entry, download, progress](Saved saved) {
            progress->close();
            entry->files.append(saved);
            d->downloading = false;
            download->deleteLater();
            pumpDownloads();
            printReady();
        };
        QObject::connect(download, &sdk::Download::finished, &d->session,
                         [file, next](const QString &path) { next(Saved{file, path, QString()}); });
        QObject::connect(download, &sdk::Download::failed, &d->session, [this, entry, file, next](const QString &error) {
            writeLine(stderr, u"parley: error: attachment %1 from %2 not saved: %3"_s
                                  .arg(sdk::Download::safeFileName(file.name), entry->message.from, oneLine(error)));
            d->downloadFailed = true;
            next(Saved{file, QString(), error});
        });
        QObject::connect(download, &sdk::Download::interrupted, &d->session, [this, progress](const QString &reason) {
            progress->close();
            d->session.fail(u"the connection closed during a download (%1); the message stays on the server and "
                            u"comes again in the next run"_s.arg(oneLine(reason)));
        });
        return;
    }
}

void ReceiveCommand::printReady()
{
    while (!d->queue.isEmpty() && d->queue.first()->done) {
        const std::shared_ptr<Private::Entry> entry = d->queue.takeFirst();
        print(entry->message, entry->files);
    }
    if (d->finishing && d->queue.isEmpty())
        d->finish();
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

void ReceiveCommand::print(const sdk::IncomingMessage &m, const QList<Saved> &files) const
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
        if (protocol::isBotName(m.from))   // only a bot has such a name (docs/protocol.md "Bots")
            o.insert(u"bot"_s, true);
        if (m.previousKey)
            o.insert(u"previous_key"_s, true);
        o.insert(u"to"_s, QJsonArray::fromStringList(m.to));
        if (!m.room.isEmpty())
            o.insert(u"room"_s, m.room);
        if (m.burnOnRead)
            o.insert(u"burn"_s, true);
        if (!files.isEmpty()) {
            QJsonArray list;
            for (const Saved &f : files) {
                QJsonObject j;
                j.insert(u"name"_s, f.file.name);
                j.insert(u"size"_s, qint64(f.file.length));
                if (!f.file.type.isEmpty())
                    j.insert(u"type"_s, f.file.type);
                if (!f.path.isEmpty())
                    j.insert(u"saved"_s, f.path);
                else
                    j.insert(u"error"_s, f.error);
                list.append(j);
            }
            o.insert(u"files"_s, list);
        }
        writeLine(stdout, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        return;
    }
    const QString when = m.sentAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    const QString where = m.room.isEmpty() ? QString() : u" in %1"_s.arg(m.room);
    const QString mark = (protocol::isBotName(m.from) ? u" (bot)"_s : QString())
        + (!m.verified ? u" (unverified)"_s
           : m.previousKey ? u" (from a previous key of %1)"_s.arg(m.from)
                           : QString());
    writeLine(stdout, u"[%1] %2#%3%4%5: %6"_s.arg(when, m.from).arg(m.device).arg(where, mark, m.text));
    for (const Saved &f : files) {
        const QString what = u"%1 (%2)"_s.arg(sdk::Download::safeFileName(f.file.name), formatBytes(qint64(f.file.length)));
        writeLine(stdout, f.path.isEmpty() ? u"  file %1 not saved: %2"_s.arg(what, oneLine(f.error))
                                           : u"  file %1 saved to %2"_s.arg(what, f.path));
    }
}

} // namespace parley::cli
