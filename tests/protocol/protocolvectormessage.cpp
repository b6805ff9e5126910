// message.json and recovery.json of docs/protocol-vectors/ (protocolvectors.h): a complete envelope built step by
// step from fixed keys, nonces and ephemeral keys, and a recovery bundle with a fixed salt and nonce.

#include "protocolvectors.h"

#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"
#include "sdk/sealedbox.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace parley::vectors {

namespace {

struct Party {
    QString user;
    quint32 device;
    QByteArrayView rootLabel;
    QByteArrayView deviceLabel;
    quint32 kid;
    QByteArrayView prekeyLabel;
    QByteArrayView ephemeralLabel;
    quint64 seq;
};

const Party Recipients[] = {
    {u"bob"_s, 2, "bob.root", "bob.device2", 7, "bob.prekey7", "ephemeral.bob2", 42},
    // The copy for the sender's other device: to_user is the sender's own name.
    {u"alice"_s, 3, "alice.root", "alice.device3", 12, "alice.prekey12", "ephemeral.alice3", 43},
};

QJsonObject optionsJson(const protocol::MessageOptions &o)
{
    QJsonObject out;
    if (o.room)
        out.insert(u"room"_s, *o.room);
    if (o.exp)
        out.insert(u"exp"_s, qint64(*o.exp));
    if (o.burn)
        out.insert(u"burn"_s, *o.burn);
    return out;
}

QByteArray seal(const QByteArray &key, const QByteArray &nonce, const QByteArray &plain, const QByteArray &aad)
{
    return crypto::aesGcmSeal(key, nonce, plain, aad).value();
}

// One key entry, every intermediate value kept; `entry` is filled for the send frame.
QJsonObject wrapFor(const Party &p, const protocol::MessageCore &core, const QByteArray &key, const QByteArray &sig,
                    protocol::KeyEntry &entry)
{
    const crypto::EcKey senderRoot = vectorKey("alice.root"), senderDevice = vectorKey("alice.device1");
    const QByteArray rootPub = vectorKey(p.rootLabel).publicPoint(), devicePub = vectorKey(p.deviceLabel).publicPoint();
    const crypto::EcKey prekey = vectorKey(p.prekeyLabel), eph = vectorKey(p.ephemeralLabel);
    const crypto::SecureBuffer shared = eph.deriveShared(crypto::EcKey::fromPublicPoint(prekey.publicPoint()).value()).value();
    const QByteArray info = protocol::wrapInfo(core.from, senderRoot.publicPoint(), senderDevice.publicPoint(), p.user,
                                               rootPub, devicePub, eph.publicPoint(), prekey.publicPoint());
    const crypto::SecureBuffer okm = crypto::hkdfSha512(shared.view(), core.mid, info, 44).value();
    const QByteArray okmBytes = okm.view().toByteArray();
    const QByteArray wk = seal(okmBytes.left(32), okmBytes.mid(32, 12), key, core.hash());
    entry = protocol::KeyEntry{p.user, p.device, p.kid, eph.publicPoint(), wk};
    const protocol::Msg msg{p.seq, core.from, core.device, core.mid, core.to, core.sentAt, core.payload,
                            core.keyCommitment, core.options, sig, p.kid, eph.publicPoint(), wk};
    return QJsonObject{{u"user"_s, p.user}, {u"device"_s, qint64(p.device)}, {u"root_public"_s, hex(rootPub)},
                       {u"device_public"_s, hex(devicePub)}, {u"kid"_s, qint64(p.kid)},
                       {u"prekey_private"_s, hex(prekey.privateScalar().view())},
                       {u"prekey_public"_s, hex(prekey.publicPoint())},
                       {u"ephemeral_private"_s, hex(eph.privateScalar().view())},
                       {u"ephemeral_public"_s, hex(eph.publicPoint())}, {u"ecdh"_s, hex(shared.view())},
                       {u"wrap_info"_s, hex(info)}, {u"okm"_s, hex(okmBytes)}, {u"wk"_s, hex(wk)},
                       {u"seq"_s, qint64(p.seq)}, {u"msg_frame"_s, hex(msg.encode())}};
}

// Further cores, unencrypted: every option in its place and recipients given unsorted with a duplicate.
QJsonArray moreCores()
{
    protocol::MessageCore core;
    core.from = u"alice"_s;
    core.device = 1;
    core.mid = vectorBytes("room mid", 16);
    core.to = {u"carol"_s, u"bob"_s, u"alice"_s, u"bob"_s};
    core.sentAt = 1767225660000;
    core.payload = vectorBytes("room payload", 60);
    core.keyCommitment = vectorBytes("room kc", 32);
    core.options = protocol::MessageOptions{u"vectors"_s, 604800, true};
    QJsonArray to;
    for (const QString &u : core.to)
        to.append(u);
    return QJsonArray{QJsonObject{{u"from"_s, core.from}, {u"device"_s, qint64(core.device)}, {u"mid"_s, hex(core.mid)},
                                  {u"to"_s, to}, {u"at"_s, qint64(core.sentAt)}, {u"pl"_s, hex(core.payload)},
                                  {u"kc"_s, hex(core.keyCommitment)}, {u"opts"_s, optionsJson(core.options)},
                                  {u"core"_s, hex(core.encode())}}};
}

} // namespace

QJsonObject messageFile()
{
    const crypto::EcKey root = vectorKey("alice.root"), device = vectorKey("alice.device1");
    const QString text = u"Hello Bob, gr\u00fc\u00dfe \U0001F44B"_s;
    const QByteArray key = vectorBytes("message key", 32), nonce = vectorBytes("payload nonce", 12);
    protocol::MessageCore core;
    core.from = u"alice"_s;
    core.device = 1;
    core.mid = vectorBytes("mid", 16);
    core.to = {u"bob"_s};
    core.sentAt = 1767225600000;
    core.options = protocol::MessageOptions{std::nullopt, 3600, true};
    const QByteArray plaintext = sdk::Envelope::encodePlaintext(text).value();
    core.payload = nonce + seal(key, nonce, plaintext, core.mid);
    core.keyCommitment = sdk::Envelope::commitmentFor(crypto::SecureBuffer(key));
    const QByteArray coreBytes = core.encode();
    const QByteArray sig = vectorSign(device, coreBytes);
    protocol::SendRequest send{core.mid, core.to, core.sentAt, core.payload, core.keyCommitment, core.options, sig, {}, std::nullopt};
    QJsonArray wraps;
    for (const Party &p : Recipients) {
        protocol::KeyEntry entry;
        wraps.append(wrapFor(p, core, key, sig, entry));
        send.keys.append(entry);
    }
    return QJsonObject{
        {u"about"_s, u"a message from alice's device 1 to bob (device 2) with its copy for alice's device 3"_s},
        {u"sender"_s, QJsonObject{{u"user"_s, core.from}, {u"device"_s, qint64(core.device)},
                                  {u"root_public"_s, hex(root.publicPoint())},
                                  {u"device_public"_s, hex(device.publicPoint())},
                                  {u"device_certificate"_s,
                                   hex(vectorSign(root, protocol::deviceStatement(core.from, device.publicPoint())))}}},
        {u"text"_s, text}, {u"mid"_s, hex(core.mid)}, {u"to"_s, QJsonArray{u"bob"_s}}, {u"at"_s, qint64(core.sentAt)},
        {u"opts"_s, optionsJson(core.options)}, {u"opts_frame"_s, hex(core.options.encode())},
        {u"plaintext"_s, hex(plaintext)}, {u"message_key"_s, hex(key)}, {u"payload_nonce"_s, hex(nonce)},
        {u"pl"_s, hex(core.payload)}, {u"kc"_s, hex(core.keyCommitment)}, {u"core"_s, hex(coreBytes)},
        {u"core_sha512"_s, hex(core.hash())}, {u"signature"_s, hex(sig)}, {u"keys"_s, wraps},
        {u"send_id"_s, 1}, {u"send_frame"_s, hex(send.encode(1))}, {u"more_cores"_s, moreCores()}};
}

QJsonObject recoveryFile()
{
    const QString user = u"alice"_s;
    const QByteArray passphrase = "correct horse battery staple";
    const crypto::EcKey root = vectorKey("alice.root");
    const sdk::KdfParams kdf{vectorBytes("recovery salt", 16), crypto::ScryptParams{1u << 17, 8, 1}};
    const QByteArray nonce = vectorBytes("recovery nonce", 12);
    const QByteArray key = sdk::SealedBox::deriveKey(passphrase, kdf).value().view().toByteArray();
    const QByteArray aad = QCborArray{u"parley-recovery-v1"_s, user}.toCborValue().toCbor();
    const QByteArray secret = QCborMap{{u"root"_s, root.privateScalar().view().toByteArray()}}.toCborValue().toCbor();
    const QByteArray ct = seal(key, nonce, secret, aad);
    QCborMap box;
    box.insert(u"v"_s, 1);
    box.insert(u"nonce"_s, nonce);
    box.insert(u"ct"_s, ct);
    QCborMap blob;
    blob.insert(u"v"_s, 1);
    blob.insert(u"kdf"_s, kdf.toCbor());
    blob.insert(u"box"_s, box);
    return QJsonObject{
        {u"about"_s, u"the recovery bundle of alice's root key (keys.json) under a passphrase"_s},
        {u"user"_s, user}, {u"passphrase"_s, QString::fromUtf8(passphrase)},
        {u"root_private"_s, hex(root.privateScalar().view())}, {u"salt"_s, hex(kdf.salt)},
        {u"n"_s, qint64(kdf.scrypt.n)}, {u"r"_s, qint64(kdf.scrypt.r)}, {u"p"_s, qint64(kdf.scrypt.p)},
        {u"scrypt_key"_s, hex(key)}, {u"kdf"_s, hex(kdf.toCbor().toCborValue().toCbor())}, {u"nonce"_s, hex(nonce)},
        {u"aad"_s, hex(aad)}, {u"secret"_s, hex(secret)}, {u"ct"_s, hex(ct)},
        {u"box"_s, hex(box.toCborValue().toCbor())}, {u"blob"_s, hex(blob.toCborValue().toCbor())}};
}

} // namespace parley::vectors
