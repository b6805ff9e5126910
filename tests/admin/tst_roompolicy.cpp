// The administrator's room retention override (admin call rooms.policy) end to end: a real parleyd over real TLS,
// rooms made by real devices through the SDK, the admin client parleyctl uses, and parleyctl itself. The override
// shows in rooms.show/rooms.list and in the device plane, shortens the expiry of new and stored messages (which
// then are never delivered and leave the disk), and enforces burn-on-read.

#include "adminfixture.h"
#include "../e2e/roomtest.h"

#include "protocol/roomchain.h"
#include "sdk/envelope.h"
#include "sdk/rooms.h"

#include <QCborArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

class TestRoomPolicy : public AdminTest {
    Q_OBJECT

private:
    int m_roomCounter = 0;

    std::unique_ptr<Device> device(const QString &user)
    {
        auto d = std::make_unique<Device>(*m_daemon, user);
        if (!d->enroll())
            return nullptr;
        return d;
    }

    QString freshRoom() { return u"policy%1"_s.arg(++m_roomCounter); }

    QString dbFile() const { return m_daemon->dataDir() + u"/parleyd.sqlite"_s; }

    static Result<protocol::RoomState> createRoom(sdk::Rooms &rooms, const QString &name, quint64 expire, bool burn)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) {
            rooms.create(name, u"Title of "_s + name, u"about "_s + name, expire, burn, c, done);
        });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    static Result<protocol::RoomState> add(sdk::Rooms &rooms, const QString &room, const QString &user)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.change(room, protocol::RoomOp::Add, user, c, done); });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    static Result<QByteArray> sendRoom(sdk::Rooms &rooms, const QString &room, const QString &text)
    {
        auto r = await<QByteArray>([&](QObject *c, auto done) { rooms.send(room, text, {}, c, done); });
        return r ? *r : Result<QByteArray>(makeError(ErrorCode::Timeout, u"timeout"_s));
    }

    // A room of `a` (chain expiry and burn as given) with `member` in it; returns the sorted member list.
    static QStringList roomWith(Device &a, const QString &room, const QString &member, quint64 expire = 0, bool burn = false)
    {
        sdk::Rooms rooms(a.client());
        if (!createRoom(rooms, room, expire, burn))
            return {};
        auto state = add(rooms, room, member);
        return state ? state->memberList() : QStringList();
    }

    static protocol::MessageOptions inRoom(const QString &room)
    {
        protocol::MessageOptions options;
        options.room = room;
        return options;
    }

    // Builds and sends a message whose payload the test knows; returns the id once accepted, or the error code.
    static std::variant<QByteArray, QString> sendKnownPayload(Device &from, const QStringList &to, const QString &text,
                                                              const protocol::MessageOptions &options, QByteArray *payload)
    {
        std::optional<Result<QList<sdk::RecipientDevice>>> resolved;
        QObject context;
        from.client().resolveRecipients(to, &context, [&resolved](Result<QList<sdk::RecipientDevice>> r) { resolved.emplace(r); });
        QElapsedTimer timer;
        timer.start();
        while (!resolved && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        if (!resolved || !*resolved)
            return u"resolve"_s;
        auto identity = from.client().identity();
        if (!identity)
            return u"identity"_s;
        auto env = sdk::Envelope::build(*identity, to, **resolved, text, quint64(from.client().serverTimeMs()), options);
        if (!env)
            return u"build"_s;
        *payload = env->payload;
        QSignalSpy accepted(&from.client(), &sdk::Client::accepted);
        QSignalSpy failed(&from.client(), &sdk::Client::sendFailed);
        from.client().sendEnvelope(*env);
        timer.restart();
        while (timer.elapsed() < WaitMs) {
            for (const auto &args : std::as_const(accepted)) {
                if (args.at(0).toByteArray() == env->mid)
                    return env->mid;
            }
            for (const auto &args : std::as_const(failed)) {
                if (args.at(0).toByteArray() == env->mid)
                    return sdk::sendErrorName(args.at(1).value<sdk::SendError>());
            }
            QTest::qWait(10);
        }
        return u"timeout"_s;
    }

    static bool accepted(const std::variant<QByteArray, QString> &sent)
    {
        if (const QString *code = std::get_if<QString>(&sent)) {
            qWarning() << "send failed:" << *code;
            return false;
        }
        return true;
    }

    static int roomChangedCount(const Device &d, const QString &room)
    {
        return int(std::count_if(d.frames.cbegin(), d.frames.cend(), [&room](const protocol::Frame &f) {
            return f.type == u"room_changed"_s && f.text("room"_L1) == room;
        }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Sweeps every second so that the expiry checks stay short.
        startDaemon(u"[limits]\nfetch_burst=1000\nsweep_seconds=1\n"_s);
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
    }

    void overrideTightensAndShowsEverywhere()
    {
        auto a = device(u"ada"_s), b = device(u"ben"_s);
        QVERIFY(a && b);
        const QString room = freshRoom();
        QCOMPARE(roomWith(*a, room, u"ben"_s, 600), (QStringList{u"ada"_s, u"ben"_s}));

        auto shown = call(u"rooms.show"_s, {{u"room"_s, room}});
        QVERIFY(shown.ok);
        QCOMPARE(shown.result.value("expire_seconds"_L1).toInteger(), 600);
        QCOMPARE(shown.result.value("enforced_expire_seconds"_L1).toInteger(), 0);
        QCOMPARE(shown.result.value("effective_expire_seconds"_L1).toInteger(), 600);
        QCOMPARE(shown.result.value("enforced_burn"_L1).toBool(), false);
        QCOMPARE(shown.result.value("effective_burn"_L1).toBool(), false);

        // ben heard of the chain once (when he was added).
        QTRY_COMPARE_WITH_TIMEOUT(roomChangedCount(*b, room), 1, WaitMs);

        // A longer override leaves the chain's shorter expiry in force: it can only tighten.
        auto r = call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 3600}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("enforced_expire_seconds"_L1).toInteger(), 3600);
        QCOMPARE(r.result.value("effective_expire_seconds"_L1).toInteger(), 600);
        r = call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 60}, {u"burn_on_read"_s, true}});
        QVERIFY2(r.ok, qPrintable(r.message));
        shown = call(u"rooms.show"_s, {{u"room"_s, room}});
        QVERIFY(r.result == shown.result);   // the reply is rooms.show's map
        QCOMPARE(shown.result.value("expire_seconds"_L1).toInteger(), 600);   // the chain's policy is untouched
        QCOMPARE(shown.result.value("burn_on_read"_L1).toBool(), false);
        QCOMPARE(shown.result.value("enforced_expire_seconds"_L1).toInteger(), 60);
        QCOMPARE(shown.result.value("effective_expire_seconds"_L1).toInteger(), 60);
        QCOMPARE(shown.result.value("enforced_burn"_L1).toBool(), true);
        QCOMPARE(shown.result.value("effective_burn"_L1).toBool(), true);

        auto listed = call(u"rooms.list"_s, {{u"search"_s, room}});
        QVERIFY(listed.ok);
        const QCborArray rows = listed.result.value("rooms"_L1).toArray();
        QCOMPARE(rows.size(), 1);
        const QCborMap row = rows.first().toMap();
        QCOMPARE(row.value("expire_seconds"_L1).toInteger(), 600);
        QCOMPARE(row.value("enforced_expire_seconds"_L1).toInteger(), 60);
        QCOMPARE(row.value("effective_expire_seconds"_L1).toInteger(), 60);
        QCOMPARE(row.value("enforced_burn"_L1).toBool(), true);
        QCOMPARE(row.value("effective_burn"_L1).toBool(), true);

        // The members' connected devices hear of it, and the device plane carries the override.
        QTRY_COMPARE_WITH_TIMEOUT(roomChangedCount(*b, room), 3, WaitMs);
        sdk::Rooms rooms(b->client());
        auto list = await<sdk::RoomList>([&](QObject *c, auto done) { rooms.list(c, done); });
        QVERIFY(list && *list);
        const auto entry = std::find_if((*list)->rooms.cbegin(), (*list)->rooms.cend(),
                                        [&room](const sdk::RoomListEntry &e) { return e.room == room; });
        QVERIFY(entry != (*list)->rooms.cend());
        QCOMPARE(entry->enforcedExpireSeconds, 60u);
        QVERIFY(entry->enforcedBurn);
        auto fetched = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.fetch(room, c, done); });
        QVERIFY(fetched && *fetched);
        QVERIFY(rooms.enforced(room) == (std::optional<std::pair<quint64, bool>>({60, true})));

        // 0 and false lift the override.
        r = call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 0}, {u"burn_on_read"_s, false}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("enforced_expire_seconds"_L1).toInteger(), 0);
        QCOMPARE(r.result.value("effective_expire_seconds"_L1).toInteger(), 600);
        QCOMPARE(r.result.value("effective_burn"_L1).toBool(), false);
        // Setting one leaves the other as it was.
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"burn_on_read"_s, true}}).ok);
        r = call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 30}});
        QCOMPARE(r.result.value("enforced_burn"_L1).toBool(), true);
        QCOMPARE(r.result.value("enforced_expire_seconds"_L1).toInteger(), 30);

        // The room still deletes cleanly.
        QVERIFY(call(u"rooms.delete"_s, {{u"room"_s, room}}).ok);
        QCOMPARE(call(u"rooms.show"_s, {{u"room"_s, room}}).error, QString(proto::errors::NotFound));
    }

    void enforcedExpiryShortensNewAndStoredMessages()
    {
        auto a = device(u"cid"_s), b = device(u"dot"_s);
        QVERIFY(a && b);
        const QString room = freshRoom();
        const QStringList to = roomWith(*a, room, u"dot"_s);   // no expiry of its own
        QVERIFY(!to.isEmpty());
        b->close();
        const protocol::MessageOptions options = inRoom(room);

        // How long a stored message lives (ms from its sent_at); -1 when it is not stored.
        auto lifetime = [this](const QByteArray &payload) {
            Sql sql(dbFile());
            return sql.value(u"SELECT expires_at - sent_at FROM messages WHERE payload = ?"_s, {payload});
        };
        QByteArray stored;
        QVERIFY(accepted(sendKnownPayload(*a, to, u"sent before"_s, options, &stored)));
        QVERIFY(lifetime(stored) > 600 * 1000);   // the queue lifetime

        // An override shortens what is stored, counted from each message's sent_at, and applies to what comes.
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 600}}).ok);
        QCOMPARE(lifetime(stored), 600 * 1000);
        QByteArray later;
        QVERIFY(accepted(sendKnownPayload(*a, to, u"sent under 600"_s, options, &later)));
        QCOMPARE(lifetime(later), 600 * 1000);
        // A longer one never lengthens it.
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 7200}}).ok);
        QCOMPARE(lifetime(stored), 600 * 1000);

        // Now 3 s: the stored messages expire at once and go; a new one goes 3 s after it was sent.
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 3}}).ok);
        QByteArray payload;
        QVERIFY(accepted(sendKnownPayload(*a, to, u"gone soon"_s, options, &payload)));
        QVERIFY(m_daemon->everythingWritten().contains(needle(payload)));   // it did reach the disk
        QVERIFY2(leavesDisk(*m_daemon, payload), stillOnDisk(*m_daemon, payload).constData());
        QVERIFY(!m_daemon->everythingWritten().contains(needle(stored)));
        QVERIFY(!m_daemon->everythingWritten().contains(needle(later)));
        {
            Sql sql(dbFile());
            QCOMPARE(sql.value(u"SELECT COUNT(*) FROM messages WHERE payload IN (?, ?, ?)"_s, {stored, later, payload}), 0);
        }

        QVERIFY(b->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(b->syncedCount > 0, WaitMs);
        QVERIFY(!hasText(*b, u"sent before"_s));
        QVERIFY(!hasText(*b, u"sent under 600"_s));
        QVERIFY(!hasText(*b, u"gone soon"_s));
    }

    void enforcedBurnOnRead()
    {
        auto a = device(u"eve"_s), b = device(u"fay"_s);
        QVERIFY(a && b);
        const QString room = freshRoom();
        const QStringList to = roomWith(*a, room, u"fay"_s);   // the chain does not ask for burn-on-read
        QVERIFY(!to.isEmpty());
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"burn_on_read"_s, true}}).ok);

        // A message that does not carry burn-on-read is refused.
        QByteArray payload;
        const auto refused = sendKnownPayload(*a, to, u"keep me"_s, inRoom(room), &payload);
        QVERIFY(std::holds_alternative<QString>(refused));
        QCOMPARE(std::get<QString>(refused), u"forbidden"_s);

        // The SDK learns the rule with the room and marks the message; it goes once every recipient device acked.
        b->close();
        sdk::Rooms rooms(a->client());
        auto sent = sendRoom(rooms, room, u"read once"_s);
        QVERIFY2(sent, qPrintable(sent ? QString() : sent.error().message));
        {
            Sql sql(dbFile());
            QCOMPARE(sql.value(u"SELECT COUNT(*) FROM messages WHERE mid = ?"_s, {*sent}), 1);
        }
        QVERIFY(b->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*b, u"read once"_s), WaitMs);
        QVERIFY(findText(*b, u"read once"_s)->burnOnRead);
        b->client().flushAcks();
        {
            Sql sql(dbFile());
            QTRY_COMPARE_WITH_TIMEOUT(sql.value(u"SELECT COUNT(*) FROM messages WHERE mid = ?"_s, {*sent}), 0, WaitMs);
        }

        // Lifted: a message without burn-on-read is accepted again.
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"burn_on_read"_s, false}}).ok);
        QVERIFY(accepted(sendKnownPayload(*a, to, u"keep me now"_s, inRoom(room), &payload)));
    }

    void invalidValuesAreRefused()
    {
        auto a = device(u"gus"_s), b = device(u"hal"_s);
        QVERIFY(a && b);
        const QString room = freshRoom();
        QVERIFY(!roomWith(*a, room, u"hal"_s).isEmpty());

        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, room}}).error, QString(proto::errors::InvalidArgument));
        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, (qint64(1) << 32) + 1}}).error,
                 QString(proto::errors::InvalidArgument));
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, qint64(1) << 32}}).ok);
        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, -1}}).error, QString(proto::errors::BadRequest));
        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"burn_on_read"_s, 1}}).error, QString(proto::errors::BadRequest));
        QCOMPARE(call(u"rooms.policy"_s, {{u"expire_seconds"_s, 60}}).error, QString(proto::errors::BadRequest));
        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, u"nosuchroom"_s}, {u"expire_seconds"_s, 60}}).error,
                 QString(proto::errors::NotFound));

        // With a server maximum, the override must respect it.
        QVERIFY(call(u"rooms.defaults"_s, {{u"max_expire_seconds"_s, 600}, {u"default_expire_seconds"_s, 600}}).ok);
        QCOMPARE(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 601}}).error,
                 QString(proto::errors::InvalidArgument));
        QVERIFY(call(u"rooms.policy"_s, {{u"room"_s, room}, {u"expire_seconds"_s, 600}}).ok);
        QVERIFY(call(u"rooms.defaults"_s, {{u"max_expire_seconds"_s, 0}, {u"default_expire_seconds"_s, 0}}).ok);

        // Audited with the room as target, never the values.
        auto audit = call(u"audit.show"_s, {{u"action"_s, u"rooms.policy"_s}});
        QVERIFY(audit.ok);
        QStringList outcomes;
        for (const QCborValue &v : audit.result.value("records"_L1).toArray()) {
            const QCborMap rec = v.toMap();
            if (rec.value("target"_L1).toString() == room)
                outcomes << rec.value("outcome"_L1).toString();
        }
        QVERIFY(outcomes.contains(u"ok"_s));
        QVERIFY(outcomes.contains(QString(proto::errors::InvalidArgument)));
        QVERIFY(outcomes.contains(QString(proto::errors::BadRequest)));
        QVERIFY(std::any_of(audit.result.value("records"_L1).toArray().cbegin(), audit.result.value("records"_L1).toArray().cend(),
                            [](const QCborValue &v) {
                                return v.toMap().value("target"_L1).toString() == u"nosuchroom"_s
                                    && v.toMap().value("outcome"_L1).toString() == QString(proto::errors::NotFound);
                            }));
    }

    void parleyctlRoomPolicy()
    {
        auto a = device(u"ida"_s), b = device(u"jon"_s);
        QVERIFY(a && b);
        const QString room = freshRoom();
        QVERIFY(!roomWith(*a, room, u"jon"_s).isEmpty());

        const ParleyctlRunner home;
        QVERIFY(home.isValid());
        const QString pwFile = home.passwordFile(AdminPassword);
        QVERIFY(!pwFile.isEmpty());
        auto ctl = [&home](const QStringList &args, QByteArray *out = nullptr) { return home.run(args, out); };
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, pwFile}),
                 0);
        QByteArray out;
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room, u"--expire"_s, u"120"_s, u"--burn"_s, u"on"_s, u"--json"_s}, &out), 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value("enforced_expire_seconds"_L1).toInteger(), 120);
        QCOMPARE(o.value("effective_expire_seconds"_L1).toInteger(), 120);
        QCOMPARE(o.value("enforced_burn"_L1).toBool(), true);
        QCOMPARE(o.value("effective_burn"_L1).toBool(), true);
        QCOMPARE(ctl({u"rooms"_s, u"show"_s, room}, &out), 0);
        QVERIFY(out.contains("enforced_expire_seconds"));
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room, u"--burn"_s, u"off"_s}, &out), 0);
        QCOMPARE(call(u"rooms.show"_s, {{u"room"_s, room}}).result.value("enforced_burn"_L1).toBool(), false);
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room}), 2);                                        // nothing to set
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room, u"--burn"_s, u"maybe"_s}), 2);
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room, u"--expire"_s, u"soon"_s}), 2);
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, room, u"--expire"_s, u"4294967297"_s}), 2);       // beyond 2^32
        QCOMPARE(ctl({u"rooms"_s, u"policy"_s, u"nosuchroom"_s, u"--burn"_s, u"on"_s}), 4);
    }
};

QTEST_GUILESS_MAIN(TestRoomPolicy)
#include "tst_roompolicy.moc"
