// parleyctl against a real parleyd whose certificate has the pinned fingerprint but has expired: refused with the
// dates, like a certificate with another fingerprint.

#include "parleyctlrunner.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

// A self-signed certificate valid on 1-2 January 2020 only, made with `openssl ca` (the one openssl command that
// takes explicit dates).
bool makeExpiredCertificate(const QString &dir, QString *certificate, QString *key)
{
    auto run = [&dir](const QStringList &args) {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.start(u"openssl"_s, args);
        if (!p.waitForFinished(WaitMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning().noquote() << "openssl" << args.join(u' ') << p.readAllStandardError();
            return false;
        }
        return true;
    };
    auto write = [&dir](const QString &name, const QByteArray &data) {
        QFile f(QDir(dir).filePath(name));
        return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
    };
    const QByteArray config = "[ca]\ndefault_ca = expired\n"
                              "[expired]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\n"
                              "policy = any\nx509_extensions = ext\n"
                              "[any]\ncommonName = supplied\n"
                              "[ext]\nbasicConstraints = critical,CA:FALSE\nsubjectAltName = IP:127.0.0.1,DNS:localhost\n";
    if (!write(u"ca.cnf"_s, config) || !write(u"index.txt"_s, {}) || !write(u"serial"_s, "01\n"))
        return false;
    if (!run({u"req"_s, u"-new"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s, u"-nodes"_s,
              u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s, u"-subj"_s, u"/CN=localhost"_s})
        || !run({u"ca"_s, u"-batch"_s, u"-selfsign"_s, u"-config"_s, u"ca.cnf"_s, u"-keyfile"_s, u"server.key"_s,
                 u"-in"_s, u"server.csr"_s, u"-out"_s, u"server.crt"_s, u"-notext"_s, u"-startdate"_s,
                 u"20200101000000Z"_s, u"-enddate"_s, u"20200102000000Z"_s}))
        return false;
    *certificate = QDir(dir).filePath(u"server.crt"_s);
    *key = QDir(dir).filePath(u"server.key"_s);
    return true;
}

} // namespace

class tst_AdminPin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void expiredPinnedCertificateIsRefused()
    {
        QTemporaryDir files;
        QVERIFY(files.isValid());
        QString certificate;
        QString key;
        QVERIFY(makeExpiredCertificate(files.path(), &certificate, &key));
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificate);
        QCOMPARE(chain.size(), 1);
        QVERIFY(chain.first().expiryDate() < QDateTime::currentDateTimeUtc());

        Daemon daemon(u"[tls]\ncertificate=%1\nprivate_key=%2\n"_s.arg(certificate, key));
        QVERIFY(daemon.start());
        QCOMPARE(daemon.fingerprint(), QString::fromLatin1(chain.first().digest(QCryptographicHash::Sha256).toHex()));
        const auto m = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                           .match(QString::fromUtf8(Daemon::readFile(daemon.stdoutFile())));
        QVERIFY(m.hasMatch());

        const ParleyctlRunner home;
        QVERIFY(home.isValid());
        const QString pwFile = home.passwordFile(u"irrelevant"_s);
        QVERIFY(!pwFile.isEmpty());
        QByteArray err;
        QCOMPARE(home.run({u"--server"_s, m.captured(1), u"--fingerprint"_s, daemon.fingerprint(), u"login"_s,
                           u"admin"_s, u"--password-file"_s, pwFile}, nullptr, &err), 3);
        QVERIFY2(err.contains("expired") && err.contains("2020-01-02T00:00:00Z"), err.constData());
        QVERIFY(!QFile::exists(home.filePath(u"parleyctl/current"_s)));
    }
};

QTEST_GUILESS_MAIN(tst_AdminPin)
#include "tst_adminpin.moc"
