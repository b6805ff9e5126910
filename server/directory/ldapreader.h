#pragma once

#include "core/result.h"
#include "directory/directoryconfig.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

namespace parley::server {

// One user entry as the directory holds it.
struct DirectoryEntry {
    QString dn;
    QStringList names;        // the values of the name attribute (normally one)
    QString displayName;
    bool disabled = false;
};

struct DirectoryGroup {
    QString dn;
    QString name;             // the first value of the group name attribute
    QStringList members;      // the values of the member attribute (DNs or user names)
};

// Everything one sync read: complete, or not at all.
struct DirectorySnapshot {
    QList<DirectoryEntry> users;
    QList<DirectoryGroup> groups;
    int pages = 0;            // search result pages read
};

// Reads the directory with OpenLDAP's client library (libldap): connects over TLS (ldaps://, or StartTLS on
// ldap://; the server's certificate must chain to the configured CA and name the host), binds, and runs the paged
// user and group searches to their end. Blocking: run it on a thread of its own (DirectorySync does). `cancel` stops
// it between waits. Every failure, a connection dropped in the middle of a page included, is an error
// (ErrorCode::Unavailable, the message naming the stage: connect, tls, bind, search); no partial result is returned.
// `caFile` is the configuration's CA certificate written to a file (libldap reads it from one).
Result<DirectorySnapshot> readDirectory(const DirectoryConfig &config, const QString &caFile, const QByteArray &password,
                                        const std::atomic<bool> &cancel);

} // namespace parley::server
