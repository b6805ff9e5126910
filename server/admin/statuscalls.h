#pragma once

#include "admin/admincontext.h"

namespace parley::server {

// status: version, uptime, load (connections, queued messages, the store's write queue) and the serving
// certificate's expiry; status.history: the same load over the last 24 hours.
class StatusCalls {
public:
    explicit StatusCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<StatusCalls>> &calls();
    // The uptime counts from here.
    void markStarted() { m_startedAt = AdminContext::now(); }

private:
    void handleStatus(const AdminRequestPtr &r);
    void handleHistory(const AdminRequestPtr &r);

    AdminContext &m_ctx;
    qint64 m_startedAt = 0;
};

} // namespace parley::server
