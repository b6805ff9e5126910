// The `msg` frame in its two forms (Msg as clients read it, RelayedMsg as the server stores and writes it) and the
// message core built from a send request and from the msg that delivers it.

#include "referenceencoding.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "crypto/crypto.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley::protocol;

namespace {

constexpr auto C2S = Direction::ClientToServer;
constexpr auto S2C = Direction::ServerToClient;

Msg benchmarkMessage(int recipients, qsizetype payload, bool room)
{
    Msg m;
    m.seq = 123456;
    m.sender = u"alice"_s;
    m.dev = 2;
    m.mid = QByteArray(16, 'm');
    for (int i = 0; i < recipients; ++i)
        m.to.append(u"user%1"_s.arg(i, 3, 10, QChar(u'0')));
    m.at = 1700000000000;
    m.pl = QByteArray(payload, 'P');
    m.kc = QByteArray(32, 'k');
    if (room) {
        m.opts.room = u"team"_s;
        m.opts.exp = 86400;
    }
    m.sig = QByteArray(139, 's');
    m.kid = 77;
    m.eph = QByteArray(133, 'e');
    m.wk = QByteArray(48, 'w');
    return m;
}

// The same message as the server stores and relays it: `to` and `opts` as their encoding.
RelayedMsg relayed(const Msg &m)
{
    const auto field = [](const Msg &msg, QLatin1StringView key) {
        const auto frame = std::get<Frame>(decode(msg.encode(), S2C));
        return frame.fields.value(key).toCbor();
    };
    return RelayedMsg{m.seq, m.sender, m.dev, m.mid, {field(m, "to"_L1)}, m.at, m.pl, m.kc, {field(m, "opts"_L1)},
                      m.sig, m.kid, m.eph, m.wk};
}

} // namespace

Q_DECLARE_METATYPE(parley::protocol::MessageOptions)

class TestMsgFrame : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void relayedMsgIsMsg_data()
    {
        QTest::addColumn<int>("recipients");
        QTest::addColumn<bool>("room");
        QTest::addRow("1 recipient, no options") << 1 << false;
        QTest::addRow("room of 50") << 50 << true;
    }

    void relayedMsgIsMsg()
    {
        QFETCH(int, recipients);
        QFETCH(bool, room);
        const Msg message = benchmarkMessage(recipients, 200, room);
        const RelayedMsg r = relayed(message);
        QCOMPARE(r.encode(9), message.encode(9));
        QCOMPARE(r.encode(9), encode(frameOf(message.encode(9))));
        const auto decoded = decode(r.encode(), S2C);
        QVERIFY(std::holds_alternative<Frame>(decoded));
        QCOMPARE(RelayedMsg::from(std::get<Frame>(decoded)), r);
        QCOMPARE(Msg::from(std::get<Frame>(decoded)), message);
    }

    // An Encoded value with nothing in it is written as an empty T.
    void relayedMsgEmptyParts()
    {
        Msg message = benchmarkMessage(1, 200, false);
        RelayedMsg r = relayed(message);
        QCOMPARE(r.opts.cbor, QByteArray("\xa0", 1));
        r.opts.cbor.clear();
        QCOMPARE(r.encode(), message.encode());
        r.to.cbor.clear();
        message.to.clear();
        QCOMPARE(r.encode(), message.encode());
    }

    // Msg::encode() against the server's delivery encoding (RelayedMsg: `to` and `opts` already encoded); the figures
    // are printed, not asserted on.
    void encodeMsgBenchmark_data()
    {
        QTest::addColumn<bool>("typed");
        QTest::addColumn<int>("recipients");
        QTest::addColumn<qsizetype>("payload");
        QTest::addColumn<bool>("room");
        for (bool typed : {true, false}) {
            const char *how = typed ? "Msg::encode" : "RelayedMsg::encode";
            QTest::addRow("%s, 1 recipient, 200 bytes", how) << typed << 1 << qsizetype(200) << false;
            QTest::addRow("%s, room of 50, 2 KiB", how) << typed << 50 << qsizetype(2048) << true;
        }
    }

    void encodeMsgBenchmark()
    {
        QFETCH(bool, typed);
        QFETCH(int, recipients);
        QFETCH(qsizetype, payload);
        QFETCH(bool, room);
        const Msg message = benchmarkMessage(recipients, payload, room);
        const RelayedMsg queued = relayed(message);
        QByteArray out;
        queued.encode(out);
        QCOMPARE(message.encode(), out);   // the same bytes both ways
        if (typed) {
            QBENCHMARK {
                message.encode(out);
            }
        } else {
            QBENCHMARK {
                queued.encode(out);
            }
        }
    }

    void messageCore_data()
    {
        QTest::addColumn<MessageOptions>("opts");
        QTest::addColumn<QStringList>("to");
        const auto options = [](std::optional<QString> room, std::optional<quint64> exp, std::optional<bool> burn) {
            return MessageOptions{std::move(room), exp, burn};
        };
        QTest::newRow("no options") << MessageOptions{} << QStringList{u"bob"_s};
        QTest::newRow("room") << options(u"team"_s, {}, {}) << QStringList{u"alice"_s, u"bob"_s, u"carol"_s};
        QTest::newRow("expiry") << options({}, 1, {}) << QStringList{u"bob"_s};
        QTest::newRow("longest expiry") << options({}, quint64(1) << 32, {}) << QStringList{u"bob"_s};
        QTest::newRow("burn off") << options({}, {}, false) << QStringList{u"bob"_s};
        QTest::newRow("every option") << options(u"team"_s, 86400, true) << QStringList{u"bob"_s, u"carol"_s};
    }

    void messageCore()
    {
        // The core from a send request and from the msg that delivers it: the bytes the reference builder gives
        // for the values read out of the frames.
        QFETCH(MessageOptions, opts);
        QFETCH(QStringList, to);
        SendRequest send;
        send.mid = QByteArray(16, 'm');
        send.to = to;
        send.at = 1700000000000;
        send.pl = QByteArray(300, 'p');
        send.kc = QByteArray(32, 'k');
        send.opts = opts;
        send.sig = QByteArray(72, 's');
        send.keys = {KeyEntry{u"bob"_s, 1, 5, QByteArray(133, 'e'), QByteArray(48, 'w')}};
        const auto sendFrame = decode(send.encode(7), C2S);
        QVERIFY(std::holds_alternative<Frame>(sendFrame));
        const Frame &f = std::get<Frame>(sendFrame);

        test::ReferenceCore in;
        in.from = u"alice"_s;
        in.device = 2;
        in.mid = f.bytes("mid"_L1);
        in.to = f.textList("to"_L1);
        in.sentAt = f.uint("at"_L1);
        in.payload = f.bytes("pl"_L1);
        in.keyCommitment = f.bytes("kc"_L1);
        in.options = f.map("opts"_L1);
        const QByteArray expected = test::referenceMessageCore(in);

        const MessageCore fromSend = MessageCore::of(SendRequest::from(f), u"alice"_s, 2);
        QCOMPARE(fromSend.encode().toHex(), expected.toHex());
        QCOMPARE(fromSend.hash(), parley::crypto::sha512(expected));

        Msg msg;
        msg.seq = 40;
        msg.sender = u"alice"_s;
        msg.dev = 2;
        msg.mid = send.mid;
        msg.to = send.to;
        msg.at = send.at;
        msg.pl = send.pl;
        msg.kc = send.kc;
        msg.opts = send.opts;
        msg.sig = send.sig;
        msg.kid = 5;
        msg.eph = QByteArray(133, 'e');
        msg.wk = QByteArray(48, 'w');
        const auto delivered = decodeAs<Msg>(msg.encode(), S2C);
        QVERIFY(std::holds_alternative<Msg>(delivered));
        const MessageCore fromMsg = MessageCore::of(std::get<Msg>(delivered));
        QCOMPARE(fromMsg, fromSend);
        QCOMPARE(fromMsg.encode().toHex(), expected.toHex());
    }

    void messageCoreNormalisesRecipients()
    {
        test::ReferenceCore in;
        in.from = u"alice"_s;
        in.device = 2;
        in.mid = QByteArray(16, 'm');
        in.to = {u"carol"_s, u"bob"_s, u"carol"_s};
        in.sentAt = 1700000000000;
        in.payload = "abc";
        in.keyCommitment = QByteArray(32, '\xaa');
        MessageCore core{in.from, in.device, in.mid, in.to, in.sentAt, in.payload, in.keyCommitment, {}};
        QCOMPARE(core.encode().toHex(), test::referenceMessageCore(in).toHex());
    }
};

QTEST_GUILESS_MAIN(TestMsgFrame)
#include "tst_msgframe.moc"
