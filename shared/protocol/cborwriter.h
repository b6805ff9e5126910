#pragma once

// The CBOR encoder of the protocol: frames (encode(), every message struct) are written with it.

#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <cstring>

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
    void bytes(QByteArrayView b) { item(2, b.data(), b.size()); }
    void text(QLatin1StringView s) { item(3, s.data(), s.size()); }
    void text(QStringView s)
    {
        // User names and most other texts are ASCII: copy them without a UTF-8 conversion buffer.
        const qsizetype at = m_out.size();
        char *p = putHead(grow(headSize(quint64(s.size())) + s.size()), 3, quint64(s.size()));
        if (!copyAscii(p, s)) {
            m_out.resize(at);
            textNonAscii(s);
        }
    }
    void text(const QString &s) { text(QStringView(s)); }
    // An array of texts (user names): one allocation for the whole array when they are all ASCII.
    void texts(const QStringList &list);
    // A text string given as its UTF-8 bytes.
    void textUtf8(QByteArrayView utf8) { item(3, utf8.data(), utf8.size()); }
    // Any value, as QCborValue::toCbor() writes it (definite lengths, doubles as 64-bit floats).
    void value(const QCborValue &v);
    // An already encoded item.
    void raw(QByteArrayView encoded) { m_out.append(encoded); }

    // Encoded size of a head with this argument.
    static qsizetype headSize(quint64 v)
    {
        return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000ull ? 5 : 9;
    }
    // Writes a head of major type `major` at `p`, returns its end.
    static char *putHead(char *p, int major, quint64 v)
    {
        const char m = char(major << 5);
        if (v < 24) {
            *p++ = char(m | char(v));
            return p;
        }
        int size;
        if (v < 0x100) {
            *p++ = char(m | 24);
            size = 1;
        } else if (v < 0x10000) {
            *p++ = char(m | 25);
            size = 2;
        } else if (v < 0x100000000ull) {
            *p++ = char(m | 26);
            size = 4;
        } else {
            *p++ = char(m | 27);
            size = 8;
        }
        for (int i = size - 1; i >= 0; --i)
            *p++ = char(v >> (8 * i));
        return p;
    }
    // Copies UTF-16 text one byte per character to `p` (s.size() bytes); false when a character is not ASCII
    // (what was copied is then of no use).
    static bool copyAscii(char *p, QStringView s)
    {
        const char16_t *u = s.utf16();
        const qsizetype n = s.size();
        qsizetype i = 0;
        quint64 any = 0;
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
        for (; i + 4 <= n; i += 4) {
            quint64 w;
            std::memcpy(&w, u + i, sizeof w);
            any |= w;
            const quint32 b = quint32((w & 0xff) | ((w >> 8) & 0xff00) | ((w >> 16) & 0xff0000) | ((w >> 24) & 0xff000000));
            std::memcpy(p + i, &b, sizeof b);
        }
#endif
        for (; i < n; ++i) {
            any |= u[i];
            p[i] = char(u[i]);
        }
        return (any & 0xff80ff80ff80ff80ull) == 0;
    }

private:
    void head(int major, quint64 v)
    {
        char b[9];
        m_out.append(b, putHead(b, major, v) - b);
    }
    // Appends `n` bytes and returns where they start.
    char *grow(qsizetype n)
    {
        const qsizetype at = m_out.size();
        m_out.resize(at + n);
        return m_out.data() + at;
    }
    void item(int major, const char *data, qsizetype n)
    {
        char *p = putHead(grow(headSize(quint64(n)) + n), major, quint64(n));
        if (n)
            std::memcpy(p, data, size_t(n));
    }
    void textNonAscii(QStringView s);

    QByteArray &m_out;
};

// The same items into memory sized beforehand with CborSize, without a size check per item: the message structs'
// encoders measure a frame, size the buffer once, then write it with this. Text is written one byte per character;
// ascii() says afterwards whether that held (else the frame is written again with CborWriter).
class CborSpanWriter {
public:
    explicit CborSpanWriter(char *at) : m_p(at) {}

    void map(quint64 pairs) { m_p = CborWriter::putHead(m_p, 5, pairs); }
    void array(quint64 items) { m_p = CborWriter::putHead(m_p, 4, items); }
    void uint(quint64 v) { m_p = CborWriter::putHead(m_p, 0, v); }
    void boolean(bool v) { *m_p++ = char(v ? 0xf5 : 0xf4); }
    void bytes(QByteArrayView b) { item(2, b.data(), b.size()); }
    void text(QLatin1StringView s) { item(3, s.data(), s.size()); }
    void text(QStringView s)
    {
        m_p = CborWriter::putHead(m_p, 3, quint64(s.size()));
        m_ascii = CborWriter::copyAscii(m_p, s) && m_ascii;
        m_p += s.size();
    }
    void texts(const QStringList &list)
    {
        array(quint64(list.size()));
        for (const QString &s : list)
            text(QStringView(s));
    }
    void raw(QByteArrayView encoded)
    {
        if (!encoded.isEmpty())
            std::memcpy(m_p, encoded.data(), size_t(encoded.size()));
        m_p += encoded.size();
    }
    char *end() const { return m_p; }
    // False when some text was not ASCII: the bytes written are then of no use.
    bool ascii() const { return m_ascii; }

private:
    void item(int major, const char *data, qsizetype n)
    {
        m_p = CborWriter::putHead(m_p, major, quint64(n));
        if (n)
            std::memcpy(m_p, data, size_t(n));
        m_p += n;
    }

    char *m_p;
    bool m_ascii = true;
};

// Counts the bytes the same items take when every text is ASCII.
class CborSize {
public:
    void map(quint64 pairs) { m_size += CborWriter::headSize(pairs); }
    void array(quint64 items) { m_size += CborWriter::headSize(items); }
    void uint(quint64 v) { m_size += CborWriter::headSize(v); }
    void boolean(bool) { m_size += 1; }
    void bytes(QByteArrayView b) { m_size += CborWriter::headSize(quint64(b.size())) + b.size(); }
    void text(QLatin1StringView s) { m_size += CborWriter::headSize(quint64(s.size())) + s.size(); }
    void text(QStringView s) { m_size += CborWriter::headSize(quint64(s.size())) + s.size(); }
    void texts(const QStringList &list)
    {
        array(quint64(list.size()));
        for (const QString &s : list)
            text(QStringView(s));
    }

    void raw(QByteArrayView encoded) { m_size += encoded.size(); }

    qsizetype size() const { return m_size; }

private:
    qsizetype m_size = 0;
};

} // namespace parley::protocol
