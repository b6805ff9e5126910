#include "admin/accountcalls.h"

#include "admin/adminauth.h"
#include "admin/adminlog.h"
#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QCborArray>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int MaxLoginFailuresPerConnection = 10;
constexpr int FailureDelayStepMs = 250;
constexpr int MaxFailureDelayMs = 3000;
const QString InitialAccount = u"admin"_s;
const QString InitialPasswordFileName = u"initial-admin-password"_s;

} // namespace

const QList<AdminCall<AccountCalls>> &AccountCalls::sessionCalls()
{
    static const QList<AdminCall<AccountCalls>> calls = {
        {"login"_L1, &AccountCalls::handleLogin},
        {"password.change"_L1, &AccountCalls::handlePasswordChange},
        {"logout"_L1, &AccountCalls::handleLogout},
    };
    return calls;
}

const QList<AdminCall<AccountCalls>> &AccountCalls::accountCalls()
{
    static const QList<AdminCall<AccountCalls>> calls = {
        {"admin.list"_L1, &AccountCalls::handleAdminList},
        {"admin.create"_L1, &AccountCalls::handleAdminCreate},
        {"admin.delete"_L1, &AccountCalls::handleAdminDelete},
        {"admin.set_password"_L1, &AccountCalls::handleAdminSetPassword},
        {"totp.setup"_L1, &AccountCalls::handleTotpSetup},
        {"totp.enable"_L1, &AccountCalls::handleTotpEnable},
        {"totp.disable"_L1, &AccountCalls::handleTotpDisable},
    };
    return calls;
}

Status AccountCalls::start()
{
    auto dummy = adminauth::hashPassword(adminauth::generatePassword());
    if (!dummy)
        return dummy.error();
    m_dummyHash = *dummy;
    if (Status s = ensureInitialAccount(); !s)
        return makeError(s.error().code, u"cannot create the first admin account: %1"_s.arg(s.error().message));
    return {};
}

void AccountCalls::purgeTokens()
{
    m_ctx.store()->write<int>(m_ctx.owner(), [](Db &db) { return AdminStore(db).purgeTokens(AdminContext::now()); }, [](Result<int> r) {
        if (!r)
            qCWarning(lcAdmin) << "Purging admin tokens failed:" << r.error().message;
    });
}

Result<QString> AccountCalls::resetPassword(Store &store, const QString &name)
{
    if (!protocol::isValidUserName(name))
        return makeError(ErrorCode::InvalidArgument, u"'%1' is not a valid admin name"_s.arg(name));
    const QString password = adminauth::generatePassword();
    auto hash = adminauth::hashPassword(password);
    if (!hash)
        return hash.error();
    auto done = store.writeSync<bool>([name, h = *hash](Db &db) -> Result<bool> {
        AdminStore admin(db);
        auto account = admin.account(name);
        if (!account && account.error().code != ErrorCode::NotFound)
            return account.error();
        if (account) {
            if (Status s = admin.setPassword(account->id, h, true); !s)
                return s.error();
        } else if (auto id = admin.createAccount(name, h, true, AdminContext::now()); !id) {
            return id.error();
        }
        if (Status s = admin.appendAudit(AuditRecord{0, AdminContext::now(), u"host"_s, u"admin.reset_password"_s, name, u"ok"_s}); !s)
            return s.error();
        return true;
    });
    if (!done)
        return done.error();
    return password;
}

void AccountCalls::loginFailed(const AdminRequestPtr &r, qint64 accountId)
{
    const int failures = m_ctx.countLoginFailure(r->socket.data());
    const int delay = failures > 0 ? std::min(MaxFailureDelayMs, FailureDelayStepMs * failures) : FailureDelayStepMs;
    const bool closeAfter = failures >= MaxLoginFailuresPerConnection;
    auto answer = [this, r, closeAfter](QLatin1StringView code, const QString &message) {
        QTimer::singleShot(0, m_ctx.owner(), [] {});
        m_ctx.fail(r, code, message);
        if (closeAfter && r->socket)
            r->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"too many failed logins"_s);
    };
    if (accountId == 0) {
        QTimer::singleShot(delay, m_ctx.owner(), [answer] { answer(proto::errors::Unauthorized, u"wrong name or password"_s); });
        return;
    }
    const int maxFailures = m_ctx.config().admin.maxFailedLogins;
    const qint64 lockMs = qint64(m_ctx.config().admin.lockoutSeconds) * 1000;
    const QString name = r->args.value("name"_L1).toString();
    m_ctx.store()->write<bool>(m_ctx.owner(), [accountId, maxFailures, lockMs](Db &db) {
        return AdminStore(db).recordFailure(accountId, maxFailures, lockMs, AdminContext::now());
    }, [this, answer, delay, name, maxFailures](Result<bool> locked) {
        const bool nowLocked = locked && *locked;
        if (nowLocked) {
            qCWarning(lcAdmin).noquote() << u"Admin account %1 is locked for %2 s after %3 failed logins in a row"_s.arg(
                name).arg(m_ctx.config().admin.lockoutSeconds).arg(maxFailures);
        }
        QTimer::singleShot(delay, m_ctx.owner(), [this, answer, nowLocked] {
            if (nowLocked)
                answer(proto::errors::LockedOut, u"wrong credentials; the account is locked for %1 seconds"_s.arg(m_ctx.config().admin.lockoutSeconds));
            else
                answer(proto::errors::Unauthorized, u"wrong name or password"_s);
        });
    });
}

void AccountCalls::issueToken(const AdminRequestPtr &r, const AdminAccount &account, bool mustChange)
{
    const QString token = adminauth::generateToken();
    const QByteArray hash = adminauth::tokenHash(token);
    const qint64 now = AdminContext::now();
    const qint64 expires = now + qint64(m_ctx.config().admin.tokenLifetimeSeconds) * 1000;
    const qint64 id = account.id;
    m_ctx.write(r, [id, hash, now, expires, token, mustChange, name = account.name](Db &db) -> Result<QCborMap> {
        AdminStore admin(db);
        if (Status s = admin.clearFailures(id); !s)
            return s.error();
        if (Status s = admin.insertToken(hash, id, now, expires); !s)
            return s.error();
        QCborMap m;
        m.insert("name"_L1, name);
        m.insert("token"_L1, token);
        m.insert("expires_at"_L1, expires);
        m.insert("must_change_password"_L1, mustChange);
        return m;
    });
}

void AccountCalls::handleLogin(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    const QString password = r->args.value("password"_L1).toString();
    const QString totp = r->args.value("totp"_L1).toString();
    auto account = AdminStore(m_ctx.store()->reader()).account(name);
    if (!account && account.error().code != ErrorCode::NotFound)
        return m_ctx.reply(r, account.error());
    if (!account) {
        const QString dummy = m_dummyHash;
        m_ctx.offThread<bool>([dummy, password] { return adminauth::verifyPassword(dummy, password); },
                        [this, r](bool) { loginFailed(r, 0); });
        return;
    }
    if (account->lockedUntil > AdminContext::now()) {
        const qint64 seconds = (account->lockedUntil - AdminContext::now() + 999) / 1000;
        return m_ctx.fail(r, proto::errors::LockedOut, u"too many failed logins; try again in %1 seconds"_s.arg(seconds));
    }
    const AdminAccount a = *account;
    m_ctx.offThread<bool>([hash = a.passwordHash, password] { return adminauth::verifyPassword(hash, password); },
                    [this, r, a, totp](bool ok) {
        if (!ok)
            return loginFailed(r, a.id);
        if (a.totpEnabled) {
            if (totp.isEmpty())
                return m_ctx.fail(r, proto::errors::TotpRequired, u"this account needs a TOTP code (totp)"_s);
            const auto step = adminauth::matchTotp(a.totpSecret, totp, AdminContext::now() / 1000);
            if (!step || *step <= m_lastTotpStep.value(a.id, -1))
                return loginFailed(r, a.id);
            m_lastTotpStep.insert(a.id, *step);
        }
        issueToken(r, a, a.mustChange);
    });
}

void AccountCalls::handlePasswordChange(const AdminRequestPtr &r)
{
    const QString current = r->args.value("password"_L1).toString();
    const QString next = r->args.value("new_password"_L1).toString();
    if (Status s = adminauth::checkPasswordPolicy(next); !s)
        return m_ctx.reply(r, s.error());
    if (next == current)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"the new password must differ from the current one"_s);
    const AdminAccount a = r->account;
    struct Outcome {
        bool verified = false;
        Result<QString> hash = QString();
    };
    m_ctx.offThread<std::shared_ptr<Outcome>>([hash = a.passwordHash, current, next] {
        auto o = std::make_shared<Outcome>();
        o->verified = adminauth::verifyPassword(hash, current);
        if (o->verified)
            o->hash = adminauth::hashPassword(next);
        return o;
    }, [this, r, a](std::shared_ptr<Outcome> o) {
        if (!o->verified)
            return loginFailed(r, a.id);
        if (!o->hash)
            return m_ctx.reply(r, o->hash.error());
        const QString hash = *o->hash;
        const bool wasInitial = a.mustChange;
        m_ctx.store()->write<bool>(m_ctx.owner(), [id = a.id, hash](Db &db) -> Result<bool> {
            if (Status s = AdminStore(db).setPassword(id, hash, false); !s)
                return s.error();
            return true;
        }, [this, r, a, wasInitial](Result<bool> done) {
            if (!done)
                return m_ctx.reply(r, done.error());
            if (wasInitial && a.name == InitialAccount)
                QFile::remove(QDir(m_ctx.config().dataDir).filePath(InitialPasswordFileName));
            AdminAccount changed = a;
            changed.mustChange = false;
            issueToken(r, changed, false);
        });
    });
}

void AccountCalls::handleLogout(const AdminRequestPtr &r)
{
    m_ctx.write(r, [hash = r->tokenHash](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).deleteToken(hash); !s)
            return s.error();
        return QCborMap();
    });
}

void AccountCalls::handleAdminList(const AdminRequestPtr &r)
{
    auto accounts = AdminStore(m_ctx.store()->reader()).accounts();
    if (!accounts)
        return m_ctx.reply(r, accounts.error());
    QCborArray list;
    for (const AdminAccount &a : *accounts) {
        QCborMap m;
        m.insert("name"_L1, a.name);
        m.insert("must_change_password"_L1, a.mustChange);
        m.insert("totp"_L1, a.totpEnabled);
        m.insert("locked"_L1, a.lockedUntil > AdminContext::now());
        m.insert("created_at"_L1, a.createdAt);
        list.append(m);
    }
    QCborMap m;
    m.insert("admins"_L1, list);
    m_ctx.reply(r, m);
}

// Hashes `password` off the event loop, then runs `op` with the hash on the writer.
void AccountCalls::withHash(const AdminRequestPtr &r, const QString &password, std::function<Result<QCborMap>(Db &, const QString &)> op)
{
    if (Status s = adminauth::checkPasswordPolicy(password); !s)
        return m_ctx.reply(r, s.error());
    m_ctx.offThread<std::shared_ptr<Result<QString>>>([password] {
        return std::make_shared<Result<QString>>(adminauth::hashPassword(password));
    }, [this, r, op](std::shared_ptr<Result<QString>> hash) {
        if (!*hash)
            return m_ctx.reply(r, hash->error());
        m_ctx.write(r, [op, h = hash->value()](Db &db) { return op(db, h); });
    });
}

void AccountCalls::handleAdminCreate(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"an admin name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
    withHash(r, r->args.value("password"_L1).toString(), [name](Db &db, const QString &hash) -> Result<QCborMap> {
        auto id = AdminStore(db).createAccount(name, hash, true, AdminContext::now());
        if (!id)
            return id.error();
        QCborMap m;
        m.insert("name"_L1, name);
        m.insert("must_change_password"_L1, true);
        return m;
    });
}

void AccountCalls::handleAdminDelete(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"an admin name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
    m_ctx.write(r, [name](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).deleteAccount(name); !s)
            return s.error();
        return QCborMap();
    });
}

void AccountCalls::handleAdminSetPassword(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"an admin name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
    if (name == r->account.name)
        return m_ctx.fail(r, proto::errors::Forbidden, u"change your own password with password.change"_s);
    withHash(r, r->args.value("password"_L1).toString(), [name](Db &db, const QString &hash) -> Result<QCborMap> {
        AdminStore admin(db);
        auto account = admin.account(name);
        if (!account)
            return account.error();
        if (Status s = admin.setPassword(account->id, hash, true); !s)
            return s.error();
        QCborMap m;
        m.insert("name"_L1, name);
        m.insert("must_change_password"_L1, true);
        return m;
    });
}

void AccountCalls::handleTotpSetup(const AdminRequestPtr &r)
{
    if (r->account.totpEnabled)
        return m_ctx.fail(r, proto::errors::Conflict, u"TOTP is already on; turn it off first"_s);
    const QByteArray secret = crypto::randomBytes(20);
    const QString encoded = adminauth::base32(secret);
    const QString name = r->account.name;
    m_ctx.write(r, [id = r->account.id, secret, encoded, name](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).setTotp(id, secret, false); !s)
            return s.error();
        QUrlQuery query;
        query.addQueryItem(u"secret"_s, encoded);
        query.addQueryItem(u"issuer"_s, u"Parley"_s);
        query.addQueryItem(u"algorithm"_s, u"SHA1"_s);
        query.addQueryItem(u"digits"_s, u"6"_s);
        query.addQueryItem(u"period"_s, u"30"_s);
        QCborMap m;
        m.insert("secret"_L1, encoded);
        m.insert("uri"_L1, u"otpauth://totp/Parley:%1?%2"_s.arg(name, query.toString(QUrl::FullyEncoded)));
        return m;
    });
}

void AccountCalls::handleTotpEnable(const AdminRequestPtr &r)
{
    const AdminAccount &a = r->account;
    static const QRegularExpression SixDigits(u"^[0-9]{6}$"_s);
    if (!SixDigits.match(r->args.value("code"_L1).toString()).hasMatch())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"code: the 6 digits the authenticator app shows"_s);
    if (a.totpEnabled)
        return m_ctx.fail(r, proto::errors::Conflict, u"TOTP is already on"_s);
    if (a.totpSecret.isEmpty())
        return m_ctx.fail(r, proto::errors::Conflict, u"call totp.setup first"_s);
    const auto step = adminauth::matchTotp(a.totpSecret, r->args.value("code"_L1).toString(), AdminContext::now() / 1000);
    if (!step)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"wrong TOTP code"_s);
    m_lastTotpStep.insert(a.id, *step);
    m_ctx.write(r, [id = a.id, secret = a.totpSecret](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).setTotp(id, secret, true); !s)
            return s.error();
        return QCborMap();
    });
}

void AccountCalls::handleTotpDisable(const AdminRequestPtr &r)
{
    const QString name = r->args.contains("name"_L1) ? r->args.value("name"_L1).toString() : r->account.name;
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"an admin name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
    m_ctx.write(r, [name](Db &db) -> Result<QCborMap> {
        AdminStore admin(db);
        auto account = admin.account(name);
        if (!account)
            return account.error();
        if (Status s = admin.setTotp(account->id, {}, false); !s)
            return s.error();
        return QCborMap();
    });
}

Status AccountCalls::ensureInitialAccount()
{
    auto accounts = AdminStore(m_ctx.store()->reader()).accounts();
    if (!accounts)
        return accounts.error();
    if (!accounts->isEmpty())
        return {};
    const QString password = adminauth::generatePassword();
    auto hash = adminauth::hashPassword(password);
    if (!hash)
        return hash.error();
    const QString file = QDir(m_ctx.config().dataDir).filePath(InitialPasswordFileName);
    if (Status s = AdminContext::writePrivateFile(file, password.toUtf8() + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner); !s)
        return s;
    auto created = m_ctx.store()->writeSync<qint64>([h = *hash](Db &db) {
        return AdminStore(db).createAccount(InitialAccount, h, true, AdminContext::now());
    });
    if (!created)
        return created.error();
    m_initialPasswordFile = file;
    return {};
}

} // namespace parley::server
