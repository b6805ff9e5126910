#pragma once

#include "admin/admincontext.h"
#include "push/pushcredentials.h"

#include <optional>

namespace parley::server {

class AdminStore;

// push.*: push provider credentials uploaded through the admin API (files under the data directory, named by a
// managed setting), applied to the running push service before they are stored.
class PushCalls {
public:
    explicit PushCalls(AdminContext &ctx);

    static const QList<AdminCall<PushCalls>> &calls();
    // Reads the stored credentials and applies each provider's to the push service.
    Status load(AdminStore &admin);

private:
    void handlePushShow(const AdminRequestPtr &r);
    void handlePushSetApns(const AdminRequestPtr &r);
    void handlePushSetFcm(const AdminRequestPtr &r);
    void handlePushSetWebPush(const AdminRequestPtr &r);
    void handlePushClear(const AdminRequestPtr &r);

    QCborMap pushProviderMap(const QString &provider) const;
    void storePushCredentials(const AdminRequestPtr &r, const QString &provider, ManagedPushCredentials::Upload upload);
    void changePushCredentials(const AdminRequestPtr &r, const QString &provider,
                               const std::optional<ManagedPushCredentials::Entry> &entry);
    void applyManagedPushAtStart();

    AdminContext &m_ctx;
    const std::unique_ptr<ManagedPushCredentials> m_managed;
};

} // namespace parley::server
