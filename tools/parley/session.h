#pragma once

// What every `parley` command runs on: the parsed options, the profile and its client, the watchdog that gives up
// after --timeout seconds without a frame from the server, and the way a run ends (fail(), finish(), finished()).

#include "core/result.h"
#include "output.h"
#include "sdk/client.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

#include <QCommandLineParser>
#include <QObject>

#include <memory>
#include <optional>

namespace parley::cli {

class Session : public QObject {
    Q_OBJECT
public:
    Session(const QCommandLineParser &parser, const QString &profileDir, const QString &passphraseFile,
            int timeoutSeconds, QObject *parent = nullptr);
    ~Session() override;

    const QCommandLineParser &parser() const;
    QString profileDir() const;

    // Prints the error and ends the run with `code` (once; later calls do nothing).
    void fail(const QString &message, int code = ExitFailure);
    // Ends the run: closes the connection first, then finished(code).
    void finish(int code);

    // The passphrase of the profile (creating: a new one, asked twice when prompted).
    Result<QByteArray> passphrase(bool creating);
    // Opens the registered profile; false (after fail()) when there is none or it cannot be opened.
    bool openProfile();
    // Takes a profile `register` opened; `created`: made by this run, so removed again if registering fails.
    void adoptProfile(std::unique_ptr<sdk::Profile> profile, bool created);
    // The run registered the profile: it stays whatever happens next.
    void markRegistered();
    sdk::Profile &profile();

    // Makes the client for the open profile: its errors end the run, and its frames feed the watchdog.
    sdk::Client &makeClient();
    sdk::Client &client();
    // Rooms on the client; rejected membership records are warned about.
    sdk::Rooms &makeRooms();
    sdk::Rooms &rooms();
    // Silence from the server is normal from now on.
    void stopWatchdog();

    // --expire / --burn-on-read; nothing (after fail()) when malformed.
    std::optional<sdk::MessageOptions> messageOptions();

Q_SIGNALS:
    void finished(int exitCode);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
