// Unit tests of libparley's crypto primitives: SecureBuffer, random numbers, hashes, HKDF, scrypt and AES-GCM.
// EC keys run in tst_eckeys, certificates in tst_certificates, third-party vectors in tst_wycheproof.

#include "cryptotest.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace parley;
using namespace parley::crypto;
using namespace parley::crypto::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray repeated(char c, qsizetype n)
{
    return QByteArray(n, c);
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

} // namespace

class TestPrimitives : public QObject
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
};

// ---- SecureBuffer ----

void TestPrimitives::secureBufferConstruction()
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

void TestPrimitives::secureBufferCopyIsDeep()
{
    SecureBuffer original(QByteArrayView("abcdef"));
    SecureBuffer copy(original);
    QVERIFY(copy == original);
    QVERIFY(copy.data() != original.data());
    copy.data()[0] = 'X';
    QCOMPARE(original.view(), QByteArrayView("abcdef"));
    QCOMPARE(copy.view(), QByteArrayView("Xbcdef"));
}

void TestPrimitives::secureBufferMoveTransfersStorage()
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

void TestPrimitives::secureBufferAssignment()
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

void TestPrimitives::secureBufferResize()
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

void TestPrimitives::secureBufferShrinkWipesTail()
{
    SecureBuffer buffer(QByteArrayView("AAAAsecretsecret"));
    const unsigned char *storage = buffer.data();
    buffer.resize(4);
    // Shrinking keeps the allocation; the bytes past the new end must already be zero there.
    QCOMPARE(buffer.data(), storage);
    for (int i = 4; i < 16; ++i)
        QCOMPARE(int(storage[i]), 0);
}

void TestPrimitives::secureBufferEquality_data()
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

void TestPrimitives::secureBufferEquality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(SecureBuffer(a) == SecureBuffer(b), equal);
    QCOMPARE(SecureBuffer(b) == SecureBuffer(a), equal);
}

void TestPrimitives::cleanseWipesInPlace()
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

void TestPrimitives::randomBytes()
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

void TestPrimitives::hashesKnownAnswer_data()
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

void TestPrimitives::hashesKnownAnswer()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected256);
    QFETCH(QByteArray, expected512);
    QCOMPARE(sha256(input), expected256);
    QCOMPARE(sha512(input), expected512);
}

void TestPrimitives::hashesMatchQt()
{
    for (const int size : {1, 55, 56, 64, 127, 128, 129, 100000}) {
        const QByteArray data = crypto::randomBytes(size);
        QCOMPARE(sha256(data), QCryptographicHash::hash(data, QCryptographicHash::Sha256));
        QCOMPARE(sha512(data), QCryptographicHash::hash(data, QCryptographicHash::Sha512));
    }
}

void TestPrimitives::constantTimeEquals_data()
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

void TestPrimitives::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(crypto::constantTimeEquals(a, b), equal);
    QCOMPARE(crypto::constantTimeEquals(b, a), equal);
}

// ---- key derivation ----

void TestPrimitives::hkdfKnownAnswer_data()
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

void TestPrimitives::hkdfKnownAnswer()
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

void TestPrimitives::hkdfMatchesReference_data()
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

void TestPrimitives::hkdfMatchesReference()
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

void TestPrimitives::hkdfRejectsLength_data()
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

void TestPrimitives::hkdfRejectsLength()
{
    QFETCH(int, hashSize);
    QFETCH(int, length);
    const auto okm = hkdfWith(hashSize, "ikm", "salt", "info", length);
    QVERIFY(!okm.ok());
    QCOMPARE(okm.error().code, ErrorCode::InvalidArgument);
}

void TestPrimitives::scryptRfc7914_data()
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

void TestPrimitives::scryptRfc7914()
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

void TestPrimitives::scryptRejectsParameters_data()
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

void TestPrimitives::scryptRejectsParameters()
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

void TestPrimitives::gcmKnownAnswer_data()
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

void TestPrimitives::gcmKnownAnswer()
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

void TestPrimitives::gcmRoundTrip_data()
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

void TestPrimitives::gcmRoundTrip()
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

void TestPrimitives::gcmLongNonceUsesEveryByte()
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

void TestPrimitives::gcmRejectsTampering_data()
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

void TestPrimitives::gcmRejectsTampering()
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

void TestPrimitives::gcmRejectsArguments_data()
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

void TestPrimitives::gcmRejectsArguments()
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

QTEST_GUILESS_MAIN(TestPrimitives)
#include "tst_primitives.moc"
