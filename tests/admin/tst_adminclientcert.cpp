// The admin listener with require_client_certificate=true: a real parleyd over real TLS, the admin client parleyctl
// uses, and parleyctl itself. Only a certificate issued by client_ca gets through the TLS handshake.

#include "../e2e/harness.h"
#include "parleyctlrunner.h"

#include "syncadminclient.h"
#include "crypto/crypto.h"
#include "protocol/adminprotocol.h"

#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

QString adminAddress(Daemon &daemon)
{
    const QByteArray out = Daemon::readFile(daemon.stdoutFile());
    const auto m = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s).match(QString::fromUtf8(out));
    return m.hasMatch() ? m.captured(1) : QString();
}

bool writeFile(const QString &path, QByteArrayView data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data.data(), data.size()) == data.size();
}

struct Identity {
    QString certificateFile;
    QString keyFile;
};

} // namespace

class TestAdminClientCert : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_certs;
    std::unique_ptr<Daemon> m_daemon;
    QString m_address;
    Identity m_issued;       // by the client CA the daemon trusts
    Identity m_foreign;      // by another CA

    std::optional<Identity> issue(const crypto::GeneratedCertificate &ca, const QString &name)
    {
        auto cert = crypto::issueClientCertificate(ca.certificatePem, ca.privateKeyPem.view(), name, 30);
        if (!cert) {
            qWarning() << "issuing a client certificate:" << cert.error().message;
            return std::nullopt;
        }
        Identity id{m_certs.filePath(name + u".pem"_s), m_certs.filePath(name + u".key"_s)};
        if (!writeFile(id.certificateFile, cert->certificatePem) || !writeFile(id.keyFile, cert->privateKeyPem.view()))
            return std::nullopt;
        return id;
    }

    // The admin client parleyctl uses, with or without a client certificate.
    Status connectWith(SyncAdminClient &client, const std::optional<Identity> &id)
    {
        if (id) {
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(id->certificateFile);
            QFile keyFile(id->keyFile);
            if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
                return makeError(ErrorCode::Io, u"cannot read the test identity"_s);
            const QSslKey key(keyFile.readAll(), QSsl::Ec, QSsl::Pem);
            client.setClientCertificate(certs.first(), key);
        }
        return client.connectToServer(WaitMs);
    }

    // A bare TLS 1.2 handshake (where the server's verdict on the client certificate is part of the handshake).
    bool handshakeSucceeds(const std::optional<Identity> &id)
    {
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);   // the server is pinned elsewhere; this is about the client
        if (id) {
            tls.setLocalCertificate(QSslCertificate::fromPath(id->certificateFile).value(0));
            QFile keyFile(id->keyFile);
            if (!keyFile.open(QIODevice::ReadOnly))
                return false;
            tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem));
        }
        socket.setSslConfiguration(tls);
        const qsizetype colon = m_address.lastIndexOf(u':');
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        QSignalSpy gone(&socket, &QSslSocket::disconnected);
        socket.connectToHostEncrypted(m_address.left(colon), quint16(m_address.mid(colon + 1).toUInt()));
        QElapsedTimer timer;
        timer.start();
        while (encrypted.isEmpty() && gone.isEmpty() && socket.state() != QAbstractSocket::UnconnectedState
               && timer.elapsed() < WaitMs)
            QTest::qWait(10);
        return !encrypted.isEmpty() && socket.state() == QAbstractSocket::ConnectedState;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_certs.isValid());
        auto ca = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);
        auto other = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);   // same name, other key
        QVERIFY2(ca, ca ? "" : qPrintable(ca.error().message));
        QVERIFY2(other, other ? "" : qPrintable(other.error().message));
        const QString caFile = m_certs.filePath(u"client-ca.pem"_s);
        QVERIFY(writeFile(caFile, ca->certificatePem));
        auto issued = issue(*ca, u"operator"_s);
        auto foreign = issue(*other, u"intruder"_s);
        QVERIFY(issued && foreign);
        m_issued = *issued;
        m_foreign = *foreign;

        m_daemon = std::make_unique<Daemon>(
            u"[admin]\nlisten=127.0.0.1:0\nrequire_client_certificate=true\nclient_ca=%1\n\n"_s.arg(caFile));
        QVERIFY(m_daemon->start());
        m_address = adminAddress(*m_daemon);
        QVERIFY(!m_address.isEmpty());
    }

    void handshakeNeedsACertificateFromTheClientCa()
    {
        QVERIFY(!handshakeSucceeds(std::nullopt));
        QVERIFY(!handshakeSucceeds(m_foreign));
        QVERIFY(handshakeSucceeds(m_issued));
    }

    void adminClientLogsInOnlyWithTheIssuedCertificate()
    {
        {
            SyncAdminClient client(m_address, m_daemon->fingerprint());
            QVERIFY(!connectWith(client, std::nullopt));
        }
        {
            SyncAdminClient client(m_address, m_daemon->fingerprint());
            QVERIFY(!connectWith(client, m_foreign));
        }
        SyncAdminClient client(m_address, m_daemon->fingerprint());
        const Status connected = connectWith(client, m_issued);
        QVERIFY2(connected, connected ? "" : qPrintable(connected.error().message));
        const QString password = QString::fromUtf8(
            Daemon::readFile(QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s))).trimmed();
        QVERIFY(!password.isEmpty());
        const auto login = client.call(u"login"_s, {}, {{u"name"_s, u"admin"_s}, {u"password"_s, password}}, WaitMs);
        QVERIFY2(login.ok, qPrintable(login.error + u": "_s + login.message));
        QVERIFY(!login.result.value("token"_L1).toString().isEmpty());
        QVERIFY(login.result.value("must_change_password"_L1).toBool());
    }

    void parleyctlPresentsTheClientCertificate()
    {
        const ParleyctlRunner home;
        QVERIFY(home.isValid());
        const QString password = QString::fromUtf8(
            Daemon::readFile(QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s))).trimmed();
        const QString pwFile = home.filePath(u"pw"_s);
        QVERIFY(writeFile(pwFile, password.toUtf8() + '\n'));
        auto ctl = [&home](const QStringList &args) { return home.run(args); };
        const QStringList login{u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s,
                                u"admin"_s, u"--password-file"_s, pwFile};
        QCOMPARE(ctl(login), 1);   // no certificate: cannot reach the API
        QCOMPARE(ctl(login + QStringList{u"--client-cert"_s, m_foreign.certificateFile, u"--client-key"_s, m_foreign.keyFile}), 1);
        QCOMPARE(ctl(login + QStringList{u"--client-cert"_s, m_issued.certificateFile, u"--client-key"_s, m_issued.keyFile}), 0);
        QCOMPARE(ctl(login + QStringList{u"--client-cert"_s, m_issued.certificateFile}), 2);   // the key is missing
        // Later commands use the certificate remembered at login: they reach the API (which wants a new password).
        QCOMPARE(ctl({u"status"_s}), 3);
        const QString newPwFile = home.filePath(u"new-pw"_s);
        QVERIFY(writeFile(newPwFile, "A new admin passphrase 1234\n"));
        QCOMPARE(ctl({u"passwd"_s, u"--password-file"_s, pwFile, u"--new-password-file"_s, newPwFile}), 0);
        QCOMPARE(ctl({u"status"_s}), 0);
        // A certificate given on the command line wins over the remembered one.
        QCOMPARE(ctl({u"status"_s, u"--client-cert"_s, m_foreign.certificateFile, u"--client-key"_s, m_foreign.keyFile}), 1);
    }

    void configurationWithoutClientCaIsRefused()
    {
        Daemon own(u"[admin]\nlisten=127.0.0.1:0\nrequire_client_certificate=true\n\n"_s);
        QVERIFY(!own.start());
        const QByteArray err = Daemon::readFile(own.stderrFile());
        QVERIFY2(err.contains("admin/client_ca") && err.contains("require_client_certificate"), err.constData());
    }

    void clientCaWithoutCertificatesIsRefused()
    {
        const QString empty = m_certs.filePath(u"empty-ca.pem"_s);
        QVERIFY(writeFile(empty, "no certificate here\n"));
        Daemon own(u"[admin]\nlisten=127.0.0.1:0\nrequire_client_certificate=true\nclient_ca=%1\n\n"_s.arg(empty));
        QVERIFY(!own.start());
        const QByteArray err = Daemon::readFile(own.stderrFile());
        QVERIFY2(err.contains("admin/client_ca") && err.contains("holds no PEM certificate"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestAdminClientCert)
#include "tst_adminclientcert.moc"
