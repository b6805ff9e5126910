#include "sdk/truststore.h"

#include "core/cborvalues.h"
#include "crypto/crypto.h"
#include "protocol/frame.h"

#include <QCborArray>
#include <QCborMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

// trust.cbor, version 2: {"v": 2, "pinned": [[user, root, pinnedAt, changeSeenAt, devices]...],
// "previous": [[user, root, pinnedAt, supersededAt, devices]...]}, devices [[device, pub, sig]...]. Version 1 was
// the bare array of [user, root, pinnedAt]; it is still read.
constexpr qint64 FormatVersion = 2;

QCborArray devicesToCbor(const TrustStore::Devices &devices)
{
    QCborArray list;
    for (auto it = devices.cbegin(); it != devices.cend(); ++it)
        list.append(QCborArray{qint64(it.key()), it->pub, it->sig});
    return list;
}

std::optional<TrustStore::Devices> devicesFromCbor(const QCborValue &value)
{
    if (!value.isArray() || value.toArray().size() > TrustStore::MaxDevices)
        return std::nullopt;
    TrustStore::Devices devices;
    for (const QCborValue &item : value.toArray()) {
        const QCborArray a = item.toArray();
        if (a.size() != 3 || !a.at(0).isInteger() || a.at(0).toInteger() < 1 || a.at(0).toInteger() > 0xffffffffLL
            || !a.at(1).isByteArray() || a.at(1).toByteArray().size() != crypto::P521PointSize || !a.at(2).isByteArray())
            return std::nullopt;
        devices.insert(quint32(a.at(0).toInteger()), TrustStore::KnownDevice{a.at(1).toByteArray(), a.at(2).toByteArray()});
    }
    return devices;
}

// The fields every record starts with: a user name, a root key, a time.
bool validHead(const QCborArray &a, qsizetype size)
{
    return a.size() == size && a.at(0).isString() && protocol::isValidUserName(a.at(0).toString())
        && a.at(1).isByteArray() && a.at(1).toByteArray().size() == crypto::P521PointSize && a.at(2).isInteger();
}

} // namespace

TrustStore::Verdict TrustStore::check(const QString &user, const QByteArray &root) const
{
    auto it = m_entries.constFind(user);
    if (it == m_entries.constEnd())
        return FirstUse;
    return crypto::constantTimeEquals(it->root, root) ? Match : Changed;
}

TrustStore::Verdict TrustStore::observe(const QString &user, const QByteArray &root, qint64 nowMs)
{
    const Verdict verdict = check(user, root);
    if (verdict == FirstUse)
        m_entries.insert(user, Entry{root, nowMs, {}, 0});
    else if (verdict == Changed && m_entries[user].changeSeenAt == 0)
        m_entries[user].changeSeenAt = nowMs;
    else if (verdict == Match)
        m_entries[user].changeSeenAt = 0;   // the change presented before was withdrawn
    return verdict;
}

void TrustStore::pin(const QString &user, const QByteArray &root, qint64 nowMs)
{
    m_entries.insert(user, Entry{root, nowMs, {}, 0});
}

bool TrustStore::setDevices(const QString &user, const QByteArray &root, const Devices &devices)
{
    auto it = m_entries.find(user);
    if (it == m_entries.end() || !crypto::constantTimeEquals(it->root, root) || it->devices == devices)
        return false;
    it->devices = devices;
    while (it->devices.size() > MaxDevices)
        it->devices.erase(std::prev(it->devices.end()));
    return true;
}

bool TrustStore::forget(const QString &user) { return m_entries.remove(user) > 0; }

bool TrustStore::supersede(const QString &user, qint64 nowMs)
{
    const std::optional<Entry> old = entry(user);
    if (!old)
        return false;
    m_entries.remove(user);
    const qint64 at = old->changeSeenAt > 0 ? std::min(old->changeSeenAt, nowMs) : nowMs;
    QList<PreviousIdentity> &list = m_previous[user];
    list.removeIf([&old](const PreviousIdentity &p) { return p.root == old->root; });
    list.prepend(PreviousIdentity{old->root, old->pinnedAt, at, old->devices});
    if (list.size() > MaxPrevious)
        list.resize(MaxPrevious);
    return true;
}

std::optional<TrustStore::Entry> TrustStore::entry(const QString &user) const
{
    auto it = m_entries.constFind(user);
    if (it == m_entries.constEnd())
        return std::nullopt;
    return *it;
}

QList<TrustStore::PreviousIdentity> TrustStore::previous(const QString &user, qint64 nowMs) const
{
    QList<PreviousIdentity> list = m_previous.value(user);
    list.removeIf([nowMs](const PreviousIdentity &p) { return p.supersededAt + PreviousLifetimeMs <= nowMs; });
    return list;
}

bool TrustStore::prune(qint64 nowMs)
{
    bool pruned = false;
    for (auto it = m_previous.begin(); it != m_previous.end();) {
        pruned |= it->removeIf([nowMs](const PreviousIdentity &p) { return p.supersededAt + PreviousLifetimeMs <= nowMs; }) > 0;
        it = it->isEmpty() ? m_previous.erase(it) : std::next(it);
    }
    return pruned;
}

QStringList TrustStore::users() const
{
    QStringList names = m_entries.keys();
    std::sort(names.begin(), names.end());
    return names;
}

QCborValue TrustStore::toCbor() const
{
    QCborArray pinned;
    for (const QString &user : users()) {
        const Entry &e = m_entries[user];
        pinned.append(QCborArray{user, e.root, e.pinnedAt, e.changeSeenAt, devicesToCbor(e.devices)});
    }
    QStringList names = m_previous.keys();
    std::sort(names.begin(), names.end());
    QCborArray previous;
    for (const QString &user : names) {
        for (const PreviousIdentity &p : m_previous[user])
            previous.append(QCborArray{user, p.root, p.pinnedAt, p.supersededAt, devicesToCbor(p.devices)});
    }
    return QCborMap{{u"v"_s, FormatVersion}, {u"pinned"_s, pinned}, {u"previous"_s, previous}};
}

Result<TrustStore> TrustStore::fromCbor(const QCborValue &value)
{
    const Error damaged = makeError(ErrorCode::Protocol, u"damaged trust store: bad entry"_s);
    TrustStore store;
    if (value.isArray()) {   // version 1
        for (const QCborValue &item : value.toArray()) {
            const QCborArray a = item.toArray();
            if (!validHead(a, 3))
                return damaged;
            store.m_entries.insert(a.at(0).toString(), Entry{a.at(1).toByteArray(), a.at(2).toInteger(), {}, 0});
        }
        return store;
    }
    const QCborMap map = value.toMap();
    if (!value.isMap() || !isVersion(map.value(u"v"_s), FormatVersion) || !map.value(u"pinned"_s).isArray()
        || !map.value(u"previous"_s).isArray())
        return makeError(ErrorCode::Protocol, u"damaged trust store: not a trust store of a known version"_s);
    for (const QCborValue &item : map.value(u"pinned"_s).toArray()) {
        const QCborArray a = item.toArray();
        const std::optional<Devices> devices = validHead(a, 5) && a.at(3).isInteger() ? devicesFromCbor(a.at(4))
                                                                                       : std::nullopt;
        if (!devices)
            return damaged;
        store.m_entries.insert(a.at(0).toString(), Entry{a.at(1).toByteArray(), a.at(2).toInteger(), *devices,
                                                         a.at(3).toInteger()});
    }
    for (const QCborValue &item : map.value(u"previous"_s).toArray()) {
        const QCborArray a = item.toArray();
        const std::optional<Devices> devices = validHead(a, 5) && a.at(3).isInteger() ? devicesFromCbor(a.at(4))
                                                                                       : std::nullopt;
        if (!devices)
            return damaged;
        QList<PreviousIdentity> &list = store.m_previous[a.at(0).toString()];
        if (list.size() >= MaxPrevious)
            return damaged;
        list.append(PreviousIdentity{a.at(1).toByteArray(), a.at(2).toInteger(), a.at(3).toInteger(), *devices});
    }
    return store;
}

} // namespace parley::sdk
