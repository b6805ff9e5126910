#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <list>
#include <memory>
#include <optional>
#include <utility>

namespace parley::server {

// A bounded map from names to immutable values, shared by all worker threads: entries stay until invalidated (the
// store's change feed) or pushed out as the least recently used when the map is full.
//
// A miss is loaded outside the lock. So that a load that read the database before a change cannot put the old
// value back after the change's invalidation, a caller takes the generation before it reads and insert() refuses
// the value once any invalidation came in between.
template<typename Value>
class LruCache {
public:
    using Ptr = std::shared_ptr<const Value>;

    explicit LruCache(qsizetype maxEntries) : m_maxEntries(qMax<qsizetype>(1, maxEntries)) {}

    // The cached value (now the most recently used), or null; `generation` is what insert() wants after a miss.
    Ptr find(const QString &key, quint64 *generation)
    {
        QMutexLocker lock(&m_mutex);
        *generation = m_generation;
        const auto it = m_index.constFind(key);
        if (it == m_index.cend())
            return nullptr;
        m_order.splice(m_order.begin(), m_order, *it);
        return (*it)->second;
    }

    void insert(const QString &key, Ptr value, quint64 generation)
    {
        QMutexLocker lock(&m_mutex);
        if (generation != m_generation)
            return;
        if (const auto it = m_index.constFind(key); it != m_index.cend()) {
            m_order.erase(*it);
            m_index.erase(it);
        }
        while (m_index.size() >= m_maxEntries && !m_order.empty()) {
            m_index.remove(m_order.back().first);
            m_order.pop_back();
        }
        m_order.emplace_front(key, std::move(value));
        m_index.insert(key, m_order.begin());
    }

    void invalidate(const QString &key)
    {
        QMutexLocker lock(&m_mutex);
        ++m_generation;
        if (const auto it = m_index.constFind(key); it != m_index.cend()) {
            m_order.erase(*it);
            m_index.erase(it);
        }
    }

    void clear()
    {
        QMutexLocker lock(&m_mutex);
        ++m_generation;
        m_index.clear();
        m_order.clear();
    }

    qsizetype size()
    {
        QMutexLocker lock(&m_mutex);
        return m_index.size();
    }

private:
    using Order = std::list<std::pair<QString, Ptr>>;   // most recently used first
    const qsizetype m_maxEntries;
    QMutex m_mutex;
    Order m_order;
    QHash<QString, typename Order::iterator> m_index;
    quint64 m_generation = 0;
};

} // namespace parley::server
