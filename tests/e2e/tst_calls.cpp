// Call set-up end to end (docs/calls.md): a real parleyd over real TLS with the real SDK. Offer, answer and ICE
// candidates between two users' devices, the callee's other device told that the call was answered elsewhere, a
// refused and an unanswered call, a call set-up that is not delivered once its short lifetime is over, and a room
// call whose media key changes whenever a participant joins or leaves: a newcomer never holds an earlier key, one
// who left never a later one, and a member who never joined none. Forged signals (a join from outside the room, a
// key from a participant who does not own the call) change nothing. What the server wrote holds no description,
// candidate or media key.

#include "harness.h"
#include "roomtest.h"

#include "sdk/calls.h"
#include "sdk/rooms.h"

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

namespace {

// Everything one device's Calls reported.
struct CallProbe : QObject {
    explicit CallProbe(sdk::Client &client) : calls(client)
    {
        connect(&calls, &sdk::Calls::incomingCall, this, [this](const sdk::Calls::Call &c, const QString &sdp) {
            incoming.append({c, sdp});
        });
        connect(&calls, &sdk::Calls::answered, this,
                [this](const QByteArray &, const QString &from, quint32 device, const QString &sdp) {
                    answers.append({from, device, sdp});
                });
        connect(&calls, &sdk::Calls::candidatesReceived, this,
                [this](const QByteArray &, const QString &from, const QStringList &c) { candidates.append({from, c}); });
        connect(&calls, &sdk::Calls::descriptionReceived, this,
                [this](const QByteArray &, const QString &from, bool offer, const QString &sdp) {
                    descriptions.append({from, offer, sdp});
                });
        connect(&calls, &sdk::Calls::mediaKeyChanged, this,
                [this](const QByteArray &, quint32 epoch, const QByteArray &key, const QStringList &participants) {
                    keys.append({epoch, key, participants});
                });
        connect(&calls, &sdk::Calls::ended, this, [this](const QByteArray &, const QString &why) { endings.append(why); });
        connect(&calls, &sdk::Calls::signalFailed, this,
                [](const QByteArray &, const QString &why) { qWarning().noquote() << "signal failed:" << why; });
    }

    struct Incoming {
        sdk::Calls::Call call;
        QString sdp;
    };
    struct Answer {
        QString from;
        quint32 device;
        QString sdp;
    };
    struct Candidates {
        QString from;
        QStringList lines;
    };
    struct Description {
        QString from;
        bool offer;
        QString sdp;
    };
    struct Key {
        quint32 epoch;
        QByteArray key;
        QStringList participants;
    };

    const Key *keyOf(quint32 epoch) const
    {
        for (const Key &k : keys) {
            if (k.epoch == epoch)
                return &k;
        }
        return nullptr;
    }
    quint32 lastEpoch() const { return keys.isEmpty() ? 0 : keys.last().epoch; }

    sdk::Calls calls;
    QList<Incoming> incoming;
    QList<Answer> answers;
    QList<Candidates> candidates;
    QList<Description> descriptions;
    QList<Key> keys;
    QStringList endings;
};

// A session description and candidates as a WebRTC stack writes them, each with a marker to look for on disk.
QString offerSdp(const QString &marker)
{
    return u"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
           u"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:%1\r\na=ice-pwd:%1pwd0123456789\r\n"
           u"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
           u"a=setup:actpass\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"_s.arg(marker);
}

QString candidate(const QString &marker, int n)
{
    return u"candidate:%1%2 1 udp 2122260223 192.0.2.%2 5%2000 typ host generation 0 ufrag %1"_s.arg(marker).arg(n);
}

} // namespace

class TestCalls : public QObject {
    Q_OBJECT

private:
    Daemon daemon{u"[limits]\nfetch_burst=1000\nsweep_seconds=1\n"_s};
    QStringList secrets;   // markers and keys that must never reach the server's disk or logs

    std::unique_ptr<Device> device(const QString &user)
    {
        auto d = std::make_unique<Device>(daemon, user);
        if (!d->enroll())
            return nullptr;
        return d;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(daemon.start()); }

    void callToAUser()
    {
        auto alice = device(u"alice"_s), bob1 = device(u"bob"_s), bob2 = device(u"bob"_s);
        QVERIFY(alice && bob1 && bob2);
        CallProbe a(alice->client()), b1(bob1->client()), b2(bob2->client());

        const QString offer = offerSdp(u"offeralice1"_s);
        const QByteArray id = a.calls.call(u"bob"_s, offer);
        QCOMPARE(id.size(), 16);
        QCOMPARE(a.calls.call(id)->state, sdk::Calls::State::Calling);
        const QByteArray key = a.calls.call(id)->mediaKey;
        QCOMPARE(key.size(), 32);
        secrets << u"offeralice1"_s << QString::fromLatin1(key.toHex());

        // Both of bob's devices ring with alice's description and the call's first media key.
        for (CallProbe *p : {&b1, &b2}) {
            QTRY_COMPARE_WITH_TIMEOUT(p->incoming.size(), 1, WaitMs);
            const CallProbe::Incoming &in = p->incoming.first();
            QCOMPARE(in.call.id, id);
            QCOMPARE(in.call.peer, u"alice"_s);
            QVERIFY(in.call.room.isEmpty());
            QCOMPARE(in.call.state, sdk::Calls::State::Ringing);
            QCOMPARE(in.sdp, offer);
            QCOMPARE(in.call.mediaKey, key);
        }
        // A call signal is not a message.
        QVERIFY(bob1->inbox.isEmpty() && bob2->inbox.isEmpty());

        const QString answer = offerSdp(u"answerbob1"_s);
        secrets << u"answerbob1"_s;
        b1.calls.answer(id, answer);
        QTRY_COMPARE_WITH_TIMEOUT(a.answers.size(), 1, WaitMs);
        QCOMPARE(a.answers.first().from, u"bob"_s);
        QCOMPARE(a.answers.first().device, bob1->number());
        QCOMPARE(a.answers.first().sdp, answer);
        QCOMPARE(a.calls.call(id)->state, sdk::Calls::State::Active);
        QTRY_COMPARE_WITH_TIMEOUT(b2.endings, QStringList{u"answered_elsewhere"_s}, WaitMs);
        QVERIFY(!b2.calls.call(id));
        // Both ends hold key 0.
        QCOMPARE(a.keys.size(), 1);
        QCOMPARE(b1.keys.size(), 1);
        QCOMPARE(a.keys.first().key, key);
        QCOMPARE(b1.keys.first().key, key);
        QCOMPARE(b1.keys.first().participants, (QStringList{u"alice"_s, u"bob"_s}));

        // ICE candidates both ways.
        const QStringList aliceCandidates{candidate(u"candalice"_s, 1), candidate(u"candalice"_s, 2)};
        const QStringList bobCandidates{candidate(u"candbob"_s, 3)};
        secrets << u"candalice"_s << u"candbob"_s;
        a.calls.sendCandidates(id, aliceCandidates);
        b1.calls.sendCandidates(id, bobCandidates);
        QTRY_COMPARE_WITH_TIMEOUT(b1.candidates.size(), 1, WaitMs);
        QCOMPARE(b1.candidates.first().from, u"alice"_s);
        QCOMPARE(b1.candidates.first().lines, aliceCandidates);
        QTRY_COMPARE_WITH_TIMEOUT(a.candidates.size(), 1, WaitMs);
        QCOMPARE(a.candidates.first().lines, bobCandidates);

        a.calls.hangUp(id);
        QCOMPARE(a.endings, QStringList{u"hung_up"_s});
        QTRY_COMPARE_WITH_TIMEOUT(b1.endings, QStringList{u"remote_hung_up"_s}, WaitMs);
        QTest::qWait(500);
        QVERIFY(b2.candidates.isEmpty());   // the device that did not answer is out of the call
    }

    void refusedAndUnansweredCalls()
    {
        auto carol = device(u"carol"_s), dave1 = device(u"dave"_s), dave2 = device(u"dave"_s);
        QVERIFY(carol && dave1 && dave2);
        CallProbe c(carol->client()), d1(dave1->client()), d2(dave2->client());
        for (CallProbe *p : {&c, &d1, &d2})
            p->calls.setSignalLifetime(3);

        const QByteArray id = c.calls.call(u"dave"_s, offerSdp(u"refused"_s));
        QTRY_COMPARE_WITH_TIMEOUT(d1.incoming.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(d2.incoming.size(), 1, WaitMs);
        d1.calls.decline(id);
        QTRY_COMPARE_WITH_TIMEOUT(c.endings, QStringList{u"declined"_s}, WaitMs);
        QCOMPARE(d1.endings, QStringList{u"declined"_s});
        QTRY_COMPARE_WITH_TIMEOUT(d2.endings, QStringList{u"declined_elsewhere"_s}, WaitMs);
        QVERIFY(c.keys.isEmpty());   // no key is in use for a call nobody took

        // Nobody answers: the caller gives up after the lifetime and both of dave's devices stop ringing.
        const QByteArray unanswered = c.calls.call(u"dave"_s, offerSdp(u"unanswered"_s));
        QTRY_COMPARE_WITH_TIMEOUT(d1.incoming.size(), 2, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(c.endings.size(), 2, WaitMs);
        QCOMPARE(c.endings.last(), u"no_answer"_s);
        QTRY_COMPARE_WITH_TIMEOUT(d1.endings.size(), 2, WaitMs);
        QCOMPARE(d1.endings.last(), u"missed"_s);
        QVERIFY(!d1.calls.call(unanswered));
    }

    // A call set-up lives for its short lifetime only: a device that comes online later never rings.
    void callSetUpIsLiveOnly()
    {
        auto erin = device(u"erin"_s), frank = device(u"frank"_s);
        QVERIFY(erin && frank);
        frank->close();
        CallProbe e(erin->client());
        e.calls.setSignalLifetime(2);
        e.calls.call(u"frank"_s, offerSdp(u"tooLate"_s));
        QTRY_COMPARE_WITH_TIMEOUT(e.endings, QStringList{u"no_answer"_s}, WaitMs);
        QTest::qWait(1500);   // past the expiry and a sweep

        // Control: an ordinary message sent at the same time does arrive.
        QVERIFY(!erin->sendAndWait({u"frank"_s}, u"are you there?"_s).isEmpty());
        std::unique_ptr<CallProbe> probe;
        frank->clientHook = [&probe](sdk::Client &client) { probe = std::make_unique<CallProbe>(client); };
        QVERIFY(frank->connectNow());
        QVERIFY(probe);
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*frank, u"are you there?"_s), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(frank->syncedCount > 0, WaitMs);
        QTest::qWait(500);
        QVERIFY(probe->incoming.isEmpty());
    }

    void roomCallKeysFollowTheParticipants()
    {
        auto gina = device(u"gina"_s), hank = device(u"hank"_s), ivy = device(u"ivy"_s), jon = device(u"jon"_s),
             eve = device(u"eve"_s);
        QVERIFY(gina && hank && ivy && jon && eve);
        sdk::Rooms rooms(gina->client());
        const QString room = u"standup"_s;
        auto created = await<protocol::RoomState>([&](QObject *ctx, auto done) {
            rooms.create(room, u"Stand-up"_s, QString(), std::nullopt, std::nullopt, ctx, done);
        });
        QVERIFY(created && *created);
        for (const QString &u : {u"hank"_s, u"ivy"_s, u"jon"_s}) {
            auto added = await<protocol::RoomState>([&](QObject *ctx, auto done) {
                rooms.change(room, protocol::RoomOp::Add, u, ctx, done);
            });
            QVERIFY(added && *added);
        }
        CallProbe g(gina->client()), h(hank->client()), i(ivy->client()), j(jon->client()), e(eve->client());

        const QByteArray id = g.calls.ringRoom(room);
        QCOMPARE(g.keys.size(), 1);
        QCOMPARE(g.keys.first().epoch, 0u);
        QCOMPARE(g.keys.first().participants, QStringList{u"gina"_s});
        for (CallProbe *p : {&h, &i, &j}) {
            QTRY_COMPARE_WITH_TIMEOUT(p->incoming.size(), 1, WaitMs);
            QCOMPARE(p->incoming.first().call.id, id);
            QCOMPARE(p->incoming.first().call.room, room);
            QCOMPARE(p->incoming.first().call.owner, u"gina"_s);
            QVERIFY(p->incoming.first().call.mediaKey.isEmpty());   // ringing is not being let in
        }
        QVERIFY(e.incoming.isEmpty());

        h.calls.join(id);
        QTRY_VERIFY_WITH_TIMEOUT(h.keyOf(1), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(g.keyOf(1), WaitMs);
        QCOMPARE(h.keyOf(1)->key, g.keyOf(1)->key);
        QCOMPARE(h.keyOf(1)->participants, (QStringList{u"gina"_s, u"hank"_s}));
        QVERIFY(!h.keyOf(0));   // hank never holds the key from before he joined
        QCOMPARE(h.calls.call(id)->state, sdk::Calls::State::Active);

        i.calls.join(id);
        QTRY_VERIFY_WITH_TIMEOUT(i.keyOf(2), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(h.keyOf(2), WaitMs);
        QCOMPARE(i.keyOf(2)->key, g.keyOf(2)->key);
        QCOMPARE(h.keyOf(2)->key, g.keyOf(2)->key);
        QCOMPARE(i.keyOf(2)->participants, (QStringList{u"gina"_s, u"hank"_s, u"ivy"_s}));
        QVERIFY(!i.keyOf(1));

        // Pairwise negotiation between participants, and candidates to everyone in the call.
        i.calls.sendDescription(id, u"hank"_s, true, offerSdp(u"pairivy"_s));
        QTRY_COMPARE_WITH_TIMEOUT(h.descriptions.size(), 1, WaitMs);
        QCOMPARE(h.descriptions.first().from, u"ivy"_s);
        QVERIFY(h.descriptions.first().offer);
        h.calls.sendDescription(id, u"ivy"_s, false, offerSdp(u"pairhank"_s));
        QTRY_COMPARE_WITH_TIMEOUT(i.descriptions.size(), 1, WaitMs);
        QVERIFY(!i.descriptions.first().offer);
        i.calls.sendCandidates(id, {candidate(u"roomivy"_s, 4)});
        QTRY_COMPARE_WITH_TIMEOUT(g.candidates.size(), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(h.candidates.size(), 1, WaitMs);
        secrets << u"pairivy"_s << u"pairhank"_s << u"roomivy"_s;

        // Forgeries: eve (not a member) asks to join; ivy (not the owner) hands hank a key of her own.
        const int ginaKeys = g.keys.size();
        sdk::CallSignal join;
        join.kind = sdk::CallSignal::Kind::Join;
        join.callId = id;
        join.room = room;
        QVERIFY(!e.calls.call(id));
        QSignalSpy eveSent(&eve->client(), &sdk::Client::accepted);
        eve->client().send({u"gina"_s}, sdk::MessageContent{QString(), join, {}}, {}, nullptr, {});
        QVERIFY(!eveSent.isEmpty() || eveSent.wait(WaitMs));
        sdk::CallSignal forged;
        forged.kind = sdk::CallSignal::Kind::Key;
        forged.callId = id;
        forged.room = room;
        forged.mediaKey = QByteArray(32, 'F');
        forged.epoch = 99;
        forged.participants = {u"hank"_s, u"ivy"_s};
        QSignalSpy ivySent(&ivy->client(), &sdk::Client::accepted);
        ivy->client().send({u"hank"_s}, sdk::MessageContent{QString(), forged, {}}, {}, nullptr, {});
        QVERIFY(!ivySent.isEmpty() || ivySent.wait(WaitMs));
        QTest::qWait(1500);
        QCOMPARE(g.keys.size(), ginaKeys);
        QCOMPARE(h.lastEpoch(), 2u);
        QCOMPARE(g.calls.call(id)->participants, (QStringList{u"gina"_s, u"hank"_s, u"ivy"_s}));

        // hank leaves: a new key for those who remain, and none for him.
        h.calls.hangUp(id);
        QCOMPARE(h.endings, QStringList{u"hung_up"_s});
        QTRY_VERIFY_WITH_TIMEOUT(g.keyOf(3), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(i.keyOf(3), WaitMs);
        QCOMPARE(i.keyOf(3)->key, g.keyOf(3)->key);
        QCOMPARE(g.keyOf(3)->participants, (QStringList{u"gina"_s, u"ivy"_s}));

        // The owner leaves: ivy, the first who remains, takes over and makes the next key.
        g.calls.hangUp(id);
        QTRY_VERIFY_WITH_TIMEOUT(i.keyOf(4), WaitMs);
        QCOMPARE(i.keyOf(4)->participants, QStringList{u"ivy"_s});
        QCOMPARE(i.calls.call(id)->owner, u"ivy"_s);
        QTest::qWait(1000);
        QCOMPARE(h.lastEpoch(), 2u);
        QVERIFY(!g.keyOf(4));

        // Every key was new; jon, who never joined, holds none.
        QSet<QByteArray> distinct;
        for (quint32 n = 0; n <= 4; ++n) {
            const CallProbe::Key *k = n == 4 ? i.keyOf(4) : g.keyOf(n);
            QVERIFY(k);
            QCOMPARE(k->key.size(), 32);
            distinct.insert(k->key);
            secrets << QString::fromLatin1(k->key.toHex());
        }
        QCOMPARE(distinct.size(), 5);
        QVERIFY(j.keys.isEmpty());
        QVERIFY(e.keys.isEmpty());
    }

    // What the server wrote (its logs, its database and WAL) holds no description, candidate or media key.
    void serverHoldsNoCallContent()
    {
        QVERIFY(!secrets.isEmpty());
        const QByteArray written = daemon.everythingWritten();
        QVERIFY(written.size() > 0);
        for (const QString &s : std::as_const(secrets)) {
            QVERIFY2(!written.contains(s.toUtf8()), qPrintable(u"found on the server: "_s + s));
            if (s.size() == 64)   // a key in hex: look for its raw bytes too
                QVERIFY(!written.contains(QByteArray::fromHex(s.toLatin1())));
        }
        QVERIFY(!written.contains("a=fingerprint"));
    }
};

QTEST_MAIN(TestCalls)
#include "tst_calls.moc"
