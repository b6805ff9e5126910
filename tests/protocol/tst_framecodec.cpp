// The frame codec of docs/protocol.md, what it accepts: round trips of every frame type, edge values, error frames
// and user names, and encode() keeping the bytes of the reference encoding. Refusals run in tst_framerejects.

#include "framecorpus.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley::protocol;
using namespace parley::protocol::test;

class TestFrameCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void frameTypesAreComplete()
    {
        QCOMPARE(frameTypes(C2S), (QStringList{u"enroll_info"_s, u"enroll"_s, u"login"_s, u"prekeys"_s, u"devices"_s,
                                               u"fetch"_s, u"send"_s, u"ack"_s, u"recovery_put"_s,
                                               u"recovery_get"_s, u"push_register"_s, u"push_remove"_s,
                                               u"room_change"_s, u"room_get"_s, u"rooms"_s, u"turn"_s,
                                               u"blob_start"_s, u"blob_put"_s, u"blob_get"_s}));
        QCOMPARE(frameTypes(S2C),
                 (QStringList{u"hello"_s, u"enroll_info_ok"_s, u"enrolled"_s, u"welcome"_s, u"prekeys_ok"_s,
                              u"device_list"_s, u"bundle"_s, u"accepted"_s, u"msg"_s, u"synced"_s, u"refill"_s,
                              u"recovery"_s, u"ok"_s, u"room_ok"_s, u"room"_s, u"room_list"_s, u"room_changed"_s,
                              u"turn_creds"_s, u"blob_started"_s, u"blob_ack"_s, u"blob_data"_s, u"error"_s}));
    }

    void requiresIdPerType()
    {
        for (const QString &type : frameTypes(C2S))
            QCOMPARE(requiresId(type), type != "ack"_L1);
        const QStringList noId{u"hello"_s, u"msg"_s, u"synced"_s, u"refill"_s, u"room_changed"_s, u"error"_s};
        for (const QString &type : frameTypes(S2C))
            QCOMPARE(requiresId(type), !noId.contains(type));
        QVERIFY(!requiresId(u"nope"_s));
        QVERIFY(!requiresId(QString()));
    }

    void roundTrip_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("full");
        for (Direction d : {C2S, S2C}) {
            for (const QString &type : frameTypes(d)) {
                for (bool full : {false, true}) {
                    QTest::addRow("%s %s %s", d == C2S ? "c2s" : "s2c", qPrintable(type), full ? "full" : "minimal")
                        << d << type << full;
                }
            }
        }
    }

    void roundTrip()
    {
        QFETCH(Direction, direction);
        QFETCH(QString, type);
        QFETCH(bool, full);
        const Frame frame = example(direction, type, full);
        const QByteArray bytes = encode(frame);
        const DecodeResult result = decode(bytes, direction);
        if (const auto *error = std::get_if<FrameError>(&result))
            QFAIL(qPrintable(wireErrorName(error->code) + u": "_s + error->message));
        const Frame &decoded = std::get<Frame>(result);
        QCOMPARE(decoded.type, frame.type);
        QCOMPARE(decoded.id, frame.id);
        QCOMPARE(decoded.fields, frame.fields);
        QCOMPARE(encode(decoded), bytes);   // deterministic

        // The same frame with every item in indefinite-length form decodes to the same frame.
        const DecodeResult again = decode(indefinite(topMap(frame)), direction);
        QVERIFY(std::holds_alternative<Frame>(again));
        QVERIFY(sameFrame(std::get<Frame>(again), frame));

        // A frame type is only known in the direction it travels.
        const DecodeResult other = decode(bytes, direction == C2S ? S2C : C2S);
        QVERIFY(std::holds_alternative<FrameError>(other));
        QCOMPARE(std::get<FrameError>(other).code, WireError::UnknownType);
    }

    void encodeLayout()
    {
        // "t", then "id", then the fields in insertion order; definite lengths, shortest integers.
        Frame f(u"ack"_s, 300);
        f.set("seqs"_L1, QCborArray{1, 24});
        QCOMPARE(encode(f).toHex(), QByteArray("a361746361636b62696419012c647365717382011818"));
        QCOMPARE(encode(Frame(u"synced"_s)).toHex(), QByteArray("a161746673796e636564"));
    }

    void accessors()
    {
        const auto r = decode(encode(sendFrame()), C2S);
        QVERIFY(std::holds_alternative<Frame>(r));
        const Frame &f = std::get<Frame>(r);
        QCOMPARE(f.textList("to"_L1), (QStringList{u"alice"_s, u"bob"_s}));
        QCOMPARE(f.bytes("mid"_L1), messageId());
        QCOMPARE(f.uint("at"_L1), quint64(1700000000000));
        QCOMPARE(f.array("keys"_L1).size(), 4);
        QVERIFY(f.map("opts"_L1).isEmpty());
        QVERIFY(!f.has("t"_L1));
        QVERIFY(!f.has("id"_L1));
    }

    void acceptsEdgeValues_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<QByteArray>("data");
        Frame f = sendFrame();
        f.id = MaxRequestId;
        QTest::newRow("id 2^53") << C2S << encode(f);
        QTest::newRow("device 2^31") << C2S << encode(withNested(sendFrame(), "keys"_L1, 0, "device"_L1, qint64(1) << 31));
        QTest::newRow("enforced expire 2^32") << S2C
            << encode(withNested(example(S2C, u"room_list"_s, true), "rooms"_L1, 0, "enforced_expire"_L1, qint64(1) << 32));
        QTest::newRow("room without the override") << S2C
            << encode(without(without(example(S2C, u"room"_s, true), "enforced_expire"_L1), "enforced_burn"_L1));
        QTest::newRow("kid 2^32-1") << C2S << encode(withNested(sendFrame(), "keys"_L1, 0, "kid"_L1, qint64(0xffffffffu)));
        QTest::newRow("pl 64 KiB") << C2S << encode(sendFrame().set("pl"_L1, QByteArray(MaxPayloadBytes, 'x')));
        QTest::newRow("sig 139 bytes") << C2S << encode(sendFrame().set("sig"_L1, QByteArray(139, 's')));
        QTest::newRow("sig 1 byte") << C2S << encode(sendFrame().set("sig"_L1, QByteArray(1, 's')));
        QTest::newRow("user name 64 bytes") << C2S
            << encode(example(C2S, u"login"_s, false).set("user"_L1, u"a"_s + QString(63, u'-')));
        QTest::newRow("user name punctuation") << C2S
            << encode(example(C2S, u"login"_s, false).set("user"_L1, u"0a._-z"_s));
        QTest::newRow("device name 64 bytes") << C2S << encode(example(C2S, u"enroll"_s, true).set("name"_L1, QString(32, u'\u00e9')));
        QTest::newRow("device name empty") << C2S << encode(example(C2S, u"enroll"_s, true).set("name"_L1, QString()));
        QStringList many;
        for (int i = 0; i < MaxRecipients; ++i)
            many.append(u"u%1"_s.arg(i, 4, 10, QChar(u'0')));
        QTest::newRow("to 1000 names") << C2S << encode(sendFrame().set("to"_L1, texts(many)));
        QCborArray seqs;
        for (int i = 1; i <= MaxAcksPerFrame; ++i)
            seqs.append(i);
        QTest::newRow("ack 1000 seqs") << C2S << encode(Frame(u"ack"_s).set("seqs"_L1, seqs));
        QCborArray keys;
        for (int i = 0; i < MaxPrekeysPerUpload; ++i)
            keys.append(prekey(quint32(i)));
        QTest::newRow("200 prekeys") << C2S << encode(Frame(u"prekeys"_s, 1).set("keys"_L1, keys));
        // Keys in any order; non-shortest integer and length encodings are accepted too.
        QTest::newRow("keys in another order")
            << C2S << rawMap({{u"id"_s, 1}, {u"blob"_s, QByteArray("x")}, {u"t"_s, u"recovery_put"_s}});
        QTest::newRow("long-form integers")
            << C2S << (QByteArray("\xa2") + cbor({u"t"_s, u"recovery_get"_s, u"id"_s}) + QByteArray::fromHex("1b0000000000000001"));
        QTest::newRow("server frame over 1 MiB")
            << S2C << encode(Frame(u"device_list"_s, 1)
                                 .set("users"_L1, QCborArray())
                                 .set("unknown"_L1, QCborArray())
                                 .set("users"_L1, [] {
                                     QCborArray users;
                                     QCborMap device;
                                     device.insert("device"_L1, 1);
                                     device.insert("pub"_L1, point('d'));
                                     device.insert("sig"_L1, QByteArray(139, 's'));
                                     QCborArray devices;
                                     for (int i = 0; i < 10; ++i)
                                         devices.append(device);
                                     for (int i = 0; i < 1000; ++i) {
                                         QCborMap user;
                                         user.insert("user"_L1, u"user%1"_s.arg(i));
                                         user.insert("root"_L1, point('r'));
                                         user.insert("devices"_L1, devices);
                                         users.append(user);
                                     }
                                     return users;
                                 }()));
    }

    void acceptsEdgeValues()
    {
        QFETCH(Direction, direction);
        QFETCH(QByteArray, data);
        const DecodeResult r = decode(data, direction);
        if (const auto *error = std::get_if<FrameError>(&r))
            QFAIL(qPrintable(wireErrorName(error->code) + u": "_s + error->message));
        const Frame &f = std::get<Frame>(r);
        const DecodeResult again = decode(encode(f), direction);
        QVERIFY(std::holds_alternative<Frame>(again));
        QVERIFY(sameFrame(std::get<Frame>(again), f));
    }

    void errorFrames()
    {
        const Frame e = errorFrame(WireError::RateLimited, u"slow down"_s, 9);
        QCOMPARE(e.type, u"error"_s);
        QCOMPARE(e.id, quint64(9));
        QCOMPARE(e.text("code"_L1), u"rate_limited"_s);
        QCOMPARE(e.text("msg"_L1), u"slow down"_s);
        QVERIFY(std::holds_alternative<Frame>(decode(encode(e), S2C)));

        // A long message is cut to the limit at a character boundary, and stays decodable.
        const Frame longer = errorFrame(WireError::Internal, QString(MaxErrorMessageBytes, u'\u00e9'));
        QVERIFY(longer.text("msg"_L1).toUtf8().size() <= MaxErrorMessageBytes);
        QVERIFY(longer.text("msg"_L1).toUtf8().size() >= MaxErrorMessageBytes - 1);
        QVERIFY(std::holds_alternative<Frame>(decode(encode(longer), S2C)));
    }

    void wireErrorNames()
    {
        for (int i = 0; i <= int(WireError::Internal); ++i) {
            const auto code = WireError(i);
            const QString name = wireErrorName(code);
            QVERIFY(!name.isEmpty());
            QCOMPARE(wireErrorFromName(name), std::optional<WireError>(code));
            QVERIFY(std::holds_alternative<Frame>(decode(encode(errorFrame(code, name)), S2C)));
        }
        QCOMPARE(wireErrorName(WireError::DeviceMismatch), u"device_mismatch"_s);
        QCOMPARE(wireErrorName(WireError::TooLarge), u"too_large"_s);
        QVERIFY(!wireErrorFromName(u"Bad_Frame"_s));
        QVERIFY(!wireErrorFromName(QStringView()));
    }

    void userNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << u"alice"_s << true;
        QTest::newRow("digit first") << u"0day"_s << true;
        QTest::newRow("punctuation") << u"a.b_c-d"_s << true;
        QTest::newRow("one char") << u"a"_s << true;
        QTest::newRow("64 chars") << QString(64, u'a') << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("65 chars") << QString(65, u'a') << false;
        QTest::newRow("upper case") << u"Alice"_s << false;
        QTest::newRow("dot first") << u".alice"_s << false;
        QTest::newRow("dash first") << u"-alice"_s << false;
        QTest::newRow("underscore first") << u"_alice"_s << false;
        QTest::newRow("space") << u"al ice"_s << false;
        QTest::newRow("at") << u"alice@example"_s << false;
        QTest::newRow("non-ASCII") << u"\u00e4lice"_s << false;
        QTest::newRow("NUL") << QString(QChar(0)) + u"a"_s << false;
    }

    void userNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidUserName(name), valid);
        // The decoder applies the same rule.
        const DecodeResult r = decode(encode(example(C2S, u"login"_s, false).set("user"_L1, name)), C2S);
        QCOMPARE(std::holds_alternative<Frame>(r), valid);
    }

    // encode() writes through the protocol's CborWriter; its bytes stay those of the QCborValue encoding for every
    // frame of the corpus above.
    void encodeKeepsItsBytes_data() { roundTrip_data(); }
    void encodeKeepsItsBytes()
    {
        QFETCH(Direction, direction);
        QFETCH(QString, type);
        QFETCH(bool, full);
        const Frame frame = example(direction, type, full);
        QCOMPARE(encode(frame).toHex(), referenceEncode(frame).toHex());
        compareEncodings(indefinite(topMap(frame)));
    }
    void encodeKeepsItsBytesForEdgeValues_data() { acceptsEdgeValues_data(); }
    void encodeKeepsItsBytesForEdgeValues()
    {
        QFETCH(QByteArray, data);
        compareEncodings(data);
    }

    void decodeSendBenchmark()
    {
        const QByteArray bytes = encode(sendFrame());
        QVERIFY(bytes.size() > 1000 && bytes.size() < 2500);
        QBENCHMARK {
            const DecodeResult r = decode(bytes, C2S);
            QVERIFY(std::holds_alternative<Frame>(r));
        }
    }
};

QTEST_GUILESS_MAIN(TestFrameCodec)
#include "tst_framecodec.moc"
