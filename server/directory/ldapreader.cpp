#include "directory/ldapreader.h"

#include <QElapsedTimer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>

#include <ldap.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int NetworkTimeoutSeconds = 10;     // connecting, and the TLS handshake
constexpr int OperationTimeoutMs = 30000;     // a bind, StartTLS, or one page of a search
constexpr int PollMs = 250;                   // how often a wait looks at `cancel`

struct LdapDeleter {
    void operator()(LDAP *ld) const { ldap_unbind_ext(ld, nullptr, nullptr); }
};
using LdapHandle = std::unique_ptr<LDAP, LdapDeleter>;

struct MessageDeleter {
    void operator()(LDAPMessage *m) const { ldap_msgfree(m); }
};
using Message = std::unique_ptr<LDAPMessage, MessageDeleter>;

QString fromLdap(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

Error failure(const QString &stage, const QString &message)
{
    return makeError(ErrorCode::Unavailable, stage + u": "_s + message);
}

// The library's result code and diagnostic message for the last operation on `ld`.
Error ldapFailure(const QString &stage, LDAP *ld, int rc)
{
    if (ld && rc == LDAP_SUCCESS)
        ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc);
    QString message = fromLdap(ldap_err2string(rc));
    if (rc == LDAP_SERVER_DOWN)
        message += u" (no connection, or the connection was lost)"_s;
    char *diagnostic = nullptr;
    if (ld && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_OPT_SUCCESS && diagnostic) {
        const QString extra = fromLdap(diagnostic);
        if (!extra.isEmpty() && extra != u"(unknown error code)"_s)
            message += u" ("_s + extra + u")"_s;
        ldap_memfree(diagnostic);
    }
    return failure(stage, message);
}

// Waits for the whole result of `msgid`, looking at `cancel` every PollMs; abandons it on cancel or timeout.
Result<Message> waitFor(LDAP *ld, int msgid, const std::atomic<bool> &cancel, const QString &stage)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        if (cancel.load()) {
            ldap_abandon_ext(ld, msgid, nullptr, nullptr);
            return failure(stage, u"cancelled (the server is shutting down or the directory settings changed)"_s);
        }
        if (timer.elapsed() > OperationTimeoutMs) {
            ldap_abandon_ext(ld, msgid, nullptr, nullptr);
            return failure(stage, u"no answer from the directory within %1 s"_s.arg(OperationTimeoutMs / 1000));
        }
        timeval wait{0, PollMs * 1000};
        LDAPMessage *result = nullptr;
        const int rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &wait, &result);
        if (rc == 0)
            continue;
        if (rc < 0)
            return ldapFailure(stage, ld, LDAP_SUCCESS);
        return Message(result);
    }
}

// The directory server's certificate as OpenSSL (through Qt) sees it, for a clear message when libldap (over GnuTLS)
// says no more than "Connect error". Speaks StartTLS itself for ldap://. Empty when the handshake succeeds here.
QString diagnoseTls(const DirectoryConfig &config)
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromData(config.caCertificate.toUtf8(), QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    socket.setSslConfiguration(tls);
    socket.setPeerVerifyName(config.host());
    const int timeoutMs = NetworkTimeoutSeconds * 1000;
    if (config.ldaps()) {
        socket.connectToHostEncrypted(config.host(), quint16(config.port()));
    } else {
        socket.connectToHost(config.host(), quint16(config.port()));
        if (!socket.waitForConnected(timeoutMs))
            return {};
        // ExtendedRequest 1.3.6.1.4.1.1466.20037 (StartTLS, RFC 4511 4.14.1) with message ID 1.
        socket.write(QByteArray::fromHex("301d02010177188016") + QByteArrayLiteral("1.3.6.1.4.1.1466.20037"));
        QByteArray reply;
        while (reply.size() < 2 || reply.size() < 2 + quint8(reply.at(1))) {
            if (!socket.waitForReadyRead(timeoutMs))
                return {};
            reply += socket.readAll();
            if (quint8(reply.at(0)) != 0x30 || (reply.size() >= 2 && quint8(reply.at(1)) >= 0x80))
                return {};
        }
        // messageID 02 01 01, then the ExtendedResponse 78 LEN with its resultCode 0a 01 CODE first.
        if (!reply.mid(2).startsWith(QByteArray::fromHex("020101")) || quint8(reply.at(5)) != 0x78
            || !reply.mid(7).startsWith(QByteArray::fromHex("0a01")))
            return {};
        if (reply.at(9) != 0)
            return u"the directory refused StartTLS (result code %1)"_s.arg(int(quint8(reply.at(9))));
        socket.startClientEncryption();
    }
    if (socket.waitForEncrypted(timeoutMs))
        return {};
    QStringList errors;
    for (const QSslError &e : socket.sslHandshakeErrors())
        errors << e.errorString();
    if (errors.isEmpty())
        return socket.error() == QAbstractSocket::SslHandshakeFailedError ? socket.errorString() : QString();
    errors.removeDuplicates();
    return u"the directory server's certificate is not trusted: %1 (ca_certificate must hold the CA that issued it, "
           "and it must name the host of url)"_s.arg(errors.join(u"; "_s));
}

Status setOption(LDAP *ld, int option, const void *value, const char *what)
{
    const int rc = ldap_set_option(ld, option, value);
    if (rc != LDAP_OPT_SUCCESS)
        return failure(u"connect"_s, u"cannot set %1: %2"_s.arg(QString::fromLatin1(what), fromLdap(ldap_err2string(rc))));
    return {};
}

Result<LdapHandle> connect(const DirectoryConfig &config, const QString &caFile)
{
    LDAP *raw = nullptr;
    const QByteArray url = u"%1://%2:%3"_s.arg(config.ldaps() ? u"ldaps"_s : u"ldap"_s)
                               .arg(config.host().contains(u':') ? u"["_s + config.host() + u"]"_s : config.host())
                               .arg(config.port())
                               .toUtf8();
    if (const int rc = ldap_initialize(&raw, url.constData()); rc != LDAP_SUCCESS)
        return ldapFailure(u"connect"_s, nullptr, rc);
    LdapHandle ld(raw);
    const int version = LDAP_VERSION3;
    const timeval network{NetworkTimeoutSeconds, 0};
    const timeval operation{OperationTimeoutMs / 1000, 0};
    const int demand = LDAP_OPT_X_TLS_HARD;
    const int tlsMin = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
    const int newContext = 0;
    const QByteArray ca = caFile.toUtf8();
    const std::initializer_list<Status> steps = {
        setOption(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version, "the protocol version"),
        setOption(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "referrals"),
        setOption(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &network, "the network timeout"),
        setOption(ld.get(), LDAP_OPT_TIMEOUT, &operation, "the timeout"),
        setOption(ld.get(), LDAP_OPT_X_TLS_CACERTFILE, ca.constData(), "the CA certificate"),
        setOption(ld.get(), LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "certificate checking"),
        setOption(ld.get(), LDAP_OPT_X_TLS_PROTOCOL_MIN, &tlsMin, "the TLS version"),
        // Last: a TLS context of this handle's own, from the options above (not the process-wide one).
        setOption(ld.get(), LDAP_OPT_X_TLS_NEWCTX, &newContext, "the TLS context"),
    };
    for (const Status &s : steps) {
        if (!s)
            return s.error();
    }
    int rc = LDAP_SUCCESS;
    if (config.startTls)
        rc = ldap_start_tls_s(ld.get(), nullptr, nullptr);
    else
        rc = ldap_connect(ld.get());
    if (rc != LDAP_SUCCESS) {
        if (const QString why = diagnoseTls(config); !why.isEmpty())
            return failure(u"tls"_s, why);
        return ldapFailure(config.startTls ? u"tls"_s : u"connect"_s, ld.get(), rc);
    }
    return ld;
}

Status bind(LDAP *ld, const DirectoryConfig &config, const QByteArray &password, const std::atomic<bool> &cancel)
{
    const QByteArray dn = config.bindDn.toUtf8();
    berval credentials{ber_len_t(password.size()), const_cast<char *>(password.constData())};
    int msgid = 0;
    int rc = ldap_sasl_bind(ld, dn.isEmpty() ? "" : dn.constData(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, &msgid);
    if (rc != LDAP_SUCCESS)
        return ldapFailure(u"bind"_s, ld, rc);
    auto result = waitFor(ld, msgid, cancel, u"bind"_s);
    if (!result)
        return result.error();
    int code = LDAP_SUCCESS;
    char *diagnostic = nullptr;
    rc = ldap_parse_result(ld, result->release(), &code, nullptr, &diagnostic, nullptr, nullptr, 1);
    const QString extra = fromLdap(diagnostic);
    ldap_memfree(diagnostic);
    if (rc != LDAP_SUCCESS)
        return ldapFailure(u"bind"_s, ld, rc);
    if (code != LDAP_SUCCESS)
        return failure(u"bind"_s, fromLdap(ldap_err2string(code)) + (extra.isEmpty() ? QString() : u" ("_s + extra + u")"_s)
                                      + (code == LDAP_INVALID_CREDENTIALS ? u"; check bind_dn and the password"_s : QString()));
    return {};
}

QStringList values(LDAP *ld, LDAPMessage *entry, const QString &attribute)
{
    QStringList out;
    if (attribute.isEmpty())
        return out;
    berval **vals = ldap_get_values_len(ld, entry, attribute.toUtf8().constData());
    if (!vals)
        return out;
    for (berval **v = vals; *v; ++v)
        out << QString::fromUtf8((*v)->bv_val, qsizetype((*v)->bv_len));
    ldap_value_free_len(vals);
    return out;
}

// Runs a paged search (RFC 2696) to its end, handing each entry to `take`. Fails as a whole on any error.
template<typename Take>
Status pagedSearch(LDAP *ld, const DirectoryConfig &config, const QString &filter, const QStringList &attributes,
                   const std::atomic<bool> &cancel, int *pages, const QString &stage, Take take)
{
    const QByteArray base = config.baseDn.toUtf8();
    const QByteArray filterUtf8 = filter.toUtf8();
    std::vector<QByteArray> attributeBytes;
    std::vector<char *> attrs;
    for (const QString &a : attributes) {
        if (!a.isEmpty())
            attributeBytes.push_back(a.toUtf8());
    }
    for (QByteArray &a : attributeBytes)
        attrs.push_back(a.data());
    attrs.push_back(nullptr);
    berval cookie{0, nullptr};
    auto freeCookie = [&cookie] {
        ber_memfree(cookie.bv_val);
        cookie = berval{0, nullptr};
    };
    for (;;) {
        LDAPControl *page = nullptr;
        int rc = ldap_create_page_control(ld, config.pageSize, cookie.bv_val ? &cookie : nullptr, 0, &page);
        freeCookie();
        if (rc != LDAP_SUCCESS)
            return ldapFailure(stage, ld, rc);
        LDAPControl *controls[] = {page, nullptr};
        int msgid = 0;
        rc = ldap_search_ext(ld, base.constData(), LDAP_SCOPE_SUBTREE, filterUtf8.constData(), attrs.data(), 0, controls,
                             nullptr, nullptr, LDAP_NO_LIMIT, &msgid);
        ldap_control_free(page);
        if (rc != LDAP_SUCCESS)
            return ldapFailure(stage, ld, rc);
        auto result = waitFor(ld, msgid, cancel, stage);
        if (!result)
            return result.error();
        for (LDAPMessage *e = ldap_first_entry(ld, result->get()); e; e = ldap_next_entry(ld, e)) {
            char *dn = ldap_get_dn(ld, e);
            const QString entryDn = fromLdap(dn);
            ldap_memfree(dn);
            take(entryDn, e);
        }
        int code = LDAP_SUCCESS;
        char *diagnostic = nullptr;
        LDAPControl **serverControls = nullptr;
        rc = ldap_parse_result(ld, result->release(), &code, nullptr, &diagnostic, nullptr, &serverControls, 1);
        const QString extra = fromLdap(diagnostic);
        ldap_memfree(diagnostic);
        if (rc != LDAP_SUCCESS) {
            ldap_controls_free(serverControls);
            return ldapFailure(stage, ld, rc);
        }
        if (code != LDAP_SUCCESS) {
            ldap_controls_free(serverControls);
            return failure(stage, fromLdap(ldap_err2string(code)) + (extra.isEmpty() ? QString() : u" ("_s + extra + u")"_s));
        }
        ++*pages;
        if (LDAPControl *response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nullptr)) {
            ber_int_t estimate = 0;
            rc = ldap_parse_pageresponse_control(ld, response, &estimate, &cookie);
            if (rc != LDAP_SUCCESS) {
                ldap_controls_free(serverControls);
                return ldapFailure(stage, ld, rc);
            }
        }
        ldap_controls_free(serverControls);
        if (!cookie.bv_val || cookie.bv_len == 0) {
            freeCookie();
            return {};
        }
    }
}

bool isDisabled(const DirectoryConfig &config, const QStringList &vals)
{
    if (config.disabledAttribute.isEmpty() || vals.isEmpty())
        return false;
    if (config.disabledBit != 0) {
        for (const QString &v : vals) {
            bool ok = false;
            const qint64 n = v.trimmed().toLongLong(&ok);
            if (ok && (quint64(n) & config.disabledBit) != 0)
                return true;
        }
        return false;
    }
    if (config.disabledValue.isEmpty())
        return true;
    for (const QString &v : vals) {
        if (v.compare(config.disabledValue, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

Result<DirectorySnapshot> readDirectory(const DirectoryConfig &config, const QString &caFile, const QByteArray &password,
                                        const std::atomic<bool> &cancel)
{
    auto ld = connect(config, caFile);
    if (!ld)
        return ld.error();
    if (Status s = bind(ld->get(), config, password, cancel); !s)
        return s.error();
    DirectorySnapshot snapshot;
    Status users = pagedSearch(ld->get(), config, config.userFilter,
                               {config.nameAttribute, config.displayNameAttribute, config.disabledAttribute}, cancel,
                               &snapshot.pages, u"search"_s, [&](const QString &dn, LDAPMessage *e) {
                                   DirectoryEntry entry;
                                   entry.dn = dn;
                                   entry.names = values(ld->get(), e, config.nameAttribute);
                                   entry.displayName = values(ld->get(), e, config.displayNameAttribute).value(0);
                                   entry.disabled = isDisabled(config, values(ld->get(), e, config.disabledAttribute));
                                   snapshot.users.append(entry);
                               });
    if (!users)
        return users.error();
    if (!config.groupFilter.isEmpty()) {
        Status groups = pagedSearch(ld->get(), config, config.groupFilter, {config.groupNameAttribute, config.memberAttribute},
                                    cancel, &snapshot.pages, u"group search"_s, [&](const QString &dn, LDAPMessage *e) {
                                        DirectoryGroup group;
                                        group.dn = dn;
                                        group.name = values(ld->get(), e, config.groupNameAttribute).value(0);
                                        group.members = values(ld->get(), e, config.memberAttribute);
                                        snapshot.groups.append(group);
                                    });
        if (!groups)
            return groups.error();
    }
    return snapshot;
}

} // namespace parley::server
