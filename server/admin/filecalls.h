#pragma once

#include "admin/admincontext.h"

namespace parley::server {

// files.*: the attachment limits (managed over the boot configuration's [files]) and the storage in use.
class FileCalls {
public:
    explicit FileCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<FileCalls>> &calls();

private:
    void handleFilesShow(const AdminRequestPtr &r);
    void handleFilesSet(const AdminRequestPtr &r);
    void handleFilesUsage(const AdminRequestPtr &r);

    AdminContext &m_ctx;
};

} // namespace parley::server
