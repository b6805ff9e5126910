#pragma once

#include <QWidget>

#include <memory>

namespace parley::admin {

class FieldErrors;

// A CA certificate for the server to trust (the directory's, the identity provider's): a PEM file chosen with a file
// dialog, read and checked here (at most 64 KiB, a certificate, no private key), and shown by subject, SHA-256
// fingerprint and expiry; or the one the server has, shown by the same details. Problems go to the error line of
// `key` in `errors`. Its widgets are named PREFIX + "CaFile", "CaChoose" and "CaInfo".
class CaCertificateField : public QWidget {
    Q_OBJECT
public:
    CaCertificateField(FieldErrors *errors, const QString &key, const QString &prefix, QWidget *parent = nullptr);
    ~CaCertificateField() override;

    // The text shown while there is none.
    void setEmptyText(const QString &text);
    // The certificate the server has (`pem` may be empty when the server does not send it back).
    void showServerCertificate(const QString &pem, const QString &subject, const QString &fingerprint, qint64 expiresAtMs);
    // Reads `path`; false after showing why it cannot be used.
    bool readFile(const QString &path);
    // The PEM to send: the file's, or the server's; empty when there is none.
    QString pem() const;
    // A file was read since the server's certificate was shown.
    bool changed() const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
