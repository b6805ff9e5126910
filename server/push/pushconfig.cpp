#include "push/pushconfig.h"

#include "core/settingsvalue.h"

#include "crypto/crypto.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QSettings>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

using settings::keyError;
using settings::scalar;

Result<QUrl> httpsUrl(const QString &key, const QString &text)
{
    auto url = PushConfig::parseEndpoint(text);
    if (!url)
        return keyError(key, url.error().message);
    return url;
}

// One value of [push] and the readers of its kinds, each storing into its target or naming the key in its error.
struct Value {
    const QString &key;
    const QString &v;

    Status path(QString &target) const
    {
        if (v.isEmpty() || !QDir::isAbsolutePath(v))
            return keyError(key, u"expected an absolute path"_s);
        target = QDir::cleanPath(v);
        return {};
    }
    Status url(QUrl &target) const
    {
        auto u = httpsUrl(key, v);
        if (!u)
            return u.error();
        target = *u;
        return {};
    }
    Status word(QString &target, qsizetype max) const
    {
        if (v.isEmpty() || v.size() > max || v.contains(u' ') || v.contains(u'"'))
            return keyError(key, u"expected a value of 1 to %1 characters without spaces or quotes"_s.arg(max));
        target = v;
        return {};
    }
    Status integer(int &target, int min, int max) const
    {
        bool ok = false;
        const qint64 n = v.toLongLong(&ok);
        if (!ok || n < min || n > max)
            return keyError(key, u"expected an integer from %1 to %2"_s.arg(min).arg(max));
        target = int(n);
        return {};
    }
    Status boolean(bool &target) const
    {
        if (v != u"true"_s && v != u"false"_s)
            return keyError(key, u"expected true or false"_s);
        target = v == u"true"_s;
        return {};
    }
};

using Parsers = QList<std::pair<QString, std::function<Status()>>>;

// The providers: endpoints, credentials, the CA and the proxy.
Parsers providerParsers(const Value &value, PushConfig &c)
{
    const QString &v = value.v;
    const QString &key = value.key;
    return {
        {u"apns_endpoint"_s, [&] { return value.url(c.apnsEndpoint); }},
        {u"apns_key_file"_s, [&] { return value.path(c.apnsKeyFile); }},
        {u"apns_key_id"_s, [&] { return value.word(c.apnsKeyId, 64); }},
        {u"apns_team_id"_s, [&] { return value.word(c.apnsTeamId, 64); }},
        {u"apns_topic"_s, [&] { return value.word(c.apnsTopic, 255); }},
        {u"fcm_endpoint"_s, [&] { return value.url(c.fcmEndpoint); }},
        {u"fcm_token_endpoint"_s, [&]() -> Status {
             auto u = PushConfig::parseHttpsUrl(v);
             if (!u)
                 return keyError(key, u.error().message);
             c.fcmTokenEndpoint = *u;
             return {};
         }},
        {u"fcm_service_account_file"_s, [&] { return value.path(c.fcmServiceAccountFile); }},
        {u"vapid_private_key_file"_s, [&] { return value.path(c.vapidPrivateKeyFile); }},
        {u"vapid_subject"_s, [&]() -> Status {
             if (!(v.startsWith(u"mailto:"_s) || v.startsWith(u"https://"_s)) || v.size() > 255 || v.contains(u'"'))
                 return keyError(key, u"expected a mailto: or https: URI (RFC 8292)"_s);
             c.vapidSubject = v;
             return {};
         }},
        {u"ca_file"_s, [&] { return value.path(c.caFile); }},
        {u"proxy"_s, [&]() -> Status {
             if (v.isEmpty()) {
                 c.proxy.reset();
                 return {};
             }
             auto p = PushConfig::parseProxy(v);
             if (!p)
                 return keyError(key, p.error().message);
             c.proxy = *p;
             return {};
         }},
        {u"webpush_allow_private_endpoints"_s, [&] { return value.boolean(c.webPushAllowPrivateEndpoints); }},
    };
}

// The delivery's pacing: coalescing, retries, timeouts and retention.
Parsers deliveryParsers(const Value &value, PushConfig &c)
{
    return {
        {u"coalesce_ms"_s, [&] { return value.integer(c.coalesceMs, 0, 600000); }},
        {u"min_interval_seconds"_s, [&] { return value.integer(c.minIntervalSeconds, 0, 86400); }},
        {u"retry_base_ms"_s, [&] { return value.integer(c.retryBaseMs, 10, 3600000); }},
        {u"retry_max_ms"_s, [&] { return value.integer(c.retryMaxMs, 10, 86400000); }},
        {u"dead_after_seconds"_s, [&] { return value.integer(c.deadAfterSeconds, 1, 30 * 86400); }},
        {u"request_timeout_ms"_s, [&] { return value.integer(c.requestTimeoutMs, 100, 600000); }},
        {u"max_in_flight"_s, [&] { return value.integer(c.maxInFlight, 1, 10000); }},
        {u"dead_retention_days"_s, [&] { return value.integer(c.deadRetentionDays, 1, 3650); }},
    };
}

} // namespace

Status PushConfig::parseKey(const QSettings &settings, const QString &key, PushConfig &c)
{
    const QString name = key.mid(qsizetype(sizeof("push/")) - 1);
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    const Value value{key, *text};
    for (const auto &[known, parse] : providerParsers(value, c) + deliveryParsers(value, c)) {
        if (known == name)
            return parse();
    }
    return keyError(key, u"unknown key"_s);
}

Status PushConfig::validate() const
{
    if (apnsEnabled() && (apnsKeyId.isEmpty() || apnsTeamId.isEmpty()))
        return makeError(ErrorCode::InvalidArgument, u"[push] apns_key_file needs apns_key_id and apns_team_id"_s);
    if (webPushEnabled() && vapidSubject.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"[push] vapid_private_key_file needs vapid_subject"_s);
    if (retryMaxMs < retryBaseMs)
        return makeError(ErrorCode::InvalidArgument, u"[push] retry_max_ms must not be below retry_base_ms"_s);
    return {};
}

Result<QByteArray> PushConfig::readPrivateFile(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st {};
    if (::stat(native.constData(), &st) != 0)
        return makeError(ErrorCode::Io, u"push credential %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    if (!S_ISREG(st.st_mode))
        return makeError(ErrorCode::Io, u"push credential %1 is not a regular file"_s.arg(path));
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return makeError(ErrorCode::Forbidden,
                         u"push credential %1 is accessible to group or others (mode %2); make it readable by the "
                         u"service alone (chmod 600)"_s.arg(path).arg(st.st_mode & 07777, 4, 8, QLatin1Char('0')));
    if (st.st_uid != ::geteuid())
        return makeError(ErrorCode::Forbidden, u"push credential %1 is not owned by the service user"_s.arg(path));
    if (st.st_size > 1024 * 1024)
        return makeError(ErrorCode::InvalidArgument, u"push credential %1 is too large"_s.arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read push credential %1: %2"_s.arg(path, file.errorString()));
    return file.readAll();
}

Result<crypto::P256Key> PushConfig::parseP256Key(const QString &name, QByteArray pem)
{
    auto key = crypto::P256Key::fromPrivatePem(pem);
    crypto::cleanse(pem);
    if (!key)
        return makeError(ErrorCode::InvalidArgument, name + u": "_s + key.error().message);
    return key;
}

Result<crypto::P256Key> PushConfig::readP256KeyFile(const QString &setting, const QString &path)
{
    auto pem = readPrivateFile(path);
    if (!pem)
        return pem.error();
    return parseP256Key(u"[push] %1 %2"_s.arg(setting, path), std::move(*pem));
}

Status PushConfig::checkWebPushEndpoint(const QUrl &endpoint) const
{
    if (webPushAllowPrivateEndpoints)
        return {};
    const QString host = endpoint.host().toLower();
    const Error refused = makeError(ErrorCode::Forbidden, u"endpoint: this server does not send to internal addresses"_s);
    if (host == u"localhost"_s || host.endsWith(u".localhost"_s) || (!host.contains(u'.') && !host.contains(u':')))
        return refused;
    QHostAddress address;
    if (!address.setAddress(host))
        return {};   // a name: the push service's own
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        bool mapped = false;
        const QHostAddress v4(address.toIPv4Address(&mapped));
        if (mapped)
            address = v4;
    }
    static const QStringList internal = {
        u"0.0.0.0/8"_s, u"10.0.0.0/8"_s, u"100.64.0.0/10"_s, u"127.0.0.0/8"_s, u"169.254.0.0/16"_s, u"172.16.0.0/12"_s,
        u"192.0.0.0/24"_s, u"192.168.0.0/16"_s, u"198.18.0.0/15"_s, u"224.0.0.0/3"_s,
        u"::/128"_s, u"::1/128"_s, u"fc00::/7"_s, u"fe80::/10"_s, u"ff00::/8"_s,
    };
    for (const QString &subnet : internal) {
        if (address.isInSubnet(QHostAddress::parseSubnet(subnet)))
            return refused;
    }
    return {};
}

Result<QUrl> PushConfig::parseEndpoint(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || url.hasQuery() || url.hasFragment()
        || !(url.path().isEmpty() || url.path() == u"/"_s) || !url.userInfo().isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"expected an https URL without path, e.g. https://host:port"_s);
    QUrl clean = url;
    clean.setPath(QString());
    return clean;
}

Result<QUrl> PushConfig::parseHttpsUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || !url.userInfo().isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"expected an https URL"_s);
    return url;
}

Result<QNetworkProxy> PushConfig::parseProxy(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0 || !(url.path().isEmpty() || url.path() == u"/"_s))
        return makeError(ErrorCode::InvalidArgument, u"expected a proxy URL such as http://host:port or socks5://host:port"_s);
    QNetworkProxy proxy;
    if (url.scheme() == u"http"_s)
        proxy.setType(QNetworkProxy::HttpProxy);
    else if (url.scheme() == u"socks5"_s)
        proxy.setType(QNetworkProxy::Socks5Proxy);
    else
        return makeError(ErrorCode::InvalidArgument, u"proxy scheme must be http or socks5"_s);
    proxy.setHostName(url.host());
    proxy.setPort(quint16(url.port()));
    if (!url.userName().isEmpty()) {
        proxy.setUser(url.userName());
        proxy.setPassword(url.password());
    }
    return proxy;
}

} // namespace parley::server
