#include "minirelay.h"

#include "crypto/crypto.h"
#include "protocol/messages.h"
#include "protocol/statements.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QHostAddress>
#include <QSslConfiguration>

namespace parley::sdktest {

MiniRelay::MiniRelay(const QSslCertificate &cert, const QSslKey &key)
    : server(u"mini"_s, QWebSocketServer::SecureMode)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(cert);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    server.setSslConfiguration(tls);
    connect(&server, &QWebSocketServer::newConnection, this, &MiniRelay::onConnection);
}

MiniRelay::~MiniRelay()
{
    // The sockets outlive the bookkeeping otherwise (they are the server's children).
    for (QWebSocket *ws : connections.keys())
        ws->disconnect(this);
    server.close();
}

bool MiniRelay::listen() { return server.listen(QHostAddress::LocalHost, 0); }
quint16 MiniRelay::port() const { return server.serverPort(); }

QString MiniRelay::issueCode(const QString &user)
{
    const QString code = QString::fromLatin1(crypto::randomBytes(6).toHex());
    codes.insert(user + u':' + code);
    return code;
}

void MiniRelay::send(QWebSocket *ws, const protocol::Frame &f) { ws->sendBinaryMessage(protocol::encode(f)); }

protocol::Frame MiniRelay::error(quint64 id, const QString &code, const QString &msg)
{
    protocol::Frame f(u"error"_s, id);
    f.set("code"_L1, code).set("msg"_L1, msg);
    return f;
}

void MiniRelay::deliver(const QString &user, quint32 deviceNo, const protocol::Frame &msg)
{
    Device &dev = users[user].devices[deviceNo];
    Queued q{nextSeq++, msg};
    q.msg.set("seq"_L1, qint64(q.seq));
    dev.queue.append(q);
    if (dev.online)
        send(dev.online, q.msg);
}

void MiniRelay::onConnection()
{
    while (QWebSocket *ws = server.nextPendingConnection()) {
        ws->setParent(this);   // the server does not own what it hands out: a connection still open goes with the relay
        connect(ws, &QWebSocket::disconnected, this, [this, ws] {
            const Connection c = connections.take(ws);
            if (users.contains(c.user) && users[c.user].devices.count(c.device)
                && users[c.user].devices[c.device].online == ws)
                users[c.user].devices[c.device].online = nullptr;
            ws->deleteLater();
        });
        connect(ws, &QWebSocket::binaryMessageReceived, this, [this, ws](const QByteArray &data) { onData(ws, data); });
        Connection c;
        c.challenge = crypto::randomBytes(32);
        connections.insert(ws, c);
        protocol::Frame hello(u"hello"_s);
        hello.set("v"_L1, 1)
            .set("vs"_L1, QCborArray{1})
            .set("ch"_L1, c.challenge)
            .set("time"_L1, QDateTime::currentMSecsSinceEpoch())
            .set("max"_L1, qint64(protocol::MaxClientFrameBytes));
        send(ws, hello);
    }
}

void MiniRelay::onData(QWebSocket *ws, const QByteArray &data)
{
    protocol::DecodeResult r = protocol::decode(data, protocol::Direction::ClientToServer);
    if (auto *e = std::get_if<protocol::FrameError>(&r)) {
        clientFrameErrors.append(e->message);
        send(ws, error(e->id, protocol::wireErrorName(e->code), e->message));
        return;
    }
    const protocol::Frame f = std::get<protocol::Frame>(r);
    received.append(f);
    if (intercept && intercept(ws, f))
        return;
    handle(ws, f);
}

void MiniRelay::handle(QWebSocket *ws, const protocol::Frame &f)
{
    Connection &c = connections[ws];
    const QString t = f.type;
    if (t == u"enroll_info"_s)
        return onEnrollInfo(ws, f);
    if (t == u"enroll"_s)
        return onEnroll(ws, f);
    if (t == u"login"_s)
        return onLogin(ws, c, f);
    if (c.user.isEmpty())
        return send(ws, error(f.id, u"not_authenticated"_s));
    Device &self = users[c.user].devices[c.device];
    if (t == u"prekeys"_s)
        return onPrekeys(ws, self, f);
    if (t == u"devices"_s)
        return onDevices(ws, f);
    if (t == u"fetch"_s)
        return onFetch(ws, f);
    if (t == u"send"_s)
        return onSend(ws, c, f);
    if (t == u"ack"_s)
        return onAck(self, f);
    if (t == u"room_get"_s)
        return onRoomGet(ws, f);
    send(ws, error(f.id, u"unknown_type"_s));
}

void MiniRelay::onEnrollInfo(QWebSocket *ws, const protocol::Frame &f)
{
    const QString user = f.text("user"_L1);
    if (!codes.contains(user + u':' + f.text("code"_L1)))
        return send(ws, error(f.id, u"enroll_failed"_s));
    protocol::Frame ok(u"enroll_info_ok"_s, f.id);
    ok.set("new_user"_L1, !users.contains(user));
    if (users.contains(user) && !users[user].recovery.isEmpty())
        ok.set("recovery"_L1, users[user].recovery);
    send(ws, ok);
}

void MiniRelay::onEnroll(QWebSocket *ws, const protocol::Frame &f)
{
    const QString user = f.text("user"_L1);
    const QByteArray root = f.bytes("root"_L1);
    if (!codes.contains(user + u':' + f.text("code"_L1)))
        return send(ws, error(f.id, u"enroll_failed"_s));
    if (users.contains(user) && users[user].root != root)
        return send(ws, error(f.id, u"enroll_failed"_s));
    Result<crypto::EcKey> rootKey = crypto::EcKey::fromPublicPoint(root);
    if (!rootKey || !rootKey->verify(protocol::deviceStatement(user, f.bytes("dev"_L1)), f.bytes("dsig"_L1)))
        return send(ws, error(f.id, u"bad_signature"_s));
    codes.remove(user + u':' + f.text("code"_L1));
    User &u = users[user];
    u.root = root;
    if (f.has("recovery"_L1))
        u.recovery = f.bytes("recovery"_L1);
    const quint32 no = u.devices.empty() ? 1 : u.devices.rbegin()->first + 1;
    u.devices[no] = Device{no, f.bytes("dev"_L1), f.bytes("dsig"_L1), {}, {}, {}, nullptr};
    protocol::Frame ok(u"enrolled"_s, f.id);
    ok.set("device"_L1, qint64(no));
    send(ws, ok);
}

void MiniRelay::onLogin(QWebSocket *ws, Connection &c, const protocol::Frame &f)
{
    const QString user = f.text("user"_L1);
    const quint32 no = quint32(f.uint("device"_L1));
    if (!users.contains(user) || !users[user].devices.count(no))
        return send(ws, error(f.id, u"auth_failed"_s));
    Device &dev = users[user].devices[no];
    Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(dev.pub);
    if (!key || !key->verify(protocol::loginStatement(c.challenge, user, no), f.bytes("sig"_L1))) {
        send(ws, error(f.id, u"auth_failed"_s));
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated);
        return;
    }
    c.user = user;
    c.device = no;
    dev.online = ws;
    protocol::Frame welcome(u"welcome"_s, f.id);
    welcome.set("prekeys"_L1, qint64(dev.pool.size()))
        .set("lr"_L1, dev.lastResort.has_value())
        .set("queued"_L1, qint64(dev.queue.size()));
    send(ws, welcome);
    for (const Queued &q : std::as_const(dev.queue))
        send(ws, q.msg);
    send(ws, protocol::Frame(u"synced"_s));
}

void MiniRelay::onPrekeys(QWebSocket *ws, Device &self, const protocol::Frame &f)
{
    Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(self.pub);
    const auto check = [&](const QCborMap &m) {
        return key->verify(protocol::prekeyStatement(quint32(m.value(u"kid"_s).toInteger()),
                                                     m.value(u"pub"_s).toByteArray()),
                           m.value(u"sig"_s).toByteArray());
    };
    for (const QCborValue &v : f.array("keys"_L1)) {
        if (!check(v.toMap()))
            return send(ws, error(f.id, u"bad_signature"_s));
    }
    if (f.has("lr"_L1) && !check(f.map("lr"_L1)))
        return send(ws, error(f.id, u"bad_signature"_s));
    for (const QCborValue &v : f.array("keys"_L1)) {
        const QCborMap m = v.toMap();
        self.pool.append(Prekey{quint32(m.value(u"kid"_s).toInteger()), m.value(u"pub"_s).toByteArray(),
                                m.value(u"sig"_s).toByteArray()});
    }
    if (f.has("lr"_L1)) {
        const QCborMap m = f.map("lr"_L1);
        self.lastResort = Prekey{quint32(m.value(u"kid"_s).toInteger()), m.value(u"pub"_s).toByteArray(),
                                 m.value(u"sig"_s).toByteArray()};
    }
    protocol::Frame ok(u"prekeys_ok"_s, f.id);
    ok.set("count"_L1, qint64(self.pool.size()));
    send(ws, ok);
}

void MiniRelay::onDevices(QWebSocket *ws, const protocol::Frame &f)
{
    QCborArray list, unknown;
    for (const QString &name : f.textList("users"_L1)) {
        if (!users.contains(name)) {
            unknown.append(name);
            continue;
        }
        QCborArray devs;
        for (const auto &[no, d] : users[name].devices) {
            QCborMap m;
            m.insert(u"device"_s, qint64(no));
            m.insert(u"pub"_s, d.pub);
            m.insert(u"sig"_s, d.sig);
            devs.append(m);
        }
        QCborMap entry;
        entry.insert(u"user"_s, name);
        entry.insert(u"root"_s, users[name].root);
        entry.insert(u"devices"_s, devs);
        list.append(entry);
    }
    protocol::Frame reply(u"device_list"_s, f.id);
    reply.set("users"_L1, list).set("unknown"_L1, unknown);
    send(ws, reply);
}

void MiniRelay::onFetch(QWebSocket *ws, const protocol::Frame &f)
{
    const QString name = f.text("user"_L1);
    if (!users.contains(name))
        return send(ws, error(f.id, u"not_found"_s));
    QSet<quint32> only;
    for (const QCborValue &v : f.array("devices"_L1))
        only.insert(quint32(v.toInteger()));
    QCborArray devs;
    for (auto &[no, d] : users[name].devices) {
        if (!only.isEmpty() && !only.contains(no))
            continue;
        Prekey pk;
        bool lr = false;
        if (!d.pool.isEmpty()) {
            pk = d.pool.takeFirst();
        } else if (d.lastResort) {
            pk = *d.lastResort;
            lr = true;
        } else {
            continue;
        }
        QCborMap pkm;
        pkm.insert(u"kid"_s, qint64(pk.kid));
        pkm.insert(u"pub"_s, pk.pub);
        pkm.insert(u"sig"_s, pk.sig);
        QCborMap m;
        m.insert(u"device"_s, qint64(no));
        m.insert(u"pub"_s, d.pub);
        m.insert(u"sig"_s, d.sig);
        m.insert(u"pk"_s, pkm);
        m.insert(u"lr"_s, lr);
        devs.append(m);
    }
    protocol::Frame reply(u"bundle"_s, f.id);
    reply.set("user"_L1, name).set("root"_L1, users[name].root).set("devices"_L1, devs);
    send(ws, reply);
}

void MiniRelay::onAck(Device &self, const protocol::Frame &f)
{
    for (const QCborValue &v : f.array("seqs"_L1)) {
        const quint64 seq = quint64(v.toInteger());
        acked.append(seq);
        self.queue.removeIf([seq](const Queued &q) { return q.seq == seq; });
    }
}

void MiniRelay::onRoomGet(QWebSocket *ws, const protocol::Frame &f)
{
    const protocol::RoomGet get = protocol::RoomGet::from(f);
    if (!rooms.contains(get.room))
        return send(ws, error(f.id, u"not_found"_s, u"no such room"_s));
    protocol::Room page;
    page.room = get.room;
    page.chain = rooms.value(get.room).mid(qsizetype(get.fromSeq.value_or(0)));
    send(ws, protocol::toFrame(page, f.id));
}

void MiniRelay::onSend(QWebSocket *ws, const Connection &c, const protocol::Frame &f)
{
    if (hostile)
        return relay(ws, c, f);
    // The exact device set: every device of every recipient plus the sender's other devices.
    QSet<QString> expected;
    const QStringList to = f.textList("to"_L1);
    QCborArray unknown;
    for (const QString &u : to) {
        if (!users.contains(u)) {
            unknown.append(u);
            continue;
        }
        for (const auto &[no, d] : users[u].devices)
            expected.insert(u + u'#' + QString::number(no));
    }
    for (const auto &[no, d] : users[c.user].devices)
        expected.insert(c.user + u'#' + QString::number(no));
    expected.remove(c.user + u'#' + QString::number(c.device));
    QSet<QString> given;
    for (const QCborValue &v : f.array("keys"_L1)) {
        const QCborMap m = v.toMap();
        given.insert(m.value(u"user"_s).toString() + u'#' + QString::number(m.value(u"device"_s).toInteger()));
    }
    if (given != expected || !unknown.isEmpty()) {
        const auto toList = [](const QSet<QString> &set) {
            QCborArray list;
            for (const QString &id : set) {
                QCborMap m;
                m.insert(u"user"_s, id.section(u'#', 0, 0));
                m.insert(u"device"_s, id.section(u'#', 1).toLongLong());
                list.append(m);
            }
            return list;
        };
        protocol::Frame err = error(f.id, u"device_mismatch"_s);
        err.set("missing"_L1, toList(expected - given)).set("stale"_L1, toList(given - expected)).set("unknown"_L1, unknown);
        return send(ws, err);
    }
    // The core the sender signed, from its request and the device this connection logged in as. parleyd leaves this
    // check to the recipients; the mini relay makes it too, so that a client test sees a signing fault at the sender.
    const protocol::SendRequest request = protocol::SendRequest::from(f);
    Result<crypto::EcKey> key = crypto::EcKey::fromPublicPoint(users[c.user].devices[c.device].pub);
    if (!key->verify(protocol::MessageCore::of(request, c.user, c.device).encode(), request.sig))
        return send(ws, error(f.id, u"bad_signature"_s));
    const QByteArray replayKey = c.user.toUtf8() + '#' + QByteArray::number(c.device) + request.mid;
    if (seen.contains(replayKey))
        return send(ws, error(f.id, u"replay"_s));
    seen.insert(replayKey);
    relay(ws, c, f);
}

// Queues the message for every device the request has a key entry for.
void MiniRelay::relay(QWebSocket *ws, const Connection &c, const protocol::Frame &f)
{
    const protocol::SendRequest request = protocol::SendRequest::from(f);
    const QStringList to = f.textList("to"_L1);
    const quint64 firstSeq = nextSeq;
    for (const QCborValue &v : f.array("keys"_L1)) {
        const QCborMap m = v.toMap();
        protocol::Frame msg(u"msg"_s);
        QCborArray toArray;
        for (const QString &u : to)
            toArray.append(u);
        msg.set("from"_L1, c.user)
            .set("dev"_L1, qint64(c.device))
            .set("mid"_L1, request.mid)
            .set("to"_L1, toArray)
            .set("at"_L1, qint64(request.at))
            .set("pl"_L1, request.pl)
            .set("kc"_L1, request.kc)
            .set("opts"_L1, f.map("opts"_L1))
            .set("sig"_L1, request.sig)
            .set("kid"_L1, m.value(u"kid"_s))
            .set("eph"_L1, m.value(u"eph"_s))
            .set("wk"_L1, m.value(u"wk"_s));
        if (tamper)
            tamper(msg);
        deliver(m.value(u"user"_s).toString(), quint32(m.value(u"device"_s).toInteger()), msg);
    }
    protocol::Frame ok(u"accepted"_s, f.id);
    ok.set("mid"_L1, request.mid).set("seq"_L1, qint64(firstSeq));
    send(ws, ok);
}

} // namespace parley::sdktest
