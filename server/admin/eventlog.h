#pragma once

#include "store/adminstore.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

namespace parley::server {

class Store;

// The daemon's event log: a Qt message handler that keeps every log line the filter rules let through (so the
// verbosity set at run time decides what is kept), passes it on to the previous handler (stderr), and hands the
// lines to the database once a second. Rows older than the retention period are deleted. Messages are the same
// the daemon writes to stderr, which never carry addresses, passwords, codes, keys or content.
class EventLog : public QObject {
    Q_OBJECT
public:
    static constexpr int DefaultRetentionDays = 6;

    explicit EventLog(QObject *parent = nullptr);
    ~EventLog() override;

    // Installs the handler (one EventLog per process); uninstalls in the destructor.
    void install();
    // From now on pending lines go to this store every second; flush() sends them at once.
    void attach(Store *store);
    void detach();
    void flush();
    // Deletes rows older than `days`.
    void purge(int days);

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void append(QtMsgType type, const char *category, const QString &message);

    QMutex m_mutex;
    QList<EventRecord> m_pending;
    qint64 m_dropped = 0;
    Store *m_store = nullptr;
    QTimer m_timer;
};

} // namespace parley::server
