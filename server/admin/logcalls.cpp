#include "admin/logcalls.h"

#include "admin/eventlog.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QCborArray>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int DefaultEventLimit = 200;
constexpr int MaxEventLimit = 5000;
const QStringList LogLevels = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s, u"off"_s};

// The filter rules for one category at one level.
QString rulesFor(const QString &category, const QString &level)
{
    const qsizetype at = LogLevels.indexOf(level);
    const QStringList types = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s};
    QStringList rules;
    for (qsizetype i = 0; i < types.size(); ++i)
        rules << u"%1.%2=%3"_s.arg(category, types.at(i), i >= at ? u"true"_s : u"false"_s);
    return rules.join(u'\n');
}

// Empty when `category` is a logging category of the daemon, or a pattern with * at its start, its end or both (as
// QLoggingCategory's filter rules take them) that matches at least one; otherwise why it is refused.
QString categoryProblem(const QString &category, const QStringList &known)
{
    const QString valid = u"the categories are %1; * at the start or end of a name matches several"_s.arg(known.join(u", "_s));
    if (category.isEmpty())
        return u"category: empty; %1"_s.arg(valid);
    QStringView core(category);
    const bool anyPrefix = core.startsWith(u'*');
    if (anyPrefix)
        core = core.sliced(1);
    const bool anySuffix = core.endsWith(u'*');
    if (anySuffix)
        core.chop(1);
    if (core.contains(u'*'))
        return u"category: * only at the start or end; %1"_s.arg(valid);
    for (const QString &name : known) {
        const bool matches = anyPrefix ? (anySuffix ? name.contains(core) : name.endsWith(core))
                                       : (anySuffix ? name.startsWith(core) : name == core);
        if (matches)
            return {};
    }
    return u"category: no logging category '%1'; %2"_s.arg(category, valid);
}

} // namespace

const QList<AdminCall<LogCalls>> &LogCalls::calls()
{
    static const QList<AdminCall<LogCalls>> calls = {
        {"log.set_level"_L1, &LogCalls::handleLogSetLevel},
        {"log.levels"_L1, &LogCalls::handleLogLevels},
        {"log.show"_L1, &LogCalls::handleLogShow},
        {"log.retention"_L1, &LogCalls::handleLogRetention},
    };
    return calls;
}

Status LogCalls::load(AdminStore &admin)
{
    auto levels = admin.setting(u"log.levels"_s);
    if (!levels)
        return levels.error();
    if (*levels) {
        const QStringList lines = (**levels).split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            const QString category = line.section(u'=', 0, 0);
            const QString level = line.section(u'=', 1);
            // A stored name the daemon no longer has would do nothing (and could not be set again): dropped.
            if (categoryProblem(category, m_ctx.config().logCategories).isEmpty() && LogLevels.contains(level))
                m_levels.insert(category, level);
        }
    }
    applyLogRules();
    auto retention = admin.setting(u"log.retention_days"_s);
    if (!retention)
        return retention.error();
    if (*retention) {
        const int days = (**retention).toInt();
        if (days >= 1 && days <= 3650)
            m_retentionDays = days;
    }
    return {};
}

void LogCalls::purge()
{
    m_ctx.events()->purge(m_retentionDays);
}

void LogCalls::applyLogRules()
{
    QStringList rules{u"*.debug=false"_s};
    if (!m_ctx.config().logRules.isEmpty())
        rules << m_ctx.config().logRules;
    for (auto it = m_levels.cbegin(); it != m_levels.cend(); ++it)
        rules << rulesFor(it.key(), it.value());
    QLoggingCategory::setFilterRules(rules.join(u'\n'));
}

QString LogCalls::encodeLevels() const
{
    QStringList out;
    for (auto it = m_levels.cbegin(); it != m_levels.cend(); ++it)
        out << it.key() + u'=' + it.value();
    return out.join(u'\n');
}

void LogCalls::handleLogSetLevel(const AdminRequestPtr &r)
{
    const QString category = r->args.value("category"_L1).toString();
    const QString level = r->args.value("level"_L1).toString().toLower();
    if (const QString problem = categoryProblem(category, m_ctx.config().logCategories); !problem.isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, problem);
    if (!LogLevels.contains(level))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"level: expected debug, info, warning, critical or off"_s);
    m_levels.insert(category, level);
    applyLogRules();
    QCborMap m;
    m.insert("category"_L1, category);
    m.insert("level"_L1, level);
    m_ctx.saveSettings(r, {{u"log.levels"_s, encodeLevels()}}, m);
}

void LogCalls::handleLogLevels(const AdminRequestPtr &r)
{
    QCborMap levels;
    for (const QString &category : std::as_const(m_ctx.config().logCategories))
        levels.insert(category, m_levels.value(category, u"info"_s));
    for (auto it = m_levels.cbegin(); it != m_levels.cend(); ++it)
        levels.insert(it.key(), it.value());
    QCborMap m;
    m.insert("levels"_L1, levels);
    m.insert("boot_rules"_L1, m_ctx.config().logRules);
    m_ctx.reply(r, m);
}

void LogCalls::handleLogShow(const AdminRequestPtr &r)
{
    EventFilter filter;
    filter.grep = r->args.value("grep"_L1).toString();
    filter.category = r->args.value("category"_L1).toString();
    filter.minLevel = r->args.value("level"_L1).toString().toLower();
    filter.since = r->args.value("since"_L1).toInteger();
    const qint64 limit = r->args.contains("limit"_L1) ? r->args.value("limit"_L1).toInteger() : DefaultEventLimit;
    if (limit < 1 || limit > MaxEventLimit)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"limit: 1 to %1"_s.arg(MaxEventLimit));
    filter.limit = int(limit);
    if (!filter.minLevel.isEmpty() && (!LogLevels.contains(filter.minLevel) || filter.minLevel == u"off"_s))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"level: expected debug, info, warning or critical"_s);
    m_ctx.events()->flush();   // queued before this read on the same writer: the newest lines are included
    m_ctx.write(r, [filter](Db &db) -> Result<QCborMap> {
        auto list = AdminStore(db).events(filter);
        if (!list)
            return list.error();
        QCborArray out;
        for (const EventRecord &e : *list) {
            QCborMap m;
            m.insert("at"_L1, e.at);
            m.insert("level"_L1, e.level);
            m.insert("category"_L1, e.category);
            m.insert("message"_L1, e.message);
            out.append(m);
        }
        QCborMap m;
        m.insert("events"_L1, out);
        return m;
    });
}

void LogCalls::handleLogRetention(const AdminRequestPtr &r)
{
    QCborMap m;
    if (!r->args.contains("days"_L1)) {
        m.insert("days"_L1, m_retentionDays);
        return m_ctx.reply(r, m);
    }
    const qint64 days = r->args.value("days"_L1).toInteger();
    if (days < 1 || days > 3650)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"days: 1 to 3650"_s);
    m_retentionDays = int(days);
    m.insert("days"_L1, m_retentionDays);
    m_ctx.events()->purge(m_retentionDays);
    m_ctx.saveSettings(r, {{u"log.retention_days"_s, QString::number(m_retentionDays)}}, m);
}

} // namespace parley::server
