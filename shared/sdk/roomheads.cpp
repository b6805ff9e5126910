#include "sdk/roomheads.h"

#include "core/cborvalues.h"
#include "protocol/frame.h"

#include <QCborArray>
#include <QCborMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr qsizetype HashSize = 64;

} // namespace

std::optional<RoomHeads::Head> RoomHeads::head(const QString &room) const
{
    const auto it = m_heads.constFind(room);
    if (it == m_heads.constEnd())
        return std::nullopt;
    return *it;
}

bool RoomHeads::update(const QString &room, const Head &head)
{
    const auto it = m_heads.constFind(room);
    if (it != m_heads.constEnd() && *it == head)
        return false;
    m_heads.insert(room, head);
    return true;
}

QStringList RoomHeads::rooms() const
{
    QStringList names = m_heads.keys();
    std::sort(names.begin(), names.end());
    return names;
}

QCborValue RoomHeads::toCbor() const
{
    QCborArray list;
    for (const QString &room : rooms()) {
        const Head &h = m_heads[room];
        list.append(QCborArray{room, qint64(h.seq), h.hash});
    }
    QCborMap file;
    file.insert(u"v"_s, Version);
    file.insert(u"rooms"_s, list);
    return file;
}

Result<RoomHeads> RoomHeads::fromCbor(const QCborValue &value)
{
    RoomHeads heads;
    if (value.isArray() && value.toArray().isEmpty())
        return heads;   // no file yet
    if (!value.isMap())
        return makeError(ErrorCode::Protocol, u"damaged room heads: not a map"_s);
    const QCborMap file = value.toMap();
    if (!isVersion(file.value(u"v"_s), Version))
        return makeError(ErrorCode::Protocol, u"the room heads have an unsupported version"_s);
    if (!file.value(u"rooms"_s).isArray())
        return makeError(ErrorCode::Protocol, u"damaged room heads: no room list"_s);
    for (const QCborValue &item : file.value(u"rooms"_s).toArray()) {
        const QCborArray a = item.toArray();
        if (a.size() != 3 || !a.at(0).isString() || !a.at(1).isInteger() || a.at(1).toInteger() < 0
            || !a.at(2).isByteArray() || a.at(2).toByteArray().size() != HashSize
            || !protocol::isValidUserName(a.at(0).toString()))
            return makeError(ErrorCode::Protocol, u"damaged room heads: bad entry"_s);
        heads.m_heads.insert(a.at(0).toString(), Head{quint64(a.at(1).toInteger()), a.at(2).toByteArray()});
    }
    return heads;
}

} // namespace parley::sdk
