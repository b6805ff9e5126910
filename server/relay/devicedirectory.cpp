#include "relay/devicedirectory.h"

#include "store/store.h"

#include <chrono>

namespace parley::server {

const DeviceRecord *DirectoryEntry::device(quint32 deviceNo) const
{
    for (const DeviceRecord &d : devices) {
        if (d.deviceNo == deviceNo)
            return &d;
    }
    return nullptr;
}

DeviceDirectory::DeviceDirectory(Store &store, qint64 lifetimeMs, qsizetype maxEntries)
    : m_store(store), m_lifetimeMs(lifetimeMs), m_maxEntries(maxEntries)
{
}

Result<std::shared_ptr<const DirectoryEntry>> DeviceDirectory::lookup(const QString &userName)
{
    const qint64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now().time_since_epoch())
                           .count();
    quint64 generation = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_entries.constFind(userName);
        if (it != m_entries.cend() && now - it->loadedAtMs < m_lifetimeMs)
            return it->entry;
        generation = m_generation;
    }

    Db &db = m_store.reader();
    auto user = db.userByName(userName);
    if (!user)
        return user.error();
    auto devices = db.devicesOfUser(user->id);
    if (!devices)
        return devices.error();
    auto entry = std::make_shared<DirectoryEntry>();
    entry->user = std::move(*user);
    entry->devices = std::move(*devices);

    QMutexLocker lock(&m_mutex);
    if (generation == m_generation) {
        if (m_entries.size() >= m_maxEntries)
            m_entries.clear();
        m_entries.insert(userName, Cached{entry, now});
    }
    return std::shared_ptr<const DirectoryEntry>(std::move(entry));
}

void DeviceDirectory::invalidate(const QString &userName)
{
    QMutexLocker lock(&m_mutex);
    m_entries.remove(userName);
    ++m_generation;
}

void DeviceDirectory::clear()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
    ++m_generation;
}

} // namespace parley::server
