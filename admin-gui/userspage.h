#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// Users: search, create (enrollment code + QR), further codes, devices and revocation, suspend/resume, delete,
// CSV import with per-row results, CSV export.
class UsersPage : public Page {
    Q_OBJECT
public:
    explicit UsersPage(AdminClient *client, QWidget *parent = nullptr);
    ~UsersPage() override;

    QString title() const override;
    void refresh() override;

    // Selects the row of `name` (for keyboard users and tests); false when it is not listed.
    bool selectUser(const QString &name);

Q_SIGNALS:
    void usersLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
