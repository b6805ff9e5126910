#include "daemon/tlssetup.h"

#include "daemon/config.h"
#include "crypto/crypto.h"
#include "daemon/logging.h"
#include "net/tlspin.h"
#include "relay/tlscontext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QSslCipher>
#include <QSslKey>
#include <QSysInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int GeneratedValidityDays = 825;

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// Creates `file` exclusively with `mode` and writes `data` to it.
Status writeNewFile(const QString &file, QByteArrayView data, mode_t mode)
{
    const QByteArray native = QFile::encodeName(file);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return makeError(ErrorCode::Io, u"cannot create %1: %2"_s.arg(file, systemError()));
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString why = systemError();
            ::close(fd);
            ::unlink(native.constData());
            return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(file, why));
        }
        written += n;
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const QString why = systemError();
        ::unlink(native.constData());
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(file, why));
    }
    return {};
}

Status generate(const Config &config)
{
    const QString dir = QFileInfo(config.certificateFile()).absolutePath();
    const QByteArray nativeDir = QFile::encodeName(dir);
    if (::mkdir(nativeDir.constData(), 0700) != 0 && errno != EEXIST)
        return makeError(ErrorCode::Io, u"cannot create %1: %2"_s.arg(dir, systemError()));
    if (::chmod(nativeDir.constData(), 0700) != 0)
        return makeError(ErrorCode::Io, u"cannot set the mode of %1: %2"_s.arg(dir, systemError()));

    QString host = QSysInfo::machineHostName();
    if (host.isEmpty())
        host = u"localhost"_s;
    QStringList names{u"localhost"_s};
    if (host != names.first())
        names.append(host);
    const QList<QHostAddress> addresses{QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)};
    auto generated = crypto::generateSelfSignedCertificate(host, names, addresses, GeneratedValidityDays);
    if (!generated)
        return makeError(generated.error().code, u"cannot generate the TLS certificate: %1"_s.arg(generated.error().message));

    if (Status s = writeNewFile(config.privateKeyFile(), generated->privateKeyPem.view(), 0600); !s)
        return s;
    if (Status s = writeNewFile(config.certificateFile(), generated->certificatePem, 0644); !s) {
        QFile::remove(config.privateKeyFile());
        return s;
    }
    qCInfo(lcServer) << "Generated a self-signed TLS certificate valid for" << GeneratedValidityDays << "days";
    return {};
}

} // namespace

QStringList TlsSetup::allowedTls12Ciphers()
{
    return {u"ECDHE-ECDSA-AES128-GCM-SHA256"_s, u"ECDHE-ECDSA-AES256-GCM-SHA384"_s,
            u"ECDHE-RSA-AES128-GCM-SHA256"_s, u"ECDHE-RSA-AES256-GCM-SHA384"_s};
}

QStringList TlsSetup::allowedTls13Ciphers()
{
    return {u"TLS_AES_128_GCM_SHA256"_s, u"TLS_AES_256_GCM_SHA384"_s, u"TLS_CHACHA20_POLY1305_SHA256"_s};
}

Result<std::shared_ptr<TlsContext>> TlsSetup::relayContext(const Config &config, const QSslConfiguration &configuration,
                                                           const std::shared_ptr<TlsContext> &previous)
{
    TlsContext::Options options;
    options.sessionIdContext = QByteArrayLiteral("parleyd-relay");
    options.ticketKeySeconds = config.ticketKeySeconds;
    auto context = TlsContext::create(configuration, options, previous);
    if (!context)
        return makeError(context.error().code, u"cannot set up TLS: %1"_s.arg(context.error().message));
    return context;
}

QString TlsSetup::fingerprint(const QSslCertificate &certificate)
{
    return formatFingerprint(certificate.digest(QCryptographicHash::Sha256));
}

Status TlsSetup::ensureCertificate(const Config &config)
{
    const bool haveCert = QFileInfo::exists(config.certificateFile());
    const bool haveKey = QFileInfo::exists(config.privateKeyFile());
    if (haveCert && haveKey)
        return {};
    if (!config.usesDefaultTlsFiles() || haveCert || haveKey) {
        const QString missing = haveCert ? config.privateKeyFile() : config.certificateFile();
        const QString key = haveCert ? u"tls/private_key"_s : u"tls/certificate"_s;
        return makeError(ErrorCode::Io, u"configuration key %1: %2 does not exist"_s.arg(key, missing));
    }
    return generate(config);
}

Result<TlsSetup::Loaded> TlsSetup::load(const Config &config)
{
    if (Status s = ensureCertificate(config); !s)
        return s.error();

    QFile certFile(config.certificateFile());
    if (!certFile.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(certFile.fileName(), certFile.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return makeError(ErrorCode::InvalidArgument, u"%1 holds no PEM certificate"_s.arg(certFile.fileName()));

    QFile keyFile(config.privateKeyFile());
    if (!keyFile.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(keyFile.fileName(), keyFile.errorString()));
    if (keyFile.permissions() & (QFileDevice::ReadOther | QFileDevice::WriteOther))
        qCWarning(lcServer) << "The TLS private key file is accessible to other users; make it readable by the service user alone";
    QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
    crypto::cleanse(keyPem);
    if (key.isNull())
        return makeError(ErrorCode::InvalidArgument, u"%1 holds no usable PEM private key (EC or RSA)"_s.arg(keyFile.fileName()));

    QList<QSslCipher> ciphers;
    const QStringList wanted = allowedTls12Ciphers() + allowedTls13Ciphers();
    const QList<QSslCipher> supported = QSslConfiguration::supportedCiphers();
    for (const QSslCipher &cipher : supported) {
        if (wanted.contains(cipher.name()))
            ciphers.append(cipher);
    }
    if (ciphers.isEmpty())
        return makeError(ErrorCode::Crypto, u"the TLS library supports none of the allowed cipher suites"_s);

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setCiphers(ciphers);
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    // Clients are not asked for certificates, so no CA list is needed (and none from the system is loaded).
    tls.setCaCertificates({});
    tls.setSslOption(QSsl::SslOptionDisableCompression, true);
    tls.setSslOption(QSsl::SslOptionDisableLegacyRenegotiation, true);

    Loaded loaded;
    loaded.configuration = tls;
    loaded.certificate = chain.first();
    loaded.fingerprint = fingerprint(loaded.certificate);
    if (loaded.certificate.expiryDate() < QDateTime::currentDateTimeUtc())
        qCWarning(lcServer) << "The TLS certificate has expired on" << loaded.certificate.expiryDate().toString(Qt::ISODate);
    return loaded;
}

} // namespace parley::server
