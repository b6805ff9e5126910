// Unit tests of libparley's crypto layer: SecureBuffer, hashes, HKDF, scrypt, AES-GCM, EC keys on P-256 and P-521
// and the self-signed TLS certificate. Third-party vectors for the primitives run in tst_wycheproof.

#include "crypto/crypto.h"
#include "crypto/p256key.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QtTest>

#include <cstring>

using namespace parley;
using namespace parley::crypto;
using namespace Qt::StringLiterals;

namespace {

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(QByteArray(text));
}

QByteArray repeated(char c, qsizetype n)
{
    return QByteArray(n, c);
}

// Big-endian addition of a small number, for n + 1 and the like.
QByteArray plus(QByteArray value, int addend)
{
    int carry = addend;
    for (qsizetype i = value.size() - 1; i >= 0 && carry != 0; --i) {
        const int sum = static_cast<unsigned char>(value[i]) + carry;
        value[i] = char(sum & 0xff);
        carry = sum >> 8;
    }
    return value;
}

QByteArray minus(QByteArray value, int subtrahend)
{
    int borrow = subtrahend;
    for (qsizetype i = value.size() - 1; i >= 0 && borrow != 0; --i) {
        int diff = static_cast<unsigned char>(value[i]) - borrow;
        borrow = 0;
        while (diff < 0) {
            diff += 256;
            ++borrow;
        }
        value[i] = char(diff);
    }
    return value;
}

// a - b for big-endian numbers of one length, a >= b.
QByteArray difference(const QByteArray &a, const QByteArray &b)
{
    QByteArray out(a.size(), '\0');
    int borrow = 0;
    for (qsizetype i = a.size() - 1; i >= 0; --i) {
        int diff = static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]) - borrow;
        borrow = diff < 0 ? 1 : 0;
        out[i] = char(diff + 256 * borrow);
    }
    return out;
}

QByteArray derLength(qsizetype length)
{
    if (length < 0x80)
        return QByteArray(1, char(length));
    QByteArray bytes;
    for (qsizetype l = length; l > 0; l >>= 8)
        bytes.prepend(char(l & 0xff));
    return char(0x80 | bytes.size()) + bytes;
}

QByteArray der(unsigned char tag, const QByteArray &content)
{
    return char(tag) + derLength(content.size()) + content;
}

QByteArray derUnsigned(const QByteArray &bigEndian)
{
    QByteArray v = bigEndian;
    while (v.size() > 1 && v[0] == 0 && !(static_cast<unsigned char>(v[1]) & 0x80))
        v.remove(0, 1);
    if (static_cast<unsigned char>(v[0]) & 0x80)
        v.prepend('\0');
    return der(0x02, v);
}

// Domain values of the curves (FIPS 186-4 D.1.2.3 and D.1.2.5), big-endian in the scalar size, and what the tests
// expect of their encodings.
struct CurveDomain {
    const char *name;
    QByteArray p, a, b, gx, gy, n;
    QByteArray curveOid;        // DER OBJECT IDENTIFIER of the named curve
    int bits;
    int spkiSize;
    int maxDerSignature;
};

const CurveDomain &domain(Curve curve)
{
    static const CurveDomain p256{
        "P-256",
        hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
        hex("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"),
        hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
        hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
        hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
        hex("06082a8648ce3d030107"),
        256, 91, 72,
    };
    static const CurveDomain p521{
        "P-521",
        hex("01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        hex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc"),
        hex("0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00"),
        hex("00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66"),
        hex("011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650"),
        hex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"),
        hex("06052b81040023"),
        521, 158, MaxEcdsaP521DerSize,
    };
    return curve == Curve::P256 ? p256 : p521;
}

// AlgorithmIdentifier { id-ecPublicKey, parameters }.
QByteArray algorithmIdentifier(const QByteArray &parameters)
{
    return der(0x30, hex("06072a8648ce3d0201") + parameters);
}

// A SubjectPublicKeyInfo with explicit (specifiedCurve) parameters spelling out the curve.
QByteArray explicitSpki(const CurveDomain &dom, const QByteArray &point, int cofactor)
{
    const QByteArray primeField = hex("06072a8648ce3d0101");
    const QByteArray fieldId = der(0x30, primeField + derUnsigned(dom.p));
    const QByteArray curve = der(0x30, der(0x04, dom.a) + der(0x04, dom.b));
    const QByteArray generator = der(0x04, '\x04' + dom.gx + dom.gy);
    const QByteArray parameters = der(0x30, derUnsigned(hex("01")) + fieldId + curve + generator + derUnsigned(dom.n)
                                                + derUnsigned(QByteArray(1, char(cofactor))));
    return der(0x30, algorithmIdentifier(parameters) + der(0x03, '\0' + point));
}

// HKDF (RFC 5869) written out with Qt's HMAC, as an independent reference; `hashSize` 32 is SHA-256, 64 SHA-512.
QByteArray referenceHkdf(int hashSize, const QByteArray &ikm, const QByteArray &salt, const QByteArray &info, int length)
{
    const auto algorithm = hashSize == 32 ? QCryptographicHash::Sha256 : QCryptographicHash::Sha512;
    const QByteArray key = salt.isEmpty() ? QByteArray(hashSize, '\0') : salt;
    const QByteArray prk = QMessageAuthenticationCode::hash(ikm, key, algorithm);
    QByteArray okm;
    QByteArray t;
    for (int i = 1; okm.size() < length; ++i) {
        t = QMessageAuthenticationCode::hash(t + info + char(i), prk, algorithm);
        okm += t;
    }
    return okm.left(length);
}

// hkdfSha256 or hkdfSha512, by the hash size.
Result<SecureBuffer> hkdfWith(int hashSize, QByteArrayView ikm, QByteArrayView salt, QByteArrayView info, int length)
{
    return hashSize == 32 ? hkdfSha256(ikm, salt, info, length) : hkdfSha512(ikm, salt, info, length);
}

CurveKey mustGenerate(Curve curve)
{
    auto key = CurveKey::generate(curve);
    if (!key)
        qFatal("%s key generation failed: %s", domain(curve).name, qPrintable(key.error().message));
    return key.value();
}

EcKey mustGenerateP521()
{
    auto key = EcKey::generate();
    if (!key)
        qFatal("P-521 key generation failed: %s", qPrintable(key.error().message));
    return key.value();
}

void addCurveColumn()
{
    QTest::addColumn<Curve>("curve");
}

// One row a curve.
void curveRows()
{
    addCurveColumn();
    for (const Curve curve : {Curve::P256, Curve::P521})
        QTest::newRow(domain(curve).name) << curve;
}

} // namespace

class TestCrypto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // SecureBuffer
    void secureBufferConstruction();
    void secureBufferCopyIsDeep();
    void secureBufferMoveTransfersStorage();
    void secureBufferAssignment();
    void secureBufferResize();
    void secureBufferShrinkWipesTail();
    void secureBufferEquality_data();
    void secureBufferEquality();
    void cleanseWipesInPlace();

    // Random numbers and hashes
    void randomBytes();
    void hashesKnownAnswer_data();
    void hashesKnownAnswer();
    void hashesMatchQt();
    void constantTimeEquals_data();
    void constantTimeEquals();

    // Key derivation
    void hkdfKnownAnswer_data();
    void hkdfKnownAnswer();
    void hkdfMatchesReference_data();
    void hkdfMatchesReference();
    void hkdfRejectsLength_data();
    void hkdfRejectsLength();
    void scryptRfc7914_data();
    void scryptRfc7914();
    void scryptRejectsParameters_data();
    void scryptRejectsParameters();

    // AES-GCM
    void gcmKnownAnswer_data();
    void gcmKnownAnswer();
    void gcmRoundTrip_data();
    void gcmRoundTrip();
    void gcmLongNonceUsesEveryByte();
    void gcmRejectsTampering_data();
    void gcmRejectsTampering();
    void gcmRejectsArguments_data();
    void gcmRejectsArguments();

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

    // Self-signed certificate
    void certificateLoadsInQt();
    void certificateServesTls_data();
    void certificateServesTls();
    void certificateSerialsDiffer();
    void clientCertificateIssuedByCa();
    void certificateInternationalAndWildcardNames();
    void certificateRequestCarriesNames();
    void certificateRejectsArguments_data();
    void certificateRejectsArguments();
};

// ---- SecureBuffer ----

void TestCrypto::secureBufferConstruction()
{
    const SecureBuffer empty;
    QVERIFY(empty.isEmpty());
    QCOMPARE(empty.size(), std::size_t(0));
    QVERIFY(empty.view().isEmpty());

    const SecureBuffer zeros(std::size_t(40));
    QCOMPARE(zeros.size(), std::size_t(40));
    QCOMPARE(zeros.toByteArray(), QByteArray(40, '\0'));

    const SecureBuffer copied(QByteArrayView("secret bytes"));
    QCOMPARE(copied.size(), std::size_t(12));
    QCOMPARE(copied.view(), QByteArrayView("secret bytes"));
    QCOMPARE(copied.toByteArray(), QByteArray("secret bytes"));

    const SecureBuffer fromEmptyView{QByteArrayView()};
    QVERIFY(fromEmptyView.isEmpty());
}

void TestCrypto::secureBufferCopyIsDeep()
{
    SecureBuffer original(QByteArrayView("abcdef"));
    SecureBuffer copy(original);
    QVERIFY(copy == original);
    QVERIFY(copy.data() != original.data());
    copy.data()[0] = 'X';
    QCOMPARE(original.view(), QByteArrayView("abcdef"));
    QCOMPARE(copy.view(), QByteArrayView("Xbcdef"));
}

void TestCrypto::secureBufferMoveTransfersStorage()
{
    SecureBuffer source(QByteArrayView("key material"));
    const unsigned char *storage = source.data();

    // Moving hands over the very same block: no second, unwiped copy of the bytes comes into being.
    SecureBuffer moved(std::move(source));
    QCOMPARE(moved.data(), storage);
    QCOMPARE(moved.view(), QByteArrayView("key material"));
    QVERIFY(source.isEmpty());   // NOLINT(bugprone-use-after-move): the moved-from state is specified

    SecureBuffer target(QByteArrayView("old"));
    target = std::move(moved);
    QCOMPARE(target.data(), storage);
    QCOMPARE(target.view(), QByteArrayView("key material"));
    QVERIFY(moved.isEmpty());   // NOLINT(bugprone-use-after-move)
}

void TestCrypto::secureBufferAssignment()
{
    SecureBuffer a(QByteArrayView("first"));
    const SecureBuffer b(QByteArrayView("second value"));
    a = b;
    QCOMPARE(a.view(), QByteArrayView("second value"));
    QVERIFY(a.data() != b.data());

    SecureBuffer &alias = a;
    a = alias;   // self-assignment keeps the contents
    QCOMPARE(a.view(), QByteArrayView("second value"));
    a = std::move(alias);
    QCOMPARE(a.view(), QByteArrayView("second value"));

    a.clear();
    QVERIFY(a.isEmpty());
    QCOMPARE(a.size(), std::size_t(0));
}

void TestCrypto::secureBufferResize()
{
    SecureBuffer buffer(QByteArrayView("0123456789"));
    buffer.resize(4);
    QCOMPARE(buffer.view(), QByteArrayView("0123"));
    buffer.resize(8);   // regrows within the old block: new bytes are zero, never the old ones
    QCOMPARE(buffer.toByteArray(), QByteArray("0123") + QByteArray(4, '\0'));
    buffer.resize(1000);   // moves to a bigger block, keeping the prefix
    QCOMPARE(buffer.size(), std::size_t(1000));
    QCOMPARE(buffer.toByteArray().left(4), QByteArray("0123"));
    QCOMPARE(buffer.toByteArray().mid(4), QByteArray(996, '\0'));
    buffer.resize(0);
    QVERIFY(buffer.isEmpty());
}

void TestCrypto::secureBufferShrinkWipesTail()
{
    SecureBuffer buffer(QByteArrayView("AAAAsecretsecret"));
    const unsigned char *storage = buffer.data();
    buffer.resize(4);
    // Shrinking keeps the allocation; the bytes past the new end must already be zero there.
    QCOMPARE(buffer.data(), storage);
    for (int i = 4; i < 16; ++i)
        QCOMPARE(int(storage[i]), 0);
}

void TestCrypto::secureBufferEquality_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("same") << QByteArray("abc") << QByteArray("abc") << true;
    QTest::newRow("last byte differs") << QByteArray("abc") << QByteArray("abd") << false;
    QTest::newRow("first byte differs") << QByteArray("abc") << QByteArray("xbc") << false;
    QTest::newRow("prefix") << QByteArray("abc") << QByteArray("abcd") << false;
    QTest::newRow("empty vs one") << QByteArray() << QByteArray("a") << false;
}

void TestCrypto::secureBufferEquality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(SecureBuffer(a) == SecureBuffer(b), equal);
    QCOMPARE(SecureBuffer(b) == SecureBuffer(a), equal);
}

void TestCrypto::cleanseWipesInPlace()
{
    QByteArray bytes("plaintext that must go");
    const qsizetype size = bytes.size();
    const char *storage = bytes.constData();
    cleanse(bytes);
    QCOMPARE(bytes.size(), size);
    QCOMPARE(bytes.constData(), storage);
    QCOMPARE(bytes, QByteArray(size, '\0'));

    QByteArray empty;
    cleanse(empty);
    QVERIFY(empty.isEmpty());
}

// ---- random numbers and hashes ----

void TestCrypto::randomBytes()
{
    const QByteArray a = crypto::randomBytes(32);
    const QByteArray b = crypto::randomBytes(32);
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
    QVERIFY(crypto::randomBytes(0).isEmpty());
    QVERIFY(crypto::randomBytes(-5).isEmpty());
    QCOMPARE(crypto::randomBytes(100000).size(), 100000);

    const SecureBuffer s1 = randomSecret(32);
    const SecureBuffer s2 = randomSecret(32);
    QCOMPARE(s1.size(), std::size_t(32));
    QVERIFY(!(s1 == s2));
    QVERIFY(randomSecret(0).isEmpty());
    QVERIFY(randomSecret(-1).isEmpty());
}

void TestCrypto::hashesKnownAnswer_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected256");
    QTest::addColumn<QByteArray>("expected512");
    // FIPS 180-2 appendix examples.
    QTest::newRow("empty") << QByteArray()
        << hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        << hex("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    QTest::newRow("abc") << QByteArray("abc")
        << hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        << hex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

void TestCrypto::hashesKnownAnswer()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected256);
    QFETCH(QByteArray, expected512);
    QCOMPARE(sha256(input), expected256);
    QCOMPARE(sha512(input), expected512);
}

void TestCrypto::hashesMatchQt()
{
    for (const int size : {1, 55, 56, 64, 127, 128, 129, 100000}) {
        const QByteArray data = crypto::randomBytes(size);
        QCOMPARE(sha256(data), QCryptographicHash::hash(data, QCryptographicHash::Sha256));
        QCOMPARE(sha512(data), QCryptographicHash::hash(data, QCryptographicHash::Sha512));
    }
}

void TestCrypto::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("same") << QByteArray("token") << QByteArray("token") << true;
    QTest::newRow("differs") << QByteArray("token") << QByteArray("tokem") << false;
    QTest::newRow("length") << QByteArray("token") << QByteArray("tokens") << false;
    QTest::newRow("empty vs not") << QByteArray() << QByteArray("x") << false;
}

void TestCrypto::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(crypto::constantTimeEquals(a, b), equal);
    QCOMPARE(crypto::constantTimeEquals(b, a), equal);
}

// ---- key derivation ----

void TestCrypto::hkdfKnownAnswer_data()
{
    QTest::addColumn<int>("hashSize");
    QTest::addColumn<QByteArray>("ikm");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<QByteArray>("okm");
    QTest::newRow("SHA-256, RFC 5869 A.1")
        << 32 << hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b") << hex("000102030405060708090a0b0c")
        << hex("f0f1f2f3f4f5f6f7f8f9")
        << hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    QTest::newRow("SHA-256, RFC 5869 A.3 (no salt, no info)")
        << 32 << hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b") << QByteArray() << QByteArray()
        << hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    // RFC 5869 gives SHA-256 vectors only; this SHA-512 one is Wycheproof hkdf_sha512_test.json tcId 1.
    QTest::newRow("SHA-512, Wycheproof tcId 1")
        << 64 << hex("24aeff2645e3e0f5494a9a102778c43a") << QByteArray() << QByteArray()
        << hex("dd2599840b09699c6200b5cba79002b3aa75c61b");
}

void TestCrypto::hkdfKnownAnswer()
{
    QFETCH(int, hashSize);
    QFETCH(QByteArray, ikm);
    QFETCH(QByteArray, salt);
    QFETCH(QByteArray, info);
    QFETCH(QByteArray, okm);
    const auto derived = hkdfWith(hashSize, ikm, salt, info, int(okm.size()));
    QVERIFY2(derived.ok(), derived.ok() ? "" : qPrintable(derived.error().message));
    QCOMPARE(derived->toByteArray(), okm);
}

void TestCrypto::hkdfMatchesReference_data()
{
    QTest::addColumn<int>("hashSize");
    QTest::addColumn<QByteArray>("ikm");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<int>("length");
    const QByteArray ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    for (const int hashSize : {32, 64}) {
        const QByteArray hash = hashSize == 32 ? "SHA-256" : "SHA-512";
        auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s, %s", hash.constData(), name) << hashSize; };
        row("RFC 5869 case 1 inputs") << ikm << hex("000102030405060708090a0b0c") << hex("f0f1f2f3f4f5f6f7f8f9") << 42;
        row("one byte") << ikm << QByteArray("salt") << QByteArray("info") << 1;
        row("one block") << ikm << QByteArray("salt") << QByteArray("info") << hashSize;
        row("block plus one") << ikm << QByteArray("salt") << QByteArray("info") << hashSize + 1;
        row("empty salt and info") << ikm << QByteArray() << QByteArray() << 100;
        row("empty ikm") << QByteArray() << QByteArray("salt") << QByteArray("info") << 32;
        row("salt longer than a block") << ikm << repeated('s', 300) << QByteArray("info") << 44;
        row("long info") << ikm << QByteArray("salt") << repeated('i', 5000) << 44;
        row("maximum length") << ikm << QByteArray("salt") << QByteArray("info") << 255 * hashSize;
    }
}

void TestCrypto::hkdfMatchesReference()
{
    QFETCH(int, hashSize);
    QFETCH(QByteArray, ikm);
    QFETCH(QByteArray, salt);
    QFETCH(QByteArray, info);
    QFETCH(int, length);
    const auto okm = hkdfWith(hashSize, ikm, salt, info, length);
    QVERIFY2(okm.ok(), okm.ok() ? "" : qPrintable(okm.error().message));
    QCOMPARE(okm->size(), std::size_t(length));
    QCOMPARE(okm->toByteArray(), referenceHkdf(hashSize, ikm, salt, info, length));
}

void TestCrypto::hkdfRejectsLength_data()
{
    QTest::addColumn<int>("hashSize");
    QTest::addColumn<int>("length");
    for (const int hashSize : {32, 64}) {
        const QByteArray hash = hashSize == 32 ? "SHA-256" : "SHA-512";
        QTest::addRow("%s, zero", hash.constData()) << hashSize << 0;
        QTest::addRow("%s, negative", hash.constData()) << hashSize << -1;
        QTest::addRow("%s, one past the maximum", hash.constData()) << hashSize << 255 * hashSize + 1;
        QTest::addRow("%s, huge", hash.constData()) << hashSize << (1 << 30);
    }
}

void TestCrypto::hkdfRejectsLength()
{
    QFETCH(int, hashSize);
    QFETCH(int, length);
    const auto okm = hkdfWith(hashSize, "ikm", "salt", "info", length);
    QVERIFY(!okm.ok());
    QCOMPARE(okm.error().code, ErrorCode::InvalidArgument);
}

void TestCrypto::scryptRfc7914_data()
{
    QTest::addColumn<QByteArray>("passphrase");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<quint64>("n");
    QTest::addColumn<quint32>("r");
    QTest::addColumn<quint32>("p");
    QTest::addColumn<QByteArray>("expected");
    // RFC 7914 section 12.
    QTest::newRow("empty") << QByteArray() << QByteArray() << quint64(16) << quint32(1) << quint32(1)
        << hex("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    QTest::newRow("password/NaCl") << QByteArray("password") << QByteArray("NaCl") << quint64(1024) << quint32(8) << quint32(16)
        << hex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    QTest::newRow("pleaseletmein") << QByteArray("pleaseletmein") << QByteArray("SodiumChloride") << quint64(16384) << quint32(8) << quint32(1)
        << hex("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
}

void TestCrypto::scryptRfc7914()
{
    QFETCH(QByteArray, passphrase);
    QFETCH(QByteArray, salt);
    QFETCH(quint64, n);
    QFETCH(quint32, r);
    QFETCH(quint32, p);
    QFETCH(QByteArray, expected);
    const auto key = crypto::scrypt(passphrase, salt, ScryptParams{n, r, p}, 64);
    QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().message));
    QCOMPARE(key->toByteArray(), expected);

    // A shorter output is the prefix of the longer one.
    const auto shorter = crypto::scrypt(passphrase, salt, ScryptParams{n, r, p}, 32);
    QVERIFY(shorter.ok());
    QCOMPARE(shorter->toByteArray(), expected.left(32));
}

void TestCrypto::scryptRejectsParameters_data()
{
    QTest::addColumn<quint64>("n");
    QTest::addColumn<quint32>("r");
    QTest::addColumn<quint32>("p");
    QTest::addColumn<int>("length");
    QTest::newRow("N zero") << quint64(0) << quint32(8) << quint32(1) << 32;
    QTest::newRow("N one") << quint64(1) << quint32(8) << quint32(1) << 32;
    QTest::newRow("N not a power of two") << quint64(1000) << quint32(8) << quint32(1) << 32;
    QTest::newRow("r zero") << quint64(1024) << quint32(0) << quint32(1) << 32;
    QTest::newRow("p zero") << quint64(1024) << quint32(8) << quint32(0) << 32;
    QTest::newRow("N too large for r = 1") << (quint64(1) << 16) << quint32(1) << quint32(1) << 32;
    QTest::newRow("over 1 GiB") << (quint64(1) << 20) << quint32(8) << quint32(1) << 32;
    QTest::newRow("huge N") << (quint64(1) << 62) << quint32(8) << quint32(1) << 32;
    QTest::newRow("huge r") << quint64(16) << quint32(0xffffffffu) << quint32(1) << 32;
    QTest::newRow("huge p") << quint64(16) << quint32(8) << quint32(0xffffffffu) << 32;
    QTest::newRow("length zero") << quint64(1024) << quint32(8) << quint32(1) << 0;
    QTest::newRow("length negative") << quint64(1024) << quint32(8) << quint32(1) << -4;
}

void TestCrypto::scryptRejectsParameters()
{
    QFETCH(quint64, n);
    QFETCH(quint32, r);
    QFETCH(quint32, p);
    QFETCH(int, length);
    const auto key = crypto::scrypt("passphrase", "salt", ScryptParams{n, r, p}, length);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::InvalidArgument);
}

// ---- AES-GCM ----

void TestCrypto::gcmKnownAnswer_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<int>("tagSize");
    QTest::addColumn<QByteArray>("expected");   // ciphertext || tag
    const QByteArray k3 = hex("feffe9928665731c6d6a8f9467308308");
    const QByteArray p3 = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    // McGrew and Viega, "The Galois/Counter Mode of Operation", appendix B, test cases 1, 2, 3 and 6.
    QTest::newRow("GCM spec 1: empty") << QByteArray(16, '\0') << QByteArray(12, '\0') << QByteArray() << QByteArray() << 16
        << hex("58e2fccefa7e3061367f1d57a4e7455a");
    QTest::newRow("GCM spec 2") << QByteArray(16, '\0') << QByteArray(12, '\0') << QByteArray(16, '\0') << QByteArray() << 16
        << hex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
    QTest::newRow("GCM spec 3") << k3 << hex("cafebabefacedbaddecaf888") << p3 << QByteArray() << 16
        << hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
               "4d5c2af327cd64a62cf35abd2ba6fab4");
    QTest::newRow("GCM spec 6: 60-byte nonce")
        << k3
        << hex("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b")
        << p3.left(60) << hex("feedfacedeadbeeffeedfacedeadbeefabaddad2") << 16
        << hex("8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5"
               "619cc5aefffe0bfa462af43c1699d050");
    // Nonces longer than the 128 bytes OpenSSL takes; expected values from a from-scratch GCM (SP 800-38D).
    QTest::newRow("300-byte nonce") << repeated('\x01', 32) << repeated('\xab', 300)
        << hex("00112233445566778899aabbccddeeff0011") << QByteArray("parley") << 16
        << hex("37e68248fdd0cb12853b4e3084ea45cb7b91b320483ef4cf668136c93165da61aee4");
    QByteArray nonce513;
    for (int i = 0; i < 512; ++i)
        nonce513 += char(i & 0xff);
    nonce513 += '\x01';
    QTest::newRow("513-byte nonce, 12-byte tag") << hex("000102030405060708090a0b0c0d0e0f") << nonce513 << QByteArray()
        << QByteArray() << 12 << hex("16e1ecbbfbf3092c3afbcc2c");
}

void TestCrypto::gcmKnownAnswer()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, aad);
    QFETCH(int, tagSize);
    QFETCH(QByteArray, expected);

    const auto sealed = aesGcmSeal(key, iv, plaintext, aad, tagSize);
    QVERIFY2(sealed.ok(), sealed.ok() ? "" : qPrintable(sealed.error().message));
    QCOMPARE(sealed->toHex(), expected.toHex());
    const auto opened = aesGcmOpen(key, iv, expected, aad, tagSize);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    QCOMPARE(opened->toByteArray(), plaintext);
}

void TestCrypto::gcmRoundTrip_data()
{
    QTest::addColumn<int>("keySize");
    QTest::addColumn<int>("ivSize");
    QTest::addColumn<int>("plaintextSize");
    QTest::addColumn<int>("aadSize");
    QTest::addColumn<int>("tagSize");
    QTest::newRow("project default") << 32 << 12 << 1000 << 16 << 16;
    QTest::newRow("AES-128") << 16 << 12 << 33 << 0 << 16;
    QTest::newRow("AES-192") << 24 << 12 << 33 << 5 << 16;
    QTest::newRow("empty plaintext") << 32 << 12 << 0 << 16 << 16;
    QTest::newRow("empty plaintext and aad") << 32 << 12 << 0 << 0 << 16;
    QTest::newRow("1-byte nonce") << 32 << 1 << 20 << 3 << 16;
    QTest::newRow("16-byte nonce") << 32 << 16 << 20 << 3 << 16;
    QTest::newRow("128-byte nonce") << 32 << 128 << 20 << 3 << 16;
    QTest::newRow("129-byte nonce") << 32 << 129 << 20 << 3 << 16;
    QTest::newRow("1000-byte nonce") << 16 << 1000 << 20 << 3 << 16;
    QTest::newRow("12-byte tag") << 32 << 12 << 64 << 8 << 12;
    QTest::newRow("4-byte tag") << 32 << 12 << 64 << 8 << 4;
    QTest::newRow("1-byte tag") << 32 << 12 << 64 << 8 << 1;
    QTest::newRow("1 MiB") << 32 << 12 << (1 << 20) << 100 << 16;
}

void TestCrypto::gcmRoundTrip()
{
    QFETCH(int, keySize);
    QFETCH(int, ivSize);
    QFETCH(int, plaintextSize);
    QFETCH(int, aadSize);
    QFETCH(int, tagSize);
    const SecureBuffer key = randomSecret(keySize);
    const QByteArray iv = crypto::randomBytes(ivSize);
    const QByteArray plaintext = crypto::randomBytes(plaintextSize);
    const QByteArray aad = crypto::randomBytes(aadSize);

    const auto sealed = aesGcmSeal(key.view(), iv, plaintext, aad, tagSize);
    QVERIFY2(sealed.ok(), sealed.ok() ? "" : qPrintable(sealed.error().message));
    QCOMPARE(sealed->size(), plaintextSize + tagSize);
    if (plaintextSize >= 16)
        QVERIFY(!sealed->contains(plaintext.left(16)));
    const auto opened = aesGcmOpen(key.view(), iv, *sealed, aad, tagSize);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    QCOMPARE(opened->size(), std::size_t(plaintextSize));
    QVERIFY(opened->toByteArray() == plaintext);
}

void TestCrypto::gcmLongNonceUsesEveryByte()
{
    // Folded nonces must still depend on all of their bytes.
    const QByteArray key(32, '\x42');
    QByteArray iv(300, '\x07');
    const auto a = aesGcmSeal(key, iv, "message", "aad");
    iv[299] = '\x08';
    const auto b = aesGcmSeal(key, iv, "message", "aad");
    iv[299] = '\x07';
    iv[0] = '\x08';
    const auto c = aesGcmSeal(key, iv, "message", "aad");
    const auto d = aesGcmSeal(key, iv + '\0', "message", "aad");   // a trailing zero byte changes the length block
    QVERIFY(a.ok() && b.ok() && c.ok() && d.ok());
    QVERIFY(*a != *b);
    QVERIFY(*a != *c);
    QVERIFY(*c != *d);
}

void TestCrypto::gcmRejectsTampering_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("ciphertext bit") << u"ciphertext"_s;
    QTest::newRow("tag bit") << u"tag"_s;
    QTest::newRow("wrong aad") << u"aad"_s;
    QTest::newRow("missing aad") << u"noaad"_s;
    QTest::newRow("wrong key") << u"key"_s;
    QTest::newRow("wrong nonce") << u"iv"_s;
    QTest::newRow("truncated") << u"truncate"_s;
    QTest::newRow("extended") << u"extend"_s;
    QTest::newRow("shorter than the tag") << u"short"_s;
    QTest::newRow("other tag size") << u"tagsize"_s;
}

void TestCrypto::gcmRejectsTampering()
{
    QFETCH(QString, change);
    QByteArray key(32, '\x11');
    QByteArray iv = crypto::randomBytes(GcmNonceSize);
    QByteArray aad("message id");
    const auto sealed = aesGcmSeal(key, iv, "attack at dawn, bring cake", aad);
    QVERIFY(sealed.ok());
    QByteArray input = *sealed;
    int tagSize = GcmTagSize;

    if (change == u"ciphertext"_s)
        input[3] = char(input[3] ^ 0x01);
    else if (change == u"tag"_s)
        input[input.size() - 1] = char(input[input.size() - 1] ^ 0x80);
    else if (change == u"aad"_s)
        aad[0] = 'M';
    else if (change == u"noaad"_s)
        aad.clear();
    else if (change == u"key"_s)
        key[31] = '\x12';
    else if (change == u"iv"_s)
        iv[0] = char(iv[0] ^ 0x01);
    else if (change == u"truncate"_s)
        input.chop(1);
    else if (change == u"extend"_s)
        input.append('\0');
    else if (change == u"short"_s)
        input = input.left(GcmTagSize - 1);
    else if (change == u"tagsize"_s)
        tagSize = 12;

    const auto opened = aesGcmOpen(key, iv, input, aad, tagSize);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, ErrorCode::Crypto);
}

void TestCrypto::gcmRejectsArguments_data()
{
    QTest::addColumn<int>("keySize");
    QTest::addColumn<int>("ivSize");
    QTest::addColumn<int>("tagSize");
    QTest::newRow("empty key") << 0 << 12 << 16;
    QTest::newRow("15-byte key") << 15 << 12 << 16;
    QTest::newRow("33-byte key") << 33 << 12 << 16;
    QTest::newRow("64-byte key") << 64 << 12 << 16;
    QTest::newRow("empty nonce") << 32 << 0 << 16;
    QTest::newRow("tag 0") << 32 << 12 << 0;
    QTest::newRow("tag 17") << 32 << 12 << 17;
    QTest::newRow("tag negative") << 32 << 12 << -1;
}

void TestCrypto::gcmRejectsArguments()
{
    QFETCH(int, keySize);
    QFETCH(int, ivSize);
    QFETCH(int, tagSize);
    const QByteArray key(keySize, 'k');
    const QByteArray iv(ivSize, 'n');
    const auto sealed = aesGcmSeal(key, iv, "plaintext", "aad", tagSize);
    QVERIFY(!sealed.ok());
    QCOMPARE(sealed.error().code, ErrorCode::InvalidArgument);
    const auto opened = aesGcmOpen(key, iv, QByteArray(40, 'c'), "aad", tagSize);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, ErrorCode::InvalidArgument);
}

// ---- EC keys: CurveKey on P-256 and P-521, and the typed EcKey (P-521) and P256Key (P-256) ----

void TestCrypto::ecNullKey_data()
{
    curveRows();
}

void TestCrypto::ecNullKey()
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

void TestCrypto::ecGenerate_data()
{
    curveRows();
}

void TestCrypto::ecGenerate()
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

void TestCrypto::ecSignVerify_data()
{
    addCurveColumn();
    QTest::addColumn<SignatureFormat>("format");
    for (const Curve curve : {Curve::P256, Curve::P521}) {
        QTest::addRow("%s, DER", domain(curve).name) << curve << SignatureFormat::Der;
        QTest::addRow("%s, r || s", domain(curve).name) << curve << SignatureFormat::Raw;
    }
}

void TestCrypto::ecSignVerify()
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

void TestCrypto::ecRawMatchesDer_data()
{
    curveRows();
}

void TestCrypto::ecRawMatchesDer()
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

void TestCrypto::ecVerifyRejectsTampering_data()
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

void TestCrypto::ecVerifyRejectsTampering()
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

void TestCrypto::ecRawSignatureRejects_data()
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

void TestCrypto::ecRawSignatureRejects()
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

void TestCrypto::ecdhAgreement_data()
{
    curveRows();
}

void TestCrypto::ecdhAgreement()
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

void TestCrypto::ecdhRejectsBadInput_data()
{
    curveRows();
}

void TestCrypto::ecdhRejectsBadInput()
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

void TestCrypto::ecPointRoundTrip_data()
{
    curveRows();
}

void TestCrypto::ecPointRoundTrip()
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

void TestCrypto::ecDerRoundTrip_data()
{
    curveRows();
}

void TestCrypto::ecDerRoundTrip()
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

void TestCrypto::ecFromPublicPointRejects_data()
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

void TestCrypto::ecFromPublicPointRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, point);
    const auto key = CurveKey::fromPublicPoint(curve, point);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
}

void TestCrypto::ecFromPublicDerRejects_data()
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

void TestCrypto::ecFromPublicDerRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, spki);
    const auto key = CurveKey::fromPublicDer(curve, spki);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
}

void TestCrypto::ecScalarRoundTrip_data()
{
    curveRows();
}

void TestCrypto::ecScalarRoundTrip()
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

void TestCrypto::ecScalarKnownPoints_data()
{
    curveRows();
}

void TestCrypto::ecScalarKnownPoints()
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

void TestCrypto::ecScalarRejects_data()
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

void TestCrypto::ecScalarRejects()
{
    QFETCH(Curve, curve);
    QFETCH(QByteArray, scalar);
    const auto key = CurveKey::fromPrivateScalar(curve, scalar);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, ErrorCode::Crypto);
    // Refused by the range check against n, before OpenSSL sees the scalar.
    QCOMPARE(key.error().message, u"%1 private scalar is out of range"_s.arg(QLatin1StringView(domain(curve).name)));
}

void TestCrypto::ecPemRoundTrip_data()
{
    curveRows();
}

void TestCrypto::ecPemRoundTrip()
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

void TestCrypto::ecTypedKeys()
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

void TestCrypto::ecCopyAndMove()
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

// ---- self-signed certificate ----

void TestCrypto::certificateLoadsInQt()
{
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const auto generated = generateSelfSignedCertificate(u"parley.test"_s, {u"localhost"_s, u"parley.example"_s},
                                                         {QHostAddress(u"127.0.0.1"_s), QHostAddress(u"::1"_s)}, 30);
    QVERIFY2(generated.ok(), generated.ok() ? "" : qPrintable(generated.error().message));
    QVERIFY(generated->certificatePem.startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(generated->privateKeyPem.toByteArray().startsWith("-----BEGIN PRIVATE KEY-----"));   // PKCS#8

    const QSslCertificate certificate(generated->certificatePem, QSsl::Pem);
    QVERIFY(!certificate.isNull());
    // Qt's isSelfSigned() also demands keyCertSign, which a leaf limited to digitalSignature rightly lacks; that the
    // certificate verifies against itself is shown by the handshake in certificateServesTls().
    QCOMPARE(certificate.version(), QByteArray("3"));
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{u"parley.test"_s});
    QCOMPARE(certificate.issuerInfo(QSslCertificate::CommonName), QStringList{u"parley.test"_s});
    QCOMPARE(certificate.publicKey().algorithm(), QSsl::Ec);
    QCOMPARE(certificate.publicKey().length(), 256);
    QCOMPARE(certificate.serialNumber().count(':') + 1 >= 16, true);

    const auto names = certificate.subjectAlternativeNames();
    QCOMPARE(names.values(QSsl::DnsEntry).size(), 2);
    QVERIFY(names.values(QSsl::DnsEntry).contains(u"localhost"_s));
    QVERIFY(names.values(QSsl::DnsEntry).contains(u"parley.example"_s));
    QCOMPARE(names.values(QSsl::IpAddressEntry).size(), 2);
    QVERIFY(names.values(QSsl::IpAddressEntry).contains(u"127.0.0.1"_s));
    QVERIFY(names.values(QSsl::IpAddressEntry).contains(u"0:0:0:0:0:0:0:1"_s)
            || names.values(QSsl::IpAddressEntry).contains(u"::1"_s));

    // Validity: an hour back from the moment of creation, validDays ahead (a minute of slack either way).
    const QDateTime after = QDateTime::currentDateTimeUtc();
    QVERIFY(certificate.effectiveDate() >= before.addSecs(-3600 - 60));
    QVERIFY(certificate.effectiveDate() <= after.addSecs(-3600 + 60));
    QVERIFY(certificate.expiryDate() >= before.addDays(30).addSecs(-60));
    QVERIFY(certificate.expiryDate() <= after.addDays(30).addSecs(60));

    QHash<QString, QSslCertificateExtension> extensions;
    const auto extensionList = certificate.extensions();
    for (const QSslCertificateExtension &extension : extensionList)
        extensions.insert(extension.name(), extension);
    QVERIFY(extensions.contains(u"basicConstraints"_s));
    QVERIFY(extensions.value(u"basicConstraints"_s).isCritical());
    QCOMPARE(extensions.value(u"basicConstraints"_s).value().toMap().value(u"ca"_s).toBool(), false);
    QVERIFY(extensions.contains(u"keyUsage"_s));
    QVERIFY(extensions.value(u"keyUsage"_s).isCritical());
    QVERIFY(extensions.value(u"keyUsage"_s).value().toString().contains(u"Digital Signature"_s)
            || extensions.value(u"keyUsage"_s).value().toStringList().contains(u"Digital Signature"_s));
    QVERIFY(extensions.contains(u"extendedKeyUsage"_s));
    QVERIFY(!extensions.value(u"extendedKeyUsage"_s).isCritical());
    QVERIFY(extensions.value(u"extendedKeyUsage"_s).value().toString().contains(u"TLS Web Server Authentication"_s)
            || extensions.value(u"extendedKeyUsage"_s).value().toStringList().contains(u"TLS Web Server Authentication"_s));
    QVERIFY(extensions.contains(u"subjectKeyIdentifier"_s));
    QVERIFY(extensions.contains(u"subjectAltName"_s));

    const QSslKey key(generated->privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!key.isNull());
    QCOMPARE(key.algorithm(), QSsl::Ec);
    QCOMPARE(key.type(), QSsl::PrivateKey);
    QCOMPARE(key.length(), 256);
}

void TestCrypto::certificateServesTls_data()
{
    QTest::addColumn<QString>("peerName");
    QTest::addColumn<bool>("matches");
    QTest::newRow("DNS name localhost") << u"localhost"_s << true;
    QTest::newRow("second DNS name") << u"parley.example"_s << true;
    QTest::newRow("IP address") << u"127.0.0.1"_s << true;
    QTest::newRow("name not in the certificate") << u"other.example"_s << false;
}

void TestCrypto::certificateServesTls()
{
    QFETCH(QString, peerName);
    QFETCH(bool, matches);
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");

    const auto generated = generateSelfSignedCertificate(u"parley.test"_s, {u"localhost"_s, u"parley.example"_s},
                                                         {QHostAddress(QHostAddress::LocalHost)}, 2);
    QVERIFY(generated.ok());
    const QSslCertificate certificate(generated->certificatePem, QSsl::Pem);
    const QSslKey key(generated->privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!certificate.isNull() && !key.isNull());

    QSslServer server;
    QSslConfiguration serverConfig = QSslConfiguration::defaultConfiguration();
    serverConfig.setLocalCertificate(certificate);
    serverConfig.setPrivateKey(key);
    serverConfig.setPeerVerifyMode(QSslSocket::VerifyNone);
    server.setSslConfiguration(serverConfig);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    QSslSocket client;
    QSslConfiguration clientConfig = QSslConfiguration::defaultConfiguration();
    clientConfig.setCaCertificates({certificate});
    clientConfig.setPeerVerifyMode(QSslSocket::VerifyPeer);
    client.setSslConfiguration(clientConfig);
    QSignalSpy encrypted(&client, &QSslSocket::encrypted);
    QSignalSpy sslErrors(&client, &QSslSocket::sslErrors);
    client.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort(), peerName);

    if (matches) {
        QVERIFY2(encrypted.wait(10000),
                 qPrintable(u"handshake failed: "_s + client.errorString()));
        QVERIFY(client.sslHandshakeErrors().isEmpty());
        QCOMPARE(client.peerCertificate(), certificate);
        QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), 10000);
        std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
        QVERIFY(accepted);
        client.write("ping");
        QTRY_COMPARE_WITH_TIMEOUT(accepted->bytesAvailable(), qint64(4), 10000);
        QCOMPARE(accepted->readAll(), QByteArray("ping"));
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(!sslErrors.isEmpty(), 10000);
        const auto errors = sslErrors.first().first().value<QList<QSslError>>();
        bool mismatch = false;
        for (const QSslError &error : errors)
            mismatch = mismatch || error.error() == QSslError::HostNameMismatch;
        QVERIFY(mismatch);
        QVERIFY(encrypted.isEmpty());
    }
}

// ---- a CA for admin client certificates ----

void TestCrypto::clientCertificateIssuedByCa()
{
    const auto ca = generateCertificateAuthority(u"Admin CA"_s, 10);
    QVERIFY2(ca.ok(), ca.ok() ? "" : qPrintable(ca.error().message));
    const auto issued = issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"operator"_s, 5);
    QVERIFY2(issued.ok(), issued.ok() ? "" : qPrintable(issued.error().message));

    auto extensionsOf = [](const QSslCertificate &c) {
        QHash<QString, QSslCertificateExtension> out;
        const auto list = c.extensions();
        for (const QSslCertificateExtension &e : list)
            out.insert(e.name(), e);
        return out;
    };
    const QSslCertificate caCert(ca->certificatePem, QSsl::Pem);
    QVERIFY(!caCert.isNull());
    QVERIFY(caCert.isSelfSigned());   // Qt demands keyCertSign for this, which a CA has
    const auto caExtensions = extensionsOf(caCert);
    QCOMPARE(caExtensions.value(u"basicConstraints"_s).value().toMap().value(u"ca"_s).toBool(), true);
    QVERIFY(caExtensions.value(u"basicConstraints"_s).isCritical());

    const QSslCertificate leaf(issued->certificatePem, QSsl::Pem);
    QVERIFY(!leaf.isNull());
    QVERIFY(!leaf.isSelfSigned());
    QCOMPARE(leaf.subjectInfo(QSslCertificate::CommonName), QStringList{u"operator"_s});
    QCOMPARE(leaf.issuerInfo(QSslCertificate::CommonName), QStringList{u"Admin CA"_s});
    QVERIFY(leaf.expiryDate() <= QDateTime::currentDateTimeUtc().addDays(5).addSecs(60));
    const auto leafExtensions = extensionsOf(leaf);
    QCOMPARE(leafExtensions.value(u"basicConstraints"_s).value().toMap().value(u"ca"_s).toBool(), false);
    const QSslCertificateExtension eku = leafExtensions.value(u"extendedKeyUsage"_s);
    QVERIFY(eku.value().toString().contains(u"TLS Web Client Authentication"_s)
            || eku.value().toStringList().contains(u"TLS Web Client Authentication"_s));
    QVERIFY(leafExtensions.contains(u"authorityKeyIdentifier"_s));
    QVERIFY(certificateMatchesKey(issued->certificatePem, issued->privateKeyPem.view()).ok());
    QVERIFY(!certificateMatchesKey(issued->certificatePem, ca->privateKeyPem.view()).ok());

    // The CA's key must belong to the CA's certificate; garbage is refused.
    const auto other = generateCertificateAuthority(u"Admin CA"_s, 10);
    QVERIFY(other.ok());
    const auto mismatched = issueClientCertificate(ca->certificatePem, other->privateKeyPem.view(), u"operator"_s, 5);
    QVERIFY(!mismatched.ok());
    QCOMPARE(mismatched.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(issueClientCertificate("not pem", ca->privateKeyPem.view(), u"x"_s, 5).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), QString(), 5).error().code,
             ErrorCode::InvalidArgument);
    QCOMPARE(generateCertificateAuthority(u"CA"_s, 0).error().code, ErrorCode::InvalidArgument);
}

void TestCrypto::certificateSerialsDiffer()
{
    const auto a = generateSelfSignedCertificate(u"a"_s, {}, {}, 1);
    const auto b = generateSelfSignedCertificate(u"a"_s, {}, {}, 1);
    QVERIFY(a.ok() && b.ok());
    const QSslCertificate ca(a->certificatePem, QSsl::Pem);
    const QSslCertificate cb(b->certificatePem, QSsl::Pem);
    QVERIFY(!ca.isNull() && !cb.isNull());
    QVERIFY(ca.serialNumber() != cb.serialNumber());
    QVERIFY(ca.subjectAlternativeNames().isEmpty());
    QVERIFY(!(a->privateKeyPem == b->privateKeyPem));
}

void TestCrypto::certificateInternationalAndWildcardNames()
{
    const auto generated = generateSelfSignedCertificate(u"b\u00fccher"_s, {u"b\u00fccher.example"_s, u"*.parley.example"_s}, {}, 1);
    QVERIFY2(generated.ok(), generated.ok() ? "" : qPrintable(generated.error().message));
    const QSslCertificate certificate(generated->certificatePem, QSsl::Pem);
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{u"b\u00fccher"_s});
    const QStringList dns = certificate.subjectAlternativeNames().values(QSsl::DnsEntry);
    QVERIFY(dns.contains(u"xn--bcher-kva.example"_s));
    QVERIFY(dns.contains(u"*.parley.example"_s));
}

void TestCrypto::certificateRequestCarriesNames()
{
    const auto generated = generateCertificateRequest(u"parley.example"_s,
                                                      {u"parley.example"_s, u"b\u00fccher.example"_s, u"*.parley.example"_s});
    QVERIFY2(generated.ok(), generated.ok() ? "" : qPrintable(generated.error().message));
    QVERIFY(generated->requestPem.startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
    QVERIFY(generated->privateKeyPem.toByteArray().startsWith("-----BEGIN PRIVATE KEY-----"));

    // Qt does not read requests; the openssl tool shows what a CA will see.
    QProcess openssl;
    openssl.start(u"openssl"_s, {u"req"_s, u"-noout"_s, u"-text"_s, u"-verify"_s});
    QVERIFY(openssl.waitForStarted(10000));
    openssl.write(generated->requestPem);
    openssl.closeWriteChannel();
    QVERIFY(openssl.waitForFinished(10000));
    const QByteArray text = openssl.readAllStandardOutput();
    QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());
    QVERIFY(text.contains("CN = parley.example"));
    QVERIFY2(text.contains("DNS:parley.example, DNS:xn--bcher-kva.example, DNS:*.parley.example"), text.constData());
    QVERIFY(!text.contains("IP Address:"));

    const auto refused = generateCertificateRequest(u"cn"_s, {u"bad name"_s});
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
}

void TestCrypto::certificateRejectsArguments_data()
{
    QTest::addColumn<QString>("commonName");
    QTest::addColumn<QStringList>("dnsNames");
    QTest::addColumn<QList<QHostAddress>>("addresses");
    QTest::addColumn<int>("validDays");
    const QStringList dns{u"localhost"_s};
    const QList<QHostAddress> ips{QHostAddress(QHostAddress::LocalHost)};
    QTest::newRow("empty common name") << QString() << dns << ips << 30;
    QTest::newRow("common name over 64") << QString(65, u'c') << dns << ips << 30;
    QTest::newRow("control character in common name") << u"a\nb"_s << dns << ips << 30;
    QTest::newRow("NUL in common name") << QString(u"a\0b"_s) << dns << ips << 30;
    QTest::newRow("zero days") << u"cn"_s << dns << ips << 0;
    QTest::newRow("negative days") << u"cn"_s << dns << ips << -1;
    QTest::newRow("over a century") << u"cn"_s << dns << ips << 36501;
    QTest::newRow("empty DNS name") << u"cn"_s << QStringList{QString()} << ips << 30;
    QTest::newRow("DNS name with a space") << u"cn"_s << QStringList{u"bad name"_s} << ips << 30;
    QTest::newRow("DNS name with a comma") << u"cn"_s << QStringList{u"a.example,IP:1.2.3.4"_s} << ips << 30;
    QTest::newRow("DNS name with empty label") << u"cn"_s << QStringList{u"a..example"_s} << ips << 30;
    QTest::newRow("null address") << u"cn"_s << dns << QList<QHostAddress>{QHostAddress()} << 30;
}

void TestCrypto::certificateRejectsArguments()
{
    QFETCH(QString, commonName);
    QFETCH(QStringList, dnsNames);
    QFETCH(QList<QHostAddress>, addresses);
    QFETCH(int, validDays);
    const auto generated = generateSelfSignedCertificate(commonName, dnsNames, addresses, validDays);
    QVERIFY(!generated.ok());
    QCOMPARE(generated.error().code, ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
