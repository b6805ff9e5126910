#include "sdk/truststore.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"

#include <QCborArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::sdk {

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
        m_entries.insert(user, Entry{root, nowMs});
    return verdict;
}

void TrustStore::pin(const QString &user, const QByteArray &root, qint64 nowMs)
{
    m_entries.insert(user, Entry{root, nowMs});
}

bool TrustStore::forget(const QString &user) { return m_entries.remove(user) > 0; }

std::optional<TrustStore::Entry> TrustStore::entry(const QString &user) const
{
    auto it = m_entries.constFind(user);
    if (it == m_entries.constEnd())
        return std::nullopt;
    return *it;
}

QStringList TrustStore::users() const
{
    QStringList names = m_entries.keys();
    std::sort(names.begin(), names.end());
    return names;
}

QCborValue TrustStore::toCbor() const
{
    QCborArray list;
    for (const QString &user : users()) {
        const Entry &e = m_entries[user];
        list.append(QCborArray{user, e.root, e.pinnedAt});
    }
    return list;
}

Result<TrustStore> TrustStore::fromCbor(const QCborValue &value)
{
    if (!value.isArray())
        return makeError(ErrorCode::Protocol, u"damaged trust store: not an array"_s);
    TrustStore store;
    for (const QCborValue &item : value.toArray()) {
        const QCborArray a = item.toArray();
        if (a.size() != 3 || !a.at(0).isString() || !a.at(1).isByteArray() || !a.at(2).isInteger()
            || !protocol::isValidUserName(a.at(0).toString()) || a.at(1).toByteArray().size() != crypto::P521PointSize)
            return makeError(ErrorCode::Protocol, u"damaged trust store: bad entry"_s);
        store.m_entries.insert(a.at(0).toString(), Entry{a.at(1).toByteArray(), a.at(2).toInteger()});
    }
    return store;
}

} // namespace parley::sdk
