// The relying party's checks on their own (server/sso): the provider's key set, the ID token's signature and claims
// (OpenID Connect Core 1.0, 3.1.3.7), and the strict reader of the browser's request head and query. tst_sso runs
// the same code against a real provider; here are the tokens no provider issues.

#include "sso/browserrequest.h"
#include "sso/idtoken.h"
#include "sso/pendinglogins.h"

#include "crypto/crypto.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

const QString Issuer = u"https://login.example.org/realms/staff"_s;
const QString ClientId = u"parley"_s;
const QString Nonce = u"n-0S6_WzA2Mj"_s;
constexpr qint64 Now = 1800000000;

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

struct Keys {
    crypto::RsaKey rsa = *crypto::RsaKey::generate(2048);
    crypto::P256Key ec = *crypto::P256Key::generate();
    crypto::RsaKey otherRsa = *crypto::RsaKey::generate(2048);

    QByteArray jwks() const
    {
        const QByteArray point = ec.publicPoint();
        QJsonArray keys;
        keys.append(QJsonObject{{u"kty"_s, u"RSA"_s}, {u"kid"_s, u"r1"_s}, {u"use"_s, u"sig"_s}, {u"alg"_s, u"RS256"_s},
                                {u"n"_s, QString::fromLatin1(b64(rsa.modulus()))},
                                {u"e"_s, QString::fromLatin1(b64(rsa.publicExponent()))}});
        keys.append(QJsonObject{{u"kty"_s, u"EC"_s}, {u"kid"_s, u"e1"_s}, {u"crv"_s, u"P-256"_s},
                                {u"x"_s, QString::fromLatin1(b64(point.mid(1, 32)))},
                                {u"y"_s, QString::fromLatin1(b64(point.mid(33, 32)))}});
        // An encryption key and a key of another type: left out.
        keys.append(QJsonObject{{u"kty"_s, u"RSA"_s}, {u"kid"_s, u"enc"_s}, {u"use"_s, u"enc"_s},
                                {u"n"_s, QString::fromLatin1(b64(otherRsa.modulus()))},
                                {u"e"_s, QString::fromLatin1(b64(otherRsa.publicExponent()))}});
        keys.append(QJsonObject{{u"kty"_s, u"oct"_s}, {u"kid"_s, u"h1"_s}, {u"k"_s, u"c2VjcmV0"_s}});
        return json(QJsonObject{{u"keys"_s, keys}});
    }
};

const Keys &keys()
{
    static const Keys k;
    return k;
}

QJsonObject goodClaims()
{
    return {{u"iss"_s, Issuer}, {u"aud"_s, ClientId}, {u"sub"_s, u"248289761001"_s}, {u"nonce"_s, Nonce},
            {u"iat"_s, double(Now - 5)}, {u"exp"_s, double(Now + 300)}, {u"preferred_username"_s, u"alice"_s}};
}

// A compact JWS with `header` over `claims`, signed with the named key ("rsa", "ec", "other", or none).
QByteArray token(const QJsonObject &header, const QJsonObject &claims, const QString &signer)
{
    const QByteArray input = b64(json(header)) + '.' + b64(json(claims));
    QByteArray signature;
    if (signer == u"rsa"_s)
        signature = *keys().rsa.signRs256(input);
    else if (signer == u"ec"_s)
        signature = *keys().ec.signEs256(input);
    else if (signer == u"other"_s)
        signature = *keys().otherRsa.signRs256(input);
    return input + '.' + b64(signature);
}

QJsonObject rs256(const QString &kid = u"r1"_s)
{
    QJsonObject h{{u"alg"_s, u"RS256"_s}, {u"typ"_s, u"JWT"_s}};
    if (!kid.isEmpty())
        h.insert(u"kid"_s, kid);
    return h;
}

IdTokenExpectations expectations()
{
    IdTokenExpectations e;
    e.issuer = Issuer;
    e.clientId = ClientId;
    e.nonce = Nonce;
    e.now = Now;
    return e;
}

} // namespace

class tst_IdToken : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keySet()
    {
        auto set = KeySet::parse(keys().jwks());
        QVERIFY(set);
        QCOMPARE(set->size(), 2);
        QVERIFY(set->find(u"r1"_s, u"RS256"_s));
        QVERIFY(set->find(u"e1"_s, u"ES256"_s));
        QVERIFY(!set->find(u"e1"_s, u"RS256"_s));
        QVERIFY(!set->find(u"enc"_s, u"RS256"_s));
        QVERIFY(set->find(QString(), u"RS256"_s));   // no kid: the only RS256 key
        QVERIFY(!KeySet::parse("{\"keys\": {}}"));
        QVERIFY(!KeySet::parse("[]"));

        // RSA keys below 2048 bits or with an even or unit exponent are no keys.
        QVERIFY(!crypto::RsaKey::fromPublicComponents(QByteArray(128, '\xff'), QByteArray("\x01\x00\x01", 3)));
        QVERIFY(!crypto::RsaKey::fromPublicComponents(keys().rsa.modulus(), QByteArray("\x01\x00\x00", 3)));
        QVERIFY(!crypto::RsaKey::fromPublicComponents(keys().rsa.modulus(), QByteArray("\x01", 1)));
        auto copy = crypto::RsaKey::fromPublicComponents(keys().rsa.modulus(), keys().rsa.publicExponent());
        QVERIFY(copy);
        QVERIFY(!copy->hasPrivateKey());
        QVERIFY(keys().rsa.hasPrivateKey());
        QCOMPARE(copy->bits(), 2048);
        QVERIFY(copy->verifyRs256("abc", *keys().rsa.signRs256("abc")));
    }

    void tokens_data()
    {
        QTest::addColumn<QByteArray>("compact");
        QTest::addColumn<QString>("refusal");   // empty: accepted

        const QJsonObject good = goodClaims();
        const auto with = [&good](const QString &name, const QJsonValue &value) {
            QJsonObject c = good;
            if (value.isUndefined())
                c.remove(name);
            else
                c.insert(name, value);
            return c;
        };
        QTest::newRow("rs256") << token(rs256(), good, u"rsa"_s) << QString();
        QTest::newRow("es256") << token({{u"alg"_s, u"ES256"_s}, {u"kid"_s, u"e1"_s}}, good, u"ec"_s) << QString();
        QTest::newRow("no kid, one key") << token(rs256(QString()), good, u"rsa"_s) << QString();
        QTest::newRow("aud array of one") << token(rs256(), with(u"aud"_s, QJsonArray{ClientId}), u"rsa"_s) << QString();
        QTest::newRow("azp this client") << token(rs256(), with(u"azp"_s, ClientId), u"rsa"_s) << QString();
        QTest::newRow("within the skew") << token(rs256(), with(u"exp"_s, double(Now - 30)), u"rsa"_s) << QString();

        QTest::newRow("alg none, no signature") << b64(json({{u"alg"_s, u"none"_s}})) + '.' + b64(json(good)) + '.'
                                                << u"not a signed JWT"_s;
        QTest::newRow("alg none, a signature") << token({{u"alg"_s, u"none"_s}, {u"kid"_s, u"r1"_s}}, good, u"rsa"_s)
                                               << u"algorithm"_s;
        QTest::newRow("alg HS256 with a key's bytes")
            << token({{u"alg"_s, u"HS256"_s}, {u"kid"_s, u"h1"_s}}, good, u"rsa"_s) << u"algorithm"_s;
        QTest::newRow("alg PS256") << token({{u"alg"_s, u"PS256"_s}, {u"kid"_s, u"r1"_s}}, good, u"rsa"_s) << u"algorithm"_s;
        QTest::newRow("crit header") << token(QJsonObject{{u"alg"_s, u"RS256"_s}, {u"crit"_s, QJsonArray{u"x"_s}}}, good,
                                              u"rsa"_s)
                                     << u"header"_s;
        QTest::newRow("padded base64") << token(rs256(), good, u"rsa"_s) + "==" << u"base64url"_s;
        QTest::newRow("two parts") << b64(json(rs256())) + '.' + b64(json(good)) << u"compact"_s;
        QTest::newRow("signed by another key") << token(rs256(), good, u"other"_s) << u"does not verify"_s;
        QTest::newRow("claims changed") << token(rs256(), good, u"rsa"_s).replace(b64(json(good)),
                                                                             b64(json(with(u"sub"_s, u"x"_s))))
                                        << u"does not verify"_s;
        QTest::newRow("unknown kid") << token(rs256(u"r2"_s), good, u"rsa"_s) << u"no key"_s;
        QTest::newRow("ES256 under an RSA kid") << token({{u"alg"_s, u"ES256"_s}, {u"kid"_s, u"r1"_s}}, good, u"ec"_s)
                                                << u"no key"_s;
        QTest::newRow("other issuer") << token(rs256(), with(u"iss"_s, Issuer + u"/"_s), u"rsa"_s) << u"issuer"_s;
        QTest::newRow("no issuer") << token(rs256(), with(u"iss"_s, QJsonValue()), u"rsa"_s) << u"issuer"_s;
        QTest::newRow("other audience") << token(rs256(), with(u"aud"_s, u"other"_s), u"rsa"_s) << u"audience"_s;
        QTest::newRow("a further audience") << token(rs256(), with(u"aud"_s, QJsonArray{ClientId, u"other"_s}), u"rsa"_s)
                                            << u"audience"_s;
        QTest::newRow("azp another client") << token(rs256(), with(u"azp"_s, u"other"_s), u"rsa"_s) << u"authorized party"_s;
        QTest::newRow("no subject") << token(rs256(), with(u"sub"_s, QJsonValue()), u"rsa"_s) << u"subject"_s;
        QTest::newRow("expired") << token(rs256(), with(u"exp"_s, double(Now - 61)), u"rsa"_s) << u"expired"_s;
        QTest::newRow("exp as text") << token(rs256(), with(u"exp"_s, u"1900000000"_s), u"rsa"_s) << u"exp or iat"_s;
        QTest::newRow("no iat") << token(rs256(), with(u"iat"_s, QJsonValue()), u"rsa"_s) << u"exp or iat"_s;
        QTest::newRow("issued in the future") << token(rs256(), with(u"iat"_s, double(Now + 120)), u"rsa"_s)
                                              << u"in the future"_s;
        QTest::newRow("issued long ago") << token(rs256(), with(u"iat"_s, double(Now - 3600)), u"rsa"_s) << u"too long ago"_s;
        QTest::newRow("not yet valid") << token(rs256(), with(u"nbf"_s, double(Now + 120)), u"rsa"_s) << u"not valid yet"_s;
        QTest::newRow("other nonce") << token(rs256(), with(u"nonce"_s, u"other"_s), u"rsa"_s) << u"nonce"_s;
        QTest::newRow("no nonce") << token(rs256(), with(u"nonce"_s, QJsonValue()), u"rsa"_s) << u"nonce"_s;
    }

    void tokens()
    {
        QFETCH(QByteArray, compact);
        QFETCH(QString, refusal);
        auto set = KeySet::parse(keys().jwks());
        QVERIFY(set);
        QString why;
        auto parsed = IdToken::parse(compact);
        if (!parsed) {
            why = parsed.error().message;
        } else if (Status s = parsed->verify(*set); !s) {
            why = s.error().message;
        } else if (auto claims = parsed->validate(expectations()); !claims) {
            why = claims.error().message;
        } else {
            QCOMPARE(claims->value("preferred_username"_L1).toString(), u"alice"_s);
        }
        if (refusal.isEmpty())
            QVERIFY2(why.isEmpty(), qPrintable(why));
        else
            QVERIFY2(why.contains(refusal), qPrintable(u"expected a refusal naming '%1', got '%2'"_s.arg(refusal, why)));
    }

    void requestHead_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("refusal");
        QTest::newRow("get") << QByteArray("GET /sso/callback?code=a&state=b HTTP/1.1\r\nHost: x\r\nCookie: a=1; parley_sso=v\r\n\r\n") << 0;
        QTest::newRow("http/1.0 without host") << QByteArray("GET /sso/start HTTP/1.0\r\n\r\n") << 0;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two cookies") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n") << 400;
        QTest::newRow("bare lf") << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << 400;
        QTest::newRow("absolute uri") << QByteArray("GET https://x/ HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("body") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n") << 400;
        QTest::newRow("chunked") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("folded") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
        QTest::newRow("http/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
    }

    void requestHead()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, refusal);
        const BrowserRequest r = BrowserRequest::parse(head);
        QCOMPARE(r.refusal, refusal);
        if (QTest::currentDataTag() == QByteArray("get")) {
            QCOMPARE(r.path, QByteArray("/sso/callback"));
            QCOMPARE(r.query, QByteArray("code=a&state=b"));
            QCOMPARE(BrowserRequest::cookieValue(r.cookie, "parley_sso"), QByteArray("v"));
            QCOMPARE(BrowserRequest::cookieValue(r.cookie, "parley"), QByteArray());
        }
    }

    void query()
    {
        const auto p = BrowserRequest::queryParameters("code=a%2Bb+c&state=%C3%A4&iss=https%3A%2F%2Fx");
        QVERIFY(p);
        QCOMPARE(p->value(u"code"_s), u"a+b c"_s);
        QCOMPARE(p->value(u"state"_s), u"ä"_s);
        QCOMPARE(p->value(u"iss"_s), u"https://x"_s);
        QVERIFY(!BrowserRequest::queryParameters("state=a&state=b"));   // RFC 6749 3.1: no parameter twice
        QVERIFY(!BrowserRequest::queryParameters("state=%4"));
        QVERIFY(!BrowserRequest::queryParameters("state=%zz"));
        QVERIFY(!BrowserRequest::queryParameters("state=%ff"));         // not UTF-8
        QVERIFY(!BrowserRequest::queryParameters("=x"));
    }

    // A sign-in is taken once, and not after its lifetime; the limits per address hold.
    void pendingLogins()
    {
        PendingLogins logins(1000, 3, 2);
        const QHostAddress a(u"192.0.2.1"_s);
        auto first = logins.start(a, 0);
        QVERIFY(first);
        QCOMPARE(first->login.verifier.size(), 43);
        QCOMPARE(first->login.challenge(),
                 QString::fromLatin1(b64(crypto::sha256(first->login.verifier.toLatin1()))));
        QVERIFY(PendingLogins::boundTo(first->login, first->cookie));
        QVERIFY(!PendingLogins::boundTo(first->login, "other"));
        QVERIFY(!PendingLogins::boundTo(first->login, ""));
        QVERIFY(logins.start(a, 0));
        QVERIFY(!logins.start(a, 0));                                   // two per address
        QVERIFY(logins.start(QHostAddress(u"2001:db8::1"_s), 0));
        QVERIFY(!logins.start(QHostAddress(u"2001:db8::2"_s), 0));       // three in all
        QVERIFY(logins.take(first->login.state, 999));
        QVERIFY(!logins.take(first->login.state, 999));                 // once
        auto late = logins.start(a, 500);
        QVERIFY(late);
        QVERIFY(!logins.take(late->login.state, 1500));                 // after its lifetime
    }
};

QTEST_GUILESS_MAIN(tst_IdToken)
#include "tst_idtoken.moc"
