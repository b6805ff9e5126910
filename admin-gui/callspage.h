#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// Calls: the TURN relay devices get short-lived credentials for (URIs, credential lifetime, shared secret). The
// secret is write-only: the page shows whether one is set, never the secret.
class CallsPage : public Page {
    Q_OBJECT
public:
    explicit CallsPage(AdminClient *client, QWidget *parent = nullptr);
    ~CallsPage() override;

    QString title() const override;
    void refresh() override;
    // What the server said last (turn.show): configured, uris, ttl, secret_set, updated_at.
    QCborMap settings() const;

Q_SIGNALS:
    void settingsLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
