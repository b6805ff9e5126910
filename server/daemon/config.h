#pragma once

#include "core/result.h"
#include "admin/adminconfig.h"
#include "push/pushconfig.h"
#include "relay/limits.h"
#include "sso/ssoconfig.h"
#include "store/blobindex.h"

#include <QHostAddress>
#include <QString>

namespace parley::server {

// [metrics]: the monitoring listener (plain HTTP: /metrics, /healthz, /readyz; docs/operations.md). Off unless
// `listen` names an address.
struct MetricsConfig {
    bool enabled = false;
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 9464;
};

struct Config {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8443;
    QString dataDir = QStringLiteral("/var/lib/parleyd");
    int workers = 1;                  // load() defaults it to QThread::idealThreadCount()
    QString certificatePath;          // empty: DATA_DIR/tls/server.crt
    QString privateKeyPath;           // empty: DATA_DIR/tls/server.key
    int ticketKeySeconds = 3600;      // session ticket key rotation period
    Limits limits;
    FileLimits files;                 // [files]: attachments
    QString logRules;                 // QLoggingCategory filter rules
    AdminConfig admin;
    PushConfig push;                  // [push] (docs/push.md)
    SsoConfig sso;                    // [sso] (docs/operations.md "Single sign-on")
    MetricsConfig metrics;            // [metrics]

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
