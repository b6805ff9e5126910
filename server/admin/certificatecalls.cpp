#include "admin/certificatecalls.h"

#include "crypto/crypto.h"

#include <QCborArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int ExpiryWarningDays = 30;

QCborMap certificateInfo(const QSslCertificate &cert)
{
    QCborMap m;
    m.insert("subject"_L1, cert.subjectDisplayName());
    m.insert("issuer"_L1, cert.issuerDisplayName());
    m.insert("not_before"_L1, cert.effectiveDate().toMSecsSinceEpoch());
    m.insert("not_after"_L1, cert.expiryDate().toMSecsSinceEpoch());
    m.insert("fingerprint"_L1, QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex()));
    return m;
}

bool sameName(const QSslCertificate &issued, const QSslCertificate &issuer)
{
    const QList<QSslCertificate::SubjectInfo> attrs = {QSslCertificate::CommonName, QSslCertificate::Organization,
                                                       QSslCertificate::OrganizationalUnitName, QSslCertificate::CountryName};
    for (const auto attr : attrs) {
        if (issued.issuerInfo(attr) != issuer.subjectInfo(attr))
            return false;
    }
    return true;
}

} // namespace

const QList<AdminCall<CertificateCalls>> &CertificateCalls::calls()
{
    static const QList<AdminCall<CertificateCalls>> calls = {
        {"cert.show"_L1, &CertificateCalls::handleCertShow},
        {"cert.reload"_L1, &CertificateCalls::handleCertReload},
        {"cert.install"_L1, &CertificateCalls::handleCertInstall},
        {"cert.csr"_L1, &CertificateCalls::handleCertCsr},
    };
    return calls;
}

Status CertificateCalls::loadAdminTls()
{
    auto loaded = m_ctx.host()->loadAdminTls();
    if (!loaded)
        return loaded.error();
    QSslConfiguration configuration = loaded->configuration;
    if (m_ctx.config().admin.requireClientCertificate) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_ctx.config().admin.clientCaPath);
        if (cas.isEmpty())
            return makeError(ErrorCode::InvalidArgument, u"admin/client_ca: %1 holds no PEM certificate"_s.arg(m_ctx.config().admin.clientCaPath));
        configuration.setCaCertificates(cas);
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    m_tls = configuration;
    m_adminCertificate = loaded->certificate;
    if (m_applyTls)
        m_applyTls(m_tls);
    return {};
}

Result<QCborMap> CertificateCalls::reloadAll()
{
    auto fingerprint = m_ctx.host()->reloadTls();
    if (!fingerprint)
        return fingerprint.error();
    if (Status s = loadAdminTls(); !s)
        return s.error();
    QCborMap m;
    m.insert("fingerprint"_L1, *fingerprint);
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_ctx.config().certificateFile);
    if (!chain.isEmpty())
        m.insert("expires_at"_L1, chain.first().expiryDate().toMSecsSinceEpoch());
    return m;
}

void CertificateCalls::handleCertShow(const AdminRequestPtr &r)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_ctx.config().certificateFile);
    if (chain.isEmpty())
        return m_ctx.fail(r, proto::errors::NotFound, u"the certificate file holds no certificate"_s);
    QCborArray list;
    for (const QSslCertificate &c : chain)
        list.append(certificateInfo(c));
    const qint64 expires = chain.first().expiryDate().toMSecsSinceEpoch();
    const qint64 daysLeft = (expires - AdminContext::now()) / (24 * 3600 * 1000);
    QCborMap m;
    m.insert("chain"_L1, list);
    m.insert("fingerprint"_L1, m_ctx.host()->fingerprint());
    m.insert("expires_at"_L1, expires);
    m.insert("days_left"_L1, daysLeft);
    if (expires <= AdminContext::now())
        m.insert("warning"_L1, u"the certificate has expired"_s);
    else if (daysLeft < ExpiryWarningDays)
        m.insert("warning"_L1, u"the certificate expires in %1 days"_s.arg(daysLeft));
    if (!m_ctx.config().admin.certificatePath.isEmpty())
        m.insert("admin_certificate"_L1, certificateInfo(m_adminCertificate));
    m_ctx.reply(r, m);
}

void CertificateCalls::handleCertReload(const AdminRequestPtr &r)
{
    m_ctx.reply(r, reloadAll());
}

QString CertificateCalls::pendingKeyFile() const
{
    return QDir(m_ctx.config().dataDir).filePath(u"tls/pending.key"_s);
}

void CertificateCalls::handleCertInstall(const AdminRequestPtr &r)
{
    const QByteArray certPem = r->args.value("certificate"_L1).toString().toUtf8();
    QByteArray keyPem = r->args.value("private_key"_L1).toString().toUtf8();
    const bool pendingKey = keyPem.isEmpty();
    if (pendingKey) {
        QFile pending(pendingKeyFile());
        if (!pending.open(QIODevice::ReadOnly))
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"no private_key given and no key from cert.csr waiting"_s);
        keyPem = pending.readAll();
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"certificate: no PEM certificate"_s);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (qsizetype i = 0; i < chain.size(); ++i) {
        if (chain.at(i).expiryDate() <= now)
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"certificate %1 of the chain has expired"_s.arg(i + 1));
        if (chain.at(i).effectiveDate() > now)
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"certificate %1 of the chain is not valid yet"_s.arg(i + 1));
        if (i + 1 < chain.size() && !sameName(chain.at(i), chain.at(i + 1)))
            return m_ctx.fail(r, proto::errors::InvalidArgument,
                        u"chain order: certificate %1 is not issued by certificate %2 (leaf first, then each issuer)"_s.arg(i + 1).arg(i + 2));
    }
    if (Status s = crypto::certificateMatchesKey(certPem, keyPem); !s) {
        crypto::cleanse(keyPem);
        return m_ctx.fail(r, proto::errors::InvalidArgument, s.error().message);
    }
    Status written = AdminContext::writePrivateFile(m_ctx.config().certificateFile, certPem,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    if (written)
        written = AdminContext::writePrivateFile(m_ctx.config().privateKeyFile, keyPem, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    crypto::cleanse(keyPem);
    if (!written)
        return m_ctx.reply(r, written.error());
    if (pendingKey)
        QFile::remove(pendingKeyFile());
    m_ctx.reply(r, reloadAll());
}

void CertificateCalls::handleCertCsr(const AdminRequestPtr &r)
{
    const QString commonName = r->args.value("common_name"_L1).toString();
    if (commonName.trimmed().isEmpty() || std::any_of(commonName.cbegin(), commonName.cend(), [](QChar c) {
            return c.category() == QChar::Other_Control;
        }))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"common_name: a name, without control characters"_s);
    // A DNS name: labels of letters, digits and hyphens, the first of them may be a wildcard.
    static const QRegularExpression DnsName(u"^(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*"
                                            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"_s);
    QStringList dns;
    const QStringList parts = r->args.value("dns"_L1).toString().split(u',', Qt::SkipEmptyParts);
    for (const QString &p : parts) {
        dns << p.trimmed();
        if (!DnsName.match(dns.last()).hasMatch())
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"dns: '%1' is not a DNS name"_s.arg(dns.last().left(64)));
    }
    auto generated = crypto::generateCertificateRequest(commonName, dns);
    if (!generated)
        return m_ctx.reply(r, generated.error());
    if (!QDir().mkpath(QFileInfo(pendingKeyFile()).absolutePath()))
        return m_ctx.fail(r, proto::errors::Internal, u"cannot create the tls directory"_s);
    if (Status s = AdminContext::writePrivateFile(pendingKeyFile(), generated->privateKeyPem.view().toByteArray(),
                                    QFileDevice::ReadOwner | QFileDevice::WriteOwner); !s)
        return m_ctx.reply(r, s.error());
    QCborMap m;
    m.insert("csr"_L1, QString::fromLatin1(generated->requestPem));
    m_ctx.reply(r, m);
}

} // namespace parley::server
