#pragma once

#include <QSet>
#include <QString>

namespace parley::server {

// What one group commit changed among the rows the daemon's caches hold (relay/devicedirectory.h,
// relay/roomcache.h). Collected on the writer connection by temporary triggers (store/changequeries.cpp), so that
// every write path is covered, including ones added later; a savepoint rolled back takes its entries with it.
struct StoreChanges {
    QSet<QString> users;          // users whose row, devices or bot changed (enroll, revocation, suspension, deletion, keys)
    QSet<QString> rooms;          // rooms whose row or members changed (records, policy override, deletion)
    bool roomSettings = false;    // the server-wide room defaults and limits
    bool everything = false;      // another process wrote to the database: whatever is cached may be stale
    // Queue entries added less those removed (a count, not a change to a cached row: isEmpty() leaves it out).
    qint64 queuedDelta = 0;

    bool isEmpty() const { return users.isEmpty() && rooms.isEmpty() && !roomSettings && !everything; }
};

} // namespace parley::server
