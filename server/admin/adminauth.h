#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace parley::server::adminauth {

// Argon2id (RFC 9106 second recommended setting: t=3, 64 MiB, p=1), 16-byte salt, 32-byte tag, PHC string form.
// Memory-hard: run it off the event loop.
Result<QString> hashPassword(const QString &password);
bool verifyPassword(const QString &encodedHash, const QString &password);

// The password rules for admin accounts: 12 to 1024 bytes of UTF-8, not all one character.
Status checkPasswordPolicy(const QString &password);
// A random password of 26 Crockford base32 symbols (130 bits) for first start and resets.
QString generatePassword();

// A random 256-bit session token (base64url, no padding) and the hash stored for it.
QString generateToken();
QByteArray tokenHash(const QString &token);

// RFC 4648 base32 without padding (authenticator apps take secrets in this form).
QString base32(const QByteArray &data);
// RFC 6238 TOTP with HMAC-SHA-1, 30-second steps, 6 digits. Returns the matching time step within +-1 step of
// `unixSeconds`, or nothing.
std::optional<qint64> matchTotp(const QByteArray &secret, const QString &code, qint64 unixSeconds);
// The code of a given time step (tests and matchTotp use it).
QString totpCode(const QByteArray &secret, qint64 step);

} // namespace parley::server::adminauth
