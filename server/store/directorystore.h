#pragma once

#include "core/result.h"

#include <QList>
#include <QSet>
#include <QString>

namespace parley::server {

class Db;

// A Parley user name linked to a directory entry (table directory_users, schema version 10).
struct DirectoryLink {
    QString name;
    QString dn;
    QString displayName;
    bool suspendedBySync = false;   // the sync suspended the user; only then does it lift the suspension
    qint64 missingSince = 0;        // ms; 0 while the entry is in the directory
    qint64 linkedAt = 0;
    qint64 syncedAt = 0;
};

// The directory sync's table over a Db's connection (docs/operations.md "Directory"). Writes run on the writer thread
// inside Store::write; reads on any thread's reader.
class DirectoryStore {
public:
    static Result<QList<DirectoryLink>> links(Db &db);
    // Inserts or replaces the row of `link.name`.
    static Status putLink(Db &db, const DirectoryLink &link);
    static Status removeLink(Db &db, const QString &name);
    // The names with an unused, unexpired enrollment code and no user row: users that are pending.
    static Result<QSet<QString>> pendingNames(Db &db, qint64 nowMs);
    // Deletes the unused enrollment codes of a name that has no user row. Returns how many went.
    static Result<int> revokePendingCodes(Db &db, const QString &name);
};

} // namespace parley::server
