#include "relay/turnsettings.h"

#include "crypto/crypto.h"

#include <QHostAddress>
#include <QMutexLocker>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// A DNS name as RFC 3986's reg-name takes it for a relay: dot-separated labels of letters, digits and hyphens,
// none empty, none starting or ending with a hyphen.
bool isHostName(QStringView host)
{
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (const QStringView label : host.split(u'.')) {
        if (label.isEmpty() || label.size() > 63 || label.front() == u'-' || label.back() == u'-')
            return false;
        for (const QChar c : label) {
            const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-';
            if (!ok)
                return false;
        }
    }
    return true;
}

} // namespace

QString TurnSettings::checkUri(const QString &uri)
{
    if (uri.toUtf8().size() > MaxUriBytes)
        return u"at most %1 bytes"_s.arg(MaxUriBytes);
    const qsizetype colon = uri.indexOf(u':');
    const QString scheme = uri.left(colon).toLower();
    const bool turn = scheme == u"turn"_s || scheme == u"turns"_s;
    if (colon < 0 || (!turn && scheme != u"stun"_s && scheme != u"stuns"_s))
        return u"expected a turn:, turns:, stun: or stuns: URI"_s;
    QStringView rest = QStringView(uri).mid(colon + 1);
    if (rest.startsWith(u"//"))
        return u"no // after the scheme (RFC 7064, RFC 7065)"_s;
    const qsizetype question = rest.indexOf(u'?');
    if (question >= 0) {
        if (!turn)
            return u"a stun: or stuns: URI takes no query"_s;
        const QStringView query = rest.mid(question + 1);
        if (query != u"transport=udp" && query != u"transport=tcp")
            return u"the only query is ?transport=udp or ?transport=tcp"_s;
        rest = rest.left(question);
    }
    QStringView host = rest;
    QStringView port;
    if (rest.startsWith(u'[')) {
        const qsizetype close = rest.indexOf(u']');
        if (close < 0)
            return u"an IPv6 address needs its closing ]"_s;
        host = rest.mid(1, close - 1);
        const QStringView after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':'))
                return u"expected :PORT after the IPv6 address"_s;
            port = after.mid(1);
            if (port.isEmpty())
                return u"an empty port"_s;
        }
        QHostAddress address;
        if (!address.setAddress(host.toString()) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return u"not an IPv6 address between [ and ]"_s;
    } else {
        const qsizetype c = rest.lastIndexOf(u':');
        if (c >= 0) {
            host = rest.left(c);
            port = rest.mid(c + 1);
            if (port.isEmpty())
                return u"an empty port"_s;
        }
        if (!isHostName(host))   // IPv4 addresses are host names by these rules too
            return u"expected a host name, an IPv4 address or [an IPv6 address]"_s;
    }
    if (!port.isEmpty()) {
        bool ok = false;
        const uint n = port.toUInt(&ok);
        for (const QChar c : port)
            ok = ok && c.isDigit() && c.unicode() < 0x80;
        if (!ok || n < 1 || n > 65535)
            return u"the port must be 1 to 65535"_s;
    }
    return {};
}

QString TurnSettings::checkSecret(const QString &secret)
{
    if (secret.size() < MinSecretBytes || secret.size() > MaxSecretBytes)
        return u"%1 to %2 characters"_s.arg(MinSecretBytes).arg(MaxSecretBytes);
    for (const QChar c : secret) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return u"printable ASCII characters only, no spaces"_s;
    }
    return {};
}

Result<QString> TurnSettings::pseudonym(QByteArrayView secret, const QString &user, quint32 device)
{
    QByteArray input("parley-turn-id");
    input.append('\0').append(user.toUtf8()).append('\0');
    char number[4];
    qToBigEndian(device, number);
    input.append(number, 4);
    auto mac = crypto::hmacSha256(secret, input);
    if (!mac)
        return mac.error();
    return QString::fromLatin1(mac->toHex().left(16));
}

Result<TurnCredentials> TurnSettings::issue(const TurnConfig &config, const QString &user, quint32 device, qint64 nowSeconds)
{
    auto id = pseudonym(config.secret, user, device);
    if (!id)
        return id.error();
    TurnCredentials c;
    c.uris = config.uris;
    c.ttlSeconds = config.ttlSeconds;
    c.expiresAt = nowSeconds + config.ttlSeconds;
    c.user = QString::number(c.expiresAt) + u':' + *id;
    auto mac = crypto::hmacSha1(config.secret, c.user.toUtf8());
    if (!mac)
        return mac.error();
    c.password = QString::fromLatin1(mac->toBase64());
    return c;
}

void TurnSettings::set(std::optional<TurnConfig> config)
{
    QMutexLocker lock(&m_mutex);
    m_config = std::move(config);
}

std::optional<TurnConfig> TurnSettings::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_config;
}

Result<std::optional<TurnCredentials>> TurnSettings::issue(const QString &user, quint32 device, qint64 nowSeconds) const
{
    const std::optional<TurnConfig> config = current();
    if (!config)
        return std::optional<TurnCredentials>();
    auto c = issue(*config, user, device, nowSeconds);
    if (!c)
        return c.error();
    return std::optional<TurnCredentials>(std::move(*c));
}

} // namespace parley::server
