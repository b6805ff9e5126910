#include "protocol/cborwriter.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include <cstring>

namespace parley::protocol {

void CborWriter::simple(quint8 v)
{
    if (v < 24) {
        m_out.append(char(0xe0 | v));
    } else {
        const char b[2] = {char(0xf8), char(v)};
        m_out.append(b, 2);
    }
}

void CborWriter::float64(double v)
{
    quint64 bits;
    static_assert(sizeof bits == sizeof v);
    std::memcpy(&bits, &v, sizeof bits);
    const char b[9] = {char(0xfb), char(bits >> 56), char(bits >> 48), char(bits >> 40), char(bits >> 32),
                       char(bits >> 24), char(bits >> 16), char(bits >> 8), char(bits)};
    m_out.append(b, 9);
}

void CborWriter::textNonAscii(QStringView s)
{
    const QByteArray utf8 = s.toUtf8();
    textUtf8(utf8);
}

void CborWriter::texts(const QStringList &list)
{
    qsizetype total = headSize(quint64(list.size()));
    for (const QString &s : list)
        total += headSize(quint64(s.size())) + s.size();
    const qsizetype at = m_out.size();
    char *p = putHead(grow(total), 4, quint64(list.size()));
    for (const QString &s : list) {
        p = putHead(p, 3, quint64(s.size()));
        if (!copyAscii(p, s)) {
            m_out.resize(at);
            array(quint64(list.size()));
            for (const QString &t : list)
                text(t);
            return;
        }
        p += s.size();
    }
}

void CborWriter::value(const QCborValue &v)
{
    switch (v.type()) {
    case QCborValue::Integer:
        integer(v.toInteger());
        return;
    case QCborValue::ByteArray:
        bytes(v.toByteArray());
        return;
    case QCborValue::String:
        text(v.toString());
        return;
    case QCborValue::Array: {
        const QCborArray a = v.toArray();
        array(quint64(a.size()));
        for (const QCborValue &e : a)
            value(e);
        return;
    }
    case QCborValue::Map: {
        const QCborMap m = v.toMap();
        map(quint64(m.size()));
        for (auto it = m.cbegin(); it != m.cend(); ++it) {
            value(it.key());
            value(it.value());
        }
        return;
    }
    case QCborValue::False:
        boolean(false);
        return;
    case QCborValue::True:
        boolean(true);
        return;
    case QCborValue::Null:
        null();
        return;
    case QCborValue::Undefined:
        undefined();
        return;
    case QCborValue::Double:
        float64(v.toDouble());
        return;
    case QCborValue::Invalid:
        return;   // QCborValue::toCbor() writes nothing for it either
    default:
        break;
    }
    if (v.isSimpleType()) {
        simple(quint8(v.toSimpleType()));
        return;
    }
    // Tags, including the extended types (date/time, URL, UUID, ...) that QCborValue keeps as tagged values.
    tag(quint64(v.tag()));
    value(v.taggedValue());
}

} // namespace parley::protocol
