// Unit tests of libparley's EC keys: CurveKey on P-256 and P-521, and the typed EcKey (P-521) and P256Key (P-256):
// generation, signatures, ECDH and the point, DER, scalar and PEM encodings.

#include "cryptotest.h"
#include "crypto/p256key.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QtTest>

using namespace parley;
using namespace parley::crypto;
using namespace parley::crypto::test;
using namespace Qt::StringLiterals;

class TestEcKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // P-521 keys
    void ecNullKey_data();
    void ecNullKey();
    void ecGenerate_data();
    void ecGenerate();
    void ecSignVerify_data();
    void ecSignVerify();
    void ecRawMatchesDer_data();
    void ecRawMatchesDer();
    void ecVerifyRejectsTampering_data();
    void ecVerifyRejectsTampering();
    void ecRawSignatureRejects_data();
    void ecRawSignatureRejects();
    void ecdhAgreement_data();
    void ecdhAgreement();
    void ecdhRejectsBadInput_data();
    void ecdhRejectsBadInput();
    void ecPointRoundTrip_data();
    void ecPointRoundTrip();
    void ecDerRoundTrip_data();
    void ecDerRoundTrip();
    void ecFromPublicPointRejects_data();
    void ecFromPublicPointRejects();
    void ecFromPublicDerRejects_data();
    void ecFromPublicDerRejects();
    void ecScalarRoundTrip_data();
    void ecScalarRoundTrip();
    void ecScalarKnownPoints_data();
    void ecScalarKnownPoints();
    void ecScalarRejects_data();
    void ecScalarRejects();
    void ecPemRoundTrip_data();
    void ecPemRoundTrip();
    void ecTypedKeys();
    void ecCopyAndMove();
};

void TestEcKeys::ecNullKey_data()
{
    curveRows();
}

void TestEcKeys::ecNullKey()
{
    QFETCH(Curve, curve);
    const CurveKey key;
    QVERIFY(key.isNull());
    QVERIFY(!key.hasPrivateKey());
    QVERIFY(key.publicPoint().isEmpty());
    QVERIFY(key.publicDer().isEmpty());
    QVERIFY(key.privateScalar().isEmpty());
    QVERIFY(!key.privatePem().ok());
    QVERIFY(!key.sign("message", SignatureFormat::Der).ok());
    QVERIFY(!key.verify("message", QByteArray(100, '\x30'), SignatureFormat::Der));
    QVERIFY(!key.verify("message", QByteArray(2 * CurveKey::scalarSize(curve), '\x01'), SignatureFormat::Raw));
    const CurveKey other = mustGenerate(curve);
    QVERIFY(!key.deriveShared(other).ok());
    QVERIFY(!other.deriveShared(key).ok());
}

void TestEcKeys::ecGenerate_data()
{
    curveRows();
}

void TestEcKeys::ecGenerate()
{
    QFETCH(Curve, curve);
    const CurveKey a = mustGenerate(curve);
    const CurveKey b = mustGenerate(curve);
    QVERIFY(!a.isNull());
    QCOMPARE(a.curve(), curve);
    QVERIFY(a.hasPrivateKey());
    QCOMPARE(a.publicPoint().size(), CurveKey::pointSize(curve));
    QCOMPARE(a.publicPoint().at(0), '\x04');
    QCOMPARE(a.privateScalar().size(), std::size_t(CurveKey::scalarSize(curve)));
    QVERIFY(a.publicPoint() != b.publicPoint());
    QVERIFY(!(a.privateScalar() == b.privateScalar()));
}

void TestEcKeys::ecSignVerify_data()
{
    addCurveColumn();
    QTest::addColumn<SignatureFormat>("format");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        QTest::addRow("%s, DER", domain(curve).name) << curve << SignatureFormat::Der;
        QTest::addRow("%s, r || s", domain(curve).name) << curve << SignatureFormat::Raw;
    }
}

void TestEcKeys::ecSignVerify()
{
    QFETCH(Curve, curve);
    QFETCH(SignatureFormat, format);
    const CurveKey key = mustGenerate(curve);
    const auto publicOnly = CurveKey::fromPublicPoint(curve, key.publicPoint());
    QVERIFY(publicOnly.ok());
    QVERIFY(!publicOnly->hasPrivateKey());
    const SignatureFormat other = format == SignatureFormat::Der ? SignatureFormat::Raw : SignatureFormat::Der;

    for (const QByteArray &message : {QByteArray(), QByteArray("hello"), crypto::randomBytes(100000)}) {
        const auto signature = key.sign(message, format);
        QVERIFY2(signature.ok(), signature.ok() ? "" : qPrintable(signature.error().message));
        if (format == SignatureFormat::Der) {
            QVERIFY(signature->size() <= domain(curve).maxDerSignature);
            QCOMPARE(signature->at(0), '\x30');
        } else {
            QCOMPARE(signature->size(), 2 * CurveKey::scalarSize(curve));
        }
        QVERIFY(key.verify(message, *signature, format));
        QVERIFY(publicOnly->verify(message, *signature, format));
        QVERIFY(!publicOnly->verify(message, *signature, other));
    }

    // ECDSA is randomised: two signatures of one message differ, and both verify.
    const auto s1 = key.sign("same", format);
    const auto s2 = key.sign("same", format);
    QVERIFY(s1.ok() && s2.ok());
    QVERIFY(*s1 != *s2);
    QVERIFY(key.verify("same", *s2, format));

    const auto refused = publicOnly->sign("message", format);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
}

void TestEcKeys::ecRawMatchesDer_data()
{
    curveRows();
}

void TestEcKeys::ecRawMatchesDer()
{
    // r || s holds the (r, s) a DER signature holds: written as DER, it verifies as DER.
    QFETCH(Curve, curve);
    const CurveKey key = mustGenerate(curve);
    const auto raw = key.sign("same pair", SignatureFormat::Raw);
    QVERIFY(raw.ok());
    const int size = CurveKey::scalarSize(curve);
    const QByteArray asDer = der(0x30, derUnsigned(raw->left(size)) + derUnsigned(raw->mid(size)));
    QVERIFY(key.verify("same pair", asDer, SignatureFormat::Der));
    QVERIFY(!key.verify("other message", asDer, SignatureFormat::Der));
}

void TestEcKeys::ecVerifyRejectsTampering_data()
{
    addCurveColumn();
    QTest::addColumn<QString>("change");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        const char *name = domain(curve).name;
        QTest::addRow("%s, message bit", name) << curve << u"message"_s;
        QTest::addRow("%s, last signature byte", name) << curve << u"last"_s;
        QTest::addRow("%s, byte inside r", name) << curve << u"r"_s;
        QTest::addRow("%s, trailing zero byte", name) << curve << u"trailing"_s;
        QTest::addRow("%s, trailing garbage", name) << curve << u"garbage"_s;
        QTest::addRow("%s, BER long-form length", name) << curve << u"ber"_s;
        QTest::addRow("%s, truncated", name) << curve << u"truncated"_s;
        QTest::addRow("%s, empty", name) << curve << u"empty"_s;
        QTest::addRow("%s, other key", name) << curve << u"otherkey"_s;
        QTest::addRow("%s, raw r||s instead of DER", name) << curve << u"raw"_s;
    }
}

void TestEcKeys::ecVerifyRejectsTampering()
{
    QFETCH(Curve, curve);
    QFETCH(QString, change);
    const CurveKey key = mustGenerate(curve);
    QByteArray message("transfer 100 to alice");
    const auto signed_ = key.sign(message, SignatureFormat::Der);
    QVERIFY(signed_.ok());
    QByteArray signature = *signed_;
    CurveKey verifier = key;

    if (change == u"message"_s) {
        message[0] = char(message[0] ^ 0x01);
    } else if (change == u"last"_s) {
        signature[signature.size() - 1] = char(signature[signature.size() - 1] ^ 0x01);
    } else if (change == u"r"_s) {
        signature[10] = char(signature[10] ^ 0x40);
    } else if (change == u"trailing"_s) {
        signature.append('\0');
    } else if (change == u"garbage"_s) {
        signature.append("\x05\x00", 2);
    } else if (change == u"ber"_s) {
        // Re-encode the outer SEQUENCE length with one more length octet than DER allows.
        if (static_cast<unsigned char>(signature[1]) == 0x81)
            signature = QByteArray("\x30\x82\x00", 3) + signature.mid(2);
        else
            signature = QByteArray("\x30\x81", 2) + signature.mid(1);
    } else if (change == u"truncated"_s) {
        signature.chop(1);
    } else if (change == u"empty"_s) {
        signature.clear();
    } else if (change == u"otherkey"_s) {
        verifier = mustGenerate(curve);
    } else if (change == u"raw"_s) {
        signature = crypto::randomBytes(2 * CurveKey::scalarSize(curve));
    }
    QVERIFY(!verifier.verify(message, signature, SignatureFormat::Der));
    // The untouched pair still verifies afterwards (no state is left behind by the failure).
    QVERIFY(key.verify("transfer 100 to alice", *signed_, SignatureFormat::Der));
}

void TestEcKeys::ecRawSignatureRejects_data()
{
    addCurveColumn();
    QTest::addColumn<QString>("change");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        const char *name = domain(curve).name;
        QTest::addRow("%s, message bit", name) << curve << u"message"_s;
        QTest::addRow("%s, last byte of s", name) << curve << u"s"_s;
        QTest::addRow("%s, one byte short", name) << curve << u"short"_s;
        QTest::addRow("%s, one byte long", name) << curve << u"long"_s;
        QTest::addRow("%s, r and s swapped", name) << curve << u"swapped"_s;
        QTest::addRow("%s, r = 0", name) << curve << u"zero"_s;
        QTest::addRow("%s, DER instead of r || s", name) << curve << u"der"_s;
    }
}

void TestEcKeys::ecRawSignatureRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QString, change);
    const int size = CurveKey::scalarSize(curve);
    const CurveKey key = mustGenerate(curve);
    QByteArray message("transfer 100 to alice");
    const auto signed_ = key.sign(message, SignatureFormat::Raw);
    QVERIFY(signed_.ok());
    QByteArray signature = *signed_;

    if (change == u"message"_s)
        message[0] = char(message[0] ^ 0x01);
    else if (change == u"s"_s)
        signature[signature.size() - 1] = char(signature[signature.size() - 1] ^ 0x01);
    else if (change == u"short"_s)
        signature.chop(1);
    else if (change == u"long"_s)
        signature.append('\0');
    else if (change == u"swapped"_s)
        signature = signature.mid(size) + signature.left(size);
    else if (change == u"zero"_s)
        signature = QByteArray(size, '\0') + signature.mid(size);
    else if (change == u"der"_s)
        signature = *key.sign(message, SignatureFormat::Der);
    QVERIFY(!key.verify(message, signature, SignatureFormat::Raw));
    QVERIFY(key.verify("transfer 100 to alice", *signed_, SignatureFormat::Raw));
}

void TestEcKeys::ecdhAgreement_data()
{
    curveRows();
}

void TestEcKeys::ecdhAgreement()
{
    QFETCH(Curve, curve);
    const CurveKey alice = mustGenerate(curve);
    const CurveKey bob = mustGenerate(curve);
    const auto ab = alice.deriveShared(bob);
    const auto ba = bob.deriveShared(alice);
    QVERIFY(ab.ok() && ba.ok());
    QCOMPARE(ab->size(), std::size_t(CurveKey::scalarSize(curve)));
    QVERIFY(*ab == *ba);

    // Against public-only copies of the peers, as a real exchange has them.
    const auto bobPublic = CurveKey::fromPublicPoint(curve, bob.publicPoint());
    const auto alicePublic = CurveKey::fromPublicDer(curve, alice.publicDer());
    QVERIFY(bobPublic.ok() && alicePublic.ok());
    const auto viaPoint = alice.deriveShared(*bobPublic);
    const auto viaDer = bob.deriveShared(*alicePublic);
    QVERIFY(viaPoint.ok() && viaDer.ok());
    QVERIFY(*viaPoint == *ab);
    QVERIFY(*viaDer == *ab);

    const CurveKey carol = mustGenerate(curve);
    const auto ac = alice.deriveShared(carol);
    QVERIFY(ac.ok());
    QVERIFY(!(*ac == *ab));
}

void TestEcKeys::ecdhRejectsBadInput_data()
{
    curveRows();
}

void TestEcKeys::ecdhRejectsBadInput()
{
    QFETCH(Curve, curve);
    const CurveKey alice = mustGenerate(curve);
    const auto publicOnly = CurveKey::fromPublicPoint(curve, alice.publicPoint());
    QVERIFY(publicOnly.ok());
    const auto noPrivate = publicOnly->deriveShared(alice);
    QVERIFY(!noPrivate.ok());
    QCOMPARE(noPrivate.error().code, ErrorCode::InvalidArgument);
    const auto noPeer = alice.deriveShared(CurveKey());
    QVERIFY(!noPeer.ok());
    QCOMPARE(noPeer.error().code, ErrorCode::InvalidArgument);
    const auto otherCurve = alice.deriveShared(mustGenerate(curve == Curve::P256 ? Curve::P521 : Curve::P256));
    QVERIFY(!otherCurve.ok());
    QCOMPARE(otherCurve.error().code, ErrorCode::Crypto);
}

void TestEcKeys::ecPointRoundTrip_data()
{
    curveRows();
}

void TestEcKeys::ecPointRoundTrip()
{
    QFETCH(Curve, curve);
    const CurveKey key = mustGenerate(curve);
    const auto imported = CurveKey::fromPublicPoint(curve, key.publicPoint());
    QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.error().message));
    QCOMPARE(imported->publicPoint(), key.publicPoint());
    QVERIFY(imported->privateScalar().isEmpty());
    const auto signature = key.sign("roundtrip", SignatureFormat::Der);
    QVERIFY(signature.ok());
    QVERIFY(imported->verify("roundtrip", *signature, SignatureFormat::Der));
}

void TestEcKeys::ecDerRoundTrip_data()
{
    curveRows();
}

void TestEcKeys::ecDerRoundTrip()
{
    QFETCH(Curve, curve);
    const CurveDomain &dom = domain(curve);
    const CurveKey key = mustGenerate(curve);
    const QByteArray spki = key.publicDer();
    QCOMPARE(spki.size(), dom.spkiSize);
    QVERIFY(spki.endsWith(key.publicPoint()));
    QCOMPARE(spki, der(0x30, algorithmIdentifier(dom.curveOid) + der(0x03, '\0' + key.publicPoint())));
    const auto imported = CurveKey::fromPublicDer(curve, spki);
    QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.error().message));
    QCOMPARE(imported->publicPoint(), key.publicPoint());
    QCOMPARE(imported->publicDer(), spki);

    // Qt reads the same encoding as an EC public key.
    const QSslKey qtKey(spki, QSsl::Ec, QSsl::Der, QSsl::PublicKey);
    QVERIFY(!qtKey.isNull());
    QCOMPARE(qtKey.length(), dom.bits);

    // A compressed point inside a SubjectPublicKeyInfo is allowed by RFC 5480 and decodes to the same key.
    const QByteArray point = key.publicPoint();
    const char prefix = (static_cast<unsigned char>(point.back()) & 1) ? '\x03' : '\x02';
    const QByteArray compressed = prefix + point.mid(1, CurveKey::scalarSize(curve));
    const QByteArray compressedDer = der(0x30, algorithmIdentifier(dom.curveOid) + der(0x03, '\0' + compressed));
    const auto fromCompressed = CurveKey::fromPublicDer(curve, compressedDer);
    QVERIFY2(fromCompressed.ok(), fromCompressed.ok() ? "" : qPrintable(fromCompressed.error().message));
    QCOMPARE(fromCompressed->publicPoint(), point);
}

void TestEcKeys::ecFromPublicPointRejects_data()
{
    addCurveColumn();
    QTest::addColumn<QByteArray>("point");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        const CurveDomain &dom = domain(curve);
        const int size = CurveKey::scalarSize(curve);
        const int pointSize = CurveKey::pointSize(curve);
        const QByteArray good = mustGenerate(curve).publicPoint();
        const QByteArray x = good.mid(1, size);
        const QByteArray y = good.mid(1 + size);
        auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s, %s", dom.name, name) << curve; };

        row("empty") << QByteArray();
        row("identity, SEC1 single zero") << QByteArray(1, '\0');
        row("all zero") << QByteArray(pointSize, '\0');
        row("(0, 0) uncompressed") << '\x04' + QByteArray(2 * size, '\0');
        row("truncated") << good.left(pointSize - 1);
        row("extra byte") << good + '\0';
        row("compressed 02") << '\x02' + x;
        row("compressed 03") << '\x03' + x;
        row("full length tagged 02") << '\x02' + x + y;
        row("hybrid 06") << '\x06' + x + y;
        row("hybrid 07") << '\x07' + x + y;
        row("off curve: y + 1") << '\x04' + x + plus(y, 1);
        row("off curve: x + 1") << '\x04' + plus(x, 1) + y;
        row("x = p") << '\x04' + dom.p + y;
        row("y = p") << '\x04' + x + dom.p;
        row("y all ones, above p") << '\x04' + x + QByteArray(size, '\xff');
        row("all ones") << QByteArray(pointSize, '\xff');
        row("other curve's point") << mustGenerate(curve == Curve::P256 ? Curve::P521 : Curve::P256).publicPoint();
    }
}

void TestEcKeys::ecFromPublicPointRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, point);
    const auto key = CurveKey::fromPublicPoint(curve, point);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
}

void TestEcKeys::ecFromPublicDerRejects_data()
{
    addCurveColumn();
    QTest::addColumn<QByteArray>("spki");

    const auto certificate = generateSelfSignedCertificate(u"p256"_s, {u"localhost"_s}, {}, 1);
    QVERIFY(certificate.ok());
    const QByteArray certificateSpki = QSslCertificate(certificate->certificatePem, QSsl::Pem).publicKey().toDer();
    QVERIFY(!certificateSpki.isEmpty());

    for (const Curve curve : {Curve::P256, Curve::P521}) {
        const CurveDomain &dom = domain(curve);
        const Curve otherCurve = curve == Curve::P256 ? Curve::P521 : Curve::P256;
        const CurveKey key = mustGenerate(curve);
        const QByteArray good = key.publicDer();
        const QByteArray point = key.publicPoint();
        const QByteArray algorithm = algorithmIdentifier(dom.curveOid);
        auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s, %s", dom.name, name) << curve; };

        row("empty") << QByteArray();
        row("garbage") << QByteArray("not a key at all");
        row("raw point") << point;
        row("trailing byte") << good + '\0';
        row("truncated") << good.left(good.size() - 1);
        row("other curve's key") << mustGenerate(otherCurve).publicDer();
        if (curve == Curve::P521)
            row("P-256 key of a certificate") << certificateSpki;
        row("off-curve point") << der(0x30, algorithm + der(0x03, '\0' + point.left(point.size() - 1) + char(point.back() ^ 1)));
        row("identity") << der(0x30, algorithm + der(0x03, QByteArray(2, '\0')));
        row("secp384r1 OID with this curve's point") << der(0x30, algorithmIdentifier(hex("06052b81040022")) + der(0x03, '\0' + point));
        row("explicit parameters") << explicitSpki(dom, point, 1);
        row("explicit parameters, cofactor 2") << explicitSpki(dom, point, 2);
    }
}

void TestEcKeys::ecFromPublicDerRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, spki);
    const auto key = CurveKey::fromPublicDer(curve, spki);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
}

void TestEcKeys::ecScalarRoundTrip_data()
{
    curveRows();
}

void TestEcKeys::ecScalarRoundTrip()
{
    QFETCH(Curve, curve);
    const CurveKey key = mustGenerate(curve);
    const SecureBuffer scalar = key.privateScalar();
    const auto imported = CurveKey::fromPrivateScalar(curve, scalar.view());
    QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.error().message));
    QVERIFY(imported->hasPrivateKey());
    QCOMPARE(imported->publicPoint(), key.publicPoint());
    QVERIFY(imported->privateScalar() == scalar);

    // The imported key is fully usable: it signs for the original's public key and agrees on ECDH.
    const auto signature = imported->sign("imported", SignatureFormat::Der);
    QVERIFY(signature.ok());
    QVERIFY(key.verify("imported", *signature, SignatureFormat::Der));
    const CurveKey peer = mustGenerate(curve);
    const auto s1 = imported->deriveShared(peer);
    const auto s2 = peer.deriveShared(key);
    QVERIFY(s1.ok() && s2.ok());
    QVERIFY(*s1 == *s2);

    // Leading zeros are allowed, in front of the full size or in place of it.
    QByteArray padded(1, '\0');
    padded += scalar.toByteArray();
    const auto fromPadded = CurveKey::fromPrivateScalar(curve, padded);
    QVERIFY(fromPadded.ok());
    QCOMPARE(fromPadded->publicPoint(), key.publicPoint());
}

void TestEcKeys::ecScalarKnownPoints_data()
{
    curveRows();
}

void TestEcKeys::ecScalarKnownPoints()
{
    QFETCH(Curve, curve);
    const CurveDomain &dom = domain(curve);
    const int size = CurveKey::scalarSize(curve);
    // 1 * G = G.
    const auto one = CurveKey::fromPrivateScalar(curve, QByteArray(1, '\x01'));
    QVERIFY2(one.ok(), one.ok() ? "" : qPrintable(one.error().message));
    QCOMPARE(one->publicPoint(), '\x04' + dom.gx + dom.gy);
    const auto onePadded = CurveKey::fromPrivateScalar(curve, QByteArray(size - 1, '\0') + '\x01');
    QVERIFY(onePadded.ok());
    QCOMPARE(onePadded->publicPoint(), one->publicPoint());
    QCOMPARE(one->privateScalar().toByteArray(), QByteArray(size - 1, '\0') + '\x01');

    // (n - 1) * G = -G = (Gx, p - Gy): the largest valid scalar.
    const auto minusOne = CurveKey::fromPrivateScalar(curve, minus(dom.n, 1));
    QVERIFY2(minusOne.ok(), minusOne.ok() ? "" : qPrintable(minusOne.error().message));
    QCOMPARE(minusOne->publicPoint(), '\x04' + dom.gx + difference(dom.p, dom.gy));

    // 1 and n - 1 agree on ECDH with each other's public key as the protocol needs: x(G * (n-1)) = x(G).
    const auto shared = one->deriveShared(*minusOne);
    QVERIFY(shared.ok());
    QCOMPARE(shared->toByteArray(), dom.gx);
}

void TestEcKeys::ecScalarRejects_data()
{
    addCurveColumn();
    QTest::addColumn<QByteArray>("scalar");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        const CurveDomain &dom = domain(curve);
        const int size = CurveKey::scalarSize(curve);
        auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s, %s", dom.name, name) << curve; };
        row("empty") << QByteArray();
        row("zero, one byte") << QByteArray(1, '\0');
        row("zero, full size") << QByteArray(size, '\0');
        row("zero, 80 bytes") << QByteArray(80, '\0');
        row("n") << dom.n;
        row("n + 1") << plus(dom.n, 1);
        row("all ones, full size") << QByteArray(size, '\xff');
        row("one significant byte too many") << '\x01' + QByteArray(size, '\0');
        row("n with a leading zero") << '\0' + dom.n;
        row("200 bytes") << QByteArray(200, '\x01');
    }
}

void TestEcKeys::ecScalarRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, scalar);
    const auto key = CurveKey::fromPrivateScalar(curve, scalar);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
    // Refused by the range check against n, before OpenSSL sees the scalar.
    QCOMPARE(key.error().message, u"%1 private scalar is out of range"_s.arg(QLatin1StringView(domain(curve).name)));
}

void TestEcKeys::ecPemRoundTrip_data()
{
    curveRows();
}

void TestEcKeys::ecPemRoundTrip()
{
    QFETCH(Curve, curve);
    const CurveKey key = mustGenerate(curve);
    const auto pem = key.privatePem();
    QVERIFY2(pem.ok(), pem.ok() ? "" : qPrintable(pem.error().message));
    QVERIFY(pem->toByteArray().startsWith("-----BEGIN PRIVATE KEY-----"));   // PKCS#8
    const auto imported = CurveKey::fromPrivatePem(curve, pem->view());
    QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.error().message));
    QVERIFY(imported->hasPrivateKey());
    QCOMPARE(imported->publicPoint(), key.publicPoint());
    QVERIFY(imported->privateScalar() == key.privateScalar());

    // Qt reads it as an EC private key of the curve's size.
    const QSslKey qtKey(pem->toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!qtKey.isNull());
    QCOMPARE(qtKey.length(), domain(curve).bits);

    const Curve otherCurve = curve == Curve::P256 ? Curve::P521 : Curve::P256;
    const auto onOtherCurve = CurveKey::fromPrivatePem(otherCurve, pem->view());
    QVERIFY(!onOtherCurve.ok());
    QCOMPARE(onOtherCurve.error().message, u"the private key is not on %1"_s.arg(QLatin1StringView(domain(otherCurve).name)));
    QVERIFY(!CurveKey::fromPrivatePem(curve, key.publicDer()).ok());
    QVERIFY(!CurveKey::fromPrivatePem(curve, QByteArray()).ok());
    const auto publicOnly = CurveKey::fromPublicPoint(curve, key.publicPoint());
    QVERIFY(publicOnly.ok());
    QCOMPARE(publicOnly->privatePem().error().code, ErrorCode::InvalidArgument);
}

void TestEcKeys::ecTypedKeys()
{
    // EcKey and P256Key are CurveKey on their curve, in the signature format their callers need.
    const EcKey ecKey = mustGenerateP521();
    QCOMPARE(ecKey.publicPoint().size(), P521PointSize);
    QCOMPARE(ecKey.privateScalar().size(), std::size_t(P521ScalarSize));
    const auto asCurveKey = CurveKey::fromPublicPoint(Curve::P521, ecKey.publicPoint());
    QVERIFY(asCurveKey.ok());
    const auto ecSignature = ecKey.sign("typed");
    QVERIFY(ecSignature.ok());
    QVERIFY(ecSignature->size() <= MaxEcdsaP521DerSize);
    QVERIFY(asCurveKey->verify("typed", *ecSignature, SignatureFormat::Der));
    const auto ecImported = EcKey::fromPublicDer(ecKey.publicDer());
    QVERIFY(ecImported.ok());
    QVERIFY(ecImported->verify("typed", *ecSignature));
    QVERIFY(!EcKey::fromPublicPoint(mustGenerate(Curve::P256).publicPoint()).ok());
    const auto ecFromScalar = EcKey::fromPrivateScalar(ecKey.privateScalar().view());
    QVERIFY(ecFromScalar.ok());
    const auto ecShared = ecFromScalar->deriveShared(*ecImported);
    QVERIFY(ecShared.ok());
    QCOMPARE(ecShared->size(), std::size_t(P521SharedSize));

    const auto p256 = P256Key::generate();
    QVERIFY(p256.ok());
    QCOMPARE(p256->publicPoint().size(), P256PointSize);
    const auto es256 = p256->signEs256("typed");
    QVERIFY(es256.ok());
    QCOMPARE(es256->size(), Es256SignatureSize);
    QVERIFY(p256->verifyEs256("typed", *es256));
    const auto p256Public = P256Key::fromPublicPoint(p256->publicPoint());
    QVERIFY(p256Public.ok());
    QVERIFY(p256Public->verifyEs256("typed", *es256));
    const auto p256AsCurveKey = CurveKey::fromPublicPoint(Curve::P256, p256->publicPoint());
    QVERIFY(p256AsCurveKey.ok());
    QVERIFY(p256AsCurveKey->verify("typed", *es256, SignatureFormat::Raw));
    QVERIFY(!P256Key::fromPublicPoint(ecKey.publicPoint()).ok());
    const auto pem = p256->privatePem();
    QVERIFY(pem.ok());
    const auto p256FromPem = P256Key::fromPrivatePem(pem->view());
    QVERIFY(p256FromPem.ok());
    const auto p256Shared = p256FromPem->deriveShared(*p256Public);
    QVERIFY(p256Shared.ok());
    QCOMPARE(p256Shared->size(), std::size_t(P256SharedSize));

    const EcKey nullKey;
    QVERIFY(nullKey.isNull());
    QVERIFY(!nullKey.hasPrivateKey());
    QVERIFY(!nullKey.sign("message").ok());
    QVERIFY(!P256Key().verifyEs256("typed", *es256));
}

void TestEcKeys::ecCopyAndMove()
{
    EcKey original = mustGenerateP521();
    const QByteArray point = original.publicPoint();
    EcKey copy = original;
    QCOMPARE(copy.publicPoint(), point);
    QVERIFY(copy.hasPrivateKey());

    EcKey moved = std::move(original);
    QVERIFY(original.isNull());   // NOLINT(bugprone-use-after-move): the moved-from state is specified
    QCOMPARE(moved.publicPoint(), point);

    EcKey assigned;
    assigned = copy;
    QCOMPARE(assigned.publicPoint(), point);
    assigned = std::move(moved);
    QCOMPARE(assigned.publicPoint(), point);
    const auto signature = assigned.sign("still works");
    QVERIFY(signature.ok());
    QVERIFY(copy.verify("still works", *signature));
}

QTEST_GUILESS_MAIN(TestEcKeys)
#include "tst_eckeys.moc"
