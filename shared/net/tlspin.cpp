#include "tlspin.h"

#include <QCryptographicHash>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace parley {

namespace {

constexpr qsizetype DigestSize = 32;

QString isoDate(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate);
}

} // namespace

QString formatFingerprint(const QByteArray &digest)
{
    return digest.size() == DigestSize ? QString::fromLatin1(digest.toHex()) : QString();
}

QByteArray parseFingerprint(QStringView text)
{
    QString hex = text.trimmed().toString();
    if (hex.contains(u':')) {
        const QStringList pairs = hex.split(u':');
        if (pairs.size() != DigestSize)
            return {};
        for (const QString &pair : pairs) {
            if (pair.size() != 2)
                return {};
        }
        hex = pairs.join(QString());
    }
    if (hex.size() != 2 * DigestSize)
        return {};
    for (const QChar c : std::as_const(hex)) {
        if (!c.isDigit() && !(c >= u'a' && c <= u'f') && !(c >= u'A' && c <= u'F'))
            return {};
    }
    return QByteArray::fromHex(hex.toLatin1());
}

TlsPin TlsPin::fromString(QStringView fingerprint)
{
    TlsPin pin;
    pin.m_digest = parseFingerprint(fingerprint);
    return pin;
}

TlsPin TlsPin::of(const QSslCertificate &certificate)
{
    TlsPin pin;
    if (!certificate.isNull())
        pin.m_digest = certificate.digest(QCryptographicHash::Sha256);
    return pin;
}

QString TlsPin::toHex() const
{
    return formatFingerprint(m_digest);
}

QString TlsPin::toColonHex() const
{
    return QString::fromLatin1(m_digest.toHex(':').toUpper());
}

bool TlsPin::matches(const QSslCertificate &certificate) const
{
    return !isNull() && !certificate.isNull() && certificate.digest(QCryptographicHash::Sha256) == m_digest;
}

bool TlsPin::isSelfSignedError(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

std::optional<TlsPinError> TlsPin::check(const QList<QSslCertificate> &chain, const QList<QSslError> &errors,
                                         const QDateTime &now) const
{
    if (isNull())
        return TlsPinError{TlsPinFailure::InvalidPin,
                           u"the pinned fingerprint is not a SHA-256 fingerprint (64 hex digits)"_s};
    if (chain.isEmpty() || chain.first().isNull())
        return TlsPinError{TlsPinFailure::NoCertificate, u"the server presented no certificate"_s};
    const QSslCertificate &leaf = chain.first();
    if (!matches(leaf))
        return TlsPinError{TlsPinFailure::Mismatch,
                           u"the server's certificate does not have the pinned fingerprint (pinned %1, presented %2)"_s
                               .arg(toHex(), TlsPin::of(leaf).toHex())};
    // Checked here rather than left to the TLS errors: an expired certificate must be refused by its dates even
    // when the pin matches.
    if (now < leaf.effectiveDate())
        return TlsPinError{TlsPinFailure::NotYetValid,
                           u"the server's certificate is not valid yet: valid from %1 until %2, now is %3"_s
                               .arg(isoDate(leaf.effectiveDate()), isoDate(leaf.expiryDate()), isoDate(now))};
    if (now > leaf.expiryDate())
        return TlsPinError{TlsPinFailure::Expired,
                           u"the server's certificate expired at %2 (valid from %1), now is %3"_s
                               .arg(isoDate(leaf.effectiveDate()), isoDate(leaf.expiryDate()), isoDate(now))};
    QStringList others;
    for (const QSslError &error : errors) {
        if (!isSelfSignedError(error.error()))
            others << error.errorString();
    }
    if (!others.isEmpty())
        return TlsPinError{TlsPinFailure::OtherErrors,
                           u"the server's certificate has the pinned fingerprint but was refused: %1"_s.arg(others.join(u"; "_s))};
    return std::nullopt;
}

} // namespace parley
