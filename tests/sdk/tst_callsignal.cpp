// The call signal inside a message's plaintext (sdk/content.h, docs/calls.md "The call map"): every kind round-trips
// through the padded plaintext, a plaintext without a call still reads as before, and every malformed or
// out-of-place field is refused.

#include "sdk/content.h"
#include "sdk/envelope.h"

#include <QCborArray>
#include <QTest>

using namespace parley;
using namespace parley::sdk;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(parley::sdk::CallSignal)

namespace {

CallSignal base(CallSignal::Kind kind)
{
    CallSignal s;
    s.kind = kind;
    s.callId = QByteArray(16, '\x11');
    return s;
}

QByteArray plaintextWith(const QCborMap &call)
{
    QCborMap m;
    m.insert(u"body"_s, QString());
    m.insert(u"call"_s, call);
    QByteArray bytes = m.toCborValue().toCbor();
    // Pad by hand: a byte string grows the map until its encoding is a multiple of 64 bytes.
    for (int pad = 0; pad < 128; ++pad) {
        QCborMap padded = m;
        padded.insert(u"pad"_s, QByteArray(pad, '\0'));
        bytes = padded.toCborValue().toCbor();
        if (bytes.size() % Envelope::PaddingBlock == 0)
            return bytes;
    }
    return {};
}

} // namespace

class TestCallSignal : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<CallSignal>("signal");
        CallSignal offer = base(CallSignal::Kind::Offer);
        offer.sdp = u"v=0\r\n"_s;
        offer.mediaKey = QByteArray(32, 'k');
        offer.video = true;
        QTest::newRow("offer to a user") << offer;
        CallSignal ring = base(CallSignal::Kind::Offer);
        ring.room = u"standup"_s;
        QTest::newRow("ring in a room") << ring;
        CallSignal pair = ring;
        pair.sdp = u"v=0\r\n"_s;
        QTest::newRow("description in a room call") << pair;
        CallSignal answer = base(CallSignal::Kind::Answer);
        answer.sdp = QString(CallSignal::MaxSdpBytes, u'a');
        QTest::newRow("answer, longest description") << answer;
        CallSignal cand = base(CallSignal::Kind::Candidates);
        for (int i = 0; i < CallSignal::MaxCandidates; ++i)
            cand.candidates << u"candidate:%1 1 udp 1 192.0.2.1 5000 typ host"_s.arg(i);
        QTest::newRow("candidates, most") << cand;
        CallSignal join = base(CallSignal::Kind::Join);
        join.room = u"standup"_s;
        QTest::newRow("join") << join;
        CallSignal key = base(CallSignal::Kind::Key);
        key.room = u"standup"_s;
        key.mediaKey = QByteArray(32, 'n');
        key.epoch = 0xffffffffu;
        key.participants = {u"ann"_s, u"ben"_s};
        QTest::newRow("key") << key;
        QTest::newRow("decline") << base(CallSignal::Kind::Decline);
        QTest::newRow("hangup") << base(CallSignal::Kind::HangUp);
    }

    void roundTrip()
    {
        QFETCH(CallSignal, signal);
        const Result<QByteArray> plain = MessageContent{u"Incoming call"_s, signal, {}}.encode();
        QVERIFY2(plain, qPrintable(plain ? QString() : plain.error().message));
        QCOMPARE(plain->size() % Envelope::PaddingBlock, 0);
        const Result<MessageContent> back = MessageContent::decode(*plain);
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->text, u"Incoming call"_s);
        QVERIFY(back->call);
        QCOMPARE(*back->call, signal);
        // A client that knows only texts reads the body and ignores the call.
        QCOMPARE(Envelope::decodePlaintext(*plain).valueOr({}), u"Incoming call"_s);
    }

    void textHasNoCall()
    {
        const Result<QByteArray> plain = Envelope::encodePlaintext(u"hello"_s);
        QVERIFY(plain);
        const Result<MessageContent> back = MessageContent::decode(*plain);
        QVERIFY(back);
        QCOMPARE(back->text, u"hello"_s);
        QVERIFY(!back->call);
    }

    void refused_data()
    {
        QTest::addColumn<QCborMap>("call");
        const QCborMap hangup = base(CallSignal::Kind::HangUp).toCbor();
        auto with = [](QCborMap m, const QString &key, const QCborValue &v) {
            if (v.isUndefined())
                m.remove(key);
            else
                m.insert(key, v);
            return m;
        };
        QCborMap offer = hangup;
        offer.insert(u"k"_s, u"offer"_s);
        offer.insert(u"sdp"_s, u"v=0"_s);
        offer.insert(u"key"_s, QByteArray(32, 'k'));
        offer.insert(u"ep"_s, 0);
        QVERIFY(CallSignal::fromCbor(offer));   // the rows below break one thing each

        QTest::newRow("kind an array") << QCborMap{{u"k"_s, QCborArray{}}};
        QTest::newRow("unknown kind") << with(hangup, u"k"_s, u"transfer"_s);
        QTest::newRow("kind not text") << with(hangup, u"k"_s, 3);
        QTest::newRow("no id") << with(hangup, u"id"_s, QCborValue());
        QTest::newRow("short id") << with(hangup, u"id"_s, QByteArray(15, 'i'));
        QTest::newRow("id as text") << with(hangup, u"id"_s, QString(16, u'i'));
        QTest::newRow("bad room") << with(hangup, u"room"_s, u"Not A Room"_s);
        QTest::newRow("hangup with sdp") << with(hangup, u"sdp"_s, u"v=0"_s);
        QTest::newRow("offer without sdp") << with(offer, u"sdp"_s, QCborValue());
        QTest::newRow("offer without key") << with(with(offer, u"key"_s, QCborValue()), u"ep"_s, QCborValue());
        QTest::newRow("offer key epoch 1") << with(offer, u"ep"_s, 1);
        QTest::newRow("key without epoch") << with(offer, u"ep"_s, QCborValue());
        QTest::newRow("short key") << with(offer, u"key"_s, QByteArray(31, 'k'));
        QTest::newRow("negative epoch") << with(offer, u"ep"_s, -1);
        QTest::newRow("epoch beyond 32 bits") << with(offer, u"ep"_s, qint64(1) << 32);
        QTest::newRow("room offer with key") << with(offer, u"room"_s, u"standup"_s);
        QTest::newRow("sdp too long") << with(offer, u"sdp"_s, QString(CallSignal::MaxSdpBytes + 1, u'a'));
        QTest::newRow("empty sdp") << with(offer, u"sdp"_s, QString());
        QTest::newRow("sdp as bytes") << with(offer, u"sdp"_s, QByteArray("v=0"));
        QTest::newRow("video not bool") << with(offer, u"video"_s, 1);
        QTest::newRow("video on a hangup") << with(hangup, u"video"_s, true);
        QCborMap cand = with(hangup, u"k"_s, u"candidates"_s);
        QTest::newRow("candidates missing") << cand;
        QTest::newRow("candidates empty") << with(cand, u"cand"_s, QCborArray{});
        QCborArray many;
        for (int i = 0; i <= CallSignal::MaxCandidates; ++i)
            many.append(u"candidate:1"_s);
        QTest::newRow("too many candidates") << with(cand, u"cand"_s, many);
        QTest::newRow("candidate too long") << with(cand, u"cand"_s, QCborArray{QString(CallSignal::MaxCandidateBytes + 1, u'c')});
        QTest::newRow("candidate not text") << with(cand, u"cand"_s, QCborArray{1});
        QCborMap key = with(with(with(hangup, u"k"_s, u"key"_s), u"key"_s, QByteArray(32, 'k')), u"ep"_s, 1);
        key.insert(u"room"_s, u"standup"_s);
        QTest::newRow("key without participants") << key;
        QTest::newRow("participants unsorted") << with(key, u"parts"_s, QCborArray{u"ben"_s, u"ann"_s});
        QTest::newRow("participants twice") << with(key, u"parts"_s, QCborArray{u"ann"_s, u"ann"_s});
        QTest::newRow("participant not a name") << with(key, u"parts"_s, QCborArray{u"Ann Smith"_s});
        QCborMap join = with(with(hangup, u"k"_s, u"join"_s), u"room"_s, u"standup"_s);
        QVERIFY(CallSignal::fromCbor(join));
        QTest::newRow("join without room") << with(join, u"room"_s, QCborValue());
        QTest::newRow("join with key") << with(with(join, u"key"_s, QByteArray(32, 'k')), u"ep"_s, 1);
    }

    void refused()
    {
        QFETCH(QCborMap, call);
        QVERIFY(!CallSignal::fromCbor(call));
        // In a plaintext, a broken call refuses the whole message rather than showing it as an empty text.
        const QByteArray plain = plaintextWith(call);
        QVERIFY(!plain.isEmpty());
        QVERIFY(!MessageContent::decode(plain));
    }
};

QTEST_APPLESS_MAIN(TestCallSignal)
#include "tst_callsignal.moc"
