#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace parley::server {

// The sign-ins on their way through the provider, kept in memory only: each /sso/start makes one, and the callback
// that names its state takes it out again (once: a second callback with the same state, or one after the lifetime,
// finds nothing). What the provider and the browser never see stays here: the PKCE code verifier, and only a
// SHA-256 of the value of the browser's binding cookie.
//
// Bounded: at most `maxTotal` at once and `maxPerAddress` started from one address (IPv6: one /64), so that
// anonymous starts can neither grow the memory nor crowd out other people's sign-ins.
class PendingLogins {
public:
    struct Login {
        QString state;            // 256 random bits, base64url
        QString nonce;            // 256 random bits, base64url
        QString verifier;         // RFC 7636 code_verifier: 256 random bits, base64url (43 characters)
        QByteArray bindingHash;   // SHA-256 of the browser's cookie value
        QByteArray addressKey;
        qint64 createdMs = 0;     // monotonic

        // RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))).
        QString challenge() const;
    };
    struct Started {
        Login login;
        QByteArray cookie;        // the browser's binding value, 256 random bits, base64url
    };

    PendingLogins(qint64 lifetimeMs, int maxTotal, int maxPerAddress);

    // A new sign-in; nullopt when the limits are reached.
    std::optional<Started> start(const QHostAddress &from, qint64 nowMs);
    // The sign-in with `state`, taken out; nullopt when there is none or it has expired.
    std::optional<Login> take(const QString &state, qint64 nowMs);
    // Whether `cookie` is the binding value of `login`.
    static bool boundTo(const Login &login, QByteArrayView cookie);
    // Drops the expired ones.
    void prune(qint64 nowMs);
    qsizetype size() const { return m_logins.size(); }

    static QString randomToken();

private:
    void remove(const QString &state);

    qint64 m_lifetimeMs;
    int m_maxTotal;
    int m_maxPerAddress;
    QHash<QString, Login> m_logins;
    QHash<QByteArray, int> m_perAddress;
};

} // namespace parley::server
