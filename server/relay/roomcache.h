#pragma once

#include "core/result.h"
#include "relay/lrucache.h"
#include "store/records.h"
#include "store/roomstore.h"

#include <QMutex>
#include <QString>

#include <memory>

namespace parley::server {

class Store;
struct StoreChanges;

// The rooms as the send path needs them (members, the chain's policy and the administrator's override) and the
// server-wide room settings, in front of the store and shared by all workers, so that a room message reads nothing
// from the database. Misses are read through the calling thread's store reader. A room stays until the store
// reports a change to its row or members, the settings until the store reports a change to them (Store::subscribe:
// room records, admin calls, `rooms.defaults`, reported before the write's reply goes out; a change by another
// process, such as `parleyd rooms-defaults`, with the writer's next commit), or a room until it is the least
// recently used of a full cache.
class RoomCache {
public:
    explicit RoomCache(Store &store, qsizetype maxRooms = 10000);
    ~RoomCache();
    RoomCache(const RoomCache &) = delete;
    RoomCache &operator=(const RoomCache &) = delete;

    // NotFound when the room does not exist.
    Result<std::shared_ptr<const StoredRoom>> room(const QString &name);
    Result<RoomSettings> settings();

private:
    void apply(const StoreChanges &changes);

    Store &m_store;
    LruCache<StoredRoom> m_rooms;
    QMutex m_settingsMutex;
    std::shared_ptr<const RoomSettings> m_settings;   // null: not loaded
    quint64 m_settingsGeneration = 0;
    int m_subscription = 0;
};

} // namespace parley::server
