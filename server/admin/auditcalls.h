#pragma once

#include "admin/admincontext.h"

namespace parley::server {

struct AuditFilter;

// audit.*: the audit log of every admin call, as records or as CSV.
class AuditCalls {
public:
    explicit AuditCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<AuditCalls>> &calls();

private:
    void handleAuditShow(const AdminRequestPtr &r);
    void handleAuditExport(const AdminRequestPtr &r);

    static Result<AuditFilter> auditFilter(const AdminRequestPtr &r);

    AdminContext &m_ctx;
};

} // namespace parley::server
