// The cryptography push needs: P-256 ES256 and ECDH, RS256, HKDF-SHA-256 and the RFC 8291 aes128gcm encryption
// against the RFC's own example.

#include "crypto/crypto.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "push/pushprovider.h"
#include "pushreceiver.h"
#include "push/webpushprovider.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;

namespace {

QByteArray b64u(const char *text)
{
    return QByteArray::fromBase64(QByteArray(text), QByteArray::Base64UrlEncoding);
}

// A SEC1 "EC PRIVATE KEY" PEM for a raw P-256 scalar (RFC 5915 without the optional public key).
QByteArray sec1Pem(const QByteArray &scalar)
{
    QByteArray der = QByteArray::fromHex("30310201010420") + scalar + QByteArray::fromHex("a00a06082a8648ce3d030107");
    return "-----BEGIN EC PRIVATE KEY-----\n" + der.toBase64() + "\n-----END EC PRIVATE KEY-----\n";
}

} // namespace

class tst_PushCrypto : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rfc8291Example();
    void webPushRoundTrip();
    void es256SignsAndVerifies();
    void p256RefusesBadInput_data();
    void p256RefusesBadInput();
    void rs256SignsAndVerifies();
    void hkdfSha256Rfc5869();
    void jwtIsCompactAndVerifiable();
};

void tst_PushCrypto::rfc8291Example()
{
    // RFC 8291 Appendix A.
    auto as = crypto::P256Key::fromPrivatePem(sec1Pem(b64u("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")));
    QVERIFY2(as, qPrintable(as ? QString() : as.error().message));
    QCOMPARE(as->publicPoint(), b64u("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"));
    const QByteArray uaPublic = b64u("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
    const QByteArray auth = b64u("BTBZMqHH6r4Tts7J_aSIgg");
    const QByteArray salt = b64u("DGv6ra1nlYgDCS1FRnbzlw");
    auto body = server::WebPushProvider::encrypt("When I grow up, I want to be a watermelon", uaPublic, auth, salt, *as);
    QVERIFY(body);
    QCOMPARE(*body, b64u("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"));

    // And the user agent's side opens it.
    auto ua = crypto::P256Key::fromPrivatePem(sec1Pem(b64u("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")));
    QVERIFY(ua);
    QCOMPARE(ua->publicPoint(), uaPublic);
    auto shared = ua->deriveShared(*as);
    QVERIFY(shared);
    QCOMPARE(shared->toByteArray(), b64u("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs"));
    auto plain = pushtest::PushReceiver::decrypt(*body, pushtest::Subscription{*ua, auth});
    QVERIFY(plain);
    QCOMPARE(*plain, QByteArray("When I grow up, I want to be a watermelon"));
}

void tst_PushCrypto::webPushRoundTrip()
{
    auto ua = crypto::P256Key::generate();
    QVERIFY(ua);
    const QByteArray auth = crypto::randomBytes(16);
    auto a = server::WebPushProvider::encrypt(server::WebPushProvider::plaintext(), ua->publicPoint(), auth);
    auto b = server::WebPushProvider::encrypt(server::WebPushProvider::plaintext(), ua->publicPoint(), auth);
    QVERIFY(a && b);
    QVERIFY(*a != *b);   // fresh salt and ephemeral key each time
    auto plain = pushtest::PushReceiver::decrypt(*a, pushtest::Subscription{*ua, auth});
    QVERIFY(plain);
    QCOMPARE(*plain, server::WebPushProvider::plaintext());
    // The wrong auth secret does not open it.
    QVERIFY(!pushtest::PushReceiver::decrypt(*a, pushtest::Subscription{*ua, crypto::randomBytes(16)}));
    // Bad subscription keys are refused, not crashed on.
    QVERIFY(!server::WebPushProvider::encrypt("x", QByteArray(65, '\x04'), auth));
    QVERIFY(!server::WebPushProvider::encrypt("x", ua->publicPoint(), QByteArray(15, 'a')));
}

void tst_PushCrypto::es256SignsAndVerifies()
{
    auto key = crypto::P256Key::generate();
    QVERIFY(key);
    auto sig = key->signEs256("message");
    QVERIFY(sig);
    QCOMPARE(sig->size(), crypto::Es256SignatureSize);
    QVERIFY(key->verifyEs256("message", *sig));
    QVERIFY(!key->verifyEs256("massage", *sig));
    QByteArray flipped = *sig;
    flipped[5] = char(flipped[5] ^ 1);
    QVERIFY(!key->verifyEs256("message", flipped));
    QVERIFY(!key->verifyEs256("message", sig->left(63)));
    // The public half alone verifies; the PEM round trip keeps the key.
    auto pub = crypto::P256Key::fromPublicPoint(key->publicPoint());
    QVERIFY(pub && !pub->hasPrivateKey());
    QVERIFY(pub->verifyEs256("message", *sig));
    QVERIFY(!pub->signEs256("message"));
    auto pem = key->privatePem();
    QVERIFY(pem);
    auto again = crypto::P256Key::fromPrivatePem(pem->view());
    QVERIFY(again);
    QCOMPARE(again->publicPoint(), key->publicPoint());
}

void tst_PushCrypto::p256RefusesBadInput_data()
{
    QTest::addColumn<QByteArray>("pem");
    auto rsa = crypto::RsaKey::generate(2048);
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << QByteArray("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    QTest::newRow("rsa") << rsa->privatePem()->toByteArray();
    QTest::newRow("zero scalar") << sec1Pem(QByteArray(32, '\0'));
}

void tst_PushCrypto::p256RefusesBadInput()
{
    QFETCH(QByteArray, pem);
    QVERIFY(!crypto::P256Key::fromPrivatePem(pem));
    QVERIFY(!crypto::P256Key::fromPublicPoint(QByteArray(65, '\x04')));
    QVERIFY(!crypto::P256Key::fromPublicPoint(QByteArray(33, '\x02')));
}

void tst_PushCrypto::rs256SignsAndVerifies()
{
    auto key = crypto::RsaKey::generate(2048);
    QVERIFY(key);
    QCOMPARE(key->bits(), 2048);
    auto sig = key->signRs256("assertion");
    QVERIFY(sig);
    QCOMPARE(sig->size(), 256);
    QVERIFY(key->verifyRs256("assertion", *sig));
    QVERIFY(!key->verifyRs256("assertioN", *sig));
    auto pem = key->privatePem();
    QVERIFY(pem);
    auto again = crypto::RsaKey::fromPrivatePem(pem->view());
    QVERIFY(again);
    QVERIFY(again->verifyRs256("assertion", *sig));
    // PKCS#1 v1.5 is deterministic: the same key signs the same bytes the same way.
    QCOMPARE(*again->signRs256("assertion"), *sig);
    QVERIFY(!crypto::RsaKey::generate(1024));
    auto p256 = crypto::P256Key::generate();
    QVERIFY(!crypto::RsaKey::fromPrivatePem(p256->privatePem()->view()));
}

void tst_PushCrypto::hkdfSha256Rfc5869()
{
    // RFC 5869 A.1.
    auto okm = crypto::hkdfSha256(QByteArray(22, '\x0b'), QByteArray::fromHex("000102030405060708090a0b0c"),
                                  QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    QVERIFY(okm);
    QCOMPARE(okm->toByteArray().toHex(),
             QByteArray("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
    QVERIFY(!crypto::hkdfSha256("k", {}, {}, 0));
    QVERIFY(!crypto::hkdfSha256("k", {}, {}, 255 * 32 + 1));
}

void tst_PushCrypto::jwtIsCompactAndVerifiable()
{
    auto key = crypto::P256Key::generate();
    QVERIFY(key);
    auto token = server::jwt::signEs256(*key, QJsonObject{{u"alg"_s, u"ES256"_s}}, QJsonObject{{u"iss"_s, u"T"_s}});
    QVERIFY(token);
    const QList<QByteArray> parts = token->split('.');
    QCOMPARE(parts.size(), 3);
    for (const QByteArray &p : parts)
        QVERIFY(!p.contains('=') && !p.contains('+') && !p.contains('/'));
    QVERIFY(key->verifyEs256(parts[0] + '.' + parts[1], b64u(parts[2].constData())));
}

QTEST_MAIN(tst_PushCrypto)
#include "tst_pushcrypto.moc"
