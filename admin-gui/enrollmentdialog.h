#pragma once

#include <QDialog>

#include <memory>

namespace parley::admin {

// A new user's one-time enrollment code and link, the link as a QR code for the user's phone, copying the code and
// the link, and saving the QR code as PNG. Non-modal, deletes itself when closed.
class EnrollmentDialog : public QDialog {
    Q_OBJECT
public:
    EnrollmentDialog(const QString &user, const QString &code, const QString &link, qint64 expiresAtMs, QWidget *parent = nullptr);
    ~EnrollmentDialog() override;

    QString code() const;
    // Replaces the text above the code (which speaks of a person and the Parley app), e.g. for a bot's device.
    void setIntro(const QString &text);
    // Writes the QR code image; empty on success, otherwise why not.
    QString saveQrCode(const QString &path) const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
