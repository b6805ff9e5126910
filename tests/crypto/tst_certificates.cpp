// Unit tests of libparley's certificates: the self-signed TLS certificate (loaded by Qt, serving TLS), and the
// certificate authority that issues admin client certificates.

#include "crypto/crypto.h"

#include <QDateTime>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QtTest>

using namespace parley;
using namespace parley::crypto;
using namespace Qt::StringLiterals;

class TestCertificates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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

void TestCertificates::certificateLoadsInQt()
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

void TestCertificates::certificateServesTls_data()
{
    QTest::addColumn<QString>("peerName");
    QTest::addColumn<bool>("matches");
    QTest::newRow("DNS name localhost") << u"localhost"_s << true;
    QTest::newRow("second DNS name") << u"parley.example"_s << true;
    QTest::newRow("IP address") << u"127.0.0.1"_s << true;
    QTest::newRow("name not in the certificate") << u"other.example"_s << false;
}

void TestCertificates::certificateServesTls()
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

void TestCertificates::clientCertificateIssuedByCa()
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

void TestCertificates::certificateSerialsDiffer()
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

void TestCertificates::certificateInternationalAndWildcardNames()
{
    const auto generated = generateSelfSignedCertificate(u"b\u00fccher"_s, {u"b\u00fccher.example"_s, u"*.parley.example"_s}, {}, 1);
    QVERIFY2(generated.ok(), generated.ok() ? "" : qPrintable(generated.error().message));
    const QSslCertificate certificate(generated->certificatePem, QSsl::Pem);
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{u"b\u00fccher"_s});
    const QStringList dns = certificate.subjectAlternativeNames().values(QSsl::DnsEntry);
    QVERIFY(dns.contains(u"xn--bcher-kva.example"_s));
    QVERIFY(dns.contains(u"*.parley.example"_s));
}

void TestCertificates::certificateRequestCarriesNames()
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

void TestCertificates::certificateRejectsArguments_data()
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

void TestCertificates::certificateRejectsArguments()
{
    QFETCH(QString, commonName);
    QFETCH(QStringList, dnsNames);
    QFETCH(QList<QHostAddress>, addresses);
    QFETCH(int, validDays);
    const auto generated = generateSelfSignedCertificate(commonName, dnsNames, addresses, validDays);
    QVERIFY(!generated.ok());
    QCOMPARE(generated.error().code, ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestCertificates)
#include "tst_certificates.moc"
