#pragma once

#include "core/result.h"
#include "admin/adminconfig.h"
#include "push/pushconfig.h"
#include "relay/limits.h"
#include "sso/ssoconfig.h"
#include "store/blobindex.h"
#include "store/database.h"

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

// [store]: where the data is kept. SQLite in data_dir unless driver=postgresql (docs/scale-out.md); then host, port,
// database, user, password_file, sslmode, ca_file and connect_timeout_seconds say which server and how.
struct StoreConfig {
    StoreDriver driver = StoreDriver::Sqlite;
    PostgresSettings postgres;        // all but the password, which is read from passwordFile when the store opens
    QString passwordFile;
    QString firstPostgresKey;         // the first PostgreSQL key the file set (refused unless driver=postgresql)
    // This node's name among the nodes on one database (docs/scale-out.md): node_id, or the host's name made fit.
    QString nodeId;
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
    QString filesDirectory;           // [files] directory: where the attachments' files are (empty: DATA_DIR/blobs)
    QString logRules;                 // QLoggingCategory filter rules
    AdminConfig admin;
    PushConfig push;                  // [push] (docs/push.md)
    SsoConfig sso;                    // [sso] (docs/operations.md "Single sign-on")
    MetricsConfig metrics;            // [metrics]
    StoreConfig store;                // [store]

    // Reads and validates an INI file. Unknown keys and malformed values are errors naming the key.
    static Result<Config> load(const QString &path);
    // Defaults for everything, workers = QThread::idealThreadCount().
    static Config defaults();

    QString certificateFile() const;
    QString privateKeyFile() const;
    bool usesDefaultTlsFiles() const { return certificatePath.isEmpty() && privateKeyPath.isEmpty(); }
    QString databaseFile() const;     // SQLite's file
    QString blobsDirectory() const;   // [files] directory, or DATA_DIR/blobs
    // "the database FILE" or "the PostgreSQL database NAME as USER on HOST:PORT (TLS MODE)", for messages.
    QString databaseDescription() const;
    // wss://ADDR:PORT/ with IPv6 addresses in brackets.
    QString listenUrl(quint16 port) const;

    // Creates the data directory (0700) when absent; refuses a world-writable one.
    Status prepareDataDir() const;
};

} // namespace parley::server
