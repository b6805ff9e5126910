// The SDK client against a hostile server: MiniRelay (minirelay.h) serving room chains the test wrote, relaying
// messages it should have refused and rewriting what it delivers. Each attack must be refused by the receiving or
// sending client with its own reason (docs/protocol.md "What a client must check"): a room message from a
// non-member or to a non-member, a message whose signed recipients do not name the recipient, a sender relabelled
// by the server, a replayed message, a rolled-back, forked or forged room chain (also after the profile was closed
// and opened again), a prekey with a bad signature and a device key not certified by its user's root key.

#include "clienttest.h"

#include "crypto/crypto.h"
#include "protocol/roomchain.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/envelope.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

#include <QCborArray>
#include <QCborMap>
#include <QSignalSpy>
#include <QtTest>

#include <optional>

using namespace parley;
using namespace parley::sdk;
using namespace parley::sdktest;
using namespace Qt::StringLiterals;

class TestHostileServer : public ClientTest {
    Q_OBJECT

private:
    const QString room = u"den"_s;

    // Appends a record signed by `actor`'s device to the relay's chain of `name` (and returns it).
    protocol::RoomEntry appendRecord(const Party &actor, const QString &name, protocol::RoomOp op, const QString &target,
                                     bool append = true)
    {
        Result<SenderIdentity> me = actor.client->identity();
        if (!me)
            qFatal("no identity");
        QList<protocol::RoomEntry> &chain = relay->rooms[name];
        protocol::RoomRecord r;
        r.room = name;
        r.seq = quint64(chain.size());
        r.prev = chain.isEmpty() ? QByteArray() : crypto::sha512(chain.last().rec);
        r.op = op;
        r.target = target;
        r.actor = me->user;
        r.actorDevice = me->device;
        r.at = quint64(QDateTime::currentMSecsSinceEpoch());
        if (op == protocol::RoomOp::Create)
            r.policy = protocol::RoomPolicy{u"Den"_s, QString(), 0, false};
        const QByteArray bytes = r.encode();
        const MiniRelay::Device &device = relay->users[me->user].devices[me->device];
        const protocol::RoomEntry entry{bytes, me->deviceKey.sign(bytes).value(), device.pub, device.sig};
        if (append)
            chain.append(entry);
        return entry;
    }

    // The room `den`: alice creates it and adds bob (and then carol, when asked).
    void makeRoom(const Party &alice, bool withCarol = false)
    {
        appendRecord(alice, room, protocol::RoomOp::Create, u"alice"_s);
        appendRecord(alice, room, protocol::RoomOp::Add, u"bob"_s);
        if (withCarol)
            appendRecord(alice, room, protocol::RoomOp::Add, u"carol"_s);
    }

    Result<protocol::RoomState> fetchChain(Client &client)
    {
        Rooms rooms(client);
        std::optional<Result<protocol::RoomState>> result;
        rooms.fetch(room, this, [&result](Result<protocol::RoomState> r) { result.emplace(r); });
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, Timeout))
            return makeError(ErrorCode::Timeout, u"timeout"_s);
        return *result;
    }

    static protocol::MessageOptions inRoom(const QString &name)
    {
        protocol::MessageOptions options;
        options.room = name;
        return options;
    }

    // The first reason `bob` reported, once it did; the message was acked and is in the dedupe log.
    static QString refusal(QSignalSpy &failures)
    {
        if (failures.isEmpty() && !failures.wait(Timeout))
            return u"(none)"_s;
        return failures.first().at(2).toString();
    }

    // A new run: the client and the profile closed, the profile opened again from disk.
    void reopen(Party &party)
    {
        const QString dir = party.profile->directory();
        party.client.reset();
        party.profile.reset();
        Result<std::unique_ptr<Profile>> opened = Profile::open(dir, "pass");
        QVERIFY(opened);
        party.profile = std::move(opened.value());
        party.client = std::make_unique<Client>(*party.profile);
        QVERIFY(waitLoggedIn(*party.client));
    }

private Q_SLOTS:
    void roomMessageFromAMemberIsShown()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        makeRoom(alice);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        alice.client->send({u"alice"_s, u"bob"_s}, u"welcome"_s, inRoom(room));
        QVERIFY(received.wait(Timeout));
        QCOMPARE(received.first().at(0).value<IncomingMessage>().room, room);
        QVERIFY(failures.isEmpty());
    }

    void roomMessageFromANonMemberIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        Party mallory = enrolled(u"mallory"_s);
        makeRoom(alice);
        QVERIFY(fetchChain(*bob.client));   // bob knows the chain already: the refusal fetches it once more
        QSignalSpy aliceFailures(alice.client.get(), &Client::verificationFailed);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        const int fetchesBefore = int(std::count_if(relay->received.cbegin(), relay->received.cend(),
                                                    [](const protocol::Frame &f) { return f.type == u"room_get"_s; }));
        const QByteArray mid = mallory.client->send({u"alice"_s, u"bob"_s}, u"let me in"_s, inRoom(room));
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"not_a_member: mallory is not a member of room den"_s), qPrintable(reason));
        QCOMPARE(failures.first().at(0).toString(), u"mallory"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!relay->acked.isEmpty(), Timeout);
        QVERIFY(bob.profile->received().contains(u"mallory"_s, 1, mid));
        QVERIFY2(refusal(aliceFailures).startsWith(u"not_a_member: "_s), qPrintable(refusal(aliceFailures)));
        // One fetch by bob for the message, and alice's first (she had not seen the chain yet; she refuses it too).
        QCOMPARE(int(std::count_if(relay->received.cbegin(), relay->received.cend(),
                                   [](const protocol::Frame &f) { return f.type == u"room_get"_s; })),
                 fetchesBefore + 2);
        QTest::qWait(50);
        QVERIFY(received.isEmpty());
    }

    void unfetchableChainLeavesTheMessageQueued()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        makeRoom(alice);
        relay->intercept = [this](QWebSocket *ws, const protocol::Frame &f) {
            if (f.type != u"room_get"_s)
                return false;
            relay->send(ws, MiniRelay::error(f.id, u"internal"_s, u"the store failed"_s));
            return true;
        };
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        QSignalSpy errors(bob.client.get(), &Client::errorOccurred);
        alice.client->send({u"alice"_s, u"bob"_s}, u"later"_s, inRoom(room));
        QTRY_COMPARE_WITH_TIMEOUT(bob.client->state(), Client::State::Disconnected, Timeout);
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.first().at(0).toString(), u"unavailable"_s);
        QVERIFY2(errors.first().at(1).toString().contains(u"could not be fetched"_s), qPrintable(errors.first().at(1).toString()));
        QVERIFY(received.isEmpty());
        QVERIFY(failures.isEmpty());
        QVERIFY(relay->users[u"bob"_s].devices[1].queue.size() == 1);   // not acked
        relay->intercept = nullptr;
        QVERIFY(waitLoggedIn(*bob.client));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Timeout);
        QCOMPARE(received.first().at(0).value<IncomingMessage>().text, u"later"_s);
        QVERIFY(failures.isEmpty());
    }

    void roomMessageToANonMemberIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        appendRecord(alice, room, protocol::RoomOp::Create, u"alice"_s);   // bob is not in it
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        alice.client->send({u"alice"_s, u"bob"_s}, u"not for you"_s, inRoom(room));
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"room_mismatch: bob is not a member of room den"_s), qPrintable(reason));
        // A room the server does not know (or hides) is the same refusal.
        alice.client->send({u"alice"_s, u"bob"_s}, u"nowhere"_s, inRoom(u"attic"_s));
        QTRY_COMPARE_WITH_TIMEOUT(failures.size(), 2, Timeout);
        const QString hidden = failures.last().at(2).toString();
        QVERIFY2(hidden.startsWith(u"room_mismatch: the server does not show room attic to bob"_s), qPrintable(hidden));
        QTest::qWait(50);
        QVERIFY(received.isEmpty());
    }

    void unnamedRecipientIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        Party carol = enrolled(u"carol"_s);
        relay->hostile = true;
        // Signed for carol alone, but the key is wrapped for bob too: the server shows it to bob.
        std::optional<Result<QList<RecipientDevice>>> resolved;
        alice.client->resolveRecipients({u"bob"_s, u"carol"_s}, this, [&](Result<QList<RecipientDevice>> r) { resolved.emplace(r); });
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), Timeout);
        QVERIFY(*resolved);
        auto envelope = Envelope::build(alice.client->identity().value(), {u"carol"_s}, **resolved, u"psst"_s,
                                        quint64(alice.client->serverTimeMs()));
        QVERIFY(envelope);
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy carolReceived(carol.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        alice.client->sendEnvelope(*envelope);
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"recipients_mismatch: the message's signed recipients do not name bob"_s),
                 qPrintable(reason));
        QTRY_COMPARE_WITH_TIMEOUT(carolReceived.size(), 1, Timeout);   // carol is named: hers is fine
        QVERIFY(received.isEmpty());
    }

    void relabelledSenderIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        Party carol = enrolled(u"carol"_s);
        relay->tamper = [](protocol::Frame &msg) { msg.set("from"_L1, u"carol"_s); };   // alice's message as carol's
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        alice.client->send({u"bob"_s}, u"from alice"_s);
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"bad_signature"_s), qPrintable(reason));
        QCOMPARE(failures.first().at(0).toString(), u"carol"_s);
        QTest::qWait(50);
        QVERIFY(received.isEmpty());
    }

    void replayedMessageIsDropped()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        std::optional<protocol::Frame> delivered;
        relay->tamper = [&delivered](protocol::Frame &msg) { delivered = msg; };
        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        alice.client->send({u"bob"_s}, u"once"_s);
        QVERIFY(received.wait(Timeout));
        QVERIFY(delivered);
        // The same sender device and message id again, as a new queue entry (a new seq), in this run and the next.
        relay->deliver(u"bob"_s, 1, *delivered);
        QTRY_COMPARE_WITH_TIMEOUT(relay->acked.size(), 2, Timeout);
        reopen(bob);
        QSignalSpy again(bob.client.get(), &Client::messageReceived);
        relay->deliver(u"bob"_s, 1, *delivered);
        QTRY_COMPARE_WITH_TIMEOUT(relay->acked.size(), 3, Timeout);
        QTest::qWait(50);
        QCOMPARE(received.size(), 1);
        QVERIFY(again.isEmpty());
        QVERIFY(failures.isEmpty());
    }

    void tamperedChainIsRefused_data()
    {
        QTest::addColumn<QString>("attack");
        QTest::addColumn<bool>("newRun");
        QTest::addColumn<QString>("reason");
        QTest::newRow("rolled back, same run") << u"rollback"_s << false << u"chain_rollback"_s;
        QTest::newRow("rolled back, next run") << u"rollback"_s << true << u"chain_rollback"_s;
        QTest::newRow("forked, same run") << u"fork"_s << false << u"chain_fork"_s;
        QTest::newRow("forked, next run") << u"fork"_s << true << u"chain_fork"_s;
        QTest::newRow("not signed by an admin, same run") << u"not_admin"_s << false << u"bad_chain"_s;
        QTest::newRow("not signed by an admin, next run") << u"not_admin"_s << true << u"bad_chain"_s;
    }

    void tamperedChainIsRefused()
    {
        QFETCH(QString, attack);
        QFETCH(bool, newRun);
        QFETCH(QString, reason);
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        Party carol = enrolled(u"carol"_s);
        makeRoom(alice, true);
        auto seen = fetchChain(*bob.client);
        QVERIFY(seen);
        QCOMPARE(seen->nextSeq, 3u);
        const std::optional<RoomHeads::Head> head = bob.profile->roomHeads().head(room);
        QVERIFY(head);
        QCOMPARE(head->seq, 2u);
        QCOMPARE(head->hash, seen->head);
        QList<protocol::RoomEntry> &chain = relay->rooms[room];
        if (attack != u"not_admin"_s)
            chain.removeLast();   // carol's addition: gone (rollback) or replaced (fork)
        if (attack == u"fork"_s) {
            appendRecord(alice, room, protocol::RoomOp::Add, u"mallory"_s);   // validly signed, another history
        } else if (attack == u"not_admin"_s) {
            appendRecord(bob, room, protocol::RoomOp::Add, u"dave"_s);        // bob is no admin
        }
        if (newRun) {
            reopen(bob);
            // A room message is judged against the chain, which is now refused.
            QSignalSpy received(bob.client.get(), &Client::messageReceived);
            QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
            alice.client->send({u"alice"_s, u"bob"_s, u"carol"_s}, u"hello den"_s, inRoom(room));
            const QString refused = refusal(failures);
            QVERIFY2(refused.startsWith(reason + u": "_s), qPrintable(refused));
            QTest::qWait(50);
            QVERIFY(received.isEmpty());
        }
        Rooms rooms(*bob.client);
        QSignalSpy rejected(&rooms, &Rooms::chainRejected);
        auto again = fetchChain(*bob.client);
        QVERIFY(!again);
        QVERIFY2(again.error().message.startsWith(reason + u": "_s), qPrintable(again.error().message));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(bob.profile->roomHeads().head(room), head);   // the stored head stays
    }

    void badPrekeySignatureFailsTheSend()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        for (MiniRelay::Prekey &p : relay->users[u"bob"_s].devices[1].pool)
            p.sig[10] = char(p.sig.at(10) ^ 1);
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        alice.client->send({u"bob"_s}, u"to a forged prekey?"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::BadBundle);
        QVERIFY2(failed.first().at(2).toString().contains(u"is not signed by the device"_s),
                 qPrintable(failed.first().at(2).toString()));
    }

    void substitutedDeviceKeyIsRefused()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        // The server swaps bob's device key for one of its own; the certificate is not the root key's signature.
        const crypto::EcKey fake = crypto::EcKey::generate().value();
        relay->users[u"bob"_s].devices[1].pub = fake.publicPoint();
        QSignalSpy failed(alice.client.get(), &Client::sendFailed);
        alice.client->send({u"bob"_s}, u"to a substituted device?"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::BadCertificate);
        // A message that claims to come from the substituted device is not attributed to bob either.
        QSignalSpy failures(alice.client.get(), &Client::verificationFailed);
        relay->tamper = [](protocol::Frame &msg) { msg.set("from"_L1, u"bob"_s); };
        Party carol = enrolled(u"carol"_s);
        carol.client->send({u"alice"_s}, u"as bob"_s);
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"bad_certificate"_s) || reason.startsWith(u"unknown_device"_s), qPrintable(reason));
    }

    // An envelope from `from` to bob, dated `at`, for bob's devices as `from`'s client resolves them.
    std::optional<Envelope> envelopeToBob(Party &from, const SenderIdentity &signer, const QString &text, qint64 at)
    {
        std::optional<Result<QList<RecipientDevice>>> resolved;
        from.client->resolveRecipients({u"bob"_s}, this, [&](Result<QList<RecipientDevice>> r) { resolved.emplace(r); });
        if (!QTest::qWaitFor([&resolved] { return resolved.has_value(); }, Timeout) || !*resolved)
            return std::nullopt;
        Result<Envelope> envelope = Envelope::build(signer, {u"bob"_s}, **resolved, text, quint64(at));
        return envelope ? std::optional(envelope.value()) : std::nullopt;
    }

    // alice's account gets a new root key and a new device 1; bob accepts it (what `parley trust` does). A message
    // from her old device is then shown, verified and marked, when dated before the old key was superseded; dated
    // later (a server holding the old device key), it is refused like any message the current key did not sign.
    void previousKeyOnlyBeforeItWasSuperseded()
    {
        Party alice = enrolled(u"alice"_s);
        Party bob = enrolled(u"bob"_s);
        relay->hostile = true;
        {
            QSignalSpy received(bob.client.get(), &Client::messageReceived);
            alice.client->send({u"bob"_s}, u"first"_s);
            QVERIFY(received.wait(Timeout));   // bob pins alice's key and keeps her device 1
        }
        const SenderIdentity old = alice.client->identity().value();
        const qint64 before = alice.client->serverTimeMs();
        const crypto::EcKey root = crypto::EcKey::generate().value();
        const crypto::EcKey device = crypto::EcKey::generate().value();
        MiniRelay::User &user = relay->users[u"alice"_s];
        user.root = root.publicPoint();
        user.devices[1].pub = device.publicPoint();
        user.devices[1].sig = root.sign(protocol::deviceStatement(u"alice"_s, device.publicPoint())).value();
        QVERIFY(bob.profile->trust().supersede(u"alice"_s, QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(bob.profile->saveTrust());
        reopen(bob);
        const qint64 superseded = bob.profile->trust().previous(u"alice"_s, before).first().supersededAt;

        QSignalSpy received(bob.client.get(), &Client::messageReceived);
        QSignalSpy failures(bob.client.get(), &Client::verificationFailed);
        const std::optional<Envelope> early = envelopeToBob(alice, old, u"sent before"_s, before);
        QVERIFY(early);
        alice.client->sendEnvelope(*early);
        QVERIFY(received.wait(Timeout));
        const IncomingMessage shown = received.first().at(0).value<IncomingMessage>();
        QCOMPARE(shown.text, u"sent before"_s);
        QVERIFY(shown.verified);
        QVERIFY(shown.previousKey);
        QVERIFY(failures.isEmpty());
        QCOMPARE(bob.profile->trust().check(u"alice"_s, root.publicPoint()), TrustStore::Match);   // the new key

        const std::optional<Envelope> late = envelopeToBob(alice, old, u"sent after"_s, superseded + 60'000);
        QVERIFY(late);
        alice.client->sendEnvelope(*late);
        const QString reason = refusal(failures);
        QVERIFY2(reason.startsWith(u"bad_signature"_s), qPrintable(reason));
        QCOMPARE(received.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestHostileServer)
#include "tst_hostileserver.moc"
