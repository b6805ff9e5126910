// The SDK client against MiniRelay (minirelay.h), a small in-process relay that speaks docs/protocol.md over real
// TLS: sending and receiving, device_mismatch and rate_limited retries, send outcomes and their callbacks, trust on
// first use, dedupe of redelivered messages, verification failures, and raw frames (replay). Every frame the client
// sends is checked with the strict protocol decoder.

#include "clienttest.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/profile.h"

#include <QCborArray>
#include <QCborMap>
#include <QSignalSpy>
#include <QWebSocket>
#include <QtTest>

#include <algorithm>

using namespace parley;
using namespace parley::sdk;
using namespace parley::sdktest;
using namespace Qt::StringLiterals;

class TestClientMessaging : public ClientTest {
    Q_OBJECT

private Q_SLOTS:
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
};

QTEST_GUILESS_MAIN(TestClientMessaging)
#include "tst_clientmessaging.moc"
