#pragma once

// The fixture of the admin API's end-to-end tests: a real parleyd child process over real TLS with its admin
// listener (three failed logins lock an account out for three seconds), the admin client parleyctl uses, and the
// secrets the daemon must never write anywhere.

#include "../e2e/harness.h"
#include "parleyctlrunner.h"

#include "admin/adminauth.h"
#include "syncadminclient.h"
#include "admin/adminserver.h"
#include "crypto/crypto.h"
#include "protocol/adminprotocol.h"

#include <QCborArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace parley::e2e {

namespace proto = parley::protocol::admin;

inline const QString AdminPassword = u"Sturdy admin passphrase 42"_s;
inline const QString OpsPassword = u"Operations passphrase 77"_s;

inline QString adminAddress(Daemon &daemon)
{
    const QByteArray out = Daemon::readFile(daemon.stdoutFile());
    const auto m = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s).match(QString::fromUtf8(out));
    return m.hasMatch() ? m.captured(1) : QString();
}

struct Api {
    std::unique_ptr<SyncAdminClient> client;
    QString token;

    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {})
    {
        return client->call(name, token, args, WaitMs);
    }
};

inline std::unique_ptr<Api> connectApi(const QString &address, const QString &fingerprint)
{
    auto api = std::make_unique<Api>();
    api->client = std::make_unique<SyncAdminClient>(address, fingerprint);
    if (Status s = api->client->connectToServer(WaitMs); !s) {
        qWarning() << "admin connect:" << s.error().message;
        return nullptr;
    }
    return api;
}

inline QCborMap loginArgs(const QString &name, const QString &password, const QString &totp = {})
{
    QCborMap m{{u"name"_s, name}, {u"password"_s, password}};
    if (!totp.isEmpty())
        m.insert(u"totp"_s, totp);
    return m;
}

// The first admin of the daemon at `address`: logged in with its one-time password, changed to AdminPassword.
inline std::unique_ptr<Api> firstAdmin(const QString &address, const QString &fingerprint, const QString &initialPassword)
{
    auto api = connectApi(address, fingerprint);
    if (!api || initialPassword.isEmpty())
        return nullptr;
    auto r = api->call(u"login"_s, loginArgs(u"admin"_s, initialPassword));
    api->token = r.result.value("token"_L1).toString();
    r = api->call(u"password.change"_s, {{u"password"_s, initialPassword}, {u"new_password"_s, AdminPassword}});
    if (!r.ok) {
        qWarning() << "first admin:" << r.error << r.message;
        return nullptr;
    }
    api->token = r.result.value("token"_L1).toString();
    return api;
}

class AdminTest : public QObject {
protected:
    std::unique_ptr<Daemon> m_daemon;
    QString m_address;
    std::unique_ptr<Api> m_api;           // logged in as admin with the chosen password
    QStringList m_secrets;                 // everything that must never appear in what the daemon wrote
    QStringList m_logSecrets;              // what must never appear in its logs
    QString m_initialPassword;

    // One admin call as m_api, waited for (bounded).
    SyncAdminClient::Reply call(const QString &name, const QCborMap &args = {}) { return m_api->call(name, args); }

    // Runs statements on the daemon's database from the outside (WAL lets both write, one at a time).
    bool sql(const QStringList &statements)
    {
        bool ok = true;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"outside"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            if (!db.open())
                return false;
            QSqlQuery q(db);
            ok = q.exec(u"PRAGMA busy_timeout = 10000"_s);
            for (const QString &statement : statements) {
                if (ok && !q.exec(statement)) {
                    qWarning() << statement << q.lastError().text();
                    ok = false;
                }
            }
        }
        QSqlDatabase::removeDatabase(u"outside"_s);
        return ok;
    }

    std::unique_ptr<Api> loggedIn(const QString &name, const QString &password)
    {
        auto api = connectApi(m_address, m_daemon->fingerprint());
        if (!api)
            return nullptr;
        const auto reply = api->call(u"login"_s, loginArgs(name, password));
        if (!reply.ok) {
            qWarning() << "login" << name << reply.error << reply.message;
            return nullptr;
        }
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        return api;
    }

    // m_api: the first admin, logged in with its one-time password and that changed to AdminPassword; both tokens
    // are secrets.
    void loginFirstAdmin()
    {
        auto api = loggedIn(u"admin"_s, m_initialPassword);
        QVERIFY(api);
        const auto reply = api->call(u"password.change"_s, {{u"password"_s, m_initialPassword}, {u"new_password"_s, AdminPassword}});
        QVERIFY2(reply.ok, qPrintable(reply.message));
        api->token = reply.result.value("token"_L1).toString();
        m_secrets << api->token;
        m_api = std::move(api);
    }

    // `extraConfig`: whole sections after [admin]; `environment`: added to parleyd's (test hooks); `prepare` runs
    // before the daemon starts (a file system for its data directory) and returns why it failed, or nothing.
    void startDaemon(const QString &extraConfig = {}, const QMap<QString, QString> &environment = {},
                     const std::function<QString(Daemon &)> &prepare = {})
    {
        m_daemon = std::make_unique<Daemon>(
            u"[admin]\nlisten=127.0.0.1:0\nmax_failed_logins=3\nlockout_seconds=3\n\n"_s + extraConfig);
        if (prepare) {
            const QString failed = prepare(*m_daemon);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
        }
        if (!environment.isEmpty()) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (auto it = environment.cbegin(); it != environment.cend(); ++it)
                env.insert(it.key(), it.value());
            m_daemon->process().setProcessEnvironment(env);
        }
        QVERIFY(m_daemon->start());
        m_address = adminAddress(*m_daemon);
        QVERIFY(!m_address.isEmpty());
        const QString file = QDir(m_daemon->dataDir()).filePath(u"initial-admin-password"_s);
        QCOMPARE(int(QFileInfo(file).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                                        | QFileDevice::WriteOther)), 0);
        m_initialPassword = QString::fromUtf8(Daemon::readFile(file)).trimmed();
        QVERIFY(!m_initialPassword.isEmpty());
        m_secrets << m_initialPassword << AdminPassword << OpsPassword;
        QVERIFY(!Daemon::readFile(m_daemon->stdoutFile()).contains(m_initialPassword.toUtf8()));
    }

    // Everything the daemon wrote during the run: no passwords, codes, tokens, secrets, and no addresses in logs.
    void checkLogsHoldNoSecrets()
    {
        QVERIFY(m_daemon->terminate());
        const QByteArray all = m_daemon->everythingWritten();
        QVERIFY(!all.isEmpty());
        for (const QString &secret : std::as_const(m_secrets)) {
            if (secret.isEmpty())
                continue;
            QVERIFY2(!all.contains(secret.toUtf8()), qPrintable(u"found a secret of %1 bytes"_s.arg(secret.size())));
        }
        const QByteArray logs = Daemon::readFile(m_daemon->stdoutFile()) + Daemon::readFile(m_daemon->stderrFile());
        for (const QString &secret : std::as_const(m_logSecrets))
            QVERIFY(!logs.contains(secret.toUtf8()));
        QVERIFY(!Daemon::readFile(m_daemon->stderrFile()).contains("127.0.0.1"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"events"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT COUNT(*), SUM(message LIKE '%127.0.0.1%') FROM event_log"_s));
            QVERIFY(q.next());
            QVERIFY(q.value(0).toLongLong() > 0);
            QCOMPARE(q.value(1).toLongLong(), 0);
            QString stored;
            QVERIFY(q.exec(u"SELECT message FROM event_log"_s));
            while (q.next())
                stored += q.value(0).toString();
            for (const QString &secret : std::as_const(m_logSecrets))
                QVERIFY(!stored.contains(secret));
        }
        QSqlDatabase::removeDatabase(u"events"_s);
    }
};

} // namespace parley::e2e
