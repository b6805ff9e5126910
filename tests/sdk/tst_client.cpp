// The SDK client against a small in-process relay that speaks docs/protocol.md over real TLS: enrollment (new
// user and second device), login, prekey upkeep, sending and receiving, device_mismatch and rate_limited retries,
// trust on first use, certificate pinning and CA trust, dedupe of redelivered messages, verification failures,
// and raw frames (replay). Every frame the client sends is checked with the strict protocol decoder.
// The daemon itself is exercised with this SDK by the end-to-end tests.

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/profile.h"

#include <QCborArray>
#include <QHostAddress>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

#include <functional>
#include <map>

using namespace parley;
using namespace parley::sdk;
using namespace Qt::StringLiterals;

namespace parley::sdk {
// How QCOMPARE prints a SendError.
char *toString(SendError error) { return qstrdup(sendErrorName(error).toUtf8().constData()); }
}

namespace {

constexpr crypto::ScryptParams FastKdf{1u << 10, 8, 1};
constexpr int Timeout = 20000;

// A miniature relay: in memory, one thread, enough of the protocol for the client's flows.
class MiniRelay : public QObject {
    Q_OBJECT
public:
    struct Prekey {
        quint32 kid = 0;
        QByteArray pub;
        QByteArray sig;
    };
    struct Queued {
        quint64 seq = 0;
        protocol::Frame msg;
    };
    struct Device {
        quint32 no = 0;
        QByteArray pub;
        QByteArray sig;
        QList<Prekey> pool;
        std::optional<Prekey> lastResort;
        QList<Queued> queue;
        QWebSocket *online = nullptr;
    };
    struct User {
        QByteArray root;
        QByteArray recovery;
        std::map<quint32, Device> devices;
    };
    struct Connection {
        QByteArray challenge;
        QString user;
        quint32 device = 0;
    };

    QHash<QString, User> users;
    QSet<QString> codes;                    // "user:code"
    QSet<QByteArray> seen;                  // sender device + mid
    QStringList clientFrameErrors;          // frames the strict decoder refused
    QList<protocol::Frame> received;        // every decoded client frame
    QList<quint64> acked;
    quint64 nextSeq = 1;
    // Returns true when it answered the frame itself.
    std::function<bool(QWebSocket *, const protocol::Frame &)> intercept;

    explicit MiniRelay(const QSslCertificate &cert, const QSslKey &key)
        : server(u"mini"_s, QWebSocketServer::SecureMode)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(cert);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        server.setSslConfiguration(tls);
        connect(&server, &QWebSocketServer::newConnection, this, &MiniRelay::onConnection);
    }

    ~MiniRelay() override
    {
        // The sockets outlive the bookkeeping otherwise (they are the server's children).
        for (QWebSocket *ws : connections.keys())
            ws->disconnect(this);
        server.close();
    }

    bool listen() { return server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return server.serverPort(); }

    QString issueCode(const QString &user)
    {
        const QString code = QString::fromLatin1(crypto::randomBytes(6).toHex());
        codes.insert(user + u':' + code);
        return code;
    }

    void send(QWebSocket *ws, const protocol::Frame &f) { ws->sendBinaryMessage(protocol::encode(f)); }

    static protocol::Frame error(quint64 id, const QString &code, const QString &msg = u"refused"_s)
    {
        protocol::Frame f(u"error"_s, id);
        f.set("code"_L1, code).set("msg"_L1, msg);
        return f;
    }

    void deliver(const QString &user, quint32 deviceNo, const protocol::Frame &msg)
    {
        Device &dev = users[user].devices[deviceNo];
        Queued q{nextSeq++, msg};
        q.msg.set("seq"_L1, qint64(q.seq));
        dev.queue.append(q);
        if (dev.online)
            send(dev.online, q.msg);
    }

private:
    QWebSocketServer server;
    QHash<QWebSocket *, Connection> connections;

    void onConnection()
    {
        while (QWebSocket *ws = server.nextPendingConnection()) {
            connect(ws, &QWebSocket::disconnected, this, [this, ws] {
                const Connection c = connections.take(ws);
                if (users.contains(c.user) && users[c.user].devices.count(c.device)
                    && users[c.user].devices[c.device].online == ws)
                    users[c.user].devices[c.device].online = nullptr;
                ws->deleteLater();
            });
            connect(ws, &QWebSocket::binaryMessageReceived, this, [this, ws](const QByteArray &data) { onData(ws, data); });
            Connection c;
            c.challenge = crypto::randomBytes(32);
            connections.insert(ws, c);
            protocol::Frame hello(u"hello"_s);
            hello.set("v"_L1, 1)
                .set("vs"_L1, QCborArray{1})
                .set("ch"_L1, c.challenge)
                .set("time"_L1, QDateTime::currentMSecsSinceEpoch())
                .set("max"_L1, qint64(protocol::MaxClientFrameBytes));
            send(ws, hello);
        }
    }

    void onData(QWebSocket *ws, const QByteArray &data)
    {
        protocol::DecodeResult r = protocol::decode(data, protocol::Direction::ClientToServer);
        if (auto *e = std::get_if<protocol::FrameError>(&r)) {
            clientFrameErrors.append(e->message);
            send(ws, error(e->id, protocol::wireErrorName(e->code), e->message));
            return;
        }
        const protocol::Frame f = std::get<protocol::Frame>(r);
        received.append(f);
        if (intercept && intercept(ws, f))
            return;
        handle(ws, f);
    }

    void handle(QWebSocket *ws, const protocol::Frame &f)
    {
        Connection &c = connections[ws];
        const QString t = f.type;
        if (t == u"enroll_info"_s) {
            const QString user = f.text("user"_L1);
            if (!codes.contains(user + u':' + f.text("code"_L1)))
                return send(ws, error(f.id, u"enroll_failed"_s));
            protocol::Frame ok(u"enroll_info_ok"_s, f.id);
            ok.set("new_user"_L1, !users.contains(user));
            if (users.contains(user) && !users[user].recovery.isEmpty())
                ok.set("recovery"_L1, users[user].recovery);
            return send(ws, ok);
        }
        if (t == u"enroll"_s) {
            const QString user = f.text("user"_L1);
            const QByteArray root = f.bytes("root"_L1);
            if (!codes.contains(user + u':' + f.text("code"_L1)))
                return send(ws, error(f.id, u"enroll_failed"_s));
            if (users.contains(user) && users[user].root != root)
                return send(ws, error(f.id, u"enroll_failed"_s));
            Result<crypto::EcKey> rootKey = crypto::EcKey::fromPublicPoint(root);
            if (!rootKey || !rootKey->verify(protocol::deviceStatement(user, f.bytes("dev"_L1)), f.bytes("dsig"_L1)))
                return send(ws, error(f.id, u"bad_signature"_s));
            codes.remove(user + u':' + f.text("code"_L1));
            User &u = users[user];
            u.root = root;
            if (f.has("recovery"_L1))
                u.recovery = f.bytes("recovery"_L1);
            const quint32 no = u.devices.empty() ? 1 : u.devices.rbegin()->first + 1;
            u.devices[no] = Device{no, f.bytes("dev"_L1), f.bytes("dsig"_L1), {}, {}, {}, nullptr};
            protocol::Frame ok(u"enrolled"_s, f.id);
            ok.set("device"_L1, qint64(no));
            return send(ws, ok);
        }
        if (t == u"login"_s) {
            const QString user = f.text("user"_L1);
            const quint32 no = quint32(f.uint("device"_L1));
            if (!users.contains(user) || !users[user].devices.count(no))
                return send(ws, error(f.id, u"auth_failed"_s));
            Device &dev = users[user].devices[no];
            Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(dev.pub);
            if (!key || !key->verify(protocol::loginStatement(c.challenge, user, no), f.bytes("sig"_L1))) {
                send(ws, error(f.id, u"auth_failed"_s));
                ws->close(QWebSocketProtocol::CloseCodePolicyViolated);
                return;
            }
            c.user = user;
            c.device = no;
            dev.online = ws;
            protocol::Frame welcome(u"welcome"_s, f.id);
            welcome.set("prekeys"_L1, qint64(dev.pool.size()))
                .set("lr"_L1, dev.lastResort.has_value())
                .set("queued"_L1, qint64(dev.queue.size()));
            send(ws, welcome);
            for (const Queued &q : std::as_const(dev.queue))
                send(ws, q.msg);
            return send(ws, protocol::Frame(u"synced"_s));
        }
        if (c.user.isEmpty())
            return send(ws, error(f.id, u"not_authenticated"_s));
        Device &self = users[c.user].devices[c.device];
        if (t == u"prekeys"_s) {
            Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(self.pub);
            const auto check = [&](const QCborMap &m) {
                return key->verify(protocol::prekeyStatement(quint32(m.value(u"kid"_s).toInteger()),
                                                             m.value(u"pub"_s).toByteArray()),
                                   m.value(u"sig"_s).toByteArray());
            };
            for (const QCborValue &v : f.array("keys"_L1)) {
                if (!check(v.toMap()))
                    return send(ws, error(f.id, u"bad_signature"_s));
            }
            if (f.has("lr"_L1) && !check(f.map("lr"_L1)))
                return send(ws, error(f.id, u"bad_signature"_s));
            for (const QCborValue &v : f.array("keys"_L1)) {
                const QCborMap m = v.toMap();
                self.pool.append(Prekey{quint32(m.value(u"kid"_s).toInteger()), m.value(u"pub"_s).toByteArray(),
                                        m.value(u"sig"_s).toByteArray()});
            }
            if (f.has("lr"_L1)) {
                const QCborMap m = f.map("lr"_L1);
                self.lastResort = Prekey{quint32(m.value(u"kid"_s).toInteger()), m.value(u"pub"_s).toByteArray(),
                                         m.value(u"sig"_s).toByteArray()};
            }
            protocol::Frame ok(u"prekeys_ok"_s, f.id);
            ok.set("count"_L1, qint64(self.pool.size()));
            return send(ws, ok);
        }
        if (t == u"devices"_s) {
            QCborArray list, unknown;
            for (const QString &name : f.textList("users"_L1)) {
                if (!users.contains(name)) {
                    unknown.append(name);
                    continue;
                }
                QCborArray devs;
                for (const auto &[no, d] : users[name].devices) {
                    QCborMap m;
                    m.insert(u"device"_s, qint64(no));
                    m.insert(u"pub"_s, d.pub);
                    m.insert(u"sig"_s, d.sig);
                    devs.append(m);
                }
                QCborMap entry;
                entry.insert(u"user"_s, name);
                entry.insert(u"root"_s, users[name].root);
                entry.insert(u"devices"_s, devs);
                list.append(entry);
            }
            protocol::Frame reply(u"device_list"_s, f.id);
            reply.set("users"_L1, list).set("unknown"_L1, unknown);
            return send(ws, reply);
        }
        if (t == u"fetch"_s) {
            const QString name = f.text("user"_L1);
            if (!users.contains(name))
                return send(ws, error(f.id, u"not_found"_s));
            QSet<quint32> only;
            for (const QCborValue &v : f.array("devices"_L1))
                only.insert(quint32(v.toInteger()));
            QCborArray devs;
            for (auto &[no, d] : users[name].devices) {
                if (!only.isEmpty() && !only.contains(no))
                    continue;
                Prekey pk;
                bool lr = false;
                if (!d.pool.isEmpty()) {
                    pk = d.pool.takeFirst();
                } else if (d.lastResort) {
                    pk = *d.lastResort;
                    lr = true;
                } else {
                    continue;
                }
                QCborMap pkm;
                pkm.insert(u"kid"_s, qint64(pk.kid));
                pkm.insert(u"pub"_s, pk.pub);
                pkm.insert(u"sig"_s, pk.sig);
                QCborMap m;
                m.insert(u"device"_s, qint64(no));
                m.insert(u"pub"_s, d.pub);
                m.insert(u"sig"_s, d.sig);
                m.insert(u"pk"_s, pkm);
                m.insert(u"lr"_s, lr);
                devs.append(m);
            }
            protocol::Frame reply(u"bundle"_s, f.id);
            reply.set("user"_L1, name).set("root"_L1, users[name].root).set("devices"_L1, devs);
            return send(ws, reply);
        }
        if (t == u"send"_s)
            return onSend(ws, c, f);
        if (t == u"ack"_s) {
            for (const QCborValue &v : f.array("seqs"_L1)) {
                const quint64 seq = quint64(v.toInteger());
                acked.append(seq);
                self.queue.removeIf([seq](const Queued &q) { return q.seq == seq; });
            }
            return;
        }
        send(ws, error(f.id, u"unknown_type"_s));
    }

    void onSend(QWebSocket *ws, const Connection &c, const protocol::Frame &f)
    {
        // The exact device set: every device of every recipient plus the sender's other devices.
        QSet<QString> expected;
        const QStringList to = f.textList("to"_L1);
        QCborArray unknown;
        for (const QString &u : to) {
            if (!users.contains(u)) {
                unknown.append(u);
                continue;
            }
            for (const auto &[no, d] : users[u].devices)
                expected.insert(u + u'#' + QString::number(no));
        }
        for (const auto &[no, d] : users[c.user].devices)
            expected.insert(c.user + u'#' + QString::number(no));
        expected.remove(c.user + u'#' + QString::number(c.device));
        QSet<QString> given;
        for (const QCborValue &v : f.array("keys"_L1)) {
            const QCborMap m = v.toMap();
            given.insert(m.value(u"user"_s).toString() + u'#' + QString::number(m.value(u"device"_s).toInteger()));
        }
        if (given != expected || !unknown.isEmpty()) {
            const auto toList = [](const QSet<QString> &set) {
                QCborArray list;
                for (const QString &id : set) {
                    QCborMap m;
                    m.insert(u"user"_s, id.section(u'#', 0, 0));
                    m.insert(u"device"_s, id.section(u'#', 1).toLongLong());
                    list.append(m);
                }
                return list;
            };
            protocol::Frame err = error(f.id, u"device_mismatch"_s);
            err.set("missing"_L1, toList(expected - given)).set("stale"_L1, toList(given - expected)).set("unknown"_L1, unknown);
            return send(ws, err);
        }
        // The core the sender signed, from its request and the device this connection logged in as.
        const protocol::SendRequest request = protocol::SendRequest::from(f);
        Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(users[c.user].devices[c.device].pub);
        if (!key->verify(protocol::MessageCore::of(request, c.user, c.device).encode(), request.sig))
            return send(ws, error(f.id, u"bad_signature"_s));
        const QByteArray replayKey = c.user.toUtf8() + '#' + QByteArray::number(c.device) + request.mid;
        if (seen.contains(replayKey))
            return send(ws, error(f.id, u"replay"_s));
        seen.insert(replayKey);
        const quint64 firstSeq = nextSeq;
        for (const QCborValue &v : f.array("keys"_L1)) {
            const QCborMap m = v.toMap();
            protocol::Frame msg(u"msg"_s);
            QCborArray toArray;
            for (const QString &u : to)
                toArray.append(u);
            msg.set("from"_L1, c.user)
                .set("dev"_L1, qint64(c.device))
                .set("mid"_L1, request.mid)
                .set("to"_L1, toArray)
                .set("at"_L1, qint64(request.at))
                .set("pl"_L1, request.pl)
                .set("kc"_L1, request.kc)
                .set("opts"_L1, f.map("opts"_L1))
                .set("sig"_L1, request.sig)
                .set("kid"_L1, m.value(u"kid"_s))
                .set("eph"_L1, m.value(u"eph"_s))
                .set("wk"_L1, m.value(u"wk"_s));
            deliver(m.value(u"user"_s).toString(), quint32(m.value(u"device"_s).toInteger()), msg);
        }
        protocol::Frame ok(u"accepted"_s, f.id);
        ok.set("mid"_L1, request.mid).set("seq"_L1, qint64(firstSeq));
        send(ws, ok);
    }
};

} // namespace

class TestClient : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp;
    int counter = 0;
    crypto::GeneratedCertificate certificate;
    QSslCertificate cert;
    std::unique_ptr<MiniRelay> relay;
    QString fingerprint;

    struct Party {
        std::unique_ptr<Profile> profile;
        std::unique_ptr<Client> client;
    };

    std::unique_ptr<Profile> newProfile(const QByteArray &passphrase = "pass")
    {
        Result<std::unique_ptr<Profile>> p = Profile::create(tmp.filePath(u"p%1"_s.arg(++counter)), passphrase, FastKdf);
        if (!p)
            qFatal("%s", qPrintable(p.error().message));
        ProfileSettings s;
        s.server = QUrl(u"wss://127.0.0.1:%1/"_s.arg(relay->port()));
        s.fingerprint = fingerprint;
        if (!p.value()->setSettings(s))
            qFatal("settings");
        return std::move(p.value());
    }

    // Enrolls a fresh profile as `user` and waits until it is logged in with its prekeys uploaded.
    Party enrolled(const QString &user, const QByteArray &passphrase = "pass")
    {
        Party party;
        party.profile = newProfile(passphrase);
        party.client = std::make_unique<Client>(*party.profile);
        QSignalSpy ready(party.client.get(), &Client::prekeysReady);
        QSignalSpy errors(party.client.get(), &Client::errorOccurred);
        party.client->enroll(user, relay->issueCode(user), u"test"_s, passphrase, FastKdf);
        if (!ready.wait(Timeout) || !errors.isEmpty())
            qFatal("enrollment of %s failed: %s", qPrintable(user),
                   errors.isEmpty() ? "timeout" : qPrintable(errors.first().at(1).toString()));
        return party;
    }

    static bool waitLoggedIn(Client &client)
    {
        QSignalSpy spy(&client, &Client::loggedIn);
        client.connectToServer();
        return spy.wait(Timeout);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp.isValid());
        Result<crypto::GeneratedCertificate> generated = crypto::generateSelfSignedCertificate(
            u"localhost"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, 30);
        QVERIFY(generated);
        certificate = generated.value();
        cert = QSslCertificate(certificate.certificatePem, QSsl::Pem);
        QVERIFY(!cert.isNull());
        fingerprint = QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex());
    }

    void init()
    {
        const QSslKey key(certificate.privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        QVERIFY(!key.isNull());
        relay = std::make_unique<MiniRelay>(cert, key);
        QVERIFY(relay->listen());
    }

    void cleanup()
    {
        QVERIFY2(relay->clientFrameErrors.isEmpty(), qPrintable(relay->clientFrameErrors.join(u"; "_s)));
        relay.reset();
    }

    void enrollNewUser()
    {
        Party alice = enrolled(u"alice"_s);
        const ProfileSettings &s = alice.profile->settings();
        QVERIFY(s.isEnrolled());
        QCOMPARE(s.user, u"alice"_s);
        QCOMPARE(s.device, 1u);
        QCOMPARE(alice.client->state(), Client::State::LoggedIn);
        const MiniRelay::User &u = relay->users[u"alice"_s];
        QCOMPARE(u.root, s.rootPub);
        QVERIFY(!u.recovery.isEmpty());
        QCOMPARE(u.devices.at(1).pool.size(), Client::PrekeyPoolTarget);
        QVERIFY(u.devices.at(1).lastResort);
        // Every uploaded prekey's private half is in the keystore.
        for (const MiniRelay::Prekey &pk : u.devices.at(1).pool)
            QCOMPARE(alice.profile->keys().prekey(pk.kid)->publicPoint(), pk.pub);
        QVERIFY(alice.profile->keys().hasRootKey());
    }

    void secondDeviceThroughRecovery()
    {
        Party first = enrolled(u"alice"_s, "secret");
        // Wrong passphrase: a clear error, and nothing is enrolled.
        {
            std::unique_ptr<Profile> p = newProfile("other");
            Client c(*p);
            QSignalSpy errors(&c, &Client::errorOccurred);
            c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), u"phone"_s, "other", FastKdf);
            QVERIFY(errors.wait(Timeout));
            QCOMPARE(errors.first().at(0).toString(), u"wrong_passphrase"_s);
            QCOMPARE(relay->users[u"alice"_s].devices.size(), std::size_t(1));
        }
        Party second = enrolled(u"alice"_s, "secret");
        QCOMPARE(second.profile->settings().device, 2u);
        QCOMPARE(second.profile->settings().rootPub, first.profile->settings().rootPub);
        QCOMPARE(second.profile->keys().rootKey()->publicPoint(), first.profile->settings().rootPub);
    }

    void wrongCode()
    {
        std::unique_ptr<Profile> p = newProfile();
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        QSignalSpy disconnected(&c, &Client::disconnected);
        c.enroll(u"alice"_s, u"not-a-code"_s, QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"enroll_failed"_s);
        QVERIFY(disconnected.count() == 1 || disconnected.wait(Timeout));
        QVERIFY(!p->settings().isEnrolled());
    }

    void sendAndReceive()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        const QByteArray mid = alice.client->send({u"bob"_s}, u"hello bob"_s);
        QCOMPARE(mid.size(), 16);
        QVERIFY(accepted.wait(Timeout));
        QCOMPARE(accepted.first().at(0).toByteArray(), mid);
        QVERIFY(received.count() == 1 || received.wait(Timeout));
        const IncomingMessage m = received.first().at(0).value<IncomingMessage>();
        QCOMPARE(m.from, u"alice"_s);
        QCOMPARE(m.device, 1u);
        QCOMPARE(m.mid, mid);
        QCOMPARE(m.text, u"hello bob"_s);
        QVERIFY(m.verified);
        QVERIFY(qAbs(m.sentAt.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
        QTRY_VERIFY_WITH_TIMEOUT(relay->acked.contains(m.seq), Timeout);
        QVERIFY(bob.profile->received().contains(u"alice"_s, 1, mid));
        // bob's root key is now pinned in alice's profile, and alice's in bob's.
        QCOMPARE(alice.profile->trust().check(u"bob"_s, bob.profile->settings().rootPub), TrustStore::Match);
        QCOMPARE(bob.profile->trust().check(u"alice"_s, alice.profile->settings().rootPub), TrustStore::Match);
        // The prekey is cached: a second message fetches nothing.
        const int fetches = int(std::count_if(relay->received.cbegin(), relay->received.cend(),
                                              [](const protocol::Frame &f) { return f.type == u"fetch"_s; }));
        alice.client->send({u"bob"_s}, u"again"_s);
        QVERIFY(received.wait(Timeout));
        QCOMPARE(received.last().at(0).value<IncomingMessage>().text, u"again"_s);
        QCOMPARE(int(std::count_if(relay->received.cbegin(), relay->received.cend(),
                                   [](const protocol::Frame &f) { return f.type == u"fetch"_s; })),
                 fetches);
        QCOMPARE(alice.profile->prekeyCache().entry(u"bob"_s, 1)->uses, 2);
    }

    void backlogThenSynced()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        bob.client->disconnectFromServer();
        QTRY_COMPARE_WITH_TIMEOUT(bob.client->state(), Client::State::Disconnected, Timeout);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        for (int i = 0; i < 5; ++i)
            alice.client->send({u"bob"_s}, u"queued %1"_s.arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 5, Timeout);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy synced(bob.client.get(), &Client::synced);
        bob.client->connectToServer();
        QVERIFY(synced.wait(Timeout));
        QCOMPARE(received.count(), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(received.at(i).at(0).value<IncomingMessage>().text, u"queued %1"_s.arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(relay->users[u"bob"_s].devices[1].queue.size(), 0, Timeout);
    }

    void syncCopyToOwnDevices()
    {
        Party alice1 = enrolled(u"alice"_s);
        Party alice2 = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QSignalSpy copy(alice2.client.get(), &Client::messageReceived);
        QSignalSpy accepted(alice1.client.get(), &Client::accepted);
        alice1.client->send({u"bob"_s}, u"for bob, copied to me"_s);
        QVERIFY(accepted.wait(Timeout));
        QVERIFY(copy.count() == 1 || copy.wait(Timeout));
        const IncomingMessage m = copy.first().at(0).value<IncomingMessage>();
        QCOMPARE(m.from, u"alice"_s);
        QCOMPARE(m.to, QStringList{u"bob"_s});
        QVERIFY(m.verified);
    }

    void deviceMismatchIsRetried()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob1 = enrolled(u"bob"_s);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        alice.client->send({u"bob"_s}, u"one"_s);   // caches bob's device list in the session
        QVERIFY(accepted.wait(Timeout));
        Party bob2 = enrolled(u"bob"_s);               // the list is stale now
        QSignalSpy received2(bob2.client.get(), &Client::messageReceived);
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        const QByteArray mid = alice.client->send({u"bob"_s}, u"two"_s);
        QVERIFY(accepted.wait(Timeout));
        QCOMPARE(accepted.last().at(0).toByteArray(), mid);
        QVERIFY(failed.isEmpty());
        QVERIFY(received2.count() == 1 || received2.wait(Timeout));
        QCOMPARE(received2.first().at(0).value<IncomingMessage>().text, u"two"_s);
    }

    void deviceMismatchGivesUp()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        int mismatches = 0;
        relay->intercept = [&](QWebSocket *ws, const protocol::Frame &f) {
            if (f.type != u"send"_s)
                return false;
            ++mismatches;
            protocol::Frame err = MiniRelay::error(f.id, u"device_mismatch"_s);
            QCborMap missing;
            missing.insert(u"user"_s, u"bob"_s);
            missing.insert(u"device"_s, 9);
            err.set("missing"_L1, QCborArray{missing}).set("stale"_L1, QCborArray()).set("unknown"_L1, QCborArray());
            relay->send(ws, err);
            return true;
        };
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        const QByteArray mid = alice.client->send({u"bob"_s}, u"never"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(0).toByteArray(), mid);
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::DeviceMismatch);
        QCOMPARE(mismatches, 1 + Client::MaxMismatchRetries);
    }

    void rateLimitedIsRetried()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        int refusals = 0;
        relay->intercept = [&](QWebSocket *ws, const protocol::Frame &f) {
            if (f.type != u"send"_s || refusals >= 2)
                return false;
            ++refusals;
            protocol::Frame err = MiniRelay::error(f.id, u"rate_limited"_s);
            err.set("retry"_L1, 50);
            relay->send(ws, err);
            return true;
        };
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        alice.client->send({u"bob"_s}, u"patience"_s);
        QVERIFY(accepted.wait(Timeout));
        QCOMPARE(refusals, 2);
        QVERIFY(received.count() == 1 || received.wait(Timeout));
        QCOMPARE(received.count(), 1);
    }

    void unknownRecipient()
    {
        Party alice = enrolled(u"alice"_s);
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        alice.client->send({u"nobody"_s}, u"hello?"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::UnknownUser);
    }

    void sendErrorNames_data()
    {
        QTest::addColumn<SendError>("error");
        QTest::addColumn<QString>("name");
        QTest::newRow("wire, first") << SendError::BadFrame << u"bad_frame"_s;
        QTest::newRow("wire") << SendError::DeviceMismatch << u"device_mismatch"_s;
        QTest::newRow("wire, last") << SendError::Internal << u"internal"_s;
        QTest::newRow("client, first") << SendError::Disconnected << u"disconnected"_s;
        QTest::newRow("client") << SendError::UnknownUser << u"unknown_user"_s;
        QTest::newRow("client, last") << SendError::Protocol << u"protocol"_s;
    }

    void sendErrorNames()
    {
        QFETCH(SendError, error);
        QFETCH(QString, name);
        QCOMPARE(sendErrorName(error), name);
        if (const std::optional<protocol::WireError> wire = protocol::wireErrorFromName(name))
            QCOMPARE(sendErrorFromWire(*wire), error);
    }

    // The outcome of a send arrives at the callback given with it, typed.
    void sendResultGoesToItsCallback()
    {
        Party alice = enrolled(u"alice"_s);
        std::optional<SendResult> result;
        int calls = 0;
        const QByteArray mid = alice.client->send({u"nobody"_s}, u"hello?"_s, this, [&](const SendResult &r) {
            result = r;
            ++calls;
        });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), Timeout);
        const auto *failure = std::get_if<SendFailure>(&*result);
        QVERIFY(failure);
        QCOMPARE(failure->error, SendError::UnknownUser);
        QCOMPARE(failure->mid, mid);
        QVERIFY(failure->message.contains(u"nobody"_s));
        QTest::qWait(50);
        QCOMPARE(calls, 1);
    }

    // Sends in flight at the same time each hear of their own outcome, whatever the order they end in.
    void concurrentSendsGetTheirOwnOutcome()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QHash<QByteArray, QList<SendResult>> results;   // by the mid each call returned
        const auto collect = [&results](QByteArray *mid) {
            return [&results, mid](const SendResult &r) { results[*mid].append(r); };
        };
        QByteArray first, second, third;
        first = alice.client->send({u"bob"_s}, u"one"_s, this, collect(&first));
        second = alice.client->send({u"nobody"_s}, u"two"_s, this, collect(&second));
        protocol::MessageOptions burn;
        burn.burn = true;
        third = alice.client->send({u"bob"_s}, u"three"_s, burn, this, collect(&third));
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 3, Timeout);
        for (const QByteArray &mid : {first, second, third})
            QCOMPARE(results.value(mid).size(), 1);
        const auto *one = std::get_if<SendAccepted>(&results[first].first());
        const auto *two = std::get_if<SendFailure>(&results[second].first());
        const auto *three = std::get_if<SendAccepted>(&results[third].first());
        QVERIFY(one && two && three);
        QCOMPARE(one->mid, first);
        QCOMPARE(two->mid, second);
        QCOMPARE(two->error, SendError::UnknownUser);
        QCOMPARE(three->mid, third);
        QVERIFY(one->seq != three->seq);
    }

    // A prebuilt envelope's outcome goes to its callback too: sent twice, the second is a replay.
    void envelopeResultGoesToItsCallback()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        std::optional<Result<QList<RecipientDevice>>> resolved;
        alice.client->resolveRecipients({u"bob"_s}, this, [&](Result<QList<RecipientDevice>> r) { resolved = r; });
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), Timeout);
        QVERIFY(*resolved);
        Result<Envelope> env = Envelope::build(alice.client->identity().value(), {u"bob"_s}, resolved->value(),
                                               u"twice"_s, quint64(alice.client->serverTimeMs()));
        QVERIFY(env);
        QList<SendResult> results;
        alice.client->sendEnvelope(env.value(), this, [&](const SendResult &r) { results.append(r); });
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, Timeout);
        alice.client->sendEnvelope(env.value(), this, [&](const SendResult &r) { results.append(r); });
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, Timeout);
        QVERIFY(std::holds_alternative<SendAccepted>(results.at(0)));
        const auto *failure = std::get_if<SendFailure>(&results.at(1));
        QVERIFY(failure);
        QCOMPARE(failure->error, SendError::Replay);
        QCOMPARE(failure->mid, env->mid);
    }

    // A callback whose context is gone is not called; the signals still report the outcome.
    void sendCallbackNeedsItsContext()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        bool called = false;
        auto context = std::make_unique<QObject>();
        const QByteArray mid = alice.client->send({u"bob"_s}, u"for nobody's ears"_s, context.get(),
                                                  [&called](const SendResult &) { called = true; });
        context.reset();
        QVERIFY(accepted.wait(Timeout));
        QCOMPARE(accepted.first().at(0).toByteArray(), mid);
        QTest::qWait(50);
        QVERIFY(!called);
    }

    void changedRootKeyIsReported()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        alice.client->send({u"bob"_s}, u"pins bob"_s);
        QVERIFY(accepted.wait(Timeout));
        // A new session sees another root key for bob (a server swapping keys).
        alice.client->disconnectFromServer();
        QTRY_COMPARE_WITH_TIMEOUT(alice.client->state(), Client::State::Disconnected, Timeout);
        const crypto::EcKey fakeRoot = crypto::EcKey::generate().value();
        MiniRelay::User &u = relay->users[u"bob"_s];
        u.root = fakeRoot.publicPoint();
        for (auto &[no, d] : u.devices)
            d.sig = fakeRoot.sign(protocol::deviceStatement(u"bob"_s, d.pub)).value();
        QVERIFY(waitLoggedIn(*alice.client));
        QSignalSpy changed(alice.client.get(), &Client::identityChanged);
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        alice.client->send({u"bob"_s}, u"to whom?"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::IdentityChanged);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toString(), u"bob"_s);
        QCOMPARE(alice.profile->trust().check(u"bob"_s, bob.profile->settings().rootPub), TrustStore::Match);
    }

    void tamperedMessageFailsVerification()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        relay->intercept = [&](QWebSocket *, const protocol::Frame &f) {
            if (f.type == u"send"_s) {
                // The relay flips a payload bit on its way to bob.
                protocol::Frame copy = f;
                QByteArray pl = copy.bytes("pl"_L1);
                pl[20] = char(pl[20] ^ 1);
                copy.set("pl"_L1, pl);
                relay->intercept = nullptr;
                QMetaObject::invokeMethod(relay.get(), [this, copy] {
                    // Re-enter through the normal path with the tampered frame, skipping the signature check by
                    // delivering directly.
                    const QCborMap entry = copy.array("keys"_L1).first().toMap();
                    protocol::Frame msg(u"msg"_s);
                    msg.set("from"_L1, u"alice"_s).set("dev"_L1, 1).set("mid"_L1, copy.bytes("mid"_L1))
                        .set("to"_L1, copy.array("to"_L1)).set("at"_L1, qint64(copy.uint("at"_L1)))
                        .set("pl"_L1, copy.bytes("pl"_L1)).set("kc"_L1, copy.bytes("kc"_L1))
                        .set("opts"_L1, copy.map("opts"_L1)).set("sig"_L1, copy.bytes("sig"_L1))
                        .set("kid"_L1, entry.value(u"kid"_s)).set("eph"_L1, entry.value(u"eph"_s))
                        .set("wk"_L1, entry.value(u"wk"_s));
                    relay->deliver(u"bob"_s, 1, msg);
                }, Qt::QueuedConnection);
                return true;
            }
            return false;
        };
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        alice.client->send({u"bob"_s}, u"tampered"_s);
        QVERIFY(failures.wait(Timeout));
        QCOMPARE(failures.first().at(0).toString(), u"alice"_s);
        QCOMPARE(failures.first().at(1).toUInt(), 1u);
        QVERIFY(failures.first().at(2).toString().startsWith(u"bad_signature"_s));
        QVERIFY(received.isEmpty());
        // Acked all the same, so it does not come back forever.
        QTRY_COMPARE_WITH_TIMEOUT(relay->users[u"bob"_s].devices[1].queue.size(), 0, Timeout);
    }

    void redeliveryIsShownOnce()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        alice.client->send({u"bob"_s}, u"once"_s);
        QVERIFY(accepted.wait(Timeout));
        QVERIFY(received.count() == 1 || received.wait(Timeout));
        // The relay delivers the same message again under a new seq (an ack that got lost).
        QTRY_VERIFY_WITH_TIMEOUT(!relay->acked.isEmpty(), Timeout);
        // Rebuild the msg frame from the last send.
        protocol::Frame send;
        for (const protocol::Frame &f : std::as_const(relay->received)) {
            if (f.type == u"send"_s)
                send = f;
        }
        const QCborMap entry = send.array("keys"_L1).first().toMap();
        protocol::Frame msg(u"msg"_s);
        msg.set("from"_L1, u"alice"_s).set("dev"_L1, 1).set("mid"_L1, send.bytes("mid"_L1))
            .set("to"_L1, send.array("to"_L1)).set("at"_L1, qint64(send.uint("at"_L1)))
            .set("pl"_L1, send.bytes("pl"_L1)).set("kc"_L1, send.bytes("kc"_L1)).set("opts"_L1, send.map("opts"_L1))
            .set("sig"_L1, send.bytes("sig"_L1)).set("kid"_L1, entry.value(u"kid"_s))
            .set("eph"_L1, entry.value(u"eph"_s)).set("wk"_L1, entry.value(u"wk"_s));
        const qsizetype ackedBefore = relay->acked.size();
        relay->deliver(u"bob"_s, 1, msg);
        QTRY_COMPARE_WITH_TIMEOUT(relay->acked.size(), ackedBefore + 1, Timeout);
        QCOMPARE(received.count(), 1);
        // Also across runs: a new client on the same profile still knows it.
        bob.client.reset();
        Client again2(*bob.profile);
        QSignalSpy received2(&again2, &Client::messageReceived);
        QSignalSpy synced(&again2, &Client::synced);
        relay->deliver(u"bob"_s, 1, msg);
        again2.connectToServer();
        QVERIFY(synced.wait(Timeout));
        QCOMPARE(received2.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(relay->users[u"bob"_s].devices[1].queue.size(), 0, Timeout);
    }

    void replayedFrameIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        QList<RecipientDevice> devices;
        bool resolved = false;
        alice.client->resolveRecipients({u"bob"_s}, this, [&](Result<QList<RecipientDevice>> r) {
            QVERIFY(r);
            devices = r.value();
            resolved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(resolved, Timeout);
        QCOMPARE(devices.size(), 1);
        // Built ahead of sending, then sent twice: the second one is a replay.
        Result<Envelope> env = Envelope::build(alice.client->identity().value(), {u"bob"_s}, devices, u"replay me"_s,
                                               quint64(alice.client->serverTimeMs()));
        QVERIFY(env);
        QSignalSpy accepted(alice.client.get(), &Client::accepted);
        alice.client->sendEnvelope(env.value());
        QVERIFY(accepted.wait(Timeout));
        QSignalSpy frames(alice.client.get(), &Client::frameReceived);
        QSignalSpy errors(alice.client.get(), &Client::errorOccurred);
        const quint64 id = alice.client->sendFrame(env->toFrame());
        QVERIFY(id != 0);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(frames.cbegin(), frames.cend(), [id](const QList<QVariant> &args) {
                                     const auto f = args.at(0).value<protocol::Frame>();
                                     return f.id == id && f.type == u"error"_s && f.text("code"_L1) == u"replay"_s;
                                 }),
                                 Timeout);
        QVERIFY(errors.isEmpty());   // a raw request's answer goes to frameReceived only
    }

    void pinnedFingerprintMismatch()
    {
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint = QString(64, u'0');
        QVERIFY(p->setSettings(s));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"certificate_mismatch"_s);
        QVERIFY(relay->received.isEmpty());
    }

    void caTrust_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("ok");
        QTest::newRow("name in the certificate") << u"localhost"_s << true;
        QTest::newRow("address in the certificate") << u"127.0.0.1"_s << true;
    }

    void caTrust()
    {
        QFETCH(QString, host);
        QFETCH(bool, ok);
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint.clear();
        s.caTrust = true;
        s.server = QUrl(u"wss://%1:%2/"_s.arg(host).arg(relay->port()));
        QVERIFY(p->setSettings(s));
        QVERIFY(p->setCaCertificates(certificate.certificatePem));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        QSignalSpy ready(&c, &Client::prekeysReady);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QCOMPARE(ready.wait(Timeout), ok);
        QCOMPARE(errors.isEmpty(), ok);
    }

    void caTrustChecksTheHostName()
    {
        // A certificate the CA file vouches for, but for another name.
        Result<crypto::GeneratedCertificate> other = crypto::generateSelfSignedCertificate(
            u"elsewhere"_s, {u"elsewhere.example"_s}, {}, 30);
        QVERIFY(other);
        const QSslCertificate otherCert(other->certificatePem, QSsl::Pem);
        const QSslKey otherKey(other->privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        relay = std::make_unique<MiniRelay>(otherCert, otherKey);
        QVERIFY(relay->listen());
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint.clear();
        s.caTrust = true;
        QVERIFY(p->setSettings(s));
        QVERIFY(p->setCaCertificates(other->certificatePem));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"tls"_s);
        QVERIFY(relay->received.isEmpty());
    }

    void refillUploadsMore()
    {
        Party alice = enrolled(u"alice"_s);
        MiniRelay::Device &dev = relay->users[u"alice"_s].devices[1];
        const int before = alice.profile->keys().oneTimeCount();
        dev.pool.erase(dev.pool.begin(), dev.pool.begin() + 90);
        QSignalSpy ready(alice.client.get(), &Client::prekeysReady);
        protocol::Frame refill(u"refill"_s);
        refill.set("remaining"_L1, qint64(dev.pool.size()));
        relay->send(dev.online, refill);
        QVERIFY(ready.wait(Timeout));
        QCOMPARE(dev.pool.size(), Client::PrekeyPoolTarget);
        QCOMPARE(alice.profile->keys().oneTimeCount(), before + 90);
        // The 90 handed out are marked, so that they are deleted 30 days on.
        int marked = 0;
        for (quint32 kid : alice.profile->keys().oneTimeKids())
            marked += alice.profile->keys().oneTimePrekey(kid)->handedOutAt != 0 ? 1 : 0;
        QCOMPARE(marked, 90);
    }

    void prekeyKidConflictIsResolved()
    {
        // The server already holds kids this profile hands out (a profile restored from an older copy).
        int refused = 0;
        relay->intercept = [&](QWebSocket *ws, const protocol::Frame &f) {
            if (f.type != u"prekeys"_s || refused > 0)
                return false;
            ++refused;
            relay->send(ws, MiniRelay::error(f.id, u"bad_field"_s, u"kid already stored"_s));
            return true;
        };
        Party alice = enrolled(u"alice"_s);
        QCOMPARE(refused, 1);
        const MiniRelay::Device &dev = relay->users[u"alice"_s].devices.at(1);
        QCOMPARE(dev.pool.size(), Client::PrekeyPoolTarget);
        QVERIFY(dev.pool.first().kid > (1u << 20));
        QVERIFY(dev.lastResort);
        QVERIFY(alice.profile->keys().prekey(dev.lastResort->kid));
    }

    void notConnected()
    {
        std::unique_ptr<Profile> p = newProfile();
        Client c(*p);
        QSignalSpy failed(&c, &Client::sendFailed);
        const QByteArray mid = c.send({u"bob"_s}, u"x"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(0).toByteArray(), mid);
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::Disconnected);
        std::optional<SendResult> result;
        const QByteArray mid2 = c.send({u"bob"_s}, u"y"_s, this, [&result](const SendResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), Timeout);
        QVERIFY(std::holds_alternative<SendFailure>(*result));
        QCOMPARE(std::get<SendFailure>(*result).error, SendError::Disconnected);
        QCOMPARE(std::get<SendFailure>(*result).mid, mid2);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.connectToServer();   // not enrolled: a clear error, no hang
        QVERIFY(errors.count() > 0 || errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"not_enrolled"_s);
    }
};

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
