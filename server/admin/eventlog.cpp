#include "admin/eventlog.h"

#include "store/store.h"

#include <QDateTime>
#include <QMutexLocker>

#include <atomic>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int FlushIntervalMs = 1000;
constexpr qsizetype MaxPending = 10000;
constexpr qsizetype MaxMessageChars = 2000;

std::atomic<EventLog *> g_instance{nullptr};
QtMessageHandler g_previous = nullptr;

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return u"debug"_s;
    case QtInfoMsg: return u"info"_s;
    case QtWarningMsg: return u"warning"_s;
    case QtCriticalMsg:
    case QtFatalMsg: return u"critical"_s;
    }
    return u"info"_s;
}

} // namespace

EventLog::EventLog(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventLog::flush);
}

EventLog::~EventLog()
{
    if (g_instance.load() == this) {
        qInstallMessageHandler(g_previous);
        g_instance.store(nullptr);
    }
}

void EventLog::install()
{
    g_instance.store(this);
    g_previous = qInstallMessageHandler(&EventLog::handler);
}

void EventLog::attach(Store *store)
{
    m_store = store;
    m_timer.start();
}

void EventLog::detach()
{
    flush();
    m_timer.stop();
    m_store = nullptr;
}

void EventLog::handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (EventLog *log = g_instance.load())
        log->append(type, context.category, message);
    if (g_previous)
        g_previous(type, context, message);
}

void EventLog::append(QtMsgType type, const char *category, const QString &message)
{
    EventRecord record;
    record.at = QDateTime::currentMSecsSinceEpoch();
    record.level = levelName(type);
    record.category = category ? QString::fromLatin1(category) : u"default"_s;
    record.message = message.left(MaxMessageChars);
    QMutexLocker lock(&m_mutex);
    if (m_pending.size() >= MaxPending) {
        m_pending.removeFirst();
        ++m_dropped;
    }
    m_pending.append(std::move(record));
}

void EventLog::flush()
{
    if (!m_store)
        return;
    QList<EventRecord> batch;
    qint64 dropped = 0;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
        dropped = m_dropped;
        m_dropped = 0;
    }
    if (dropped > 0)
        batch.append(EventRecord{QDateTime::currentMSecsSinceEpoch(), u"warning"_s, u"parley.admin"_s,
                                 u"%1 log lines were dropped (the event log could not keep up)"_s.arg(dropped)});
    if (batch.isEmpty())
        return;
    // A failure is not logged here: that line would come back through this handler. The lines are lost.
    m_store->write<bool>(nullptr, [batch](Db &db) -> Result<bool> {
        if (Status s = AdminStore(db).appendEvents(batch); !s)
            return s.error();
        return true;
    }, {});
}

void EventLog::purge(int days)
{
    if (!m_store)
        return;
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - qint64(days) * 24 * 3600 * 1000;
    m_store->write<int>(nullptr, [cutoff](Db &db) { return AdminStore(db).purgeEventsBefore(cutoff); }, {});
}

} // namespace parley::server
