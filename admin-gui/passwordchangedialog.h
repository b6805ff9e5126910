#pragma once

#include <QDialog>

#include <memory>

namespace parley::admin {

class AdminClient;

// Choose a new password: current password, new one with a strength meter, confirmation. When `forced` (first
// login with a one-time password), the dialog cannot be dismissed without logging out (abandoned()).
class PasswordChangeDialog : public QDialog {
    Q_OBJECT
public:
    PasswordChangeDialog(AdminClient *client, bool forced, const QString &currentPassword, QWidget *parent = nullptr);
    ~PasswordChangeDialog() override;

    // 0..4: too short, weak, fair, strong, very strong. The server's own rule (12+ bytes, 4+ distinct characters)
    // is the floor for anything above 0.
    static int strength(const QString &password);

    void reject() override;

Q_SIGNALS:
    void changed();
    void abandoned();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
