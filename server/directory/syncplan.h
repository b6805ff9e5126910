#pragma once

#include "core/result.h"
#include "directory/directoryconfig.h"
#include "directory/ldapreader.h"
#include "store/directorystore.h"

#include <QCborMap>
#include <QList>
#include <QString>
#include <QStringList>

namespace parley::server {

class Db;

// One change a sync makes (or, in a dry run, would make) to one Parley user name.
struct SyncChange {
    enum class Action {
        Create,        // new in the directory: an enrollment code is issued (the user is pending until a device enrolls)
        Link,          // an existing Parley user (or pending name) is linked to its directory entry
        Suspend,       // disabled in the directory: suspended
        Resume,        // enabled again (or back in the directory): the suspension the sync made is lifted
        Missing,       // no longer in the directory: suspended, deleted once the grace period has passed
        Returned,      // back in the directory within the grace period (no suspension of the sync's to lift)
        Delete,        // missing for the whole grace period: deleted
        RevokeCodes,   // disabled or gone before enrolling: the pending enrollment codes are revoked
        Unlink,        // the Parley user is gone (deleted by an administrator): the link is forgotten
    };
    Action action = Action::Create;
    QString name;
    QString dn;
    QString displayName;
    QString reason;
    QString code;              // Create, once applied: the enrollment code (only in the reply to the run that made it)
    qint64 expiresAt = 0;      // Create, once applied: the code's expiry (ms)
    bool alreadySuspended = false;   // Missing: suspended before (by an administrator); the sync leaves it so

    static QString actionName(Action action);
};

// An entry whose name attribute does not give a usable Parley user name: reported, never changed into one.
struct SyncSkip {
    QString dn;
    QString value;
    QString reason;
};

// A user missing from the directory, suspended, waiting for the end of the grace period.
struct SyncWaiting {
    QString name;
    qint64 deleteAt = 0;
};

// A mapped group against its room: who should be added (`missing`) and who should be removed (`extra`: directory
// users only; members that are not from the directory are left out). The server cannot change a room's membership
// (records signed by a room admin's device, docs/protocol.md "Rooms"), so this is reported for room admins.
struct RoomDifference {
    QString group;
    QString room;
    QStringList missing;
    QStringList extra;
    QString problem;           // no such group or room
};

// What a sync does: worked out from the snapshot and Parley's state, then applied in one transaction.
struct SyncPlan {
    qint64 at = 0;
    int entries = 0;           // user entries read
    int groups = 0;            // group entries read
    int pages = 0;
    QList<SyncChange> changes;
    QList<SyncSkip> skipped;
    QList<SyncWaiting> waiting;
    QList<RoomDifference> rooms;
    QList<DirectoryLink> put;  // link rows as they are after the sync
    QStringList remove;        // link rows the sync removes
};

// Reads Parley's users, pending enrollment codes, links and mapped rooms through `db` and works out what `snapshot`
// changes. Reads only (a dry run stops here). Unavailable when the directory returned no usable user entry while
// users are linked (a wrong base_dn or filter must not suspend everyone).
Result<SyncPlan> planSync(Db &db, const DirectorySnapshot &snapshot, const DirectoryConfig &config, qint64 now);

// Writer only, inside one Store::write: makes every change of the plan (codes filled into its Create changes), writes
// the link rows, and appends an audit record per change (actor `actor`, action directory.ACTION, the user name as
// target). Returns the row ids of the devices of suspended and deleted users (their sessions are dropped after the
// commit). Any failure fails it as a whole (the caller's savepoint rolls everything back).
Result<QList<qint64>> applySync(Db &db, SyncPlan &plan, const DirectoryConfig &config, const QString &actor, qint64 now);

// The report of a run: counts, changes, skipped entries, users waiting for deletion, room differences. Codes only
// when `withCodes`.
QCborMap reportMap(const SyncPlan &plan, bool dryRun, bool withCodes);

} // namespace parley::server
