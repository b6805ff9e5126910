#include "directory/directoryconfig.h"

#include "protocol/frame.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QUrl>

#include <ldap.h>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// An attribute description: a name (letter, then letters, digits, hyphens) or a numeric OID (RFC 4512 1.4).
bool isAttributeName(const QString &name)
{
    static const QRegularExpression re(u"^(?:[A-Za-z][A-Za-z0-9-]{0,127}|[0-9]+(?:\\.[0-9]+)+)$"_s);
    return re.match(name).hasMatch();
}

bool isDn(const QString &dn)
{
    if (dn.isEmpty() || dn.contains(QChar(0)))
        return false;
    LDAPDN parsed = nullptr;
    const QByteArray utf8 = dn.toUtf8();
    const int rc = ldap_str2dn(utf8.constData(), &parsed, LDAP_DN_FORMAT_LDAPV3);
    if (parsed)
        ldap_dnfree(parsed);
    return rc == LDAP_SUCCESS;
}

// A search filter in parentheses with balanced parentheses (RFC 4515). The directory server checks the rest; a filter
// it cannot take fails the sync with its message.
bool isFilter(const QString &filter)
{
    if (!filter.startsWith(u'(') || !filter.endsWith(u')') || filter.contains(QChar(0)))
        return false;
    int depth = 0;
    for (qsizetype i = 0; i < filter.size(); ++i) {
        const QChar c = filter.at(i);
        if (c == u'\\') {   // an escaped byte: \XX
            ++i;
            continue;
        }
        if (c == u'(')
            ++depth;
        else if (c == u')' && --depth < 0)
            return false;
        if (depth == 0 && i + 1 < filter.size())
            return false;
    }
    return depth == 0;
}

} // namespace

bool DirectoryConfig::ldaps() const
{
    return QUrl(url).scheme() == u"ldaps"_s;
}

QString DirectoryConfig::host() const
{
    return QUrl(url).host();
}

int DirectoryConfig::port() const
{
    return QUrl(url).port(ldaps() ? 636 : 389);
}

QString DirectoryConfig::checkUrl(const QString &text, bool startTls)
{
    const QUrl u(text, QUrl::StrictMode);
    const QString scheme = u.scheme();
    if (!u.isValid() || (scheme != u"ldaps"_s && scheme != u"ldap"_s) || u.host().isEmpty() || !u.userInfo().isEmpty()
        || (!u.path().isEmpty() && u.path() != u"/"_s) || u.hasQuery() || u.hasFragment())
        return u"expected ldaps://HOST[:PORT], or ldap://HOST[:PORT] with starttls"_s;
    if (scheme == u"ldap"_s && !startTls)
        return u"ldap:// without starttls would send the bind password and the directory in the clear; use ldaps:// "
               "or set starttls"_s;
    if (scheme == u"ldaps"_s && startTls)
        return u"ldaps:// is TLS from the first byte; starttls is for ldap:// only"_s;
    if (u.port() == 0)
        return u"the port must be 1 to 65535"_s;
    return {};
}

std::optional<DirectoryRoomMapping> DirectoryConfig::parseRoom(const QString &text)
{
    const qsizetype at = text.lastIndexOf(u'=');
    if (at <= 0)
        return std::nullopt;
    DirectoryRoomMapping m{text.left(at).trimmed(), text.mid(at + 1).trimmed()};
    if (m.group.isEmpty() || !protocol::isValidUserName(m.room))
        return std::nullopt;
    return m;
}

QString DirectoryConfig::check() const
{
    if (const QString bad = checkUrl(url, startTls); !bad.isEmpty())
        return u"url: "_s + bad;
    if (caCertificate.contains(u"PRIVATE KEY"_s))
        return u"ca_certificate: holds a private key; give the CA certificate only"_s;
    if (QSslCertificate::fromData(caCertificate.toUtf8(), QSsl::Pem).isEmpty())
        return u"ca_certificate: expected the PEM certificate of the CA that issued the directory server's certificate"_s;
    if (!bindDn.isEmpty() && !isDn(bindDn))
        return u"bind_dn: not a distinguished name (RFC 4514)"_s;
    if (!bindDn.isEmpty() && !hasPassword())
        return u"password: required with bind_dn (password, or password_file on the server host)"_s;
    if (bindDn.isEmpty() && hasPassword())
        return u"bind_dn: required with a password"_s;
    if (!passwordFile.isEmpty() && !storedPassword.isEmpty())
        return u"password_file: give either password or password_file"_s;
    if (!passwordFile.isEmpty() && (!QDir::isAbsolutePath(passwordFile) || passwordFile.contains(QChar(0))))
        return u"password_file: expected an absolute path on the server host"_s;
    if (!isDn(baseDn))
        return u"base_dn: not a distinguished name (RFC 4514)"_s;
    if (!isFilter(userFilter))
        return u"user_filter: expected an LDAP filter in parentheses, e.g. (objectClass=person)"_s;
    if (!groupFilter.isEmpty() && !isFilter(groupFilter))
        return u"group_filter: expected an LDAP filter in parentheses, e.g. (objectClass=groupOfNames)"_s;
    const std::pair<const char *, const QString *> attributes[] = {
        {"name_attribute", &nameAttribute},
        {"display_name_attribute", &displayNameAttribute},
        {"group_name_attribute", &groupNameAttribute},
        {"member_attribute", &memberAttribute},
    };
    for (const auto &[key, value] : attributes) {
        if (!isAttributeName(*value))
            return QString::fromLatin1(key) + u": not an attribute name"_s;
    }
    if (!disabledAttribute.isEmpty() && !isAttributeName(disabledAttribute))
        return u"disabled_attribute: not an attribute name"_s;
    if (disabledAttribute.isEmpty() && (!disabledValue.isEmpty() || disabledBit != 0))
        return u"disabled_attribute: required with disabled_value or disabled_bit"_s;
    if (!disabledValue.isEmpty() && disabledBit != 0)
        return u"disabled_value: give either disabled_value or disabled_bit"_s;
    if (disabledBit > 0xffffffffULL)
        return u"disabled_bit: at most 32 bits (AD's userAccountControl: 2)"_s;
    if (rooms.size() > MaxRooms)
        return u"rooms: at most %1 mappings"_s.arg(MaxRooms);
    if (!rooms.isEmpty() && groupFilter.isEmpty())
        return u"rooms: needs group_filter (the groups are read with it)"_s;
    if (intervalSeconds != 0 && (intervalSeconds < MinIntervalSeconds || intervalSeconds > MaxIntervalSeconds))
        return u"interval_seconds: 0 (on demand only) or %1 to %2"_s.arg(MinIntervalSeconds).arg(MaxIntervalSeconds);
    if (graceSeconds < 0 || graceSeconds > MaxGraceSeconds)
        return u"grace_seconds: 0 to %1"_s.arg(MaxGraceSeconds);
    if (pageSize < 1 || pageSize > MaxPageSize)
        return u"page_size: 1 to %1"_s.arg(MaxPageSize);
    if (validHours < 1 || validHours > MaxValidHours)
        return u"valid_hours: 1 to %1"_s.arg(MaxValidHours);
    return {};
}

QString DirectoryConfig::encode() const
{
    QJsonObject o;
    o.insert(u"url"_s, url);
    o.insert(u"starttls"_s, startTls);
    o.insert(u"ca_certificate"_s, caCertificate);
    o.insert(u"bind_dn"_s, bindDn);
    o.insert(u"password_file"_s, passwordFile);
    o.insert(u"stored_password"_s, storedPassword);
    o.insert(u"base_dn"_s, baseDn);
    o.insert(u"user_filter"_s, userFilter);
    o.insert(u"group_filter"_s, groupFilter);
    o.insert(u"name_attribute"_s, nameAttribute);
    o.insert(u"display_name_attribute"_s, displayNameAttribute);
    o.insert(u"disabled_attribute"_s, disabledAttribute);
    o.insert(u"disabled_value"_s, disabledValue);
    o.insert(u"disabled_bit"_s, double(disabledBit));
    o.insert(u"group_name_attribute"_s, groupNameAttribute);
    o.insert(u"member_attribute"_s, memberAttribute);
    QJsonArray rooms;
    for (const DirectoryRoomMapping &m : this->rooms)
        rooms.append(QJsonObject{{u"group"_s, m.group}, {u"room"_s, m.room}});
    o.insert(u"rooms"_s, rooms);
    o.insert(u"interval_seconds"_s, intervalSeconds);
    o.insert(u"grace_seconds"_s, double(graceSeconds));
    o.insert(u"page_size"_s, pageSize);
    o.insert(u"valid_hours"_s, validHours);
    o.insert(u"updated_at"_s, double(updatedAt));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<DirectoryConfig> DirectoryConfig::decode(const QString &value)
{
    const QJsonObject o = QJsonDocument::fromJson(value.toUtf8()).object();
    if (o.isEmpty())
        return std::nullopt;
    DirectoryConfig c;
    c.url = o.value(u"url"_s).toString();
    c.startTls = o.value(u"starttls"_s).toBool();
    c.caCertificate = o.value(u"ca_certificate"_s).toString();
    c.bindDn = o.value(u"bind_dn"_s).toString();
    c.passwordFile = o.value(u"password_file"_s).toString();
    c.storedPassword = o.value(u"stored_password"_s).toString();
    c.baseDn = o.value(u"base_dn"_s).toString();
    c.userFilter = o.value(u"user_filter"_s).toString();
    c.groupFilter = o.value(u"group_filter"_s).toString();
    c.nameAttribute = o.value(u"name_attribute"_s).toString();
    c.displayNameAttribute = o.value(u"display_name_attribute"_s).toString();
    c.disabledAttribute = o.value(u"disabled_attribute"_s).toString();
    c.disabledValue = o.value(u"disabled_value"_s).toString();
    c.disabledBit = quint64(o.value(u"disabled_bit"_s).toInteger());
    c.groupNameAttribute = o.value(u"group_name_attribute"_s).toString();
    c.memberAttribute = o.value(u"member_attribute"_s).toString();
    for (const QJsonValue &m : o.value(u"rooms"_s).toArray())
        c.rooms.append({m.toObject().value(u"group"_s).toString(), m.toObject().value(u"room"_s).toString()});
    c.intervalSeconds = o.value(u"interval_seconds"_s).toInt();
    c.graceSeconds = o.value(u"grace_seconds"_s).toInteger(-1);   // unreadable: refused by check()
    c.pageSize = o.value(u"page_size"_s).toInt();
    c.validHours = o.value(u"valid_hours"_s).toInt();
    c.updatedAt = o.value(u"updated_at"_s).toInteger();
    if (!c.check().isEmpty())
        return std::nullopt;
    return c;
}

} // namespace parley::server
