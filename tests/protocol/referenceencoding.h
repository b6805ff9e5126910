#pragma once

// The frame encoding as it was built on QCborValue: the reference that protocol::encode() and the typed structs'
// encode() must keep matching byte for byte.

#include "protocol/frame.h"

#include <QByteArray>
#include <QCborStreamWriter>

namespace parley::protocol::test {

inline QByteArray referenceEncode(const Frame &frame)
{
    using namespace Qt::StringLiterals;
    QByteArray out;
    QCborStreamWriter writer(&out);
    writer.startMap(frame.fields.size() + (frame.id ? 2 : 1));
    writer.append("t"_L1);
    writer.append(frame.type);
    if (frame.id) {
        writer.append("id"_L1);
        writer.append(frame.id);
    }
    for (auto it = frame.fields.cbegin(); it != frame.fields.cend(); ++it) {
        it.key().toCbor(writer);
        it.value().toCbor(writer);
    }
    writer.endMap();
    return out;
}

} // namespace parley::protocol::test
