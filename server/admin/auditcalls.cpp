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

} // namespace

const QList<AdminCall<AuditCalls>> &AuditCalls::calls()
{
    static const QList<AdminCall<AuditCalls>> calls = {
        {"audit.show"_L1, &AuditCalls::handleAuditShow},
        {"audit.export"_L1, &AuditCalls::handleAuditExport},
    };
    return calls;
}

AuditFilter AuditCalls::auditFilter(const AdminRequestPtr &r)
{
    AuditFilter f;
    f.actor = r->args.value("actor"_L1).toString();
    f.action = r->args.value("action"_L1).toString();
    f.since = r->args.value("since"_L1).toInteger();
    f.until = r->args.value("until"_L1).toInteger();
    f.limit = int(std::clamp<qint64>(r->args.contains("limit"_L1) ? r->args.value("limit"_L1).toInteger() : AuditListLimit, 1, 100000));
    return f;
}

void AuditCalls::handleAuditShow(const AdminRequestPtr &r)
{
    auto records = AdminStore(m_ctx.store()->reader()).audit(auditFilter(r));
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
    AuditFilter f = auditFilter(r);
    f.limit = 1000000;
    auto records = AdminStore(m_ctx.store()->reader()).audit(f);
    if (!records)
        return m_ctx.reply(r, records.error());
    QString csv = u"id,time,actor,action,target,outcome\n"_s;
    for (auto it = records->crbegin(); it != records->crend(); ++it) {
        csv += u"%1,%2,%3,%4,%5,%6\n"_s.arg(it->id)
                   .arg(QDateTime::fromMSecsSinceEpoch(it->at, Qt::UTC).toString(Qt::ISODateWithMs))
                   .arg(csv::field(it->actor), csv::field(it->action), csv::field(it->target), csv::field(it->outcome));
    }
    QCborMap m;
    m.insert("csv"_L1, csv);
    m.insert("count"_L1, qint64(records->size()));
    m_ctx.reply(r, m);
}

} // namespace parley::server
