// Tests of the daemon against a real parleyd-core instance in this process: real TLS on 127.0.0.1 port 0, raw
// protocol frames from QWebSocket clients.

#include "daemon/config.h"
#include "daemon/server.h"
#include "relay/session.h"
#include "store/store.h"
#include "testclient.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

namespace {

constexpr int WaitMs = 20000;

QByteArray cbor(const QCborValue &v)
{
    return v.toCbor();
}

QString errorCode(const std::optional<Frame> &f)
{
    if (!f)
        return u"<nothing>"_s;
    if (f->type != u"error"_s)
        return f->type;
    return f->text("code"_L1);
}

} // namespace

class tst_Server : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QByteArray m_dummyPoint;

    Config baseConfig(const QString &name) const
    {
        Config c = Config::defaults();
        c.listenAddress = QHostAddress(QHostAddress::LocalHost);
        c.listenPort = 0;
        c.workers = 2;
        c.dataDir = m_dir.filePath(name);
        return c;
    }

    std::unique_ptr<Server> startServer(const Config &config)
    {
        auto server = std::make_unique<Server>(config);
        const Status s = server->start();
        if (!s)
            qWarning() << s.error().message;
        return s ? std::move(server) : nullptr;
    }

    std::unique_ptr<TestClient> connectTo(Server &server)
    {
        auto client = std::make_unique<TestClient>(server.config().certificateFile());
        if (!client->open(server.url()))
            return nullptr;
        return client;
    }

    QString enrollCode(Server &server, const QString &user)
    {
        auto code = server.store()->writeSync<QString>([&user](Db &db) { return db.createEnrollCode(user, 3600 * 1000); });
        return code ? *code : QString();
    }

    // Enrolls `device` (fills its number) and logs it in on a fresh connection; waits for `synced`.
    std::unique_ptr<TestClient> enrollAndLogin(Server &server, TestDevice &device)
    {
        auto client = connectTo(server);
        if (!client)
            return nullptr;
        client->send(device.enrollFrame(1, enrollCode(server, device.user)));
        const auto enrolled = client->reply(1, WaitMs);
        if (!enrolled || enrolled->type != u"enrolled"_s) {
            qWarning() << "enroll:" << errorCode(enrolled) << (enrolled ? enrolled->text("msg"_L1) : QString());
            return nullptr;
        }
        device.number = quint32(enrolled->uint("device"_L1));
        return login(server, device);
    }

    std::unique_ptr<TestClient> login(Server &server, const TestDevice &device)
    {
        auto client = connectTo(server);
        if (!client)
            return nullptr;
        client->send(device.loginFrame(2, client->hello().bytes("ch"_L1)));
        const auto welcome = client->reply(2, WaitMs);
        if (!welcome || welcome->type != u"welcome"_s) {
            qWarning() << "login:" << errorCode(welcome);
            return nullptr;
        }
        if (!client->next(u"synced"_s, WaitMs))
            return nullptr;
        return client;
    }

    bool uploadPrekeys(TestClient &client, const TestDevice &device, quint32 firstKid, int count, bool lastResort)
    {
        Frame f(u"prekeys"_s, 3);
        QCborArray keys;
        for (int i = 0; i < count; ++i)
            keys.append(device.prekey(firstKid + quint32(i)));
        f.set("keys"_L1, keys);
        if (lastResort)
            f.set("lr"_L1, device.prekey(999999));
        client.send(f);
        const auto ok = client.reply(3, WaitMs);
        return ok && ok->type == u"prekeys_ok"_s;
    }

    struct Recipient {
        QString user;
        quint32 device;
    };

    Frame sendFrame(const TestDevice &from, quint64 id, const QStringList &to, const QList<Recipient> &recipients,
                    const QByteArray &mid, qint64 at = 0, bool goodSignature = true) const
    {
        const QByteArray payload = crypto::randomBytes(100);
        const QByteArray kc = crypto::randomBytes(32);
        const quint64 sentAt = quint64(at ? at : QDateTime::currentMSecsSinceEpoch());
        protocol::MessageCoreInput core;
        core.from = from.user;
        core.device = from.number;
        core.mid = mid;
        core.to = to;
        core.sentAt = sentAt;
        core.payload = payload;
        core.keyCommitment = kc;
        QByteArray signed_ = protocol::messageCore(core);
        if (!goodSignature)
            signed_.append('x');
        QCborArray keys;
        for (const Recipient &r : recipients) {
            QCborMap k;
            k.insert("user"_L1, r.user);
            k.insert("device"_L1, qint64(r.device));
            k.insert("kid"_L1, 7);
            k.insert("eph"_L1, m_dummyPoint);
            k.insert("wk"_L1, crypto::randomBytes(48));
            keys.append(k);
        }
        Frame f(u"send"_s, id);
        f.set("mid"_L1, mid);
        f.set("to"_L1, QCborArray::fromStringList(to));
        f.set("at"_L1, qint64(sentAt));
        f.set("pl"_L1, payload);
        f.set("kc"_L1, kc);
        f.set("opts"_L1, QCborMap());
        f.set("sig"_L1, from.key.sign(signed_).value());
        f.set("keys"_L1, keys);
        return f;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dummyPoint = crypto::EcKey::generate().value().publicPoint();
        m_server = startServer(baseConfig(u"main"_s));
        QVERIFY(m_server);
        QVERIFY(m_server->port() != 0);
        QCOMPARE(m_server->workerCount(), 2);
        QVERIFY(m_server->url().startsWith(u"wss://127.0.0.1:"_s));
        QCOMPARE(m_server->fingerprint().size(), 64);
    }

    void cleanupTestCase()
    {
        if (m_server) {
            QSignalSpy stopped(m_server.get(), &Server::stopped);
            m_server->shutdown();
            QVERIFY(stopped.wait(WaitMs));
        }
    }

    void dispatchTableCoversEveryClientFrame()
    {
        QStringList expected = protocol::frameTypes(protocol::Direction::ClientToServer);
        expected.sort();
        QCOMPARE(Session::handledTypes(), expected);
    }

    void helloOnConnect()
    {
        auto a = connectTo(*m_server);
        QVERIFY(a);
        auto b = connectTo(*m_server);
        QVERIFY(b);
        const Frame &hello = a->hello();
        QCOMPARE(hello.uint("v"_L1), quint64(protocol::Version));
        QCOMPARE(hello.array("vs"_L1), QCborArray{qint64(1)});
        QCOMPARE(hello.bytes("ch"_L1).size(), 32);
        QCOMPARE(hello.uint("max"_L1), quint64(protocol::MaxClientFrameBytes));
        QVERIFY(qAbs(qint64(hello.uint("time"_L1)) - QDateTime::currentMSecsSinceEpoch()) < 60000);
        QVERIFY(a->hello().bytes("ch"_L1) != b->hello().bytes("ch"_L1));
        QVERIFY(a->invalidFrames().isEmpty());
    }

    void refusedFrame_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        QTest::addColumn<quint64>("id");

        QCborMap unknownType{{u"t"_s, u"teleport"_s}, {u"id"_s, 5}};
        QCborMap missingField{{u"t"_s, u"login"_s}, {u"id"_s, 6}, {u"user"_s, u"alice"_s}, {u"device"_s, 1}};
        QCborMap wrongType{{u"t"_s, u"devices"_s}, {u"id"_s, 7}, {u"users"_s, 5}};
        QCborMap extraKey{{u"t"_s, u"recovery_get"_s}, {u"id"_s, 8}, {u"colour"_s, u"red"_s}};
        QCborMap beforeLogin{{u"t"_s, u"devices"_s}, {u"id"_s, 9}, {u"users"_s, QCborArray{u"bob"_s}}};
        QCborMap ackBeforeLogin{{u"t"_s, u"ack"_s}, {u"seqs"_s, QCborArray{1}}};

        QTest::newRow("not cbor") << QByteArray("\xff\xfe\xfd", 3) << u"bad_frame"_s << quint64(0);
        QTest::newRow("trailing bytes") << cbor(QCborMap{{u"t"_s, u"ack"_s}}) + QByteArray(1, '\0') << u"bad_frame"_s << quint64(0);
        QTest::newRow("not a map") << cbor(QCborArray{1, 2}) << u"bad_frame"_s << quint64(0);
        QTest::newRow("empty") << QByteArray() << u"bad_frame"_s << quint64(0);
        QTest::newRow("unknown type") << cbor(unknownType) << u"unknown_type"_s << quint64(5);
        QTest::newRow("missing field") << cbor(missingField) << u"bad_field"_s << quint64(6);
        QTest::newRow("wrong type") << cbor(wrongType) << u"bad_field"_s << quint64(7);
        QTest::newRow("undefined key") << cbor(extraKey) << u"bad_field"_s << quint64(8);
        QTest::newRow("request before login") << cbor(beforeLogin) << u"not_authenticated"_s << quint64(9);
        QTest::newRow("ack before login") << cbor(ackBeforeLogin) << u"not_authenticated"_s << quint64(0);
    }

    void refusedFrame()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(quint64, id);
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->sendRaw(bytes);
        const auto error = client->next(u"error"_s, WaitMs);
        QVERIFY(error);
        QCOMPARE(error->text("code"_L1), code);
        QCOMPARE(error->id, id);
        QVERIFY(!error->text("msg"_L1).isEmpty());
        // One refusal does not close the connection: a later valid request is served.
        client->send(Frame(u"enroll_info"_s, 77).set("user"_L1, u"nobody"_s).set("code"_L1, u"AAAAA-AAAAA"_s));
        const auto reply = client->reply(77, WaitMs);
        QCOMPARE(errorCode(reply), u"enroll_failed"_s);
        QVERIFY(!client->isClosed());
    }

    void fifthRefusalClosesOthersUnaffected()
    {
        auto bad = connectTo(*m_server);
        QVERIFY(bad);
        auto good = connectTo(*m_server);
        QVERIFY(good);
        for (int i = 0; i < 5; ++i)
            bad->sendRaw(QByteArray("\x80garbage", 8));
        for (int i = 0; i < 5; ++i) {
            const auto error = bad->next(u"error"_s, WaitMs);
            QVERIFY2(error, qPrintable(u"error %1 missing"_s.arg(i)));
            QCOMPARE(error->text("code"_L1), u"bad_frame"_s);
        }
        QVERIFY(bad->waitClosed(WaitMs));
        QCOMPARE(bad->closeCode(), 1008);

        good->send(Frame(u"enroll_info"_s, 3).set("user"_L1, u"nobody"_s).set("code"_L1, u"BBBBB"_s));
        QCOMPARE(errorCode(good->reply(3, WaitMs)), u"enroll_failed"_s);
        QVERIFY(!good->isClosed());
    }

    void textFrameCloses()
    {
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->socket().sendTextMessage(u"{\"t\":\"login\"}"_s);
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1008);
    }

    void oversizeFrameCloses()
    {
        auto client = connectTo(*m_server);
        QVERIFY(client);
        client->sendRaw(QByteArray(protocol::MaxClientFrameBytes + 16, 'x'));
        const auto error = client->next(u"error"_s, WaitMs);
        QVERIFY(error);
        QCOMPARE(error->text("code"_L1), u"too_large"_s);
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1009);
    }

    void enrollmentChecks()
    {
        auto client = connectTo(*m_server);
        QVERIFY(client);
        TestDevice dev = TestDevice::create(u"carol"_s);
        const QString code = enrollCode(*m_server, dev.user);
        QVERIFY(!code.isEmpty());

        client->send(Frame(u"enroll_info"_s, 1).set("user"_L1, dev.user).set("code"_L1, code));
        auto info = client->reply(1, WaitMs);
        QVERIFY(info);
        QCOMPARE(info->type, u"enroll_info_ok"_s);
        QCOMPARE(info->boolean("new_user"_L1), true);

        // A device certificate signed by another key.
        Frame forged = dev.enrollFrame(2, code);
        forged.set("dsig"_L1, dev.key.sign(protocol::deviceStatement(dev.user, dev.key.publicPoint())).value());
        client->send(forged);
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"bad_signature"_s);

        // A root "key" that is not a curve point.
        Frame notAPoint = dev.enrollFrame(3, code);
        notAPoint.set("root"_L1, QByteArray(133, '\x04'));
        client->send(notAPoint);
        QCOMPARE(errorCode(client->reply(3, WaitMs)), u"bad_field"_s);

        client->send(dev.enrollFrame(4, u"WRONG-CODE1"_s));
        QCOMPARE(errorCode(client->reply(4, WaitMs)), u"enroll_failed"_s);

        // The code survived the failures; it works once.
        client->send(dev.enrollFrame(5, code));
        auto enrolled = client->reply(5, WaitMs);
        QCOMPARE(errorCode(enrolled), u"enrolled"_s);
        QCOMPARE(enrolled->uint("device"_L1), quint64(1));
        client->send(TestDevice::create(dev.user, dev.root).enrollFrame(6, code));
        QCOMPARE(errorCode(client->reply(6, WaitMs)), u"enroll_failed"_s);
    }

    void wrongEnrollCodesClose()
    {
        auto client = connectTo(*m_server);
        QVERIFY(client);
        for (int i = 1; i <= 10; ++i)
            client->send(Frame(u"enroll_info"_s, quint64(i)).set("user"_L1, u"dave"_s).set("code"_L1, u"NOPE%1"_s.arg(i)));
        for (int i = 1; i <= 10; ++i)
            QCOMPARE(errorCode(client->reply(quint64(i), WaitMs)), u"enroll_failed"_s);
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1008);
    }

    void failedLoginCloses()
    {
        TestDevice eve = TestDevice::create(u"eve"_s);
        auto first = enrollAndLogin(*m_server, eve);
        QVERIFY(first);

        auto client = connectTo(*m_server);
        QVERIFY(client);
        // Signed over another challenge.
        client->send(eve.loginFrame(1, crypto::randomBytes(32)));
        QCOMPARE(errorCode(client->reply(1, WaitMs)), u"auth_failed"_s);
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1008);

        auto unknown = connectTo(*m_server);
        QVERIFY(unknown);
        TestDevice ghost = TestDevice::create(u"ghost"_s);
        ghost.number = 1;
        unknown->send(ghost.loginFrame(1, unknown->hello().bytes("ch"_L1)));
        QCOMPARE(errorCode(unknown->reply(1, WaitMs)), u"auth_failed"_s);
        QVERIFY(unknown->waitClosed(WaitMs));
        QCOMPARE(unknown->closeCode(), 1008);
    }

    void secondLoginReplacesSession()
    {
        TestDevice frank = TestDevice::create(u"frank"_s);
        auto first = enrollAndLogin(*m_server, frank);
        QVERIFY(first);
        first->send(Frame(u"login"_s, 9).set("user"_L1, frank.user).set("device"_L1, 1).set("sig"_L1, QByteArray(70, 'x')));
        QCOMPARE(errorCode(first->reply(9, WaitMs)), u"already_authenticated"_s);

        auto second = login(*m_server, frank);
        QVERIFY(second);
        QVERIFY(first->waitClosed(WaitMs));
        QCOMPARE(first->closeCode(), 1000);
        QCOMPARE(first->closeReason(), u"replaced"_s);
        QVERIFY(!second->isClosed());
    }

    void messaging()
    {
        TestDevice alice = TestDevice::create(u"alice"_s);
        TestDevice bob = TestDevice::create(u"bob"_s);
        auto a = enrollAndLogin(*m_server, alice);
        QVERIFY(a);
        auto b = enrollAndLogin(*m_server, bob);
        QVERIFY(b);
        QVERIFY(uploadPrekeys(*a, alice, 1, 30, true));
        QVERIFY(uploadPrekeys(*b, bob, 1, 21, true));

        // A kid already stored is refused.
        Frame again(u"prekeys"_s, 4);
        again.set("keys"_L1, QCborArray{bob.prekey(1)});
        b->send(again);
        QCOMPARE(errorCode(b->reply(4, WaitMs)), u"bad_field"_s);
        // A prekey signed by another key is refused.
        Frame forged(u"prekeys"_s, 5);
        forged.set("keys"_L1, QCborArray{alice.prekey(500)});
        b->send(forged);
        QCOMPARE(errorCode(b->reply(5, WaitMs)), u"bad_signature"_s);

        // Directory.
        a->send(Frame(u"devices"_s, 10).set("users"_L1, QCborArray{u"bob"_s, u"nobody"_s}));
        auto list = a->reply(10, WaitMs);
        QCOMPARE(errorCode(list), u"device_list"_s);
        QCOMPARE(list->array("users"_L1).size(), 1);
        const QCborMap bobEntry = list->array("users"_L1).at(0).toMap();
        QCOMPARE(bobEntry.value("user"_L1).toString(), u"bob"_s);
        QCOMPARE(bobEntry.value("root"_L1).toByteArray(), bob.root.publicPoint());
        QCOMPARE(bobEntry.value("devices"_L1).toArray().at(0).toMap().value("pub"_L1).toByteArray(), bob.key.publicPoint());
        QCOMPARE(list->array("unknown"_L1), QCborArray{u"nobody"_s});

        // Fetching consumes one prekey per fetch; below 20 the owner is told to refill; the 6th fetch is limited.
        QSet<qint64> kids;
        for (int i = 0; i < 5; ++i) {
            a->send(Frame(u"fetch"_s, quint64(20 + i)).set("user"_L1, u"bob"_s));
            auto bundle = a->reply(quint64(20 + i), WaitMs);
            QCOMPARE(errorCode(bundle), u"bundle"_s);
            const QCborMap dev = bundle->array("devices"_L1).at(0).toMap();
            QCOMPARE(dev.value("lr"_L1).toBool(), false);
            kids.insert(dev.value("pk"_L1).toMap().value("kid"_L1).toInteger());
        }
        QCOMPARE(kids.size(), 5);
        const auto refill = b->next(u"refill"_s, WaitMs);
        QVERIFY(refill);
        QVERIFY(refill->uint("remaining"_L1) < 20);
        a->send(Frame(u"fetch"_s, 30).set("user"_L1, u"bob"_s));
        auto limited = a->reply(30, WaitMs);
        QCOMPARE(errorCode(limited), u"rate_limited"_s);
        QVERIFY(limited->uint("retry"_L1) > 0);
        a->send(Frame(u"fetch"_s, 31).set("user"_L1, u"nobody"_s));
        QCOMPARE(errorCode(a->reply(31, WaitMs)), u"not_found"_s);

        // A message to bob, with a sync copy for nobody else (alice has one device).
        const QByteArray mid = crypto::randomBytes(16);
        a->send(sendFrame(alice, 40, {u"bob"_s}, {{u"bob"_s, bob.number}}, mid));
        auto accepted = a->reply(40, WaitMs);
        QCOMPARE(errorCode(accepted), u"accepted"_s);
        QCOMPARE(accepted->bytes("mid"_L1), mid);
        auto msg = b->next(u"msg"_s, WaitMs);
        QVERIFY(msg);
        QCOMPARE(msg->text("from"_L1), u"alice"_s);
        QCOMPARE(msg->uint("dev"_L1), quint64(alice.number));
        QCOMPARE(msg->bytes("mid"_L1), mid);
        QCOMPARE(msg->array("to"_L1), QCborArray{u"bob"_s});
        QCOMPARE(msg->uint("kid"_L1), quint64(7));
        QCOMPARE(msg->bytes("eph"_L1), m_dummyPoint);
        {
            // The signature the sender made verifies over the core rebuilt from the delivered frame.
            protocol::MessageCoreInput core;
            core.from = msg->text("from"_L1);
            core.device = quint32(msg->uint("dev"_L1));
            core.mid = msg->bytes("mid"_L1);
            core.to = msg->textList("to"_L1);
            core.sentAt = msg->uint("at"_L1);
            core.payload = msg->bytes("pl"_L1);
            core.keyCommitment = msg->bytes("kc"_L1);
            core.options = msg->map("opts"_L1);
            QVERIFY(alice.key.verify(protocol::messageCore(core), msg->bytes("sig"_L1)));
        }
        b->send(Frame(u"ack"_s).set("seqs"_L1, QCborArray{qint64(msg->uint("seq"_L1))}));

        // The same message id again is a replay.
        a->send(sendFrame(alice, 41, {u"bob"_s}, {{u"bob"_s, bob.number}}, mid));
        QCOMPARE(errorCode(a->reply(41, WaitMs)), u"replay"_s);

        // Key entries that do not match the device lists.
        a->send(sendFrame(alice, 42, {u"bob"_s, u"zed"_s}, {{u"bob"_s, 7}}, crypto::randomBytes(16)));
        auto mismatch = a->reply(42, WaitMs);
        QCOMPARE(errorCode(mismatch), u"device_mismatch"_s);
        QCOMPARE(mismatch->array("missing"_L1).size(), 1);
        QCOMPARE(mismatch->array("missing"_L1).at(0).toMap().value("device"_L1).toInteger(), qint64(bob.number));
        QCOMPARE(mismatch->array("stale"_L1).size(), 1);
        QCOMPARE(mismatch->array("stale"_L1).at(0).toMap().value("device"_L1).toInteger(), 7);
        QCOMPARE(mismatch->array("unknown"_L1), QCborArray{u"zed"_s});

        // Unsorted recipients, stale time, a bad signature.
        a->send(sendFrame(alice, 43, {u"bob"_s, u"alice"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(a->reply(43, WaitMs)), u"bad_field"_s);
        a->send(sendFrame(alice, 44, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16),
                          QDateTime::currentMSecsSinceEpoch() - 10 * 60 * 1000));
        QCOMPARE(errorCode(a->reply(44, WaitMs)), u"stale_time"_s);
        a->send(sendFrame(alice, 45, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16), 0, false));
        QCOMPARE(errorCode(a->reply(45, WaitMs)), u"bad_signature"_s);

        // Offline delivery: queued while bob is away, delivered in order after login, then `synced`.
        b->socket().close();
        QVERIFY(b->waitClosed(WaitMs));
        QList<quint64> sentSeqs;
        for (int i = 0; i < 3; ++i) {
            a->send(sendFrame(alice, quint64(50 + i), {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
            QCOMPARE(errorCode(a->reply(quint64(50 + i), WaitMs)), u"accepted"_s);
        }
        auto back = connectTo(*m_server);
        QVERIFY(back);
        back->send(bob.loginFrame(60, back->hello().bytes("ch"_L1)));
        auto welcome = back->reply(60, WaitMs);
        QCOMPARE(errorCode(welcome), u"welcome"_s);
        QCOMPARE(welcome->uint("queued"_L1), quint64(3));
        QCOMPARE(welcome->boolean("lr"_L1), true);
        quint64 last = 0;
        QCborArray acks;
        for (int i = 0; i < 3; ++i) {
            auto m = back->next(u"msg"_s, WaitMs);
            QVERIFY(m);
            QVERIFY(m->uint("seq"_L1) > last);
            last = m->uint("seq"_L1);
            acks.append(qint64(last));
        }
        QVERIFY(back->next(u"synced"_s, WaitMs));
        // Live delivery after synced.
        a->send(sendFrame(alice, 61, {u"bob"_s}, {{u"bob"_s, bob.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(a->reply(61, WaitMs)), u"accepted"_s);
        auto live = back->next(u"msg"_s, WaitMs);
        QVERIFY(live);
        QVERIFY(live->uint("seq"_L1) > last);
        acks.append(qint64(live->uint("seq"_L1)));
        back->send(Frame(u"ack"_s).set("seqs"_L1, acks));

        // Acked messages are gone: a later login finds an empty queue.
        back->socket().close();
        QVERIFY(back->waitClosed(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto c = connectTo(*m_server);
                if (!c)
                    return false;
                c->send(bob.loginFrame(70, c->hello().bytes("ch"_L1)));
                auto w = c->reply(70, WaitMs);
                return w && w->type == u"welcome"_s && w->uint("queued"_L1) == 0 && c->next(u"synced"_s, WaitMs).has_value()
                    && c->pending() == 0;
            }(),
            WaitMs);
        QVERIFY(a->invalidFrames().isEmpty());
    }

    void recoveryBundle()
    {
        TestDevice gina = TestDevice::create(u"gina"_s);
        auto client = enrollAndLogin(*m_server, gina);
        QVERIFY(client);
        client->send(Frame(u"recovery_get"_s, 1));
        auto none = client->reply(1, WaitMs);
        QCOMPARE(errorCode(none), u"recovery"_s);
        QVERIFY(!none->has("blob"_L1));
        const QByteArray blob = crypto::randomBytes(500);
        client->send(Frame(u"recovery_put"_s, 2).set("blob"_L1, blob));
        QCOMPARE(errorCode(client->reply(2, WaitMs)), u"ok"_s);
        client->send(Frame(u"recovery_get"_s, 3));
        auto got = client->reply(3, WaitMs);
        QCOMPARE(errorCode(got), u"recovery"_s);
        QCOMPARE(got->bytes("blob"_L1), blob);

        // A second device of the user sees the bundle through enroll_info.
        auto other = connectTo(*m_server);
        QVERIFY(other);
        other->send(Frame(u"enroll_info"_s, 4).set("user"_L1, gina.user).set("code"_L1, enrollCode(*m_server, gina.user)));
        auto info = other->reply(4, WaitMs);
        QCOMPARE(errorCode(info), u"enroll_info_ok"_s);
        QCOMPARE(info->boolean("new_user"_L1), false);
        QCOMPARE(info->bytes("recovery"_L1), blob);
    }

    void syncCopyToOwnDevices()
    {
        TestDevice hal1 = TestDevice::create(u"hal"_s);
        TestDevice hal2 = TestDevice::create(u"hal"_s, hal1.root);
        TestDevice ivy = TestDevice::create(u"ivy"_s);
        auto h1 = enrollAndLogin(*m_server, hal1);
        QVERIFY(h1);
        auto h2 = enrollAndLogin(*m_server, hal2);
        QVERIFY(h2);
        auto i = enrollAndLogin(*m_server, ivy);
        QVERIFY(i);
        QCOMPARE(hal2.number, quint32(2));

        // Without the sync copy the send is refused: hal's other device is missing.
        h1->send(sendFrame(hal1, 1, {u"ivy"_s}, {{u"ivy"_s, ivy.number}}, crypto::randomBytes(16)));
        auto mismatch = h1->reply(1, WaitMs);
        QCOMPARE(errorCode(mismatch), u"device_mismatch"_s);
        QCOMPARE(mismatch->array("missing"_L1).at(0).toMap().value("user"_L1).toString(), u"hal"_s);

        h1->send(sendFrame(hal1, 2, {u"ivy"_s}, {{u"hal"_s, 2}, {u"ivy"_s, ivy.number}}, crypto::randomBytes(16)));
        QCOMPARE(errorCode(h1->reply(2, WaitMs)), u"accepted"_s);
        QVERIFY(i->next(u"msg"_s, WaitMs));
        auto copy = h2->next(u"msg"_s, WaitMs);
        QVERIFY(copy);
        QCOMPARE(copy->text("from"_L1), u"hal"_s);
        QCOMPARE(copy->uint("dev"_L1), quint64(1));
        QCOMPARE(h1->pending(), 0);
    }

    void concurrentSendersArriveInOrder()
    {
        TestDevice kai = TestDevice::create(u"kai"_s);
        TestDevice lou = TestDevice::create(u"lou"_s);
        TestDevice max = TestDevice::create(u"max"_s);
        auto k = enrollAndLogin(*m_server, kai);
        QVERIFY(k);
        auto l = enrollAndLogin(*m_server, lou);
        QVERIFY(l);
        auto m = enrollAndLogin(*m_server, max);
        QVERIFY(m);

        // Two senders on their own connections (spread over the workers) pipeline messages to one recipient.
        constexpr int PerSender = 150;
        QList<QByteArray> fromKai;
        QList<QByteArray> fromLou;
        for (int i = 0; i < PerSender; ++i) {
            fromKai.append(protocol::encode(sendFrame(kai, quint64(100 + i), {u"max"_s}, {{u"max"_s, max.number}}, crypto::randomBytes(16))));
            fromLou.append(protocol::encode(sendFrame(lou, quint64(100 + i), {u"max"_s}, {{u"max"_s, max.number}}, crypto::randomBytes(16))));
        }
        for (int i = 0; i < PerSender; ++i) {
            k->sendRaw(fromKai.at(i));
            l->sendRaw(fromLou.at(i));
        }
        quint64 last = 0;
        int received = 0;
        QCborArray acks;
        while (received < 2 * PerSender) {
            auto msg = m->next(u"msg"_s, WaitMs);
            QVERIFY2(msg, qPrintable(u"received %1 of %2"_s.arg(received).arg(2 * PerSender)));
            QVERIFY(msg->uint("seq"_L1) > last);
            last = msg->uint("seq"_L1);
            ++received;
            acks.append(qint64(last));
            if (acks.size() == 100) {
                m->send(Frame(u"ack"_s).set("seqs"_L1, acks));
                acks = {};
            }
        }
        for (int i = 0; i < PerSender; ++i) {
            QCOMPARE(errorCode(k->reply(quint64(100 + i), WaitMs)), u"accepted"_s);
            QCOMPARE(errorCode(l->reply(quint64(100 + i), WaitMs)), u"accepted"_s);
        }
        // One more message, committed after all of them: delivery is in order, so anything sent twice before it
        // reaches max ahead of it.
        const QByteArray marker = crypto::randomBytes(16);
        k->send(sendFrame(kai, 999, {u"max"_s}, {{u"max"_s, max.number}}, marker));
        QCOMPARE(errorCode(k->reply(999, WaitMs)), u"accepted"_s);
        auto after = m->next(u"msg"_s, WaitMs);
        QVERIFY(after);
        QVERIFY(after->uint("seq"_L1) > last);
        QCOMPARE(after->bytes("mid"_L1), marker);
        QCOMPARE(m->pending(), 0);   // nothing twice
    }

    void deliveryWindow()
    {
        TestDevice ned = TestDevice::create(u"ned"_s);
        TestDevice ola = TestDevice::create(u"ola"_s);
        auto n = enrollAndLogin(*m_server, ned);
        QVERIFY(n);
        auto o = enrollAndLogin(*m_server, ola);
        QVERIFY(o);
        o->socket().close();
        QVERIFY(o->waitClosed(WaitMs));

        constexpr int Backlog = 1050;
        for (int i = 0; i < Backlog; ++i)
            n->send(sendFrame(ned, quint64(1000 + i), {u"ola"_s}, {{u"ola"_s, ola.number}}, crypto::randomBytes(16)));
        for (int i = 0; i < Backlog; ++i)
            QCOMPARE(errorCode(n->reply(quint64(1000 + i), WaitMs)), u"accepted"_s);

        auto back = connectTo(*m_server);
        QVERIFY(back);
        back->send(ola.loginFrame(1, back->hello().bytes("ch"_L1)));
        auto welcome = back->reply(1, WaitMs);
        QCOMPARE(errorCode(welcome), u"welcome"_s);
        QCOMPARE(welcome->uint("queued"_L1), quint64(Backlog));
        QList<quint64> seqs;
        while (seqs.size() < 1000) {
            auto msg = back->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(seqs.isEmpty() || msg->uint("seq"_L1) > seqs.last());
            seqs.append(msg->uint("seq"_L1));
        }
        // The window is full: nothing more until acks arrive. The session streams its backlog before it reads the
        // next request, so the reply to one sent now comes after any message beyond the window.
        back->send(Frame(u"rooms"_s, 2));
        auto rooms = back->reply(2, WaitMs);
        QVERIFY(rooms);
        QCOMPARE(rooms->type, u"room_list"_s);
        QCOMPARE(back->pending(), 0);
        QCborArray acks;
        for (int i = 0; i < 100; ++i)
            acks.append(qint64(seqs.at(i)));
        back->send(Frame(u"ack"_s).set("seqs"_L1, acks));
        for (int i = 0; i < Backlog - 1000; ++i) {
            auto msg = back->next(u"msg"_s, WaitMs);
            QVERIFY(msg);
            QVERIFY(msg->uint("seq"_L1) > seqs.last());
            seqs.append(msg->uint("seq"_L1));
        }
        QVERIFY(back->next(u"synced"_s, WaitMs));
    }

    void authenticationTimeout()
    {
        Config config = baseConfig(u"timeouts"_s);
        config.limits.authTimeoutSeconds = 1;
        auto server = startServer(config);
        QVERIFY(server);
        auto client = connectTo(*server);
        QVERIFY(client);
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1008);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
    }

    // A peer that never answers the server's pings is closed with 1001 after the idle timeout. QWebSocket answers
    // pings by itself, so this client speaks WebSocket by hand over a QSslSocket.
    void idleTimeoutWithoutPongs()
    {
        Config config = baseConfig(u"idle"_s);
        config.limits.idleTimeoutSeconds = 3;
        auto server = startServer(config);
        QVERIFY(server);

        QSslSocket socket;
        QFile caFile(config.certificateFile());
        QVERIFY(caFile.open(QIODevice::ReadOnly));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(caFile.readAll()));
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(u"127.0.0.1"_s, server->port());
        QVERIFY(socket.waitForEncrypted(WaitMs));
        socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

        QByteArray buffer;
        bool upgraded = false;
        int pings = 0;
        int binary = 0;
        int closeCode = -1;
        QElapsedTimer timer;
        timer.start();
        while (closeCode < 0 && timer.elapsed() < WaitMs) {
            if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(200)) {
                if (socket.state() != QAbstractSocket::ConnectedState)
                    break;
                continue;
            }
            buffer += socket.readAll();
            if (!upgraded) {
                const qsizetype end = buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    continue;
                QVERIFY2(buffer.startsWith("HTTP/1.1 101"), buffer.constData());
                buffer.remove(0, end + 4);
                upgraded = true;
            }
            // Unmasked server frames: opcode, length (7 bits, or 16/64-bit extended), payload.
            while (buffer.size() >= 2) {
                const int opcode = buffer[0] & 0x0f;
                quint64 length = quint8(buffer[1]) & 0x7f;
                qsizetype header = 2;
                if (length == 126) {
                    if (buffer.size() < 4)
                        break;
                    length = (quint64(quint8(buffer[2])) << 8) | quint8(buffer[3]);
                    header = 4;
                } else if (length == 127) {
                    if (buffer.size() < 10)
                        break;
                    length = 0;
                    for (int i = 2; i < 10; ++i)
                        length = (length << 8) | quint8(buffer[i]);
                    header = 10;
                }
                if (quint64(buffer.size() - header) < length)
                    break;
                const QByteArray payload = buffer.mid(header, qsizetype(length));
                buffer.remove(0, header + qsizetype(length));
                if (opcode == 0x2)
                    ++binary;
                else if (opcode == 0x9)
                    ++pings;
                else if (opcode == 0x8 && payload.size() >= 2)
                    closeCode = (quint8(payload[0]) << 8) | quint8(payload[1]);
            }
        }
        QCOMPARE(binary, 1);         // hello
        QVERIFY(pings >= 1);
        QCOMPARE(closeCode, 1001);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
    }

    void frameRateLimit()
    {
        Config config = baseConfig(u"framerate"_s);
        config.limits.frameRate = 0.01;
        config.limits.frameBurst = 3;
        auto server = startServer(config);
        QVERIFY(server);
        auto client = connectTo(*server);
        QVERIFY(client);
        for (int n = 1; n <= 4; ++n)
            client->send(Frame(u"enroll_info"_s, quint64(n)).set("user"_L1, u"nobody"_s).set("code"_L1, u"XYZ"_s));
        for (int n = 1; n <= 3; ++n)
            QCOMPARE(errorCode(client->reply(quint64(n), WaitMs)), u"enroll_failed"_s);
        auto limited = client->next(u"error"_s, WaitMs);
        QVERIFY(limited);
        QCOMPARE(limited->text("code"_L1), u"rate_limited"_s);
        QVERIFY(limited->uint("retry"_L1) > 0);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
    }

    void shutdownClosesSessionsWith1001()
    {
        auto server = startServer(baseConfig(u"shutdown"_s));
        QVERIFY(server);
        TestDevice jay = TestDevice::create(u"jay"_s);
        auto logged = enrollAndLogin(*server, jay);
        QVERIFY(logged);
        auto anonymous = connectTo(*server);
        QVERIFY(anonymous);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
        QVERIFY(logged->waitClosed(WaitMs));
        QCOMPARE(logged->closeCode(), 1001);
        QVERIFY(anonymous->waitClosed(WaitMs));
        QCOMPARE(anonymous->closeCode(), 1001);
        QVERIFY(!server->isRunning());

        // Nothing listens any more.
        TestClient late(server->config().certificateFile());
        QVERIFY(!late.open(server->url(), 3000));
    }
};

QTEST_GUILESS_MAIN(tst_Server)
#include "tst_server.moc"
