#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

// Push: the credentials parleyd uses to wake offline devices through APNs, FCM and Web Push (push.show,
// push.set_apns, push.set_fcm, push.set_webpush, push.clear). Key files are chosen with a file dialog and sent to
// the server; their content is never shown. The VAPID public key can be copied for the web client.
class PushPage : public Page {
    Q_OBJECT
public:
    explicit PushPage(AdminClient *client, QWidget *parent = nullptr);
    ~PushPage() override;

    QString title() const override;
    void refresh() override;

    // The last push.show entry of `provider` (apns, fcm, webpush); empty when none came.
    QCborMap provider(const QString &provider) const;

Q_SIGNALS:
    void providersLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
