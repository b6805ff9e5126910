#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// The serving certificate chain and its expiry, reload from disk, install a certificate and key from files, and
// generate a new key with a signing request to save.
class CertificatesPage : public Page {
    Q_OBJECT
public:
    explicit CertificatesPage(AdminClient *client, QWidget *parent = nullptr);
    ~CertificatesPage() override;

    QString title() const override;
    void refresh() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
