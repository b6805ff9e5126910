// Every mistaken input to the admin API is refused with the error it deserves: one table of calls, arguments and
// error codes (the wrong types, sizes and keys generated from the call table itself, the unacceptable values
// written out per call), and the same refusals through parleyctl with exit codes scripts can trust. A new call
// must add its rows to invalidValues() (everyCallHasInvalidValueRows checks it).

#include "adminfixture.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

struct Refusal {
    QString call;
    QCborMap args;
    QLatin1StringView error;
};

const QLatin1StringView Invalid = proto::errors::InvalidArgument;
const QString TurnSecret = u"a-turn-shared-secret-0123"_s;
// A CA certificate for directory.set (self-signed, P-256, valid until 2126).
const QString DirectoryCa = u"-----BEGIN CERTIFICATE-----\n"
                            "MIIBhzCCAS2gAwIBAgIUfZfcGAgOIl0dr1aEqOdo021OJvwwCgYIKoZIzj0EAwIw\n"
                            "GDEWMBQGA1UEAwwNSW5wdXQgdGVzdCBDQTAgFw0yNjEyMDQyMzU1MjJaGA8yMTI2\n"
                            "MTExMDIzNTUyMlowGDEWMBQGA1UEAwwNSW5wdXQgdGVzdCBDQTBZMBMGByqGSM49\n"
                            "AgEGCCqGSM49AwEHA0IABIv8HgQr4AKOn5ulYZLNR8T83EiSGWNl5I0Rhct4EjMc\n"
                            "VB/Io4kEnkqJjj5tTMO8Nw8wA9DZooxERO0aiE0JxvGjUzBRMB0GA1UdDgQWBBTx\n"
                            "UxUPeoqQpUFiClyT8vdAX4d7+jAfBgNVHSMEGDAWgBTxUxUPeoqQpUFiClyT8vdA\n"
                            "X4d7+jAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQC9tLloUjv7\n"
                            "VWdKM1Mu7ow4HsBYYnlaK1rUHsivO5Y2OwIgPtjMQuGz2y13PKlymQkBiczoQvuL\n"
                            "GMXuOmFyE1twrhU=\n"
                            "-----END CERTIFICATE-----\n"_s;

// sso.set's arguments of a usable provider with `more`.
QCborMap sso(const QCborMap &more)
{
    QCborMap m{{u"issuer"_s, u"https://login.example.org/realms/staff"_s}, {u"client_id"_s, u"parley"_s},
               {u"client_secret"_s, u"a client secret"_s}};
    for (auto it = more.constBegin(); it != more.constEnd(); ++it)
        m.insert(it.key(), it.value());
    return m;
}

// directory.set's required arguments (a usable directory) with `more`.
QCborMap directory(const QCborMap &more)
{
    QCborMap m{{u"url"_s, u"ldaps://ldap.example.org"_s}, {u"ca_certificate"_s, DirectoryCa},
               {u"base_dn"_s, u"dc=example,dc=org"_s}};
    for (auto it = more.constBegin(); it != more.constEnd(); ++it)
        m.insert(it.key(), it.value());
    return m;
}

// Well-formed arguments with values no call may accept.
QList<Refusal> invalidValues()
{
    const QString strong = u"Another sturdy passphrase 5"_s;
    const qint64 tenYearsOn = QDateTime::currentMSecsSinceEpoch() + 3700LL * 24 * 3600 * 1000;   // a bot lives ten at most
    return {
        {u"login"_s, {{u"name"_s, u""_s}, {u"password"_s, u"x"_s}}, proto::errors::Unauthorized},   // as unknown names
        {u"password.change"_s, {{u"password"_s, AdminPassword}, {u"new_password"_s, AdminPassword}}, Invalid},
        {u"password.change"_s, {{u"password"_s, AdminPassword}, {u"new_password"_s, u"short"_s}}, Invalid},

        {u"user.create"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.create"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},
        {u"user.create"_s, {{u"name"_s, u"-dash"_s}}, Invalid},
        {u"user.create"_s, {{u"name"_s, u"okname"_s}, {u"valid_hours"_s, 0}}, Invalid},
        {u"user.create"_s, {{u"name"_s, u"okname"_s}, {u"valid_hours"_s, 24 * 366 + 1}}, Invalid},
        {u"user.code"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.code"_s, {{u"name"_s, u"okname"_s}, {u"valid_hours"_s, 0}}, Invalid},
        {u"user.show"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.show"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},
        {u"user.devices"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.revoke_device"_s, {{u"name"_s, u""_s}, {u"device"_s, 1}}, Invalid},
        {u"user.revoke_device"_s, {{u"name"_s, u"okname"_s}, {u"device"_s, 0}}, Invalid},
        {u"user.revoke_device"_s, {{u"name"_s, u"okname"_s}, {u"device"_s, qint64(1) << 32}}, Invalid},
        {u"user.suspend"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.resume"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},
        {u"user.delete"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.sign_out"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"user.sign_out"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},
        {u"user.import"_s, {{u"csv"_s, u""_s}}, Invalid},
        {u"user.import"_s, {{u"csv"_s, u"name\r\n"_s}}, Invalid},
        {u"user.import"_s, {{u"csv"_s, u"name\n\"unterminated,\n"_s}}, Invalid},
        {u"user.import"_s, {{u"csv"_s, u"name,display_name\nokname,Ok\n"_s}}, Invalid},
        {u"user.import"_s, {{u"csv"_s, u"okname\n"_s}, {u"valid_hours"_s, 0}}, Invalid},
        {u"user.create"_s, {{u"name"_s, u"people.bot"_s}}, Invalid},   // names ending in .bot are bots'

        {u"bots.create"_s, {{u"name"_s, u""_s}, {u"scope"_s, QCborArray{u"any"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"okname"_s}, {u"scope"_s, QCborArray{u"any"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"Bad Name.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"everyone"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s, u"user:alice"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"user:Bad Name"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"room:"_s}}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"expires_at"_s, 1}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"expires_at"_s, tenYearsOn}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"rate"_s, 0}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"rate"_s, 10001}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"burst"_s, 0}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"burst"_s, 100001}}, Invalid},
        {u"bots.create"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}, {u"valid_hours"_s, 0}}, Invalid},
        {u"bots.update"_s, {{u"name"_s, u""_s}, {u"rate"_s, 2}}, Invalid},
        {u"bots.update"_s, {{u"name"_s, u"ok.bot"_s}}, Invalid},
        {u"bots.update"_s, {{u"name"_s, u"ok.bot"_s}, {u"rate"_s, 0}}, Invalid},
        {u"bots.update"_s, {{u"name"_s, u"ok.bot"_s}, {u"scope"_s, QCborArray{u"nope"_s}}}, Invalid},
        {u"bots.update"_s, {{u"name"_s, u"ok.bot"_s}, {u"expires_at"_s, 1}}, Invalid},
        {u"bots.revoke"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"bots.revoke"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},

        {u"cert.install"_s, {{u"certificate"_s, u""_s}, {u"private_key"_s, u""_s}}, Invalid},
        {u"cert.install"_s, {{u"certificate"_s, u"not pem"_s}, {u"private_key"_s, u"not pem"_s}}, Invalid},
        {u"cert.csr"_s, {{u"common_name"_s, u""_s}}, Invalid},
        {u"cert.csr"_s, {{u"common_name"_s, u"  "_s}}, Invalid},
        {u"cert.csr"_s, {{u"common_name"_s, u"a\u0001b"_s}}, Invalid},
        {u"cert.csr"_s, {{u"common_name"_s, u"parley.example"_s}, {u"dns"_s, u"bad name!"_s}}, Invalid},
        {u"cert.csr"_s, {{u"common_name"_s, u"parley.example"_s}, {u"dns"_s, u"ok.example,a..b"_s}}, Invalid},

        {u"log.set_level"_s, {{u"category"_s, u"nosuch"_s}, {u"level"_s, u"debug"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"parley.rely"_s}, {u"level"_s, u"debug"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u""_s}, {u"level"_s, u"info"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"par*ley.relay"_s}, {u"level"_s, u"info"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"nosuch.*"_s}, {u"level"_s, u"info"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"bad category!"_s}, {u"level"_s, u"info"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"parley.relay"_s}, {u"level"_s, u"loud"_s}}, Invalid},
        {u"log.set_level"_s, {{u"category"_s, u"parley.relay"_s}, {u"level"_s, u""_s}}, Invalid},
        {u"log.show"_s, {{u"level"_s, u"off"_s}}, Invalid},
        {u"log.show"_s, {{u"level"_s, u"loud"_s}}, Invalid},
        {u"log.show"_s, {{u"limit"_s, 0}}, Invalid},
        {u"log.show"_s, {{u"limit"_s, 5001}}, Invalid},
        {u"log.retention"_s, {{u"days"_s, 0}}, Invalid},
        {u"log.retention"_s, {{u"days"_s, 3651}}, Invalid},

        {u"proxy.set"_s, {{u"type"_s, u"gopher"_s}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u""_s}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"http"_s}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"a b"_s}, {u"port"_s, 8080}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"a\tb"_s}, {u"port"_s, 8080}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"socks5"_s}, {u"host"_s, u"proxy.example"_s}, {u"port"_s, 0}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"socks5"_s}, {u"host"_s, u"proxy.example"_s}, {u"port"_s, 65536}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"http"_s}, {u"host"_s, u"proxy.example"_s}, {u"port"_s, 8080}, {u"password"_s, u"p"_s}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"none"_s}, {u"host"_s, u"proxy.example"_s}}, Invalid},
        {u"proxy.set"_s, {{u"type"_s, u"none"_s}, {u"port"_s, 8080}}, Invalid},
        {u"proxy.test"_s, {{u"host"_s, u""_s}, {u"port"_s, 80}}, Invalid},
        {u"proxy.test"_s, {{u"host"_s, u"a b"_s}, {u"port"_s, 80}}, Invalid},
        {u"proxy.test"_s, {{u"host"_s, u"example.org"_s}, {u"port"_s, 0}}, Invalid},
        {u"proxy.test"_s, {{u"host"_s, u"example.org"_s}, {u"port"_s, 65536}}, Invalid},

        {u"push.set_apns"_s, {{u"key"_s, u""_s}, {u"key_id"_s, u""_s}, {u"team_id"_s, u""_s}}, Invalid},
        {u"push.set_fcm"_s, {{u"service_account"_s, u""_s}}, Invalid},
        {u"push.set_fcm"_s, {{u"service_account"_s, u"[]"_s}}, Invalid},
        {u"push.set_webpush"_s, {{u"subject"_s, u""_s}}, Invalid},
        {u"push.set_webpush"_s, {{u"subject"_s, u"ftp://example.org"_s}}, Invalid},
        {u"push.clear"_s, {{u"provider"_s, u""_s}}, Invalid},
        {u"push.clear"_s, {{u"provider"_s, u"gcm"_s}}, Invalid},

        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"http://turn.example"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example:0"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"stun:turn.example?transport=udp"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example?transport=sctp"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s, u"turn:a b"_s}}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s}}, {u"ttl"_s, 9}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s}}, {u"ttl"_s, 86401}, {u"secret"_s, TurnSecret}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s}}, {u"secret"_s, u"short"_s}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s}}, {u"secret"_s, u"has a space in it here"_s}}, Invalid},
        {u"turn.set"_s, {{u"uris"_s, QCborArray{u"turn:turn.example"_s}}}, Invalid},   // no secret set yet

        {u"admin.create"_s, {{u"name"_s, u""_s}, {u"password"_s, strong}}, Invalid},
        {u"admin.create"_s, {{u"name"_s, u"ops2"_s}, {u"password"_s, u"weak"_s}}, Invalid},
        {u"admin.delete"_s, {{u"name"_s, u""_s}}, Invalid},
        {u"admin.delete"_s, {{u"name"_s, u"Bad Name"_s}}, Invalid},
        {u"admin.set_password"_s, {{u"name"_s, u""_s}, {u"password"_s, strong}}, Invalid},
        {u"totp.enable"_s, {{u"code"_s, u""_s}}, Invalid},
        {u"totp.enable"_s, {{u"code"_s, u"12a456"_s}}, Invalid},
        {u"totp.disable"_s, {{u"name"_s, u""_s}}, Invalid},

        {u"audit.show"_s, {{u"limit"_s, 0}}, Invalid},
        {u"audit.show"_s, {{u"limit"_s, 100001}}, Invalid},
        {u"audit.show"_s, {{u"since"_s, 2}, {u"until"_s, 1}}, Invalid},
        {u"audit.export"_s, {{u"since"_s, 2}, {u"until"_s, 1}}, Invalid},

        {u"rooms.defaults"_s, {{u"max_members"_s, 0}}, Invalid},
        {u"rooms.defaults"_s, {{u"max_members"_s, qint64(1) << 40}}, Invalid},
        {u"rooms.defaults"_s, {{u"max_expire_seconds"_s, qint64(1) << 33}}, Invalid},
        {u"rooms.defaults"_s, {{u"max_expire_seconds"_s, 60}, {u"default_expire_seconds"_s, 120}}, Invalid},
        {u"rooms.show"_s, {{u"room"_s, u""_s}}, Invalid},
        {u"files.set"_s, {}, Invalid},
        {u"files.set"_s, {{u"max_file"_s, 0}}, Invalid},
        {u"files.set"_s, {{u"user_quota"_s, (qint64(1) << 50) + 1}}, Invalid},
        {u"files.usage"_s, {{u"user"_s, u"Bad Name"_s}}, Invalid},
        {u"rooms.policy"_s, {{u"room"_s, u""_s}, {u"expire_seconds"_s, 60}}, Invalid},
        {u"rooms.policy"_s, {{u"room"_s, u"lobby"_s}}, Invalid},
        {u"rooms.policy"_s, {{u"room"_s, u"lobby"_s}, {u"expire_seconds"_s, (qint64(1) << 32) + 1}}, Invalid},
        {u"rooms.delete"_s, {{u"room"_s, u""_s}}, Invalid},

        {u"directory.set"_s, directory({{u"url"_s, u"ldap://ldap.example.org"_s}}), Invalid},   // no StartTLS
        {u"directory.set"_s, directory({{u"url"_s, u"ldaps://ldap.example.org"_s}, {u"starttls"_s, true}}), Invalid},
        {u"directory.set"_s, directory({{u"url"_s, u"https://ldap.example.org"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"url"_s, u"ldaps://ldap.example.org/dc=example?uid"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"url"_s, u"ldaps://"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"ca_certificate"_s, u"not pem"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"ca_certificate"_s, DirectoryCa + u"-----BEGIN PRIVATE KEY-----\n"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"base_dn"_s, u"not a dn"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"bind_dn"_s, u"cn=sync,dc=example,dc=org"_s}}), Invalid},   // no password
        {u"directory.set"_s, directory({{u"password"_s, u"a password"_s}}), Invalid},                    // no bind_dn
        {u"directory.set"_s, directory({{u"bind_dn"_s, u"cn=sync,dc=example,dc=org"_s}, {u"password"_s, u""_s}}), Invalid},
        {u"directory.set"_s, directory({{u"bind_dn"_s, u"cn=sync,dc=example,dc=org"_s}, {u"password"_s, u"a password"_s},
                                        {u"password_file"_s, u"/etc/parleyd/ldap-password"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"bind_dn"_s, u"cn=sync,dc=example,dc=org"_s}, {u"password_file"_s, u"relative"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"bind_dn"_s, u"cn=sync,dc=example,dc=org"_s},
                                        {u"password_file"_s, u"/nonexistent/ldap-password"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"user_filter"_s, u"objectClass=person"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"user_filter"_s, u"(objectClass=person))("_s}}), Invalid},
        {u"directory.set"_s, directory({{u"group_filter"_s, u"(cn=x"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"name_attribute"_s, u"not an attribute"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"disabled_value"_s, u"disabled"_s}}), Invalid},   // no disabled_attribute
        {u"directory.set"_s, directory({{u"disabled_attribute"_s, u"userAccountControl"_s}, {u"disabled_value"_s, u"x"_s},
                                        {u"disabled_bit"_s, 2}}), Invalid},
        {u"directory.set"_s, directory({{u"disabled_attribute"_s, u"userAccountControl"_s}, {u"disabled_bit"_s, qint64(1) << 32}}), Invalid},
        {u"directory.set"_s, directory({{u"rooms"_s, QCborArray{u"staff"_s}}, {u"group_filter"_s, u"(objectClass=groupOfNames)"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"rooms"_s, QCborArray{u"staff=Bad Room"_s}}, {u"group_filter"_s, u"(cn=*)"_s}}), Invalid},
        {u"directory.set"_s, directory({{u"rooms"_s, QCborArray{u"staff=staffroom"_s}}}), Invalid},   // no group_filter
        {u"directory.set"_s, directory({{u"interval_seconds"_s, 9}}), Invalid},
        {u"directory.set"_s, directory({{u"interval_seconds"_s, 7 * 24 * 3600 + 1}}), Invalid},
        {u"directory.set"_s, directory({{u"grace_seconds"_s, 366 * 24 * 3600 + 1}}), Invalid},
        {u"directory.set"_s, directory({{u"page_size"_s, 0}}), Invalid},
        {u"directory.set"_s, directory({{u"page_size"_s, 1001}}), Invalid},
        {u"directory.set"_s, directory({{u"valid_hours"_s, 0}}), Invalid},

        {u"sso.set"_s, sso({{u"issuer"_s, u"http://login.example.org"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"issuer"_s, u"https://login.example.org/?tenant=1"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"issuer"_s, u"login.example.org"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"client_id"_s, u"two words"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"client_id"_s, u""_s}}), Invalid},
        {u"sso.set"_s, sso({{u"client_secret"_s, u""_s}}), Invalid},
        {u"sso.set"_s, sso({{u"client_secret"_s, u"two\nlines"_s}}), Invalid},
        {u"sso.set"_s, QCborMap{{u"issuer"_s, u"https://login.example.org"_s}, {u"client_id"_s, u"parley"_s}}, Invalid},   // no secret set yet
        {u"sso.set"_s, sso({{u"listen"_s, u"localhost:8445"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"listen"_s, u"127.0.0.1:65536"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"listen"_s, u"::1:8445"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"public_url"_s, u"https://parley.example.org/sso"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"public_url"_s, u"http://parley.example.org"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"username_claim"_s, u"sub"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"code_valid_seconds"_s, 59}}), Invalid},
        {u"sso.set"_s, sso({{u"code_valid_seconds"_s, 86401}}), Invalid},
        {u"sso.set"_s, sso({{u"ca_certificate"_s, u"not a certificate"_s}}), Invalid},
        {u"sso.set"_s, sso({{u"ca_certificate"_s, DirectoryCa + u"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"_s}}), Invalid},
    };
}

// Calls whose every argument is a free filter (any substring matches or none does, any time has samples after it or
// none: status.history's since) or a flag (directory.sync's dry_run): nothing to refuse but what the call table
// already refuses.
const QStringList FreeFilterCalls = {u"status.history"_s, u"user.list"_s, u"rooms.list"_s, u"directory.sync"_s,
                                     u"bots.list"_s};

// Arguments that do not fit the call table: a wrong type, too long a text, a negative number, an unknown key, a
// required key missing. Made for every call from the table itself.
QList<Refusal> illFormed()
{
    QList<Refusal> out;
    for (const proto::Call &call : proto::calls()) {
        const QString name = call.name;
        out << Refusal{name, {{u"nosuch"_s, u"x"_s}}, proto::errors::BadRequest};
        bool required = false;
        for (const proto::Arg &arg : call.args) {
            const QString key = arg.key;
            required = required || arg.required;
            switch (arg.kind) {
            case proto::ArgKind::Text:
                out << Refusal{name, {{key, 5}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QCborMap{{u"a"_s, 1}}}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QString(arg.maxBytes + 1, u'a')}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QString(arg.maxBytes / 2 + 1, QChar(0xe9))}}, proto::errors::BadRequest};   // bytes, not characters
                break;
            case proto::ArgKind::Uint:
                out << Refusal{name, {{key, u"1"_s}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, -1}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, 1.5}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, true}}, proto::errors::BadRequest};
                break;
            case proto::ArgKind::Bool:
                out << Refusal{name, {{key, 1}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, u"true"_s}}, proto::errors::BadRequest};
                break;
            case proto::ArgKind::TextList: {
                out << Refusal{name, {{key, u"x"_s}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QCborArray()}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QCborArray{5}}}, proto::errors::BadRequest};
                out << Refusal{name, {{key, QCborArray{QString(arg.maxBytes + 1, u'a')}}}, proto::errors::BadRequest};
                QCborArray tooMany;
                for (qsizetype i = 0; i <= arg.maxItems; ++i)
                    tooMany.append(u"x"_s);
                out << Refusal{name, {{key, tooMany}}, proto::errors::BadRequest};
                break;
            }
            }
        }
        if (required)
            out << Refusal{name, {}, proto::errors::BadRequest};
    }
    return out;
}

} // namespace

class TestAdminInput : public AdminTest {
    Q_OBJECT

    ParleyctlRunner m_ctl;

    int ctl(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr) { return m_ctl.run(args, out, err); }

    QStringList userNames()
    {
        QStringList names;
        for (const QCborValue &u : m_api->call(u"user.list"_s).result.value("users"_L1).toArray())
            names << u.toMap().value("name"_L1).toString();
        names.sort();
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_ctl.isValid());
        const QString pwFile = m_ctl.passwordFile(AdminPassword);
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, pwFile}), 0);
        QVERIFY(sql({u"INSERT INTO rooms (name, title, description, expire_seconds, burn, next_seq, head, last_at, created_at) "
                     "VALUES ('lobby', 'Lobby', '', 0, 0, 1, x'00', 1, 1)"_s}));
    }

    void everyCallHasInvalidValueRows()
    {
        QSet<QString> covered;
        for (const Refusal &r : invalidValues())
            covered.insert(r.call);
        for (const proto::Call &call : proto::calls()) {
            if (call.args.isEmpty() || FreeFilterCalls.contains(QString(call.name)))
                continue;
            QVERIFY2(covered.contains(QString(call.name)), qPrintable(u"%1 has no rows in invalidValues()"_s.arg(call.name)));
        }
    }

    void refused_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QCborMap>("args");
        QTest::addColumn<QString>("error");
        QHash<QString, int> seen;
        for (const Refusal &r : invalidValues() + illFormed()) {
            const QString row = u"%1 #%2 %3"_s.arg(r.call).arg(++seen[r.call])
                                    .arg(QString::fromUtf8(QJsonDocument(r.args.toJsonObject()).toJson(QJsonDocument::Compact)).left(80));
            QTest::newRow(qPrintable(row)) << r.call << r.args << QString(r.error);
        }
    }
    void refused()
    {
        QFETCH(QString, call);
        QFETCH(QCborMap, args);
        QFETCH(QString, error);
        const auto r = m_api->call(call, args);
        QVERIFY2(!r.ok, qPrintable(u"accepted: %1"_s.arg(QString::fromUtf8(QJsonDocument(r.result.toJsonObject()).toJson()))));
        QCOMPARE(r.error, error);
        QVERIFY2(!r.message.isEmpty(), "a refusal says why");
    }

    // The refusal of a logging category names the ones there are; names and patterns that match them are taken.
    void logCategories()
    {
        auto r = m_api->call(u"log.set_level"_s, {{u"category"_s, u"nosuch"_s}, {u"level"_s, u"debug"_s}});
        QCOMPARE(r.error, QString(proto::errors::InvalidArgument));
        QVERIFY2(r.message.contains(u"'nosuch'"_s) && r.message.contains(u"parley.relay"_s) && r.message.contains(u"parley.store"_s),
                 qPrintable(r.message));
        const QStringList known = m_api->call(u"log.levels"_s).result.value("levels"_L1).toMap().toVariantMap().keys();
        QVERIFY(!known.contains(u"nosuch"_s));
        for (const QString &category : known)
            QVERIFY2(m_api->call(u"log.set_level"_s, {{u"category"_s, category}, {u"level"_s, u"info"_s}}).ok, qPrintable(category));
        for (const QString &pattern : {u"parley.*"_s, u"*.relay"_s, u"*rela*"_s, u"*"_s})
            QVERIFY2(m_api->call(u"log.set_level"_s, {{u"category"_s, pattern}, {u"level"_s, u"INFO"_s}}).ok, qPrintable(pattern));
    }

    void parleyctlRefusesUnknownCategory()
    {
        QByteArray out;
        QByteArray err;
        QCOMPARE(ctl({u"log"_s, u"level"_s, u"nosuch"_s, u"debug"_s}, &out, &err), 2);
        QVERIFY2(err.contains("invalid_argument") && err.contains("nosuch") && err.contains("parley.relay"), err.constData());
        QVERIFY(!out.contains("category"));
        QCOMPARE(ctl({u"--json"_s, u"log"_s, u"level"_s, u"parley.rely"_s, u"debug"_s}, &out), 2);
        QCOMPARE(QJsonDocument::fromJson(out).object().value("error"_L1).toString(), u"invalid_argument"_s);
        QCOMPARE(ctl({u"log"_s, u"level"_s, u"parley.relay"_s, u"debug"_s}), 0);
    }

    void parleyctlImportExitCodes()
    {
        const QString bad = m_ctl.filePath(u"bad.csv"_s);
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name\r\nimp-a\r\nNot Valid\r\nimp-a\r\n");
        f.close();
        QByteArray out;
        QCOMPARE(ctl({u"user"_s, u"import"_s, bad}, &out), 6);
        QVERIFY2(out.contains("created 1, failed 2"), out.constData());
        QVERIFY(out.contains("invalid_argument") && out.contains("conflict"));
        QCOMPARE(ctl({u"--json"_s, u"user"_s, u"import"_s, bad}, &out), 6);
        const QJsonObject json = QJsonDocument::fromJson(out).object();
        QCOMPARE(json.value("ok"_L1).toBool(true), false);
        QCOMPARE(json.value("failed"_L1).toInt(), 3);
        QCOMPARE(json.value("rows"_L1).toArray().size(), 3);

        const QString good = m_ctl.filePath(u"good.csv"_s);
        QFile g(good);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("\xef\xbb\xbfname\nimp-b\n\"imp-c\"\n");
        g.close();
        QCOMPARE(ctl({u"--json"_s, u"user"_s, u"import"_s, good}, &out), 0);
        QCOMPARE(QJsonDocument::fromJson(out).object().value("ok"_L1).toBool(), true);
        QCOMPARE(QJsonDocument::fromJson(out).object().value("created"_L1).toInt(), 2);

        const QString malformed = m_ctl.filePath(u"malformed.csv"_s);
        QFile m(malformed);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write("name\n\"unterminated,\n");
        m.close();
        QByteArray err;
        QCOMPARE(ctl({u"user"_s, u"import"_s, malformed}, &out, &err), 2);
        QVERIFY2(err.contains("line 2: unterminated quoted field"), err.constData());
        QVERIFY(!userNames().contains(u"unterminated,"_s));

        for (const QString &name : {u"imp-a"_s, u"imp-b"_s, u"imp-c"_s})
            QVERIFY(m_api->call(u"user.delete"_s, {{u"name"_s, name}}).ok);
    }

    void parleyctlOutputFileFailure()
    {
        QCOMPARE(ctl({u"user"_s, u"export"_s, m_ctl.filePath(u"no/such/dir/users.csv"_s)}), 1);
        QCOMPARE(ctl({u"audit"_s, u"export"_s, m_ctl.filePath(u"no/such/dir/audit.csv"_s)}), 1);
    }

    // What user.export writes, user.import takes back: the same users.
    void exportImportsBack()
    {
        for (const QString &name : userNames())
            QVERIFY(m_api->call(u"user.delete"_s, {{u"name"_s, name}}).ok);
        QCOMPARE(m_api->call(u"user.import"_s, {{u"csv"_s, u"name\nrt.one\nrt-two\nrt_3\n"_s}}).result.value("created"_L1).toInteger(), 3);
        const QStringList before = userNames();
        QCOMPARE(before, (QStringList{u"rt-two"_s, u"rt.one"_s, u"rt_3"_s}));
        const QString file = m_ctl.filePath(u"users.csv"_s);
        QCOMPARE(ctl({u"user"_s, u"export"_s, file}), 0);
        for (const QString &name : before)
            QVERIFY(m_api->call(u"user.delete"_s, {{u"name"_s, name}}).ok);
        QVERIFY(userNames().isEmpty());
        QByteArray out;
        QCOMPARE(ctl({u"--json"_s, u"user"_s, u"import"_s, file}, &out), 0);
        QCOMPARE(QJsonDocument::fromJson(out).object().value("created"_L1).toInt(), before.size());
        QCOMPARE(userNames(), before);
    }

    void logsHoldNoSecrets()
    {
        checkLogsHoldNoSecrets();
    }
};

QTEST_MAIN(TestAdminInput)
#include "tst_admininput.moc"
