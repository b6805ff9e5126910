// Bots end to end (docs/admin-api.md "Bots"): a real parleyd over real TLS, the admin client parleyctl uses, parleyctl
// itself and devices of the real SDK. An administrator makes a bot with a scope, an expiry and a send limit; the
// bot's device enrolls with the one-time code like any device, so its keys are its own and the server holds only
// ciphertext of what it sends; parleyd holds it to its scope (`forbidden`), its rate (`rate_limited`), its expiry
// (`suspended`, the live session closed) and its revocation (`auth_failed`, the live session closed); names ending in
// .bot are for bots alone; every call is in the audit log.

#include "adminfixture.h"
#include "../e2e/roomtest.h"

#include "sdk/rooms.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::e2e;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QStringList texts(const QCborArray &array)
{
    QStringList out;
    for (const QCborValue &v : array)
        out << v.toString();
    return out;
}

} // namespace

class TestAdminBots : public AdminTest {
    Q_OBJECT

    ParleyctlRunner m_ctl;
    std::unique_ptr<Device> m_alice;
    std::unique_ptr<Device> m_bob;
    std::unique_ptr<Device> m_bot;
    int m_texts = 0;

    int ctl(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr) { return m_ctl.run(args, out, err); }

    // A message text of its own, kept as a secret: no file the daemon writes may hold it.
    QString freshText(const QString &what)
    {
        const QString text = u"%1 #%2 %3"_s.arg(what).arg(++m_texts).arg(QString::fromLatin1(crypto::randomBytes(6).toHex()));
        m_secrets << text;
        return text;
    }

    QCborMap bot(const QString &name)
    {
        const auto r = call(u"bots.list"_s, {{u"search"_s, name}});
        for (const QCborValue &v : r.result.value("bots"_L1).toArray()) {
            if (v.toMap().value("name"_L1).toString() == name)
                return v.toMap();
        }
        return {};
    }

    // Sends and waits for the outcome: nothing when accepted, else the error (and its message).
    static std::optional<sdk::SendError> sendOutcome(Device &d, const QStringList &to, const QString &text,
                                                     QString *message = nullptr)
    {
        QSignalSpy accepted(&d.client(), &sdk::Client::accepted);
        QSignalSpy failed(&d.client(), &sdk::Client::sendFailed);
        const QByteArray mid = d.client().send(to, text);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            for (const auto &args : std::as_const(accepted)) {
                if (args.at(0).toByteArray() == mid)
                    return std::nullopt;
            }
            for (const auto &args : std::as_const(failed)) {
                if (args.at(0).toByteArray() == mid) {
                    if (message)
                        *message = args.at(2).toString();
                    return args.at(1).value<sdk::SendError>();
                }
            }
            QTest::qWait(10);
        }
        if (message)
            *message = u"no outcome in time"_s;
        return sdk::SendError::Disconnected;
    }

    static Result<protocol::RoomState> createRoom(sdk::Rooms &rooms, const QString &name)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.create(name, name, {}, 0, false, c, done); });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"no answer"_s));
    }

    static Result<protocol::RoomState> add(sdk::Rooms &rooms, const QString &room, const QString &user)
    {
        auto r = await<protocol::RoomState>([&](QObject *c, auto done) { rooms.change(room, protocol::RoomOp::Add, user, c, done); });
        return r ? *r : Result<protocol::RoomState>(makeError(ErrorCode::Timeout, u"no answer"_s));
    }

    static Result<QByteArray> sendRoom(sdk::Rooms &rooms, const QString &room, const QString &text)
    {
        auto r = await<QByteArray>([&](QObject *c, auto done) { rooms.send(room, text, {}, c, done); });
        return r ? *r : Result<QByteArray>(makeError(ErrorCode::Timeout, u"no answer"_s));
    }

    static int errorFrames(const Device &d, const QString &code, qsizetype from)
    {
        int n = 0;
        for (qsizetype i = from; i < d.frames.size(); ++i) {
            const protocol::Frame &f = d.frames.at(i);
            n += f.type == u"error"_s && f.text("code"_L1) == code;
        }
        return n;
    }

    static QString errorMessage(const Device &d, const QString &code)
    {
        for (const auto &e : d.errors) {
            if (e.first == code)
                return e.second;
        }
        return {};
    }

    // Every bots.* call, with its target and outcome. A record is written as its call is answered, so the last ones
    // may reach the log a moment after their reply.
    QStringList auditedBotCalls()
    {
        QStringList seen;
        for (const QCborValue &v : call(u"audit.show"_s, {{u"action"_s, u"bots"_s}}).result.value("records"_L1).toArray()) {
            const QCborMap m = v.toMap();
            seen << u"%1 %2 %3 %4"_s.arg(m.value("actor"_L1).toString(), m.value("action"_L1).toString(),
                                         m.value("target"_L1).toString(), m.value("outcome"_L1).toString());
        }
        return seen;
    }

private Q_SLOTS:
    void initTestCase()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        loginFirstAdmin();
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_ctl.isValid());
        QCOMPARE(ctl({u"--server"_s, m_address, u"--fingerprint"_s, m_daemon->fingerprint(), u"login"_s, u"admin"_s,
                      u"--password-file"_s, m_ctl.passwordFile(AdminPassword)}),
                 0);
        m_alice = std::make_unique<Device>(*m_daemon, u"alice"_s);
        m_bob = std::make_unique<Device>(*m_daemon, u"bob"_s);
        QVERIFY(m_alice->enroll());
        QVERIFY(m_bob->enroll());
    }

    // bots.create returns a one-time code; the bot's device enrolls with it through the SDK like any first device.
    void createAndEnroll()
    {
        const qint64 before = nowMs();
        auto r = call(u"bots.create"_s, {{u"name"_s, u"alerts.bot"_s},
                                         {u"description"_s, u"Monitoring alerts"_s},
                                         {u"scope"_s, QCborArray{u"room:ops"_s, u"user:alice"_s}},
                                         {u"rate"_s, 50},
                                         {u"burst"_s, 100}});
        QVERIFY2(r.ok, qPrintable(r.message));
        const QString code = r.result.value("code"_L1).toString();
        QVERIFY(!code.isEmpty());
        m_secrets << code;
        QCOMPARE(r.result.value("state"_L1).toString(), u"pending"_s);
        QCOMPARE(texts(r.result.value("scope"_L1).toArray()), (QStringList{u"user:alice"_s, u"room:ops"_s}));
        QCOMPARE(r.result.value("rate"_L1).toInteger(), 50);
        QCOMPARE(r.result.value("burst"_L1).toInteger(), 100);
        QCOMPARE(r.result.value("created_by"_L1).toString(), u"admin"_s);
        QCOMPARE(r.result.value("description"_L1).toString(), u"Monitoring alerts"_s);
        // Without an expiry a bot gets a year; the code expires with it at the latest.
        const qint64 expires = r.result.value("expires_at"_L1).toInteger();
        QVERIFY(expires >= before + 365LL * 24 * 3600 * 1000 && expires <= nowMs() + 365LL * 24 * 3600 * 1000);
        QVERIFY(r.result.value("code_expires_at"_L1).toInteger() <= expires);
        const QUrlQuery link(QUrl(r.result.value("link"_L1).toString()).query());
        QCOMPARE(link.queryItemValue(u"user"_s), u"alerts.bot"_s);
        QCOMPARE(link.queryItemValue(u"code"_s), code);
        QCOMPARE(link.queryItemValue(u"fp"_s), m_daemon->fingerprint());

        // A name is one bot's, or one user's.
        QCOMPARE(call(u"bots.create"_s, {{u"name"_s, u"alerts.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}}).error,
                 QString(proto::errors::Conflict));

        m_bot = std::make_unique<Device>(*m_daemon, u"alerts.bot"_s);
        QVERIFY(m_bot->enroll(code));
        const QCborMap listed = bot(u"alerts.bot"_s);
        QCOMPARE(listed.value("state"_L1).toString(), u"active"_s);
        QCOMPARE(listed.value("devices"_L1).toInteger(), 1);
        const auto users = call(u"user.list"_s).result.value("users"_L1).toArray();
        QStringList kinds;
        for (const QCborValue &u : users)
            kinds << u.toMap().value("name"_L1).toString() + u'=' + u.toMap().value("kind"_L1).toString();
        QVERIFY2(kinds.contains(u"alerts.bot=bot"_s) && kinds.contains(u"alice=person"_s), qPrintable(kinds.join(u' ')));
        QCOMPARE(call(u"bots.create"_s, {{u"name"_s, u"alice.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}}).ok, true);
        QCOMPARE(call(u"user.delete"_s, {{u"name"_s, u"alice.bot"_s}}).ok, true);   // a bot that never enrolled goes too
        QVERIFY(bot(u"alice.bot"_s).isEmpty());
    }

    // A message to a user in the scope is stored and delivered like any other: the recipient reads and verifies it,
    // and the server never holds its text.
    void scopedMessageIsDelivered()
    {
        const QString text = freshText(u"disk /var at 91% on db-1"_s);
        QString why;
        QVERIFY2(!sendOutcome(*m_bot, {u"alice"_s}, text, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_alice, text), WaitMs);
        const sdk::IncomingMessage *m = findText(*m_alice, text);
        QCOMPARE(m->from, u"alerts.bot"_s);
        QVERIFY(m->verified);
        QVERIFY(protocol::isBotName(m->from));
        QVERIFY(!m_daemon->everythingWritten().contains(text.toUtf8()));
        // Anyone may write to a bot: the scope bounds what the bot sends.
        const QString question = freshText(u"status of db-1?"_s);
        QVERIFY2(!sendOutcome(*m_bob, {u"alerts.bot"_s}, question, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_bot, question), WaitMs);
    }

    // A room in the scope takes the bot's messages; a room outside it refuses them, member or not.
    void roomScope()
    {
        sdk::Rooms aliceRooms(m_alice->client());
        for (const QString &room : {u"ops"_s, u"lobby"_s}) {
            QVERIFY(createRoom(aliceRooms, room));
            auto added = add(aliceRooms, room, u"alerts.bot"_s);
            QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
        }
        sdk::Rooms botRooms(m_bot->client());
        const QString text = freshText(u"backup of ops finished"_s);
        auto sent = sendRoom(botRooms, u"ops"_s, text);
        QVERIFY2(sent, qPrintable(sent ? QString() : sent.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_alice, text), WaitMs);
        QCOMPARE(findText(*m_alice, text)->room, u"ops"_s);

        const qsizetype mark = m_bot->frames.size();
        sent = sendRoom(botRooms, u"lobby"_s, freshText(u"not for the lobby"_s));
        QVERIFY(!sent);
        QVERIFY2(sent.error().message.startsWith(u"forbidden"_s) && sent.error().message.contains(u"scope"_s),
                 qPrintable(sent.error().message));
        QCOMPARE(errorFrames(*m_bot, u"forbidden"_s, mark), 1);
    }

    // A recipient outside the scope: the whole message is refused with `forbidden`, nothing is stored or delivered.
    void outsideScopeIsForbidden()
    {
        const qsizetype bobsBefore = m_bob->inbox.size();
        QString why;
        const QString text = freshText(u"for bob"_s);
        QCOMPARE(sendOutcome(*m_bot, {u"bob"_s}, text, &why), std::optional(sdk::SendError::Forbidden));
        QVERIFY2(why.contains(u"bob"_s) && why.contains(u"scope"_s), qPrintable(why));
        QCOMPARE(sendOutcome(*m_bot, {u"alice"_s, u"bob"_s}, freshText(u"for both"_s), &why),
                 std::optional(sdk::SendError::Forbidden));
        QTest::qWait(500);
        QCOMPARE(m_bob->inbox.size(), bobsBefore);
        QVERIFY(m_bot->online());   // a refused message leaves the session as it was

        // The administrator widens the scope: the live session's next message goes through.
        auto r = call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s},
                                         {u"scope"_s, QCborArray{u"user:alice"_s, u"user:bob"_s, u"room:ops"_s}}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(texts(r.result.value("scope"_L1).toArray()), (QStringList{u"user:alice"_s, u"user:bob"_s, u"room:ops"_s}));
        QVERIFY2(!sendOutcome(*m_bot, {u"bob"_s}, text, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_bob, text), WaitMs);
        QVERIFY(m_bot->online());
    }

    // The bot's own rate and burst, set per bot: past them the server answers `rate_limited` with a wait, which the
    // SDK honours, so every message still arrives, later.
    void rateLimit()
    {
        auto r = call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s}, {u"rate"_s, 1}, {u"burst"_s, 2}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QTest::qWait(2500);   // the bucket fills to its new burst
        const qsizetype mark = m_bot->frames.size();
        QSignalSpy accepted(&m_bot->client(), &sdk::Client::accepted);
        QSignalSpy failed(&m_bot->client(), &sdk::Client::sendFailed);
        QStringList sent;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 4; ++i) {
            sent << freshText(u"burst"_s);
            m_bot->client().send({u"alice"_s}, sent.last());
        }
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 4, WaitMs);
        QCOMPARE(failed.size(), 0);
        QVERIFY2(errorFrames(*m_bot, u"rate_limited"_s, mark) >= 1, "no rate_limited answer");
        for (qsizetype i = mark; i < m_bot->frames.size(); ++i) {
            const protocol::Frame &f = m_bot->frames.at(i);
            if (f.type == u"error"_s && f.text("code"_L1) == u"rate_limited"_s)
                QVERIFY(f.uint("retry"_L1) > 0);
        }
        QVERIFY2(timer.elapsed() >= 1500, qPrintable(QString::number(timer.elapsed())));   // 2 at once, then 1 a second
        for (const QString &text : std::as_const(sent))
            QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_alice, text), WaitMs);
        QVERIFY(call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s}, {u"rate"_s, 50}, {u"burst"_s, 100}}).ok);
    }

    // Past its expiry a bot's live session is closed and its logins are refused with `suspended`, saying why; a later
    // expiry lets it in again.
    void expiry()
    {
        QSignalSpy dropped(&m_bot->client(), &sdk::Client::disconnected);
        const qint64 expiresAt = nowMs() + 8000;
        auto r = call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s}, {u"expires_at"_s, expiresAt}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("expires_at"_L1).toInteger(), expiresAt);
        // An earlier expiry drops the session at once; the bot logs in again under the new one.
        QTRY_VERIFY_WITH_TIMEOUT(!dropped.isEmpty(), WaitMs);   // (it may come while the call waits)
        m_bot->errors.clear();
        QVERIFY(m_bot->connectNow());
        QVERIFY(nowMs() < expiresAt);
        QSignalSpy closed(&m_bot->client(), &sdk::Client::disconnected);
        QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), WaitMs);
        QVERIFY2(nowMs() >= expiresAt - 100, "closed before the expiry");
        QVERIFY(m_bot->connectRefused(u"suspended"_s));
        QVERIFY2(errorMessage(*m_bot, u"suspended"_s).contains(u"expired"_s), qPrintable(errorMessage(*m_bot, u"suspended"_s)));
        QCOMPARE(bot(u"alerts.bot"_s).value("state"_L1).toString(), u"expired"_s);
        // Messages to it wait, as for any device that is away.
        const QString waiting = freshText(u"while you were expired"_s);
        QString why;
        QVERIFY2(!sendOutcome(*m_alice, {u"alerts.bot"_s}, waiting, &why), qPrintable(why));

        r = call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s}, {u"expires_at"_s, nowMs() + 30LL * 24 * 3600 * 1000}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("state"_L1).toString(), u"active"_s);
        m_bot->errors.clear();
        QVERIFY(m_bot->connectNow());
        QTRY_VERIFY_WITH_TIMEOUT(hasText(*m_bot, waiting), WaitMs);
    }

    // Revocation is at once and final: the live session closes, the bot's devices are revoked (logins answer
    // `auth_failed`), and the bot can be neither changed nor revoked again; user.delete frees its name.
    void revoke()
    {
        QSignalSpy dropped(&m_bot->client(), &sdk::Client::disconnected);
        auto r = call(u"bots.revoke"_s, {{u"name"_s, u"alerts.bot"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("state"_L1).toString(), u"revoked"_s);
        QCOMPARE(r.result.value("devices"_L1).toInteger(), 0);
        QVERIFY(r.result.value("revoked_at"_L1).toInteger() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!dropped.isEmpty(), WaitMs);   // (it may come while the call waits)
        QVERIFY(m_bot->connectRefused(u"auth_failed"_s));
        QCOMPARE(call(u"bots.revoke"_s, {{u"name"_s, u"alerts.bot"_s}}).error, QString(proto::errors::Conflict));
        QCOMPARE(call(u"bots.update"_s, {{u"name"_s, u"alerts.bot"_s}, {u"rate"_s, 5}}).error, QString(proto::errors::Conflict));
        QCOMPARE(call(u"bots.create"_s, {{u"name"_s, u"alerts.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}}).error,
                 QString(proto::errors::Conflict));
        QCOMPARE(call(u"bots.revoke"_s, {{u"name"_s, u"nosuch.bot"_s}}).error, QString(proto::errors::NotFound));
        QVERIFY(call(u"user.delete"_s, {{u"name"_s, u"alerts.bot"_s}}).ok);
        QVERIFY(bot(u"alerts.bot"_s).isEmpty());
        r = call(u"bots.create"_s, {{u"name"_s, u"alerts.bot"_s}, {u"scope"_s, QCborArray{u"any"_s}}});
        QVERIFY2(r.ok, qPrintable(r.message));
        m_secrets << r.result.value("code"_L1).toString();
        m_bot.reset();
    }

    // Names ending in .bot are bots' alone, so that a client can tell a bot by its name: no user, import or host
    // enrollment code makes a person of one.
    void botNamesAreReserved()
    {
        QCOMPARE(call(u"user.create"_s, {{u"name"_s, u"people.bot"_s}}).error, QString(proto::errors::InvalidArgument));
        auto r = call(u"user.import"_s, {{u"csv"_s, u"name\nrow.bot\nrow-person\n"_s}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.result.value("failed"_L1).toInteger(), 1);
        QCOMPARE(r.result.value("rows"_L1).toArray().at(0).toMap().value("outcome"_L1).toString(), u"invalid_argument"_s);
        QVERIFY(m_daemon->run({u"enroll"_s, u"people.bot"_s}).isEmpty());
        // A bot that exists gets a further code from the host (a replacement device).
        QCOMPARE(m_daemon->run({u"enroll"_s, u"alerts.bot"_s}).size(), 1);
        QVERIFY(call(u"user.delete"_s, {{u"name"_s, u"row-person"_s}}).ok);
    }

    void parleyctlRoundTrip()
    {
        QByteArray out;
        QByteArray err;
        QCOMPARE(ctl({u"--json"_s, u"bot"_s, u"create"_s, u"ctl.bot"_s, u"--scope"_s, u"user:alice"_s, u"--scope"_s,
                      u"room:ops"_s, u"--rate"_s, u"3"_s, u"--burst"_s, u"5"_s, u"--expires"_s, u"30d"_s,
                      u"--description"_s, u"Deploy notices"_s, u"--valid-hours"_s, u"2"_s},
                     &out, &err),
                 0);
        QJsonObject created = QJsonDocument::fromJson(out).object();
        QCOMPARE(created.value("name"_L1).toString(), u"ctl.bot"_s);
        QCOMPARE(created.value("scope"_L1).toArray().toVariantList(), (QVariantList{u"user:alice"_s, u"room:ops"_s}));
        QCOMPARE(created.value("rate"_L1).toInt(), 3);
        QCOMPARE(created.value("burst"_L1).toInt(), 5);
        QCOMPARE(created.value("state"_L1).toString(), u"pending"_s);
        QCOMPARE(created.value("description"_L1).toString(), u"Deploy notices"_s);
        const qint64 thirtyDays = 30LL * 24 * 3600 * 1000;
        QVERIFY(std::abs(qint64(created.value("expires_at"_L1).toDouble()) - (nowMs() + thirtyDays)) < 120000);
        QVERIFY(qint64(created.value("code_expires_at"_L1).toDouble()) <= nowMs() + 2 * 3600 * 1000);
        m_secrets << created.value("code"_L1).toString();
        QVERIFY(!created.value("code"_L1).toString().isEmpty());

        QCOMPARE(ctl({u"bot"_s, u"list"_s, u"ctl"_s}, &out), 0);
        QVERIFY2(out.contains("ctl.bot") && out.contains("pending") && out.contains("user:alice"), out.constData());
        QCOMPARE(ctl({u"--json"_s, u"bot"_s, u"update"_s, u"ctl.bot"_s, u"--scope"_s, u"any"_s, u"--rate"_s, u"4"_s}, &out), 0);
        QJsonObject updated = QJsonDocument::fromJson(out).object();
        QCOMPARE(updated.value("scope"_L1).toArray().toVariantList(), QVariantList{u"any"_s});
        QCOMPARE(updated.value("rate"_L1).toInt(), 4);
        QCOMPARE(updated.value("burst"_L1).toInt(), 5);

        QCOMPARE(ctl({u"bot"_s, u"update"_s, u"ctl.bot"_s}), 2);                                   // nothing to change
        QCOMPARE(ctl({u"bot"_s, u"create"_s, u"nobot"_s, u"--scope"_s, u"any"_s}), 2);             // not a bot's name
        QCOMPARE(ctl({u"bot"_s, u"create"_s, u"x2.bot"_s}), 2);                                    // no scope
        QCOMPARE(ctl({u"bot"_s, u"create"_s, u"x2.bot"_s, u"--scope"_s, u"everyone"_s}), 2);
        QCOMPARE(ctl({u"bot"_s, u"update"_s, u"ctl.bot"_s, u"--expires"_s, u"yesterday"_s}), 2);
        QCOMPARE(ctl({u"bot"_s, u"update"_s, u"nosuch.bot"_s, u"--rate"_s, u"2"_s}), 4);
        QCOMPARE(ctl({u"bot"_s, u"revoke"_s, u"ctl.bot"_s}, &out), 0);
        QVERIFY2(out.contains("revoked"), out.constData());
        QCOMPARE(ctl({u"bot"_s, u"revoke"_s, u"ctl.bot"_s}), 5);
    }

    void auditLog()
    {
        for (const QString &expected : {u"bots.create alerts.bot ok"_s, u"bots.create alerts.bot conflict"_s,
                                        u"bots.update alerts.bot ok"_s, u"bots.revoke alerts.bot ok"_s,
                                        u"bots.revoke alerts.bot conflict"_s, u"bots.update alerts.bot conflict"_s,
                                        u"bots.revoke nosuch.bot not_found"_s, u"bots.create ctl.bot ok"_s,
                                        u"bots.update ctl.bot ok"_s, u"bots.revoke ctl.bot ok"_s,
                                        u"bots.revoke ctl.bot conflict"_s, u"bots.list  ok"_s}) {
            QTRY_VERIFY2_WITH_TIMEOUT(auditedBotCalls().contains(u"admin "_s + expected),
                                      qPrintable(expected + u" not in:\n"_s + auditedBotCalls().join(u'\n')), WaitMs);
        }
        const QString csv = call(u"audit.export"_s).result.value("csv"_L1).toString();
        for (const QString &secret : std::as_const(m_secrets))
            QVERIFY(secret.isEmpty() || !csv.contains(secret));
    }

    void logsHoldNoSecrets()
    {
        m_alice.reset();
        m_bob.reset();
        checkLogsHoldNoSecrets();
    }
};

QTEST_MAIN(TestAdminBots)
#include "tst_adminbots.moc"
