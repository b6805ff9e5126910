// Single sign-on managed through the admin API (sso.show, sso.set, sso.clear, sso.test; docs/admin-api.md) against a
// real parleyd started with [sso] and the real OpenID provider of tst_sso: the boot settings shown; settings set
// through the API applied at once, so that a full sign-in at the provider gives a code; a new listen address rebinds
// the listener; an address that cannot be bound, a bad issuer, URL or CA refused naming the argument while the
// settings in force stay; the provider tested; parleyctl sso; clearing falls back to [sso]. The client secret is in
// its file under DATA_DIR/sso/ (0700, 0600) and nowhere else: not in a reply, the audit log, the event log or the
// daemon's output.

#include "../admin/adminfixture.h"
#include "ssofixture.h"

#include <QCborArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();   // given back when probe goes
}

QUrl ssoUrl(quint16 port)
{
    return QUrl(u"https://127.0.0.1:%1/"_s.arg(port));
}

int modeOf(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(5000);
}

} // namespace

class TestSsoAdmin : public AdminTest {
    Q_OBJECT

    QTemporaryDir m_dir;
    Provider m_provider;
    QList<QSslCertificate> m_providerCa;
    QString m_providerPem;
    quint16 m_bootPort = 0;    // [sso] listen
    quint16 m_otherPort = 0;   // where sso.set moves it
    ParleyctlRunner m_ctl;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QCborMap show()
    {
        const auto r = call(u"sso.show"_s);
        if (!r.ok)
            qWarning() << "sso.show:" << r.error << r.message;
        return r.result;
    }

    // A sign-in of `login` through the listener on `port`, to the page the callback answers with.
    Page signIn(quint16 port, const QString &login)
    {
        Browser browser(m_providerCa, m_daemon->fingerprint());
        const QUrl callback = toCallback(browser, ssoUrl(port), login);
        return callback.isEmpty() ? Page() : browser.request(callback);
    }

    // sso.set's arguments for the test's provider, listening on `port`, with `more`.
    QCborMap settings(quint16 port, const QCborMap &more = {}) const
    {
        QCborMap m{{u"issuer"_s, m_provider.issuer()}, {u"client_id"_s, ClientId},
                   {u"listen"_s, u"127.0.0.1:%1"_s.arg(port)}, {u"ca_certificate"_s, m_providerPem},
                   {u"code_valid_seconds"_s, 600}};
        for (auto it = more.constBegin(); it != more.constEnd(); ++it)
            m.insert(it.key(), it.value());
        return m;
    }

    QStringList secretFiles() const
    {
        return QDir(m_daemon->dataDir() + u"/sso"_s).entryList({u"client-secret-*"_s}, QDir::Files);
    }

    // Every sso.* call in the audit log, "action outcome" each.
    QStringList auditedSsoCalls()
    {
        QStringList seen;
        for (const QCborValue &v : call(u"audit.show"_s, {{u"action"_s, u"sso"_s}}).result.value("records"_L1).toArray()) {
            const QCborMap m = v.toMap();
            seen << m.value("action"_L1).toString() + u' ' + m.value("outcome"_L1).toString();
        }
        return seen;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_providerCa = makeProviderCertificate(m_dir.path());
        QCOMPARE(m_providerCa.size(), 1);
        m_providerPem = QString::fromLatin1(readAll(path(u"idp.crt"_s)));
        m_bootPort = freePort();
        m_otherPort = freePort();
        QVERIFY(m_bootPort && m_otherPort && m_bootPort != m_otherPort);
        QVERIFY(m_provider.start(path(u"idp.crt"_s), path(u"idp.key"_s),
                                 {ssoUrl(m_bootPort).resolved(QUrl(u"/sso/callback"_s)),
                                  ssoUrl(m_otherPort).resolved(QUrl(u"/sso/callback"_s))},
                                 u"rsa"_s, 0));
        QFile secret(path(u"client-secret"_s));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        QVERIFY(secret.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        secret.write(ClientSecret.toUtf8() + '\n');
        secret.close();
        startDaemon(u"[sso]\nlisten=127.0.0.1:%1\nissuer=%2\nclient_id=%3\nclient_secret_file=%4\nca_file=%5\n"_s
                        .arg(m_bootPort)
                        .arg(m_provider.issuer(), ClientId, path(u"client-secret"_s), path(u"idp.crt"_s)));
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        QVERIFY(m_ctl.isValid());
        QCOMPARE(m_ctl.run({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                            u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}),
                 0);
        for (const char *user : {"carol", "dave", "erin"})
            QVERIFY(call(u"user.create"_s, {{u"name"_s, QString::fromLatin1(user)}}).ok);
    }

    // [sso] of the boot configuration, as sso.show tells it.
    void showsTheBootConfiguration()
    {
        const QCborMap s = show();
        QCOMPARE(s.value("configured"_L1).toBool(), true);
        QCOMPARE(s.value("source"_L1).toString(), u"config"_s);
        QCOMPARE(s.value("running"_L1).toBool(), true);
        QCOMPARE(s.value("listen"_L1).toString(), u"127.0.0.1:%1"_s.arg(m_bootPort));
        QCOMPARE(s.value("redirect_uri"_L1).toString(), u"https://127.0.0.1:%1/sso/callback"_s.arg(m_bootPort));
        QCOMPARE(s.value("issuer"_L1).toString(), m_provider.issuer());
        QCOMPARE(s.value("client_id"_L1).toString(), ClientId);
        QCOMPARE(s.value("secret_set"_L1).toBool(), true);
        QCOMPARE(s.value("username_claim"_L1).toString(), u"preferred_username"_s);
        QCOMPARE(s.value("create_users"_L1).toBool(), false);
        QCOMPARE(s.value("code_valid_seconds"_L1).toInteger(), 3600);
        QCOMPARE(s.value("ca_subject"_L1).toString(), u"127.0.0.1"_s);
        QCOMPARE(s.value("ca_fingerprint"_L1).toString(),
                 QString::fromLatin1(m_providerCa.first().digest(QCryptographicHash::Sha256).toHex()));
        QCOMPARE(s.value("ca_expires_at"_L1).toInteger(), m_providerCa.first().expiryDate().toMSecsSinceEpoch());
        QCOMPARE(s.value("updated_at"_L1).toInteger(), 0);
        QCOMPARE(s.value("public_url"_L1).toString(), QString());
        QCOMPARE(s.value("last_error"_L1).toString(), QString());
        QVERIFY(!codeOn(signIn(m_bootPort, u"carol"_s)).isEmpty());
    }

    // Through the API, with the secret and the CA: applied at once on the same port; a sign-in gives a code; the
    // secret is a 0600 file in a 0700 DATA_DIR/sso and in no reply.
    void setThroughTheApi()
    {
        const auto r = call(u"sso.set"_s, settings(m_bootPort, {{u"client_secret"_s, ClientSecret}}));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("source"_L1).toString(), u"admin"_s);
        QCOMPARE(r.result.value("running"_L1).toBool(), true);
        QCOMPARE(r.result.value("listen"_L1).toString(), u"127.0.0.1:%1"_s.arg(m_bootPort));
        QCOMPARE(r.result.value("code_valid_seconds"_L1).toInteger(), 600);
        QCOMPARE(r.result.value("secret_set"_L1).toBool(), true);
        QCOMPARE(r.result.value("ca_subject"_L1).toString(), u"127.0.0.1"_s);
        QVERIFY(r.result.value("updated_at"_L1).toInteger() > 0);
        QVERIFY(!r.result.toCborValue().toCbor().contains(ClientSecret.toUtf8()));
        QCOMPARE(show(), r.result);

        const QString dir = m_daemon->dataDir() + u"/sso"_s;
        QCOMPARE(modeOf(dir), 0700);
        QCOMPARE(secretFiles().size(), 1);
        const QString file = dir + u'/' + secretFiles().first();
        QCOMPARE(modeOf(file), 0600);
        QCOMPARE(readAll(file), ClientSecret.toUtf8());

        const Page page = signIn(m_bootPort, u"dave"_s);
        QCOMPARE(page.status, 200);
        QVERIFY2(!codeOn(page).isEmpty(), page.body.constData());
        QVERIFY(page.body.contains("<strong id=\"user\">dave</strong>"));
    }

    // A new listen address rebinds the listener; the secret and the CA stay when not given again.
    void newListenAddressRebinds()
    {
        const QString before = secretFiles().value(0);
        QCborMap moved = settings(m_otherPort);
        moved.remove(u"ca_certificate"_s);
        const auto r = call(u"sso.set"_s, moved);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("listen"_L1).toString(), u"127.0.0.1:%1"_s.arg(m_otherPort));
        QCOMPARE(r.result.value("redirect_uri"_L1).toString(), u"https://127.0.0.1:%1/sso/callback"_s.arg(m_otherPort));
        QCOMPARE(r.result.value("running"_L1).toBool(), true);
        QCOMPARE(r.result.value("secret_set"_L1).toBool(), true);
        QCOMPARE(r.result.value("ca_subject"_L1).toString(), u"127.0.0.1"_s);
        QCOMPARE(secretFiles().size(), 1);
        QVERIFY(secretFiles().first() != before);   // a new file per change, the old one gone
        QVERIFY(!accepts(m_bootPort));
        const Page page = signIn(m_otherPort, u"erin"_s);
        QCOMPARE(page.status, 200);
        QVERIFY(!codeOn(page).isEmpty());
    }

    // Refused, naming the argument, with the settings in force as they were: an address another program holds, an
    // issuer or public URL that is no https URL, a CA that is none or holds a key.
    void badSettingsRefusedNamingTheArgument_data()
    {
        QTest::addColumn<QCborMap>("change");
        QTest::addColumn<QString>("argument");
        QTest::newRow("issuer not https") << QCborMap{{u"issuer"_s, u"http://127.0.0.1:1"_s}} << u"issuer"_s;
        QTest::newRow("issuer no URL") << QCborMap{{u"issuer"_s, u"login"_s}} << u"issuer"_s;
        QTest::newRow("public_url with a path") << QCborMap{{u"public_url"_s, u"https://parley.example.org/sso"_s}}
                                                << u"public_url"_s;
        QTest::newRow("listen no address") << QCborMap{{u"listen"_s, u"sso.example.org:8445"_s}} << u"listen"_s;
        QTest::newRow("CA no certificate") << QCborMap{{u"ca_certificate"_s, u"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"_s}}
                                           << u"ca_certificate"_s;
        QTest::newRow("CA with a key") << QCborMap{{u"ca_certificate"_s, QString::fromLatin1(readAll(path(u"idp.crt"_s)) + readAll(path(u"idp.key"_s)))}}
                                       << u"ca_certificate"_s;
        QTest::newRow("code_valid_seconds") << QCborMap{{u"code_valid_seconds"_s, 86401}} << u"code_valid_seconds"_s;
    }

    void badSettingsRefusedNamingTheArgument()
    {
        QFETCH(QCborMap, change);
        QFETCH(QString, argument);
        const QCborMap before = show();
        const auto r = call(u"sso.set"_s, settings(m_otherPort, change));
        QCOMPARE(r.error, QString(proto::errors::InvalidArgument));
        QVERIFY2(r.message.startsWith(argument + u": "_s), qPrintable(r.message));
        QCOMPARE(show(), before);
    }

    void unbindableAddressKeepsTheListener()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QCborMap before = show();
        const auto r = call(u"sso.set"_s, settings(taken.serverPort()));
        QCOMPARE(r.error, QString(proto::errors::InvalidArgument));
        QVERIFY2(r.message.startsWith(u"listen: cannot listen for single sign-on on port %1"_s.arg(taken.serverPort())),
                 qPrintable(r.message));
        QCOMPARE(show(), before);
        QCOMPARE(secretFiles().size(), 1);
        QVERIFY(!codeOn(signIn(m_otherPort, u"carol"_s)).isEmpty());
    }

    // sso.test reads the provider's metadata and keys now; a provider that cannot be reached is `unavailable` with
    // the reason, and the running service reports its own failure as last_error.
    void testTheProvider()
    {
        auto r = call(u"sso.test"_s);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("ok"_L1).toBool(), true);
        QCOMPARE(r.result.value("issuer"_L1).toString(), m_provider.issuer());
        QVERIFY(r.result.value("authorization_endpoint"_L1).toString().startsWith(m_provider.issuer() + u'/'));
        QVERIFY(r.result.value("token_endpoint"_L1).toString().startsWith(m_provider.issuer() + u'/'));
        QCOMPARE(r.result.value("keys"_L1).toInteger(), 1);

        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QString nowhere = u"https://127.0.0.1:%1"_s.arg(closed.serverPort());
        closed.close();
        r = call(u"sso.set"_s, settings(m_otherPort, {{u"issuer"_s, nowhere}}));
        QVERIFY2(r.ok, qPrintable(r.message));   // nothing is fetched to set it
        QElapsedTimer timer;
        timer.start();
        while (show().value("last_error"_L1).toString().isEmpty() && timer.elapsed() < WaitMs)
            QTest::qWait(50);
        QVERIFY2(show().value("last_error"_L1).toString().startsWith(u"discovery: the provider could not be reached"_s),
                 qPrintable(show().value("last_error"_L1).toString()));
        r = call(u"sso.test"_s);
        QCOMPARE(r.error, QString(proto::errors::Unavailable));
        QVERIFY2(r.message.startsWith(u"discovery: the provider could not be reached"_s), qPrintable(r.message));
        QVERIFY(call(u"sso.set"_s, settings(m_otherPort)).ok);
        QCOMPARE(show().value("last_error"_L1).toString(), QString());
    }

    // parleyctl sso: show, test, set with the secret from a file (never the command line) and a CA file.
    void parleyctlSso()
    {
        QByteArray out;
        QByteArray err;
        QCOMPARE(m_ctl.run({u"sso"_s, u"show"_s}, &out), 0);
        QVERIFY2(out.contains("source: admin\n") && out.contains("running: yes\n"), out.constData());
        QVERIFY(!out.contains(ClientSecret.toUtf8()));
        QCOMPARE(m_ctl.run({u"sso"_s, u"test"_s}, &out), 0);
        QVERIFY2(out.contains("keys: 1\n"), out.constData());
        QCOMPARE(m_ctl.run({u"sso"_s, u"set"_s, u"issuer=%1"_s.arg(m_provider.issuer()), u"client_id=parley"_s,
                            u"client_secret=%1"_s.arg(ClientSecret)},
                           &out, &err),
                 2);
        QVERIFY2(err.contains("never goes on the command line"), err.constData());
        QCOMPARE(m_ctl.run({u"sso"_s, u"set"_s, u"issuer=http://login.example.org"_s, u"client_id=parley"_s}, &out, &err), 2);
        QVERIFY2(err.contains("invalid_argument: issuer: "), err.constData());
        QCOMPARE(m_ctl.run({u"sso"_s, u"set"_s, u"issuer=%1"_s.arg(m_provider.issuer()), u"client_id=parley"_s,
                            u"listen=127.0.0.1:%1"_s.arg(m_otherPort), u"ca_certificate=%1"_s.arg(path(u"idp.crt"_s)),
                            u"create_users=yes"_s, u"--secret-file"_s, path(u"client-secret"_s)},
                           &out, &err),
                 0);
        QVERIFY2(out.contains("create_users: yes\n"), out.constData());
        QVERIFY(!out.contains(ClientSecret.toUtf8()));
        QCOMPARE(show().value("create_users"_L1).toBool(), true);
        // create_users: a name the provider knows and Parley does not gets a code now.
        QVERIFY(!codeOn(signIn(m_otherPort, u"frank"_s)).isEmpty());
    }

    // The settings of the admin API outlive a restart: the service starts with [sso], then moves to them.
    void keptAcrossARestart()
    {
        QVERIFY(m_daemon->terminate());
        QVERIFY(m_daemon->start());
        const auto admins = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                                .globalMatch(QString::fromUtf8(Daemon::readFile(m_daemon->stdoutFile())));
        for (auto it = admins; it.hasNext();)
            m_address = it.next().captured(1);
        m_api = loggedIn(u"admin"_s, AdminPassword);
        QVERIFY(m_api);
        const QCborMap s = show();
        QCOMPARE(s.value("source"_L1).toString(), u"admin"_s);
        QCOMPARE(s.value("listen"_L1).toString(), u"127.0.0.1:%1"_s.arg(m_otherPort));
        QCOMPARE(s.value("running"_L1).toBool(), true);
        QCOMPARE(s.value("create_users"_L1).toBool(), true);
        QCOMPARE(s.value("last_error"_L1).toString(), QString());
        QVERIFY(!accepts(m_bootPort));
        QVERIFY(!codeOn(signIn(m_otherPort, u"carol"_s)).isEmpty());
    }

    // sso.clear: the API's settings and their files go; [sso] of the boot configuration applies again.
    void clearFallsBackToTheBootConfiguration()
    {
        const auto r = call(u"sso.clear"_s);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("source"_L1).toString(), u"config"_s);
        QCOMPARE(r.result.value("listen"_L1).toString(), u"127.0.0.1:%1"_s.arg(m_bootPort));
        QCOMPARE(r.result.value("running"_L1).toBool(), true);
        QCOMPARE(r.result.value("updated_at"_L1).toInteger(), 0);
        QCOMPARE(r.result.value("code_valid_seconds"_L1).toInteger(), 3600);
        QVERIFY(secretFiles().isEmpty());
        QVERIFY(QDir(m_daemon->dataDir() + u"/sso"_s).entryList({u"ca-*"_s}, QDir::Files).isEmpty());
        QVERIFY(!accepts(m_otherPort));
        QVERIFY(!codeOn(signIn(m_bootPort, u"carol"_s)).isEmpty());
    }

    // Every call audited; the secret nowhere the daemon wrote (its file went with sso.clear).
    void auditedAndNoSecretWritten()
    {
        // A record is written as its call is answered, so the last one may reach the log a moment after its reply.
        for (const QString &expected : {u"sso.show ok"_s, u"sso.set ok"_s, u"sso.set invalid_argument"_s, u"sso.test ok"_s,
                                        u"sso.test unavailable"_s, u"sso.clear ok"_s}) {
            QTRY_VERIFY2_WITH_TIMEOUT(auditedSsoCalls().contains(expected), qPrintable(expected), WaitMs);
        }
        m_secrets << ClientSecret;
    }

    void cleanupTestCase()
    {
        if (m_daemon)
            checkLogsHoldNoSecrets();
        m_provider.stop();
    }
};

QTEST_MAIN(TestSsoAdmin)
#include "tst_ssoadmin.moc"
