// Tests of the daemon's sessions against a real parleyd-core instance in this process (real TLS on 127.0.0.1 port 0,
// raw protocol frames from QWebSocket clients): the dispatch table, refused frames, enrollment and login, timeouts,
// the frame rate limit and shutdown. Messaging runs in tst_servermessaging.

#include "serverfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

class tst_ServerSessions : public ServerTest {
    Q_OBJECT

private Q_SLOTS:
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
        QCOMPARE(hello.array("vs"_L1), (QCborArray{qint64(1), qint64(2)}));   // version 2: attachments
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
        // One refusal does not close the connection: a later valid request is served. (A user name of its own per row:
        // five wrong codes for one name would lock its enrollment.)
        static int row = 0;
        client->send(Frame(u"enroll_info"_s, 77).set("user"_L1, u"nobody%1"_s.arg(++row)).set("code"_L1, u"AAAAA-AAAAA"_s));
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

        good->send(Frame(u"enroll_info"_s, 3).set("user"_L1, u"somebody"_s).set("code"_L1, u"BBBBB"_s));
        QCOMPARE(errorCode(good->reply(3, WaitMs)), u"enroll_failed"_s);
        QVERIFY(!good->isClosed());
    }

    // Refusals count within a rolling window: spaced beyond it they never close the connection, in a burst they do.
    void refusalsCountWithinTheWindow()
    {
        Config config = baseConfig(u"refusalwindow"_s);
        config.limits.refusedWindowSeconds = 1;
        auto server = startServer(config);
        QVERIFY(server);
        auto client = connectTo(*server);
        QVERIFY(client);
        auto refuseFour = [&client] {
            for (int i = 0; i < 4; ++i)
                client->sendRaw(QByteArray("\x80garbage", 8));
            for (int i = 0; i < 4; ++i) {
                const auto error = client->next(u"error"_s, WaitMs);
                if (!error || error->text("code"_L1) != u"bad_frame"_s)
                    return false;
            }
            return true;
        };
        QVERIFY(refuseFour());
        QTest::qWait(1100);   // past the window: the four no longer count
        QVERIFY(refuseFour());
        client->send(Frame(u"enroll_info"_s, 5).set("user"_L1, u"nobody"_s).set("code"_L1, u"CCCCC"_s));
        QCOMPARE(errorCode(client->reply(5, WaitMs)), u"enroll_failed"_s);
        QVERIFY(!client->isClosed());
        // A fifth within the window closes it.
        client->sendRaw(QByteArray("\x80garbage", 8));
        QVERIFY(client->waitClosed(WaitMs));
        QCOMPARE(client->closeCode(), 1008);

        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
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
        // Ten names: the connection's limit, not a name's lockout (tst_abuse).
        for (int i = 1; i <= 10; ++i)
            client->send(Frame(u"enroll_info"_s, quint64(i)).set("user"_L1, u"dave%1"_s.arg(i)).set("code"_L1, u"NOPE%1"_s.arg(i)));
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

QTEST_GUILESS_MAIN(tst_ServerSessions)
#include "tst_serversessions.moc"
