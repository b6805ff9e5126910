#pragma once

// Certificate pinning for the admin clients and the SDK: a server is identified by the SHA-256 fingerprint of its
// leaf certificate, not by a certificate authority (parleyd starts with a self-signed certificate).

#include "parley_export.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QStringView>

#include <optional>

namespace parley {

// The one spelling of a SHA-256 certificate fingerprint that every Parley program prints and shows: 64 lower-case hex
// digits, as sha256sum prints a digest (one word to select and paste, nothing to quote). Empty for anything but a
// 32-byte digest.
PARLEY_EXPORT QString formatFingerprint(const QByteArray &digest);

// A fingerprint as people and scripts type it: 64 hex digits, or 32 colon-separated pairs ("AB:CD:...", the spelling
// of browsers and `openssl x509 -fingerprint`), in either case, blanks around it ignored. Empty for anything else.
PARLEY_EXPORT QByteArray parseFingerprint(QStringView text);

// Why a pinned server's certificate was refused.
enum class TlsPinFailure {
    InvalidPin,       // the pin is not 64 hex digits (or 32 colon-separated pairs)
    NoCertificate,    // the server presented none
    Mismatch,         // the leaf certificate has another fingerprint
    NotYetValid,      // the leaf certificate's validity starts in the future
    Expired,          // the leaf certificate's validity has ended
    OtherErrors,      // TLS errors beyond those a self-signed certificate causes
};

struct TlsPinError {
    TlsPinFailure failure = TlsPinFailure::Mismatch;
    QString message;   // names the fingerprints, the dates or the errors
};

class PARLEY_EXPORT TlsPin {
public:
    TlsPin() = default;   // null: pins nothing, matches nothing

    // parseFingerprint()'s spellings; a null pin for anything else.
    static TlsPin fromString(QStringView fingerprint);
    static TlsPin of(const QSslCertificate &certificate);

    bool isNull() const { return m_digest.isEmpty(); }
    QByteArray digest() const { return m_digest; }
    QString toHex() const;           // formatFingerprint(): 64 lower-case hex digits
    QString toColonHex() const;      // "AB:CD:...", the other spelling parseFingerprint() accepts
    bool matches(const QSslCertificate &certificate) const;

    // The verdict on a TLS handshake, given the peer's certificate chain (leaf first) and the errors the TLS stack
    // reported (none for a certificate the system trust store accepts). Empty: accepted, and every one of `errors`
    // may be ignored. Accepted only when the leaf has the pinned fingerprint, is valid at `now`, and the errors are
    // ones a self-signed certificate causes.
    std::optional<TlsPinError> check(const QList<QSslCertificate> &chain, const QList<QSslError> &errors,
                                     const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    // The errors a self-signed certificate causes: no issuer to verify it with, and a name it may not carry (the
    // pin, not the name, identifies the server: administrators reach it by address or by another name too).
    static bool isSelfSignedError(QSslError::SslError error);

    friend bool operator==(const TlsPin &a, const TlsPin &b) { return a.m_digest == b.m_digest; }
    friend bool operator!=(const TlsPin &a, const TlsPin &b) { return a.m_digest != b.m_digest; }

private:
    QByteArray m_digest;
};

} // namespace parley
