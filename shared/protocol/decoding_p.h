#pragma once

// Private to libparley: the pieces the strict frame decoder (framedecoder.cpp) builds on: UTF-8 and CBOR head
// checks, key sets, paths and the wording of its error messages.

#include "protocol/frame.h"
#include "protocol/schema.h"

#include <QCborStreamReader>
#include <QList>
#include <QString>

#include <array>
#include <cstring>

namespace parley::protocol::decoding {

using schema::FieldList;
using schema::FrameSchema;
using schema::Kind;
using schema::Spec;

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(QByteArrayView s);

// Size of the CBOR head (initial byte plus argument) of a definite-length item.
qsizetype headSize(uchar initial);

int compareBytes(QByteArrayView a, QByteArrayView b);

bool equals(QByteArrayView bytes, QLatin1StringView ascii);

// For messages: a key or type name as received, when it is short, printable ASCII.
QString printable(QByteArrayView raw);

// Keys seen in one map: a short list for the usual handful, a hash set once a map gets large.
class KeySet {
public:
    void clear()
    {
        m_small.clear();
        m_large.reset();
    }
    // False when the key is already there.
    bool insert(QByteArrayView key)
    {
        if (m_large) {
            const qsizetype before = m_large->size();
            m_large->insert(key);
            return m_large->size() != before;
        }
        for (QByteArrayView k : m_small) {
            if (k == key)
                return false;
        }
        if (m_small.size() < SmallLimit) {
            m_small.append(key);
            return true;
        }
        m_large = std::make_unique<QSet<QByteArrayView>>(m_small.cbegin(), m_small.cend());
        m_large->insert(key);
        return true;
    }

private:
    static constexpr qsizetype SmallLimit = 16;
    QVarLengthArray<QByteArrayView, SmallLimit> m_small;
    std::unique_ptr<QSet<QByteArrayView>> m_large;
};

// Where a value sits in the frame, for BadField messages ("keys[3].eph"). Lives on the stack of the walk.
struct PathNode {
    PathNode(const PathNode *up, QLatin1StringView field) : parent(up), key(field) {}
    PathNode(const PathNode *up, QByteArrayView received) : parent(up), rawKey(received) {}
    PathNode(const PathNode *up, qsizetype position) : parent(up), index(position) {}

    const PathNode *parent = nullptr;
    QLatin1StringView key;       // a defined field
    QByteArrayView rawKey;       // or a key as received
    qsizetype index = -1;        // or an array position
};

QString renderPath(const PathNode *node);

QString numberRange(quint64 min, quint64 max, const QString &unit);

// What a value of this kind lacks; used for type mismatches.
QString expectedKind(Kind kind);

bool hasKind(const QCborStreamReader &r, Kind kind);

const QList<QString> &typeNames();

const QString &typeName(const FrameSchema *f);

} // namespace parley::protocol::decoding
