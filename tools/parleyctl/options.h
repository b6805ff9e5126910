#pragma once

// parleyctl's command-line options, shared by every command group.

#include <QCommandLineOption>
#include <QList>
#include <QString>

namespace parley::ctl {

struct Options {
    // An option from ASCII literals: name, description, and for an option with a value its value name and default.
    static QCommandLineOption option(const char *name, const char *description, const char *valueName = nullptr,
                                     const char *defaultValue = nullptr)
    {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                                  valueName ? QString::fromLatin1(valueName) : QString(),
                                  defaultValue ? QString::fromLatin1(defaultValue) : QString());
    }

    const QCommandLineOption server = option("server", "The admin API, HOST:PORT (remembered after login).", "HOST:PORT");
    const QCommandLineOption fingerprint = option("fingerprint", "SHA-256 fingerprint of the admin API's certificate (login): 64 hex digits as parleyd prints it, or colon-separated pairs.", "HEX");
    const QCommandLineOption json = option("json", "Print the result as JSON.");
    const QCommandLineOption passwordFile = option("password-file", "Read the password from the first line of FILE.", "FILE");
    const QCommandLineOption newPasswordFile = option("new-password-file", "Read the new password from FILE (passwd, admin add/passwd).", "FILE");
    const QCommandLineOption totp = option("totp", "A TOTP code for login.", "CODE");
    const QCommandLineOption code = option("code", "A TOTP code (admin totp enable).", "CODE");
    const QCommandLineOption validHours = option("valid-hours", "Hours an enrollment code stays valid.", "N");
    const QCommandLineOption grep = option("grep", "log show: only lines containing TEXT.", "TEXT");
    const QCommandLineOption category = option("category", "log show: only this category.", "CAT");
    const QCommandLineOption level = option("level", "log show: this level and above.", "LEVEL");
    const QCommandLineOption limit = option("limit", "At most N records.", "N");
    const QCommandLineOption actor = option("actor", "audit show: only this admin.", "NAME");
    const QCommandLineOption action = option("action", "audit show: only this call (or prefix, e.g. user).", "CALL");
    const QCommandLineOption since = option("since", "Only records at or after this ISO time.", "TIME");
    const QCommandLineOption proxyUser = option("user", "proxy set: the proxy user.", "USER");
    const QCommandLineOption proxyPasswordFile = option("proxy-password-file", "proxy set: read the proxy password from FILE.", "FILE");
    const QCommandLineOption pushKey = option("key", "push apns/webpush: the private key file (PEM).", "FILE");
    const QCommandLineOption keyId = option("key-id", "push apns: the key's 10-character ID.", "ID");
    const QCommandLineOption teamId = option("team-id", "push apns: the 10-character team ID.", "ID");
    const QCommandLineOption topic = option("topic", "push apns: the default topic (bundle ID).", "TOPIC");
    const QCommandLineOption endpoint = option("endpoint", "push apns/fcm: the provider endpoint (https://host[:port]).", "URL");
    const QCommandLineOption tokenEndpoint = option("token-endpoint", "push fcm: the OAuth token endpoint.", "URL");
    const QCommandLineOption serviceAccount = option("service-account", "push fcm: the service account's JSON key file.", "FILE");
    const QCommandLineOption subject = option("subject", "push webpush: the VAPID contact (mailto: or https:).", "URI");
    const QCommandLineOption turnUri = option("uri", "turn set: a TURN or STUN URI (turn:HOST[:PORT][?transport=udp|tcp], turns:, stun:, stuns:); repeat for more.", "URI");
    const QCommandLineOption turnTtl = option("ttl", "turn set: seconds TURN credentials stay valid (10-86400, default 3600).", "S");
    const QCommandLineOption secretFile = option("secret-file", "turn set, directory set, sso set: read the TURN shared secret, the directory's bind password or the single sign-on client secret from the first line of FILE (- for standard input).", "FILE");
    const QCommandLineOption dryRun = option("dry-run", "directory sync: only report what would change.");
    const QCommandLineOption dns = option("dns", "cert csr: DNS names, comma-separated.", "NAMES");
    const QCommandLineOption out = option("out", "Write CSV/CSR output to FILE.", "FILE");
    const QCommandLineOption clientCert = option("client-cert", "A client certificate (PEM) when the admin API requires one.", "FILE");
    const QCommandLineOption clientKey = option("client-key", "The client certificate's private key (PEM).", "FILE");
    const QCommandLineOption expire = option("expire", "rooms policy: enforce at most S seconds of message lifetime (0: lift).", "S");
    const QCommandLineOption burn = option("burn", "rooms policy: enforce burn-on-read (on) or lift it (off).", "on|off");
    const QCommandLineOption scope = option("scope", "bot create/update: whom the bot may send to: any, user:NAME or room:NAME; repeat for more.", "SCOPE");
    const QCommandLineOption description = option("description", "bot create/update: what the bot is for.", "TEXT");
    const QCommandLineOption expires = option("expires", "bot create/update: when the bot expires: an ISO 8601 time, or a time from now such as 90d or 12h.", "TIME");
    const QCommandLineOption rate = option("rate", "bot create/update: messages per second the bot may send, sustained.", "N");
    const QCommandLineOption burst = option("burst", "bot create/update: messages the bot may send in a burst.", "N");
    const QCommandLineOption timeout = option("timeout", "Seconds to wait for a reply (default 30).", "S", "30");

    QList<QCommandLineOption> all() const
    {
        return {server, fingerprint, json, passwordFile, newPasswordFile, totp, code, validHours, grep,
                category, level, limit, actor, action, since, proxyUser, proxyPasswordFile, pushKey, keyId,
                teamId, topic, endpoint, tokenEndpoint, serviceAccount, subject, turnUri, turnTtl, secretFile, dryRun, dns, out, clientCert,
                clientKey, expire, burn, scope, description, expires, rate, burst, timeout};
    }
};

} // namespace parley::ctl
