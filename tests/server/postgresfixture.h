#pragma once

// A real PostgreSQL 15 for the tests that run the store on it (Debian package postgresql-15, scripts/deps.sh test): a
// cluster made with initdb in a temporary directory and started with pg_ctl on a free loopback port, with password
// (SCRAM) logins, a role `parley` that owns the databases the tests make, and TLS with a server certificate from a CA
// made for the test (openssl). PostgreSQL refuses to run as root: run as root, the test runs initdb and the server as
// the package's user `postgres` (runuser). One cluster serves a whole test executable; each test makes its own
// database.

#include "store/database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <pwd.h>
#include <unistd.h>

namespace parley::server::test {

using namespace Qt::StringLiterals;

class PostgresServer {
public:
    static inline const QString Bin = u"/usr/lib/postgresql/15/bin"_s;
    static inline const QString Superuser = u"postgres"_s;
    static inline const QString SuperPassword = u"postgres-test-secret"_s;
    static inline const QString Role = u"parley"_s;
    static inline const QString RolePassword = u"parley-test-secret"_s;

    PostgresServer() = default;
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;
    ~PostgresServer()
    {
        stop();
        if (m_admin) {
            m_admin = false;
            QSqlDatabase::removeDatabase(AdminConnection);
        }
    }

    // Why start() failed.
    QString error() const { return m_error; }
    quint16 port() const { return m_port; }
    QString dataDir() const { return m_dir.filePath(u"data"_s); }
    QString socketDir() const { return m_dir.filePath(u"sock"_s); }
    QString logFile() const { return m_dir.filePath(u"server.log"_s); }
    QString caFile() const { return m_dir.filePath(u"ca.crt"_s); }
    QString otherCaFile() const { return m_dir.filePath(u"other-ca.crt"_s); }
    QString dir() const { return m_dir.path(); }
    bool running() const { return m_running; }

    // initdb, certificates, the server started, the role made. False (with error()) when anything is missing.
    bool start()
    {
        if (!QFile::exists(Bin + u"/initdb"_s) || !QFile::exists(Bin + u"/pg_ctl"_s))
            return fail(u"%1/initdb and pg_ctl not found (Debian package postgresql-15; scripts/deps.sh test)"_s.arg(Bin));
        if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
            return fail(u"openssl not found (Debian package openssl)"_s);
        if (!m_dir.isValid())
            return fail(u"no temporary directory"_s);
        if (::geteuid() == 0) {
            const passwd *pw = ::getpwnam("postgres");
            if (!pw)
                return fail(u"running as root, and there is no user postgres to run the server as (Debian package "
                            "postgresql-15 makes it)"_s);
            m_uid = pw->pw_uid;
            m_gid = pw->pw_gid;
        }
        if (!QDir(m_dir.path()).mkpath(u"sock"_s) || !makeCertificates())
            return false;
        QFile pwfile(m_dir.filePath(u"pwfile"_s));
        if (!pwfile.open(QIODevice::WriteOnly) || pwfile.write(SuperPassword.toUtf8() + '\n') <= 0)
            return fail(u"cannot write the password file"_s);
        pwfile.close();
        if (!handOver(m_dir.path()) || !handOver(pwfile.fileName()) || !handOver(socketDir()))
            return false;
        for (const QString &file : {u"server.crt"_s, u"server.key"_s}) {
            if (!handOver(m_dir.filePath(file)))
                return false;
        }
        if (!QFile::setPermissions(m_dir.filePath(u"server.key"_s), QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return fail(u"cannot restrict server.key"_s);
        if (!run(Bin + u"/initdb"_s, {u"-D"_s, dataDir(), u"-U"_s, Superuser, u"--pwfile"_s, pwfile.fileName(),
                                     u"--auth=scram-sha-256"_s, u"--no-locale"_s, u"-E"_s, u"UTF8"_s, u"--no-sync"_s}))
            return false;
        QFile conf(dataDir() + u"/postgresql.conf"_s);
        if (!conf.open(QIODevice::Append))
            return fail(u"cannot write postgresql.conf"_s);
        conf.write(u"listen_addresses = '127.0.0.1'\nunix_socket_directories = '%1'\nssl = on\nssl_cert_file = '%2'\n"
                   "ssl_key_file = '%3'\nmax_connections = 200\nlog_min_messages = warning\n"_s
                       .arg(socketDir(), m_dir.filePath(u"server.crt"_s), m_dir.filePath(u"server.key"_s))
                       .toUtf8());
        conf.close();
        m_port = freePort();
        if (m_port == 0)
            return fail(u"no free port"_s);
        if (!startServer())
            return false;
        return admin(u"CREATE ROLE %1 LOGIN PASSWORD '%2'"_s.arg(Role, RolePassword));
    }

    bool startServer()
    {
        if (!run(Bin + u"/pg_ctl"_s, {u"-D"_s, dataDir(), u"-l"_s, logFile(), u"-o"_s, u"-p %1"_s.arg(m_port), u"-w"_s,
                                     u"-t"_s, u"60"_s, u"start"_s}))
            return false;
        m_running = true;
        return true;
    }

    // A streaming standby of `primary` (pg_basebackup -R over its replication connection, as the superuser), started
    // on a port of its own. With `synchronous`, the primary then waits for it at every commit (synchronous_standby_names
    // '*'), so that a commit answered on the primary is on the standby too. Returns once the standby streams.
    bool startStandbyOf(PostgresServer &primary, bool synchronous)
    {
        if (!m_dir.isValid())
            return fail(u"no temporary directory"_s);
        m_uid = primary.m_uid;
        m_gid = primary.m_gid;
        if (!QDir(m_dir.path()).mkpath(u"sock"_s) || !handOver(m_dir.path()) || !handOver(socketDir()))
            return false;
        m_env.insert(u"PGPASSWORD"_s, SuperPassword);
        const bool copied = run(Bin + u"/pg_basebackup"_s, {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(primary.port()),
                                                           u"-U"_s, Superuser, u"-D"_s, dataDir(), u"-R"_s, u"-X"_s,
                                                           u"stream"_s, u"--no-sync"_s});
        m_env.remove(u"PGPASSWORD"_s);
        if (!copied)
            return false;
        // The copy's settings are the primary's: its own socket directory (its certificate stays the primary's).
        QFile conf(dataDir() + u"/postgresql.conf"_s);
        if (!conf.open(QIODevice::Append))
            return fail(u"cannot write postgresql.conf"_s);
        conf.write(u"unix_socket_directories = '%1'\n"_s.arg(socketDir()).toUtf8());
        conf.close();
        m_port = freePort();
        if (m_port == 0 || !startServer())
            return false;
        if (synchronous && (!primary.admin(u"ALTER SYSTEM SET synchronous_standby_names = '*'"_s)
                            || !primary.admin(u"SELECT pg_reload_conf()"_s)))
            return fail(primary.error());
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60000) {
            const QString state = primary.scalar(u"SELECT COALESCE(MAX(sync_state), '') FROM pg_stat_replication WHERE state = 'streaming'"_s);
            if (state == (synchronous ? u"sync"_s : u"async"_s))
                return true;
            QThread::msleep(100);
        }
        return fail(u"the standby did not start streaming"_s);
    }

    // pg_ctl promote: the standby becomes a primary.
    bool promote() { return run(Bin + u"/pg_ctl"_s, {u"-D"_s, dataDir(), u"-w"_s, u"-t"_s, u"60"_s, u"promote"_s}); }

    // The first column of the first row of `statement`, as the superuser; empty on any failure.
    QString scalar(const QString &statement)
    {
        if (!admin(u"SELECT 1"_s))
            return {};
        QSqlQuery query(QSqlDatabase::database(AdminConnection, false));
        return query.exec(statement) && query.next() ? query.value(0).toString() : QString();
    }

    // pg_ctl stop; `mode` fast (the default: sessions ended, a clean shutdown) or immediate (as a crash).
    bool stop(const QString &mode = u"fast"_s)
    {
        if (!m_running)
            return true;
        m_running = false;
        return run(Bin + u"/pg_ctl"_s, {u"-D"_s, dataDir(), u"-m"_s, mode, u"-w"_s, u"-t"_s, u"60"_s, u"stop"_s});
    }

    // A statement as the superuser, outside a transaction (CREATE DATABASE, CREATE ROLE, ...).
    bool admin(const QString &statement)
    {
        if (!m_admin) {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, AdminConnection);
            db.setHostName(u"127.0.0.1"_s);
            db.setPort(m_port);
            db.setDatabaseName(u"postgres"_s);
            db.setUserName(Superuser);
            db.setPassword(SuperPassword);
            db.setConnectOptions(u"sslmode=disable;connect_timeout=10"_s);
            m_admin = true;
        }
        QSqlDatabase db = QSqlDatabase::database(AdminConnection, false);
        // A restart of the server (a test's) ends the session: log in again.
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!db.isOpen() && !db.open())
                return fail(u"cannot log in as the superuser: "_s + db.lastError().text());
            QSqlQuery query(db);
            if (query.exec(statement))
                return true;
            if (db.isOpen())
                return fail(statement + u": "_s + query.lastError().text());
        }
        return fail(statement + u": the server closed the session twice"_s);
    }

    // A new empty database owned by `parley`.
    bool createDatabase(const QString &name) { return admin(u"CREATE DATABASE %1 OWNER %2"_s.arg(name, Role)); }
    bool dropDatabase(const QString &name) { return admin(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(name)); }

    // The store's settings for `database` as `parley`: over TCP on loopback without TLS.
    PostgresSettings settings(const QString &database) const
    {
        PostgresSettings s;
        s.host = u"127.0.0.1"_s;
        s.port = m_port;
        s.database = database;
        s.user = Role;
        s.password = RolePassword;
        s.sslMode = u"disable"_s;
        s.connectTimeoutSeconds = 5;
        return s;
    }

    // The same over TLS, the server's certificate checked against the test's CA for the name "localhost".
    PostgresSettings tlsSettings(const QString &database) const
    {
        PostgresSettings s = settings(database);
        s.host = u"localhost"_s;
        s.sslMode = u"verify-full"_s;
        s.caFile = caFile();
        return s;
    }

    // The [store] section of parleyd.conf for `database`; the password goes to `passwordFile` (0600).
    QString storeSection(const QString &database, const QString &passwordFile) const
    {
        QFile f(passwordFile);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(RolePassword.toUtf8() + '\n');
        f.close();
        QFile::setPermissions(passwordFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return u"[store]\ndriver=postgresql\nhost=127.0.0.1\nport=%1\ndatabase=%2\nuser=%3\npassword_file=%4\n\n"_s
            .arg(m_port).arg(database, Role, passwordFile);
    }

private:
    // The superuser's connection, one per server (a test may run a primary and its standby).
    const QString AdminConnection = u"postgres-fixture-admin-%1"_s.arg(quintptr(this), 0, 16);

    bool fail(const QString &why)
    {
        m_error = why;
        qWarning().noquote() << "PostgreSQL fixture:" << why;
        return false;
    }

    static quint16 freePort()
    {
        QTcpServer s;
        return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
    }

    // The server's files belong to the user that runs it.
    bool handOver(const QString &path)
    {
        if (m_uid == 0)
            return true;
        if (::chown(QFile::encodeName(path).constData(), m_uid, m_gid) != 0)
            return fail(u"cannot hand %1 over to postgres"_s.arg(path));
        return true;
    }

    // Runs a PostgreSQL program, as postgres when this is root.
    bool run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"LC_ALL"_s, u"C"_s);
        env.insert(m_env);
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_dir.path());
        if (m_uid != 0)
            p.start(u"runuser"_s, QStringList{u"-u"_s, u"postgres"_s, u"--"_s, program} + args);
        else
            p.start(program, args);
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return fail(u"%1 %2 failed: %3"_s.arg(program, args.join(u' '), QString::fromLocal8Bit(p.readAll())));
        return true;
    }

    bool openssl(const QStringList &args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(u"openssl"_s, args);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return fail(u"openssl %1 failed: %2"_s.arg(args.join(u' '), QString::fromLocal8Bit(p.readAll())));
        return true;
    }

    // A CA, a server certificate it issues for localhost and 127.0.0.1, and a CA that issued nothing.
    bool makeCertificates()
    {
        const QString d = m_dir.path() + u"/"_s;
        QFile ext(d + u"server.ext"_s);
        if (!ext.open(QIODevice::WriteOnly))
            return fail(u"cannot write server.ext"_s);
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        ext.close();
        const QStringList ec = {u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s, u"-nodes"_s};
        return openssl(QStringList{u"req"_s, u"-x509"_s} + ec + QStringList{u"-keyout"_s, d + u"ca.key"_s, u"-out"_s,
                       d + u"ca.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=Parley test database CA"_s})
            && openssl(QStringList{u"req"_s, u"-x509"_s} + ec + QStringList{u"-keyout"_s, d + u"other-ca.key"_s, u"-out"_s,
                       d + u"other-ca.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=Some other CA"_s})
            && openssl(QStringList{u"req"_s} + ec + QStringList{u"-keyout"_s, d + u"server.key"_s, u"-out"_s,
                       d + u"server.csr"_s, u"-subj"_s, u"/CN=localhost"_s})
            && openssl({u"x509"_s, u"-req"_s, u"-in"_s, d + u"server.csr"_s, u"-CA"_s, d + u"ca.crt"_s, u"-CAkey"_s,
                        d + u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, d + u"server.crt"_s, u"-days"_s, u"2"_s,
                        u"-extfile"_s, ext.fileName()});
    }

    QTemporaryDir m_dir;
    QString m_error;
    quint16 m_port = 0;
    QProcessEnvironment m_env;             // added to the environment of the programs run()
    uid_t m_uid = 0;
    gid_t m_gid = 0;
    bool m_running = false;
    bool m_admin = false;
};

} // namespace parley::server::test
