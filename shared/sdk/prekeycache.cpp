#include "sdk/prekeycache.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"

#include <QCborArray>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {
constexpr qint64 ClockSlackMs = 5 * 60 * 1000;
}

QString PrekeyCache::keyOf(const QString &user, quint32 device)
{
    return user + u'#' + QString::number(device);
}

bool PrekeyCache::isFresh(const CachedPrekey &entry, qint64 nowMs)
{
    if (entry.uses >= MaxUses)
        return false;
    // A clock that jumped backwards must not make an old entry look young.
    if (entry.fetchedAt > nowMs + ClockSlackMs)
        return false;
    return nowMs - entry.fetchedAt < MaxAgeMs;
}

std::optional<CachedPrekey> PrekeyCache::fresh(const QString &user, quint32 device, const QByteArray &devicePub,
                                               qint64 nowMs) const
{
    auto it = m_entries.constFind(keyOf(user, device));
    if (it == m_entries.constEnd() || it->devicePub != devicePub || !isFresh(*it, nowMs))
        return std::nullopt;
    return *it;
}

std::optional<CachedPrekey> PrekeyCache::entry(const QString &user, quint32 device) const
{
    auto it = m_entries.constFind(keyOf(user, device));
    if (it == m_entries.constEnd())
        return std::nullopt;
    return *it;
}

void PrekeyCache::store(const CachedPrekey &entry) { m_entries.insert(keyOf(entry.user, entry.device), entry); }

int PrekeyCache::recordUse(const QString &user, quint32 device)
{
    auto it = m_entries.find(keyOf(user, device));
    if (it == m_entries.end())
        return 0;
    return ++it->uses;
}

void PrekeyCache::remove(const QString &user, quint32 device) { m_entries.remove(keyOf(user, device)); }

void PrekeyCache::removeUser(const QString &user)
{
    m_entries.removeIf([&user](const auto &it) { return it.value().user == user; });
}

int PrekeyCache::purgeStale(qint64 nowMs)
{
    return int(m_entries.removeIf([nowMs](const auto &it) { return !isFresh(it.value(), nowMs); }));
}

QCborValue PrekeyCache::toCbor() const
{
    QCborArray list;
    for (const CachedPrekey &e : m_entries)
        list.append(QCborArray{e.user, qint64(e.device), e.devicePub, qint64(e.kid), e.pub, e.fetchedAt, e.uses});
    return list;
}

Result<PrekeyCache> PrekeyCache::fromCbor(const QCborValue &value)
{
    if (!value.isArray())
        return makeError(ErrorCode::Protocol, u"damaged prekey cache: not an array"_s);
    PrekeyCache cache;
    for (const QCborValue &item : value.toArray()) {
        const QCborArray a = item.toArray();
        if (a.size() != 7 || !a.at(0).isString() || !a.at(1).isInteger() || !a.at(2).isByteArray()
            || !a.at(3).isInteger() || !a.at(4).isByteArray() || !a.at(5).isInteger() || !a.at(6).isInteger())
            return makeError(ErrorCode::Protocol, u"damaged prekey cache: bad entry"_s);
        CachedPrekey e;
        e.user = a.at(0).toString();
        const qint64 device = a.at(1).toInteger();
        e.devicePub = a.at(2).toByteArray();
        const qint64 kid = a.at(3).toInteger();
        e.pub = a.at(4).toByteArray();
        e.fetchedAt = a.at(5).toInteger();
        const qint64 uses = a.at(6).toInteger();
        if (!protocol::isValidUserName(e.user) || device < 1 || device > 0xffffffffLL || kid < 0 || kid > 0xffffffffLL
            || uses < 0 || e.devicePub.size() != crypto::P521PointSize || e.pub.size() != crypto::P521PointSize)
            return makeError(ErrorCode::Protocol, u"damaged prekey cache: bad entry"_s);
        e.device = quint32(device);
        e.kid = quint32(kid);
        e.uses = int(qMin<qint64>(uses, MaxUses));
        cache.store(e);
    }
    return cache;
}

} // namespace parley::sdk
