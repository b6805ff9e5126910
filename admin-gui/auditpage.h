#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// The audit log: who did what when, filtered by actor and action, exported as CSV.
class AuditPage : public Page {
    Q_OBJECT
public:
    explicit AuditPage(AdminClient *client, QWidget *parent = nullptr);
    ~AuditPage() override;

    QString title() const override;
    void refresh() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
