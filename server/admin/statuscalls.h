#pragma once

#include "admin/admincontext.h"
#include "admin/statuswarnings.h"

namespace parley::server {

// status: version, uptime, load (connections, queued messages, the store's write queue), the serving certificate's
// expiry and the warnings that need action; status.history: the load over the last 24 hours.
class StatusCalls {
public:
    StatusCalls(AdminContext &ctx, StatusWarnings &warnings) : m_ctx(ctx), m_warnings(warnings) {}

    static const QList<AdminCall<StatusCalls>> &calls();
    // The uptime counts from here.
    void markStarted() { m_startedAt = AdminContext::now(); }

private:
    void handleStatus(const AdminRequestPtr &r);
    void handleHistory(const AdminRequestPtr &r);

    AdminContext &m_ctx;
    StatusWarnings &m_warnings;
    qint64 m_startedAt = 0;
};

} // namespace parley::server
