// The frame codec of docs/protocol.md, what it refuses: strict rejection of everything that is not a frame of the
// protocol, wrong types, truncations, and a bounded random mutation run that must never crash. Accepted frames run
// in tst_framecodec.

#include "framecorpus.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley::protocol;
using namespace parley::protocol::test;

class TestFrameRejects : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rejects_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<WireError>("code");
        QTest::addColumn<QString>("message");   // expected start of the message
        QTest::addColumn<quint64>("id");        // expected FrameError::id

        const QByteArray send = encode(sendFrame());   // id 7
        const auto row = [](const char *name, const QByteArray &data, WireError code, const QString &message,
                            quint64 id = 7, Direction d = C2S) {
            QTest::newRow(name) << d << data << code << message << id;
        };

        // Size.
        row("oversize client frame", QByteArray(MaxClientFrameBytes + 1, '\xa0'), WireError::TooLarge, u"frame of"_s, 0);
        row("oversize client frame, valid CBOR",
            encode(sendFrame().set("pl"_L1, QByteArray(MaxClientFrameBytes, 'x'))), WireError::TooLarge, u"frame of"_s, 0);
        row("oversize server frame", QByteArray(MaxServerFrameBytes + 1, '\xa0'), WireError::TooLarge, u"frame of"_s,
            0, S2C);
        row("1 MiB + 1 is fine for a server frame, but not CBOR", QByteArray(MaxClientFrameBytes + 1, '\xff'),
            WireError::BadFrame, u"not well-formed CBOR"_s, 0, S2C);

        // Structure.
        row("empty", QByteArray(), WireError::BadFrame, u"empty frame"_s, 0);
        row("break byte", QByteArray("\xff"), WireError::BadFrame, u"not well-formed"_s, 0);
        row("reserved additional info", QByteArray("\xa1\x61t\x1c"), WireError::BadFrame, u"not well-formed"_s, 0);
        row("top-level array", QCborValue(QCborArray{u"send"_s}).toCbor(), WireError::BadFrame, u"a frame must be a CBOR map"_s, 0);
        row("top-level text", QCborValue(u"send"_s).toCbor(), WireError::BadFrame, u"a frame must be a CBOR map"_s, 0);
        row("top-level integer", QByteArray("\x01", 1), WireError::BadFrame, u"a frame must be a CBOR map"_s, 0);
        row("trailing byte", send + QByteArray(1, '\0'), WireError::BadFrame, u"trailing bytes"_s);
        row("trailing garbage", send + QByteArray("garbage"), WireError::BadFrame, u"trailing bytes"_s);
        row("two frames", send + send, WireError::BadFrame, u"trailing bytes"_s);
        row("duplicate t", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, 7}, {u"t"_s, u"recovery_get"_s}}),
            WireError::BadFrame, u"duplicate key t"_s);
        row("duplicate id", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, 7}, {u"id"_s, 8}}), WireError::BadFrame,
            u"duplicate key id"_s);
        row("duplicate field", rawMap({{u"t"_s, u"recovery_put"_s}, {u"id"_s, 7}, {u"blob"_s, QByteArray("a")},
                                       {u"blob"_s, QByteArray("b")}}),
            WireError::BadFrame, u"duplicate key blob"_s);
        {
            // A duplicate inside a nested map: hand-build keys[0] with "kid" twice.
            QByteArray entry = QByteArray("\xa6") + cbor({u"user"_s, u"bob"_s, u"device"_s, 1, u"kid"_s, 1, u"kid"_s, 2,
                                                          u"eph"_s, point('e'), u"wk"_s, QByteArray(48, 'w')});
            Frame f = sendFrame();
            f.fields.remove("keys"_L1);
            QByteArray bytes = encode(f);
            bytes[0] = char(uchar(bytes[0]) + 1);
            bytes += cbor({u"keys"_s}) + QByteArray("\x81") + entry;
            row("duplicate nested key", bytes, WireError::BadFrame, u"duplicate key kid"_s);
        }
        {
            QList<std::pair<QCborValue, QCborValue>> entries{{u"t"_s, u"send"_s}, {u"id"_s, 7}};
            for (int i = 0; i < 40; ++i)
                entries.append({u"k%1"_s.arg(i), i});
            row("many undefined keys", rawMap(entries), WireError::BadField, u"k0: not defined for send"_s);
            entries.append({u"k33"_s, 0});
            row("duplicate among many keys", rawMap(entries), WireError::BadFrame, u"duplicate key k33"_s);
        }
        row("integer key", rawMap({{u"t"_s, u"ok"_s}, {u"id"_s, 7}, {1, 2}}), WireError::BadFrame,
            u"map keys must be text strings"_s);
        row("byte string key", rawMap({{QByteArray("t"), u"ok"_s}}), WireError::BadFrame,
            u"map keys must be text strings"_s, 0);
        row("nested integer key", encode(withNested(sendFrame(), "keys"_L1, 0, "x"_L1, 0)).replace("\x61x", "\x01"),
            WireError::BadFrame, u"map keys must be text strings"_s);
        row("tag", QByteArray("\xa1\x61t\xc0\x64send"), WireError::BadFrame, u"CBOR tags"_s, 0);
        row("tagged id", rawMap({{u"t"_s, u"ok"_s}, {u"id"_s, QCborValue(QCborTag(2), QByteArray("\x07"))}}),
            WireError::BadFrame, u"CBOR tags"_s, 0);
        row("invalid UTF-8", QByteArray("\xa1\x61t\x62\xc3\x28"), WireError::BadFrame, u"text string is not valid UTF-8"_s, 0);
        row("UTF-8 surrogate", QByteArray("\xa1\x61t\x63\xed\xa0\x80"), WireError::BadFrame, u"text string is not valid UTF-8"_s, 0);
        row("overlong UTF-8", QByteArray("\xa1\x61t\x62\xc0\xaf"), WireError::BadFrame, u"text string is not valid UTF-8"_s, 0);
        row("truncated map", send.left(send.size() - 1), WireError::BadFrame, u"not well-formed"_s);
        row("indefinite map without break", QByteArray("\xbf\x61t\x62ok"), WireError::BadFrame, u"not well-formed"_s, 0);
        row("huge declared length", QByteArray("\xa1\x61t\x7b\x7f\xff\xff\xff\xff\xff\xff\xff"), WireError::BadFrame,
            u"not well-formed"_s, 0);
        row("huge declared chunk", QByteArray("\xa1\x61t\x7f\x7b\x7f\xff\xff\xff\xff\xff\xff\xff\xff"),
            WireError::BadFrame, u"not well-formed"_s, 0);
        row("huge declared map", QByteArray("\xbb\x7f\xff\xff\xff\xff\xff\xff\xff\x61t"), WireError::BadFrame,
            u"not well-formed"_s, 0);

        // Precedence: structure, then type, then id, then the first field problem in document order.
        row("unknown type, then trailing bytes", rawMap({{u"t"_s, u"nope"_s}, {u"id"_s, 7}}) + QByteArray("x"),
            WireError::BadFrame, u"trailing bytes"_s);
        row("field problem, then a tag",
            rawMap({{u"t"_s, u"recovery_put"_s}, {u"id"_s, 7}, {u"blob"_s, QByteArray()},
                    {u"x"_s, QCborValue(QCborTag(1), 5)}}),
            WireError::BadFrame, u"CBOR tags"_s);
        row("field problem, then invalid UTF-8",
            rawMap({{u"t"_s, u"recovery_put"_s}, {u"id"_s, 7}, {u"blob"_s, QByteArray()}}).replace(0, 1, "\xa4")
                + QByteArray("\x61x\x62\xc3\x28"),
            WireError::BadFrame, u"text string is not valid UTF-8"_s);
        row("field problem, then a duplicate key",
            rawMap({{u"t"_s, u"send"_s}, {u"id"_s, 7}, {u"mid"_s, QByteArray()}, {u"mid"_s, QByteArray()}}),
            WireError::BadFrame, u"duplicate key mid"_s);
        row("id problem before field problem", rawMap({{u"t"_s, u"recovery_put"_s}, {u"blob"_s, QByteArray()}, {u"id"_s, 0}}),
            WireError::BadField, u"id: expected 1 to"_s, 0);
        row("first field problem wins",
            rawMap({{u"t"_s, u"recovery_put"_s}, {u"id"_s, 7}, {u"zz"_s, 1}, {u"blob"_s, QByteArray()}}),
            WireError::BadField, u"zz: not defined for recovery_put"_s);
        row("t not first, field problem", rawMap({{u"id"_s, 7}, {u"blob"_s, QByteArray()}, {u"t"_s, u"recovery_put"_s}}),
            WireError::BadField, u"blob: expected 1 to 65536 bytes"_s);
        row("t not first, unknown type", rawMap({{u"id"_s, 7}, {u"blob"_s, QByteArray()}, {u"t"_s, u"recovery"_s}}),
            WireError::UnknownType, u"unknown frame type recovery"_s);
        row("t not first, duplicate key",
            rawMap({{u"id"_s, 7}, {u"blob"_s, QByteArray("a")}, {u"blob"_s, QByteArray("b")}, {u"t"_s, u"recovery_put"_s}}),
            WireError::BadFrame, u"duplicate key blob"_s);
        row("t twice, not first", rawMap({{u"id"_s, 7}, {u"t"_s, u"ok"_s}, {u"t"_s, u"ok"_s}}), WireError::BadFrame,
            u"duplicate key t"_s, 7, S2C);

        // Nesting: the top-level map is level 1; 8 levels pass the structure check (and then fail the schema).
        const auto nested = [](int arrays) {
            return QByteArray("\xa3") + cbor({u"t"_s, u"send"_s, u"id"_s, 7, u"x"_s}) + QByteArray(arrays - 1, '\x81')
                 + QByteArray("\x80");
        };
        row("8 levels", nested(7), WireError::BadField, u"x: not defined for send"_s);
        row("9 levels", nested(8), WireError::BadFrame, u"nested deeper than 8 levels"_s);
        row("10000 nested arrays", nested(10000), WireError::BadFrame, u"nested deeper than 8 levels"_s);
        {
            QByteArray maps = QByteArray("\xa3") + cbor({u"t"_s, u"send"_s, u"id"_s, 7, u"x"_s});
            for (int i = 0; i < 10000; ++i)
                maps += QByteArray("\xa1\x61x");
            maps += QByteArray("\xa0");
            row("10000 nested maps", maps, WireError::BadFrame, u"nested deeper than 8 levels"_s);
        }
        row("10000 nested arrays at the top", QByteArray(10000, '\x81') + QByteArray("\x80"), WireError::BadFrame,
            u"a frame must be a CBOR map"_s, 0);
        row("10000 nested tags", QByteArray("\xa1\x61t") + QByteArray(10000, '\xc6') + QByteArray("\x00", 1),
            WireError::BadFrame, u"CBOR tags"_s, 0);

        // Type.
        row("missing t", rawMap({{u"id"_s, 7}, {u"user"_s, u"alice"_s}}), WireError::UnknownType,
            u"frame has no type"_s);
        row("t integer", rawMap({{u"t"_s, 1}, {u"id"_s, 7}}), WireError::UnknownType, u"frame type (\"t\") must be"_s);
        row("t bytes", rawMap({{u"t"_s, QByteArray("send")}, {u"id"_s, 7}}), WireError::UnknownType,
            u"frame type (\"t\") must be"_s);
        row("t unknown", rawMap({{u"t"_s, u"sendd"_s}, {u"id"_s, 7}}), WireError::UnknownType,
            u"unknown frame type sendd"_s);
        row("t upper case", rawMap({{u"t"_s, u"SEND"_s}, {u"id"_s, 7}}), WireError::UnknownType,
            u"unknown frame type"_s);
        row("t of the other direction", encode(example(S2C, u"welcome"_s, false)), WireError::UnknownType,
            u"unknown frame type welcome"_s, 13);
        row("t empty", rawMap({{u"t"_s, u""_s}}), WireError::UnknownType, u"unknown frame type"_s, 0);
        row("unknown server type", rawMap({{u"t"_s, u"send"_s}, {u"id"_s, 7}}), WireError::UnknownType,
            u"unknown frame type send"_s, 7, S2C);

        // Request id.
        Frame noId = sendFrame();
        noId.id = 0;
        row("id missing", encode(noId), WireError::BadField, u"id: missing"_s, 0);
        row("id zero", rawMap({{u"t"_s, u"ok"_s}, {u"id"_s, 0}}), WireError::BadField, u"id: expected 1 to"_s, 0, S2C);
        row("id 2^53 + 1", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, qint64(MaxRequestId + 1)}}),
            WireError::BadField, u"id: expected 1 to 9007199254740992"_s, 0);
        row("id 2^64 - 1", QByteArray("\xa2") + cbor({u"t"_s, u"recovery_get"_s, u"id"_s})
                               + QByteArray::fromHex("1bffffffffffffffff"),
            WireError::BadField, u"id: expected 1 to"_s, 0);
        row("id negative", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, -7}}), WireError::BadField,
            u"id: expected an unsigned integer"_s, 0);
        row("id float", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, 7.0}}), WireError::BadField,
            u"id: expected an unsigned integer"_s, 0);
        row("id text", rawMap({{u"t"_s, u"recovery_get"_s}, {u"id"_s, u"7"_s}}), WireError::BadField,
            u"id: expected an unsigned integer"_s, 0);
        Frame helloWithId = example(S2C, u"hello"_s, false);
        helloWithId.id = 7;
        row("id on hello", encode(helloWithId), WireError::BadField, u"id: not defined for hello"_s, 7, S2C);

        // Fields.
        row("missing field", encode(without(sendFrame(), "pl"_L1)), WireError::BadField, u"pl: missing"_s);
        row("missing nested field", encode(sendFrame().set("keys"_L1, QCborArray{deviceRef(u"bob"_s, 1)})),
            WireError::BadField, u"keys[0].kid: missing"_s);
        row("enforced expire 2^32 + 1",
            encode(withNested(example(S2C, u"room_list"_s, true), "rooms"_L1, 0, "enforced_expire"_L1, (qint64(1) << 32) + 1)),
            WireError::BadField, u"rooms[0].enforced_expire: expected"_s, 55, S2C);
        row("enforced burn not a bool", encode(example(S2C, u"room"_s, true).set("enforced_burn"_L1, 1)),
            WireError::BadField, u"enforced_burn: expected"_s, 54, S2C);
        row("undefined field", encode(sendFrame().set("room"_L1, u"x"_s)), WireError::BadField,
            u"room: not defined for send"_s);
        row("undefined nested field", encode(withNested(sendFrame(), "keys"_L1, 2, "extra"_L1, 1)), WireError::BadField,
            u"keys[2].extra: not defined"_s);
        QCborMap opts;
        opts.insert("color"_L1, u"x"_s);
        row("undefined option", encode(sendFrame().set("opts"_L1, opts)), WireError::BadField,
            u"opts.color: not defined"_s);
        row("undefined key of odd bytes", encode(sendFrame().set("\x01\x02"_L1, 1)), WireError::BadField,
            u"<2 bytes>: not defined for send"_s);
        row("eph too short", encode(withNested(sendFrame(), "keys"_L1, 3, "eph"_L1, QByteArray(132, 'e'))),
            WireError::BadField, u"keys[3].eph: expected 133 bytes"_s);
        row("wk too long", encode(withNested(sendFrame(), "keys"_L1, 1, "wk"_L1, QByteArray(49, 'w'))),
            WireError::BadField, u"keys[1].wk: expected 48 bytes"_s);
        row("kid 2^32", encode(withNested(sendFrame(), "keys"_L1, 0, "kid"_L1, qint64(1) << 32)), WireError::BadField,
            u"keys[0].kid: expected at most 4294967295"_s);
        row("device 0", encode(withNested(sendFrame(), "keys"_L1, 0, "device"_L1, 0)), WireError::BadField,
            u"keys[0].device: expected 1 to 2147483648"_s);
        row("device 2^31 + 1", encode(withNested(sendFrame(), "keys"_L1, 0, "device"_L1, (qint64(1) << 31) + 1)),
            WireError::BadField, u"keys[0].device: expected 1 to 2147483648"_s);
        row("device text", encode(withNested(sendFrame(), "keys"_L1, 0, "device"_L1, u"1"_s)), WireError::BadField,
            u"keys[0].device: expected an unsigned integer"_s);
        row("entry not a map", encode(sendFrame().set("keys"_L1, QCborArray{1})), WireError::BadField,
            u"keys[0]: expected a map"_s);
        row("pl 64 KiB + 1", encode(sendFrame().set("pl"_L1, QByteArray(MaxPayloadBytes + 1, 'x'))),
            WireError::BadField, u"pl: expected at most 65536 bytes"_s);
        row("mid 15 bytes", encode(sendFrame().set("mid"_L1, QByteArray(15, 'm'))), WireError::BadField,
            u"mid: expected 16 bytes"_s);
        row("mid 17 bytes", encode(sendFrame().set("mid"_L1, QByteArray(17, 'm'))), WireError::BadField,
            u"mid: expected 16 bytes"_s);
        row("sig empty", encode(sendFrame().set("sig"_L1, QByteArray())), WireError::BadField,
            u"sig: expected 1 to 139 bytes"_s);
        row("sig 140 bytes", encode(sendFrame().set("sig"_L1, QByteArray(140, 's'))), WireError::BadField,
            u"sig: expected 1 to 139 bytes"_s);
        row("recovery 64 KiB + 1", encode(Frame(u"recovery_put"_s, 7).set("blob"_L1, QByteArray(MaxRecoveryBytes + 1, 'b'))),
            WireError::BadField, u"blob: expected 1 to 65536 bytes"_s);
        row("no keys", encode(sendFrame().set("keys"_L1, QCborArray())), WireError::BadField,
            u"keys: expected 1 to 10000 elements"_s);
        row("no recipients", encode(sendFrame().set("to"_L1, QCborArray())), WireError::BadField,
            u"to: expected 1 to 1000 elements"_s);
        {
            QStringList many;
            for (int i = 0; i <= MaxRecipients; ++i)
                many.append(u"u%1"_s.arg(i, 4, 10, QChar(u'0')));
            row("1001 recipients", encode(sendFrame().set("to"_L1, texts(many))), WireError::BadField,
                u"to: expected 1 to 1000 elements"_s);
            row("1001 users", encode(Frame(u"devices"_s, 7).set("users"_L1, texts(many))), WireError::BadField,
                u"users: expected 1 to 1000 elements"_s);
            QCborArray seqs;
            for (int i = 0; i <= MaxAcksPerFrame; ++i)
                seqs.append(i + 1);
            row("1001 acks", encode(Frame(u"ack"_s).set("seqs"_L1, seqs)), WireError::BadField,
                u"seqs: expected 1 to 1000 elements"_s, 0);
            QCborArray keys;
            for (int i = 0; i <= MaxPrekeysPerUpload; ++i)
                keys.append(prekey(quint32(i)));
            row("201 prekeys", encode(Frame(u"prekeys"_s, 7).set("keys"_L1, keys)), WireError::BadField,
                u"keys: expected at most 200 elements"_s);
        }
        row("recipients unsorted", encode(sendFrame().set("to"_L1, texts({u"bob"_s, u"alice"_s}))),
            WireError::BadField, u"to[1]: must come after the previous element"_s);
        row("recipients duplicated", encode(sendFrame().set("to"_L1, texts({u"alice"_s, u"alice"_s}))),
            WireError::BadField, u"to[1]: must come after the previous element"_s);
        row("versions unsorted", encode(example(S2C, u"hello"_s, false).set("vs"_L1, QCborArray{2, 1})),
            WireError::BadField, u"vs[1]: must come after the previous element"_s, 0, S2C);
        row("user name upper case", encode(example(C2S, u"login"_s, false).set("user"_L1, u"Alice"_s)),
            WireError::BadField, u"user: expected a user name"_s, 3);
        row("user name starting with a dot", encode(example(C2S, u"login"_s, false).set("user"_L1, u".alice"_s)),
            WireError::BadField, u"user: expected a user name"_s, 3);
        row("user name with a space", encode(example(C2S, u"login"_s, false).set("user"_L1, u"al ice"_s)),
            WireError::BadField, u"user: expected a user name"_s, 3);
        row("user name empty", encode(example(C2S, u"login"_s, false).set("user"_L1, QString())),
            WireError::BadField, u"user: expected 1 to 64 bytes of text"_s, 3);
        row("user name 65 bytes", encode(example(C2S, u"login"_s, false).set("user"_L1, QString(65, u'a'))),
            WireError::BadField, u"user: expected 1 to 64 bytes of text"_s, 3);
        row("user name non-ASCII", encode(example(C2S, u"login"_s, false).set("user"_L1, u"\u00e4lice"_s)),
            WireError::BadField, u"user: expected a user name"_s, 3);
        row("recipient name invalid", encode(sendFrame().set("to"_L1, texts({u"alice"_s, u"Bob"_s}))),
            WireError::BadField, u"to[1]: expected a user name"_s);
        row("device name 65 bytes", encode(example(C2S, u"enroll"_s, true).set("name"_L1, QString(65, u'n'))),
            WireError::BadField, u"name: expected at most 64 bytes of text"_s, 2);
        row("code empty", encode(example(C2S, u"enroll_info"_s, false).set("code"_L1, QString())),
            WireError::BadField, u"code: expected 1 to 64 bytes of text"_s, 1);
        row("at float", encode(sendFrame().set("at"_L1, 1.7e12)), WireError::BadField,
            u"at: expected an unsigned integer"_s);
        row("at negative", encode(sendFrame().set("at"_L1, -1)), WireError::BadField,
            u"at: expected an unsigned integer"_s);
        row("at 2^53 + 1", encode(sendFrame().set("at"_L1, qint64(MaxRequestId + 1))), WireError::BadField,
            u"at: expected at most 9007199254740992"_s);
        row("seq float", encode(Frame(u"ack"_s, 7).set("seqs"_L1, QCborArray{1, 2.5})), WireError::BadField,
            u"seqs[1]: expected an unsigned integer"_s);
        row("seq negative", encode(Frame(u"ack"_s, 7).set("seqs"_L1, QCborArray{-1})), WireError::BadField,
            u"seqs[0]: expected an unsigned integer"_s);
        row("half float", QByteArray("\xa3") + cbor({u"t"_s, u"ack"_s, u"id"_s, 7, u"seqs"_s}) + QByteArray::fromHex("81f93c00"),
            WireError::BadField, u"seqs[0]: expected an unsigned integer"_s);
        row("lr not a bool", encode(example(S2C, u"welcome"_s, false).set("lr"_L1, 1)), WireError::BadField,
            u"lr: expected true or false"_s, 13, S2C);
        row("null", encode(sendFrame().set("kc"_L1, QCborValue(nullptr))), WireError::BadField,
            u"kc: expected a byte string"_s);
        row("unknown error code", encode(errorFrame(WireError::Quota, u"x"_s, 7).set("code"_L1, u"nope"_s)),
            WireError::BadField, u"code: expected one of the error codes"_s, 7, S2C);
        row("error message too long",
            encode(errorFrame(WireError::Quota, u"x"_s, 7).set("msg"_L1, QString(MaxErrorMessageBytes + 1, u'x'))),
            WireError::BadField, u"msg: expected at most 1024 bytes of text"_s, 7, S2C);
        row("nested device ref", encode(errorFrame(WireError::DeviceMismatch, u"x"_s, 7)
                                             .set("stale"_L1, QCborArray{deviceRef(u"bob"_s, 0)})),
            WireError::BadField, u"stale[0].device: expected 1 to 2147483648"_s, 7, S2C);
        {
            Frame list = example(S2C, u"device_list"_s, true);
            QCborArray users = list.array("users"_L1);
            QCborMap user = users.at(0).toMap();
            QCborArray devices = user.value("devices"_L1).toArray();
            QCborMap device = devices.at(1).toMap();
            device.insert("sig"_L1, QByteArray(140, 's'));
            devices[1] = device;
            user.insert("devices"_L1, devices);
            users[0] = user;
            row("deep path", encode(list.set("users"_L1, users)), WireError::BadField,
                u"users[0].devices[1].sig: expected 1 to 139 bytes"_s, 15, S2C);
        }
        {
            Frame bundle = example(S2C, u"bundle"_s, false);
            bundle = withNested(bundle, "devices"_L1, 0, "pk"_L1, [] {
                QCborMap pk = prekey(1);
                pk.insert("pub"_L1, u"not bytes"_s);
                return pk;
            }());
            row("prekey in bundle", encode(bundle), WireError::BadField, u"devices[0].pk.pub: expected a byte string"_s,
                16, S2C);
        }
    }

    void rejects()
    {
        QFETCH(Direction, direction);
        QFETCH(QByteArray, data);
        QFETCH(WireError, code);
        QFETCH(QString, message);
        QFETCH(quint64, id);
        const DecodeResult r = decode(data, direction);
        QVERIFY2(std::holds_alternative<FrameError>(r), "decoded a frame that must be refused");
        const FrameError &e = std::get<FrameError>(r);
        QVERIFY2(e.message.startsWith(message), qPrintable(e.message));
        QCOMPARE(wireErrorName(e.code), wireErrorName(code));
        QCOMPARE(e.id, id);
    }

    void wrongTypes_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("field");
        const QList<QCborValue> wrong{
            QCborValue(-1), QCborValue(1.5), QCborValue(u"x"_s), QCborValue(QByteArray("x")), QCborValue(true),
            QCborValue(nullptr), QCborValue(QCborValue::Undefined), QCborValue(QCborSimpleType(99)),
            QCborArray{QCborValue(1)}, QCborMap{{u"k"_s, 1}}, QCborValue(QCborValue::Invalid)};
        const QList<std::pair<Direction, Frame>> frames{
            {C2S, sendFrame()}, {C2S, example(C2S, u"login"_s, false)}, {C2S, example(C2S, u"enroll"_s, true)},
            {S2C, example(S2C, u"msg"_s, false)}, {S2C, example(S2C, u"hello"_s, false)}};
        for (const auto &[direction, frame] : frames) {
            for (auto it = frame.fields.cbegin(); it != frame.fields.cend(); ++it) {
                const QString key = it.key().toString();
                for (const QCborValue &value : wrong) {
                    if (value.type() == it.value().type() || value.isInvalid())
                        continue;
                    Frame changed = frame;
                    changed.fields.insert(key, value);
                    QTest::addRow("%s %s %s", qPrintable(frame.type), qPrintable(key),
                                  qPrintable(value.toDiagnosticNotation()))
                        << direction << encode(changed) << key;
                }
            }
        }
    }

    void wrongTypes()
    {
        QFETCH(Direction, direction);
        QFETCH(QByteArray, data);
        QFETCH(QString, field);
        const DecodeResult r = decode(data, direction);
        QVERIFY(std::holds_alternative<FrameError>(r));
        const FrameError &e = std::get<FrameError>(r);
        QCOMPARE(e.code, WireError::BadField);
        QVERIFY2(e.message.startsWith(field + u':') || e.message.startsWith(field + u'['), qPrintable(e.message));
    }

    void truncation_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<QByteArray>("data");
        QTest::newRow("send") << C2S << encode(sendFrame());
        QTest::newRow("send, indefinite") << C2S << indefinite(topMap(sendFrame()));
        QTest::newRow("enroll") << C2S << encode(example(C2S, u"enroll"_s, true));
        QTest::newRow("prekeys") << C2S << encode(example(C2S, u"prekeys"_s, true));
        QTest::newRow("device_list") << S2C << encode(example(S2C, u"device_list"_s, true));
        QTest::newRow("bundle") << S2C << encode(example(S2C, u"bundle"_s, true));
        QTest::newRow("error") << S2C << encode(example(S2C, u"error"_s, true));
    }

    void truncation()
    {
        QFETCH(Direction, direction);
        QFETCH(QByteArray, data);
        QVERIFY(std::holds_alternative<Frame>(decode(data, direction)));
        for (qsizetype n = 0; n < data.size(); ++n) {
            const DecodeResult r = decode(QByteArrayView(data).first(n), direction);
            QVERIFY2(std::holds_alternative<FrameError>(r), qPrintable(u"prefix of %1 bytes decoded"_s.arg(n)));
            QVERIFY(!std::get<FrameError>(r).message.isEmpty());
        }
    }

    void randomMutations()
    {
        QList<std::pair<Direction, QByteArray>> seeds;
        for (Direction d : {C2S, S2C}) {
            for (const QString &type : frameTypes(d)) {
                for (bool full : {false, true}) {
                    const Frame f = example(d, type, full);
                    // Large frames make every mutation slow without adding coverage.
                    const QByteArray bytes = encode(f);
                    if (bytes.size() <= 4096)
                        seeds.append({d, bytes});
                }
            }
        }
        seeds.append({C2S, indefinite(topMap(sendFrame()))});

        static const char interesting[] = {'\x00', '\x17', '\x18', '\x19', '\x1a', '\x1b', '\x1f', '\x20', '\x3b',
                                           '\x40', '\x5f', '\x60', '\x7f', '\x80', '\x9f', '\xa0', '\xbf', '\xc0',
                                           '\xd8', '\xf4', '\xf5', '\xf6', '\xf7', '\xf9', '\xfa', '\xfb', '\xff'};
        QRandomGenerator rng(20240611);
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < 20000; ++round) {
            const auto &[direction, seed] = seeds.at(rng.bounded(qsizetype(seeds.size())));
            QByteArray data = seed;
            const int edits = 1 + int(rng.bounded(3));
            for (int e = 0; e < edits && !data.isEmpty(); ++e) {
                const qsizetype pos = rng.bounded(data.size());
                switch (rng.bounded(7)) {
                case 0: data[pos] = char(uchar(data[pos]) ^ (1u << rng.bounded(8))); break;
                case 1: data[pos] = char(rng.bounded(256)); break;
                case 2: data.insert(pos, char(rng.bounded(256))); break;
                case 3: data.remove(pos, 1); break;
                case 4: data.truncate(pos); break;
                case 5: {
                    const qsizetype len = 1 + rng.bounded(qMin<qsizetype>(32, data.size() - pos));
                    data.insert(rng.bounded(data.size()), data.mid(pos, len));
                    break;
                }
                default: data[pos] = interesting[rng.bounded(int(sizeof interesting))]; break;
                }
            }
            const DecodeResult r = decode(data, direction);
            if (const auto *frame = std::get_if<Frame>(&r)) {
                ++accepted;
                const DecodeResult again = decode(encode(*frame), direction);
                QVERIFY2(std::holds_alternative<Frame>(again), data.toHex().constData());
                QVERIFY2(sameFrame(std::get<Frame>(again), *frame), data.toHex().constData());
            } else {
                ++refused;
                const FrameError &e = std::get<FrameError>(r);
                QVERIFY(e.code == WireError::BadFrame || e.code == WireError::UnknownType
                        || e.code == WireError::BadField || e.code == WireError::TooLarge);
                QVERIFY(!e.message.isEmpty());
                QVERIFY(e.id <= MaxRequestId);
            }
        }
        QVERIFY(accepted > 0);
        QVERIFY(refused > 0);
    }


    // encode() writes through the protocol's CborWriter; its bytes stay those of the QCborValue encoding for every
    // refused frame of the corpus above.
    void encodeKeepsItsBytesForRefusedFrames_data() { rejects_data(); }
    void encodeKeepsItsBytesForRefusedFrames()
    {
        QFETCH(QByteArray, data);
        compareEncodings(data);
    }
};

QTEST_GUILESS_MAIN(TestFrameRejects)
#include "tst_framerejects.moc"
