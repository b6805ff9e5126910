#pragma once

// parleyd's subcommands (see main.cpp for the command line). Each returns the process exit status and prints what
// it did to stdout, errors to stderr.

#include "daemon/config.h"

#include <QString>

#include <optional>

class QCoreApplication;

namespace parley::server::subcommands {

constexpr int DefaultValidHours = 168;
constexpr int MaxValidHours = 24 * 366;

// "parleyd: MESSAGE" on one line of stderr; returns the exit status 1.
int fail(const QString &message);
// One line on stdout, flushed.
void printLine(const QString &line);

struct RoomDefaultsOptions {
    std::optional<int> maxMembers;
    std::optional<qint64> maxExpire;
    std::optional<qint64> defaultExpire;
    std::optional<bool> defaultBurn;
};

// The serving certificate's SHA-256 fingerprint (the certificate is generated when the default files are absent).
int runFingerprint(const Config &config);
// A one-time enrollment code for USER, valid for validHours.
int runEnroll(const Config &config, const QString &user, int validHours);
// Shows or changes the managed room defaults and limits.
int runRoomsDefaults(const Config &config, const RoomDefaultsOptions &options);
// A new one-time password for an admin account (created when absent).
int runAdminReset(const Config &config, const QString &name);
// `parleyd sso unlink NAME`: removes the link of a user name to an account at the single sign-on provider, so that
// the next sign-in for the name links it anew (a person's account at the provider was replaced). Audited.
int runSsoUnlink(const Config &config, const QString &name);
// The first admin account, unless one exists.
int runAdminInit(const Config &config);
// The daemon itself: relay, admin API and event log until SIGTERM/SIGINT.
int runDaemon(QCoreApplication &app, const Config &config);

} // namespace parley::server::subcommands
