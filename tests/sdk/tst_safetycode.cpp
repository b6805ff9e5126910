// Safety codes (docs/protocol.md "Safety codes"): the test vector of the specification, symmetry, and that a
// different key or name gives another code.

#include "crypto/crypto.h"
#include "sdk/safetycode.h"

#include <QtTest>

using namespace parley;
using namespace Qt::StringLiterals;

class TestSafetyCode : public QObject {
    Q_OBJECT

private:
    // The keys of the test vector: 0x04 followed by (i * 7) mod 256, resp. (i * 13 + 1) mod 256, for i = 0 … 131.
    static QByteArray vectorKey(int factor, int offset)
    {
        QByteArray key(1, '\x04');
        for (int i = 0; i < 132; ++i)
            key.append(char((i * factor + offset) & 0xff));
        return key;
    }

private Q_SLOTS:
    void testVector()
    {
        const QByteArray alice = vectorKey(7, 0);
        const QByteArray bob = vectorKey(13, 1);
        QCOMPARE(sdk::safetyCodeHalf(u"alice"_s, alice), u"723546523065279132352773956564"_s);
        QCOMPARE(sdk::safetyCodeHalf(u"bob"_s, bob), u"058534463465383816920144985417"_s);
        QCOMPARE(sdk::safetyCode(u"alice"_s, alice, u"bob"_s, bob),
                 u"05853 44634 65383 81692 01449 85417 72354 65230 65279 13235 27739 56564"_s);
    }

    void symmetricAndBoundToKeysAndNames()
    {
        const QByteArray a = crypto::EcKey::generate().value().publicPoint();
        const QByteArray b = crypto::EcKey::generate().value().publicPoint();
        const QByteArray c = crypto::EcKey::generate().value().publicPoint();
        const QString ab = sdk::safetyCode(u"ann"_s, a, u"ben"_s, b);
        QCOMPARE(sdk::safetyCode(u"ben"_s, b, u"ann"_s, a), ab);
        QCOMPARE(ab.size(), 12 * 5 + 11);
        QVERIFY(ab != sdk::safetyCode(u"ann"_s, a, u"ben"_s, c));    // a substituted key
        QVERIFY(ab != sdk::safetyCode(u"ann"_s, a, u"bem"_s, b));    // the key under another name
    }
};

QTEST_GUILESS_MAIN(TestSafetyCode)
#include "tst_safetycode.moc"
