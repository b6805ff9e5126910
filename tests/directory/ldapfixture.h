#pragma once

// A real OpenLDAP slapd for the directory sync's tests (Debian packages slapd and ldap-utils): started by the test as
// the current user on two loopback ports (ldap:// and ldaps://), with a slapd.conf, an mdb database, a CA and a server
// certificate (made with the openssl command) of a temporary directory of its own, and entries loaded with ldapadd.
// Also a CA that did not issue the server's certificate, and a TCP proxy that cuts a connection after N bytes.

#include "../e2e/harness.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>

namespace parley::e2e {

struct ToolRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline ToolRun runTool(const QString &program, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(program, args);
    ToolRun r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(WaitMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    if (r.exitCode != 0)
        qWarning().noquote() << program << args.join(u' ') << "failed:" << r.err;
    return r;
}

inline quint16 freeTcpPort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
}

class Slapd {
public:
    static inline const QString Base = u"dc=example,dc=org"_s;
    static inline const QString RootDn = u"cn=admin,dc=example,dc=org"_s;
    static inline const QString RootPassword = u"slapd-root-secret"_s;

    ~Slapd() { stop(); }

    quint16 ldapPort() const { return m_ldapPort; }
    quint16 ldapsPort() const { return m_ldapsPort; }
    QString caFile() const { return m_dir.filePath(u"ca.crt"_s); }
    QString otherCaFile() const { return m_dir.filePath(u"other-ca.crt"_s); }
    QString dir() const { return m_dir.path(); }

    bool start()
    {
        for (const char *tool : {"ldapadd", "ldapmodify", "ldapdelete", "openssl"}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
                qWarning() << tool << "not found (Debian packages ldap-utils, openssl; scripts/deps.sh test)";
                return false;
            }
        }
        m_slapd = QStandardPaths::findExecutable(u"slapd"_s, {u"/usr/sbin"_s, u"/usr/local/sbin"_s});
        if (m_slapd.isEmpty()) {
            qWarning() << "slapd not found (Debian package slapd; scripts/deps.sh test)";
            return false;
        }
        if (!m_dir.isValid() || !makeCertificates() || !QDir(m_dir.path()).mkpath(u"db"_s))
            return false;
        QFile conf(m_dir.filePath(u"slapd.conf"_s));
        if (!conf.open(QIODevice::WriteOnly))
            return false;
        QString text;
        for (const char *schema : {"core", "cosine", "inetorgperson", "nis"})
            text += u"include /etc/ldap/schema/%1.schema\n"_s.arg(QString::fromLatin1(schema));
        text += u"modulepath /usr/lib/ldap\nmoduleload back_mdb\npidfile %1/slapd.pid\nargsfile %1/slapd.args\n"
                "TLSCACertificateFile %1/ca.crt\nTLSCertificateFile %1/server.crt\nTLSCertificateKeyFile %1/server.key\n"
                "database mdb\nmaxsize 10485760\nsuffix \"%2\"\nrootdn \"%3\"\nrootpw %4\ndirectory %1/db\n"_s
                    .arg(m_dir.path(), Base, RootDn, RootPassword);
        conf.write(text.toUtf8());
        conf.close();
        m_ldapPort = freeTcpPort();
        m_ldapsPort = freeTcpPort();
        if (!m_ldapPort || !m_ldapsPort)
            return false;
        m_proc.setProcessChannelMode(QProcess::MergedChannels);
        m_proc.start(m_slapd, {u"-f"_s, conf.fileName(), u"-h"_s,
                               u"ldap://127.0.0.1:%1/ ldaps://127.0.0.1:%2/"_s.arg(m_ldapPort).arg(m_ldapsPort), u"-d"_s, u"0"_s});
        return m_proc.waitForStarted(10000) && e2e::waitListening(m_proc, m_ldapsPort, u"slapd"_s);
    }

    void stop() { e2e::stopProgram(m_proc); }

    // ldapadd / ldapmodify with LDIF, as the directory's root over ldap:// on loopback.
    bool add(const QString &ldif) { return tool(u"ldapadd"_s, {}, ldif); }
    bool modify(const QString &ldif) { return tool(u"ldapmodify"_s, {}, ldif); }
    bool remove(const QString &dn) { return tool(u"ldapdelete"_s, {dn}, {}); }

    static QString userDn(const QString &uid) { return u"uid=%1,ou=people,%2"_s.arg(uid, Base); }

    // An inetOrgPerson: employeeType "disabled" is what the tests map to a disabled account.
    static QString userLdif(const QString &uid, const QString &displayName, bool disabled = false)
    {
        return u"dn: %1\nobjectClass: inetOrgPerson\nuid: %2\ncn: %3\nsn: %3\ndisplayName: %3\nemployeeType: %4\n\n"_s
            .arg(userDn(uid), uid, displayName, disabled ? u"disabled"_s : u"active"_s);
    }

    static QString setDisabledLdif(const QString &uid, bool disabled)
    {
        return u"dn: %1\nchangetype: modify\nreplace: employeeType\nemployeeType: %2\n\n"_s
            .arg(userDn(uid), disabled ? u"disabled"_s : u"active"_s);
    }

private:
    bool openssl(const QStringList &args) { return runTool(u"openssl"_s, args).exitCode == 0; }

    bool makeCertificates()
    {
        const QString d = m_dir.path() + u"/"_s;
        const QStringList ec = {u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s, u"-nodes"_s};
        QFile ext(d + u"server.ext"_s);
        if (!ext.open(QIODevice::WriteOnly))
            return false;
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        ext.close();
        return openssl(QStringList{u"req"_s, u"-x509"_s} + ec + QStringList{u"-keyout"_s, d + u"ca.key"_s, u"-out"_s, d + u"ca.crt"_s,
                       u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=Parley test directory CA"_s})
            && openssl(QStringList{u"req"_s, u"-x509"_s} + ec + QStringList{u"-keyout"_s, d + u"other-ca.key"_s, u"-out"_s,
                       d + u"other-ca.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=Some other CA"_s})
            && openssl(QStringList{u"req"_s} + ec + QStringList{u"-keyout"_s, d + u"server.key"_s, u"-out"_s, d + u"server.csr"_s,
                       u"-subj"_s, u"/CN=127.0.0.1"_s})
            && openssl({u"x509"_s, u"-req"_s, u"-in"_s, d + u"server.csr"_s, u"-CA"_s, d + u"ca.crt"_s, u"-CAkey"_s, d + u"ca.key"_s,
                        u"-CAcreateserial"_s, u"-out"_s, d + u"server.crt"_s, u"-days"_s, u"2"_s, u"-extfile"_s, ext.fileName()});
    }

    bool tool(const QString &program, const QStringList &extra, const QString &ldif)
    {
        return runTool(program, QStringList{u"-x"_s, u"-H"_s, u"ldap://127.0.0.1:%1"_s.arg(m_ldapPort), u"-D"_s, RootDn,
                                            u"-w"_s, RootPassword} + extra,
                       ldif.toUtf8()).exitCode == 0;
    }

    QTemporaryDir m_dir;
    QProcess m_proc;
    QString m_slapd;
    quint16 m_ldapPort = 0;
    quint16 m_ldapsPort = 0;
};

// A TCP proxy on loopback in front of `target` that counts the bytes the server sends and, with a limit set, cuts
// both connections once that many have passed: a directory that goes away in the middle of a search.
class CutProxy : public QObject {
public:
    explicit CutProxy(quint16 target) : m_target(target)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
    }

    quint16 port() const { return m_server.serverPort(); }
    qint64 downBytes() const { return m_down; }
    bool cut() const { return m_cut; }
    // 0: no limit. Counts start again.
    void setLimit(qint64 bytes)
    {
        m_limit = bytes;
        m_down = 0;
        m_cut = false;
    }

private:
    void relay(QTcpSocket *client)
    {
        client->setParent(this);
        auto *upstream = new QTcpSocket(this);
        upstream->connectToHost(QHostAddress::LocalHost, m_target);
        QObject::connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] {
            if (upstream->state() == QAbstractSocket::ConnectedState)
                upstream->write(client->readAll());
        });
        QObject::connect(upstream, &QTcpSocket::connected, client, [client, upstream] { upstream->write(client->readAll()); });
        QObject::connect(upstream, &QTcpSocket::readyRead, client, [this, client, upstream] {
            QByteArray data = upstream->readAll();
            if (m_limit > 0 && m_down + data.size() >= m_limit) {
                data.truncate(m_limit - m_down);
                client->write(data);
                client->flush();
                m_down = m_limit;
                m_cut = true;
                client->abort();
                upstream->abort();
                return;
            }
            m_down += data.size();
            client->write(data);
        });
        QObject::connect(client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->disconnectFromHost(); });
        QObject::connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
    }

    QTcpServer m_server;
    quint16 m_target;
    qint64 m_limit = 0;
    qint64 m_down = 0;
    bool m_cut = false;
};

} // namespace parley::e2e
