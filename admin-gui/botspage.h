#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

// Bots: service accounts for integrations (bots.list, bots.create, bots.update, bots.revoke; docs/admin-api.md
// "Bots"). The list with each bot's scope, rate, expiry and state; a new bot's one-time enrollment code, link and QR
// code, shown once; changes; revocation, which is final.
class BotsPage : public Page {
    Q_OBJECT
public:
    explicit BotsPage(AdminClient *client, QWidget *parent = nullptr);
    ~BotsPage() override;

    QString title() const override;
    void refresh() override;
    bool selectBot(const QString &name);
    // The bot as bots.list had it last; empty when not listed.
    QCborMap bot(const QString &name) const;

Q_SIGNALS:
    void botsLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
