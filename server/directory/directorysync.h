#pragma once

#include "core/result.h"
#include "directory/directoryconfig.h"

#include <QCborMap>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace parley::server {

class Store;

// The directory sync (docs/operations.md "Directory"): reads the whole directory on a thread of its own (libldap
// blocks; the event loop never waits for it), then works out the changes and, unless it is a dry run, applies them
// with their audit records in one transaction through the store's writer. A directory that fails at any point
// (connection, TLS, bind, a page of the search) changes nothing. Runs on demand (run()) and every interval_seconds.
// Lives in the main thread.
class DirectorySync : public QObject {
    Q_OBJECT
public:
    static constexpr QStringView ScheduledActor = u"directory";

    DirectorySync(Store *store, QString dataDir, QObject *parent = nullptr);
    // Cancels a read in progress and waits for its thread.
    ~DirectorySync() override;

    // Drops the live sessions of these devices (of users the sync suspended or deleted), after the commit.
    using DropSessions = std::function<void(const QList<qint64> &deviceIds)>;
    void setDropSessions(DropSessions drop) { m_drop = std::move(drop); }

    // The directory to read, or none. Cancels a read in progress (its run changes nothing) and schedules the next run
    // interval_seconds from now.
    void configure(const std::optional<DirectoryConfig> &config);
    const std::optional<DirectoryConfig> &config() const { return m_config; }
    // Shutting down: cancels a read in progress and runs no more.
    void stop();

    // DATA_DIR/directory (0700): the stored bind password and the CA certificate file libldap reads.
    QString directory() const;
    // Writes `password` to a new file under directory() (0600, atomically); returns its name.
    Result<QString> writePassword(const QByteArray &password, qint64 nowMs) const;
    // Deletes the stored password files but `keep` (a file name, may be empty).
    void removeOtherPasswords(const QString &keep) const;

    bool running() const { return m_running; }
    qint64 nextRunAt() const { return m_nextRunAt; }
    // The report of the last run (no enrollment codes), with `outcome` ("ok" or the error's code name) and `error`;
    // empty before the first.
    QCborMap lastRun() const { return m_lastRun; }

    // Starts a run by `actor`. `done` (on this object's thread) gets the report, with the enrollment codes of the
    // users this run created; Conflict while another run is in progress, NotFound without a configuration,
    // Unavailable when the directory could not be read whole.
    using Done = std::function<void(Result<QCborMap>)>;
    void run(bool dryRun, const QString &actor, Done done);

private:
    struct Read;
    void finishRead(const std::shared_ptr<Read> &read);
    void finish(const Result<QCborMap> &result, bool dryRun, const QString &actor);
    void schedule();

    Store *m_store;
    QString m_dataDir;
    DropSessions m_drop;
    std::optional<DirectoryConfig> m_config;
    QTimer m_timer;
    qint64 m_nextRunAt = 0;
    bool m_running = false;
    bool m_stopped = false;
    Done m_done;
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QCborMap m_lastRun;
};

} // namespace parley::server
