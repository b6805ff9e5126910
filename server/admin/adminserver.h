#pragma once

#include "core/result.h"

#include <QNetworkProxy>
#include <QObject>
#include <QStringList>

#include <memory>

namespace parley::server {

class EventLog;
class AdminHost;
class Store;

// The admin API (docs/admin-api.md): its own TLS WebSocket listener, admin accounts with Argon2id passwords,
// lockouts, hashed expiring tokens and optional TOTP, one dispatch table of management calls, the audit log and
// the managed settings. Lives in the main thread next to the daemon (its AdminHost) it manages.
class AdminServer : public QObject {
    Q_OBJECT
public:
    AdminServer(AdminHost *host, EventLog *events, QObject *parent = nullptr);
    ~AdminServer() override;

    // Call after Server::start(). Creates the first admin account when there is none, applies the managed
    // settings and starts listening.
    Status start();
    void stop();

    quint16 port() const;
    QString url() const;
    // Set when start() created the first admin account: the file holding its one-time password.
    QString initialPasswordFile() const;
    // The outbound proxy for traffic the server initiates (managed setting proxy.*).
    QNetworkProxy messagingProxy() const;

    // The names the dispatch table handles (must equal protocol::admin::calls()).
    static QStringList handledCalls();

    // Host-side reset (`parleyd admin reset-password NAME`): a new random password that must be changed at the
    // next login, lockout cleared, tokens revoked; creates the account when absent. Returns the password.
    static Result<QString> resetPassword(Store &store, const QString &name);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
