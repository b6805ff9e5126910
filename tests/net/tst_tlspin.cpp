// TlsPin: a server certificate is accepted by its pinned SHA-256 fingerprint only while it is valid, and only the
// errors a self-signed certificate causes are ignored.

#include "crypto/crypto.h"
#include "net/tlspin.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;

class tst_TlsPin : public QObject {
    Q_OBJECT

private:
    static QSslCertificate makeCertificate(const QString &name)
    {
        auto generated = crypto::generateSelfSignedCertificate(name, {name}, {QHostAddress::LocalHost}, 30);
        if (!generated)
            qFatal("certificate: %s", qPrintable(generated.error().message));
        return QSslCertificate(generated->certificatePem, QSsl::Pem);
    }

    QSslCertificate m_server;
    QSslCertificate m_other;

private Q_SLOTS:
    void initTestCase()
    {
        m_server = makeCertificate(u"admin.example"_s);
        m_other = makeCertificate(u"other.example"_s);
        QVERIFY(!m_server.isNull());
        QVERIFY(!m_other.isNull());
    }

    void spellings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const QString hex = TlsPin::of(m_server).toHex();
        QTest::newRow("lower hex") << hex << true;
        QTest::newRow("upper hex") << hex.toUpper() << true;
        QTest::newRow("colon pairs upper") << TlsPin::of(m_server).toColonHex() << true;
        QTest::newRow("colon pairs lower") << TlsPin::of(m_server).toColonHex().toLower() << true;
        QTest::newRow("surrounding blanks") << u"  "_s + hex + u"\n"_s << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("short") << u"00"_s << false;
        QTest::newRow("one digit short") << hex.left(63) << false;
        QTest::newRow("not hex") << hex.left(63) + u"g"_s << false;
        QTest::newRow("odd pair") << TlsPin::of(m_server).toColonHex().replace(0, 2, u"A"_s) << false;
        QTest::newRow("colons and a missing pair") << TlsPin::of(m_server).toColonHex().left(92) << false;
    }

    void spellings()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const TlsPin pin = TlsPin::fromString(text);
        QCOMPARE(!pin.isNull(), valid);
        if (valid) {
            QCOMPARE(pin, TlsPin::of(m_server));
            QVERIFY(pin.matches(m_server));
            QVERIFY(!pin.matches(m_other));
        }
    }

    // One printed spelling (64 lower-case hex digits), two accepted ones, and a round trip through each.
    void fingerprintFormatRoundTrip()
    {
        const QByteArray digest = m_server.digest(QCryptographicHash::Sha256);
        const QString printed = formatFingerprint(digest);
        QVERIFY2(QRegularExpression(u"^[0-9a-f]{64}$"_s).match(printed).hasMatch(), qPrintable(printed));
        QCOMPARE(parseFingerprint(printed), digest);
        QCOMPARE(formatFingerprint(parseFingerprint(printed)), printed);
        QCOMPARE(TlsPin::of(m_server).toHex(), printed);
        const QString colons = TlsPin::of(m_server).toColonHex();
        QCOMPARE(colons.size(), 95);
        QCOMPARE(parseFingerprint(colons), digest);
        QCOMPARE(formatFingerprint(parseFingerprint(colons)), printed);
        QCOMPARE(formatFingerprint(parseFingerprint(u"  "_s + printed.toUpper() + u"\n"_s)), printed);
        QCOMPARE(formatFingerprint(parseFingerprint(colons.toLower())), printed);
        QVERIFY(parseFingerprint(printed.left(62)).isEmpty());
        QVERIFY(parseFingerprint(u"not a fingerprint"_s).isEmpty());
        QVERIFY(formatFingerprint(digest.left(20)).isEmpty());
        QVERIFY(formatFingerprint({}).isEmpty());
    }

    void pinnedMatchIsAccepted()
    {
        const TlsPin pin = TlsPin::fromString(TlsPin::of(m_server).toColonHex());
        // Trusted by the system: no errors at all.
        QVERIFY(!pin.check({m_server}, {}));
        // Self-signed, reached by another name: the errors that come with it are ignored.
        const QList<QSslError> selfSigned{QSslError(QSslError::SelfSignedCertificate, m_server),
                                          QSslError(QSslError::HostNameMismatch, m_server)};
        const auto verdict = pin.check({m_server}, selfSigned);
        QVERIFY2(!verdict, verdict ? qPrintable(verdict->message) : "");
    }

    void mismatchIsRefused()
    {
        const TlsPin pin = TlsPin::of(m_server);
        const auto verdict = pin.check({m_other}, {QSslError(QSslError::SelfSignedCertificate, m_other)});
        QVERIFY(verdict);
        QCOMPARE(verdict->failure, TlsPinFailure::Mismatch);
        QVERIFY(verdict->message.contains(pin.toHex()));
        QVERIFY(verdict->message.contains(TlsPin::of(m_other).toHex()));
        // The pin is the leaf's: a pinned certificate further up the chain does not count.
        QCOMPARE(pin.check({m_other, m_server}, {})->failure, TlsPinFailure::Mismatch);
    }

    void expiredIsRefused()
    {
        const TlsPin pin = TlsPin::of(m_server);
        const QDateTime later = m_server.expiryDate().addSecs(60);
        const auto verdict = pin.check({m_server}, {QSslError(QSslError::SelfSignedCertificate, m_server),
                                                    QSslError(QSslError::CertificateExpired, m_server)}, later);
        QVERIFY(verdict);
        QCOMPARE(verdict->failure, TlsPinFailure::Expired);
        QVERIFY2(verdict->message.contains(m_server.expiryDate().toUTC().toString(Qt::ISODate)), qPrintable(verdict->message));
        QVERIFY(verdict->message.contains(m_server.effectiveDate().toUTC().toString(Qt::ISODate)));
        // By its dates alone, even when the TLS stack reported nothing.
        QCOMPARE(pin.check({m_server}, {}, later)->failure, TlsPinFailure::Expired);
        // The last valid second is still accepted.
        QVERIFY(!pin.check({m_server}, {}, m_server.expiryDate()));
    }

    void notYetValidIsRefused()
    {
        const TlsPin pin = TlsPin::of(m_server);
        const QDateTime earlier = m_server.effectiveDate().addSecs(-60);
        const auto verdict = pin.check({m_server}, {QSslError(QSslError::CertificateNotYetValid, m_server)}, earlier);
        QVERIFY(verdict);
        QCOMPARE(verdict->failure, TlsPinFailure::NotYetValid);
        QVERIFY(verdict->message.contains(m_server.effectiveDate().toUTC().toString(Qt::ISODate)));
        QVERIFY(!pin.check({m_server}, {}, m_server.effectiveDate()));
    }

    void selfSignedWithOtherErrorsIsRefused_data()
    {
        QTest::addColumn<QSslError::SslError>("error");
        QTest::newRow("revoked") << QSslError::CertificateRevoked;
        QTest::newRow("bad signature") << QSslError::CertificateSignatureFailed;
        QTest::newRow("wrong purpose") << QSslError::InvalidPurpose;
        QTest::newRow("rejected") << QSslError::CertificateRejected;
        QTest::newRow("unspecified") << QSslError::UnspecifiedError;
    }

    void selfSignedWithOtherErrorsIsRefused()
    {
        QFETCH(QSslError::SslError, error);
        const TlsPin pin = TlsPin::of(m_server);
        const QSslError other(error, m_server);
        const auto verdict = pin.check({m_server}, {QSslError(QSslError::SelfSignedCertificate, m_server), other});
        QVERIFY(verdict);
        QCOMPARE(verdict->failure, TlsPinFailure::OtherErrors);
        QVERIFY2(verdict->message.contains(other.errorString()), qPrintable(verdict->message));
    }

    void nothingToCheck()
    {
        QCOMPARE(TlsPin().check({m_server}, {})->failure, TlsPinFailure::InvalidPin);
        QCOMPARE(TlsPin::fromString(u"00"_s).check({m_server}, {})->failure, TlsPinFailure::InvalidPin);
        QCOMPARE(TlsPin::of(m_server).check({}, {})->failure, TlsPinFailure::NoCertificate);
        QVERIFY(!TlsPin().matches(QSslCertificate()));
    }
};

QTEST_GUILESS_MAIN(tst_TlsPin)
#include "tst_tlspin.moc"
