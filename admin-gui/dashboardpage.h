#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// Version, uptime, users, connected devices, queue depth, storage, certificate expiry; refreshed every few
// seconds while visible.
class DashboardPage : public Page {
    Q_OBJECT
public:
    explicit DashboardPage(AdminClient *client, QWidget *parent = nullptr);
    ~DashboardPage() override;

    QString title() const override;
    void refresh() override;

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
