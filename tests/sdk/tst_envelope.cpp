// Envelope building and opening (docs/protocol.md, "Message encryption"): round trips for several recipients
// and devices, every tamper and every kind of dishonest sender mapped to its own error, padding, and the frames'
// agreement with the protocol codec.

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"

#include <QCborArray>
#include <QSet>
#include <QtTest>

#include <functional>

using namespace parley;
using namespace parley::sdk;
using namespace Qt::StringLiterals;

namespace {

struct Device {
    QString user;
    quint32 no = 0;
    crypto::EcKey root;
    crypto::EcKey key;
    QByteArray cert;
    quint32 kid = 0;
    crypto::EcKey prekey;
};

crypto::EcKey generated()
{
    Result<crypto::EcKey> key = crypto::EcKey::generate();
    if (!key)
        qFatal("key generation failed");
    return key.value();
}

Device makeDevice(const QString &user, quint32 no, const crypto::EcKey &root, quint32 kid)
{
    Device d;
    d.user = user;
    d.no = no;
    d.root = root;
    d.key = generated();
    d.cert = root.sign(protocol::deviceStatement(user, d.key.publicPoint())).value();
    d.kid = kid;
    d.prekey = generated();
    return d;
}

SenderIdentity senderOf(const Device &d)
{
    return SenderIdentity{d.user, d.no, d.root.publicPoint(), d.key.publicPoint(), d.key};
}

RecipientDevice recipientOf(const Device &d)
{
    return RecipientDevice{d.user, d.root.publicPoint(), d.no, d.key.publicPoint(), d.kid, d.prekey.publicPoint()};
}

SenderDevice senderDeviceOf(const Device &d)
{
    return SenderDevice{d.user, d.root.publicPoint(), d.no, d.key.publicPoint(), d.cert};
}

RecipientIdentity meOf(const Device &d)
{
    return RecipientIdentity{d.user, d.no, d.root.publicPoint(), d.key.publicPoint()};
}

// The `msg` frame the server would deliver to (user, device) for this envelope.
protocol::Frame msgFrame(const Envelope &env, const QString &user, quint32 device, quint64 seq = 7)
{
    protocol::Frame f(u"msg"_s);
    QCborArray to;
    for (const QString &u : env.to)
        to.append(u);
    f.set("seq"_L1, qint64(seq))
        .set("from"_L1, env.from)
        .set("dev"_L1, qint64(env.device))
        .set("mid"_L1, env.mid)
        .set("to"_L1, to)
        .set("at"_L1, qint64(env.sentAt))
        .set("pl"_L1, env.payload)
        .set("kc"_L1, env.keyCommitment)
        .set("opts"_L1, QCborValue::fromCbor(env.options.encode()))
        .set("sig"_L1, env.signature);
    for (const KeyEntry &k : env.keys) {
        if (k.user == user && k.device == device) {
            f.set("kid"_L1, qint64(k.kid)).set("eph"_L1, k.eph).set("wk"_L1, k.wk);
            break;
        }
    }
    return f;
}

PrekeyLookup lookupFor(const Device &d)
{
    return [d](quint32 kid) -> std::optional<crypto::EcKey> {
        if (kid == d.kid)
            return d.prekey;
        return std::nullopt;
    };
}

QByteArray flipped(QByteArray bytes, qsizetype at)
{
    bytes[at] = char(bytes[at] ^ 0x01);
    return bytes;
}

} // namespace

class TestEnvelope : public QObject {
    Q_OBJECT

private:
    Device alice1, alice2, bob1, bob2, carol1;
    quint64 now = 0;

    Envelope buildToAll(const QString &text)
    {
        Result<Envelope> env = Envelope::build(senderOf(alice1), {u"carol"_s, u"bob"_s},
                                               {recipientOf(bob1), recipientOf(bob2), recipientOf(carol1),
                                                recipientOf(alice2)},
                                               text, now);
        if (!env)
            qFatal("build failed: %s", qPrintable(env.error().message));
        return env.value();
    }

    // What a dishonest sender can make with the public steps: a correctly signed envelope whose inner parts
    // disagree. `payloadKey` encrypts the payload, `committed` goes into kc, `wrapped` is wrapped for bob#1.
    Envelope forged(const crypto::SecureBuffer &payloadKey, const QByteArray &committed,
                    const crypto::SecureBuffer &wrapped, const QByteArray &payload = {})
    {
        Envelope env;
        env.from = alice1.user;
        env.device = alice1.no;
        env.mid = Envelope::newMessageId();
        env.to = {u"bob"_s};
        env.sentAt = now;
        env.payload = payload.isEmpty() ? Envelope::encryptPayload(payloadKey, env.mid, u"forged"_s).value() : payload;
        env.keyCommitment = committed;
        if (!env.sign(alice1.key))
            qFatal("sign failed");
        const QByteArray coreHash = crypto::sha512(env.core());
        env.keys.append(Envelope::wrapKey(wrapped, env.mid, coreHash, senderOf(alice1), recipientOf(bob1)).value());
        return env;
    }

    static EnvelopeError errorOf(const OpenResult &r)
    {
        const auto *f = std::get_if<EnvelopeFailure>(&r);
        return f ? f->code : EnvelopeError(-1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const crypto::EcKey aliceRoot = generated();
        const crypto::EcKey bobRoot = generated();
        alice1 = makeDevice(u"alice"_s, 1, aliceRoot, 11);
        alice2 = makeDevice(u"alice"_s, 2, aliceRoot, 12);
        bob1 = makeDevice(u"bob"_s, 1, bobRoot, 21);
        bob2 = makeDevice(u"bob"_s, 2, bobRoot, 22);
        carol1 = makeDevice(u"carol"_s, 1, generated(), 31);
        now = quint64(QDateTime::currentMSecsSinceEpoch());
    }

    void roundtrip_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("short") << u"hello"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("unicode") << u"Grüße, 世界 🎉\nnew line"_s;
        QTest::newRow("long") << QString(20000, u'x');
    }

    void roundtrip()
    {
        QFETCH(QString, text);
        const Envelope env = buildToAll(text);
        QCOMPARE(env.to, (QStringList{u"bob"_s, u"carol"_s}));
        QCOMPARE(env.keys.size(), 4);
        QCOMPARE(env.mid.size(), 16);
        for (const Device *d : {&bob1, &bob2, &carol1, &alice2}) {
            const OpenResult r = Envelope::open(msgFrame(env, d->user, d->no), meOf(*d), senderDeviceOf(alice1),
                                                lookupFor(*d));
            const auto *opened = std::get_if<OpenedMessage>(&r);
            QVERIFY2(opened, qPrintable(u"%1#%2: %3"_s.arg(d->user).arg(d->no)
                                            .arg(opened ? QString() : std::get<EnvelopeFailure>(r).message)));
            QCOMPARE(opened->text, text);
            QCOMPARE(opened->from, u"alice"_s);
            QCOMPARE(opened->device, 1u);
            QCOMPARE(opened->mid, env.mid);
            QCOMPARE(opened->seq, 7u);
            QCOMPARE(opened->sentAt, now);
            QCOMPARE(opened->kid, d->kid);
            QCOMPARE(opened->to, env.to);
        }
    }

    void eachMessageHasFreshKeys()
    {
        const Envelope a = buildToAll(u"same"_s);
        const Envelope b = buildToAll(u"same"_s);
        QVERIFY(a.mid != b.mid);
        QVERIFY(a.payload != b.payload);
        QVERIFY(a.keyCommitment != b.keyCommitment);
        QVERIFY(a.keys.first().eph != b.keys.first().eph);
    }

    void framesMatchTheCodec()
    {
        const Envelope env = buildToAll(u"codec"_s);
        const protocol::DecodeResult send = protocol::decode(protocol::encode(env.toFrame(5)),
                                                             protocol::Direction::ClientToServer);
        QVERIFY2(std::holds_alternative<protocol::Frame>(send),
                 qPrintable(std::get_if<protocol::FrameError>(&send) ? std::get<protocol::FrameError>(send).message
                                                                     : QString()));
        const protocol::Frame &decoded = std::get<protocol::Frame>(send);
        QCOMPARE(decoded.type, u"send"_s);
        QCOMPARE(decoded.id, 5u);
        QCOMPARE(decoded.array("keys"_L1).size(), 4);

        const protocol::DecodeResult msg = protocol::decode(protocol::encode(msgFrame(env, u"bob"_s, 2)),
                                                            protocol::Direction::ServerToClient);
        QVERIFY2(std::holds_alternative<protocol::Frame>(msg),
                 qPrintable(std::get_if<protocol::FrameError>(&msg) ? std::get<protocol::FrameError>(msg).message
                                                                    : QString()));
        const OpenResult r = Envelope::open(std::get<protocol::Frame>(msg), meOf(bob2), senderDeviceOf(alice1),
                                            lookupFor(bob2));
        QVERIFY(std::holds_alternative<OpenedMessage>(r));
        QCOMPARE(std::get<OpenedMessage>(r).text, u"codec"_s);
    }

    void coreIsSignedByTheSender()
    {
        const Envelope env = buildToAll(u"signed"_s);
        protocol::MessageCore in;
        in.from = u"alice"_s;
        in.device = 1;
        in.mid = env.mid;
        in.to = {u"carol"_s, u"bob"_s, u"bob"_s};   // normalised by encode()
        in.sentAt = now;
        in.payload = env.payload;
        in.keyCommitment = env.keyCommitment;
        QVERIFY(alice1.key.verify(in.encode(), env.signature));
        QCOMPARE(env.keyCommitment.size(), 32);
    }

    void tamper_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("expected");
        const struct {
            const char *name;
            EnvelopeError error;
        } rows[] = {
            {"payload bit flip", EnvelopeError::BadSignature},
            {"payload bit flip in the tag", EnvelopeError::BadSignature},
            {"wk bit flip", EnvelopeError::UnwrapFailed},
            {"eph replaced", EnvelopeError::UnwrapFailed},
            {"wrong prekey", EnvelopeError::UnwrapFailed},
            {"unknown prekey", EnvelopeError::UnknownPrekey},
            {"kid of another prekey", EnvelopeError::UnknownPrekey},
            {"wrong sender root key", EnvelopeError::BadCertificate},
            {"certificate of another device", EnvelopeError::BadCertificate},
            {"certificate for another user", EnvelopeError::BadCertificate},
            {"sender device key of another device", EnvelopeError::BadSignature},
            {"signature over another core", EnvelopeError::BadSignature},
            {"signature bytes flipped", EnvelopeError::BadSignature},
            {"recipient list changed", EnvelopeError::BadSignature},
            {"sent_at changed", EnvelopeError::BadSignature},
            {"mid changed", EnvelopeError::BadSignature},
            {"kc changed", EnvelopeError::BadSignature},
            {"options changed", EnvelopeError::BadSignature},
            {"opened by another device of the recipient", EnvelopeError::UnwrapFailed},
            {"wk truncated", EnvelopeError::Malformed},
            {"sender details of another device", EnvelopeError::Malformed},
        };
        for (int i = 0; i < int(std::size(rows)); ++i)
            QTest::newRow(rows[i].name) << i << int(rows[i].error);
    }

    void tamper()
    {
        QFETCH(int, row);
        QFETCH(int, expected);
        const Envelope env = buildToAll(u"tamper me"_s);
        protocol::Frame f = msgFrame(env, u"bob"_s, 1);
        RecipientIdentity me = meOf(bob1);
        SenderDevice sender = senderDeviceOf(alice1);
        PrekeyLookup lookup = lookupFor(bob1);
        const crypto::EcKey other = generated();
        switch (row) {
        case 0: f.set("pl"_L1, flipped(env.payload, 20)); break;
        case 1: f.set("pl"_L1, flipped(env.payload, env.payload.size() - 1)); break;
        case 2: f.set("wk"_L1, flipped(f.bytes("wk"_L1), 3)); break;
        case 3: f.set("eph"_L1, other.publicPoint()); break;
        case 4: lookup = [other](quint32) { return std::optional<crypto::EcKey>(other); }; break;
        case 5: lookup = [](quint32) { return std::optional<crypto::EcKey>(); }; break;
        case 6: f.set("kid"_L1, qint64(bob2.kid)); break;
        case 7: sender.rootPub = carol1.root.publicPoint(); break;
        case 8: sender.certificate = alice2.cert; break;
        case 9: sender.certificate = alice1.root.sign(protocol::deviceStatement(u"mallory"_s, alice1.key.publicPoint())).value(); break;
        case 10: sender.devicePub = alice2.key.publicPoint(); sender.certificate = alice2.cert; break;
        case 11: {
            Envelope other2 = env;
            other2.sentAt += 1;
            f.set("sig"_L1, alice1.key.sign(other2.core()).value());
            break;
        }
        case 12: f.set("sig"_L1, flipped(env.signature, env.signature.size() - 2)); break;
        case 13: f.set("to"_L1, QCborArray{u"bob"_s}); break;
        case 14: f.set("at"_L1, qint64(env.sentAt + 1)); break;
        case 15: f.set("mid"_L1, flipped(env.mid, 0)); break;
        case 16: f.set("kc"_L1, flipped(env.keyCommitment, 0)); break;
        case 17: {
            QCborMap opts;
            opts.insert(u"room"_s, u"x"_s);
            f.set("opts"_L1, opts);
            break;
        }
        case 18: me = meOf(bob2); break;   // bob#1's entry, opened by a device that holds the same prekey
        case 19: f.set("wk"_L1, f.bytes("wk"_L1).left(47)); break;
        case 20: sender = senderDeviceOf(alice2); break;
        default: QFAIL("no such row");
        }
        const OpenResult r = Envelope::open(f, me, sender, lookup);
        QVERIFY2(std::holds_alternative<EnvelopeFailure>(r), "a tampered message opened");
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError(expected)));
        QVERIFY(!std::get<EnvelopeFailure>(r).message.isEmpty());
    }

    // A key entry cannot be moved to another recipient or another message.
    void wrappedKeyMovedToAnotherRecipient()
    {
        const Envelope env = buildToAll(u"for bob only"_s);
        // carol gets bob#1's key entry and, to isolate the binding, even holds bob#1's prekey.
        protocol::Frame f = msgFrame(env, u"bob"_s, 1);
        Device carolWithBobsPrekey = carol1;
        carolWithBobsPrekey.kid = bob1.kid;
        carolWithBobsPrekey.prekey = bob1.prekey;
        const OpenResult r = Envelope::open(f, meOf(carolWithBobsPrekey), senderDeviceOf(alice1),
                                            lookupFor(carolWithBobsPrekey));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::UnwrapFailed));
    }

    void wrappedKeyMovedToAnotherMessage()
    {
        const Envelope first = buildToAll(u"first"_s);
        const Envelope second = buildToAll(u"second"_s);
        protocol::Frame f = msgFrame(first, u"bob"_s, 1);
        const protocol::Frame g = msgFrame(second, u"bob"_s, 1);
        f.set("eph"_L1, g.bytes("eph"_L1)).set("wk"_L1, g.bytes("wk"_L1));
        const OpenResult r = Envelope::open(f, meOf(bob1), senderDeviceOf(alice1), lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::UnwrapFailed));
    }

    // Dishonest senders: everything signed, but the inner parts disagree.
    void commitmentMismatch()
    {
        const crypto::SecureBuffer k = Envelope::newMessageKey();
        const crypto::SecureBuffer other = Envelope::newMessageKey();
        const Envelope env = forged(k, Envelope::commitmentFor(other), k);
        const OpenResult r = Envelope::open(msgFrame(env, u"bob"_s, 1), meOf(bob1), senderDeviceOf(alice1),
                                            lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::CommitmentMismatch));
    }

    void payloadUnderAnotherKey()
    {
        const crypto::SecureBuffer k = Envelope::newMessageKey();
        const crypto::SecureBuffer other = Envelope::newMessageKey();
        const Envelope env = forged(other, Envelope::commitmentFor(k), k);
        const OpenResult r = Envelope::open(msgFrame(env, u"bob"_s, 1), meOf(bob1), senderDeviceOf(alice1),
                                            lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::DecryptFailed));
    }

    void unpaddedPlaintext()
    {
        const crypto::SecureBuffer k = Envelope::newMessageKey();
        const QByteArray nonce = crypto::randomBytes(crypto::GcmNonceSize);
        const QByteArray mid = Envelope::newMessageId();
        // A valid CBOR map, but 50 bytes long: not padded.
        QCborMap plain;
        plain.insert(u"body"_s, QString(40, u'a'));
        const QByteArray bytes = plain.toCborValue().toCbor();
        QVERIFY(bytes.size() % 64 != 0);
        Envelope env = forged(k, Envelope::commitmentFor(k), k, QByteArray(1, 'x'));
        // Re-do the forgery with the chosen mid and payload.
        env.mid = mid;
        env.payload = nonce + crypto::aesGcmSeal(k.view(), nonce, bytes, mid).value();
        QVERIFY(env.sign(alice1.key));
        env.keys = {Envelope::wrapKey(k, mid, crypto::sha512(env.core()), senderOf(alice1), recipientOf(bob1)).value()};
        const OpenResult r = Envelope::open(msgFrame(env, u"bob"_s, 1), meOf(bob1), senderDeviceOf(alice1),
                                            lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::BadPlaintext));
    }

    void padding_data()
    {
        QTest::addColumn<int>("length");
        for (int n : {0, 1, 2, 23, 24, 40, 41, 42, 50, 63, 64, 100, 255, 256, 1000, 4096, 65000})
            QTest::newRow(qPrintable(QString::number(n))) << n;
    }

    void padding()
    {
        QFETCH(int, length);
        const QString text(length, u'p');
        Result<QByteArray> padded = Envelope::encodePlaintext(text);
        QVERIFY(padded);
        QCOMPARE(padded->size() % Envelope::PaddingBlock, 0);
        // Never more than one block of padding (plus the pad's own header growth).
        QVERIFY(padded->size() - length < Envelope::PaddingBlock + 16);
        Result<QString> back = Envelope::decodePlaintext(padded.value());
        QVERIFY(back);
        QCOMPARE(back.value(), text);
        const crypto::SecureBuffer k = Envelope::newMessageKey();
        Result<QByteArray> pl = Envelope::encryptPayload(k, Envelope::newMessageId(), text);
        QVERIFY(pl);
        QCOMPARE(pl->size(), padded->size() + crypto::GcmNonceSize + crypto::GcmTagSize);
    }

    void paddingHidesLengthWithinABlock()
    {
        const crypto::SecureBuffer k = Envelope::newMessageKey();
        const QByteArray mid = Envelope::newMessageId();
        QCOMPARE(Envelope::encryptPayload(k, mid, u"a"_s)->size(), Envelope::encryptPayload(k, mid, QString(40, u'b'))->size());
        QVERIFY(Envelope::encryptPayload(k, mid, u"a"_s)->size() < Envelope::encryptPayload(k, mid, QString(70, u'b'))->size());
    }

    void decodePlaintextRejects_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not a multiple of 64") << QByteArray(63, '\0');
        QTest::newRow("zeros") << QByteArray(64, '\0');
        QCborMap noBody;
        noBody.insert(u"pad"_s, QByteArray(58, '\0'));
        QByteArray b = noBody.toCborValue().toCbor();
        QTest::newRow("no body") << b.leftJustified(64, '\0', true);
        QCborMap trailing;
        trailing.insert(u"body"_s, u"x"_s);
        trailing.insert(u"pad"_s, QByteArray());
        QTest::newRow("trailing bytes") << trailing.toCborValue().toCbor().leftJustified(64, '\0', true);
    }

    void decodePlaintextRejects()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(!Envelope::decodePlaintext(bytes));
    }

    void largestMessage()
    {
        // The largest text that fits: padded plaintext of MaxPaddedPlaintext bytes.
        int lo = 0, hi = 70000;
        while (lo < hi) {
            const int mid = (lo + hi + 1) / 2;
            if (Envelope::encodePlaintext(QString(mid, u'm')))
                lo = mid;
            else
                hi = mid - 1;
        }
        QVERIFY(lo > 65000);
        Result<Envelope> env = Envelope::build(senderOf(alice1), {u"bob"_s}, {recipientOf(bob1)}, QString(lo, u'm'), now);
        QVERIFY(env);
        QVERIFY(env->payload.size() <= protocol::MaxPayloadBytes);
        QCOMPARE(env->payload.size(), Envelope::MaxPaddedPlaintext + crypto::GcmNonceSize + crypto::GcmTagSize);
        QVERIFY(!Envelope::build(senderOf(alice1), {u"bob"_s}, {recipientOf(bob1)}, QString(lo + 1, u'm'), now));
        const OpenResult r = Envelope::open(msgFrame(env.value(), u"bob"_s, 1), meOf(bob1), senderDeviceOf(alice1),
                                            lookupFor(bob1));
        QVERIFY(std::holds_alternative<OpenedMessage>(r));
        QCOMPARE(std::get<OpenedMessage>(r).text.size(), lo);
    }

    void buildRejects_data()
    {
        QTest::addColumn<int>("row");
        QTest::newRow("no recipients") << 0;
        QTest::newRow("invalid recipient name") << 1;
        QTest::newRow("device listed twice") << 2;
        QTest::newRow("invalid prekey point") << 3;
        QTest::newRow("message id of the wrong size") << 4;
        QTest::newRow("sender without private key") << 5;
        QTest::newRow("device number zero") << 6;
    }

    void buildRejects()
    {
        QFETCH(int, row);
        SenderIdentity sender = senderOf(alice1);
        QStringList to{u"bob"_s};
        QList<RecipientDevice> devices{recipientOf(bob1)};
        QByteArray mid;
        switch (row) {
        case 0: to.clear(); break;
        case 1: to = {u"Bob!"_s}; break;
        case 2: devices.append(recipientOf(bob1)); break;
        case 3: devices.first().prekeyPub = QByteArray(133, '\x04'); break;
        case 4: mid = QByteArray(15, 'm'); break;
        case 5: sender.deviceKey = crypto::EcKey::fromPublicPoint(alice1.key.publicPoint()).value(); break;
        case 6: devices.first().device = 0; break;
        default: QFAIL("no such row");
        }
        Result<Envelope> env = Envelope::build(sender, to, devices, u"x"_s, now, {}, mid);
        QVERIFY(!env);
        QVERIFY(!env.error().message.isEmpty());
    }

    void manyDevicesEachOpenTheirOwnEntry()
    {
        // Enough devices for the key wraps to be spread over threads: every entry is in order, has its own
        // ephemeral key and opens for its device.
        QList<Device> members;
        QList<RecipientDevice> targets;
        for (quint32 i = 1; i <= 40; ++i) {
            Device d = bob1;
            d.no = i;
            members.append(d);
            targets.append(recipientOf(d));
        }
        Result<Envelope> built = Envelope::build(senderOf(alice1), {u"bob"_s}, targets, u"to many"_s, now);
        QVERIFY2(built, qPrintable(built ? QString() : built.error().message));
        const Envelope &env = built.value();
        QCOMPARE(env.keys.size(), 40);
        QSet<QByteArray> ephs;
        for (qsizetype i = 0; i < env.keys.size(); ++i) {
            QCOMPARE(env.keys.at(i).user, u"bob"_s);
            QCOMPARE(env.keys.at(i).device, quint32(i + 1));
            ephs.insert(env.keys.at(i).eph);
        }
        QCOMPARE(ephs.size(), 40);
        for (const Device &d : std::as_const(members)) {
            const OpenResult r = Envelope::open(msgFrame(env, d.user, d.no), meOf(d), senderDeviceOf(alice1), lookupFor(d));
            const auto *opened = std::get_if<OpenedMessage>(&r);
            QVERIFY2(opened, qPrintable(u"bob#%1: %2"_s.arg(d.no).arg(opened ? QString() : std::get<EnvelopeFailure>(r).message)));
            QCOMPARE(opened->text, u"to many"_s);
        }
    }

    void tooManyDevicesForOneFrame()
    {
        // 6,000 key entries exceed the 1 MiB frame limit long before the 10,000-entry limit.
        QList<RecipientDevice> many;
        const RecipientDevice base = recipientOf(bob1);
        for (quint32 i = 1; i <= 6000; ++i) {
            RecipientDevice d = base;
            d.device = i;
            many.append(d);
        }
        Result<Envelope> env = Envelope::build(senderOf(alice1), {u"bob"_s}, many, u"x"_s, now);
        QVERIFY(!env);
        QVERIFY2(env.error().message.contains(u"too large"_s), qPrintable(env.error().message));
    }

    void malformedFrames_data()
    {
        QTest::addColumn<QString>("field");
        for (const char *f : {"from", "dev", "mid", "pl", "kc", "sig", "kid", "eph", "wk", "to", "opts", "at", "seq"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }

    void malformedFrames()
    {
        QFETCH(QString, field);
        const Envelope env = buildToAll(u"x"_s);
        protocol::Frame f = msgFrame(env, u"bob"_s, 1);
        f.fields.remove(field);
        const OpenResult r = Envelope::open(f, meOf(bob1), senderDeviceOf(alice1), lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r)), envelopeErrorName(EnvelopeError::Malformed));
        f = msgFrame(env, u"bob"_s, 1);
        f.set(QLatin1StringView(field.toLatin1()), QCborValue(u"wrong type"_s));
        if (field == u"from"_s)
            f.set("from"_L1, QCborValue(42));
        const OpenResult r2 = Envelope::open(f, meOf(bob1), senderDeviceOf(alice1), lookupFor(bob1));
        QCOMPARE(envelopeErrorName(errorOf(r2)), envelopeErrorName(EnvelopeError::Malformed));
    }
};

QTEST_GUILESS_MAIN(TestEnvelope)
#include "tst_envelope.moc"
