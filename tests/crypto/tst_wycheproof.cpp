// Runs every Wycheproof vector file whose algorithm and schema libparley's crypto covers.
//
// The directory comes from PARLEY_WYCHEPROOF_DIR, else from the build's default. Files are dispatched on their
// "algorithm" and "schema", groups on curve, encoding, hash and tag size, so a newer vector set needs no code change.
// "valid" cases must be accepted with the expected output, "invalid" ones rejected; "acceptable" ones may go either
// way, but when accepted their output must still be right.

#include "crypto/crypto.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QtTest>

#include <optional>

using namespace parley::crypto;
using namespace Qt::StringLiterals;

namespace {

enum class Kind { AesGcm, Hkdf, Ecdh, Ecdsa };

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::AesGcm: return u"AES-GCM"_s;
    case Kind::Hkdf: return u"HKDF-SHA-512"_s;
    case Kind::Ecdh: return u"ECDH secp521r1"_s;
    case Kind::Ecdsa: return u"ECDSA secp521r1 SHA-512"_s;
    }
    return QString();
}

QString schemaName(const QJsonObject &root)
{
    QString schema = root.value(u"schema"_s).toString();
    if (schema.endsWith(u".json"_s))
        schema.chop(5);
    return schema;
}

std::optional<Kind> kindOf(const QJsonObject &root)
{
    const QString algorithm = root.value(u"algorithm"_s).toString();
    const QString schema = schemaName(root);
    if (algorithm == u"AES-GCM"_s && schema == u"aead_test_schema_v1"_s)
        return Kind::AesGcm;
    if (algorithm == u"HKDF-SHA-512"_s && schema == u"hkdf_test_schema_v1"_s)
        return Kind::Hkdf;
    if (algorithm == u"ECDH"_s && (schema == u"ecdh_test_schema_v1"_s || schema == u"ecdh_ecpoint_test_schema_v1"_s))
        return Kind::Ecdh;
    if (algorithm == u"ECDSA"_s && schema == u"ecdsa_verify_schema_v1"_s)
        return Kind::Ecdsa;
    return std::nullopt;
}

// Strict hex: an odd length or a non-hex character is a malformed vector, not an empty input.
std::optional<QByteArray> hexField(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (!value.isString())
        return std::nullopt;
    const QString text = value.toString();
    if (text.size() % 2 != 0)
        return std::nullopt;
    for (const QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return std::nullopt;
    }
    return QByteArray::fromHex(text.toLatin1());
}

// What the implementation did with one case.
enum class Outcome { Accepted, Rejected, WrongOutput, Malformed };

struct Verdict {
    Outcome outcome;
    QString detail;
};

Verdict accepted() { return {Outcome::Accepted, QString()}; }
Verdict rejected(const QString &why) { return {Outcome::Rejected, why}; }
Verdict wrong(const QString &why) { return {Outcome::WrongOutput, why}; }
Verdict malformed(const QString &field) { return {Outcome::Malformed, u"malformed field \""_s + field + u'"'}; }

QString hex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

struct FileStats {
    int run = 0;
    int passed = 0;
    int failed = 0;
    int acceptableAccepted = 0;
    int acceptableRejected = 0;
    int skippedGroups = 0;
    int skippedTests = 0;
    QStringList failures;
};

// ---- one case per algorithm ----

Verdict runAesGcm(const QJsonObject &group, const QJsonObject &test)
{
    const int tagBytes = group.value(u"tagSize"_s).toInt() / 8;
    const auto key = hexField(test, u"key"_s);
    const auto iv = hexField(test, u"iv"_s);
    const auto aad = hexField(test, u"aad"_s);
    const auto msg = hexField(test, u"msg"_s);
    const auto ct = hexField(test, u"ct"_s);
    const auto tag = hexField(test, u"tag"_s);
    if (!key) return malformed(u"key"_s);
    if (!iv) return malformed(u"iv"_s);
    if (!aad) return malformed(u"aad"_s);
    if (!msg) return malformed(u"msg"_s);
    if (!ct) return malformed(u"ct"_s);
    if (!tag) return malformed(u"tag"_s);

    // The group's tag size is what the receiver expects; a tag of another length in the vector must not verify.
    const auto opened = aesGcmOpen(*key, *iv, *ct + *tag, *aad, tagBytes);
    if (!opened)
        return rejected(u"open: "_s + opened.error().message);
    if (opened->view() != QByteArrayView(*msg))
        return wrong(u"open returned "_s + hex(opened->toByteArray()) + u" instead of "_s + hex(*msg));
    const auto sealed = aesGcmSeal(*key, *iv, *msg, *aad, tagBytes);
    if (!sealed)
        return wrong(u"open accepted but seal failed: "_s + sealed.error().message);
    if (*sealed != *ct + *tag)
        return wrong(u"seal returned "_s + hex(*sealed) + u" instead of "_s + hex(*ct + *tag));
    return accepted();
}

Verdict runHkdf(const QJsonObject &, const QJsonObject &test)
{
    const auto ikm = hexField(test, u"ikm"_s);
    const auto salt = hexField(test, u"salt"_s);
    const auto info = hexField(test, u"info"_s);
    const auto okm = hexField(test, u"okm"_s);
    const QJsonValue size = test.value(u"size"_s);
    if (!ikm) return malformed(u"ikm"_s);
    if (!salt) return malformed(u"salt"_s);
    if (!info) return malformed(u"info"_s);
    if (!okm) return malformed(u"okm"_s);
    if (!size.isDouble()) return malformed(u"size"_s);

    const auto derived = hkdfSha512(*ikm, *salt, *info, size.toInt());
    if (!derived)
        return rejected(derived.error().message);
    if (derived->view() != QByteArrayView(*okm))
        return wrong(u"derived "_s + hex(derived->toByteArray()) + u" instead of "_s + hex(*okm));
    return accepted();
}

Verdict runEcdh(const QJsonObject &group, const QJsonObject &test, const QString &encoding)
{
    const auto publicKey = hexField(test, u"public"_s);
    const auto privateKey = hexField(test, u"private"_s);
    const auto shared = hexField(test, u"shared"_s);
    if (!publicKey) return malformed(u"public"_s);
    if (!privateKey) return malformed(u"private"_s);
    if (!shared) return malformed(u"shared"_s);
    Q_UNUSED(group);

    const auto own = EcKey::fromPrivateScalar(*privateKey);
    if (!own)
        return rejected(u"private key: "_s + own.error().message);
    const auto peer = encoding == u"asn"_s ? EcKey::fromPublicDer(*publicKey) : EcKey::fromPublicPoint(*publicKey);
    if (!peer)
        return rejected(u"public key: "_s + peer.error().message);
    const auto secret = own->deriveShared(*peer);
    if (!secret)
        return rejected(u"derive: "_s + secret.error().message);
    if (secret->view() != QByteArrayView(*shared))
        return wrong(u"shared secret "_s + hex(secret->toByteArray()) + u" instead of "_s + hex(*shared));
    return accepted();
}

struct EcdsaGroupKey {
    std::optional<EcKey> key;
    QString error;   // why the key was refused, or a harness problem
    bool harnessProblem = false;
};

EcdsaGroupKey ecdsaKeyFor(const QJsonObject &group)
{
    // v1 names the fields publicKey / publicKeyDer, older sets key / keyDer.
    const QJsonObject keyObject = group.contains(u"publicKey"_s) ? group.value(u"publicKey"_s).toObject()
                                                                 : group.value(u"key"_s).toObject();
    const QString derName = group.contains(u"publicKeyDer"_s) ? u"publicKeyDer"_s : u"keyDer"_s;
    const auto der = hexField(group, derName);
    const auto point = hexField(keyObject, u"uncompressed"_s);
    if (!der && !point)
        return {std::nullopt, u"group has neither a DER key nor an uncompressed point"_s, true};

    std::optional<parley::Result<EcKey>> fromDer;
    std::optional<parley::Result<EcKey>> fromPoint;
    if (der)
        fromDer = EcKey::fromPublicDer(*der);
    if (point)
        fromPoint = EcKey::fromPublicPoint(*point);
    if (fromDer && fromPoint) {
        // Both encodings carry the same key, so both imports must agree.
        if (fromDer->ok() != fromPoint->ok())
            return {std::nullopt, u"DER and point imports disagree: "_s
                        + (fromDer->ok() ? fromPoint->error().message : fromDer->error().message), true};
        if (fromDer->ok() && fromDer->value().publicPoint() != fromPoint->value().publicPoint())
            return {std::nullopt, u"DER and point imports give different keys"_s, true};
    }
    const parley::Result<EcKey> &chosen = fromDer ? *fromDer : *fromPoint;
    if (!chosen)
        return {std::nullopt, chosen.error().message, false};
    return {chosen.value(), QString(), false};
}

Verdict runEcdsa(const EcdsaGroupKey &groupKey, const QJsonObject &test)
{
    const auto msg = hexField(test, u"msg"_s);
    const auto sig = hexField(test, u"sig"_s);
    if (!msg) return malformed(u"msg"_s);
    if (!sig) return malformed(u"sig"_s);
    if (groupKey.harnessProblem)
        return {Outcome::Malformed, groupKey.error};
    if (!groupKey.key)
        return rejected(u"public key: "_s + groupKey.error);
    if (!groupKey.key->verify(*msg, *sig))
        return rejected(u"signature does not verify"_s);
    return accepted();
}

// Why a group of a supported file is not run, or an empty string when it is.
QString unsupportedGroupReason(Kind kind, const QJsonObject &root, const QJsonObject &group)
{
    switch (kind) {
    case Kind::AesGcm: {
        const int tagBits = group.value(u"tagSize"_s).toInt();
        if (tagBits <= 0 || tagBits > 128 || tagBits % 8 != 0)
            return u"tag size of %1 bits"_s.arg(tagBits);
        return QString();
    }
    case Kind::Hkdf:
        return QString();
    case Kind::Ecdh: {
        const QString curve = group.value(u"curve"_s).toString();
        const QString encoding = group.value(u"encoding"_s).toString(
            schemaName(root) == u"ecdh_ecpoint_test_schema_v1"_s ? u"ecpoint"_s : u"asn"_s);
        if (curve != u"secp521r1"_s)
            return u"curve "_s + curve;
        if (encoding != u"asn"_s && encoding != u"ecpoint"_s)
            return u"public key encoding "_s + encoding;
        return QString();
    }
    case Kind::Ecdsa: {
        const QJsonObject keyObject = group.contains(u"publicKey"_s) ? group.value(u"publicKey"_s).toObject()
                                                                     : group.value(u"key"_s).toObject();
        const QString curve = keyObject.value(u"curve"_s).toString();
        const QString sha = group.value(u"sha"_s).toString();
        if (curve != u"secp521r1"_s)
            return u"curve "_s + curve;
        if (sha != u"SHA-512"_s)
            return u"hash "_s + sha;
        return QString();
    }
    }
    return u"unknown"_s;
}

FileStats runFile(const QString &fileName, Kind kind, const QJsonObject &root)
{
    FileStats stats;
    const QJsonArray groups = root.value(u"testGroups"_s).toArray();
    for (const QJsonValue &groupValue : groups) {
        const QJsonObject group = groupValue.toObject();
        const QJsonArray tests = group.value(u"tests"_s).toArray();
        const QString skip = unsupportedGroupReason(kind, root, group);
        if (!skip.isEmpty()) {
            ++stats.skippedGroups;
            stats.skippedTests += int(tests.size());
            qInfo().noquote() << u"  %1: skipping a group of %2 tests (%3)"_s.arg(fileName).arg(tests.size()).arg(skip);
            continue;
        }
        const QString encoding = group.value(u"encoding"_s).toString(
            schemaName(root) == u"ecdh_ecpoint_test_schema_v1"_s ? u"ecpoint"_s : u"asn"_s);
        EcdsaGroupKey ecdsaKey;
        if (kind == Kind::Ecdsa)
            ecdsaKey = ecdsaKeyFor(group);

        for (const QJsonValue &testValue : tests) {
            const QJsonObject test = testValue.toObject();
            const int tcId = test.value(u"tcId"_s).toInt();
            const QString expected = test.value(u"result"_s).toString();
            const QString comment = test.value(u"comment"_s).toString();

            Verdict verdict{Outcome::Malformed, u"no verdict"_s};
            switch (kind) {
            case Kind::AesGcm: verdict = runAesGcm(group, test); break;
            case Kind::Hkdf: verdict = runHkdf(group, test); break;
            case Kind::Ecdh: verdict = runEcdh(group, test, encoding); break;
            case Kind::Ecdsa: verdict = runEcdsa(ecdsaKey, test); break;
            }
            ++stats.run;

            QString problem;
            if (verdict.outcome == Outcome::Malformed) {
                problem = verdict.detail;
            } else if (verdict.outcome == Outcome::WrongOutput) {
                problem = u"wrong output: "_s + verdict.detail;
            } else if (expected == u"valid"_s) {
                if (verdict.outcome != Outcome::Accepted)
                    problem = u"valid case rejected: "_s + verdict.detail;
            } else if (expected == u"invalid"_s) {
                if (verdict.outcome != Outcome::Rejected)
                    problem = u"invalid case accepted"_s;
            } else if (expected == u"acceptable"_s) {
                if (verdict.outcome == Outcome::Accepted)
                    ++stats.acceptableAccepted;
                else
                    ++stats.acceptableRejected;
            } else {
                problem = u"unknown result \""_s + expected + u'"';
            }

            if (problem.isEmpty()) {
                ++stats.passed;
            } else {
                ++stats.failed;
                stats.failures << u"%1 tcId %2 [%3] \"%4\": %5"_s.arg(fileName).arg(tcId).arg(expected, comment, problem);
            }
        }
    }
    return stats;
}

} // namespace

class TestWycheproof : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void vectors_data();
    void vectors();
    void cleanupTestCase();

private:
    QString m_directory;
    QMap<QString, QJsonObject> m_supported;   // file name -> parsed file, sorted by name
    QMap<QString, Kind> m_kinds;
    int m_filesRun = 0;
    int m_totalFailed = 0;
};

void TestWycheproof::initTestCase()
{
    m_directory = qEnvironmentVariable("PARLEY_WYCHEPROOF_DIR");
    if (m_directory.isEmpty())
        m_directory = QStringLiteral(PARLEY_WYCHEPROOF_DEFAULT_DIR);
    qInfo().noquote() << "Wycheproof directory:" << m_directory;

    const QDir dir(m_directory);
    QVERIFY2(dir.exists(), qPrintable(u"Wycheproof directory does not exist: "_s + m_directory));
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(u"no *.json files in "_s + m_directory));

    QStringList unsupported;
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(u"cannot read "_s + file.fileName()));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(),
                 qPrintable(u"%1 is not a JSON object: %2"_s.arg(name, error.errorString())));
        const QJsonObject root = document.object();
        const auto kind = kindOf(root);
        if (!kind) {
            unsupported << u"%1 (algorithm \"%2\", schema \"%3\")"_s.arg(name, root.value(u"algorithm"_s).toString(),
                                                                         root.value(u"schema"_s).toString());
            continue;
        }
        // A file of a supported algorithm may still hold only other curves or hashes (say ECDSA over P-256).
        QStringList groupReasons;
        bool anyGroupSupported = false;
        const QJsonArray groups = root.value(u"testGroups"_s).toArray();
        for (const QJsonValue &group : groups) {
            const QString reason = unsupportedGroupReason(*kind, root, group.toObject());
            if (reason.isEmpty())
                anyGroupSupported = true;
            else if (!groupReasons.contains(reason))
                groupReasons << reason;
        }
        if (!anyGroupSupported) {
            unsupported << u"%1 (%2: %3)"_s.arg(name, kindName(*kind).section(u' ', 0, 0),
                                                groupReasons.isEmpty() ? u"no test groups"_s : groupReasons.join(u", "_s));
            continue;
        }
        m_supported.insert(name, root);
        m_kinds.insert(name, *kind);
    }
    for (const QString &line : std::as_const(unsupported))
        qInfo().noquote() << "not supported, not run:" << line;
    QVERIFY2(!m_supported.isEmpty(), qPrintable(u"none of the files in "_s + m_directory + u" is supported"_s));
}

void TestWycheproof::vectors_data()
{
    QTest::addColumn<QString>("fileName");
    for (auto it = m_supported.cbegin(); it != m_supported.cend(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestWycheproof::vectors()
{
    QFETCH(QString, fileName);
    const Kind kind = m_kinds.value(fileName);
    const FileStats stats = runFile(fileName, kind, m_supported.value(fileName));

    qInfo().noquote() << u"%1 (%2): %3 run, %4 passed, %5 failed; acceptable: %6 accepted, %7 rejected; "
                         u"%8 groups (%9 tests) skipped"_s
                             .arg(fileName, kindName(kind))
                             .arg(stats.run)
                             .arg(stats.passed)
                             .arg(stats.failed)
                             .arg(stats.acceptableAccepted)
                             .arg(stats.acceptableRejected)
                             .arg(stats.skippedGroups)
                             .arg(stats.skippedTests);
    for (const QString &failure : stats.failures)
        qWarning().noquote() << failure;

    if (stats.run > 0)
        ++m_filesRun;
    m_totalFailed += stats.failed;
    QVERIFY2(stats.run > 0, qPrintable(fileName + u": no test case could be run"_s));
    QVERIFY2(stats.failed == 0, qPrintable(u"%1: %2 of %3 cases failed (listed above)"_s.arg(fileName).arg(stats.failed).arg(stats.run)));
}

void TestWycheproof::cleanupTestCase()
{
    qInfo().noquote() << u"%1 Wycheproof files run, %2 failed cases"_s.arg(m_filesRun).arg(m_totalFailed);
    QVERIFY2(m_filesRun > 0, "no Wycheproof file was run");
}

QTEST_GUILESS_MAIN(TestWycheproof)
#include "tst_wycheproof.moc"
