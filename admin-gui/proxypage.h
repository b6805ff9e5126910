#pragma once

#include "page.h"

#include <memory>

namespace parley::admin {

// The outbound messaging proxy (none, HTTP or SOCKS5) and a connection test through it.
class ProxyPage : public Page {
    Q_OBJECT
public:
    explicit ProxyPage(AdminClient *client, QWidget *parent = nullptr);
    ~ProxyPage() override;

    QString title() const override;
    void refresh() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
