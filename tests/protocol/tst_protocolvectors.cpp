// The test vectors of docs/protocol-vectors/ (docs/protocol.md, "Test vectors") against libparley: every file, every
// vector, so the specification cannot drift from the code. `tst_protocolvectors --generate DIR` writes the files
// anew (protocolvectors.h).

#include "protocolvectors.h"

#include "crypto/crypto.h"
#include "protocol/messages.h"
#include "protocol/roomchain.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"
#include "sdk/recoverybundle.h"
#include "sdk/safetycode.h"
#include "sdk/sealedbox.h"

#include <QCborValue>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;
using namespace parley;
using parley::vectors::hex;
using parley::vectors::unhex;

namespace {

QString vectorDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("PARLEY_PROTOCOL_VECTORS_DIR");
    return fromEnvironment.isEmpty() ? QStringLiteral(PARLEY_PROTOCOL_VECTORS_DIR) : fromEnvironment;
}

QJsonObject load(const QString &name)
{
    QFile file(QDir(vectorDirectory()).filePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

quint64 uintOf(const QJsonValue &v) { return quint64(v.toInteger(-1)); }

QStringList textsOf(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out.append(item.toString());
    return out;
}

protocol::MessageOptions optionsOf(const QJsonObject &o)
{
    protocol::MessageOptions out;
    if (o.contains(u"room"_s))
        out.room = o.value(u"room"_s).toString();
    if (o.contains(u"exp"_s))
        out.exp = uintOf(o.value(u"exp"_s));
    if (o.contains(u"burn"_s))
        out.burn = o.value(u"burn"_s).toBool();
    return out;
}

std::optional<protocol::RoomPolicy> policyOf(const QJsonValue &v)
{
    if (v.isNull())
        return std::nullopt;
    const QJsonObject o = v.toObject();
    return protocol::RoomPolicy{o.value(u"title"_s).toString(), o.value(u"description"_s).toString(),
                                uintOf(o.value(u"expire"_s)), o.value(u"burn"_s).toBool()};
}

bool verifies(const QByteArray &publicPoint, const QByteArray &statement, const QByteArray &signature)
{
    const Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(publicPoint);
    return key && key->verify(statement, signature);
}

QByteArray seal(const QByteArray &key, const QByteArray &nonce, const QByteArray &plain, const QByteArray &aad)
{
    const Result<QByteArray> sealed = crypto::aesGcmSeal(key, nonce, plain, aad);
    return sealed ? sealed.value() : QByteArray();
}

} // namespace

class TestProtocolVectors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyFileIsThere()
    {
        const QStringList present = QDir(vectorDirectory()).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
        QStringList expected = vectors::fileNames();
        expected.sort();
        QCOMPARE(present, expected);
        for (const QString &name : expected)
            QVERIFY2(!load(name).isEmpty(), qPrintable(name));
    }

    void keys()
    {
        const QJsonArray keys = load(u"keys.json"_s).value(u"keys"_s).toArray();
        QCOMPARE(keys.size(), 9);
        for (const QJsonValue &k : keys) {
            const Result<crypto::EcKey> key = crypto::EcKey::fromPrivateScalar(unhex(k[u"private"_s]));
            QVERIFY(key);
            QCOMPARE(hex(key->publicPoint()), k[u"public"_s].toString());
        }
    }

    void statements()
    {
        const QJsonArray list = load(u"statements.json"_s).value(u"vectors"_s).toArray();
        QCOMPARE(list.size(), 7);
        for (const QJsonValue &v : list) {
            const QString kind = v[u"kind"_s].toString();
            QByteArray statement;
            if (kind == u"device_certificate"_s)
                statement = protocol::deviceStatement(v[u"user"_s].toString(), unhex(v[u"device_public"_s]));
            else if (kind == u"login"_s)
                statement = protocol::loginStatement(unhex(v[u"challenge"_s]), v[u"user"_s].toString(),
                                                     quint32(uintOf(v[u"device"_s])));
            else if (kind == u"prekey"_s)
                statement = protocol::prekeyStatement(quint32(uintOf(v[u"kid"_s])), unhex(v[u"prekey_public"_s]));
            else
                QFAIL(qPrintable(u"unknown kind "_s + kind));
            QCOMPARE(hex(statement), v[u"statement"_s].toString());
            QVERIFY(verifies(unhex(v[u"signer_public"_s]), statement, unhex(v[u"signature"_s])));
        }
    }

    void roomRecords()
    {
        const QJsonObject file = load(u"room-records.json"_s);
        const QString room = file.value(u"room"_s).toString();
        QList<protocol::SignedRoomRecord> chain;
        QByteArray prev;
        for (const QJsonValue &v : file.value(u"chain"_s).toArray()) {
            protocol::RoomRecord r;
            r.room = room;
            r.seq = uintOf(v[u"seq"_s]);
            r.prev = unhex(v[u"prev"_s]);
            r.op = protocol::roomOpFromName(v[u"op"_s].toString()).value_or(protocol::RoomOp::Create);
            r.target = v[u"target"_s].toString();
            r.actor = v[u"actor"_s].toString();
            r.actorDevice = quint32(uintOf(v[u"actor_device"_s]));
            r.at = uintOf(v[u"at"_s]);
            r.policy = policyOf(v[u"policy"_s]);
            const QByteArray bytes = unhex(v[u"record"_s]);
            QCOMPARE(r.prev, prev);
            QCOMPARE(hex(r.encode()), v[u"record"_s].toString());
            const Result<protocol::RoomRecord> decoded = protocol::RoomRecord::decode(bytes);
            QVERIFY(decoded);
            QCOMPARE(decoded->encode(), bytes);
            QVERIFY(decoded->policy == r.policy && decoded->target == r.target && decoded->at == r.at);
            prev = crypto::sha512(bytes);
            QCOMPARE(hex(prev), v[u"record_sha512"_s].toString());
            chain.append({bytes, unhex(v[u"signature"_s]), unhex(v[u"device_public"_s]), unhex(v[u"device_certificate"_s])});
        }
        const QJsonObject roots = file.value(u"roots"_s).toObject();
        const Result<protocol::RoomState> state = protocol::verifyRoomChain(
            room, chain, [&roots](const QString &user) { return unhex(roots.value(user)); });
        QVERIFY2(state, state ? "" : qPrintable(state.error().message));
        const QJsonObject expected = file.value(u"state"_s).toObject();
        QCOMPARE(hex(state->head), expected.value(u"head"_s).toString());
        QCOMPARE(state->nextSeq, uintOf(expected.value(u"next_seq"_s)));
        QCOMPARE(state->policy, policyOf(expected.value(u"policy"_s)).value());
        QMap<QString, bool> members;
        const QJsonObject m = expected.value(u"members"_s).toObject();
        for (auto it = m.begin(); it != m.end(); ++it)
            members.insert(it.key(), it.value().toBool());
        QCOMPARE(state->members, members);
    }

    void roomRecordsRefused()
    {
        const QJsonArray refused = load(u"room-records.json"_s).value(u"refused"_s).toArray();
        QCOMPARE(refused.size(), 4);
        for (const QJsonValue &v : refused) {
            const QByteArray bytes = unhex(v[u"record"_s]);
            QVERIFY2(!protocol::RoomRecord::decode(bytes), qPrintable(v[u"why"_s].toString()));
        }
    }

    void messagePayload()
    {
        const QJsonObject m = load(u"message.json"_s);
        const QByteArray plaintext = unhex(m[u"plaintext"_s]);
        const Result<QByteArray> encoded = sdk::Envelope::encodePlaintext(m[u"text"_s].toString());
        QVERIFY(encoded);
        QCOMPARE(hex(*encoded), hex(plaintext));
        QCOMPARE(plaintext.size() % 64, 0);
        QCOMPARE(sdk::Envelope::decodePlaintext(plaintext).valueOr({}), m[u"text"_s].toString());
        const QByteArray key = unhex(m[u"message_key"_s]), nonce = unhex(m[u"payload_nonce"_s]);
        QCOMPARE(hex(nonce + seal(key, nonce, plaintext, unhex(m[u"mid"_s]))), m[u"pl"_s].toString());
        QCOMPARE(hex(sdk::Envelope::commitmentFor(crypto::SecureBuffer(key))), m[u"kc"_s].toString());
    }

    void messageCore()
    {
        const QJsonObject m = load(u"message.json"_s);
        const QJsonObject sender = m[u"sender"_s].toObject();
        const protocol::MessageCore core{sender[u"user"_s].toString(), quint32(uintOf(sender[u"device"_s])),
                                         unhex(m[u"mid"_s]), textsOf(m[u"to"_s]), uintOf(m[u"at"_s]),
                                         unhex(m[u"pl"_s]), unhex(m[u"kc"_s]), optionsOf(m[u"opts"_s].toObject())};
        QCOMPARE(hex(core.encode()), m[u"core"_s].toString());
        QCOMPARE(hex(core.hash()), m[u"core_sha512"_s].toString());
        QCOMPARE(hex(core.options.encode()), m[u"opts_frame"_s].toString());
        QVERIFY(verifies(unhex(sender[u"device_public"_s]), core.encode(), unhex(m[u"signature"_s])));
        QVERIFY(verifies(unhex(sender[u"root_public"_s]),
                         protocol::deviceStatement(core.from, unhex(sender[u"device_public"_s])),
                         unhex(sender[u"device_certificate"_s])));
        for (const QJsonValue &v : m[u"more_cores"_s].toArray()) {
            const protocol::MessageCore more{v[u"from"_s].toString(), quint32(uintOf(v[u"device"_s])),
                                             unhex(v[u"mid"_s]), textsOf(v[u"to"_s]), uintOf(v[u"at"_s]),
                                             unhex(v[u"pl"_s]), unhex(v[u"kc"_s]), optionsOf(v[u"opts"_s].toObject())};
            QCOMPARE(hex(more.encode()), v[u"core"_s].toString());
        }
    }

    void messageKeyWraps()
    {
        const QJsonObject m = load(u"message.json"_s);
        const QJsonObject sender = m[u"sender"_s].toObject();
        const QByteArray mid = unhex(m[u"mid"_s]);
        const QJsonArray keys = m[u"keys"_s].toArray();
        QCOMPARE(keys.size(), 2);
        for (const QJsonValue &k : keys) {
            const crypto::EcKey eph = crypto::EcKey::fromPrivateScalar(unhex(k[u"ephemeral_private"_s])).value();
            const crypto::EcKey prekey = crypto::EcKey::fromPrivateScalar(unhex(k[u"prekey_private"_s])).value();
            QCOMPARE(hex(eph.publicPoint()), k[u"ephemeral_public"_s].toString());
            QCOMPARE(hex(prekey.publicPoint()), k[u"prekey_public"_s].toString());
            // Both ends of the key agreement give the same 66-byte x-coordinate.
            const crypto::SecureBuffer sent = eph.deriveShared(crypto::EcKey::fromPublicPoint(prekey.publicPoint()).value()).value();
            const crypto::SecureBuffer received = prekey.deriveShared(crypto::EcKey::fromPublicPoint(eph.publicPoint()).value()).value();
            QCOMPARE(hex(sent.view()), k[u"ecdh"_s].toString());
            QCOMPARE(hex(received.view()), k[u"ecdh"_s].toString());
            QCOMPARE(sent.size(), std::size_t(66));
            const QByteArray info = protocol::wrapInfo(sender[u"user"_s].toString(), unhex(sender[u"root_public"_s]),
                                                       unhex(sender[u"device_public"_s]), k[u"user"_s].toString(),
                                                       unhex(k[u"root_public"_s]), unhex(k[u"device_public"_s]),
                                                       eph.publicPoint(), prekey.publicPoint());
            QCOMPARE(hex(info), k[u"wrap_info"_s].toString());
            const QByteArray okm = crypto::hkdfSha512(sent.view(), mid, info, 44).value().view().toByteArray();
            QCOMPARE(hex(okm), k[u"okm"_s].toString());
            QCOMPARE(hex(seal(okm.left(32), okm.mid(32), unhex(m[u"message_key"_s]), unhex(m[u"core_sha512"_s]))),
                     k[u"wk"_s].toString());
        }
    }

    // The frames as they travel, and the receiving side: each recipient device opens its `msg` with Envelope::open.
    void messageFrames()
    {
        const QJsonObject m = load(u"message.json"_s);
        const QJsonObject sender = m[u"sender"_s].toObject();
        const QByteArray sendFrame = unhex(m[u"send_frame"_s]);
        auto send = protocol::decodeAs<protocol::SendRequest>(sendFrame, protocol::Direction::ClientToServer);
        QVERIFY(std::holds_alternative<protocol::SendRequest>(send));
        const protocol::SendRequest request = std::get<protocol::SendRequest>(send);
        QCOMPARE(hex(request.encode(uintOf(m[u"send_id"_s]))), m[u"send_frame"_s].toString());
        QCOMPARE(hex(request.sig), m[u"signature"_s].toString());
        QCOMPARE(request.keys.size(), 2);
        const sdk::SenderDevice from{sender[u"user"_s].toString(), unhex(sender[u"root_public"_s]),
                                     quint32(uintOf(sender[u"device"_s])), unhex(sender[u"device_public"_s]),
                                     unhex(sender[u"device_certificate"_s])};
        for (const QJsonValue &k : m[u"keys"_s].toArray()) {
            const QByteArray frame = unhex(k[u"msg_frame"_s]);
            auto decoded = protocol::decodeAs<protocol::Msg>(frame, protocol::Direction::ServerToClient);
            QVERIFY(std::holds_alternative<protocol::Msg>(decoded));
            const protocol::Msg msg = std::get<protocol::Msg>(decoded);
            QCOMPARE(msg.encode(), frame);
            QCOMPARE(msg.seq, uintOf(k[u"seq"_s]));
            const sdk::RecipientIdentity me{k[u"user"_s].toString(), quint32(uintOf(k[u"device"_s])),
                                            unhex(k[u"root_public"_s]), unhex(k[u"device_public"_s])};
            const crypto::EcKey prekey = crypto::EcKey::fromPrivateScalar(unhex(k[u"prekey_private"_s])).value();
            const quint32 kid = quint32(uintOf(k[u"kid"_s]));
            const sdk::OpenResult opened = sdk::Envelope::open(msg, me, from, [&](quint32 wanted) {
                return wanted == kid ? std::optional(prekey) : std::nullopt;
            });
            const auto *ok = std::get_if<sdk::OpenedMessage>(&opened);
            QVERIFY2(ok, ok ? "" : qPrintable(std::get<sdk::EnvelopeFailure>(opened).message));
            QCOMPARE(ok->text, m[u"text"_s].toString());
        }
    }

    void recoveryBundle()
    {
        const QJsonObject r = load(u"recovery.json"_s);
        const QString user = r[u"user"_s].toString();
        const QByteArray passphrase = r[u"passphrase"_s].toString().toUtf8();
        const sdk::KdfParams kdf{unhex(r[u"salt"_s]),
                                 crypto::ScryptParams{uintOf(r[u"n"_s]), quint32(uintOf(r[u"r"_s])), quint32(uintOf(r[u"p"_s]))}};
        QCOMPARE(hex(kdf.toCbor().toCborValue().toCbor()), r[u"kdf"_s].toString());
        const crypto::SecureBuffer key = sdk::SealedBox::deriveKey(passphrase, kdf).value();
        QCOMPARE(hex(key.view()), r[u"scrypt_key"_s].toString());
        const QByteArray aad = unhex(r[u"aad"_s]);
        const QByteArray ct = seal(key.view().toByteArray(), unhex(r[u"nonce"_s]), unhex(r[u"secret"_s]), aad);
        QCOMPARE(hex(ct), r[u"ct"_s].toString());
        const QCborMap box = QCborValue::fromCbor(unhex(r[u"box"_s])).toMap();
        QCOMPARE(hex(sdk::SealedBox::open(key, box, aad).value().view()), r[u"secret"_s].toString());

        const QByteArray blob = unhex(r[u"blob"_s]);
        const Result<crypto::EcKey> root = sdk::RecoveryBundle::open(blob, user, passphrase);
        QVERIFY2(root, root ? "" : qPrintable(root.error().message));
        QCOMPARE(hex(root->privateScalar().view()), r[u"root_private"_s].toString());
        // The user name is bound as additional data: the same blob does not open as another user's.
        const Result<crypto::EcKey> other = sdk::RecoveryBundle::open(blob, u"mallory"_s, passphrase);
        QVERIFY(!other);
        QCOMPARE(other.error().code, ErrorCode::Unauthorized);
    }

    void safetyCode()
    {
        const QJsonObject s = load(u"safety-code.json"_s);
        const QJsonArray users = s[u"users"_s].toArray();
        QCOMPARE(users.size(), 2);
        for (const QJsonValue &u : users)
            QCOMPARE(sdk::safetyCodeHalf(u[u"user"_s].toString(), unhex(u[u"root_public"_s])), u[u"half"_s].toString());
        QCOMPARE(sdk::safetyCode(users[0][u"user"_s].toString(), unhex(users[0][u"root_public"_s]),
                                 users[1][u"user"_s].toString(), unhex(users[1][u"root_public"_s])),
                 s[u"code"_s].toString());
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && std::strcmp(argv[1], "--generate") == 0) {
        if (!QDir(QString::fromLocal8Bit(argv[2])).exists()) {
            std::fprintf(stderr, "no such directory: %s\n", argv[2]);
            return 2;
        }
        return parley::vectors::generate(QString::fromLocal8Bit(argv[2])) ? 0 : 1;
    }
    TestProtocolVectors test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_protocolvectors.moc"
