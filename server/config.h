#pragma once

#include "core/result.h"
#include "pushconfig.h"

#include <QHostAddress>
#include <QString>

namespace parley::server {

// Operational limits ([limits] in the boot configuration; defaults from docs/protocol.md "Limits").
struct Limits {
    int maxDevicesPerUser = 10;
    qint64 maxQueuePerDevice = 2000000;
    double sendRate = 500;            // messages per second per account, sustained
    int sendBurst = 10000;
    double frameRate = 2000;          // frames per second per connection, sustained
    int frameBurst = 10000;
    int fetchBurst = 5;               // prekey bundle fetches per (requester device, target device)
    int fetchRefillSeconds = 60;      // one fetch token comes back every this many seconds
    int authTimeoutSeconds = 30;
    int idleTimeoutSeconds = 120;
    int messageTtlDays = 30;
    int sweepSeconds = 30;            // expired messages leave the disk (and the WAL) within this many seconds
};

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

struct Config {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8443;
    QString dataDir = QStringLiteral("/var/lib/parleyd");
    int workers = 1;                  // load() defaults it to QThread::idealThreadCount()
    QString certificatePath;          // empty: DATA_DIR/tls/server.crt
    QString privateKeyPath;           // empty: DATA_DIR/tls/server.key
    Limits limits;
    QString logRules;                 // QLoggingCategory filter rules
    AdminConfig admin;
    PushConfig push;                  // [push] (docs/push.md)

    // Reads and validates an INI file. Unknown keys and malformed values are errors naming the key.
    static Result<Config> load(const QString &path);
    // Defaults for everything, workers = QThread::idealThreadCount().
    static Config defaults();

    QString certificateFile() const;
    QString privateKeyFile() const;
    bool usesDefaultTlsFiles() const { return certificatePath.isEmpty() && privateKeyPath.isEmpty(); }
    QString databaseFile() const;
    // wss://ADDR:PORT/ with IPv6 addresses in brackets.
    QString listenUrl(quint16 port) const;

    // Creates the data directory (0700) when absent; refuses a world-writable one.
    Status prepareDataDir() const;
};

} // namespace parley::server
