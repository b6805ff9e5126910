#include "admin/auditcalls.h"

#include "admin/csv.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QCborArray>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int AuditListLimit = 1000;
constexpr int MaxAuditListLimit = 100000;

} // namespace

const QList<AdminCall<AuditCalls>> &AuditCalls::calls()
{
    static const QList<AdminCall<AuditCalls>> calls = {
        {"audit.show"_L1, &AuditCalls::handleAuditShow},
        {"audit.export"_L1, &AuditCalls::handleAuditExport},
    };
    return calls;
}

Result<AuditFilter> AuditCalls::auditFilter(const AdminRequestPtr &r)
{
    const QCborMap &args = r->args;
    if (args.contains("since"_L1) && args.contains("until"_L1) && args.value("since"_L1).toInteger() > args.value("until"_L1).toInteger())
        return makeError(ErrorCode::InvalidArgument, u"since: after until"_s);
    const qint64 limit = args.contains("limit"_L1) ? args.value("limit"_L1).toInteger() : AuditListLimit;
    if (limit < 1 || limit > MaxAuditListLimit)
        return makeError(ErrorCode::InvalidArgument, u"limit: 1 to %1"_s.arg(MaxAuditListLimit));
    AuditFilter f;
    f.actor = r->args.value("actor"_L1).toString();
    f.action = r->args.value("action"_L1).toString();
    f.since = r->args.value("since"_L1).toInteger();
    f.until = r->args.value("until"_L1).toInteger();
    f.limit = int(limit);
    return f;
}

void AuditCalls::handleAuditShow(const AdminRequestPtr &r)
{
    const auto filter = auditFilter(r);
    if (!filter)
        return m_ctx.reply(r, filter.error());
    auto records = AdminStore(m_ctx.store()->reader()).audit(*filter);
    if (!records)
        return m_ctx.reply(r, records.error());
    QCborArray list;
    for (const AuditRecord &a : *records) {
        QCborMap m;
        m.insert("id"_L1, a.id);
        m.insert("at"_L1, a.at);
        m.insert("actor"_L1, a.actor);
        m.insert("action"_L1, a.action);
        m.insert("target"_L1, a.target);
        m.insert("outcome"_L1, a.outcome);
        list.append(m);
    }
    QCborMap m;
    m.insert("records"_L1, list);
    m_ctx.reply(r, m);
}

void AuditCalls::handleAuditExport(const AdminRequestPtr &r)
{
    auto filter = auditFilter(r);
    if (!filter)
        return m_ctx.reply(r, filter.error());
    AuditFilter f = *filter;
    f.limit = 1000000;
    auto records = AdminStore(m_ctx.store()->reader()).audit(f);
    if (!records)
        return m_ctx.reply(r, records.error());
    QString csv = csv::record({u"id"_s, u"time"_s, u"actor"_s, u"action"_s, u"target"_s, u"outcome"_s});
    for (auto it = records->crbegin(); it != records->crend(); ++it) {
        csv += csv::record({QString::number(it->id), QDateTime::fromMSecsSinceEpoch(it->at, Qt::UTC).toString(Qt::ISODateWithMs),
                            it->actor, it->action, it->target, it->outcome});
    }
    QCborMap m;
    m.insert("csv"_L1, csv);
    m.insert("count"_L1, qint64(records->size()));
    m_ctx.reply(r, m);
}

} // namespace parley::server
