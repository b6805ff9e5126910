// bench_room_fanout: how long a room message takes to reach every member device.
//
// Starts its own parleyd (PARLEYD_BINARY) on loopback with a temporary data directory, issues enrollment codes
// straight into the daemon's store, and enrolls N members (default 1,000) as raw protocol clients: a root and a
// device key each, a signed last-resort prekey, login, and then they only receive and ack. The sender is a full
// SDK client: it creates the room (one signed record per member, pipelined), verifies the chain with sdk::Rooms,
// and sends RUNS messages (default 3). For each run it prints the time from send() to the server's `accepted` and
// to the moment the last member device received the `msg`, then min/median/max over the runs. That time includes
// the sender's own work: one P-521 key agreement per member device to wrap the message key (about 1.5 ms each
// here). A second series of RUNS messages separates the server's part: the envelope is built (and its prekeys
// resolved) before the clock starts, and the time runs from handing the encoded frame to the socket until the
// server's `accepted` and until the last member device received the `msg`.
//
//   bench_room_fanout [--members N] [--runs R] [--server-cpus LIST]
//
// --server-cpus runs the daemon under `taskset -c LIST` (bench/run.sh gives the server and the clients their own
// CPUs).

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/roomchain.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/envelope.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"
#include "store/store.h"
#include "../procstat.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QSet>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace parley;

namespace {

constexpr crypto::ScryptParams FastKdf{1u << 10, 8, 1};
const QByteArray Passphrase = QByteArrayLiteral("benchmark passphrase");
constexpr int ConnectWindow = 64;       // members enrolling at the same time
constexpr qint64 StepTimeoutMs = 600000;

void say(const QString &line)
{
    std::fprintf(stdout, "%s\n", qPrintable(line));
    std::fflush(stdout);
}

QProcess *runningDaemon = nullptr;

[[noreturn]] void die(const QString &line)
{
    std::fprintf(stderr, "bench_room_fanout: %s\n", qPrintable(line));
    if (runningDaemon) {
        runningDaemon->kill();
        runningDaemon->waitForFinished(10000);
    }
    std::exit(1);
}

// Runs the event loop until `done` or the timeout.
bool waitFor(const std::function<bool()> &done, qint64 timeoutMs = StepTimeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

// A member device speaking the protocol directly: enroll, log in, keep a last-resort prekey, receive and ack.
class Member : public QObject {
public:
    Member(QString user, QString code, QUrl url, QString fingerprint)
        : m_user(std::move(user)), m_code(std::move(code)), m_url(std::move(url)), m_fingerprint(std::move(fingerprint))
    {
    }
    // The socket is destroyed after the members its handlers write (failure, m_closing): the handlers go first.
    ~Member() override { m_socket.disconnect(this); }

    bool ready = false;
    bool failed = false;
    QString failure;
    QHash<QByteArray, qint64> arrivals;  // mid -> clock time of arrival
    const QElapsedTimer *clock = nullptr;

    void start()
    {
        auto root = crypto::EcKey::generate();
        auto device = crypto::EcKey::generate();
        auto prekey = crypto::EcKey::generate();
        if (!root || !device || !prekey)
            return fail(u"key generation failed"_s);
        m_root = std::move(*root);
        m_device = std::move(*device);
        m_prekeyPub = prekey->publicPoint();
        connect(&m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            // A self-signed certificate is fine when it is the one parleyd printed.
            for (const QSslError &e : errors) {
                if (!e.certificate().isNull()
                    && QString::fromLatin1(e.certificate().digest(QCryptographicHash::Sha256).toHex()) == m_fingerprint) {
                    m_socket.ignoreSslErrors(errors);
                    return;
                }
            }
            fail(u"the server certificate does not match the fingerprint"_s);
        });
        connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { onFrame(data); });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] {
            if (!m_closing)
                fail(u"disconnected: "_s + m_socket.closeReason());
        });
        m_socket.open(m_url);
    }

    void close()
    {
        m_closing = true;
        m_socket.close();
    }

private:
    void fail(const QString &why)
    {
        if (failed)
            return;
        failed = true;
        failure = m_user + u": "_s + why;
    }

    void send(const protocol::Frame &f) { m_socket.sendBinaryMessage(protocol::encode(f)); }

    void onFrame(const QByteArray &data)
    {
        auto decoded = protocol::decode(data, protocol::Direction::ServerToClient);
        if (const auto *e = std::get_if<protocol::FrameError>(&decoded))
            return fail(u"malformed frame: "_s + e->message);
        const protocol::Frame f = std::get<protocol::Frame>(decoded);
        if (f.type == u"hello"_s) {
            m_challenge = f.bytes("ch"_L1);
            auto dsig = m_root.sign(protocol::deviceStatement(m_user, m_device.publicPoint()));
            if (!dsig)
                return fail(u"signing failed"_s);
            protocol::Frame enroll(u"enroll"_s, 1);
            enroll.set("user"_L1, m_user).set("code"_L1, m_code).set("root"_L1, m_root.publicPoint());
            enroll.set("dev"_L1, m_device.publicPoint()).set("dsig"_L1, *dsig);
            return send(enroll);
        }
        if (f.type == u"enrolled"_s) {
            m_deviceNo = quint32(f.uint("device"_L1));
            auto sig = m_device.sign(protocol::loginStatement(m_challenge, m_user, m_deviceNo));
            if (!sig)
                return fail(u"signing failed"_s);
            protocol::Frame login(u"login"_s, 2);
            login.set("user"_L1, m_user).set("device"_L1, QCborValue(qint64(m_deviceNo))).set("sig"_L1, *sig);
            return send(login);
        }
        if (f.type == u"welcome"_s) {
            auto sig = m_device.sign(protocol::prekeyStatement(1, m_prekeyPub));
            if (!sig)
                return fail(u"signing failed"_s);
            QCborMap lr;
            lr.insert(u"kid"_s, 1);
            lr.insert(u"pub"_s, m_prekeyPub);
            lr.insert(u"sig"_s, *sig);
            protocol::Frame prekeys(u"prekeys"_s, 3);
            prekeys.set("keys"_L1, QCborArray()).set("lr"_L1, lr);
            return send(prekeys);
        }
        if (f.type == u"prekeys_ok"_s) {
            ready = true;
            return;
        }
        if (f.type == u"msg"_s) {
            if (clock && !arrivals.contains(f.bytes("mid"_L1)))
                arrivals.insert(f.bytes("mid"_L1), clock->nsecsElapsed());
            protocol::Frame ack(u"ack"_s);
            ack.set("seqs"_L1, QCborArray{qint64(f.uint("seq"_L1))});
            return send(ack);
        }
        if (f.type == u"error"_s)
            return fail(f.text("code"_L1) + u": "_s + f.text("msg"_L1));
    }

    QString m_user;
    QString m_code;
    QUrl m_url;
    QString m_fingerprint;
    QWebSocket m_socket;
    crypto::EcKey m_root;
    crypto::EcKey m_device;
    QByteArray m_prekeyPub;
    QByteArray m_challenge;
    quint32 m_deviceNo = 0;
    bool m_closing = false;
};

// The CPU time (user + system, all threads) a process has used so far, in nanoseconds; -1 when unreadable.
qint64 processCpuNs(qint64 pid)
{
    const qint64 ticks = bench::processCpuTicks(pid);
    return ticks < 0 ? -1 : ticks * (1000000000 / sysconf(_SC_CLK_TCK));
}

QString ms(qint64 ns)
{
    return QString::number(double(ns) / 1e6, 'f', 1) + u" ms"_s;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"members"_s, u"Room members besides the sender (default 999: 1,000 in all)."_s, u"N"_s, u"999"_s});
    parser.addOption({u"runs"_s, u"Messages to measure (default 3)."_s, u"R"_s, u"3"_s});
    parser.addOption({u"server-cpus"_s, u"Pin the daemon to these CPUs (a taskset list)."_s, u"LIST"_s});
    parser.process(app);
    const int members = parser.value(u"members"_s).toInt();
    const int runs = parser.value(u"runs"_s).toInt();
    if (members < 1 || members >= protocol::MaxRoomMembers || runs < 1 || runs > 100)
        die(u"--members takes 1 to %1, --runs 1 to 100"_s.arg(protocol::MaxRoomMembers - 1));
    QLoggingCategory::setFilterRules(u"parley.*.debug=false\nparley.*.info=false"_s);

    QTemporaryDir dir;
    if (!dir.isValid())
        die(u"no temporary directory"_s);
    const QString dataDir = dir.filePath(u"data"_s);
    const QString config = dir.filePath(u"parleyd.conf"_s);
    {
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly))
            die(u"cannot write the configuration"_s);
        f.write(u"[server]\nlisten=127.0.0.1:0\ndata_dir=%1\nworkers=2\n\n[limits]\nfetch_burst=1000\n"
                u"frame_burst=100000\nframe_rate=100000\n"_s.arg(dataDir).toUtf8());
    }

    // Enrollment codes go straight into the store (one transaction) before the daemon starts.
    QElapsedTimer setup;
    setup.start();
    QStringList codes;
    QStringList users;
    users.append(u"sender"_s);
    for (int i = 0; i < members; ++i)
        users.append(u"member%1"_s.arg(i, 4, 10, QLatin1Char('0')));
    {
        if (!QDir().mkpath(dataDir) || !QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            die(u"cannot create the data directory"_s);
        server::StoreOptions options;
        options.path = dataDir + u"/parleyd.sqlite"_s;
        auto store = server::Store::open(options);
        if (!store)
            die(store.error().message);
        auto made = (*store)->writeSync<QStringList>([&users](server::Db &db) -> Result<QStringList> {
            QStringList out;
            for (const QString &u : users) {
                auto code = db.createEnrollCode(u, 3600 * 1000);
                if (!code)
                    return code.error();
                out.append(*code);
            }
            return out;
        });
        (*store)->close();
        if (!made)
            die(made.error().message);
        codes = *made;
    }

    QProcess daemon;
    daemon.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QString pin = parser.value(u"server-cpus"_s);
    if (pin.isEmpty())
        daemon.start(QStringLiteral(PARLEYD_BINARY), {u"--config"_s, config});
    else
        daemon.start(u"taskset"_s, {u"-c"_s, pin, QStringLiteral(PARLEYD_BINARY), u"--config"_s, config});
    runningDaemon = &daemon;
    QUrl url;
    QString fingerprint;
    if (!waitFor([&] {
            while (daemon.canReadLine()) {
                const QString line = QString::fromUtf8(daemon.readLine()).trimmed();
                if (line.startsWith(u"listen "_s))
                    url = QUrl(line.mid(7));
                if (line.startsWith(u"fingerprint "_s))
                    fingerprint = line.mid(12);
            }
            return (url.isValid() && !fingerprint.isEmpty()) || daemon.state() == QProcess::NotRunning;
        }, 30000) || !url.isValid())
        die(u"parleyd did not start"_s);
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &daemon, [&daemon] {
        daemon.terminate();
        daemon.waitForFinished(10000);
    });

    // Members.
    std::vector<std::unique_ptr<Member>> devices;
    for (int i = 0; i < members; ++i)
        devices.push_back(std::make_unique<Member>(users.at(i + 1), codes.at(i + 1), url, fingerprint));
    int started = 0;
    auto readyCount = [&devices] {
        return int(std::count_if(devices.cbegin(), devices.cend(), [](const auto &m) { return m->ready; }));
    };
    if (!waitFor([&] {
            for (const auto &m : devices) {
                if (m->failed)
                    die(m->failure);
            }
            const int ready = readyCount();
            while (started < members && started - ready < ConnectWindow)
                devices[size_t(started++)]->start();
            return ready == members;
        }))
        die(u"members did not all enroll"_s);
    say(u"enrolled %1 member devices in %2"_s.arg(members).arg(ms(setup.nsecsElapsed())));

    // The sender: a full SDK client.
    QTemporaryDir profileDir;
    auto profile = sdk::Profile::create(profileDir.path(), Passphrase, FastKdf);
    if (!profile)
        die(profile.error().message);
    sdk::ProfileSettings settings = (*profile)->settings();
    settings.server = url;
    settings.fingerprint = fingerprint;
    if (!(*profile)->setSettings(settings))
        die(u"cannot save the sender's profile"_s);
    sdk::Client client(**profile);
    bool sender = false;
    QObject::connect(&client, &sdk::Client::prekeysReady, &app, [&sender] { sender = true; });
    QObject::connect(&client, &sdk::Client::errorOccurred, &app, [](const QString &code, const QString &message) {
        die(u"sender: %1: %2"_s.arg(code, message));
    });
    client.enroll(u"sender"_s, codes.first(), u"bench"_s, Passphrase, FastKdf);
    if (!waitFor([&sender] { return sender; }))
        die(u"the sender did not log in"_s);

    // The room: the create record and one add record per member, each signed by the sender and appended in turn.
    QElapsedTimer building;
    building.start();
    sdk::Rooms rooms(client);
    const QString roomName = u"bench"_s;
    {
        std::optional<Result<protocol::RoomState>> step;
        auto store = [&step](Result<protocol::RoomState> r) { step.emplace(std::move(r)); };
        rooms.create(roomName, u"Benchmark"_s, QString(), quint64(0), false, &app, store);
        if (!waitFor([&step] { return step.has_value(); }) || !*step)
            die(u"creating the room failed: "_s + (step ? step->error().message : u"timeout"_s));
        for (int i = 0; i < members; ++i) {
            step.reset();
            rooms.change(roomName, protocol::RoomOp::Add, users.at(i + 1), &app, store);
            if (!waitFor([&step] { return step.has_value(); }) || !*step)
                die(u"adding a member failed: "_s + (step ? step->error().message : u"timeout"_s));
        }
    }
    say(u"room of %1 members built (%2 signed records) in %3"_s.arg(members + 1).arg(members + 1).arg(ms(building.nsecsElapsed())));
    struct {
        QString room;
    } state{roomName};

    sdk::Rooms verifier(client);
    QElapsedTimer verifying;
    verifying.start();
    std::optional<Result<protocol::RoomState>> fetched;
    verifier.fetch(state.room, &app, [&fetched](Result<protocol::RoomState> r) { fetched.emplace(std::move(r)); });
    if (!waitFor([&fetched] { return fetched.has_value(); }) || !*fetched)
        die(u"the chain did not verify: "_s + (fetched ? fetched->error().message : u"timeout"_s));
    say(u"chain fetched and verified by the sender in %1"_s.arg(ms(verifying.nsecsElapsed())));

    QList<qint64> acceptedNs, lastNs;
    QElapsedTimer clock;
    for (int run = 0; run < runs; ++run) {
        for (auto &m : devices)
            m->clock = &clock;
        std::optional<Result<QByteArray>> sent;
        qint64 acceptedAt = -1;
        clock.start();
        rooms.send(state.room, u"fan-out run %1"_s.arg(run + 1), {}, &app, [&](Result<QByteArray> r) {
            acceptedAt = clock.nsecsElapsed();
            sent.emplace(std::move(r));
        });
        if (!waitFor([&] { return sent.has_value(); }))
            die(u"send timed out"_s);
        if (!*sent)
            die(u"send failed: "_s + sent->error().message);
        const QByteArray mid = sent->value();
        if (!waitFor([&] {
                return std::all_of(devices.cbegin(), devices.cend(),
                                   [&mid](const auto &d) { return d->arrivals.contains(mid) || d->failed; });
            }))
            die(u"not every member received the message"_s);
        qint64 last = 0;
        for (const auto &d : devices) {
            if (d->failed)
                die(d->failure);
            last = std::max(last, d->arrivals.value(mid));
        }
        acceptedNs.append(acceptedAt);
        lastNs.append(last);
        say(u"run %1: accepted after %2, last of %3 member devices received it after %4"_s.arg(run + 1)
                .arg(ms(acceptedAt))
                .arg(members)
                .arg(ms(last)));
    }
    std::sort(lastNs.begin(), lastNs.end());
    say(u"time until the last member device received the message: min %1, median %2, max %3"_s
            .arg(ms(lastNs.first()), ms(lastNs.at(lastNs.size() / 2)), ms(lastNs.last())));

    // The server's part: envelopes built before the clock starts.
    auto identity = client.identity();
    if (!identity)
        die(u"no sender identity: "_s + identity.error().message);
    const QStringList memberList = fetched->value().memberList();
    protocol::MessageOptions roomOptions;
    roomOptions.room = state.room;
    QList<qint64> serverAcceptedNs, serverLastNs, serverCpuNs;
    for (int run = 0; run < runs; ++run) {
        std::optional<Result<QList<sdk::RecipientDevice>>> resolved;
        client.resolveRecipients(memberList, &app, [&resolved](Result<QList<sdk::RecipientDevice>> r) {
            resolved.emplace(std::move(r));
        });
        if (!waitFor([&resolved] { return resolved.has_value(); }) || !*resolved)
            die(u"resolving the members' devices failed: "_s + (resolved ? resolved->error().message : u"timeout"_s));
        auto envelope = sdk::Envelope::build(*identity, memberList, resolved->value(), u"server fan-out run %1"_s.arg(run + 1),
                                             quint64(client.serverTimeMs()), roomOptions);
        if (!envelope)
            die(u"building the envelope failed: "_s + envelope.error().message);
        const QByteArray mid = envelope->mid;
        std::optional<qint64> acceptedAt;
        std::optional<QString> failure;
        auto accepted = QObject::connect(&client, &sdk::Client::accepted, &app, [&](const QByteArray &m, quint64) {
            if (m == mid)
                acceptedAt = clock.nsecsElapsed();
        });
        auto failed = QObject::connect(&client, &sdk::Client::sendFailed, &app,
                                       [&](const QByteArray &m, sdk::SendError error, const QString &message) {
            if (m == mid)
                failure = sdk::sendErrorName(error) + u": "_s + message;
        });
        for (auto &m : devices)
            m->clock = &clock;
        const qint64 cpuBefore = processCpuNs(daemon.processId());
        clock.start();
        client.sendEnvelope(*envelope);
        if (!waitFor([&] { return acceptedAt.has_value() || failure.has_value(); }))
            die(u"send timed out"_s);
        QObject::disconnect(accepted);
        QObject::disconnect(failed);
        if (failure)
            die(u"send failed: "_s + *failure);
        if (!waitFor([&] {
                return std::all_of(devices.cbegin(), devices.cend(),
                                   [&mid](const auto &d) { return d->arrivals.contains(mid) || d->failed; });
            }))
            die(u"not every member received the message"_s);
        qint64 last = 0;
        for (const auto &d : devices) {
            if (d->failed)
                die(d->failure);
            last = std::max(last, d->arrivals.value(mid));
        }
        // The daemon's own CPU for the run (it has nothing else to do meanwhile): what the fan-out costs the server,
        // apart from how fast the members, all in this process on its CPUs, take their frames in.
        const qint64 cpuAfter = processCpuNs(daemon.processId());
        const qint64 cpu = cpuBefore >= 0 && cpuAfter >= 0 ? cpuAfter - cpuBefore : -1;
        serverAcceptedNs.append(*acceptedAt);
        serverLastNs.append(last);
        serverCpuNs.append(cpu);
        say(u"server run %1 (envelope built beforehand): accepted after %2, last of %3 member devices received it after %4, "
            "server CPU %5"_s
                .arg(run + 1)
                .arg(ms(*acceptedAt))
                .arg(members)
                .arg(ms(last), cpu >= 0 ? ms(cpu) : u"unknown"_s));
    }
    std::sort(serverLastNs.begin(), serverLastNs.end());
    std::sort(serverCpuNs.begin(), serverCpuNs.end());
    if (serverCpuNs.first() >= 0)
        say(u"server CPU for the fan-out: min %1, median %2, max %3"_s
                .arg(ms(serverCpuNs.first()), ms(serverCpuNs.at(serverCpuNs.size() / 2)), ms(serverCpuNs.last())));
    say(u"server part, from sending the built envelope until the last member device received it: min %1, median %2, max %3"_s
            .arg(ms(serverLastNs.first()), ms(serverLastNs.at(serverLastNs.size() / 2)), ms(serverLastNs.last())));
    for (auto &d : devices)
        d->close();
    client.disconnectFromServer();
    daemon.terminate();
    daemon.waitForFinished(10000);
    return 0;
}
