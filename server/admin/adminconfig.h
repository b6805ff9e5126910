#pragma once

#include <QHostAddress>
#include <QString>

namespace parley::server {

// The admin listener and its accounts ([admin] in the boot configuration; docs/admin-api.md).
struct AdminConfig {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8444;
    bool listenConfigured = false;    // without [admin] listen, a device listener on port 0 gives port 0 here too
    QString certificatePath;          // empty: the device plane's certificate and key
    QString privateKeyPath;
    bool requireClientCertificate = false;
    QString clientCaPath;             // PEM CA bundle; required with require_client_certificate
    QString enrollServer;             // HOST:PORT put into enrollment links; empty: the device listen address
    int tokenLifetimeSeconds = 8 * 3600;
    int maxFailedLogins = 5;          // consecutive failures before a lockout
    int lockoutSeconds = 300;
};

} // namespace parley::server
