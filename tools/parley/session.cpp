#include "session.h"

#include "passphrase.h"

#include <QDir>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {
constexpr int CloseGraceMs = 5000;
}

class Session::Private {
public:
    Session *q;
    const QCommandLineParser &parser;
    QString profileDir;
    QString passphraseFile;
    int timeoutSeconds = 0;

    std::unique_ptr<sdk::Profile> profile;
    std::unique_ptr<sdk::Client> client;
    std::unique_ptr<sdk::Rooms> rooms;
    QTimer watchdog;
    bool finishing = false;
    bool completed = false;
    bool createdProfile = false;
    bool registered = false;
    bool removeProfileAtEnd = false;
    int exitCode = ExitOk;

    Private(Session *session, const QCommandLineParser &p) : q(session), parser(p) {}

    void removeUnusedProfile()
    {
        QDir dir(profileDir);
        for (const QString &name : {u"profile.json"_s, u"keystore.cbor"_s, u"trust.cbor"_s, u"prekeys.cbor"_s,
                                    u"seen.cbor"_s, u"ca.pem"_s, u"lock"_s}) {
            if (dir.exists(name) && !dir.remove(name))
                writeLine(stderr, u"parley: warning: could not remove %1"_s.arg(dir.filePath(name)));
        }
        // Only removes the directory when nothing else is in it.
        dir.rmdir(dir.absolutePath());
    }

    void complete()
    {
        if (completed)
            return;
        completed = true;
        rooms.reset();
        client.reset();
        profile.reset();   // saves nothing more; releases the lock
        if (removeProfileAtEnd)
            removeUnusedProfile();
        Q_EMIT q->finished(exitCode);
    }

    void armWatchdog()
    {
        watchdog.setSingleShot(true);
        watchdog.setInterval(timeoutSeconds * 1000);
        QObject::connect(&watchdog, &QTimer::timeout, q, [this] {
            q->fail(u"no progress from the server for %1 s (see --timeout)"_s.arg(timeoutSeconds));
        });
        watchdog.start();
    }
};

Session::Session(const QCommandLineParser &parser, const QString &profileDir, const QString &passphraseFile,
                 int timeoutSeconds, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, parser))
{
    d->profileDir = profileDir;
    d->passphraseFile = passphraseFile;
    d->timeoutSeconds = timeoutSeconds;
}

Session::~Session() = default;

const QCommandLineParser &Session::parser() const { return d->parser; }
QString Session::profileDir() const { return d->profileDir; }

void Session::fail(const QString &message, int code)
{
    if (d->finishing)
        return;
    writeLine(stderr, u"parley: error: "_s + oneLine(message));
    // A profile made by this failed `register` holds nothing of value, and its passphrase may be the
    // mistake: it is removed (in complete()) so that the next attempt starts afresh.
    d->removeProfileAtEnd = d->createdProfile && !d->registered;
    finish(code);
}

void Session::finish(int code)
{
    if (d->finishing)
        return;
    d->finishing = true;
    d->exitCode = code;
    d->watchdog.stop();
    // complete() always runs from the event loop, never inside a signal of the client it may destroy.
    if (d->client && d->client->state() != sdk::Client::State::Disconnected) {
        connect(d->client.get(), &sdk::Client::disconnected, this, [this] { d->complete(); }, Qt::QueuedConnection);
        QTimer::singleShot(CloseGraceMs, this, [this] { d->complete(); });
        d->client->disconnectFromServer();
        return;
    }
    QTimer::singleShot(0, this, [this] { d->complete(); });
}

Result<QByteArray> Session::passphrase(bool creating)
{
    return Passphrase::obtain(d->passphraseFile,
                              creating ? u"New passphrase for profile %1: "_s.arg(d->profileDir)
                                       : u"Passphrase for profile %1: "_s.arg(d->profileDir),
                              creating);
}

bool Session::openProfile()
{
    if (!sdk::Profile::exists(d->profileDir)) {
        fail(u"no profile in %1 (run `parley register` first)"_s.arg(d->profileDir));
        return false;
    }
    Result<QByteArray> pass = passphrase(false);
    if (!pass) {
        fail(pass.error().message);
        return false;
    }
    Result<std::unique_ptr<sdk::Profile>> opened = sdk::Profile::open(d->profileDir, pass.value());
    crypto::cleanse(pass.value());
    if (!opened) {
        fail(opened.error().message);
        return false;
    }
    d->profile = std::move(opened.value());
    if (!d->profile->settings().isEnrolled()) {
        fail(u"profile %1 is not registered (run `parley register` first)"_s.arg(d->profileDir));
        return false;
    }
    return true;
}

void Session::adoptProfile(std::unique_ptr<sdk::Profile> profile, bool created)
{
    d->profile = std::move(profile);
    d->createdProfile = created;
}

void Session::markRegistered() { d->registered = true; }

sdk::Profile &Session::profile() { return *d->profile; }

sdk::Client &Session::makeClient()
{
    d->client = std::make_unique<sdk::Client>(*d->profile);
    connect(d->client.get(), &sdk::Client::errorOccurred, this,
            [this](const QString &, const QString &message) { fail(message); });
    connect(d->client.get(), &sdk::Client::disconnected, this, [this] {
        if (!d->finishing)
            fail(u"the connection to the server closed"_s);
    });
    connect(d->client.get(), &sdk::Client::frameReceived, this, [this](const protocol::Frame &) {
        if (d->watchdog.isActive())
            d->watchdog.start();
    });
    d->armWatchdog();
    return *d->client;
}

sdk::Client &Session::client() { return *d->client; }

sdk::Rooms &Session::makeRooms()
{
    d->rooms = std::make_unique<sdk::Rooms>(*d->client);
    connect(d->rooms.get(), &sdk::Rooms::chainRejected, this, [](const QString &room, const QString &reason) {
        writeLine(stderr, u"parley: warning: the membership records of room %1 were rejected: %2"_s
                              .arg(room, oneLine(reason)));
    });
    return *d->rooms;
}

sdk::Rooms &Session::rooms() { return *d->rooms; }

void Session::stopWatchdog() { d->watchdog.stop(); }

std::optional<sdk::MessageOptions> Session::messageOptions()
{
    sdk::MessageOptions options;
    if (d->parser.isSet(u"expire"_s)) {
        bool ok = false;
        options.expireSeconds = d->parser.value(u"expire"_s).toULongLong(&ok);
        if (!ok || options.expireSeconds < 1 || options.expireSeconds > (quint64(1) << 32)) {
            fail(u"--expire takes a number of seconds (1 to 4294967296)"_s, ExitUsage);
            return std::nullopt;
        }
    }
    options.burnOnRead = d->parser.isSet(u"burn-on-read"_s);
    return options;
}

} // namespace parley::cli
