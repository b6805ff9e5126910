#pragma once

// What the durability tests share (tst_crashconsistency, tst_storagefaults): devices of the real SDK that connect
// without waiting, and a ledger of every message sent with its outcome, every copy received before and after the
// client's dedupe, and every one-time prekey handed out, with the checks made over it at the end.

#include "harness.h"

#include "protocol/messages.h"
#include "sdk/rooms.h"

#include <QHash>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

namespace parley::assurance {

using namespace Qt::StringLiterals;
using e2e::Daemon;

struct SentMessage {
    enum class Outcome { Pending, Accepted, Failed };
    QString from;              // the sending peer's label
    QString user;              // its user and device number, as the recipients must see them
    quint32 device = 0;
    QString text;
    QStringList recipients;    // labels of every device that must show it (recipients' devices, the sender's others)
    Outcome outcome = Outcome::Pending;
    QString failure;           // the error name when refused
    QString failureText;       // and the server's sentence
};

// Everything the devices saw. Labels are "user#device".
class Ledger {
public:
    QHash<QByteArray, SentMessage> sent;                  // by mid
    QHash<QString, QHash<QByteArray, int>> shown;         // label -> mid -> times shown (after the client's dedupe)
    QHash<QString, QHash<QByteArray, int>> delivered;     // label -> mid -> `msg` frames (before it)
    QHash<QString, int> oneTimePrekeys;                   // "user#device/kid" -> times handed out
    int lastResortHandouts = 0;
    QStringList problems;                                 // verification failures, mismatched copies
    QMap<QString, int> failures;                          // error name -> count, for messages refused

    void recordShown(const QString &label, const sdk::IncomingMessage &m)
    {
        ++shown[label][m.mid];
        const auto it = sent.constFind(m.mid);
        if (it != sent.constEnd() && (it->user != m.from || it->device != m.device || it->text != m.text))
            problems.append(u"%1 was shown %2 from %3#%4 as \"%5\"; it was sent by %6 as \"%7\""_s.arg(
                label, QString::fromLatin1(m.mid.toHex()), m.from).arg(m.device).arg(m.text, it->from, it->text));
    }

    void recordFrame(const QString &label, const protocol::Frame &f)
    {
        if (f.type == protocol::Msg::Type) {
            ++delivered[label][f.bytes("mid"_L1)];
        } else if (f.type == protocol::Bundle::Type) {
            const protocol::Bundle bundle = protocol::Bundle::from(f);
            for (const protocol::BundleDevice &d : bundle.devices) {
                if (d.lr)
                    ++lastResortHandouts;
                else
                    ++oneTimePrekeys[u"%1#%2/%3"_s.arg(bundle.user).arg(d.device).arg(d.pk.kid)];
            }
        }
    }

    int count(SentMessage::Outcome outcome) const
    {
        return int(std::count_if(sent.cbegin(), sent.cend(), [outcome](const SentMessage &m) { return m.outcome == outcome; }));
    }

    // Accepted messages some recipient device has not shown yet.
    QStringList missing() const
    {
        QStringList out;
        for (auto it = sent.cbegin(); it != sent.cend(); ++it) {
            if (it->outcome != SentMessage::Outcome::Accepted)
                continue;
            for (const QString &r : it->recipients) {
                if (shown.value(r).value(it.key()) == 0)
                    out.append(u"\"%1\" (%2) never shown on %3 (delivered %4 times)"_s.arg(it->text, QString::fromLatin1(it.key().toHex()), r)
                                   .arg(delivered.value(r).value(it.key())));
            }
        }
        return out;
    }

    // Copies shown more than once after the dedupe, or shown on a device that is not a recipient of the message.
    QStringList duplicatesShown() const
    {
        QStringList out;
        for (auto d = shown.cbegin(); d != shown.cend(); ++d) {
            for (auto m = d->cbegin(); m != d->cend(); ++m) {
                const auto s = sent.constFind(m.key());
                if (m.value() > 1)
                    out.append(u"%1 shown %2 times on %3"_s.arg(QString::fromLatin1(m.key().toHex())).arg(m.value()).arg(d.key()));
                if (s != sent.constEnd() && !s->recipients.contains(d.key()))
                    out.append(u"\"%1\" shown on %2, which is not a recipient"_s.arg(s->text, d.key()));
            }
        }
        return out;
    }

    // Messages a device received (shown or only delivered) that no device ever sent.
    QStringList invented() const
    {
        QStringList out;
        for (const auto *byDevice : {&shown, &delivered}) {
            for (auto d = byDevice->cbegin(); d != byDevice->cend(); ++d) {
                for (auto m = d->cbegin(); m != d->cend(); ++m) {
                    if (!sent.contains(m.key()))
                        out.append(u"%1 received %2, which was never sent"_s.arg(d.key(), QString::fromLatin1(m.key().toHex())));
                }
            }
        }
        return out;
    }

    // Messages some device was shown although the server (or the client before sending) refused them.
    QStringList shownThoughRefused() const
    {
        QStringList out;
        for (auto d = shown.cbegin(); d != shown.cend(); ++d) {
            for (auto m = d->cbegin(); m != d->cend(); ++m) {
                const auto s = sent.constFind(m.key());
                if (s != sent.constEnd() && s->outcome == SentMessage::Outcome::Failed)
                    out.append(u"\"%1\" shown on %2 although refused with %3"_s.arg(s->text, d.key(), s->failure));
            }
        }
        return out;
    }

    // `msg` frames beyond the first per device and message: redeliveries the client's dedupe absorbed.
    int redeliveries() const
    {
        int n = 0;
        for (const auto &byMid : delivered) {
            for (const int times : byMid)
                n += std::max(0, times - 1);
        }
        return n;
    }

    QStringList reusedPrekeys() const
    {
        QStringList out;
        for (auto it = oneTimePrekeys.cbegin(); it != oneTimePrekeys.cend(); ++it) {
            if (it.value() > 1)
                out.append(u"one-time prekey %1 handed out %2 times"_s.arg(it.key()).arg(it.value()));
        }
        return out;
    }

    QString summary() const
    {
        QStringList refusals;
        for (auto it = failures.cbegin(); it != failures.cend(); ++it)
            refusals.append(u"%1 %2"_s.arg(it.key()).arg(it.value()));
        int shownCount = 0;
        for (const auto &byMid : shown) {
            for (const int times : byMid)
                shownCount += times;
        }
        return u"sent %1: accepted %2, refused %3 (%4), outcome unknown %5; shown %6, redelivered before dedupe %7; "
               u"one-time prekeys handed out %8, last-resort keys %9"_s
            .arg(sent.size())
            .arg(count(SentMessage::Outcome::Accepted))
            .arg(count(SentMessage::Outcome::Failed))
            .arg(refusals.join(u", "_s))
            .arg(count(SentMessage::Outcome::Pending))
            .arg(shownCount)
            .arg(redeliveries())
            .arg(oneTimePrekeys.size())
            .arg(lastResortHandouts);
    }
};

// One device: a profile and a client of the real SDK. connect() does not wait; every message sent, every outcome,
// every copy received and every bundle goes to the ledger.
class Peer : public QObject {
public:
    Peer(Daemon &daemon, Ledger &ledger, QString user) : m_daemon(daemon), m_ledger(ledger), m_user(std::move(user)) {}
    ~Peer() override { drop(); }

    const QString &user() const { return m_user; }
    quint32 device() const { return m_device; }
    QString label() const { return u"%1#%2"_s.arg(m_user).arg(m_device); }
    sdk::Client *client() const { return m_client.get(); }
    bool online() const { return m_client && m_client->state() == sdk::Client::State::LoggedIn; }
    // Logged in with the prekey pool topped up.
    bool ready() const { return online() && m_ready; }
    bool disconnected() const { return !m_client || m_client->state() == sdk::Client::State::Disconnected; }
    int outstanding() const { return m_outstanding; }
    int syncedSinceConnect() const { return m_synced; }
    QString lastError() const { return m_lastError; }
    // The server the device connects to from the next connect() on (another node, a load balancer in front).
    bool setServer(const QUrl &url)
    {
        sdk::ProfileSettings settings = m_profile->settings();
        settings.server = url;
        return bool(m_profile->setSettings(settings));
    }
    sdk::Profile &profile() { return *m_profile; }

    // Creates the profile and enrolls the device with a fresh code; waits until it is logged in with prekeys.
    bool enroll()
    {
        if (!m_dir.isValid())
            return false;
        const QString code = m_daemon.enroll(m_user);
        if (code.isEmpty())
            return false;
        auto created = sdk::Profile::create(m_dir.path(), e2e::TestPassphrase, e2e::FastKdf);
        if (!created)
            return false;
        m_profile = std::move(created.value());
        sdk::ProfileSettings settings = m_profile->settings();
        settings.server = m_daemon.url();
        settings.fingerprint = m_daemon.fingerprint();
        settings.deviceName = u"durability"_s;
        if (!m_profile->setSettings(settings))
            return false;
        makeClient();
        m_client->enroll(m_user, code, u"durability"_s, e2e::TestPassphrase, e2e::FastKdf);
        if (!waitReady())
            return false;
        m_device = m_profile->settings().device;
        return m_device != 0;
    }

    // A new client for the enrolled profile, connecting now; returns at once.
    void connect()
    {
        drop();
        makeClient();
        m_client->connectToServer();
    }

    bool waitReady(int timeoutMs = e2e::WaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (!ready() && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        return ready();
    }

    // Closes the connection cleanly (pending acks go first) and waits for it to end.
    void disconnectNow()
    {
        if (!m_client || m_client->state() == sdk::Client::State::Disconnected)
            return;
        m_client->disconnectFromServer();
        QElapsedTimer timer;
        timer.start();
        while (!disconnected() && timer.elapsed() < 5000)
            QTest::qWait(5);
    }

    // Drops the client (the profile stays). A message still waiting for its outcome keeps an unknown one.
    void drop()
    {
        if (!m_client)
            return;
        m_client->disconnect(this);
        m_client.reset();
        m_outstanding = 0;
        m_ready = false;
    }

    // Sends `text` to `to` (users); the room's members when `room` is set. Returns the message id.
    QByteArray send(const QStringList &to, const QStringList &recipients, const QString &text, const QString &room = {})
    {
        protocol::MessageOptions options;
        if (!room.isEmpty())
            options.room = room;
        ++m_outstanding;
        const QByteArray mid = m_client->send(to, text, options, m_client.get(), [this](const sdk::SendResult &r) {
            --m_outstanding;
            if (const auto *ok = std::get_if<sdk::SendAccepted>(&r)) {
                m_ledger.sent[ok->mid].outcome = SentMessage::Outcome::Accepted;
                return;
            }
            const auto &failure = std::get<sdk::SendFailure>(r);
            SentMessage &m = m_ledger.sent[failure.mid];
            m.failure = sdk::sendErrorName(failure.error);
            m.failureText = failure.message;
            // A message whose connection closed before the answer may or may not be stored: its outcome stays open.
            if (failure.error != sdk::SendError::Disconnected) {
                m.outcome = SentMessage::Outcome::Failed;
                ++m_ledger.failures[m.failure];
            }
        });
        SentMessage &m = m_ledger.sent[mid];
        m.from = label();
        m.user = m_user;
        m.device = m_device;
        m.text = text;
        m.recipients = recipients;
        return mid;
    }

    // A bare prekey fetch for every device of `user` (its reply only goes to the ledger).
    void fetchPrekeys(const QString &user)
    {
        if (online())
            m_client->sendFrame(protocol::Frame(u"fetch"_s).set("user"_L1, user));
    }

private:
    void makeClient()
    {
        m_ready = false;
        m_synced = 0;
        m_client = std::make_unique<sdk::Client>(*m_profile);
        QObject::connect(m_client.get(), &sdk::Client::prekeysReady, this, [this] { m_ready = true; });
        QObject::connect(m_client.get(), &sdk::Client::synced, this, [this] { ++m_synced; });
        QObject::connect(m_client.get(), &sdk::Client::messageReceived, this,
                         [this](const sdk::IncomingMessage &m) { m_ledger.recordShown(label(), m); });
        QObject::connect(m_client.get(), &sdk::Client::frameReceived, this,
                         [this](const protocol::Frame &f) { m_ledger.recordFrame(label(), f); });
        QObject::connect(m_client.get(), &sdk::Client::verificationFailed, this,
                         [this](const QString &from, quint32 dev, const QString &why) {
                             m_ledger.problems.append(u"%1: message from %2#%3 failed verification: %4"_s.arg(label(), from)
                                                          .arg(dev).arg(why));
                         });
        QObject::connect(m_client.get(), &sdk::Client::errorOccurred, this,
                         [this](const QString &code, const QString &message) { m_lastError = code + u": "_s + message; });
    }

    Daemon &m_daemon;
    Ledger &m_ledger;
    QString m_user;
    QTemporaryDir m_dir;
    std::unique_ptr<sdk::Profile> m_profile;
    std::unique_ptr<sdk::Client> m_client;
    quint32 m_device = 0;
    bool m_ready = false;
    int m_synced = 0;
    int m_outstanding = 0;
    QString m_lastError;
};

// Every device of the test, and who receives what.
class Fleet {
public:
    std::vector<std::unique_ptr<Peer>> peers;

    Peer &add(Daemon &daemon, Ledger &ledger, const QString &user)
    {
        peers.push_back(std::make_unique<Peer>(daemon, ledger, user));
        return *peers.back();
    }

    // The devices that must show a message from `sender` to `users`: every device of those users and the sender's
    // other devices.
    QStringList recipients(const Peer &sender, const QStringList &users) const
    {
        QStringList out;
        for (const auto &p : peers) {
            if (p.get() != &sender && (users.contains(p->user()) || p->user() == sender.user()))
                out.append(p->label());
        }
        return out;
    }

    void connectAll()
    {
        for (const auto &p : peers)
            p->connect();
    }

    bool waitAllReady(int timeoutMs = e2e::WaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        for (const auto &p : peers) {
            if (!p->waitReady(int(std::max<qint64>(1, timeoutMs - timer.elapsed()))))
                return false;
        }
        return true;
    }

    // Waits until every client has noticed that its connection is gone.
    bool waitAllDisconnected(int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        auto all = [this] {
            return std::all_of(peers.cbegin(), peers.cend(), [](const auto &p) { return p->disconnected(); });
        };
        while (!all() && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        return all();
    }
};

// Makes `room` from `creator`'s device and adds `members`, one step after the other; false when a step fails or
// takes longer than e2e::WaitMs.
inline bool makeRoom(sdk::Client &creator, const QString &room, const QString &title, const QStringList &members)
{
    sdk::Rooms rooms(creator);
    const auto done = [](const std::function<void(QObject *, sdk::Rooms::Callback<protocol::RoomState>)> &start) {
        std::optional<Result<protocol::RoomState>> out;
        QObject context;
        start(&context, [&out](Result<protocol::RoomState> r) { out.emplace(std::move(r)); });
        QElapsedTimer timer;
        timer.start();
        while (!out && timer.elapsed() < e2e::WaitMs)
            QTest::qWait(5);
        return out && *out;
    };
    if (!done([&](QObject *c, auto cb) { rooms.create(room, title, QString(), {}, {}, c, cb); }))
        return false;
    for (const QString &member : members) {
        if (!done([&](QObject *c, auto cb) { rooms.change(room, protocol::RoomOp::Add, member, c, cb); }))
            return false;
    }
    return true;
}

// The database checked the way `sqlite3 -readonly FILE 'PRAGMA integrity_check'` would, plus the counters the
// schema's triggers keep (devices.queued, messages.refs) and the foreign keys. "ok", or what is wrong.
inline QString checkDatabase(const QString &path)
{
    const QString name = u"durability-check"_s;
    QStringList wrong;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            wrong.append(u"cannot open %1: %2"_s.arg(path, db.lastError().text()));
        } else {
            auto rows = [&db, &wrong](const QString &statement) {
                QStringList out;
                QSqlQuery q(db);
                if (!q.exec(statement)) {
                    wrong.append(statement + u": "_s + q.lastError().text());
                    return out;
                }
                while (q.next()) {
                    QStringList columns;
                    for (int i = 0; i < q.record().count(); ++i)
                        columns.append(q.value(i).toString());
                    out.append(columns.join(u'|'));
                }
                return out;
            };
            const QStringList integrity = rows(u"PRAGMA integrity_check"_s);
            if (integrity != QStringList{u"ok"_s})
                wrong.append(u"integrity_check: "_s + integrity.join(u"; "_s));
            const QStringList keys = rows(u"PRAGMA foreign_key_check"_s);
            if (!keys.isEmpty())
                wrong.append(u"foreign_key_check: "_s + keys.join(u"; "_s));
            const QStringList queued = rows(u"SELECT id, queued FROM devices d WHERE queued <> "
                                            u"(SELECT COUNT(*) FROM queue q WHERE q.device_id = d.id)"_s);
            if (!queued.isEmpty())
                wrong.append(u"devices.queued differs from the queue: "_s + queued.join(u"; "_s));
            const QStringList refs = rows(u"SELECT id, refs FROM messages m WHERE refs <> "
                                          u"(SELECT COUNT(*) FROM queue q WHERE q.message_id = m.id)"_s);
            if (!refs.isEmpty())
                wrong.append(u"messages.refs differs from the queue: "_s + refs.join(u"; "_s));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return wrong.isEmpty() ? u"ok"_s : wrong.join(u"\n"_s);
}

} // namespace parley::assurance
