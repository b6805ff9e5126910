// Single sign-on end to end (docs/operations.md "Single sign-on"): a real parleyd with [sso], a real OpenID provider
// (oidc-provider under node, tests/sso/idp/provider.mjs) on loopback over HTTPS, a browser driven with HTTP requests
// (cookies, redirects, the provider's login form), and the real `parley register` with the code the page shows. The
// provider is a real one; only what no provider would issue (a token for another audience, expired, with another
// nonce or changed after signing) is made by its test hook, on the way out of its token endpoint.

#include "../e2e/clirun.h"
#include "ssofixture.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTcpServer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

class tst_Sso : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Provider m_provider;
    std::unique_ptr<Daemon> m_daemon;
    std::unique_ptr<Browser> m_browser;
    QUrl m_sso;
    QList<QSslCertificate> m_providerCa;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // One sign-in from /sso/start to the page the callback answers with, in a new browser (so a new session at the
    // provider); `callback` gets the callback URL, `other` makes the callback's request instead of that browser.
    Page signIn(const QString &login, QUrl *callback = nullptr, Browser *other = nullptr)
    {
        m_browser = std::make_unique<Browser>(m_providerCa, m_daemon->fingerprint());
        const QUrl stoppedAt = toCallback(*m_browser, m_sso, login);
        if (stoppedAt.isEmpty())
            return {};
        if (callback)
            *callback = stoppedAt;
        return (other ? other : m_browser.get())->request(stoppedAt);
    }

    bool setMode(const QString &mode)
    {
        const Page p = m_browser->request(QUrl(m_provider.issuer() + u"/test/mode"_s), mode.toUtf8());
        return p.status == 204;
    }

    // The audit records of single sign-on: "target outcome" each, oldest first.
    QStringList audit()
    {
        QStringList rows;
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"audit"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            if (db.open()) {
                QSqlQuery q(db);
                q.exec(u"SELECT actor, action, target, outcome FROM audit_log WHERE action LIKE 'sso%' ORDER BY id"_s);
                while (q.next())
                    rows << u"%1 %2 %3 %4"_s.arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                                                  q.value(3).toString());
            }
        }
        QSqlDatabase::removeDatabase(u"audit"_s);
        return rows;
    }

    void refusedWith(const Page &page, int status, const char *text)
    {
        QCOMPARE(page.status, status);
        QVERIFY2(page.body.contains(text), page.body.constData());
        QVERIFY(codeOn(page).isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The provider's certificate: self-signed for 127.0.0.1, given to parleyd as [sso] ca_file.
        m_providerCa = makeProviderCertificate(m_dir.path());
        QCOMPARE(m_providerCa.size(), 1);

        // The single sign-on port first: the provider registers its callback as the client's redirect URI.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 ssoPort = probe.serverPort();
        probe.close();
        m_sso = QUrl(u"https://127.0.0.1:%1/"_s.arg(ssoPort));
        const QUrl redirect = m_sso.resolved(QUrl(u"/sso/callback"_s));
        QVERIFY(m_provider.start(path(u"idp.crt"_s), path(u"idp.key"_s), {redirect}, u"rsa"_s, 0));

        QFile secret(path(u"client-secret"_s));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        QVERIFY(secret.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        secret.write(ClientSecret.toUtf8() + '\n');
        secret.close();
        m_daemon = std::make_unique<Daemon>(u"[sso]\nlisten=127.0.0.1:%1\nissuer=%2\nclient_id=%3\n"
                                            "client_secret_file=%4\nca_file=%5\n"_s
                                                .arg(ssoPort)
                                                .arg(m_provider.issuer(), ClientId, path(u"client-secret"_s),
                                                     path(u"idp.crt"_s)));
        QVERIFY(m_daemon->start());
        QVERIFY(readAll(m_daemon->stdoutFile()).contains("sso " + m_sso.toEncoded() + '\n'));
        m_browser = std::make_unique<Browser>(m_providerCa, m_daemon->fingerprint());
    }

    // The whole way: a sign-in at the provider gives alice (a user an administrator created) a code on a plain page,
    // and `parley register` enrolls a device with it.
    void signInGivesACodeThatRegisters()
    {
        QVERIFY(!m_daemon->enroll(u"alice"_s).isEmpty());   // alice exists as a pending user
        const Page page = signIn(u"alice"_s);
        QCOMPARE(page.status, 200);
        const QString code = codeOn(page);
        QVERIFY2(!code.isEmpty(), page.body.constData());
        QVERIFY(page.body.contains("<strong id=\"user\">alice</strong>"));
        QVERIFY(page.body.contains("--fingerprint " + m_daemon->fingerprint().toUtf8()));
        QCOMPARE(page.header("Cache-Control"), QByteArray("no-store"));
        QVERIFY(page.header("Content-Security-Policy").startsWith("default-src 'none'; style-src 'sha256-"));
        QCOMPARE(page.header("Referrer-Policy"), QByteArray("no-referrer"));
        QVERIFY(!page.body.contains("<script") && !page.body.contains("src="));

        const Run r = runParley({u"--profile"_s, path(u"alice-profile"_s), u"register"_s, m_daemon->url().toString(),
                                 u"alice"_s, code, u"--fingerprint"_s, m_daemon->fingerprint()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(audit().last(), u"sso sso.enroll alice ok"_s);

        // Nothing of the person or the code in the daemon's log: who got a code is the audit log's.
        const QByteArray log = readAll(m_daemon->stderrFile()) + readAll(m_daemon->stdoutFile());
        QVERIFY(log.contains("An enrollment code was issued after a sign-in"));
        QVERIFY(!log.contains(code.toUtf8()));
        QVERIFY(!log.contains("alice"));
        QVERIFY(!log.contains("subject-"));
    }

    // The callback's state is used once: the same answer of the provider a second time gives no second code.
    void replayedCallbackRefused()
    {
        QUrl callback;
        const Page first = signIn(u"alice"_s, &callback);
        QCOMPARE(first.status, 200);
        const QStringList before = audit();
        refusedWith(m_browser->request(callback), 400, "expired or was already used");
        QCOMPARE(audit(), before);
    }

    // The answer comes back in another browser than the one that started the sign-in: refused.
    void callbackInAnotherBrowserRefused()
    {
        Browser other(m_providerCa, m_daemon->fingerprint());
        refusedWith(signIn(u"alice"_s, nullptr, &other), 400, "started in another browser");
    }

    // An ID token that fails one of the checks (the provider's test mode makes it so): no code, and the log says which.
    void badTokenRefused_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("logged");
        QTest::newRow("another audience") << u"audience"_s << u"audience is not this client alone"_s;
        QTest::newRow("expired") << u"expired"_s << u"the ID token has expired"_s;
        QTest::newRow("another nonce") << u"nonce"_s << u"nonce is not the one this sign-in sent"_s;
        QTest::newRow("tampered") << u"tampered"_s << u"signature does not verify"_s;
    }

    void badTokenRefused()
    {
        QFETCH(QString, mode);
        QFETCH(QString, logged);
        QVERIFY(setMode(mode));
        const Page page = signIn(u"alice"_s);
        QVERIFY(setMode(u"normal"_s));
        refusedWith(page, 403, "was not accepted");
        QVERIFY(readAll(m_daemon->stderrFile()).contains(logged.toUtf8()));
    }

    // Without create_users, a person the provider knows but Parley does not gets no code; the refusal is audited.
    void unknownUserRefused()
    {
        refusedWith(signIn(u"nobody"_s), 403, "There is no Parley user for your account");
        QCOMPARE(audit().last(), u"sso sso.enroll nobody not_found"_s);
    }

    // A name reserved for bots gets no code from a sign-in, not even for a bot whose device has not enrolled yet
    // (whose first code would otherwise make the person the bot).
    void botNameRefused()
    {
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bot"_s);
            db.setDatabaseName(m_daemon->dataDir() + u"/parleyd.sqlite"_s);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA busy_timeout = 10000"_s));
            QVERIFY2(q.exec(u"INSERT INTO bots (name, expires_at, rate, burst, created_at, created_by, updated_at) "
                            "VALUES ('deploy.bot', 4102444800000, 1, 20, 0, 'admin', 0)"_s),
                     qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(u"bot"_s);
        QVERIFY(!m_daemon->enroll(u"deploy.bot"_s).isEmpty());   // its code is pending
        const QStringList before = audit();
        refusedWith(signIn(u"deploy.bot"_s), 403, "does not name a Parley user");
        QCOMPARE(audit(), before);
        QVERIFY(readAll(m_daemon->stderrFile()).contains("names a bot"));
    }

    // The provider starts again with a new key (an EC key, so ES256 tokens under a new kid): the cached key set lacks
    // it, parleyd fetches the set again, and the sign-in works.
    void rotatedKeyIsFetched()
    {
        const quint16 port = m_provider.port();
        m_provider.stop();
        QVERIFY(m_provider.start(path(u"idp.crt"_s), path(u"idp.key"_s), {m_sso.resolved(QUrl(u"/sso/callback"_s))},
                                 u"ec"_s, port));
        const int fetchesBefore = int(readAll(m_daemon->stderrFile()).count("Fetched the provider's key set"));
        const Page page = signIn(u"alice"_s);
        QCOMPARE(page.status, 200);
        QVERIFY(!codeOn(page).isEmpty());
        QCOMPARE(int(readAll(m_daemon->stderrFile()).count("Fetched the provider's key set")), fetchesBefore + 1);
    }

    // A name is linked to the account at the provider its first code went to (issuer and subject): a sign-in with the
    // name from another account (a name the provider gave anew) gets no code until `parleyd sso unlink` on the host;
    // then the next sign-in links the name to its account.
    void anotherAccountRefusedUntilUnlinked()
    {
        QVERIFY(setMode(u"subject"_s));
        refusedWith(signIn(u"alice"_s), 403, "linked to another account");
        QCOMPARE(audit().last(), u"sso sso.enroll alice conflict"_s);
        QCOMPARE(m_daemon->run({u"sso"_s, u"unlink"_s, u"alice"_s}), QStringList{u"unlinked alice"_s});
        QCOMPARE(audit().last(), u"host sso.unlink alice ok"_s);
        const Page relinked = signIn(u"alice"_s);
        QVERIFY(setMode(u"normal"_s));
        QCOMPARE(relinked.status, 200);
        QVERIFY(!codeOn(relinked).isEmpty());
        refusedWith(signIn(u"alice"_s), 403, "linked to another account");   // the first account, now
        QVERIFY(m_daemon->run({u"sso"_s, u"unlink"_s, u"nobody"_s}).isEmpty());
    }

    void cleanupTestCase()
    {
        m_browser.reset();
        m_daemon.reset();
        m_provider.stop();
    }
};

QTEST_MAIN(tst_Sso)
#include "tst_sso.moc"
