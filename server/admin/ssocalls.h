#pragma once

#include "admin/admincontext.h"
#include "sso/ssoconfig.h"

#include <optional>

namespace parley::server {

class AdminStore;

// sso.*: single sign-on for enrollment (docs/operations.md "Single sign-on") managed at run time: settings stored as
// the managed setting `sso` over [sso] of the boot configuration, the client secret and the provider's CA as files of
// their own in DATA_DIR/sso/ (0700, files 0600, a new name per change; never in the database, a reply, the audit or
// the event log), applied at once by rebuilding the service and its HTTPS listener; and a test of the provider.
class SsoCalls {
public:
    explicit SsoCalls(AdminContext &ctx);

    static const QList<AdminCall<SsoCalls>> &calls();
    // Applies the stored settings, if there are any. One that cannot be applied (its listen address taken, its files
    // gone) is logged and shown as sso.show's last_error; the daemon starts anyway, single sign-on as it was.
    Status load(AdminStore &admin);

private:
    // The stored setting: everything but the client secret, whose file it names (like the CA's).
    struct Managed {
        SsoConfig config;       // clientSecretFile and caFile are files in directory()
        qint64 updatedAt = 0;
    };

    void handleShow(const AdminRequestPtr &r);
    void handleSet(const AdminRequestPtr &r);
    void handleClear(const AdminRequestPtr &r);
    void handleTest(const AdminRequestPtr &r);

    // Applies `next` (the boot configuration's [sso] when none), stores it, and replies with sso.show's map; the
    // setting in force stays when either fails.
    void change(const AdminRequestPtr &r, const std::optional<Managed> &next);
    QCborMap showMap() const;
    // The settings in force: the managed ones, else [sso] of the boot configuration.
    SsoConfig effective() const;

    QString directory() const;
    Result<QString> writeFile(const QString &prefix, const QByteArray &data, qint64 nowMs) const;
    void removeOtherFiles(const QStringList &keep) const;
    static QString encode(const std::optional<Managed> &managed);
    Result<std::optional<Managed>> decode(const QString &stored) const;

    AdminContext &m_ctx;
    std::optional<Managed> m_managed;
    QString m_applyError;    // why the stored setting could not be applied at start
};

} // namespace parley::server
