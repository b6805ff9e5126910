#pragma once

#include "admin/admincontext.h"
#include "admin/eventlog.h"

#include <QMap>

namespace parley::server {

class AdminStore;

// log.*: verbosity per logging category at run time, the event log and its retention. Both are managed settings.
class LogCalls {
public:
    explicit LogCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<LogCalls>> &calls();
    // Applies the stored levels and retention.
    Status load(AdminStore &admin);
    // Deletes event log rows older than the retention period.
    void purge();

private:
    void handleLogSetLevel(const AdminRequestPtr &r);
    void handleLogLevels(const AdminRequestPtr &r);
    void handleLogShow(const AdminRequestPtr &r);
    void handleLogRetention(const AdminRequestPtr &r);

    void applyLogRules();
    QString encodeLevels() const;

    AdminContext &m_ctx;
    QMap<QString, QString> m_levels;
    int m_retentionDays = EventLog::DefaultRetentionDays;
};

} // namespace parley::server
