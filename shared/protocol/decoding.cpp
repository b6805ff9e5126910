#include "protocol/decoding_p.h"

using namespace Qt::StringLiterals;

namespace parley::protocol::decoding {

bool isValidUtf8(QByteArrayView s)
{
    const auto *p = reinterpret_cast<const uchar *>(s.data());
    const auto *const end = p + s.size();
    while (p < end) {
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int follow;
        char32_t cp;
        char32_t least;
        if ((c & 0xe0) == 0xc0) {
            follow = 1, cp = c & 0x1f, least = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            follow = 2, cp = c & 0x0f, least = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            follow = 3, cp = c & 0x07, least = 0x10000;
        } else {
            return false;
        }
        if (end - p <= follow)
            return false;
        for (int i = 1; i <= follow; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += follow + 1;
    }
    return true;
}

qsizetype headSize(uchar initial)
{
    switch (initial & 0x1f) {
    case 24: return 2;
    case 25: return 3;
    case 26: return 5;
    case 27: return 9;
    default: return 1;
    }
}

int compareBytes(QByteArrayView a, QByteArrayView b)
{
    const qsizetype n = qMin(a.size(), b.size());
    if (n > 0) {
        if (const int c = std::memcmp(a.data(), b.data(), size_t(n)))
            return c;
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

bool equals(QByteArrayView bytes, QLatin1StringView ascii)
{
    return bytes == QByteArrayView(ascii.data(), ascii.size());
}

QString printable(QByteArrayView raw)
{
    bool ok = !raw.isEmpty() && raw.size() <= 64;
    for (qsizetype i = 0; ok && i < raw.size(); ++i)
        ok = raw[i] >= 0x20 && raw[i] < 0x7f;
    return ok ? QString::fromLatin1(raw) : u"<%1 bytes>"_s.arg(raw.size());
}

QString renderPath(const PathNode *node)
{
    QVarLengthArray<const PathNode *, 16> chain;
    for (const PathNode *p = node; p; p = p->parent)
        chain.append(p);
    QString out;
    for (auto it = chain.crbegin(); it != chain.crend(); ++it) {
        const PathNode *p = *it;
        if (p->index >= 0) {
            out += u'[';
            out += QString::number(p->index);
            out += u']';
            continue;
        }
        if (!out.isEmpty())
            out += u'.';
        if (!p->key.isEmpty())
            out += p->key;
        else
            out += printable(p->rawKey);
    }
    return out;
}

QString numberRange(quint64 min, quint64 max, const QString &unit)
{
    const QString suffix = unit.isEmpty() ? QString() : u" "_s + unit;
    if (min == max)
        return u"expected %1%2"_s.arg(min).arg(suffix);
    if (min == 0)
        return u"expected at most %1%2"_s.arg(max).arg(suffix);
    return u"expected %1 to %2%3"_s.arg(min).arg(max).arg(suffix);
}

QString expectedKind(Kind kind)
{
    switch (kind) {
    case Kind::Uint: return u"expected an unsigned integer"_s;
    case Kind::Bool: return u"expected true or false"_s;
    case Kind::Bytes: return u"expected a byte string"_s;
    case Kind::Text: return u"expected a text string"_s;
    case Kind::Array: return u"expected an array"_s;
    case Kind::Map: return u"expected a map"_s;
    }
    return QString();
}

bool hasKind(const QCborStreamReader &r, Kind kind)
{
    switch (kind) {
    case Kind::Uint: return r.isUnsignedInteger();
    case Kind::Bool: return r.isBool();
    case Kind::Bytes: return r.isByteArray();
    case Kind::Text: return r.isString();
    case Kind::Array: return r.isArray();
    case Kind::Map: return r.isMap();
    }
    return false;
}

const QList<QString> &typeNames()
{
    static const QList<QString> names = [] {
        QList<QString> list;
        list.reserve(schema::end() - schema::begin());
        for (const FrameSchema *f = schema::begin(); f != schema::end(); ++f)
            list.append(QString(f->type));
        return list;
    }();
    return names;
}

const QString &typeName(const FrameSchema *f) { return typeNames().at(f - schema::begin()); }

} // namespace parley::protocol::decoding
