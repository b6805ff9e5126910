#include "relay/roomcache.h"

#include "store/store.h"

namespace parley::server {

RoomCache::RoomCache(Store &store, qsizetype maxRooms) : m_store(store), m_rooms(maxRooms)
{
    m_subscription = m_store.subscribe([this](const StoreChanges &changes) { apply(changes); });
}

RoomCache::~RoomCache()
{
    m_store.unsubscribe(m_subscription);
}

Result<std::shared_ptr<const StoredRoom>> RoomCache::room(const QString &name)
{
    quint64 generation = 0;
    if (auto cached = m_rooms.find(name, &generation))
        return cached;
    auto loaded = roomstore::load(m_store.reader(), name);
    if (!loaded)
        return loaded.error();
    std::shared_ptr<const StoredRoom> room = std::make_shared<const StoredRoom>(std::move(*loaded));
    m_rooms.insert(name, room, generation);
    return room;
}

Result<RoomSettings> RoomCache::settings()
{
    quint64 generation = 0;
    {
        QMutexLocker lock(&m_settingsMutex);
        if (m_settings)
            return *m_settings;
        generation = m_settingsGeneration;
    }
    auto loaded = m_store.reader().roomSettings();
    if (!loaded)
        return loaded.error();
    QMutexLocker lock(&m_settingsMutex);
    if (generation == m_settingsGeneration)
        m_settings = std::make_shared<const RoomSettings>(*loaded);
    return *loaded;
}

void RoomCache::apply(const StoreChanges &changes)
{
    if (changes.everything || changes.roomSettings) {
        QMutexLocker lock(&m_settingsMutex);
        m_settings.reset();
        ++m_settingsGeneration;
    }
    if (changes.everything) {
        m_rooms.clear();
        return;
    }
    for (const QString &room : changes.rooms)
        m_rooms.invalidate(room);
}

} // namespace parley::server
