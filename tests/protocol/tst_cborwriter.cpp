// The protocol's CBOR encoder: every item as QCborStreamWriter writes it, and any QCborValue as
// QCborValue::toCbor() writes it, so that frames keep their bytes.

#include "protocol/cborwriter.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <functional>
#include <limits>

using namespace Qt::StringLiterals;
using parley::protocol::CborWriter;

namespace {

using Write = std::function<void(CborWriter &, QCborStreamWriter &)>;

QByteArray ours(const Write &write)
{
    QByteArray out;
    QByteArray unused;
    CborWriter w(out);
    QCborStreamWriter q(&unused);
    write(w, q);
    return out;
}

QByteArray qts(const Write &write)
{
    QByteArray unused;
    QByteArray out;
    CborWriter w(unused);
    {
        QCborStreamWriter q(&out);
        write(w, q);
    }
    return out;
}

// Random values of every kind QCborValue has, nested a few levels.
QCborValue randomValue(QRandomGenerator &rng, int depth)
{
    const int kinds = depth > 3 ? 10 : 12;
    switch (rng.bounded(kinds)) {
    case 0: return qint64(rng.generate64());
    case 1: return qint64(rng.bounded(70000)) - 35000;
    case 2: {
        QByteArray b(rng.bounded(300), Qt::Uninitialized);
        for (char &c : b)
            c = char(rng.bounded(256));
        return b;
    }
    case 3: {
        QString s;
        const int n = rng.bounded(40);
        for (int i = 0; i < n; ++i) {
            switch (rng.bounded(5)) {
            case 0: s += QChar(char16_t(0x80 + rng.bounded(0x700))); break;
            case 1: s += QChar(char16_t(0x800 + rng.bounded(0xd000))); break;
            case 2: s += QString::fromUcs4(std::array<char32_t, 1>{char32_t(0x10000 + rng.bounded(0x1000))}.data(), 1); break;
            default: s += QChar(char16_t(0x20 + rng.bounded(0x5f))); break;
            }
        }
        return s;
    }
    case 4: return rng.bounded(2) == 1;
    case 5: return QCborValue(nullptr);
    case 6: return QCborValue(QCborValue::Undefined);
    case 7: return rng.generateDouble() * 1e6 - 5e5;
    case 8: return QCborValue(QCborSimpleType(rng.bounded(2) ? rng.bounded(20) : 32 + rng.bounded(224)));
    case 9: return QCborValue(QCborTag(rng.bounded(100000)), QCborValue(qint64(rng.bounded(10))));
    case 10: {
        QCborArray a;
        const int n = rng.bounded(30);
        for (int i = 0; i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return a;
    }
    default: {
        QCborMap m;
        const int n = rng.bounded(30);
        for (int i = 0; i < n; ++i) {
            const QCborValue key = rng.bounded(4) ? QCborValue(u"k%1"_s.arg(i)) : randomValue(rng, depth + 1);
            m.insert(key, randomValue(rng, depth + 1));
        }
        return m;
    }
    }
}

QByteArray written(const QCborValue &v)
{
    QByteArray out;
    CborWriter w(out);
    w.value(v);
    return out;
}

} // namespace

Q_DECLARE_METATYPE(Write)

class TestCborWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void itemsAsQCborStreamWriter_data()
    {
        QTest::addColumn<Write>("write");
        for (quint64 v : {quint64(0), quint64(23), quint64(24), quint64(255), quint64(256), quint64(65535),
                          quint64(65536), quint64(0xffffffffu), quint64(0x100000000ull), ~quint64(0)}) {
            QTest::addRow("uint %llu", v) << Write([v](CborWriter &w, QCborStreamWriter &q) { w.uint(v), q.append(v); });
            QTest::addRow("tag %llu", v)
                << Write([v](CborWriter &w, QCborStreamWriter &q) { w.tag(v), q.append(QCborTag(v)); });
            if (v == ~quint64(0))
                continue;   // QCborStreamWriter's "indefinite length"
            QTest::addRow("map %llu", v) << Write([v](CborWriter &w, QCborStreamWriter &q) { w.map(v), q.startMap(v); });
            QTest::addRow("array %llu", v)
                << Write([v](CborWriter &w, QCborStreamWriter &q) { w.array(v), q.startArray(v); });
        }
        for (qint64 v : {qint64(0), qint64(-1), qint64(-24), qint64(-25), qint64(-256), qint64(-257),
                         qint64(-65537), std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max()}) {
            QTest::addRow("integer %lld", v)
                << Write([v](CborWriter &w, QCborStreamWriter &q) { w.integer(v), q.append(v); });
        }
        for (qsizetype n : {0, 23, 24, 255, 256, 65536}) {
            const QByteArray b(n, 'b');
            QTest::addRow("bytes %lld", qlonglong(n))
                << Write([b](CborWriter &w, QCborStreamWriter &q) { w.bytes(b), q.append(b); });
            const QString s(n, u'x');
            QTest::addRow("ASCII text %lld", qlonglong(n))
                << Write([s](CborWriter &w, QCborStreamWriter &q) { w.text(s), q.append(s); });
            const QString e(n, u'\u00e9');
            QTest::addRow("non-ASCII text %lld", qlonglong(n))
                << Write([e](CborWriter &w, QCborStreamWriter &q) { w.text(e), q.append(e); });
        }
        QTest::addRow("Latin-1 view") << Write([](CborWriter &w, QCborStreamWriter &q) {
            w.text("room_changed"_L1), q.append("room_changed"_L1);
        });
        QTest::addRow("UTF-8 text") << Write([](CborWriter &w, QCborStreamWriter &q) {
            w.textUtf8(u"\u20ac1"_s.toUtf8()), q.append(u"\u20ac1"_s);
        });
        QTest::addRow("lone surrogate") << Write([](CborWriter &w, QCborStreamWriter &q) {
            const QString s = u"a"_s + QChar(char16_t(0xd800)) + u"b"_s;
            w.text(s), q.append(s);
        });
        QTest::addRow("booleans") << Write([](CborWriter &w, QCborStreamWriter &q) {
            w.boolean(true), w.boolean(false), q.append(true), q.append(false);
        });
        QTest::addRow("null, undefined") << Write([](CborWriter &w, QCborStreamWriter &q) {
            w.null(), w.undefined(), q.appendNull(), q.appendUndefined();
        });
        for (int v : {0, 19, 32, 255}) {
            QTest::addRow("simple %d", v) << Write([v](CborWriter &w, QCborStreamWriter &q) {
                w.simple(quint8(v)), q.append(QCborSimpleType(v));
            });
        }
        for (double v : {0.0, -0.0, 1.5, -1e300, std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN()}) {
            QTest::addRow("double %g", v) << Write([v](CborWriter &w, QCborStreamWriter &q) { w.float64(v), q.append(v); });
        }
    }

    void itemsAsQCborStreamWriter()
    {
        QFETCH(Write, write);
        QCOMPARE(ours(write).toHex(), qts(write).toHex());
    }

    void valueAsToCbor_data()
    {
        QTest::addColumn<QCborValue>("value");
        QTest::newRow("invalid") << QCborValue(QCborValue::Invalid);
        QTest::newRow("date/time") << QCborValue(QDateTime(QDate(2026, 12, 3), QTime(22, 0), Qt::UTC));
        QTest::newRow("URL") << QCborValue(QUrl(u"https://example.org/a"_s));
        QTest::newRow("UUID") << QCborValue(QUuid::createUuid());
        QTest::newRow("regular expression") << QCborValue(QRegularExpression(u"a+b"_s));
        QTest::newRow("nested tags") << QCborValue(QCborTag(1), QCborValue(QCborTag(2), QCborArray{1, u"x"_s}));
        QRandomGenerator rng(20261203);
        for (int i = 0; i < 300; ++i)
            QTest::addRow("random %d", i) << randomValue(rng, 0);
    }

    void valueAsToCbor()
    {
        QFETCH(QCborValue, value);
        QCOMPARE(written(value).toHex(), value.toCbor().toHex());
    }

    // The writer the server encoded msg and accepted frames with (now this one): text and integer heads.
    void textAndUintAsToCbor()
    {
        QByteArray out;
        CborWriter w(out);
        w.text(u"h\u00e9llo"_s);
        QCOMPARE(out, QCborValue(u"h\u00e9llo"_s).toCbor());
        out.clear();
        w.text(QString(30, u'a'));
        QCOMPARE(out, QCborValue(QString(30, u'a')).toCbor());
        for (const quint64 v : {0ull, 23ull, 24ull, 255ull, 256ull, 65535ull, 65536ull, 0xffffffffull, 0x100000000ull}) {
            out.clear();
            w.uint(v);
            QCOMPARE(out, QCborValue(qint64(v)).toCbor());
        }
    }

    void rawAndHeadSize()
    {
        QByteArray out;
        CborWriter w(out);
        w.raw(QByteArray::fromHex("8201"));
        w.uint(2);
        QCOMPARE(out.toHex(), QByteArray("820102"));
        for (quint64 v : {quint64(23), quint64(24), quint64(256), quint64(65536), quint64(0x100000000ull)}) {
            QByteArray head;
            CborWriter(head).uint(v);
            QCOMPARE(CborWriter::headSize(v), head.size());
        }
    }
};

QTEST_GUILESS_MAIN(TestCborWriter)
#include "tst_cborwriter.moc"
