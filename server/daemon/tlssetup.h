#pragma once

#include "core/result.h"

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <memory>

namespace parley::server {

struct Config;
class TlsContext;

// The serving certificate: generated on first need, loaded, and turned into the server's TLS configuration
// (TLS 1.2 with ECDHE + AES-GCM only, or TLS 1.3).
class TlsSetup {
public:
    struct Loaded {
        QSslConfiguration configuration;
        QSslCertificate certificate;
        QString fingerprint;              // SHA-256 of the DER certificate, lowercase hex
    };

    // Makes sure the certificate and key exist: with the default paths (DATA_DIR/tls) a self-signed certificate is
    // generated when both are missing; configured paths must exist. Expects the data directory to be prepared.
    static Status ensureCertificate(const Config &config);
    // ensureCertificate(), then reads both files and builds the server configuration.
    static Result<Loaded> load(const Config &config);

    // The device listener's shared TLS context for `configuration` (from load()); one built for a reload takes
    // over the session ticket keys of `previous`.
    static Result<std::shared_ptr<TlsContext>> relayContext(const Config &config, const QSslConfiguration &configuration,
                                                            const std::shared_ptr<TlsContext> &previous = {});

    static QString fingerprint(const QSslCertificate &certificate);
    // OpenSSL names of the allowed TLS 1.2 suites, and of the TLS 1.3 suites.
    static QStringList allowedTls12Ciphers();
    static QStringList allowedTls13Ciphers();
};

} // namespace parley::server
