#pragma once

// End-to-end harness: a real parleyd child process on loopback with its own data directory, and devices that use
// the real client SDK over real TLS.

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "sdk/client.h"
#include "sdk/profile.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>
#include <memory>

namespace parley::e2e {

using namespace Qt::StringLiterals;

inline const QByteArray TestPassphrase = QByteArrayLiteral("correct horse battery staple");
// Cheap key derivation: these tests are about the relay, not about passphrase hardness.
constexpr crypto::ScryptParams FastKdf{1u << 10, 8, 1};
constexpr int WaitMs = 30000;

// A server program the test started beside parleyd (slapd, coturn, HAProxy): true once it takes TCP connections on
// `port` on loopback; false when it exits first (its output goes to a warning) or 10 s pass.
inline bool waitListening(QProcess &proc, quint16 port, const QString &name)
{
    for (int i = 0; i < 100; ++i) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(200))
            return true;
        if (proc.state() != QProcess::Running) {
            qWarning().noquote() << name << "exited:" << proc.readAll();
            return false;
        }
        QTest::qWait(100);
    }
    return false;
}

// Stops such a program: SIGTERM, then SIGKILL after 5 s.
inline void stopProgram(QProcess &proc)
{
    if (proc.state() == QProcess::NotRunning)
        return;
    proc.terminate();
    if (!proc.waitForFinished(5000)) {
        proc.kill();
        proc.waitForFinished(5000);
    }
}

class Daemon {
public:
    // `extraConfig` is appended to the generated INI file (whole sections, e.g. "[limits]\nfetch_burst=500\n").
    explicit Daemon(QString extraConfig = {}) : m_extra(std::move(extraConfig)) {}
    ~Daemon()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.kill();
            m_proc.waitForFinished(10000);
        }
    }

    QString dir() const { return m_dir.path(); }
    QString configFile() const { return m_dir.filePath(u"parleyd.conf"_s); }
    QString dataDir() const { return m_dir.filePath(u"data"_s); }
    QString stdoutFile() const { return m_dir.filePath(u"stdout.log"_s); }
    QString stderrFile() const { return m_dir.filePath(u"stderr.log"_s); }
    QUrl url() const { return QUrl(u"wss://127.0.0.1:%1/"_s.arg(m_port)); }
    quint16 port() const { return m_port; }
    QString fingerprint() const { return m_fingerprint; }
    QProcess &process() { return m_proc; }

    // Starts the daemon and waits until it listens. The first start picks a free port; restarts keep it.
    bool start()
    {
        if (!m_dir.isValid())
            return false;
        QFile conf(configFile());
        if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        conf.write(u"[server]\nlisten=127.0.0.1:%1\ndata_dir=%2\nworkers=2\n\n"_s.arg(m_port).arg(dataDir()).toUtf8());
        // The admin API listens too; on a port of its own choosing unless the test configures [admin].
        if (!m_extra.contains(u"[admin]"_s))
            conf.write("[admin]\nlisten=127.0.0.1:0\n\n");
        conf.write(m_extra.toUtf8());
        conf.close();

        const int listensBefore = readFile(stdoutFile()).count("listen wss://");
        m_proc.setStandardOutputFile(stdoutFile(), QIODevice::Append);
        m_proc.setStandardErrorFile(stderrFile(), QIODevice::Append);
        m_proc.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, configFile()});
        if (!m_proc.waitForStarted(10000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            const QByteArray out = readFile(stdoutFile());
            if (out.count("listen wss://") > listensBefore) {
                const qsizetype at = out.lastIndexOf("listen wss://");
                const QByteArray line = out.mid(at, out.indexOf('\n', at) - at);
                const QUrl listen(QString::fromUtf8(line.mid(int(sizeof("listen ")) - 1)));
                if (m_port == 0)
                    m_port = quint16(listen.port());
                break;
            }
            if (m_proc.state() == QProcess::NotRunning) {
                qWarning().noquote() << "parleyd exited at start:" << readFile(stderrFile());
                return false;
            }
            QTest::qWait(20);
        }
        if (m_port == 0)
            return false;
        if (m_fingerprint.isEmpty()) {
            const QStringList out = run({u"fingerprint"_s});
            m_fingerprint = out.value(out.size() - 1);
        }
        return !m_fingerprint.isEmpty();
    }

    void kill()
    {
        ::kill(pid_t(m_proc.processId()), SIGKILL);
        m_proc.waitForFinished(10000);
    }

    // SIGTERM; true when the daemon exited cleanly with status 0.
    // SIGTERM; true once it exited with status 0. Otherwise a warning says how it ended, with the end of its stderr
    // (a sanitizer's report, a shutdown that hung).
    bool terminate()
    {
        m_proc.terminate();
        const bool exited = m_proc.waitForFinished(WaitMs);
        if (exited && m_proc.exitStatus() == QProcess::NormalExit && m_proc.exitCode() == 0)
            return true;
        qWarning().noquote() << "parleyd" << (exited ? u"exited with status %1"_s.arg(m_proc.exitCode()) : u"did not exit"_s)
                             << "after SIGTERM; the end of its stderr:\n" << readFile(stderrFile()).right(4000);
        return false;
    }

    // A one-time enrollment code for `user`, from the command line as an administrator would get it.
    QString enroll(const QString &user)
    {
        const QStringList out = run({u"enroll"_s, user});
        return out.value(out.size() - 1);
    }

    // Runs `parleyd --config FILE ARGS...`; returns stdout's lines (empty on failure).
    QStringList run(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(PARLEYD_BINARY), QStringList{u"--config"_s, configFile()} + args);
        if (!p.waitForFinished(WaitMs) || p.exitCode() != 0) {
            qWarning().noquote() << "parleyd" << args << "failed:" << p.readAllStandardError();
            return {};
        }
        return QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    }

    // Everything the daemon has written: its logs and every file under its data directory.
    QByteArray everythingWritten() const
    {
        QByteArray all = readFile(stdoutFile()) + readFile(stderrFile());
        QDirIterator it(dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            all += readFile(it.next());
        return all;
    }

    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_proc;
    QString m_extra;
    quint16 m_port = 0;
    QString m_fingerprint;
};

// One device: a profile directory and a client of the real SDK, with everything it received.
class Device : public QObject {
public:
    Device(Daemon &daemon, QString user) : m_daemon(daemon), m_user(std::move(user)) {}
    ~Device() override { close(); }

    const QString &user() const { return m_user; }
    quint32 number() const { return m_profile ? m_profile->settings().device : m_deviceNo; }
    sdk::Client &client() { return *m_client; }
    bool online() const { return m_client && m_client->state() == sdk::Client::State::LoggedIn; }

    QList<sdk::IncomingMessage> inbox;
    QList<protocol::Frame> frames;           // every frame the server sent
    QStringList verificationFailures;
    int syncedCount = 0;
    QList<QPair<QString, QString>> errors;   // code, message
    // Runs on every client this device makes, before it connects (to watch signals from the first frame on).
    std::function<void(sdk::Client &)> clientHook;

    // Creates the profile and enrolls it with `given` or else a fresh code from the daemon; waits until logged in
    // with prekeys.
    bool enroll(const QString &given = {})
    {
        if (!m_dir.isValid())
            return false;
        const QString code = given.isEmpty() ? m_daemon.enroll(m_user) : given;
        if (code.isEmpty())
            return false;
        auto created = sdk::Profile::create(m_dir.path(), TestPassphrase, FastKdf);
        if (!created) {
            qWarning() << "profile:" << created.error().message;
            return false;
        }
        m_profile = std::move(created.value());
        sdk::ProfileSettings settings = m_profile->settings();
        settings.server = m_daemon.url();
        settings.fingerprint = m_daemon.fingerprint();
        settings.deviceName = u"test device"_s;
        if (!m_profile->setSettings(settings))
            return false;
        makeClient();
        QSignalSpy ready(m_client.get(), &sdk::Client::prekeysReady);
        m_client->enroll(m_user, code, u"test device"_s, TestPassphrase, FastKdf);
        if (ready.isEmpty() && !ready.wait(WaitMs)) {
            qWarning() << m_user << "enroll failed:" << errors;
            return false;
        }
        m_deviceNo = m_profile->settings().device;
        return m_deviceNo != 0;
    }

    // Reconnects with the existing profile; waits until logged in and the prekey pool is topped up.
    bool connectNow()
    {
        if (!m_profile) {
            auto opened = sdk::Profile::open(m_dir.path(), TestPassphrase);
            if (!opened) {
                qWarning() << "profile:" << opened.error().message;
                return false;
            }
            m_profile = std::move(opened.value());
        }
        syncedCount = 0;
        makeClient();
        QSignalSpy ready(m_client.get(), &sdk::Client::prekeysReady);
        m_client->connectToServer();
        return !ready.isEmpty() || ready.wait(WaitMs);
    }

    // Connects again, from now on to `server` (another node of a cluster, which serves the same certificate); waits
    // as connectNow() does.
    bool connectTo(const QUrl &server)
    {
        close();
        auto opened = sdk::Profile::open(m_dir.path(), TestPassphrase);
        if (!opened) {
            qWarning() << "profile:" << opened.error().message;
            return false;
        }
        m_profile = std::move(opened.value());
        sdk::ProfileSettings settings = m_profile->settings();
        settings.server = server;
        return m_profile->setSettings(settings) && connectNow();
    }

    // Reconnects with the existing profile and expects the server to refuse the login with error `code`.
    bool connectRefused(const QString &code)
    {
        if (!m_profile) {
            auto opened = sdk::Profile::open(m_dir.path(), TestPassphrase);
            if (!opened)
                return false;
            m_profile = std::move(opened.value());
        }
        errors.clear();
        makeClient();
        m_client->connectToServer();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            for (const auto &e : std::as_const(errors)) {
                if (e.first == code)
                    return !online();
            }
            QTest::qWait(10);
        }
        return false;
    }

    // Disconnects and releases the profile (as a device going offline would).
    void close()
    {
        if (m_client) {
            if (m_client->state() != sdk::Client::State::Disconnected) {
                QSignalSpy gone(m_client.get(), &sdk::Client::disconnected);
                m_client->disconnectFromServer();
                if (m_client->state() != sdk::Client::State::Disconnected)
                    gone.wait(5000);
            }
            m_client.reset();
        }
        m_profile.reset();
    }

    // Sends and waits for `accepted`; returns the message id (empty on failure).
    QByteArray sendAndWait(const QStringList &to, const QString &text, const protocol::MessageOptions &options = {})
    {
        QSignalSpy accepted(m_client.get(), &sdk::Client::accepted);
        QSignalSpy failed(m_client.get(), &sdk::Client::sendFailed);
        const QByteArray mid = m_client->send(to, text, options);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            for (const auto &args : std::as_const(accepted)) {
                if (args.at(0).toByteArray() == mid)
                    return mid;
            }
            for (const auto &args : std::as_const(failed)) {
                if (args.at(0).toByteArray() == mid) {
                    qWarning() << "send failed:" << sdk::sendErrorName(args.at(1).value<sdk::SendError>())
                               << args.at(2).toString();
                    return {};
                }
            }
            QTest::qWait(10);
        }
        return {};
    }

    // The first error frame the server sent for request `id`, if any.
    std::optional<protocol::Frame> errorFor(quint64 id) const
    {
        for (const protocol::Frame &f : frames) {
            if (f.type == u"error"_s && f.id == id)
                return f;
        }
        return std::nullopt;
    }
    std::optional<protocol::Frame> replyTo(quint64 id) const
    {
        for (const protocol::Frame &f : frames) {
            if (f.id == id)
                return f;
        }
        return std::nullopt;
    }

private:
    void makeClient()
    {
        m_client = std::make_unique<sdk::Client>(*m_profile);
        connect(m_client.get(), &sdk::Client::messageReceived, this,
                [this](const sdk::IncomingMessage &m) { inbox.append(m); });
        connect(m_client.get(), &sdk::Client::verificationFailed, this,
                [this](const QString &from, quint32 dev, const QString &why) {
                    verificationFailures.append(u"%1#%2: %3"_s.arg(from).arg(dev).arg(why));
                });
        connect(m_client.get(), &sdk::Client::frameReceived, this,
                [this](const protocol::Frame &f) { frames.append(f); });
        connect(m_client.get(), &sdk::Client::synced, this, [this] { ++syncedCount; });
        connect(m_client.get(), &sdk::Client::errorOccurred, this,
                [this](const QString &code, const QString &message) { errors.append({code, message}); });
        if (clientHook)
            clientHook(*m_client);
    }

    Daemon &m_daemon;
    QString m_user;
    QTemporaryDir m_dir;
    std::unique_ptr<sdk::Profile> m_profile;
    std::unique_ptr<sdk::Client> m_client;
    quint32 m_deviceNo = 0;
};

} // namespace parley::e2e
