#pragma once

// Where the store keeps its data: the embedded SQLite file (the default), or a PostgreSQL server ([store] in
// parleyd.conf, docs/scale-out.md). Public to the daemon, which reads these settings from the boot configuration.

#include <QString>

namespace parley::server {

enum class StoreDriver { Sqlite, PostgreSql };

// The connection to a PostgreSQL server. Each field is the [store] key of the same name, and the store's errors about
// one name that key (store/host, store/password_file, ...).
struct PostgresSettings {
    QString host = QStringLiteral("/var/run/postgresql");   // a name, an IP address, or the directory of a Unix socket
    int port = 5432;
    QString database;
    QString user;
    QString password;           // the first line of password_file; empty: none (peer or certificate authentication)
    QString sslMode;            // disable, verify-ca or verify-full; empty: effectiveSslMode()
    QString caFile;             // the CA certificates that verify the server's certificate (libpq's sslrootcert)
    int connectTimeoutSeconds = 10;

    bool isUnixSocket() const { return host.startsWith(u'/'); }
    // A Unix socket or a loopback address (localhost, 127.0.0.0/8, ::1): the only hosts sslmode=disable is for.
    bool isLocal() const;
    // sslMode, or its default: disable for a local host, verify-full for any other.
    QString effectiveSslMode() const;
    // "database parley as parleyd on db.example.org:5432 (TLS verify-full)", for logs and errors; never the password.
    QString describe() const;
};

} // namespace parley::server
