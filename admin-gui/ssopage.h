#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

// Single sign-on for enrollment (sso.show, sso.set, sso.clear, sso.test; docs/operations.md "Single sign-on"):
// people get their enrollment codes by signing in at the organisation's OpenID Connect provider. The state (running,
// from the configuration file or set here, the last error), the redirect URI to register at the provider with a copy
// button, the provider's settings with a write-only client secret, and a test of the provider.
class SsoPage : public Page {
    Q_OBJECT
public:
    explicit SsoPage(AdminClient *client, QWidget *parent = nullptr);
    ~SsoPage() override;

    QString title() const override;
    void refresh() override;
    // What sso.show said last; empty when the server has no such call.
    QCborMap settings() const;

Q_SIGNALS:
    void settingsLoaded();
    // sso.show could not be answered (`supported` false: the server has no single sign-on calls).
    void settingsUnavailable(bool supported);
    void testFinished(bool ok);

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
