#pragma once

// The frame tests' corpus: a valid example of every frame type, builders of hand-made CBOR (duplicate keys,
// indefinite lengths) and the check that encode() keeps the bytes of the reference encoding.

#include "referenceencoding.h"
#include "protocol/frame.h"
#include "protocol/wireerror.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QTest>

#include <utility>

Q_DECLARE_METATYPE(parley::protocol::Direction)
Q_DECLARE_METATYPE(parley::protocol::WireError)

namespace parley::protocol::test {

using namespace Qt::StringLiterals;

constexpr auto C2S = Direction::ClientToServer;
constexpr auto S2C = Direction::ServerToClient;

inline QByteArray point(char fill)
{
    QByteArray p(133, fill);
    p[0] = '\x04';
    return p;
}

inline QByteArray signature(char fill = 's') { return QByteArray(72, fill); }

inline QCborMap prekey(quint32 kid)
{
    QCborMap m;
    m.insert("kid"_L1, qint64(kid));
    m.insert("pub"_L1, point('p'));
    m.insert("sig"_L1, signature());
    return m;
}

inline QCborMap keyEntry(const QString &user, int device, quint32 kid)
{
    QCborMap m;
    m.insert("user"_L1, user);
    m.insert("device"_L1, device);
    m.insert("kid"_L1, qint64(kid));
    m.insert("eph"_L1, point('e'));
    m.insert("wk"_L1, QByteArray(48, 'w'));
    return m;
}

inline QCborMap deviceRef(const QString &user, int device)
{
    QCborMap m;
    m.insert("user"_L1, user);
    m.insert("device"_L1, device);
    return m;
}

inline QCborArray texts(const QStringList &list)
{
    QCborArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

inline QByteArray messageId() { return QByteArray::fromHex("00112233445566778899aabbccddeeff"); }

// A valid example of every frame type; `full` adds every optional field.
inline Frame example(Direction direction, const QString &type, bool full)
{
    Frame f(type);
    if (direction == C2S) {
        if (type == "enroll_info"_L1) {
            f.id = 1;
            f.set("user"_L1, u"alice"_s).set("code"_L1, u"ABCD-1234"_s);
        } else if (type == "enroll"_L1) {
            f.id = 2;
            f.set("user"_L1, u"alice"_s).set("code"_L1, u"ABCD-1234"_s).set("root"_L1, point('r'));
            f.set("dev"_L1, point('d')).set("dsig"_L1, signature());
            if (full)
                f.set("name"_L1, u"laptop \u00e9"_s).set("recovery"_L1, QByteArray(300, 'b'));
        } else if (type == "login"_L1) {
            f.id = 3;
            f.set("user"_L1, u"alice"_s).set("device"_L1, 1).set("sig"_L1, signature());
            if (full)
                f.set("resume"_L1, QByteArray(32, 'c'));
        } else if (type == "prekeys"_L1) {
            f.id = 4;
            f.set("keys"_L1, full ? QCborArray{prekey(1), prekey(2), prekey(0xffffffffu)} : QCborArray());
            if (full)
                f.set("lr"_L1, prekey(0));
        } else if (type == "devices"_L1) {
            f.id = 5;
            f.set("users"_L1, texts({u"bob"_s, u"alice"_s}));
        } else if (type == "fetch"_L1) {
            f.id = 6;
            f.set("user"_L1, u"bob"_s);
            if (full)
                f.set("devices"_L1, QCborArray{1, 2});
        } else if (type == "send"_L1) {
            f.id = 7;
            f.set("mid"_L1, messageId()).set("to"_L1, texts({u"alice"_s, u"bob"_s}));
            f.set("at"_L1, qint64(1700000000000)).set("pl"_L1, QByteArray(full ? 600 : 0, 'P'));
            f.set("kc"_L1, QByteArray(32, 'k')).set("opts"_L1, QCborMap()).set("sig"_L1, signature());
            QCborArray keys{keyEntry(u"alice"_s, 2, 7), keyEntry(u"bob"_s, 1, 8)};
            if (full) {
                keys.append(keyEntry(u"bob"_s, 3, 9));
                keys.append(keyEntry(u"bob"_s, 4, 10));
            }
            f.set("keys"_L1, keys);
            if (full)
                f.set("blobs"_L1, QCborArray{QByteArray(16, 'b'), QByteArray(16, 'c')});
        } else if (type == "ack"_L1) {
            f.id = full ? 8 : 0;
            f.set("seqs"_L1, full ? QCborArray{1, 2, qint64(MaxRequestId)} : QCborArray{5});
        } else if (type == "recovery_put"_L1) {
            f.id = 9;
            f.set("blob"_L1, QByteArray(full ? MaxRecoveryBytes : 1, 'B'));
        } else if (type == "recovery_get"_L1) {
            f.id = 10;
        } else if (type == "push_register"_L1) {
            f.id = 40;
            if (full)
                f.set("kind"_L1, u"webpush"_s).set("endpoint"_L1, u"https://push.example/s/1"_s)
                    .set("p256dh"_L1, QByteArray(65, '\x04')).set("auth"_L1, QByteArray(16, 'a'));
            else
                f.set("kind"_L1, u"fcm"_s).set("token"_L1, u"tok"_s);
        } else if (type == "push_remove"_L1) {
            f.id = 41;
        } else if (type == "room_change"_L1) {
            f.id = 50;
            f.set("room"_L1, u"team"_s).set("rec"_L1, QByteArray(full ? 2048 : 1, 'r')).set("sig"_L1, signature());
        } else if (type == "room_get"_L1) {
            f.id = 51;
            f.set("room"_L1, u"team"_s);
            if (full)
                f.set("from"_L1, 7);
        } else if (type == "rooms"_L1) {
            f.id = 52;
        } else if (type == "turn"_L1) {
            f.id = 60;
        } else if (type == "blob_start"_L1) {
            f.id = 66;
            f.set("size"_L1, qint64(100) << 20);
            if (full)
                f.set("blob"_L1, QByteArray(16, 'b'));
        } else if (type == "blob_put"_L1) {
            f.id = 61;
            f.set("blob"_L1, QByteArray(16, 'b')).set("offset"_L1, full ? qint64(1) << 20 : 0);
            f.set("data"_L1, QByteArray(full ? MaxBlobChunkBytes : 1, 'D'));
        } else if (type == "blob_get"_L1) {
            f.id = 62;
            f.set("blob"_L1, QByteArray(16, 'b')).set("offset"_L1, full ? 262144 : 0);
        }
        return f;
    }

    if (type == "hello"_L1) {
        f.set("v"_L1, 1).set("vs"_L1, full ? QCborArray{1, 2} : QCborArray{1}).set("ch"_L1, QByteArray(32, 'c'));
        f.set("time"_L1, qint64(1700000000000)).set("max"_L1, qint64(MaxClientFrameBytes));
    } else if (type == "enroll_info_ok"_L1) {
        f.id = 11;
        f.set("new_user"_L1, !full);
        if (full)
            f.set("recovery"_L1, QByteArray(64, 'R'));
    } else if (type == "enrolled"_L1) {
        f.id = 12;
        f.set("device"_L1, qint64(1) << 31);
    } else if (type == "welcome"_L1) {
        f.id = 13;
        f.set("prekeys"_L1, 100).set("lr"_L1, true).set("queued"_L1, 0);
        if (full)
            f.set("resume"_L1, QByteArray(32, 'c')).set("resume_exp"_L1, qint64(1700000000000));
    } else if (type == "prekeys_ok"_L1) {
        f.id = 14;
        f.set("count"_L1, 100);
    } else if (type == "device_list"_L1) {
        f.id = 15;
        QCborMap device;
        device.insert("device"_L1, 1);
        device.insert("pub"_L1, point('d'));
        device.insert("sig"_L1, signature());
        QCborMap user;
        user.insert("user"_L1, u"alice"_s);
        user.insert("root"_L1, point('r'));
        user.insert("devices"_L1, full ? QCborArray{device, device} : QCborArray());
        f.set("users"_L1, QCborArray{user}).set("unknown"_L1, full ? texts({u"zed"_s}) : QCborArray());
    } else if (type == "bundle"_L1) {
        f.id = 16;
        QCborMap device;
        device.insert("device"_L1, 3);
        device.insert("pub"_L1, point('d'));
        device.insert("sig"_L1, signature());
        device.insert("pk"_L1, prekey(77));
        device.insert("lr"_L1, full);
        f.set("user"_L1, u"bob"_s).set("root"_L1, point('r')).set("devices"_L1, QCborArray{device});
    } else if (type == "accepted"_L1) {
        f.id = 17;
        f.set("mid"_L1, messageId()).set("seq"_L1, 42);
    } else if (type == "msg"_L1) {
        f.set("seq"_L1, 43).set("from"_L1, u"alice"_s).set("dev"_L1, 2).set("mid"_L1, messageId());
        f.set("to"_L1, texts({u"bob"_s, u"carol"_s})).set("at"_L1, qint64(1700000000000));
        f.set("pl"_L1, QByteArray(full ? MaxPayloadBytes : 92, 'P')).set("kc"_L1, QByteArray(32, 'k'));
        f.set("opts"_L1, QCborMap()).set("sig"_L1, signature()).set("kid"_L1, 8);
        f.set("eph"_L1, point('e')).set("wk"_L1, QByteArray(48, 'w'));
    } else if (type == "synced"_L1) {
    } else if (type == "refill"_L1) {
        f.set("remaining"_L1, 3);
    } else if (type == "recovery"_L1) {
        f.id = 18;
        if (full)
            f.set("blob"_L1, QByteArray(100, 'B'));
    } else if (type == "ok"_L1) {
        f.id = 19;
    } else if (type == "room_ok"_L1) {
        f.id = 53;
        f.set("room"_L1, u"team"_s).set("seq"_L1, 3);
    } else if (type == "room"_L1) {
        f.id = 54;
        QCborMap entry;
        entry.insert("rec"_L1, QByteArray(100, 'r'));
        entry.insert("sig"_L1, signature());
        entry.insert("dpub"_L1, point('d'));
        entry.insert("dsig"_L1, signature());
        f.set("room"_L1, u"team"_s).set("chain"_L1, full ? QCborArray{entry, entry} : QCborArray()).set("more"_L1, full);
        if (full)
            f.set("enforced_expire"_L1, 3600).set("enforced_burn"_L1, true);
    } else if (type == "room_list"_L1) {
        f.id = 55;
        QCborMap room;
        room.insert("room"_L1, u"team"_s);
        room.insert("seq"_L1, 4);
        room.insert("title"_L1, u"Team"_s);
        room.insert("description"_L1, QString());
        room.insert("members"_L1, 3);
        room.insert("admin"_L1, true);
        room.insert("enforced_expire"_L1, 0);
        room.insert("enforced_burn"_L1, false);
        QCborMap limits;
        limits.insert("max_members"_L1, 1000);
        limits.insert("max_expire"_L1, 0);
        limits.insert("default_expire"_L1, 60);
        limits.insert("default_burn"_L1, false);
        f.set("rooms"_L1, full ? QCborArray{room} : QCborArray()).set("limits"_L1, limits);
    } else if (type == "room_changed"_L1) {
        f.set("room"_L1, u"team"_s).set("seq"_L1, 5);
    } else if (type == "turn_creds"_L1) {
        f.id = 61;
        f.set("uris"_L1, full ? texts({u"turn:turn.example:3478?transport=udp"_s, u"turns:turn.example:5349"_s})
                              : texts({u"stun:turn.example"_s}));
        f.set("user"_L1, u"1700003600:0123456789abcdef"_s).set("pass"_L1, u"c2VjcmV0IHBhc3N3b3JkIGZvciB0ZXN0cw=="_s);
        f.set("ttl"_L1, 3600);
    } else if (type == "blob_started"_L1) {
        f.id = 63;
        f.set("blob"_L1, QByteArray(16, 'b')).set("offset"_L1, full ? 262144 : 0).set("size"_L1, 1000000);
        f.set("chunk"_L1, qint64(MaxBlobChunkBytes));
    } else if (type == "blob_ack"_L1) {
        f.id = 64;
        f.set("blob"_L1, QByteArray(16, 'b')).set("offset"_L1, 1000000).set("done"_L1, full);
    } else if (type == "blob_data"_L1) {
        f.id = 65;
        f.set("blob"_L1, QByteArray(16, 'b')).set("offset"_L1, 0).set("size"_L1, 1000000);
        f.set("data"_L1, QByteArray(full ? MaxBlobChunkBytes : 0, 'D'));
    } else if (type == "error"_L1) {
        if (!full)
            return errorFrame(WireError::BadFrame, u"not well-formed CBOR"_s);
        f = errorFrame(WireError::DeviceMismatch, u"the key set does not match the devices"_s, 20);
        f.set("missing"_L1, QCborArray{deviceRef(u"bob"_s, 5)});
        f.set("stale"_L1, QCborArray{deviceRef(u"bob"_s, 1), deviceRef(u"carol"_s, 2)});
        f.set("unknown"_L1, texts({u"zed"_s})).set("retry"_L1, 1000);
    }
    return f;
}

inline bool sameFrame(const Frame &a, const Frame &b)
{
    return a.type == b.type && a.id == b.id && a.fields == b.fields;
}

// Concatenated encodings of single values (for hand-built frames).
inline QByteArray cbor(std::initializer_list<QCborValue> values)
{
    QByteArray out;
    for (const QCborValue &v : values)
        out += v.toCbor();
    return out;
}

// A definite map written entry by entry, so that it may hold what QCborMap cannot (duplicates).
inline QByteArray rawMap(const QList<std::pair<QCborValue, QCborValue>> &entries)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    w.startMap(quint64(entries.size()));
    for (const auto &[k, v] : entries) {
        k.toCbor(w);
        v.toCbor(w);
    }
    w.endMap();
    return out;
}

// The same value with every container and string in indefinite-length form (strings in two chunks).
inline QByteArray indefinite(const QCborValue &v)
{
    QByteArray out;
    switch (v.type()) {
    case QCborValue::Map: {
        out += '\xbf';
        const QCborMap m = v.toMap();
        for (auto it = m.cbegin(); it != m.cend(); ++it)
            out += indefinite(it.key()) + indefinite(it.value());
        out += '\xff';
        break;
    }
    case QCborValue::Array:
        out += '\x9f';
        for (const auto &e : v.toArray())
            out += indefinite(e);
        out += '\xff';
        break;
    case QCborValue::ByteArray: {
        const QByteArray b = v.toByteArray();
        out += '\x5f' + QCborValue(b.left(b.size() / 2)).toCbor() + QCborValue(b.mid(b.size() / 2)).toCbor() + '\xff';
        break;
    }
    case QCborValue::String: {
        const QByteArray u = v.toString().toUtf8();
        qsizetype half = u.size() / 2;
        while (half > 0 && (uchar(u[half]) & 0xc0) == 0x80)
            --half;
        out += '\x7f' + QCborValue(QString::fromUtf8(u.left(half))).toCbor()
             + QCborValue(QString::fromUtf8(u.mid(half))).toCbor() + '\xff';
        break;
    }
    default:
        out += v.toCbor();
    }
    return out;
}

inline QCborMap topMap(const Frame &f)
{
    QCborMap m;
    m.insert("t"_L1, f.type);
    if (f.id)
        m.insert("id"_L1, qint64(f.id));
    for (auto it = f.fields.cbegin(); it != f.fields.cend(); ++it)
        m.insert(it.key(), it.value());
    return m;
}

inline Frame sendFrame() { return example(C2S, u"send"_s, true); }

// Replaces one element of an array of maps held in a field.
inline Frame withNested(Frame f, QLatin1StringView arrayKey, qsizetype index, QLatin1StringView key, const QCborValue &value)
{
    QCborArray list = f.array(arrayKey);
    QCborMap entry = list.at(index).toMap();
    entry.insert(key, value);
    list[index] = entry;
    f.set(arrayKey, list);
    return f;
}

inline Frame without(Frame f, QLatin1StringView key)
{
    f.fields.remove(key);
    return f;
}

// encode() and the QCborValue encoding of a corpus entry, read back as a Frame whatever it holds (floats, negative
// integers, tags, a "t" that is no text: all go into the fields).
inline void compareEncodings(const QByteArray &data)
{
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(data, &error);
    if (error.error != QCborError::NoError || !value.isMap())
        return;   // not a frame encode() could have written
    Frame f;
    f.fields = value.toMap();
    if (f.fields.value("t"_L1).isString()) {
        f.type = f.fields.value("t"_L1).toString();
        f.fields.remove("t"_L1);
    }
    QCOMPARE(encode(f).toHex(), referenceEncode(f).toHex());
}

} // namespace parley::protocol::test
