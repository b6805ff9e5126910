#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// Admin accounts: list, create, delete, reset a password; TOTP enrolment of the own account with a QR code.
class AdminsPage : public Page {
    Q_OBJECT
public:
    explicit AdminsPage(AdminClient *client, QWidget *parent = nullptr);
    ~AdminsPage() override;

    QString title() const override;
    void refresh() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
