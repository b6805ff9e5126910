// End to end: a real parleyd over real TLS, driven by the real client SDK.

#include "harness.h"

#include "protocol/statements.h"
#include "sdk/envelope.h"

#include <QCborArray>
#include <QDeadlineTimer>
#include <QSet>
#include <QWebSocket>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

class TestEndToEnd : public QObject {
    Q_OBJECT

private:
    // Fetch limits raised and the reserve of offline devices off, so that one requester can empty a pool; the rate
    // limit has its own daemon below, the reserve its test in tst_abuse.
    Daemon daemon{u"[limits]\nfetch_burst=1000\nprekey_reserve=0\n"_s};

    std::unique_ptr<Device> device(const QString &user)
    {
        auto d = std::make_unique<Device>(daemon, user);
        if (!d->enroll())
            return nullptr;
        return d;
    }

    // Sends a raw request through the SDK's connection and waits for its reply frame.
    static std::optional<protocol::Frame> request(Device &from, const protocol::Frame &frame)
    {
        QSignalSpy frames(&from.client(), &sdk::Client::frameReceived);
        const quint64 id = from.client().sendFrame(frame);
        QDeadlineTimer deadline(WaitMs);
        while (!from.replyTo(id) && !deadline.hasExpired() && frames.wait(int(deadline.remainingTime()))) {
        }
        return from.replyTo(id);
    }

    static bool containsDevice(const QCborArray &list, const QString &user, quint32 device)
    {
        for (const QCborValue &v : list) {
            const QCborMap m = v.toMap();
            if (m.value(u"user"_s).toString() == user && quint32(m.value(u"device"_s).toInteger()) == device)
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(daemon.start());
    }

    void oneToOne()
    {
        auto alice = device(u"alice"_s);
        auto bob = device(u"bob"_s);
        QVERIFY(alice && bob);
        const QByteArray mid = alice->sendAndWait({u"bob"_s}, u"hello bob"_s);
        QVERIFY(!mid.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(bob->inbox.size(), 1, WaitMs);
        const sdk::IncomingMessage &m = bob->inbox.first();
        QCOMPARE(m.text, u"hello bob"_s);
        QCOMPARE(m.from, u"alice"_s);
        QCOMPARE(m.device, alice->number());
        QCOMPARE(m.mid, mid);
        QVERIFY(m.verified);
        QVERIFY(bob->verificationFailures.isEmpty());
        QVERIFY(qAbs(m.sentAt.toMSecsSinceEpoch() - QDateTime::currentMSecsSinceEpoch()) < 60000);
        // The sender's only device gets no copy of its own message: bob's reply, queued for alice after it would
        // have been, is the first thing she receives.
        QVERIFY(!bob->sendAndWait({u"alice"_s}, u"hello alice"_s).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!alice->inbox.isEmpty(), WaitMs);
        QCOMPARE(alice->inbox.size(), 1);
        QCOMPARE(alice->inbox.first().from, u"bob"_s);
    }

    // The signed options travel with the message through the server and arrive as they were sent.
    void messageOptionsArriveAsSent()
    {
        auto gwen = device(u"gwen"_s);
        auto hugo = device(u"hugo"_s);
        QVERIFY(gwen && hugo);
        protocol::MessageOptions options;
        options.exp = 3600;
        options.burn = true;
        const QByteArray mid = gwen->sendAndWait({u"hugo"_s}, u"options travel"_s, options);
        QVERIFY(!mid.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(hugo->inbox.size(), 1, WaitMs);
        const sdk::IncomingMessage &m = hugo->inbox.first();
        QCOMPARE(m.mid, mid);
        QVERIFY(m.verified);
        QCOMPARE(m.options.exp, std::optional<quint64>(3600));
        QCOMPARE(m.options.burn, std::optional<bool>(true));
        QCOMPARE(m.options.room, std::optional<QString>());
        QVERIFY(m.options == options);
        QVERIFY(m.burnOnRead);
        QVERIFY(m.room.isEmpty());
    }

    void secondDeviceGetsMessagesAndSyncCopies()
    {
        auto carol1 = device(u"carol"_s);
        auto carol2 = device(u"carol"_s);
        auto dave = device(u"dave"_s);
        QVERIFY(carol1 && carol2 && dave);
        QCOMPARE(carol1->number(), 1u);
        QCOMPARE(carol2->number(), 2u);

        QVERIFY(!dave->sendAndWait({u"carol"_s}, u"to both of carol's devices"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(carol1->inbox.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(carol2->inbox.size(), 1, WaitMs);
        QCOMPARE(carol1->inbox.first().text, u"to both of carol's devices"_s);
        QCOMPARE(carol2->inbox.first().text, u"to both of carol's devices"_s);
        QVERIFY(carol1->inbox.first().verified && carol2->inbox.first().verified);

        QVERIFY(!carol1->sendAndWait({u"dave"_s}, u"reply from carol's first device"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(dave->inbox.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(carol2->inbox.size(), 2, WaitMs);
        const sdk::IncomingMessage &copy = carol2->inbox.at(1);
        QCOMPARE(copy.from, u"carol"_s);
        QCOMPARE(copy.device, 1u);
        QCOMPARE(copy.text, u"reply from carol's first device"_s);
        QCOMPARE(copy.to, QStringList{u"dave"_s});
        QVERIFY(copy.verified);
        // Delivery is in order: the sync copy of a later message from carol's second device reaches her first
        // device after any copy of its own message would have.
        QVERIFY(!carol2->sendAndWait({u"dave"_s}, u"from carol's second device"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(carol1->inbox.size(), 2, WaitMs);
        QCOMPARE(carol1->inbox.at(1).from, u"carol"_s);
        QCOMPARE(carol1->inbox.at(1).device, 2u);   // no copy back to the sending device before it
    }

    void offlineRecipientReceivesInOrder()
    {
        auto erin = device(u"erin"_s);
        auto frank = device(u"frank"_s);
        QVERIFY(erin && frank);
        frank->close();

        constexpr int Count = 40;
        QSignalSpy accepted(&erin->client(), &sdk::Client::accepted);
        QList<QByteArray> mids;
        for (int i = 0; i < Count; ++i)
            mids.append(erin->client().send({u"frank"_s}, u"message %1"_s.arg(i)));
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), Count, WaitMs);

        QVERIFY(frank->connectNow());
        QTRY_COMPARE_WITH_TIMEOUT(frank->inbox.size(), Count, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(frank->syncedCount, 1, WaitMs);
        for (int i = 0; i < Count; ++i) {
            QCOMPARE(frank->inbox.at(i).text, u"message %1"_s.arg(i));
            QCOMPARE(frank->inbox.at(i).mid, mids.at(i));
            if (i > 0)
                QVERIFY(frank->inbox.at(i).seq > frank->inbox.at(i - 1).seq);
        }

        // Acked messages are gone: a new connection gets nothing again.
        frank->close();
        frank->inbox.clear();
        QVERIFY(frank->connectNow());
        // `synced` follows the backlog present at login, and the client reports frames in order.
        QTRY_VERIFY_WITH_TIMEOUT(frank->syncedCount >= 1, WaitMs);
        QVERIFY(frank->inbox.isEmpty());
    }

    void acceptedSurvivesSigkill()
    {
        auto gina = device(u"gina"_s);
        auto hank = device(u"hank"_s);
        QVERIFY(gina && hank);
        hank->close();

        constexpr int Count = 25;
        QSignalSpy accepted(&gina->client(), &sdk::Client::accepted);
        for (int i = 0; i < Count; ++i)
            gina->client().send({u"hank"_s}, u"durable %1"_s.arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), Count, WaitMs);

        daemon.kill();
        gina->close();
        QVERIFY(daemon.start());

        QVERIFY(hank->connectNow());
        QTRY_COMPARE_WITH_TIMEOUT(hank->inbox.size(), Count, WaitMs);
        for (int i = 0; i < Count; ++i)
            QCOMPARE(hank->inbox.at(i).text, u"durable %1"_s.arg(i));
    }

    // The identical envelope sent again (as after a connection lost before `accepted`) gets the first `accepted`,
    // with its seq, and reaches the recipient once; another envelope under the same message id is a replay.
    void replayIsRefused()
    {
        auto ivan = device(u"ivan"_s);
        auto judy = device(u"judy"_s);
        QVERIFY(ivan && judy);

        QList<sdk::RecipientDevice> recipients;
        bool resolved = false;
        ivan->client().resolveRecipients({u"judy"_s}, this, [&](Result<QList<sdk::RecipientDevice>> r) {
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
            recipients = r.value();
            resolved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(resolved, WaitMs);
        auto identity = ivan->client().identity();
        QVERIFY(identity.ok());
        auto envelope = sdk::Envelope::build(*identity, {u"judy"_s}, recipients, u"only once"_s,
                                             quint64(ivan->client().serverTimeMs()));
        QVERIFY(envelope.ok());

        QSignalSpy accepted(&ivan->client(), &sdk::Client::accepted);
        QSignalSpy failed(&ivan->client(), &sdk::Client::sendFailed);
        ivan->client().sendEnvelope(*envelope);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, WaitMs);
        ivan->client().sendEnvelope(*envelope);   // the identical envelope again
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 2, WaitMs);
        QCOMPARE(accepted.at(1).at(0).toByteArray(), envelope->mid);
        QCOMPARE(accepted.at(1).at(1).value<quint64>(), accepted.at(0).at(1).value<quint64>());
        QVERIFY(failed.isEmpty());

        auto other = sdk::Envelope::build(*identity, {u"judy"_s}, recipients, u"another text"_s,
                                          quint64(ivan->client().serverTimeMs()), {}, envelope->mid);
        QVERIFY(other.ok());
        ivan->client().sendEnvelope(*other);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, WaitMs);
        QCOMPARE(failed.first().at(1).value<sdk::SendError>(), sdk::SendError::Replay);

        QTRY_COMPARE_WITH_TIMEOUT(judy->inbox.size(), 1, WaitMs);
        // A later message reaches judy after anything the replay could have queued for her.
        QVERIFY(!ivan->sendAndWait({u"judy"_s}, u"the next one"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(judy->inbox.size(), 2, WaitMs);
        QCOMPARE(judy->inbox.at(1).text, u"the next one"_s);
    }

    // The server binds each message to the sender's session and does not check the signed core: the receiving SDK
    // does. A forged envelope is accepted and relayed, then dropped by the recipient with the reason, acked (it does
    // not come back on the next connection) and never shown.
    void forgedEnvelopesAreDroppedByTheRecipient_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("reason");
        QTest::newRow("signature bytes flipped") << 1 << u"bad_signature"_s;
        QTest::newRow("key commitment swapped, core signed again") << 2 << u"commitment_mismatch"_s;
        QTest::newRow("core signed as another sender") << 3 << u"bad_signature"_s;
    }

    void forgedEnvelopesAreDroppedByTheRecipient()
    {
        QFETCH(int, n);
        QFETCH(QString, reason);
        const QString victimName = u"vic%1"_s.arg(n);
        auto mal = device(u"mal%1"_s.arg(n));
        auto vic = device(victimName);
        QVERIFY(mal && vic);

        QList<sdk::RecipientDevice> recipients;
        bool resolved = false;
        mal->client().resolveRecipients({victimName}, this, [&](Result<QList<sdk::RecipientDevice>> r) {
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
            recipients = r.value();
            resolved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(resolved, WaitMs);
        auto identity = mal->client().identity();
        QVERIFY(identity.ok());
        const quint64 at = quint64(mal->client().serverTimeMs());
        sdk::SenderIdentity signer = *identity;
        if (n == 3)
            signer.user = victimName;   // the core and the wraps name the victim as the sender
        auto envelope = sdk::Envelope::build(signer, {victimName}, recipients, u"forged"_s, at);
        QVERIFY(envelope.ok());
        if (n == 1) {
            envelope->signature[20] = char(envelope->signature.at(20) ^ 0x01);
        } else if (n == 2) {
            // The steps of build() with the commitment of another key: signed and wrapped correctly.
            const crypto::SecureBuffer key = sdk::Envelope::newMessageKey();
            auto payload = sdk::Envelope::encryptPayload(key, envelope->mid, u"forged"_s);
            QVERIFY(payload.ok());
            envelope->payload = *payload;
            envelope->keyCommitment = sdk::Envelope::commitmentFor(sdk::Envelope::newMessageKey());
            QVERIFY(envelope->sign(identity->deviceKey));
            envelope->keys.clear();
            for (const sdk::RecipientDevice &r : std::as_const(recipients)) {
                auto entry = sdk::Envelope::wrapKey(key, envelope->mid, envelope->messageCore().hash(), *identity, r);
                QVERIFY(entry.ok());
                envelope->keys.append(*entry);
            }
        }

        QSignalSpy accepted(&mal->client(), &sdk::Client::accepted);
        mal->client().sendEnvelope(*envelope);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(vic->verificationFailures.size(), 1, WaitMs);
        const QString failure = vic->verificationFailures.first();
        QVERIFY2(failure.startsWith(u"%1#%2: %3"_s.arg(mal->user()).arg(mal->number()).arg(reason)),
                 qPrintable(failure));
        QVERIFY(vic->inbox.isEmpty());

        // Acked: a new connection gets nothing again, and the next genuine message is shown.
        vic->close();
        QVERIFY(vic->connectNow());
        QVERIFY(!mal->sendAndWait({victimName}, u"genuine"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(vic->inbox.size(), 1, WaitMs);
        QCOMPARE(vic->inbox.first().text, u"genuine"_s);
        QCOMPARE(vic->verificationFailures.size(), 1);
    }

    void deviceListMismatchIsReported()
    {
        auto kim1 = device(u"kim"_s);
        auto kim2 = device(u"kim"_s);
        auto leo = device(u"leo"_s);
        QVERIFY(kim1 && kim2 && leo);

        QList<sdk::RecipientDevice> recipients;
        bool resolved = false;
        leo->client().resolveRecipients({u"kim"_s}, this, [&](Result<QList<sdk::RecipientDevice>> r) {
            QVERIFY(r.ok());
            recipients = r.value();
            resolved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(resolved, WaitMs);
        QCOMPARE(recipients.size(), 2);
        auto identity = leo->client().identity();
        QVERIFY(identity.ok());

        // Device 2 left out, and a device 9 that does not exist put in.
        QList<sdk::RecipientDevice> wrong;
        for (const auto &r : std::as_const(recipients)) {
            if (r.device == 1)
                wrong.append(r);
        }
        sdk::RecipientDevice ghost = wrong.first();
        ghost.device = 9;
        ghost.devicePub = crypto::EcKey::generate()->publicPoint();
        wrong.append(ghost);
        auto envelope = sdk::Envelope::build(*identity, {u"kim"_s}, wrong, u"mismatch"_s,
                                             quint64(leo->client().serverTimeMs()));
        QVERIFY(envelope.ok());
        const quint64 id = leo->client().sendFrame(envelope->toFrame());
        QTRY_VERIFY_WITH_TIMEOUT(leo->errorFor(id).has_value(), WaitMs);
        const protocol::Frame error = *leo->errorFor(id);
        QCOMPARE(error.text("code"_L1), u"device_mismatch"_s);
        QVERIFY(containsDevice(error.array("missing"_L1), u"kim"_s, 2));
        QVERIFY(containsDevice(error.array("stale"_L1), u"kim"_s, 9));

        // The SDK converges by itself on a normal send.
        QVERIFY(!leo->sendAndWait({u"kim"_s}, u"converged"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(kim1->inbox.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(kim2->inbox.size(), 1, WaitMs);
        QCOMPARE(kim2->inbox.first().text, u"converged"_s);
    }

    void prekeyExhaustionFallsBackAndRefills()
    {
        auto mona = device(u"mona"_s);
        auto nora = device(u"nora"_s);
        QVERIFY(mona && nora);
        mona->close();   // offline: nobody refills while the pool drains

        QSet<quint32> kids;
        std::optional<quint32> lastResortKid;
        for (int i = 0; i < sdk::Client::PrekeyPoolTarget + 2; ++i) {
            auto bundle = request(*nora, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"mona"_s}}));
            QVERIFY(bundle);
            QCOMPARE(bundle->type, u"bundle"_s);
            const QCborMap dev = bundle->array("devices"_L1).at(0).toMap();
            const quint32 kid = quint32(dev.value(u"pk"_s).toMap().value(u"kid"_s).toInteger());
            if (dev.value(u"lr"_s).toBool()) {
                QVERIFY2(i >= sdk::Client::PrekeyPoolTarget, "last-resort key handed out while one-time keys remained");
                if (lastResortKid)
                    QCOMPARE(kid, *lastResortKid);
                lastResortKid = kid;
            } else {
                QVERIFY2(!kids.contains(kid), "a one-time prekey was handed out twice");
                kids.insert(kid);
            }
        }
        QCOMPARE(kids.size(), sdk::Client::PrekeyPoolTarget);
        QVERIFY(lastResortKid.has_value());

        // A message wrapped to the last-resort key still reaches mona.
        QVERIFY(!nora->sendAndWait({u"mona"_s}, u"via last resort"_s).isEmpty());

        // Back online, mona learns its pool is empty and refills it.
        QVERIFY(mona->connectNow());
        QTRY_COMPARE_WITH_TIMEOUT(mona->inbox.size(), 1, WaitMs);
        QCOMPARE(mona->inbox.first().text, u"via last resort"_s);
        auto after = request(*nora, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"mona"_s}}));
        QVERIFY(after);
        QCOMPARE(after->type, u"bundle"_s);
        QVERIFY(!after->array("devices"_L1).at(0).toMap().value(u"lr"_s).toBool());

        // While online, draining below the threshold sends `refill` and the SDK uploads more. (The login found the pool
        // empty and got a `refill` then; only the ones after it count here.)
        QTRY_VERIFY_WITH_TIMEOUT(!mona->client().prekeyUploadPending(), WaitMs);
        mona->frames.clear();
        for (int i = 0; i < sdk::Client::PrekeyPoolTarget - 10; ++i)
            QVERIFY(request(*nora, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"mona"_s}})));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(mona->frames.cbegin(), mona->frames.cend(),
                                             [](const protocol::Frame &f) { return f.type == u"refill"_s; }),
                                 WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!mona->client().prekeyUploadPending(), WaitMs);
        for (int i = 0; i < 20; ++i) {
            auto b = request(*nora, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"mona"_s}}));
            QVERIFY(b);
            QVERIFY(!b->array("devices"_L1).at(0).toMap().value(u"lr"_s).toBool());
        }
    }

    void concurrentFetchesNeverShareAPrekey()
    {
        auto olga = device(u"olga"_s);
        QVERIFY(olga);
        olga->close();
        std::vector<std::unique_ptr<Device>> requesters;
        for (int i = 0; i < 4; ++i) {
            requesters.push_back(device(u"fetcher%1"_s.arg(i)));
            QVERIFY(requesters.back());
        }
        // 4 connections (spread over both workers) x 30 pipelined fetches against a pool of 100.
        QList<QPair<Device *, quint64>> ids;
        for (int round = 0; round < 30; ++round) {
            for (auto &r : requesters)
                ids.append({r.get(), r->client().sendFrame(protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"olga"_s}}))});
        }
        QList<quint32> oneTime;
        int lastResort = 0;
        for (const auto &[dev, id] : std::as_const(ids)) {
            QTRY_VERIFY_WITH_TIMEOUT(dev->replyTo(id).has_value(), WaitMs);
            const protocol::Frame reply = *dev->replyTo(id);
            QCOMPARE(reply.type, u"bundle"_s);
            const QCborMap d = reply.array("devices"_L1).at(0).toMap();
            if (d.value(u"lr"_s).toBool())
                ++lastResort;
            else
                oneTime.append(quint32(d.value(u"pk"_s).toMap().value(u"kid"_s).toInteger()));
        }
        const QSet<quint32> distinct(oneTime.cbegin(), oneTime.cend());
        QCOMPARE(distinct.size(), oneTime.size());
        QCOMPARE(oneTime.size(), sdk::Client::PrekeyPoolTarget);
        QCOMPARE(lastResort, 120 - sdk::Client::PrekeyPoolTarget);
    }

    void malformedFramesGetErrorsAndOthersAreServed()
    {
        auto pat = device(u"pat"_s);
        auto quinn = device(u"quinn"_s);
        QVERIFY(pat && quinn);

        QWebSocket raw;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        raw.setSslConfiguration(tls);
        QList<protocol::Frame> got;
        connect(&raw, &QWebSocket::binaryMessageReceived, this, [&got](const QByteArray &data) {
            auto decoded = protocol::decode(data, protocol::Direction::ServerToClient);
            if (auto *f = std::get_if<protocol::Frame>(&decoded))
                got.append(*f);
        });
        QSignalSpy connected(&raw, &QWebSocket::connected);
        QSignalSpy closed(&raw, &QWebSocket::disconnected);
        raw.open(daemon.url());
        QVERIFY(connected.wait(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, WaitMs);
        QCOMPARE(got.first().type, u"hello"_s);

        const auto lastError = [&got]() { return got.isEmpty() ? QString() : got.last().text("code"_L1); };
        raw.sendBinaryMessage(QByteArray::fromHex("a2617466"));                          // truncated map
        QTRY_COMPARE_WITH_TIMEOUT(lastError(), u"bad_frame"_s, WaitMs);
        raw.sendBinaryMessage(protocol::encode(protocol::Frame(u"no_such_type"_s, 7)));
        QTRY_COMPARE_WITH_TIMEOUT(lastError(), u"unknown_type"_s, WaitMs);
        QCOMPARE(got.last().id, 7u);
        raw.sendBinaryMessage(protocol::encode(protocol::Frame(u"login"_s, 8, QCborMap{{u"user"_s, 42}})));
        QTRY_COMPARE_WITH_TIMEOUT(lastError(), u"bad_field"_s, WaitMs);
        raw.sendBinaryMessage(protocol::encode(protocol::Frame(u"devices"_s, 9, QCborMap{{u"users"_s, QCborArray{u"x"_s}}})));
        QTRY_COMPARE_WITH_TIMEOUT(lastError(), u"not_authenticated"_s, WaitMs);

        // Meanwhile everyone else is served.
        QVERIFY(!pat->sendAndWait({u"quinn"_s}, u"still here"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(quinn->inbox.size(), 1, WaitMs);

        // An oversize frame is refused and the abusive connection is closed.
        raw.sendBinaryMessage(QByteArray(2 * 1024 * 1024, 'x'));
        QVERIFY(!closed.isEmpty() || closed.wait(WaitMs));
        QVERIFY(raw.closeCode() == QWebSocketProtocol::CloseCodeTooMuchData
                || raw.closeCode() == QWebSocketProtocol::CloseCodePolicyViolated);

        // A second abuser: five refused frames close the connection with 1008.
        QWebSocket abuser;
        abuser.setSslConfiguration(tls);
        QSignalSpy abuserUp(&abuser, &QWebSocket::connected);
        QSignalSpy abuserClosed(&abuser, &QWebSocket::disconnected);
        abuser.open(daemon.url());
        QVERIFY(abuserUp.wait(WaitMs));
        for (int i = 0; i < 5; ++i)
            abuser.sendBinaryMessage(QByteArray("\xff\xff\xff", 3));
        QVERIFY(!abuserClosed.isEmpty() || abuserClosed.wait(WaitMs));
        QCOMPARE(abuser.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

        QVERIFY(!quinn->sendAndWait({u"pat"_s}, u"and still"_s).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(pat->inbox.size(), 1, WaitMs);
    }

    void prekeyFetchesAreRateLimited()
    {
        Daemon strict;   // default limits: 5 fetches per requester and target device, then one a minute
        QVERIFY(strict.start());
        Device rita(strict, u"rita"_s);
        Device sam(strict, u"sam"_s);
        QVERIFY(rita.enroll() && sam.enroll());
        for (int i = 0; i < 5; ++i) {
            auto b = request(sam, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"rita"_s}}));
            QVERIFY(b);
            QCOMPARE(b->type, u"bundle"_s);
        }
        auto limited = request(sam, protocol::Frame(u"fetch"_s, 0, QCborMap{{u"user"_s, u"rita"_s}}));
        QVERIFY(limited);
        QCOMPARE(limited->type, u"error"_s);
        QCOMPARE(limited->text("code"_L1), u"rate_limited"_s);
        QVERIFY(limited->uint("retry"_L1) > 0);
        rita.close();
        sam.close();
        QVERIFY(strict.terminate());
    }

    // Last: nothing that was ever sent in this run may be readable in anything the daemon wrote.
    void noPlaintextInDatabaseOrLogs()
    {
        auto tom = device(u"tom"_s);
        auto uma = device(u"uma"_s);
        QVERIFY(tom && uma);
        uma->close();
        const QString marker = u"PLAINTEXT-MARKER-%1"_s.arg(QString::fromLatin1(crypto::randomBytes(8).toHex()));
        QVERIFY(!tom->sendAndWait({u"uma"_s}, marker).isEmpty());

        // Queued (ciphertext on disk), the plaintext is nowhere.
        const QByteArray whileQueued = daemon.everythingWritten();
        QVERIFY(!whileQueued.contains(marker.toUtf8()));
        QVERIFY(!whileQueued.contains("hello bob"));
        QVERIFY(!whileQueued.contains("durable 1"));

        QVERIFY(uma->connectNow());
        QTRY_COMPARE_WITH_TIMEOUT(uma->inbox.size(), 1, WaitMs);
        QCOMPARE(uma->inbox.first().text, marker);
        uma->close();
        tom->close();
        QVERIFY(daemon.terminate());

        const QByteArray all = daemon.everythingWritten();
        QVERIFY(!all.isEmpty());
        for (const QByteArray &needle : {marker.toUtf8(), QByteArray("hello bob"), QByteArray("message 1"),
                                         QByteArray("durable 1"), QByteArray("only once"), QByteArray("still here")})
            QVERIFY2(!all.contains(needle), needle.constData());
        QVERIFY(!all.contains(TestPassphrase));
        // No IP addresses in the logs.
        const QByteArray logs = Daemon::readFile(daemon.stderrFile());
        QVERIFY2(!logs.contains("127.0.0.1"), "the log names an IP address");
    }
};

QTEST_MAIN(TestEndToEnd)
#include "tst_e2e.moc"
