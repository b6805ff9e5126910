// Rooms end to end: a real parleyd over real TLS with the real SDK. Group delivery, membership chains (forged
// changes refused by the server and, when written straight into the database, rejected by clients), expiry and
// burn-on-read including the bytes on disk, and the managed room settings.

#include "harness.h"
#include "roomtest.h"

#include "protocol/roomchain.h"
#include "sdk/envelope.h"
#include "sdk/rooms.h"

#include <QCborArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

class TestRooms : public QObject {
    Q_OBJECT

private:
    // Sweeps every second so that the expiry tests stay short.
    Daemon daemon{u"[limits]\nfetch_burst=1000\nsweep_seconds=1\n"_s};
    int roomCounter = 0;

    std::unique_ptr<Device> device(const QString &user, Daemon *on = nullptr)
    {
        auto d = std::make_unique<Device>(on ? *on : daemon, user);
        if (!d->enroll())
            return nullptr;
        return d;
    }

    QString freshRoom() { return u"room%1"_s.arg(++roomCounter); }

    static std::optional<protocol::Frame> request(Device &from, const protocol::Frame &frame)
    {
        const quint64 id = from.client().sendFrame(frame);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            if (auto reply = from.replyTo(id))
                return reply;
            QTest::qWait(5);
        }
        return std::nullopt;
    }

    static Result<protocol::RoomState> createRoom(sdk::Rooms &rooms, const QString &name, std::optional<quint64> expire = {},
                                                  std::optional<bool> burn = {})
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) {
            rooms.create(name, u"Title of "_s + name, u"about "_s + name, expire, burn, c, done);
        });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    static Result<protocol::RoomState> change(sdk::Rooms &rooms, const QString &room, protocol::RoomOp op,
                                              const QString &target)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.change(room, op, target, c, done); });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    static Result<QByteArray> sendRoom(sdk::Rooms &rooms, const QString &room, const QString &text,
                                       sdk::MessageOptions options = {})
    {
        auto r = await<QByteArray>([&](QObject *c, auto done) { rooms.send(room, text, options, c, done); });
        return r ? *r : Result<QByteArray>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    static Result<protocol::RoomState> fetch(sdk::Rooms &rooms, const QString &room)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.fetch(room, c, done); });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    // Builds, sends and waits for a message whose payload the test knows (to look for its bytes on disk).
    static QByteArray sendKnownPayload(Device &from, const QStringList &to, const QString &text, const protocol::MessageOptions &options,
                                       QByteArray *payload)
    {
        std::optional<Result<QList<sdk::RecipientDevice>>> resolved;
        QObject context;
        from.client().resolveRecipients(to, &context, [&resolved](Result<QList<sdk::RecipientDevice>> r) { resolved.emplace(r); });
        QElapsedTimer timer;
        timer.start();
        while (!resolved && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        if (!resolved || !*resolved)
            return {};
        auto identity = from.client().identity();
        if (!identity)
            return {};
        auto env = sdk::Envelope::build(*identity, to, **resolved, text, quint64(from.client().serverTimeMs()), options);
        if (!env)
            return {};
        *payload = env->payload;
        QSignalSpy accepted(&from.client(), &sdk::Client::accepted);
        from.client().sendEnvelope(*env);
        if (accepted.isEmpty() && !accepted.wait(WaitMs))
            return {};
        return env->mid;
    }

    QString dbFile(Daemon &d) const { return d.dataDir() + u"/parleyd.sqlite"_s; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(daemon.start());
    }

    void groupDeliveryReachesEveryMemberDevice()
    {
        auto a1 = device(u"ann"_s), a2 = device(u"ann"_s), b1 = device(u"ben"_s), b2 = device(u"ben"_s),
             c1 = device(u"cat"_s);
        QVERIFY(a1 && a2 && b1 && b2 && c1);
        sdk::Rooms rooms(a1->client());
        const QString room = freshRoom();
        auto created = createRoom(rooms, room);
        QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
        QVERIFY(created->isAdmin(u"ann"_s));
        QVERIFY(change(rooms, room, protocol::RoomOp::Add, u"ben"_s));
        auto state = change(rooms, room, protocol::RoomOp::Add, u"cat"_s);
        QVERIFY(state);
        QCOMPARE(state->memberList(), (QStringList{u"ann"_s, u"ben"_s, u"cat"_s}));

        auto mid = sendRoom(rooms, room, u"hello team"_s);
        QVERIFY2(mid, qPrintable(mid ? QString() : mid.error().message));
        for (Device *d : {a2.get(), b1.get(), b2.get(), c1.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(hasText(*d, u"hello team"_s), WaitMs);
            const sdk::IncomingMessage *m = findText(*d, u"hello team"_s);
            QCOMPARE(m->room, room);
            QVERIFY(m->verified);
            QCOMPARE(m->to, (QStringList{u"ann"_s, u"ben"_s, u"cat"_s}));
        }
        QVERIFY(!hasText(*a1, u"hello team"_s));   // the sending device gets no copy

        // Stored once, referenced by one queue entry per recipient device until acked.
        Sql sql(dbFile(daemon));
        QVERIFY(sql.ok);
        QCOMPARE(sql.value(u"SELECT COUNT(*) FROM seen WHERE mid = ?"_s, {*mid}), 1);

        // A member's other device can verify the chain and receives room notices.
        sdk::Rooms benRooms(b1->client());
        QSignalSpy changed(&benRooms, &sdk::Rooms::roomChanged);
        QVERIFY(change(rooms, room, protocol::RoomOp::Promote, u"ben"_s));
        QVERIFY(!changed.isEmpty() || changed.wait(WaitMs));
        QCOMPARE(changed.first().at(0).toString(), room);
        auto seen = fetch(benRooms, room);
        QVERIFY(seen);
        QVERIFY(seen->isAdmin(u"ben"_s));
    }

    void laterMembersMissEarlierAndRemovedMembersMissLater()
    {
        auto a = device(u"amy"_s), b = device(u"bob"_s), d = device(u"dan"_s);
        QVERIFY(a && b && d);
        sdk::Rooms rooms(a->client());
        const QString room = freshRoom();
        QVERIFY(createRoom(rooms, room));
        QVERIFY(change(rooms, room, protocol::RoomOp::Add, u"bob"_s));
        QVERIFY(sendRoom(rooms, room, u"before dan"_s));
        QVERIFY(change(rooms, room, protocol::RoomOp::Add, u"dan"_s));
        QVERIFY(sendRoom(rooms, room, u"with dan"_s));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*d, u"with dan"_s), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b, u"with dan"_s), WaitMs);
        QVERIFY(hasText(*b, u"before dan"_s));
        QVERIFY(!hasText(*d, u"before dan"_s));

        QVERIFY(change(rooms, room, protocol::RoomOp::Remove, u"bob"_s));
        QVERIFY(sendRoom(rooms, room, u"without bob"_s));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*d, u"without bob"_s), WaitMs);
        // A direct message sent afterwards is a barrier: bob's queue is in order, so a room copy would come first.
        QVERIFY(!a->sendAndWait({u"bob"_s}, u"barrier"_s).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b, u"barrier"_s), WaitMs);
        QVERIFY(!hasText(*b, u"without bob"_s));

        // Bob can neither send to nor read the room any more.
        sdk::Rooms bobRooms(b->client());
        auto refused = sendRoom(bobRooms, room, u"let me in"_s);
        QVERIFY(!refused);
        auto hidden = fetch(bobRooms, room);
        QVERIFY(!hidden);
        QVERIFY(hidden.error().message.startsWith(u"not_found"_s));

        // Promote, demote and leave follow the rules.
        QVERIFY(change(rooms, room, protocol::RoomOp::Promote, u"dan"_s));
        sdk::Rooms danRooms(d->client());
        QVERIFY(change(danRooms, room, protocol::RoomOp::Add, u"bob"_s));
        QVERIFY(change(rooms, room, protocol::RoomOp::Demote, u"dan"_s));
        auto notAdmin = change(danRooms, room, protocol::RoomOp::Remove, u"bob"_s);
        QVERIFY(!notAdmin);
        auto left = change(danRooms, room, protocol::RoomOp::Leave, u"dan"_s);
        QVERIFY(left);
        QVERIFY(!left->isMember(u"dan"_s));
        auto lastAdmin = change(rooms, room, protocol::RoomOp::Leave, u"amy"_s);
        QVERIFY(!lastAdmin);   // bob would be left without an admin
    }

    void forgedChangesAreRefusedByTheServer_data()
    {
        QTest::addColumn<QString>("forgery");
        QTest::addColumn<QString>("code");
        QTest::newRow("wrong signer") << u"wrong_signer"_s << u"bad_signature"_s;
        QTest::newRow("impersonated actor") << u"impersonation"_s << u"forbidden"_s;
        QTest::newRow("not an admin") << u"not_admin"_s << u"forbidden"_s;
        QTest::newRow("broken chain") << u"broken_chain"_s << u"conflict"_s;
        QTest::newRow("skipped seq") << u"skipped_seq"_s << u"conflict"_s;
        QTest::newRow("garbage") << u"garbage"_s << u"bad_field"_s;
        QTest::newRow("second create") << u"second_create"_s << u"conflict"_s;
        // Whether a room exists is for its members to know: an outsider gets what room_get answers for a room that
        // does not exist, whatever its record says.
        QTest::newRow("outsider") << u"outsider"_s << u"not_found"_s;
        QTest::newRow("outsider, broken chain") << u"outsider_broken_chain"_s << u"not_found"_s;
        QTest::newRow("no such room") << u"missing_room"_s << u"not_found"_s;
    }

    void forgedChangesAreRefusedByTheServer()
    {
        QFETCH(QString, forgery);
        QFETCH(QString, code);
        auto a = device(u"fay"_s), b = device(u"gus"_s), m = device(u"meg"_s);
        QVERIFY(a && b && m);
        sdk::Rooms rooms(a->client());
        const QString room = freshRoom();
        QVERIFY(createRoom(rooms, room));
        auto state = change(rooms, room, protocol::RoomOp::Add, u"gus"_s);
        QVERIFY(state);

        auto fay = a->client().identity();
        auto gus = b->client().identity();
        auto meg = m->client().identity();
        QVERIFY(fay && gus && meg);
        protocol::RoomRecord r;
        r.room = room;
        r.seq = state->nextSeq;
        r.prev = state->head;
        r.op = protocol::RoomOp::Add;
        r.target = u"meg"_s;
        r.actor = u"fay"_s;
        r.actorDevice = fay->device;
        r.at = quint64(a->client().serverTimeMs());
        Device *sender = a.get();
        const crypto::EcKey *key = &fay->deviceKey;
        QByteArray bytes;
        if (forgery == u"wrong_signer"_s) {
            key = &gus->deviceKey;
        } else if (forgery == u"impersonation"_s) {
            sender = b.get();
            key = &gus->deviceKey;
        } else if (forgery == u"not_admin"_s) {
            r.actor = u"gus"_s;
            r.actorDevice = gus->device;
            sender = b.get();
            key = &gus->deviceKey;
        } else if (forgery == u"broken_chain"_s) {
            r.prev = crypto::sha512("not the previous record");
        } else if (forgery == u"skipped_seq"_s) {
            r.seq += 1;
        } else if (forgery == u"garbage"_s) {
            bytes = QByteArray("\x82\x01\x02", 3);
        } else if (forgery == u"second_create"_s) {
            r.seq = 0;
            r.prev.clear();
            r.op = protocol::RoomOp::Create;
            r.target = u"fay"_s;
            r.policy = protocol::RoomPolicy{};
        } else if (forgery.startsWith(u"outsider"_s)) {
            r.actor = u"meg"_s;
            r.actorDevice = meg->device;
            sender = m.get();
            key = &meg->deviceKey;
            if (forgery.endsWith(u"broken_chain"_s))
                r.prev = crypto::sha512("not the previous record");
        } else if (forgery == u"missing_room"_s) {
            r.room = room + u"-none"_s;
        }
        if (bytes.isEmpty())
            bytes = r.encode();
        auto sig = key->sign(bytes);
        QVERIFY(sig);
        protocol::Frame f(u"room_change"_s);
        f.set("room"_L1, r.room).set("rec"_L1, bytes).set("sig"_L1, *sig);
        auto reply = request(*sender, f);
        QVERIFY(reply);
        QCOMPARE(reply->type, u"error"_s);
        QCOMPARE(reply->text("code"_L1), code);
        if (code == u"not_found"_s) {
            QCOMPARE(reply->text("msg"_L1), u"no such room, or you are not a member"_s);
            protocol::Frame get(u"room_get"_s);
            get.set("room"_L1, r.room);
            auto hidden = request(*sender, get);
            QVERIFY(hidden);
            QCOMPARE(hidden->text("code"_L1), code);
            QCOMPARE(hidden->text("msg"_L1), reply->text("msg"_L1));
        }

        // The chain is unchanged and still verifies.
        sdk::Rooms fresh(a->client());
        auto after = fetch(fresh, room);
        QVERIFY(after);
        QCOMPARE(after->nextSeq, state->nextSeq);
        QVERIFY(!after->isMember(u"meg"_s));
    }

    void forgedChangesInTheDatabaseAreRejectedByClients_data()
    {
        QTest::addColumn<QString>("forgery");
        QTest::newRow("not an admin") << u"not_admin"_s;
        QTest::newRow("wrong signer") << u"wrong_signer"_s;
        QTest::newRow("broken chain") << u"broken_chain"_s;
        QTest::newRow("reordered") << u"reordered"_s;
    }

    void forgedChangesInTheDatabaseAreRejectedByClients()
    {
        QFETCH(QString, forgery);
        Daemon own{u"[limits]\nfetch_burst=1000\n"_s};
        QVERIFY(own.start());
        auto a = device(u"hal"_s, &own), b = device(u"ivy"_s, &own);
        QVERIFY(a && b);
        const QString room = u"vault"_s;
        QByteArray halPub, halCert;
        {
            sdk::Rooms rooms(a->client());
            QVERIFY(createRoom(rooms, room));
            QVERIFY(change(rooms, room, protocol::RoomOp::Add, u"ivy"_s));
            QVERIFY(sendRoom(rooms, room, u"fine so far"_s));
        }
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b, u"fine so far"_s), WaitMs);
        auto hal = a->client().identity();
        auto ivy = b->client().identity();
        QVERIFY(hal && ivy);
        a->close();
        b->close();
        QVERIFY(own.terminate());

        {
            Sql sql(dbFile(own));
            QVERIFY(sql.ok);
            QSqlQuery q(sql.db);
            QVERIFY(q.exec(u"SELECT id, next_seq, head FROM rooms WHERE name = 'vault'"_s) && q.next());
            const qint64 roomId = q.value(0).toLongLong();
            const quint64 nextSeq = quint64(q.value(1).toLongLong());
            const QByteArray head = q.value(2).toByteArray();
            q.finish();
            auto deviceCert = [&sql](const QString &user, quint32 no) {
                QSqlQuery d(sql.db);
                d.prepare(u"SELECT d.pub, d.sig FROM devices d JOIN users u ON u.id = d.user_id WHERE u.name = ? AND d.device_no = ?"_s);
                d.bindValue(0, user);
                d.bindValue(1, qint64(no));
                if (!d.exec() || !d.next())
                    return std::pair<QByteArray, QByteArray>();
                return std::pair(d.value(0).toByteArray(), d.value(1).toByteArray());
            };
            if (forgery == u"reordered"_s) {
                // Swap records 0 and 1.
                QVERIFY(sql.exec(u"UPDATE room_records SET seq = 1000 WHERE room_id = ? AND seq = 0"_s, {roomId}));
                QVERIFY(sql.exec(u"UPDATE room_records SET seq = 0 WHERE room_id = ? AND seq = 1"_s, {roomId}));
                QVERIFY(sql.exec(u"UPDATE room_records SET seq = 1 WHERE room_id = ? AND seq = 1000"_s, {roomId}));
            } else {
                protocol::RoomRecord r;
                r.room = room;
                r.seq = nextSeq;
                r.prev = head;
                r.op = protocol::RoomOp::Add;
                r.target = u"mallory"_s;
                r.actor = u"hal"_s;
                r.actorDevice = hal->device;
                r.at = quint64(QDateTime::currentMSecsSinceEpoch());
                const crypto::EcKey *key = &hal->deviceKey;
                if (forgery == u"not_admin"_s) {
                    r.actor = u"ivy"_s;
                    r.actorDevice = ivy->device;
                    key = &ivy->deviceKey;
                } else if (forgery == u"wrong_signer"_s) {
                    key = &ivy->deviceKey;
                } else if (forgery == u"broken_chain"_s) {
                    r.prev = crypto::sha512("some other history");
                }
                const QByteArray bytes = r.encode();
                auto sig = key->sign(bytes);
                QVERIFY(sig);
                const auto [pub, cert] = deviceCert(r.actor, r.actorDevice);
                QVERIFY(!pub.isEmpty());
                QVERIFY(sql.exec(u"INSERT INTO room_records (room_id, seq, rec, sig, dpub, dsig) VALUES (?, ?, ?, ?, ?, ?)"_s,
                                 {roomId, qint64(nextSeq), bytes, *sig, pub, cert}));
                QVERIFY(sql.exec(u"INSERT INTO room_members (room_id, user_name, admin) VALUES (?, 'mallory', 0)"_s, {roomId}));
                QVERIFY(sql.exec(u"UPDATE rooms SET next_seq = ?, head = ? WHERE id = ?"_s,
                                 {qint64(nextSeq + 1), crypto::sha512(bytes), roomId}));
            }
        }

        QVERIFY(own.start());
        QVERIFY(a->connectNow());
        sdk::Rooms rooms(a->client());
        QSignalSpy rejected(&rooms, &sdk::Rooms::chainRejected);
        auto state = fetch(rooms, room);
        QVERIFY(!state);
        QVERIFY2(state.error().message.startsWith(u"bad_chain"_s), qPrintable(state.error().message));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected.first().at(0).toString(), room);
        // Nothing is sent to a room whose membership cannot be verified.
        auto sent = sendRoom(rooms, room, u"to whom?"_s);
        QVERIFY(!sent);
        QVERIFY(sent.error().message.startsWith(u"bad_chain"_s));
    }

    void expiredMessagesAreNeitherDeliveredNorKept_data()
    {
        QTest::addColumn<bool>("room");
        QTest::newRow("direct message with its own expiry") << false;
        QTest::newRow("room message under the room's expiry") << true;
    }

    void expiredMessagesAreNeitherDeliveredNorKept()
    {
        QFETCH(bool, room);
        const QString suffix = room ? u"r"_s : u"d"_s;
        auto a = device(u"jay"_s + suffix), b = device(u"kim"_s + suffix);
        QVERIFY(a && b);
        const QString bob = u"kim"_s + suffix;
        QStringList to{bob};
        protocol::MessageOptions options;
        if (room) {
            sdk::Rooms rooms(a->client());
            const QString name = freshRoom();
            QVERIFY(createRoom(rooms, name, 3));
            auto state = change(rooms, name, protocol::RoomOp::Add, bob);
            QVERIFY(state);
            to = state->memberList();
            options.room = name;
        } else {
            options.exp = 3;
        }
        b->close();

        QByteArray payload;
        QVERIFY(!sendKnownPayload(*a, to, u"gone soon"_s, options, &payload).isEmpty());
        QVERIFY(daemon.everythingWritten().contains(needle(payload)));   // it did reach the disk
        // Expired after 3 s (long enough to see it on disk first on a loaded machine), swept (with a checkpoint) within the next second or two when idle (LeavesDiskMs bounds it under load).
        QVERIFY2(leavesDisk(daemon, payload), stillOnDisk(daemon, payload).constData());

        QVERIFY(b->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(b->syncedCount > 0, WaitMs);
        QVERIFY(!hasText(*b, u"gone soon"_s));
    }

    void burnOnReadGoesAfterTheLastAck()
    {
        auto a = device(u"lea"_s), b1 = device(u"max"_s), b2 = device(u"max"_s);
        QVERIFY(a && b1 && b2);
        b2->close();
        QByteArray payload;
        protocol::MessageOptions options;
        options.burn = true;
        QVERIFY(!sendKnownPayload(*a, {u"max"_s}, u"read once"_s, options, &payload).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b1, u"read once"_s), WaitMs);
        QVERIFY(findText(*b1, u"read once"_s)->burnOnRead);
        b1->client().flushAcks();
        {
            // max's first device acked: the entry of the second device still holds the message.
            Sql sql(dbFile(daemon));
            QTRY_COMPARE_WITH_TIMEOUT(sql.value(u"SELECT COUNT(*) FROM queue q JOIN messages m ON m.id = q.message_id "
                                                u"WHERE m.payload = ?"_s, {payload}), 1, WaitMs);
            QCOMPARE(sql.value(u"SELECT COUNT(*) FROM messages WHERE payload = ?"_s, {payload}), 1);
        }
        QTest::qWait(2500);   // two sweeps: the message is kept
        QVERIFY(daemon.everythingWritten().contains(needle(payload)));

        QVERIFY(b2->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b2, u"read once"_s), WaitMs);
        b2->client().flushAcks();
        {
            Sql sql(dbFile(daemon));
            QTRY_COMPARE_WITH_TIMEOUT(sql.value(u"SELECT COUNT(*) FROM messages WHERE payload = ?"_s, {payload}), 0, WaitMs);
        }
        QVERIFY2(leavesDisk(daemon, payload), stillOnDisk(daemon, payload).constData());
    }

    void sweepRunsAfterRestart()
    {
        Daemon own{u"[limits]\nfetch_burst=1000\nsweep_seconds=3600\n"_s};
        QVERIFY(own.start());
        auto a = device(u"ned"_s, &own), b = device(u"ola"_s, &own);
        QVERIFY(a && b);
        b->close();
        QByteArray payload;
        protocol::MessageOptions options;
        options.exp = 1;
        QVERIFY(!sendKnownPayload(*a, {u"ola"_s}, u"expires while down"_s, options, &payload).isEmpty());
        a->close();
        QVERIFY(own.terminate());
        QTest::qWait(1500);
        QVERIFY(own.everythingWritten().contains(needle(payload)));   // nobody swept while it was down
        QVERIFY(own.start());                                         // the first sweep runs at start
        QVERIFY2(leavesDisk(own, payload), stillOnDisk(own, payload).constData());
        QVERIFY(b->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(b->syncedCount > 0, WaitMs);
        QVERIFY(!hasText(*b, u"expires while down"_s));
    }

    void managedSettingsApplyToNewRooms()
    {
        Daemon own{u"[limits]\nfetch_burst=1000\n"_s};
        QVERIFY(own.start());
        QVERIFY(own.terminate());
        const QStringList out = own.run({u"rooms-defaults"_s, u"--max-members"_s, u"2"_s, u"--max-expire-seconds"_s,
                                         u"600"_s, u"--default-expire-seconds"_s, u"60"_s, u"--default-burn"_s, u"yes"_s});
        QCOMPARE(out, (QStringList{u"max_members 2"_s, u"max_expire_seconds 600"_s, u"default_expire_seconds 60"_s,
                                   u"default_burn yes"_s}));
        QVERIFY(own.run({u"rooms-defaults"_s, u"--max-members"_s, u"0"_s}).isEmpty());   // refused
        QVERIFY(own.start());
        auto a = device(u"pam"_s, &own), b = device(u"quin"_s, &own), c = device(u"rex"_s, &own);
        QVERIFY(a && b && c);
        sdk::Rooms rooms(a->client());
        auto list = await<sdk::RoomList>([&](QObject *ctx, auto done) { rooms.list(ctx, done); });
        QVERIFY(list && *list);
        QCOMPARE((*list)->limits.maxMembers, 2);
        QCOMPARE((*list)->limits.defaultExpireSeconds, 60u);
        auto created = createRoom(rooms, u"small"_s);
        QVERIFY(created);
        QCOMPARE(created->policy.expireSeconds, 60u);
        QVERIFY(created->policy.burnOnRead);
        QVERIFY(!createRoom(rooms, u"forever"_s, 100000));              // beyond the maximum
        QVERIFY(change(rooms, u"small"_s, protocol::RoomOp::Add, u"quin"_s));
        auto full = change(rooms, u"small"_s, protocol::RoomOp::Add, u"rex"_s);
        QVERIFY(!full);
        QVERIFY2(full.error().message.startsWith(u"quota"_s), qPrintable(full.error().message));
        list = await<sdk::RoomList>([&](QObject *ctx, auto done) { rooms.list(ctx, done); });
        QVERIFY(list && *list);
        QCOMPARE((*list)->rooms.size(), 1);
        QCOMPARE((*list)->rooms.first().title, u"Title of small"_s);
        QCOMPARE((*list)->rooms.first().members, 2);
    }
};

QTEST_GUILESS_MAIN(TestRooms)
#include "tst_rooms.moc"
