#pragma once

#include <QCborMap>
#include <QWidget>

#include <memory>
#include <optional>

namespace parley::admin {

class FieldErrors;

// The settings of the directory sync (directory.set, docs/operations.md "Directory"): the connection (URL, StartTLS,
// the CA certificate read from a file and shown by subject, fingerprint and expiry, bind DN and a write-only
// password), what is read (filters, attributes, when an entry counts as disabled), groups mapped to rooms, and the
// schedule. Every problem, the form's own or the server's, is shown under the field it is about.
class DirectoryForm : public QWidget {
    Q_OBJECT
public:
    explicit DirectoryForm(QWidget *parent = nullptr);
    ~DirectoryForm() override;

    // Fills the fields from directory.show's reply (never a password: only whether one is set).
    void load(const QCborMap &shown);
    // directory.set's arguments from the fields, or none after showing what is wrong beside its field.
    std::optional<QCborMap> arguments();
    FieldErrors *errors() const;
    // Reads a CA certificate (PEM) from `path` into the form; false after showing why not.
    bool readCaFile(const QString &path);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
