#pragma once

// parley register wss://HOST:PORT USER CODE (--fingerprint HEX | --ca FILE) [--device-name NAME]
//                 [--recovery-passphrase-file FILE]

#include "command.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <memory>

namespace parley::cli {

class Session;

class RegisterCommand : public Command {
public:
    explicit RegisterCommand(Session &session);
    ~RegisterCommand() override;

    std::optional<int> start(const QStringList &args) override;

private:
    // Opens (or creates) the profile and stores the server and its trust; returns the recovery passphrase, or
    // nothing (after fail()).
    std::optional<QByteArray> prepareProfile(const QUrl &server);
    void enroll(const QString &user, const QString &code, QByteArray recoveryPassphrase);

    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
