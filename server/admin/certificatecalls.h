#pragma once

#include "admin/admincontext.h"

#include <QSslCertificate>
#include <QSslConfiguration>

namespace parley::server {

// cert.*: the serving certificate, its reload and replacement, a key and signing request; and the admin listener's
// own TLS configuration, which `applyTls` hands to the listener whenever it is loaded again.
class CertificateCalls {
public:
    CertificateCalls(AdminContext &ctx, std::function<void(const QSslConfiguration &)> applyTls)
        : m_ctx(ctx), m_applyTls(std::move(applyTls))
    {
    }

    static const QList<AdminCall<CertificateCalls>> &calls();
    Status loadAdminTls();
    QSslConfiguration adminTls() const { return m_tls; }
    // The admin listener's own certificate ([admin] certificate), or a null one when it serves the device listener's.
    QSslCertificate adminCertificate() const
    {
        return m_ctx.config().admin.certificatePath.isEmpty() ? QSslCertificate() : m_adminCertificate;
    }

private:
    void handleCertShow(const AdminRequestPtr &r);
    void handleCertReload(const AdminRequestPtr &r);
    void handleCertInstall(const AdminRequestPtr &r);
    void handleCertCsr(const AdminRequestPtr &r);

    Result<QCborMap> reloadAll();
    QString pendingKeyFile() const;

    AdminContext &m_ctx;
    std::function<void(const QSslConfiguration &)> m_applyTls;
    QSslConfiguration m_tls;
    QSslCertificate m_adminCertificate;
};

} // namespace parley::server
