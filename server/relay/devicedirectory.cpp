#include "relay/devicedirectory.h"

#include "protocol/frame.h"
#include "store/store.h"

namespace parley::server {

const DeviceRecord *DirectoryEntry::device(quint32 deviceNo) const
{
    for (const DeviceRecord &d : devices) {
        if (d.deviceNo == deviceNo)
            return &d;
    }
    return nullptr;
}

DeviceDirectory::DeviceDirectory(Store &store, qsizetype maxEntries) : m_store(store), m_entries(maxEntries)
{
    m_subscription = m_store.subscribe([this](const StoreChanges &changes) { apply(changes); });
}

DeviceDirectory::~DeviceDirectory()
{
    m_store.unsubscribe(m_subscription);
}

Result<std::shared_ptr<const DirectoryEntry>> DeviceDirectory::lookup(const QString &userName)
{
    quint64 generation = 0;
    if (auto cached = m_entries.find(userName, &generation))
        return cached;

    Db &db = m_store.reader();
    auto user = db.userByName(userName);
    if (!user)
        return user.error();
    auto devices = db.devicesOfUser(user->id);
    if (!devices)
        return devices.error();
    auto entry = std::make_shared<DirectoryEntry>();
    // Only a name reserved for bots can be a bot's (store/botstore.h): other names cost no look-up.
    if (protocol::isBotName(userName)) {
        auto bot = botstore::find(db, userName);
        if (bot)
            entry->bot = std::move(*bot);
        else if (bot.error().code != ErrorCode::NotFound)
            return bot.error();
    }
    entry->user = std::move(*user);
    entry->devices = std::move(*devices);
    std::shared_ptr<const DirectoryEntry> loaded = std::move(entry);
    m_entries.insert(userName, loaded, generation);
    return loaded;
}

void DeviceDirectory::invalidate(const QString &userName)
{
    m_entries.invalidate(userName);
}

void DeviceDirectory::clear()
{
    m_entries.clear();
}

void DeviceDirectory::apply(const StoreChanges &changes)
{
    if (changes.everything) {
        m_entries.clear();
        return;
    }
    for (const QString &user : changes.users)
        m_entries.invalidate(user);
}

} // namespace parley::server
