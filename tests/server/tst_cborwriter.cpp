#include "relay/cborwriter.h"

#include <QCborValue>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class tst_CborWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cborWriterText()
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
};

QTEST_GUILESS_MAIN(tst_CborWriter)
#include "tst_cborwriter.moc"
