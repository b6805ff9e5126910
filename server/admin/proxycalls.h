#pragma once

#include "admin/admincontext.h"

#include <QNetworkProxy>

namespace parley::server {

class AdminStore;

// proxy.*: the outbound proxy for traffic the server initiates (push), a managed setting, and a reachability test
// through it.
class ProxyCalls {
public:
    explicit ProxyCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<ProxyCalls>> &calls();
    // Applies the stored proxy, if there is one, to the push service.
    Status load(AdminStore &admin);
    QNetworkProxy proxy() const { return m_proxy; }

private:
    void handleProxySet(const AdminRequestPtr &r);
    void handleProxyShow(const AdminRequestPtr &r);
    void handleProxyTest(const AdminRequestPtr &r);

    static QString proxyTypeName(QNetworkProxy::ProxyType type);
    void applyProxy(const QString &type, const QString &host, quint16 port, const QString &user, const QString &password);
    void applyProxyToPush();
    QCborMap proxyMap() const;

    AdminContext &m_ctx;
    QNetworkProxy m_proxy;
    bool m_managed = false;   // a proxy.* setting is stored: it wins over [push] proxy
};

} // namespace parley::server
