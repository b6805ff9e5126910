#pragma once

// The fixture of the daemon's tests against a real parleyd-core instance in this process: a server on real TLS on
// 127.0.0.1 port 0 for the whole test case, more servers with their own configurations on demand, and raw protocol
// clients that enroll, log in and send.

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

namespace parley::server::test {

using namespace Qt::StringLiterals;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

constexpr int WaitMs = 20000;

inline QByteArray cbor(const QCborValue &v)
{
    return v.toCbor();
}

inline QString errorCode(const std::optional<Frame> &f)
{
    if (!f)
        return u"<nothing>"_s;
    if (f->type != u"error"_s)
        return f->type;
    return f->text("code"_L1);
}


class ServerTest : public QObject {
    Q_OBJECT

protected:
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

    // A challenge login on a fresh connection, up to its `welcome` (handed out in `welcome` when asked for).
    std::unique_ptr<TestClient> welcomed(Server &server, const TestDevice &device, Frame *welcome = nullptr)
    {
        auto client = connectTo(server);
        if (!client)
            return nullptr;
        client->send(device.loginFrame(2, client->hello().bytes("ch"_L1)));
        const auto reply = client->reply(2, WaitMs);
        if (!reply || reply->type != u"welcome"_s) {
            qWarning() << "login:" << errorCode(reply);
            return nullptr;
        }
        if (welcome)
            *welcome = *reply;
        return client;
    }

    // welcomed(), and the queue streamed (`synced`). The `refill` a device with a low prekey pool gets right after
    // `welcome` (before `synced`) is taken here; the tests of it log in with welcomed().
    std::unique_ptr<TestClient> login(Server &server, const TestDevice &device)
    {
        auto client = welcomed(server, device);
        if (!client || !client->next(u"synced"_s, WaitMs))
            return nullptr;
        client->take([](const Frame &f) { return f.type == u"refill"_s; }, 0);
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
        protocol::MessageCore core;
        core.from = from.user;
        core.device = from.number;
        core.mid = mid;
        core.to = to;
        core.sentAt = sentAt;
        core.payload = payload;
        core.keyCommitment = kc;
        QByteArray signed_ = core.encode();
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
};

} // namespace parley::server::test
