#pragma once

// The CBOR encoder of the protocol: frames (encode(), every message struct) are written with it.

#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QString>
#include <QStringView>

class QCborValue;

namespace parley::protocol {

// Appends definite-length CBOR items with the shortest heads to a QByteArray: the bytes QCborStreamWriter and
// QCborValue::toCbor() produce for the same items, without building a QCborValue tree or a device.
class PARLEY_EXPORT CborWriter {
public:
    explicit CborWriter(QByteArray &out) : m_out(out) {}

    void map(quint64 pairs) { head(5, pairs); }
    void array(quint64 items) { head(4, items); }
    void uint(quint64 v) { head(0, v); }
    // Negative values as CBOR negative integers (major type 1), others as uint().
    void integer(qint64 v)
    {
        if (v < 0)
            head(1, quint64(-1 - v));
        else
            head(0, quint64(v));
    }
    void boolean(bool v) { m_out.append(char(v ? 0xf5 : 0xf4)); }
    void null() { m_out.append(char(0xf6)); }
    void undefined() { m_out.append(char(0xf7)); }
    void simple(quint8 v);
    void tag(quint64 v) { head(6, v); }
    void float64(double v);
    void bytes(QByteArrayView b)
    {
        head(2, quint64(b.size()));
        m_out.append(b);
    }
    void text(QLatin1StringView s)
    {
        head(3, quint64(s.size()));
        m_out.append(s.data(), s.size());
    }
    void text(QStringView s)
    {
        // User names and most other texts are ASCII: copy them without a UTF-8 conversion buffer.
        const qsizetype n = s.size();
        const QChar *u = s.data();
        for (qsizetype i = 0; i < n; ++i) {
            if (u[i].unicode() >= 0x80)
                return textNonAscii(s);
        }
        head(3, quint64(n));
        const qsizetype at = m_out.size();
        m_out.resize(at + n);
        char *p = m_out.data() + at;
        for (qsizetype i = 0; i < n; ++i)
            p[i] = char(u[i].unicode());
    }
    void text(const QString &s) { text(QStringView(s)); }
    // A text string given as its UTF-8 bytes.
    void textUtf8(QByteArrayView utf8)
    {
        head(3, quint64(utf8.size()));
        m_out.append(utf8);
    }
    // Any value, as QCborValue::toCbor() writes it (definite lengths, doubles as 64-bit floats).
    void value(const QCborValue &v);
    // An already encoded item.
    void raw(QByteArrayView encoded) { m_out.append(encoded); }

    // Encoded size of a head with this argument.
    static qsizetype headSize(quint64 v)
    {
        return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000ull ? 5 : 9;
    }

private:
    void head(int major, quint64 v)
    {
        const char m = char(major << 5);
        if (v < 24) {
            m_out.append(char(m | char(v)));
        } else if (v < 0x100) {
            const char b[2] = {char(m | 24), char(v)};
            m_out.append(b, 2);
        } else if (v < 0x10000) {
            const char b[3] = {char(m | 25), char(v >> 8), char(v)};
            m_out.append(b, 3);
        } else if (v < 0x100000000ull) {
            const char b[5] = {char(m | 26), char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
            m_out.append(b, 5);
        } else {
            const char b[9] = {char(m | 27), char(v >> 56), char(v >> 48), char(v >> 40), char(v >> 32),
                               char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
            m_out.append(b, 9);
        }
    }
    void textNonAscii(QStringView s);

    QByteArray &m_out;
};

} // namespace parley::protocol
