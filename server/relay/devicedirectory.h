#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace parley::server {

class Store;

// A user and their current (not revoked) devices.
struct DirectoryEntry {
    UserRecord user;
    QList<DeviceRecord> devices;     // ordered by device number
    const DeviceRecord *device(quint32 deviceNo) const;
};

// A cache of users and their device lists in front of the store, shared by all workers. Misses are read through
// the calling thread's store reader. Entries are dropped on enroll (invalidate()) and after a short lifetime, so
// that changes made by another process show up too.
class DeviceDirectory {
public:
    explicit DeviceDirectory(Store &store, qint64 lifetimeMs = 30000, qsizetype maxEntries = 100000);

    // NotFound when the user does not exist.
    Result<std::shared_ptr<const DirectoryEntry>> lookup(const QString &userName);
    void invalidate(const QString &userName);
    void clear();

private:
    struct Cached {
        std::shared_ptr<const DirectoryEntry> entry;
        qint64 loadedAtMs = 0;
    };

    Store &m_store;
    const qint64 m_lifetimeMs;
    const qsizetype m_maxEntries;
    QMutex m_mutex;
    QHash<QString, Cached> m_entries;
    quint64 m_generation = 0;        // bumped by invalidate(); a load that raced with it is not cached
};

} // namespace parley::server
