#pragma once

// What `parleyctl login` remembers: per server a token file in $XDG_CONFIG_HOME/parleyctl (0700, files 0600), and
// the last server in `current`.

#include "core/result.h"

#include <QString>

#include <optional>

namespace parley::ctl {

struct Session {
    QString server;
    QString fingerprint;
    QString token;
    QString name;
    QString clientCert;   // absolute paths of the client certificate and key given at login, if any
    QString clientKey;
};

QString configDir();
QString tokenFile(const QString &server);
// The first line of a file (without the line break).
std::optional<QString> readLine(const QString &path);
// The first line of FILE, or of standard input for "-": secrets never go on the command line.
std::optional<QString> readSecretLine(const QString &path);
// The session for `server`, or for the current server when `server` is empty.
std::optional<Session> loadSession(const QString &server);
Status saveSession(const Session &s);

} // namespace parley::ctl
