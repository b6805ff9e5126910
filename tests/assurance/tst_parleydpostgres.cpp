// parleyd on PostgreSQL ([store] driver=postgresql, docs/scale-out.md), as a real child process with devices of the
// real SDK, against a real PostgreSQL 15 the test starts (tests/server/postgresfixture.h):
//
// - bad connection settings stop parleyd at start with a status other than 0 and an error that names the [store]
//   setting: a wrong password, a database that does not exist, nothing listening, a certificate from another CA, a
//   password file other users can read, a setting the configuration refuses, and Qt's PostgreSQL driver missing;
// - with TLS (sslmode=verify-full against the test's CA) devices enroll and exchange messages;
// - PostgreSQL restarted under load (pg_ctl stop -m fast, then start, while devices send): while it is down every
//   send is refused with `unavailable` ("... storage ..."), the daemon logs the failure once and recovers by itself
//   (same process), and every message answered `accepted`, before, during or after, is shown exactly once on each of
//   its recipient devices, none that was refused.

#include "clusterfixture.h"
#include "durability.h"
#include "postgresfixture.h"

#include <QLibraryInfo>
#include <QLoggingCategory>

using namespace parley;
using namespace parley::assurance;
using namespace Qt::StringLiterals;

class TestParleydPostgres : public QObject {
    Q_OBJECT

private:
    server::test::PostgresServer postgres;
    QTemporaryDir dir;
    int databases = 0;

    QString newDatabase()
    {
        const QString name = u"parleyd_%1"_s.arg(++databases);
        return postgres.createDatabase(name) ? name : QString();
    }

    QString passwordFile() const { return dir.filePath(u"db-password"_s); }

    // Runs parleyd with `store` as its [store] section until it exits (or, when it keeps running, 20 s); returns its
    // exit status and standard error.
    std::pair<int, QString> startFails(const QString &store, const QString &binary = QStringLiteral(PARLEYD_BINARY))
    {
        QTemporaryDir run;
        QFile conf(run.filePath(u"parleyd.conf"_s));
        if (!conf.open(QIODevice::WriteOnly))
            return {-2, u"cannot write the configuration"_s};
        conf.write(u"[server]\nlisten=127.0.0.1:0\ndata_dir=%1\nworkers=1\n\n[admin]\nlisten=127.0.0.1:0\n\n%2"_s
                       .arg(run.filePath(u"data"_s), store)
                       .toUtf8());
        conf.close();
        QProcess p;
        p.start(binary, {u"--config"_s, conf.fileName()});
        if (!p.waitForFinished(20000)) {
            p.kill();
            p.waitForFinished();
            return {-1, u"parleyd kept running"_s};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(u"parley.sdk.debug=false\nparley.sdk.info=false"_s);
        QVERIFY(dir.isValid());
        QVERIFY2(postgres.start(), qPrintable(postgres.error()));
    }

    void startupErrors_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("named");
        QTest::newRow("wrong password") << u"password"_s << u"store/password_file"_s;
        QTest::newRow("missing database") << u"database"_s << u"store/database"_s;
        QTest::newRow("nothing listening") << u"port"_s << u"store/port"_s;
        QTest::newRow("certificate from another CA") << u"ca"_s << u"store/ca_file"_s;
        QTest::newRow("password file readable by all") << u"readable"_s << u"store/password_file"_s;
        QTest::newRow("sslmode the configuration refuses") << u"sslmode"_s << u"store/sslmode"_s;
    }

    void startupErrors()
    {
        QFETCH(QString, change);
        QFETCH(QString, named);
        const QString database = newDatabase();
        QVERIFY2(!database.isEmpty(), qPrintable(postgres.error()));
        QString store = postgres.storeSection(database, passwordFile());
        if (change == u"password"_s) {
            QFile f(passwordFile());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("not-the-password\n");
        } else if (change == u"database"_s) {
            store.replace(u"database="_s + database, u"database=no_such_database"_s);
        } else if (change == u"port"_s) {
            store.replace(u"port=%1"_s.arg(postgres.port()), u"port=1"_s);
        } else if (change == u"ca"_s) {
            store.replace(u"host=127.0.0.1"_s, u"host=localhost"_s);
            store += u"sslmode=verify-full\nca_file=%1\n"_s.arg(postgres.otherCaFile());
        } else if (change == u"readable"_s) {
            QVERIFY(QFile::setPermissions(passwordFile(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                              | QFileDevice::ReadOther));
        } else if (change == u"sslmode"_s) {
            store += u"sslmode=require\n"_s;
        }
        const auto [status, stderrText] = startFails(store);
        QVERIFY2(status > 0, qPrintable(u"status %1: %2"_s.arg(status).arg(stderrText)));
        QVERIFY2(stderrText.contains(named), qPrintable(stderrText));
        QVERIFY2(!stderrText.contains(server::test::PostgresServer::RolePassword), "the password is in the error");
        qInfo().noquote() << stderrText.trimmed().section(u'\n', -1);
    }

    // Without Qt's PostgreSQL driver (Debian package libqt6sql6-psql) parleyd says which package it needs: a copy of
    // the binary whose qt.conf points at plugins without the SQL drivers.
    void driverMissing()
    {
        const QString bin = dir.filePath(u"bin"_s);
        const QString plugins = dir.filePath(u"plugins"_s);
        QVERIFY(QDir().mkpath(bin) && QDir().mkpath(plugins));
        QVERIFY(QFile::copy(QStringLiteral(PARLEYD_BINARY), bin + u"/parleyd"_s));
        QVERIFY(QFile::setPermissions(bin + u"/parleyd"_s, QFile::permissions(QStringLiteral(PARLEYD_BINARY))));
        const QString systemPlugins = QLibraryInfo::path(QLibraryInfo::PluginsPath);
        for (const QString &kind : {u"tls"_s, u"networkinformation"_s}) {
            if (QFileInfo::exists(systemPlugins + u'/' + kind))
                QVERIFY(QFile::link(systemPlugins + u'/' + kind, plugins + u'/' + kind));
        }
        QFile qtConf(bin + u"/qt.conf"_s);
        QVERIFY(qtConf.open(QIODevice::WriteOnly));
        qtConf.write(u"[Paths]\nPlugins=%1\n"_s.arg(plugins).toUtf8());
        qtConf.close();
        const QString database = newDatabase();
        QVERIFY(!database.isEmpty());
        const auto [status, stderrText] = startFails(postgres.storeSection(database, passwordFile()), bin + u"/parleyd"_s);
        QVERIFY2(status > 0, qPrintable(u"status %1: %2"_s.arg(status).arg(stderrText)));
        QVERIFY2(stderrText.contains(u"libqt6sql6-psql"_s) && stderrText.contains(u"store/driver"_s), qPrintable(stderrText));
    }

    // TLS verified against the CA, a restart of PostgreSQL while devices send, and the ledger of everything.
    void restartUnderLoad()
    {
        const QString database = newDatabase();
        QVERIFY2(!database.isEmpty(), qPrintable(postgres.error()));
        QString store = postgres.storeSection(database, passwordFile());
        store.replace(u"host=127.0.0.1"_s, u"host=localhost"_s);
        store += u"sslmode=verify-full\nca_file=%1\n\n"_s.arg(postgres.caFile());
        Daemon daemon(store);
        QVERIFY2(daemon.start(), Daemon::readFile(daemon.stderrFile()).constData());
        QVERIFY(Daemon::readFile(daemon.stderrFile()).contains("Database: PostgreSQL database " + database.toUtf8()));
        Ledger ledger;
        Fleet fleet;
        Peer &ann = fleet.add(daemon, ledger, u"ann"_s);
        Peer &bob = fleet.add(daemon, ledger, u"bob"_s);
        fleet.add(daemon, ledger, u"cat"_s);   // receives only
        for (const auto &p : fleet.peers)
            QVERIFY2(p->enroll(), qPrintable(p->user() + u": "_s + p->lastError()));
        const qint64 pid = daemon.process().processId();

        // Each of ann and bob keeps up to four messages in flight to the other two.
        int counter = 0;
        QStringList unexpected;
        const auto pump = [&] {
            for (Peer *p : {&ann, &bob}) {
                if (!p->online())
                    continue;
                while (p->outstanding() < 4) {
                    const QStringList to = p == &ann ? QStringList{u"bob"_s, u"cat"_s} : QStringList{u"ann"_s, u"cat"_s};
                    p->send(to, fleet.recipients(*p, to), u"%1 %2"_s.arg(p->label()).arg(++counter));
                }
            }
        };
        const auto pumpFor = [&](int ms) {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < ms) {
                pump();
                QTest::qWait(5);
            }
        };
        pumpFor(1500);
        const int acceptedBefore = ledger.count(SentMessage::Outcome::Accepted);
        QVERIFY2(acceptedBefore > 0, qPrintable(ledger.summary()));

        const qsizetype logFrom = Daemon::readFile(daemon.stderrFile()).size();
        QVERIFY2(postgres.stop(), qPrintable(postgres.error()));
        pumpFor(1500);
        QVERIFY2(postgres.startServer(), qPrintable(postgres.error()));
        // Devices whose connection the daemon closed while it could not read come back.
        QElapsedTimer recovering;
        recovering.start();
        const int acceptedDuring = ledger.count(SentMessage::Outcome::Accepted);
        while (ledger.count(SentMessage::Outcome::Accepted) < acceptedDuring + 50 && recovering.elapsed() < e2e::WaitMs) {
            for (const auto &p : fleet.peers) {
                if (p->disconnected())
                    p->connect();
            }
            pump();
            QTest::qWait(20);
        }
        QVERIFY2(ledger.count(SentMessage::Outcome::Accepted) >= acceptedDuring + 50, qPrintable(ledger.summary()));
        QCOMPARE(daemon.process().processId(), pid);   // by itself: no restart

        // The refusals while PostgreSQL was down said why.
        for (auto it = ledger.sent.cbegin(); it != ledger.sent.cend(); ++it) {
            if (it->outcome == SentMessage::Outcome::Failed
                && (it->failure != u"unavailable"_s || !it->failureText.contains(u"storage"_s)))
                unexpected.append(it->failure + u": "_s + it->failureText);
        }
        QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.mid(0, 5).join(u"; "_s)));
        QVERIFY2(ledger.failures.value(u"unavailable"_s) > 0, qPrintable(ledger.summary()));
        const QByteArray log = Daemon::readFile(daemon.stderrFile()).mid(logFrom);
        QVERIFY2(log.count("Storage failure:") == 1, log.right(2000).constData());
        QVERIFY2(log.contains("Storage recovered"), log.right(2000).constData());

        // Everything settles: no message in flight, every device connected again and drained.
        QElapsedTimer settling;
        settling.start();
        while ((ann.outstanding() > 0 || bob.outstanding() > 0) && settling.elapsed() < e2e::WaitMs)
            QTest::qWait(10);
        for (const auto &p : fleet.peers) {
            p->disconnectNow();
            p->connect();
        }
        // A device whose login met a read connection still finding out about the restart tries again, as the SDK's
        // users do after `unavailable`.
        const auto allReady = [&fleet] {
            return std::all_of(fleet.peers.cbegin(), fleet.peers.cend(), [](const auto &p) { return p->ready(); });
        };
        QElapsedTimer readying;
        readying.start();
        QStringList loginErrors;
        while (!allReady() && readying.elapsed() < e2e::WaitMs) {
            for (const auto &p : fleet.peers) {
                if (p->disconnected()) {
                    loginErrors.append(p->label() + u": "_s + p->lastError());
                    p->connect();
                }
            }
            QTest::qWait(20);
        }
        QVERIFY2(allReady(), qPrintable(loginErrors.join(u"; "_s)));
        if (!loginErrors.isEmpty())
            qInfo().noquote() << "logins tried again:" << loginErrors.join(u"; "_s);
        verifyLedger(fleet, ledger);
        if (QTest::currentTestFailed())
            return;
        for (const auto &p : fleet.peers)
            p->disconnectNow();
        QVERIFY(daemon.terminate());
    }

    void cleanupTestCase()
    {
        postgres.stop();
    }
};

QTEST_GUILESS_MAIN(TestParleydPostgres)
#include "tst_parleydpostgres.moc"
