#pragma once

#include "core/result.h"

#include <QCoreApplication>
#include <QSslCertificate>
#include <QSslKey>

namespace parley::admin {

// A TLS client certificate and its private key, read from PEM files and checked before they are offered to a server
// whose admin listener has require_client_certificate=true. Errors are sentences for the administrator (translated).
struct ClientIdentity {
    Q_DECLARE_TR_FUNCTIONS(parley::admin::ClientIdentity)
public:
    QSslCertificate certificate;
    QSslKey key;

    // Reads the first certificate of `certificateFile` and the EC or RSA key of `keyFile` (decrypted with
    // `passphrase` when the PEM is encrypted). Refuses an unreadable file, a file without a certificate or key, a
    // wrong or missing passphrase, a key that does not belong to the certificate, and a certificate outside its
    // validity period.
    static Result<ClientIdentity> load(const QString &certificateFile, const QString &keyFile, const QString &passphrase);
};

} // namespace parley::admin
