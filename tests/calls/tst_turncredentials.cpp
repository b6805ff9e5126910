// TURN credentials (server/relay/turnsettings.h): the coturn REST API formula against values computed by hand
// (Python's hmac module), the pseudonym that stands for the device, and the checks of turn.set's URIs and secret.

#include "crypto/crypto.h"
#include "relay/turnsettings.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class TestTurnCredentials : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hmacSha256MatchesRfc4231()
    {
        // RFC 4231, test case 2.
        auto mac = crypto::hmacSha256("Jefe", "what do ya want for nothing?");
        QVERIFY(mac);
        QCOMPARE(mac->toHex(), QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }

    void credentialsMatchTheHandComputedVector()
    {
        // secret = b"parley-test-turn-secret"
        // pseudonym = hmac.new(secret, b"parley-turn-id\0alice\0" + struct.pack(">I", 1), sha256).hexdigest()[:16]
        // password = base64(hmac.new(secret, b"1700003600:" + pseudonym, sha1).digest())
        TurnConfig config;
        config.uris = {u"turn:turn.example:3478?transport=udp"_s};
        config.ttlSeconds = 3600;
        config.secret = "parley-test-turn-secret";
        auto c = TurnSettings::issue(config, u"alice"_s, 1, 1700000000);
        QVERIFY(c);
        QCOMPARE(c->user, u"1700003600:f337827bf52db260"_s);
        QCOMPARE(c->password, u"aeeziWW+AdnMmqq4SMJ5VOy3xts="_s);
        QCOMPARE(c->expiresAt, qint64(1700003600));
        QCOMPARE(c->ttlSeconds, 3600);
        QCOMPARE(c->uris, config.uris);
        QVERIFY(!c->user.contains(u"alice"_s));

        // Another device of the same user has another pseudonym; the same device keeps its own.
        auto other = TurnSettings::pseudonym(config.secret, u"alice"_s, 2);
        QVERIFY(other);
        QCOMPARE(*other, u"a568f0ce509e0f31"_s);
        auto again = TurnSettings::issue(config, u"alice"_s, 1, 1700000100);
        QVERIFY(again);
        QCOMPARE(again->user, u"1700003700:f337827bf52db260"_s);
    }

    void settingsHandOutNothingUntilSet()
    {
        TurnSettings settings;
        auto none = settings.issue(u"alice"_s, 1, 1700000000);
        QVERIFY(none);
        QVERIFY(!none->has_value());
        TurnConfig config;
        config.uris = {u"stun:turn.example"_s};
        config.ttlSeconds = 60;
        config.secret = "parley-test-turn-secret";
        settings.set(config);
        auto some = settings.issue(u"alice"_s, 1, 1700000000);
        QVERIFY(some && some->has_value());
        QCOMPARE((*some)->user, u"1700000060:f337827bf52db260"_s);
        settings.set(std::nullopt);
        auto cleared = settings.issue(u"alice"_s, 1, 1700000000);
        QVERIFY(cleared && !cleared->has_value());
    }

    void uris_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("valid");
        QTest::newRow("turn host") << u"turn:turn.example.com"_s << true;
        QTest::newRow("turn host port") << u"turn:turn.example.com:3478"_s << true;
        QTest::newRow("turn udp") << u"turn:turn.example.com:3478?transport=udp"_s << true;
        QTest::newRow("turns tcp") << u"turns:turn.example.com:5349?transport=tcp"_s << true;
        QTest::newRow("turn ipv4") << u"turn:192.0.2.1:3478"_s << true;
        QTest::newRow("turn ipv6") << u"turn:[2001:db8::1]:3478?transport=udp"_s << true;
        QTest::newRow("stun ipv6 no port") << u"stun:[2001:db8::1]"_s << true;
        QTest::newRow("stun") << u"stun:stun.example.com:3478"_s << true;
        QTest::newRow("stuns") << u"stuns:stun.example.com"_s << true;
        QTest::newRow("upper-case scheme") << u"TURN:turn.example.com"_s << true;
        QTest::newRow("http") << u"http://turn.example.com"_s << false;
        QTest::newRow("no scheme") << u"turn.example.com:3478"_s << false;
        QTest::newRow("slashes") << u"turn://turn.example.com"_s << false;
        QTest::newRow("empty host") << u"turn:"_s << false;
        QTest::newRow("empty port") << u"turn:turn.example.com:"_s << false;
        QTest::newRow("port 0") << u"turn:turn.example.com:0"_s << false;
        QTest::newRow("port 65536") << u"turn:turn.example.com:65536"_s << false;
        QTest::newRow("port letters") << u"turn:turn.example.com:34a"_s << false;
        QTest::newRow("port sign") << u"turn:turn.example.com:+3478"_s << false;
        QTest::newRow("stun query") << u"stun:stun.example.com?transport=udp"_s << false;
        QTest::newRow("transport sctp") << u"turn:turn.example.com?transport=sctp"_s << false;
        QTest::newRow("other query") << u"turn:turn.example.com?foo=bar"_s << false;
        QTest::newRow("user info") << u"turn:user@turn.example.com"_s << false;
        QTest::newRow("space") << u"turn:turn example.com"_s << false;
        QTest::newRow("label hyphen") << u"turn:-turn.example.com"_s << false;
        QTest::newRow("empty label") << u"turn:turn..example.com"_s << false;
        QTest::newRow("ipv6 unbracketed") << u"turn:2001:db8::1"_s << false;
        QTest::newRow("ipv6 unclosed") << u"turn:[2001:db8::1"_s << false;
        QTest::newRow("ipv4 in brackets") << u"turn:[192.0.2.1]"_s << false;
        QTest::newRow("path") << u"turn:turn.example.com/x"_s << false;
        QTest::newRow("too long") << (u"turn:"_s + QString(508, u'a')) << false;
    }

    void uris()
    {
        QFETCH(QString, uri);
        QFETCH(bool, valid);
        const QString problem = TurnSettings::checkUri(uri);
        QVERIFY2(problem.isEmpty() == valid, qPrintable(uri + u": "_s + problem));
    }

    void secrets_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::addColumn<bool>("valid");
        QTest::newRow("16") << QString(16, u'x') << true;
        QTest::newRow("256") << QString(256, u'x') << true;
        QTest::newRow("punctuation") << u"a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p~"_s << true;
        QTest::newRow("15") << QString(15, u'x') << false;
        QTest::newRow("257") << QString(257, u'x') << false;
        QTest::newRow("space") << u"sixteen chars ok"_s << false;
        QTest::newRow("tab") << u"sixteen\tchars-ok"_s << false;
        QTest::newRow("newline") << u"sixteen-chars-ok\n"_s << false;
        QTest::newRow("non-ascii") << u"sixteen-chars-\u00e9k"_s << false;
    }

    void secrets()
    {
        QFETCH(QString, secret);
        QFETCH(bool, valid);
        QCOMPARE(TurnSettings::checkSecret(secret).isEmpty(), valid);
    }
};

QTEST_GUILESS_MAIN(TestTurnCredentials)
#include "tst_turncredentials.moc"
