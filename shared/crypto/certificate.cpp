// Certificates: the daemon's self-signed first-start certificate, CSRs, and a small CA for admin client
// certificates (ECDSA P-256, SHA-256, X.509 v3).

#include "crypto/crypto.h"
#include "crypto/openssl_p.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <QUrl>

using namespace Qt::StringLiterals;

namespace parley::crypto {

using namespace detail;

namespace {

constexpr int MaxValidDays = 36500;
constexpr qsizetype MaxCommonNameLength = 64;   // ub-common-name (RFC 5280 appendix A)
constexpr qsizetype MaxDnsNameLength = 253;

// A DNS name in the ASCII form certificates carry: IDNs are converted to A-labels, a leading "*." wildcard is kept.
Result<QByteArray> asciiDnsName(const QString &name)
{
    QString rest = name;
    QByteArray prefix;
    if (rest.startsWith(u"*."_s)) {
        prefix = "*.";
        rest = rest.mid(2);
    }
    const QByteArray ace = QUrl::toAce(rest, QUrl::IgnoreIDNWhitelist);
    if (rest.isEmpty() || ace.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"invalid DNS name for the certificate"_s);
    for (const char c : ace) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok)
            return makeError(ErrorCode::InvalidArgument, u"invalid DNS name for the certificate"_s);
    }
    const QByteArray full = prefix + ace;
    if (full.size() > MaxDnsNameLength || full.startsWith('.') || full.endsWith('.') || full.contains(".."))
        return makeError(ErrorCode::InvalidArgument, u"invalid DNS name for the certificate"_s);
    return full;
}

// `issuer` is the issuing certificate (for the authority key identifier); null: the certificate itself.
Status addNamedExtension(X509 *cert, int nid, const char *value, X509 *issuer = nullptr)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        return opensslError(u"adding a certificate extension failed"_s);
    return {};
}

// Appends a GEN_DNS (IA5String) or GEN_IPADD (OCTET STRING) name holding `value`.
Status appendName(GENERAL_NAMES *names, int type, QByteArrayView value)
{
    GeneralNamePtr name(GENERAL_NAME_new());
    ASN1_STRING *string = ASN1_STRING_type_new(type == GEN_DNS ? V_ASN1_IA5STRING : V_ASN1_OCTET_STRING);
    if (!name || !string || ASN1_STRING_set(string, value.data(), int(value.size())) != 1) {
        ASN1_STRING_free(string);
        return opensslError(type == GEN_DNS ? u"building a DNS subject alternative name failed"_s
                                            : u"building an IP subject alternative name failed"_s);
    }
    GENERAL_NAME_set0_value(name.get(), type, string);
    if (sk_GENERAL_NAME_push(names, name.get()) == 0)
        return opensslError(u"building the subject alternative names failed"_s);
    name.release();   // now owned by `names`
    return {};
}

// The subject alternative names of a certificate or request: the DNS names, then the IP addresses.
Result<GeneralNamesPtr> subjectAltNames(const QStringList &dnsNames, const QList<QHostAddress> &addresses)
{
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names)
        return opensslError(u"GENERAL_NAMES_new failed"_s);
    for (const QString &dns : dnsNames) {
        auto ascii = asciiDnsName(dns);
        if (!ascii)
            return ascii.error();
        if (Status ok = appendName(names.get(), GEN_DNS, *ascii); !ok)
            return ok.error();
    }
    for (const QHostAddress &address : addresses) {
        QByteArray raw;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            const quint32 v4 = address.toIPv4Address();
            const char octets[4] = {char(v4 >> 24), char(v4 >> 16), char(v4 >> 8), char(v4)};
            raw = QByteArray(octets, 4);
        } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
            const Q_IPV6ADDR v6 = address.toIPv6Address();
            raw = QByteArray(reinterpret_cast<const char *>(v6.c), 16);
        } else {
            return makeError(ErrorCode::InvalidArgument, u"invalid IP address for the certificate"_s);
        }
        if (Status ok = appendName(names.get(), GEN_IPADD, raw); !ok)
            return ok.error();
    }
    return names;
}

Status setRandomSerial(X509 *cert)
{
    // 128 random bits (CA/Browser Forum asks for at least 64); a BIGNUM from bytes is non-negative, so the DER
    // INTEGER is at most 17 octets, within RFC 5280's 20.
    const QByteArray random = randomBytes(16);
    BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(random.constData()), int(random.size()), nullptr));
    if (bn && BN_is_zero(bn.get()))
        BN_set_word(bn.get(), 1);
    Asn1IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    if (!serial || X509_set_serialNumber(cert, serial.get()) != 1)
        return opensslError(u"setting the certificate serial number failed"_s);
    return {};
}

// `object` as PEM, through one of OpenSSL's PEM_write_bio_* functions; `what` names it in errors.
template<typename Write, typename T>
Result<QByteArray> encodePem(Write write, T *object, const QString &what)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get(), object) != 1)
        return opensslError(u"encoding the %1 failed"_s.arg(what));
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    if (length <= 0 || !data)
        return opensslError(u"encoding the %1 failed"_s.arg(what));
    return QByteArray(data, qsizetype(length));
}

Result<GeneratedCertificate> encodeCertificate(X509 *cert, EVP_PKEY *key)
{
    auto certPem = encodePem(PEM_write_bio_X509, cert, u"certificate"_s);
    if (!certPem)
        return certPem.error();
    auto keyPem = privateKeyPem(key);
    if (!keyPem)
        return keyPem.error();
    return GeneratedCertificate{std::move(certPem.value()), std::move(keyPem.value())};
}

Status checkCommonName(const QString &commonName)
{
    if (commonName.isEmpty() || commonName.size() > MaxCommonNameLength)
        return makeError(ErrorCode::InvalidArgument, u"certificate common name must be 1 to 64 characters"_s);
    for (const QChar c : commonName) {
        if (c.category() == QChar::Other_Control || c.isNull())
            return makeError(ErrorCode::InvalidArgument, u"certificate common name contains control characters"_s);
    }
    return {};
}

Status checkCommonName(const QString &commonName, int validDays)
{
    if (Status ok = checkCommonName(commonName); !ok)
        return ok;
    if (validDays < 1 || validDays > MaxValidDays)
        return makeError(ErrorCode::InvalidArgument, u"certificate validity must be 1 to 36500 days"_s);
    return {};
}

// An X.509 name holding just the common name.
Result<X509NamePtr> commonNameOnly(const QString &commonName)
{
    X509NamePtr name(X509_NAME_new());
    const QByteArray cn = commonName.toUtf8();
    if (!name
        || X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(cn.constData()), int(cn.size()), -1, 0) != 1)
        return opensslError(u"setting the certificate name failed"_s);
    return name;
}

struct CertificateAndKey {
    X509Ptr certificate;
    EvpPkeyPtr key;
};

// The first certificate of a PEM chain and the PEM private key that belongs to it; `role` ("CA " or empty) names
// them in errors.
Result<CertificateAndKey> readCertificateAndKey(QByteArrayView certificatePem, QByteArrayView privateKeyPem,
                                                const QString &role)
{
    CertificateAndKey pair;
    BioPtr certBio(BIO_new_mem_buf(certificatePem.data(), int(certificatePem.size())));
    pair.certificate.reset(certBio ? PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!pair.certificate)
        return failure(ErrorCode::InvalidArgument, u"the %1certificate is not readable PEM"_s.arg(role));
    BioPtr keyBio(BIO_new_mem_buf(privateKeyPem.data(), int(privateKeyPem.size())));
    pair.key.reset(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!pair.key)
        return failure(ErrorCode::InvalidArgument, u"the %1private key is not readable PEM (or is encrypted)"_s.arg(role));
    if (X509_check_private_key(pair.certificate.get(), pair.key.get()) != 1)
        return failure(ErrorCode::InvalidArgument,
                       u"the %1private key does not belong to the %1certificate"_s.arg(role));
    return pair;
}

// A new P-256 key and a certificate for it named `commonName`, issued by `issuer` signed with `issuerKey` (both
// null: self-issued and self-signed), with the given basic constraints, key usage, extended key usage and, when any
// are given, subject alternative names.
Result<GeneratedCertificate> makeCertificate(const QString &commonName, int validDays, X509 *issuer, EVP_PKEY *issuerKey,
                                             const char *basicConstraints, const char *keyUsage, const char *extKeyUsage,
                                             const QStringList &dnsNames = {}, const QList<QHostAddress> &addresses = {})
{
    if (Status ok = checkCommonName(commonName, validDays); !ok)
        return ok.error();
    EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return opensslError(u"P-256 key generation failed"_s);
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return opensslError(u"X509_new failed"_s);
    if (auto ok = setRandomSerial(cert.get()); !ok)
        return ok.error();
    auto name = commonNameOnly(commonName);
    if (!name)
        return name.error();
    if (X509_set_subject_name(cert.get(), name.value().get()) != 1
        || X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name.value().get()) != 1)
        return opensslError(u"setting the certificate name failed"_s);
    // notBefore an hour back tolerates clocks of clients that lag a little.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)
        || !X509_time_adj_ex(X509_getm_notAfter(cert.get()), validDays, 0, nullptr))
        return opensslError(u"setting the certificate validity failed"_s);
    if (X509_set_pubkey(cert.get(), key.get()) != 1)
        return opensslError(u"setting the certificate key failed"_s);
    if (auto ok = addNamedExtension(cert.get(), NID_basic_constraints, basicConstraints); !ok)
        return ok.error();
    if (auto ok = addNamedExtension(cert.get(), NID_key_usage, keyUsage); !ok)
        return ok.error();
    if (extKeyUsage) {
        if (auto ok = addNamedExtension(cert.get(), NID_ext_key_usage, extKeyUsage); !ok)
            return ok.error();
    }
    if (auto ok = addNamedExtension(cert.get(), NID_subject_key_identifier, "hash"); !ok)
        return ok.error();
    if (issuer) {
        if (auto ok = addNamedExtension(cert.get(), NID_authority_key_identifier, "keyid:always", issuer); !ok)
            return ok.error();
    }
    if (!dnsNames.isEmpty() || !addresses.isEmpty()) {
        auto names = subjectAltNames(dnsNames, addresses);
        if (!names)
            return names.error();
        if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names->get(), 0, X509V3_ADD_DEFAULT) != 1)
            return opensslError(u"adding the subject alternative names failed"_s);
    }
    if (X509_sign(cert.get(), issuerKey ? issuerKey : key.get(), EVP_sha256()) <= 0)
        return opensslError(u"signing the certificate failed"_s);
    return encodeCertificate(cert.get(), key.get());
}

} // namespace

Result<GeneratedCertificate> generateSelfSignedCertificate(const QString &commonName, const QStringList &dnsNames,
                                                           const QList<QHostAddress> &addresses, int validDays)
{
    return makeCertificate(commonName, validDays, nullptr, nullptr, "critical,CA:FALSE", "critical,digitalSignature",
                           "serverAuth", dnsNames, addresses);
}

Status certificateMatchesKey(QByteArrayView certificatePem, QByteArrayView privateKeyPem)
{
    auto pair = readCertificateAndKey(certificatePem, privateKeyPem, QString());
    if (!pair)
        return pair.error();
    return {};
}

Result<GeneratedRequest> generateCertificateRequest(const QString &commonName, const QStringList &dnsNames)
{
    if (Status ok = checkCommonName(commonName); !ok)
        return ok.error();
    EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return opensslError(u"P-256 key generation failed"_s);
    std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>> req(X509_REQ_new());
    if (!req || X509_REQ_set_version(req.get(), 0) != 1)
        return opensslError(u"X509_REQ_new failed"_s);
    auto name = commonNameOnly(commonName);
    if (!name)
        return name.error();
    if (X509_REQ_set_subject_name(req.get(), name.value().get()) != 1)
        return opensslError(u"setting the request subject failed"_s);
    if (X509_REQ_set_pubkey(req.get(), key.get()) != 1)
        return opensslError(u"setting the request key failed"_s);
    if (!dnsNames.isEmpty()) {
        auto names = subjectAltNames(dnsNames, {});
        if (!names)
            return names.error();
        STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
        X509_EXTENSION *ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, names->get());
        bool added = exts && ext && sk_X509_EXTENSION_push(exts, ext) != 0;
        if (!added)
            X509_EXTENSION_free(ext);
        added = added && X509_REQ_add_extensions(req.get(), exts) == 1;
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
        if (!added)
            return opensslError(u"adding the request extensions failed"_s);
    }
    if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0)
        return opensslError(u"signing the request failed"_s);

    auto reqPem = encodePem(PEM_write_bio_X509_REQ, req.get(), u"request"_s);
    if (!reqPem)
        return reqPem.error();
    auto keyPem = privateKeyPem(key.get());
    if (!keyPem)
        return keyPem.error();
    return GeneratedRequest{std::move(reqPem.value()), std::move(keyPem.value())};
}

Result<GeneratedCertificate> generateCertificateAuthority(const QString &commonName, int validDays)
{
    return makeCertificate(commonName, validDays, nullptr, nullptr, "critical,CA:TRUE,pathlen:0",
                           "critical,keyCertSign,cRLSign", nullptr);
}

Result<GeneratedCertificate> issueClientCertificate(QByteArrayView caCertificatePem, QByteArrayView caPrivateKeyPem,
                                                    const QString &commonName, int validDays)
{
    auto ca = readCertificateAndKey(caCertificatePem, caPrivateKeyPem, u"CA "_s);
    if (!ca)
        return ca.error();
    return makeCertificate(commonName, validDays, ca->certificate.get(), ca->key.get(), "critical,CA:FALSE",
                           "critical,digitalSignature", "clientAuth");
}

} // namespace parley::crypto
