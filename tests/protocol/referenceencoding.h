#pragma once

// The frame encoding and the message core as they were built on QCborValue: the references that protocol::encode(),
// the typed structs' encode() and MessageCore::encode() must keep matching byte for byte.

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/statements.h"

#include <QByteArray>
#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>

#include <algorithm>
#include <tuple>
#include <vector>

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

// RFC 8949 section 4.2.1 (core deterministic encoding): shortest heads, definite lengths (QCborStreamWriter does
// both), and map entries in the bytewise order of their encoded keys.
inline void writeDeterministic(QCborStreamWriter &writer, const QCborValue &value)
{
    switch (value.type()) {
    case QCborValue::Map: {
        const QCborMap map = value.toMap();
        std::vector<std::tuple<QByteArray, QCborValue, QCborValue>> entries;
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            QByteArray encodedKey;
            {
                QCborStreamWriter keyWriter(&encodedKey);
                writeDeterministic(keyWriter, it.key());
            }
            entries.emplace_back(std::move(encodedKey), it.key(), it.value());
        }
        // QByteArray orders by unsigned bytes, then by length: the order RFC 8949 asks for.
        std::sort(entries.begin(), entries.end(),
                  [](const auto &a, const auto &b) { return std::get<0>(a) < std::get<0>(b); });
        writer.startMap(quint64(entries.size()));
        for (const auto &entry : entries) {
            writeDeterministic(writer, std::get<1>(entry));
            writeDeterministic(writer, std::get<2>(entry));
        }
        writer.endMap();
        return;
    }
    case QCborValue::Array: {
        const QCborArray array = value.toArray();
        writer.startArray(quint64(array.size()));
        for (const auto &element : array)
            writeDeterministic(writer, element);
        writer.endArray();
        return;
    }
    default:
        value.toCbor(writer);
        return;
    }
}

// The message core from the values read out of a frame, `opts` as the decoded map.
struct ReferenceCore {
    QString from;
    quint32 device = 0;
    QByteArray mid;
    QStringList to;
    quint64 sentAt = 0;
    QByteArray payload;
    QByteArray keyCommitment;
    QCborMap options;
};

inline QByteArray referenceMessageCore(const ReferenceCore &in)
{
    using namespace Qt::StringLiterals;
    const QStringList to = normalisedRecipients(in.to);
    QByteArray out;
    QCborStreamWriter w(&out);
    w.startArray(9);
    w.append("parley-msg-v1"_L1);
    w.append(QStringView(in.from));
    w.append(quint64(in.device));
    w.append(in.mid);
    w.startArray(quint64(to.size()));
    for (const QString &user : to)
        w.append(QStringView(user));
    w.endArray();
    w.append(in.sentAt);
    w.append(crypto::sha512(in.payload));
    w.append(in.keyCommitment);
    writeDeterministic(w, in.options);
    w.endArray();
    return out;
}

} // namespace parley::protocol::test
