// Writes the test vectors of docs/protocol-vectors/ from fixed inputs with libparley's own code (protocolvectors.h).

#include "protocolvectors.h"

#include "crypto/crypto.h"
#include "protocol/messages.h"
#include "protocol/roomchain.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"
#include "sdk/recoverybundle.h"
#include "sdk/safetycode.h"
#include "sdk/sealedbox.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace parley::vectors {

namespace {

// A fixed P-521 private key: 0x00 || SHA-512("parley-vectors:" label) || 0x01 (66 bytes, below the group order).
crypto::EcKey fixedKey(QByteArrayView label)
{
    const QByteArray scalar = QByteArray(1, '\0') + crypto::sha512(QByteArray("parley-vectors:") + label.toByteArray())
        + QByteArray(1, '\x01');
    return crypto::EcKey::fromPrivateScalar(scalar).value();
}

QByteArray fixedBytes(QByteArrayView label, int size)
{
    return crypto::sha512(QByteArray("parley-vectors:") + label.toByteArray()).left(size);
}

QByteArray sign(const crypto::EcKey &key, const QByteArray &statement) { return key.sign(statement).value(); }

constexpr QByteArrayView KeyLabels[] = {"alice.root", "alice.device1", "alice.device3", "alice.prekey12",
                                        "bob.root",   "bob.device2",   "bob.prekey7",   "ephemeral.bob2",
                                        "ephemeral.alice3"};

QJsonObject keysFile()
{
    QJsonArray keys;
    for (QByteArrayView label : KeyLabels) {
        const crypto::EcKey key = fixedKey(label);
        keys.append(QJsonObject{{u"name"_s, QString::fromLatin1(label.toByteArray())},
                                {u"private"_s, hex(key.privateScalar().view())},
                                {u"public"_s, hex(key.publicPoint())}});
    }
    return QJsonObject{{u"about"_s, u"P-521 key pairs used by the other files: private scalar (66 bytes, big-endian) "
                                    "and uncompressed public point (133 bytes)"_s},
                       {u"keys"_s, keys}};
}

QJsonObject signedStatement(const QString &kind, QJsonObject inputs, const crypto::EcKey &signer,
                            const QByteArray &statement)
{
    inputs.insert(u"kind"_s, kind);
    inputs.insert(u"signer_public"_s, hex(signer.publicPoint()));
    inputs.insert(u"statement"_s, hex(statement));
    inputs.insert(u"signature"_s, hex(sign(signer, statement)));
    return inputs;
}

QJsonObject statementsFile()
{
    const crypto::EcKey aliceRoot = fixedKey("alice.root"), aliceDevice = fixedKey("alice.device1");
    const crypto::EcKey bobRoot = fixedKey("bob.root"), bobDevice = fixedKey("bob.device2");
    const QByteArray challenge = fixedBytes("challenge", 32);
    const QByteArray bobPrekey = fixedKey("bob.prekey7").publicPoint();
    QJsonArray list;
    for (const auto &[user, root, device] : {std::tuple(u"alice"_s, aliceRoot, aliceDevice),
                                             std::tuple(u"bob"_s, bobRoot, bobDevice)}) {
        list.append(signedStatement(u"device_certificate"_s,
                                    {{u"user"_s, user}, {u"device_public"_s, hex(device.publicPoint())}}, root,
                                    protocol::deviceStatement(user, device.publicPoint())));
    }
    list.append(signedStatement(u"login"_s, {{u"challenge"_s, hex(challenge)}, {u"user"_s, u"alice"_s}, {u"device"_s, 1}},
                                aliceDevice, protocol::loginStatement(challenge, u"alice"_s, 1)));
    const quint32 largestDevice = quint32(1) << 31;
    list.append(signedStatement(u"login"_s,
                                {{u"challenge"_s, hex(challenge)}, {u"user"_s, u"bob"_s}, {u"device"_s, qint64(largestDevice)}},
                                bobDevice, protocol::loginStatement(challenge, u"bob"_s, largestDevice)));
    for (const quint32 kid : {quint32(7), quint32(500), quint32(0xffffffffu)}) {
        list.append(signedStatement(u"prekey"_s, {{u"kid"_s, qint64(kid)}, {u"prekey_public"_s, hex(bobPrekey)}},
                                    bobDevice, protocol::prekeyStatement(kid, bobPrekey)));
    }
    return QJsonObject{{u"about"_s, u"signed statements: the exact bytes signed and a signature (ECDSA P-521, "
                                    "SHA-512, DER) that verifies under signer_public"_s},
                       {u"vectors"_s, list}};
}

QJsonValue policyJson(const std::optional<protocol::RoomPolicy> &p)
{
    if (!p)
        return QJsonValue::Null;
    return QJsonObject{{u"title"_s, p->title}, {u"description"_s, p->description},
                       {u"expire"_s, qint64(p->expireSeconds)}, {u"burn"_s, p->burnOnRead}};
}

QList<protocol::RoomRecord> roomChain()
{
    protocol::RoomRecord create;
    create.room = u"vectors"_s;
    create.seq = 0;
    create.op = protocol::RoomOp::Create;
    create.target = create.actor = u"alice"_s;
    create.actorDevice = 1;
    create.at = 1767225600000;
    create.policy = protocol::RoomPolicy{u"Vectors \u00e9t\u00e9"_s, u"fixed inputs"_s, 86400, false};
    protocol::RoomRecord add = create;
    add.seq = 1;
    add.op = protocol::RoomOp::Add;
    add.target = u"bob"_s;
    add.at = create.at + 1000;
    add.policy.reset();
    protocol::RoomRecord promote = add;
    promote.seq = 2;
    promote.op = protocol::RoomOp::Promote;
    promote.at = add.at + 1000;
    protocol::RoomRecord policy = create;
    policy.seq = 3;
    policy.op = protocol::RoomOp::Policy;
    policy.at = promote.at + 1000;
    policy.policy = protocol::RoomPolicy{u"Vectors"_s, QString(), 0, true};
    return {create, add, promote, policy};
}

// The first record again with its policy map's keys in plain text order, as a writer that sorts strings would.
QByteArray withPlainKeyOrder(const protocol::RoomRecord &r)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    w.startArray(10);
    for (const QString &s : {u"parley-room-v1"_s, r.room})
        w.append(s);
    w.append(r.seq);
    w.append(r.prev);
    for (const QString &s : {protocol::roomOpName(r.op), r.target, r.actor})
        w.append(s);
    w.append(quint64(r.actorDevice));
    w.append(r.at);
    w.startMap(4);
    w.append("burn"_L1);
    w.append(r.policy->burnOnRead);
    w.append("description"_L1);
    w.append(r.policy->description);
    w.append("expire"_L1);
    w.append(r.policy->expireSeconds);
    w.append("title"_L1);
    w.append(r.policy->title);
    w.endMap();
    w.endArray();
    return out;
}

QJsonArray refusedRecords(const protocol::RoomRecord &first, const QByteArray &bytes)
{
    // The seq of the first record is the byte after the label and the room name (both shorter than 24 bytes).
    const qsizetype seqAt = 1 + 1 + 14 + 1 + first.room.size();
    QByteArray nonMinimal = bytes;
    nonMinimal.replace(seqAt, 1, QByteArray::fromHex("1800"));
    QByteArray indefinite = bytes.mid(1);
    indefinite.prepend(char(0x9f));
    indefinite.append(char(0xff));
    QByteArray trailing = bytes + QByteArray(1, '\0');
    const auto refused = [](const QString &why, const QByteArray &b) {
        return QJsonObject{{u"why"_s, why}, {u"record"_s, hex(b)}};
    };
    return QJsonArray{refused(u"policy keys in plain text order instead of length-first"_s, withPlainKeyOrder(first)),
                      refused(u"seq 0 written as a two-byte integer (0x18 0x00)"_s, nonMinimal),
                      refused(u"the record array with indefinite length"_s, indefinite),
                      refused(u"a byte after the record"_s, trailing)};
}

QJsonObject roomRecordsFile()
{
    const crypto::EcKey root = fixedKey("alice.root"), device = fixedKey("alice.device1");
    const QByteArray cert = sign(root, protocol::deviceStatement(u"alice"_s, device.publicPoint()));
    QByteArray prev;
    QJsonArray chain;
    QList<protocol::RoomRecord> records = roomChain();
    QByteArray firstBytes;
    for (protocol::RoomRecord &r : records) {
        r.prev = prev;
        const QByteArray bytes = r.encode();
        if (firstBytes.isEmpty())
            firstBytes = bytes;
        prev = crypto::sha512(bytes);
        chain.append(QJsonObject{{u"seq"_s, qint64(r.seq)}, {u"prev"_s, hex(r.prev)}, {u"op"_s, protocol::roomOpName(r.op)},
                                 {u"target"_s, r.target}, {u"actor"_s, r.actor}, {u"actor_device"_s, qint64(r.actorDevice)},
                                 {u"at"_s, qint64(r.at)}, {u"policy"_s, policyJson(r.policy)},
                                 {u"record"_s, hex(bytes)}, {u"record_sha512"_s, hex(prev)},
                                 {u"signature"_s, hex(sign(device, bytes))}, {u"device_public"_s, hex(device.publicPoint())},
                                 {u"device_certificate"_s, hex(cert)}});
    }
    return QJsonObject{
        {u"about"_s, u"a room chain (create, add, promote, policy) signed by alice's device 1, and records a "
                     "server and a client refuse"_s},
        {u"room"_s, records.first().room},
        {u"roots"_s, QJsonObject{{u"alice"_s, hex(root.publicPoint())}}},
        {u"chain"_s, chain},
        {u"state"_s, QJsonObject{{u"members"_s, QJsonObject{{u"alice"_s, true}, {u"bob"_s, true}}},
                                 {u"head"_s, hex(prev)}, {u"next_seq"_s, qint64(records.size())},
                                 {u"policy"_s, policyJson(records.last().policy)}}},
        {u"refused"_s, refusedRecords(records.first(), firstBytes)}};
}

} // namespace

namespace {

QJsonObject safetyCodeFile()
{
    const QByteArray alice = fixedKey("alice.root").publicPoint(), bob = fixedKey("bob.root").publicPoint();
    return QJsonObject{{u"about"_s, u"safety codes of the root keys of keys.json"_s},
                       {u"users"_s, QJsonArray{QJsonObject{{u"user"_s, u"alice"_s}, {u"root_public"_s, hex(alice)},
                                                           {u"half"_s, sdk::safetyCodeHalf(u"alice"_s, alice)}},
                                               QJsonObject{{u"user"_s, u"bob"_s}, {u"root_public"_s, hex(bob)},
                                                           {u"half"_s, sdk::safetyCodeHalf(u"bob"_s, bob)}}}},
                       {u"code"_s, sdk::safetyCode(u"alice"_s, alice, u"bob"_s, bob)}};
}

bool write(const QString &directory, const QString &name, const QJsonObject &content)
{
    QFile file(QDir(directory).filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QJsonDocument(content).toJson(QJsonDocument::Indented)) < 0 || !file.flush()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(file.fileName()));
        return false;
    }
    return true;
}

} // namespace

crypto::EcKey vectorKey(QByteArrayView label) { return fixedKey(label); }
QByteArray vectorBytes(QByteArrayView label, int size) { return fixedBytes(label, size); }
QByteArray vectorSign(const crypto::EcKey &key, const QByteArray &statement) { return sign(key, statement); }

bool generate(const QString &directory)
{
    const QJsonObject files[] = {keysFile(), statementsFile(), roomRecordsFile(), messageFile(), recoveryFile(),
                                 safetyCodeFile()};
    for (qsizetype i = 0; i < fileNames().size(); ++i) {
        if (!write(directory, fileNames().at(i), files[i]))
            return false;
    }
    return true;
}

} // namespace parley::vectors
