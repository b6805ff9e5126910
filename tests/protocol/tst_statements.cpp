// The signed statements of docs/protocol.md ("Cryptographic objects"): exact bytes, so the format cannot drift.

#include "crypto/crypto.h"
#include "protocol/statements.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::protocol;

namespace {

MessageCore sampleCore()
{
    MessageCore in;
    in.from = u"alice"_s;
    in.device = 2;
    for (char i = 0; i < 16; ++i)
        in.mid.append(i);
    in.to = {u"carol"_s, u"bob"_s, u"carol"_s};
    in.sentAt = 1700000000000;
    in.payload = "abc";
    in.keyCommitment = QByteArray(32, '\xaa');
    return in;
}

} // namespace

class TestStatements : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deviceStatementBytes()
    {
        const QByteArray pub = QByteArray::fromHex("040102");
        QCOMPARE(deviceStatement(u"al"_s, pub).toHex(),
                 QByteArray("83707061726c65792d6465766963652d763162616c43040102"));
    }

    void loginStatementBytes()
    {
        QCOMPARE(loginStatement(QByteArray::fromHex("0001"), u"bob"_s, 7).toHex(),
                 QByteArray("846f7061726c65792d6c6f67696e2d763142000163626f6207"));
    }

    void prekeyStatementBytes()
    {
        QCOMPARE(prekeyStatement(500, QByteArray::fromHex("04")).toHex(),
                 QByteArray("83707061726c65792d7072656b65792d76311901f44104"));
    }

    void messageCoreBytes()
    {
        // `to` arrives unsorted with a duplicate; the core carries ["bob", "carol"] and SHA-512("abc").
        QCOMPARE(sampleCore().encode().toHex(),
                 QByteArray("896d7061726c65792d6d73672d763165616c6963650250000102030405060708090a0b0c0d0e0f8263626f6265"
                            "6361726f6c1b0000018bcfe568005840ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b"
                            "55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f5820aaaaaaaaaaaaaaaa"
                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0"));
    }

    void messageCoreOptionsAreCanonical()
    {
        // Map keys in the bytewise order of their encodings: "exp" (63 65 78 70), "burn" (64 62 ...), "room" (64 72 ...).
        MessageCore core = sampleCore();
        core.options = MessageOptions{u"x"_s, 1, true};
        QVERIFY(core.encode().toHex().endsWith("a36365787001646275726ef564726f6f6d6178"));
        core.options = MessageOptions{u"x"_s, {}, {}};
        QVERIFY(core.encode().toHex().endsWith("a164726f6f6d6178"));
    }

    void messageCoreHashesPayload()
    {
        MessageCore in = sampleCore();
        in.payload = QByteArray("a distinctive payload that must not appear in the core");
        const QByteArray core = in.encode();
        QVERIFY(!core.contains(in.payload));
        QVERIFY(core.contains(crypto::sha512(in.payload)));
    }

    void wrapInfoBytes()
    {
        const QByteArray info = wrapInfo(u"al"_s, "\x01", "\x02", u"bo"_s, "\x03", "\x04", "\x05", "\x06");
        QCOMPARE(info.toHex(), QByteArray("896e7061726c65792d777261702d763162616c4101410262626f4103410441054106"));
    }

    void normalisation_data()
    {
        QTest::addColumn<QStringList>("input");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("empty") << QStringList() << QStringList();
        QTest::newRow("one") << QStringList{u"bob"_s} << QStringList{u"bob"_s};
        QTest::newRow("sorted, deduplicated")
            << QStringList{u"carol"_s, u"bob"_s, u"alice"_s, u"bob"_s, u"carol"_s}
            << QStringList{u"alice"_s, u"bob"_s, u"carol"_s};
        QTest::newRow("prefix first") << QStringList{u"bob2"_s, u"bob"_s, u"bo"_s}
                                      << QStringList{u"bo"_s, u"bob"_s, u"bob2"_s};
        QTest::newRow("bytes, not locale") << QStringList{u"b"_s, u"a"_s, u"Z"_s, u"0"_s, u"."_s}
                                           << QStringList{u"."_s, u"0"_s, u"Z"_s, u"a"_s, u"b"_s};
        // UTF-16 would put U+1F600 (surrogates D83D DE00) before U+FFFD; UTF-8 (F0 9F.. > EF BF BD) does not.
        QTest::newRow("beyond the BMP") << QStringList{u"\U0001F600"_s, u"\uFFFD"_s, u"\u00e4"_s, u"z"_s}
                                        << QStringList{u"z"_s, u"\u00e4"_s, u"\uFFFD"_s, u"\U0001F600"_s};
    }

    void normalisation()
    {
        QFETCH(QStringList, input);
        QFETCH(QStringList, expected);
        QCOMPARE(normalisedRecipients(input), expected);
        QCOMPARE(normalisedRecipients(expected), expected);
    }

    void messageCoreNormalisesRecipients()
    {
        MessageCore a = sampleCore();
        a.to = {u"bob"_s, u"carol"_s};
        MessageCore b = sampleCore();
        b.to = {u"carol"_s, u"carol"_s, u"bob"_s, u"bob"_s};
        QCOMPARE(a.encode(), b.encode());
    }

    void messageCoreChanges_data()
    {
        QTest::addColumn<int>("which");
        const char *names[] = {"from", "device", "mid", "to", "sent_at", "payload", "key commitment", "options"};
        for (int i = 0; i < 8; ++i)
            QTest::newRow(names[i]) << i;
    }

    void messageCoreChanges()
    {
        QFETCH(int, which);
        const MessageCore base = sampleCore();
        MessageCore changed = base;
        switch (which) {
        case 0: changed.from = u"alicf"_s; break;
        case 1: changed.device = 3; break;
        case 2: changed.mid[15] = '\x10'; break;
        case 3: changed.to.append(u"dave"_s); break;
        case 4: changed.sentAt += 1; break;
        case 5: changed.payload = "abd"; break;
        case 6: changed.keyCommitment[0] = '\xab'; break;
        case 7: changed.options.room = u"x"_s; break;
        }
        QVERIFY(changed.encode() != base.encode());
    }

    void statementsDiffer()
    {
        // The same inputs under different labels never produce the same bytes.
        const QByteArray pub(133, '\x04');
        QVERIFY(deviceStatement(u"a"_s, pub) != prekeyStatement(0, pub));
        QVERIFY(deviceStatement(u"alice"_s, pub) != deviceStatement(u"alicf"_s, pub));
        QVERIFY(loginStatement(QByteArray(32, 'c'), u"alice"_s, 1) != loginStatement(QByteArray(32, 'c'), u"alice"_s, 2));
        QVERIFY(loginStatement(QByteArray(32, 'c'), u"alice"_s, 1) != loginStatement(QByteArray(32, 'd'), u"alice"_s, 1));
    }
};

QTEST_GUILESS_MAIN(TestStatements)
#include "tst_statements.moc"
