#pragma once

#include <QDialog>

#include <memory>

namespace parley::admin {

class AdminClient;

// Server address, admin name, password, TOTP code when the account needs one, "remember" (OS keychain), and an
// optional client certificate with its key (checked before connecting; paths remembered per server). Handles
// certificate trust: shows an unknown certificate's fingerprint for confirmation, refuses a changed one with a
// warning and an explicit re-trust path. Emits loggedIn() once the server issued a token.
class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(AdminClient *client, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    // The password the login used (the forced password change needs it as the current one).
    QString password() const;
    QString adminName() const;

Q_SIGNALS:
    void loggedIn(bool mustChangePassword);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
