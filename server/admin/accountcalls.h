#pragma once

#include "admin/admincontext.h"

#include <QHash>

namespace parley::server {

// Admin accounts and their sessions: login (with lockouts and TOTP), password change, logout, the account list,
// creation, deletion and password resets, and TOTP set-up. Two parts of the dispatch table, because the call table
// lists signing in first and account management after the other calls.
class AccountCalls {
public:
    explicit AccountCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<AccountCalls>> &sessionCalls();
    static const QList<AdminCall<AccountCalls>> &accountCalls();

    // Start-up: prepares the stand-in hash for unknown names, creates the first admin account when there is none.
    Status start();
    // Set when start() created the first admin account: the file holding its one-time password.
    QString initialPasswordFile() const { return m_initialPasswordFile; }
    void purgeTokens();
    static Result<QString> resetPassword(Store &store, const QString &name);

private:
    void handleLogin(const AdminRequestPtr &r);
    void handlePasswordChange(const AdminRequestPtr &r);
    void handleLogout(const AdminRequestPtr &r);
    void handleAdminList(const AdminRequestPtr &r);
    void handleAdminCreate(const AdminRequestPtr &r);
    void handleAdminDelete(const AdminRequestPtr &r);
    void handleAdminSetPassword(const AdminRequestPtr &r);
    void handleTotpSetup(const AdminRequestPtr &r);
    void handleTotpEnable(const AdminRequestPtr &r);
    void handleTotpDisable(const AdminRequestPtr &r);

    void loginFailed(const AdminRequestPtr &r, qint64 accountId);
    void issueToken(const AdminRequestPtr &r, const AdminAccount &account, bool mustChange);
    // Hashes `password` off the event loop, then runs `op` with the hash on the writer.
    void withHash(const AdminRequestPtr &r, const QString &password, std::function<Result<QCborMap>(Db &, const QString &)> op);
    Status ensureInitialAccount();

    AdminContext &m_ctx;
    QString m_initialPasswordFile;
    QString m_dummyHash;                       // verified against for unknown names, so that they take as long
    QHash<qint64, qint64> m_lastTotpStep;      // a TOTP code works once
};

} // namespace parley::server
