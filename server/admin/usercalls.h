#pragma once

#include "admin/admincontext.h"

#include <QCborArray>

namespace parley::server {

struct UserSummary;

// user.*: enrollment codes and links, the user and device lists, suspension, deletion, signing out, CSV import and
// export.
class UserCalls {
public:
    explicit UserCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<UserCalls>> &calls();

private:
    void handleUserCreate(const AdminRequestPtr &r);
    void handleUserCode(const AdminRequestPtr &r);
    void handleUserList(const AdminRequestPtr &r);
    void handleUserShow(const AdminRequestPtr &r);
    void handleUserDevices(const AdminRequestPtr &r);
    void handleRevokeDevice(const AdminRequestPtr &r);
    void handleSuspend(const AdminRequestPtr &r);
    void handleResume(const AdminRequestPtr &r);
    void handleUserDelete(const AdminRequestPtr &r);
    void handleSignOut(const AdminRequestPtr &r);
    void handleUserImport(const AdminRequestPtr &r);
    void handleUserExport(const AdminRequestPtr &r);

    // False after refusing the request when its `name` is not a valid user name.
    bool checkName(const AdminRequestPtr &r);
    void createCode(const AdminRequestPtr &r, bool newUser);
    void suspend(const AdminRequestPtr &r, bool suspended);
    static QCborMap userMap(const UserSummary &u);
    Result<QCborArray> deviceList(const QString &name);

    AdminContext &m_ctx;
};

} // namespace parley::server
