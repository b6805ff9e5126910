#pragma once

#include "core/result.h"
#include "relay/lrucache.h"
#include "store/botstore.h"
#include "store/records.h"

#include <QString>

#include <memory>

namespace parley::server {

class Store;
struct StoreChanges;

// A user and their current (not revoked) devices, and for a bot its scope, expiry and send limit.
struct DirectoryEntry {
    UserRecord user;
    QList<DeviceRecord> devices;     // ordered by device number
    std::optional<BotRecord> bot;
    const DeviceRecord *device(quint32 deviceNo) const;
};

// A cache of users and their device lists in front of the store, shared by all workers. Misses are read through
// the calling thread's store reader. An entry stays until the store reports a change to that user, their devices or
// their bot (Store::subscribe: enrollment, revocation, suspension, deletion, key changes, a bot's scope, expiry or
// limit, whatever path made them, reported before the write's reply goes out) or until it is the least recently used
// of a full cache.
class DeviceDirectory {
public:
    explicit DeviceDirectory(Store &store, qsizetype maxEntries = 100000);
    ~DeviceDirectory();
    DeviceDirectory(const DeviceDirectory &) = delete;
    DeviceDirectory &operator=(const DeviceDirectory &) = delete;

    // NotFound when the user does not exist.
    Result<std::shared_ptr<const DirectoryEntry>> lookup(const QString &userName);
    void invalidate(const QString &userName);
    void clear();
    qsizetype size() { return m_entries.size(); }

private:
    void apply(const StoreChanges &changes);

    Store &m_store;
    LruCache<DirectoryEntry> m_entries;
    int m_subscription = 0;
};

} // namespace parley::server
