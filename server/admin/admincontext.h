#pragma once

#include "admin/adminhost.h"
#include "core/result.h"
#include "crypto/threadstate.h"
#include "protocol/adminprotocol.h"
#include "store/adminstore.h"

#include <QCborMap>
#include <QFileDevice>
#include <QLatin1StringView>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QWebSocket>

#include <functional>
#include <memory>
#include <utility>

namespace parley::server {

class Db;
class EventLog;
class Store;

// One admin call in flight: who sent it, what it asks, and who is asking once the token is checked.
struct AdminRequest {
    QPointer<QWebSocket> socket;
    quint64 id = 0;
    QString call;
    QCborMap args;
    QString actor = QStringLiteral("-");
    QByteArray tokenHash;
    AdminAccount account;
    bool answered = false;
};
using AdminRequestPtr = std::shared_ptr<AdminRequest>;

// A handler's part of the dispatch table: call names and the member functions that answer them.
template<typename Handler>
struct AdminCall {
    QLatin1StringView name;
    void (Handler::*handle)(const AdminRequestPtr &);
};

// What every call handler shares: answering a request (and auditing the answer), writing to the store, memory-hard
// work off the event loop, dropping device sessions. `owner` is the AdminServer: callbacks are guarded by it.
class AdminContext {
public:
    AdminContext(QObject *owner, AdminHost *host, EventLog *events);

    QObject *owner() const { return m_owner; }
    AdminHost *host() const { return m_host; }
    EventLog *events() const { return m_events; }
    Store *store() const { return m_store; }
    const AdminSettings &config() const { return m_config; }

    static constexpr int DefaultValidHours = 168;   // of an enrollment code
    static constexpr int MaxValidHours = 24 * 366;

    static qint64 now();
    // `valid_hours` of the request, or the default; *ok is false outside 1 ... MaxValidHours.
    static int validHours(const AdminRequestPtr &r, bool *ok);
    // Writes `data` to `path` through a temporary file that gets `permissions` before any byte is written.
    static Status writePrivateFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions);

    void send(QWebSocket *socket, const protocol::admin::Response &response);
    // Answers once; every answer is audited.
    void reply(const AdminRequestPtr &r, const Result<QCborMap> &result);
    void fail(const AdminRequestPtr &r, QLatin1StringView code, const QString &message);
    void audit(const QString &actor, const QString &action, const QString &target, const QString &outcome);

    // Runs `op` on the store's writer thread; replies with its result once committed. `after` runs first on success.
    void write(const AdminRequestPtr &r, std::function<Result<QCborMap>(Db &)> op, std::function<void()> after = {});
    // Stores managed settings, then replies with `result`.
    void saveSettings(const AdminRequestPtr &r, const QList<std::pair<QString, QString>> &values, const QCborMap &result);

    // Memory-hard work (Argon2id) off the event loop; `done` runs on the main thread if the server still exists.
    template<typename T>
    void offThread(std::function<T()> work, std::function<void(T)> done)
    {
        QPointer<QObject> guard(m_owner);
        QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)]() mutable {
            T value = work();
            crypto::releaseThreadState();
            if (!guard)
                return;
            QMetaObject::invokeMethod(guard.data(), [guard, done = std::move(done), value = std::move(value)]() mutable {
                if (guard)
                    done(std::move(value));
            }, Qt::QueuedConnection);
        });
    }

    void dropSessions(const QList<qint64> &deviceIds, const QString &reason);

    // HOST:PORT put into enrollment links ([admin] enroll_server, else the device listener's address), and the
    // parley://enroll link of a code.
    QString enrollServer() const;
    QString enrollLink(const QString &user, const QString &code) const;

    // The listener counts failed logins per connection: returns the connection's count after this one, 0 when the
    // connection is gone.
    void setLoginFailureCounter(std::function<int(QWebSocket *)> counter) { m_loginFailures = std::move(counter); }
    int countLoginFailure(QWebSocket *socket) const { return m_loginFailures ? m_loginFailures(socket) : 0; }

private:
    QObject *m_owner;
    AdminHost *m_host;
    EventLog *m_events;
    Store *m_store;
    AdminSettings m_config;
    std::function<int(QWebSocket *)> m_loginFailures;
};

} // namespace parley::server
