#include "sso/ssoconfig.h"

#include "core/settingsvalue.h"

#include <QDir>
#include <QSettings>

#include <functional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

using settings::keyError;
using settings::scalar;

bool isClaimName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (const QChar ch : name) {
        const char16_t c = ch.unicode();
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'
            || c == u'-' || c == u'.' || c == u':';
        if (!ok)
            return false;
    }
    return true;
}

// RFC 6749 2.2: a client identifier is visible ASCII (VSCHAR); no spaces here either, as no provider issues them.
bool isClientId(const QString &id)
{
    if (id.isEmpty() || id.size() > 255)
        return false;
    for (const QChar ch : id) {
        if (ch.unicode() <= 0x20 || ch.unicode() >= 0x7f)
            return false;
    }
    return true;
}

} // namespace

QString SsoConfig::scopes() const
{
    return usernameClaim == u"email"_s ? u"openid email"_s : u"openid profile"_s;
}

Result<QUrl> SsoConfig::parseHttpsUrl(const QString &text, bool allowPath)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || !url.userInfo().isEmpty()
        || url.hasQuery() || url.hasFragment())
        return makeError(ErrorCode::InvalidArgument, u"expected an https URL with a host, without user, query or fragment"_s);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.isEmpty() && !allowPath)
        return makeError(ErrorCode::InvalidArgument, u"expected https://HOST[:PORT] without a path"_s);
    QUrl clean = url;
    clean.setPath(path);
    return clean;
}

Status SsoConfig::parseKey(const QSettings &settings, const QString &key, SsoConfig &c)
{
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    if (Status s = parseValue(key.mid(int(sizeof("sso/")) - 1), *text, c); !s)
        return keyError(key, s.error().message);
    c.anyKeySet = true;
    return {};
}

Status SsoConfig::parseValue(const QString &name, const QString &v, SsoConfig &c)
{
    const auto invalid = [](const QString &what) { return Status(makeError(ErrorCode::InvalidArgument, what)); };
    const auto url = [&](QUrl &target, bool allowPath) -> Status {
        auto u = parseHttpsUrl(v, allowPath);
        if (!u)
            return u.error();
        target = *u;
        return {};
    };
    const auto path = [&](QString &target) -> Status {
        if (v.isEmpty() || !QDir::isAbsolutePath(v))
            return invalid(u"expected an absolute path"_s);
        target = QDir::cleanPath(v);
        return {};
    };
    const QList<std::pair<QString, std::function<Status()>>> parsers = {
        {u"listen"_s, [&]() -> Status {
             auto listen = settings::listenAddress(v);
             if (!listen)
                 return listen.error();
             c.listenAddress = listen->address;
             c.listenPort = listen->port;
             return {};
         }},
        {u"issuer"_s, [&]() -> Status {
             // Kept as written: the provider's "iss" must equal it character for character (a trailing slash too).
             QUrl parsed;
             if (Status s = url(parsed, true); !s)
                 return s;
             if (v.size() > 1024)
                 return invalid(u"expected at most 1024 characters"_s);
             c.issuer = v;
             return {};
         }},
        {u"public_url"_s, [&] { return url(c.publicUrl, false); }},
        {u"client_id"_s, [&]() -> Status {
             if (!isClientId(v))
                 return invalid(u"expected 1 to 255 visible ASCII characters without spaces"_s);
             c.clientId = v;
             return {};
         }},
        {u"client_secret_file"_s, [&] { return path(c.clientSecretFile); }},
        {u"username_claim"_s, [&]() -> Status {
             if (!isClaimName(v))
                 return invalid(u"expected a claim name (letters, digits, _ - . :), e.g. preferred_username or email"_s);
             c.usernameClaim = v;
             return {};
         }},
        {u"create_users"_s, [&]() -> Status {
             if (v != u"true"_s && v != u"false"_s)
                 return invalid(u"expected true or false"_s);
             c.createUsers = v == u"true"_s;
             return {};
         }},
        {u"ca_file"_s, [&] { return path(c.caFile); }},
        {u"code_valid_seconds"_s, [&]() -> Status {
             auto n = settings::integerValue(v, 60, 7 * 86400);
             if (!n)
                 return n.error();
             c.codeValidSeconds = int(*n);
             return {};
         }},
    };
    for (const auto &[known, parse] : parsers) {
        if (known == name)
            return parse();
    }
    return invalid(u"unknown key"_s);
}

QString SsoConfig::listenText(quint16 port) const
{
    const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(listenAddress.toString())
                                                                                    : listenAddress.toString();
    return u"%1:%2"_s.arg(host).arg(port ? port : listenPort);
}

QUrl SsoConfig::redirectUri(quint16 port) const
{
    QUrl base = publicUrl;
    if (base.isEmpty()) {
        base.setScheme(u"https"_s);
        base.setHost(listenAddress.toString());
        base.setPort(port);
    }
    base.setPath(u"/sso/callback"_s);
    return base;
}

Status SsoConfig::validate() const
{
    if (!enabled()) {
        if (anyKeySet)
            return keyError(u"sso/issuer"_s, u"required when any other [sso] key is set"_s);
        return {};
    }
    if (clientId.isEmpty())
        return keyError(u"sso/client_id"_s, u"required with sso/issuer"_s);
    if (clientSecretFile.isEmpty())
        return keyError(u"sso/client_secret_file"_s, u"required with sso/issuer"_s);
    return {};
}

} // namespace parley::server
