#include "clientidentity.h"

#include "crypto/crypto.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

constexpr qint64 MaxPemBytes = 1 << 20;

Result<QByteArray> readPem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, ClientIdentity::tr("Cannot read %1: %2").arg(QFileInfo(path).fileName(), file.errorString()));
    if (file.size() > MaxPemBytes)
        return makeError(ErrorCode::InvalidArgument, ClientIdentity::tr("%1 is too large for a PEM file.").arg(QFileInfo(path).fileName()));
    return file.readAll();
}

// Whether a PEM private key is protected by a passphrase (PKCS#8 "ENCRYPTED PRIVATE KEY" or the traditional
// "Proc-Type: 4,ENCRYPTED" header).
bool isEncrypted(const QByteArray &pem)
{
    return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
}

} // namespace

Result<ClientIdentity> ClientIdentity::load(const QString &certificateFile, const QString &keyFile, const QString &passphrase)
{
    if (certificateFile.trimmed().isEmpty() || keyFile.trimmed().isEmpty())
        return makeError(ErrorCode::InvalidArgument, tr("Choose both the client certificate file and its private key file."));
    const QString certName = QFileInfo(certificateFile).fileName();
    const QString keyName = QFileInfo(keyFile).fileName();

    auto certPem = readPem(certificateFile);
    if (!certPem)
        return certPem.error();
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certPem.value(), QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull())
        return makeError(ErrorCode::InvalidArgument, tr("%1 does not contain a certificate in PEM format.").arg(certName));
    const QSslCertificate certificate = certs.first();

    auto keyPem = readPem(keyFile);
    if (!keyPem)
        return keyPem.error();
    QByteArray pem = std::move(keyPem).value();
    if (!pem.contains("PRIVATE KEY-----")) {
        pem.fill('\0');
        return makeError(ErrorCode::InvalidArgument, tr("%1 does not contain a private key in PEM format.").arg(keyName));
    }
    const bool encrypted = isEncrypted(pem);
    if (encrypted && passphrase.isEmpty()) {
        pem.fill('\0');
        return makeError(ErrorCode::InvalidArgument, tr("The private key in %1 is encrypted: enter its passphrase.").arg(keyName));
    }
    const QByteArray phrase = passphrase.toUtf8();
    QSslKey key(pem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey, phrase);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey, phrase);
    pem.fill('\0');
    if (key.isNull()) {
        return makeError(ErrorCode::InvalidArgument,
                         encrypted ? tr("The passphrase of the private key in %1 is wrong.").arg(keyName)
                                   : tr("%1 does not contain a usable EC or RSA private key.").arg(keyName));
    }

    // The key must belong to the certificate: checked on the decrypted key, whose PEM is wiped right after.
    QByteArray plain = key.toPem();
    const Status matches = crypto::certificateMatchesKey(certificate.toPem(), plain);
    plain.fill('\0');
    if (!matches)
        return makeError(ErrorCode::InvalidArgument, tr("The private key in %1 does not belong to the certificate in %2.").arg(keyName, certName));

    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (certificate.expiryDate() < now)
        return makeError(ErrorCode::InvalidArgument, tr("The client certificate in %1 expired on %2.")
                                                         .arg(certName, QLocale().toString(certificate.expiryDate().toLocalTime(), QLocale::ShortFormat)));
    if (certificate.effectiveDate() > now)
        return makeError(ErrorCode::InvalidArgument, tr("The client certificate in %1 is not valid before %2.")
                                                         .arg(certName, QLocale().toString(certificate.effectiveDate().toLocalTime(), QLocale::ShortFormat)));
    return ClientIdentity{certificate, key};
}

} // namespace parley::admin
