#pragma once

#include "admin/admincontext.h"
#include "directory/directorysync.h"

#include <memory>

namespace parley::server {

class AdminStore;

// directory.*: the directory (LDAP, Active Directory) users are synced from (docs/operations.md "Directory"), a
// managed setting applied at once, and the sync itself: on demand, as a dry run, and every interval_seconds. The
// bind password is a file (one the administrator names on the server host, or one written under DATA_DIR/directory/
// from a password set here), never shown back.
class DirectoryCalls {
public:
    explicit DirectoryCalls(AdminContext &ctx);
    ~DirectoryCalls();

    static const QList<AdminCall<DirectoryCalls>> &calls();
    // Applies the stored directory settings, if there are any.
    Status load(AdminStore &admin);
    void stop();
    // The report of the last sync or dry run while a directory is configured (empty before the first one).
    std::optional<QCborMap> lastSync() const;

private:
    void handleShow(const AdminRequestPtr &r);
    void handleSet(const AdminRequestPtr &r);
    void handleClear(const AdminRequestPtr &r);
    void handleSync(const AdminRequestPtr &r);
    void handleUsers(const AdminRequestPtr &r);

    void store(const AdminRequestPtr &r, const std::optional<DirectoryConfig> &config);
    QCborMap showMap() const;

    AdminContext &m_ctx;
    std::unique_ptr<DirectorySync> m_sync;
};

} // namespace parley::server
