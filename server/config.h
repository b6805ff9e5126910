#pragma once

#include "core/result.h"

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
};

// The boot configuration (/etc/parleyd/parleyd.conf, QSettings INI).
struct Config {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8443;
    QString dataDir = QStringLiteral("/var/lib/parleyd");
    int workers = 1;                  // load() defaults it to QThread::idealThreadCount()
    QString certificatePath;          // empty: DATA_DIR/tls/server.crt
    QString privateKeyPath;           // empty: DATA_DIR/tls/server.key
    Limits limits;
    QString logRules;                 // QLoggingCategory filter rules

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
