#include "soakworker.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/roomchain.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QWebSocket>
#include <QtEndian>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <unordered_map>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::bench::soak {

namespace {

constexpr int MaxConnecting = 32;          // TLS handshakes in progress per worker
constexpr int MaxSetupAttempts = 5;        // connections of one device that may close before its first login
constexpr int MaxReportedErrors = 20;      // error lines on stderr per worker
constexpr int PacerTickMs = 2;
constexpr quint64 FirstRequestId = 100;

qint64 nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0)
            _exit(3);
        data += n;
        size -= size_t(n);
    }
}

// 16 bytes: the sender's device index and this worker's message number (big-endian), then 8 random bytes.
QByteArray messageId(int sender, quint32 number)
{
    QByteArray mid(16, Qt::Uninitialized);
    qToBigEndian(quint32(sender), mid.data());
    qToBigEndian(number, mid.data() + 4);
    const QByteArray random = crypto::randomBytes(8);
    std::memcpy(mid.data() + 8, random.constData(), 8);
    return mid;
}

} // namespace

enum class State { Offline, Connecting, Online, Leaving, Closing };

struct PendingSend {
    quint32 number = 0;
    QByteArray frame;
};

struct Conn {
    int local = 0;                       // index within this worker
    const Identity *id = nullptr;
    QWebSocket *socket = nullptr;
    State state = State::Offline;
    QByteArray challenge;
    QByteArray resume;                   // the resumption credential of the last challenge login
    bool loginResumed = false;           // the login in progress uses the credential
    bool reconnecting = false;           // the next welcome ends a reconnect
    bool abortOnLeave = false;           // leave without the WebSocket close handshake
    int setupAttempts = 0;               // connections opened before the first login
    QHash<quint64, PendingSend> pending; // request id -> send not yet answered
    QList<quint64> acks;
    bool ackScheduled = false;
};

// A message on its way: which recipient devices still lack it (bits relative to `base`, a local index).
struct Record {
    qint64 dueNs = 0;
    quint64 missing = 0;
    int base = 0;
    bool accepted = false;
};

struct Worker::Private {
    Worker *q;
    WorkerOptions o;
    std::vector<std::unique_ptr<Conn>> conns;
    std::deque<Conn *> toConnect;
    int connecting = 0;
    int online = 0;
    bool ready = false;
    bool running = false;
    bool draining = false;
    bool closing = false;

    // Traffic.
    std::vector<protocol::SendRequest> pairTemplates;   // by sender's local index: to its partner (local ^ 1)
    std::vector<protocol::SendRequest> roomTemplates;   // by room: key entries for every member
    int rooms = 0;
    std::unordered_map<quint32, Record> records;        // by message number
    quint32 nextNumber = 0;
    quint64 nextRequest = FirstRequestId;               // request ids, unique within the worker
    qint64 startNs = 0;
    qint64 pairSent = 0, roomSent = 0;                  // paced streams: messages sent so far
    int pairCursor = 0, roomCursor = 0;
    std::vector<int> roomMemberCursor;
    QTimer pacer;
    QTimer reconnector;
    qint64 reconnectCount = 0;

    // Room set-up.
    int roomsReady = 0;
    std::vector<QByteArray> roomHeads;                  // sha512 of each room's last record
    std::vector<quint64> roomNextSeq;
    QHash<quint64, int> roomRequests;                   // request id (on the creator's connection) -> room

    IntervalCounts interval;
    IntervalCounts total;
    std::vector<quint32> latencies;                     // µs, this interval
    int reportedErrors = 0;
    int setupRetries = 0;                               // connections opened again during set-up

    std::unique_ptr<QSocketNotifier> control;
    QTimer setupDeadline;
    QTimer closeWait;
    int closeTicks = 0;

    explicit Private(Worker *w, WorkerOptions options) : q(w), o(std::move(options)) {}

    void error(const QString &what)
    {
        ++interval.errors;
        ++total.errors;
        if (++reportedErrors <= MaxReportedErrors)
            std::fprintf(stderr, "soak worker %d: %s\n", o.first, qPrintable(what));
    }
    [[noreturn]] void setupFailed(const QString &what)
    {
        std::fprintf(stderr, "soak worker %d: set-up failed: %s\n", o.first, qPrintable(what));
        _exit(2);
    }

    int roomOf(int local) const { return o.roomSize > 0 && local / o.roomSize < rooms ? local / o.roomSize : -1; }
    QString roomName(int room) const { return u"r%1"_s.arg(o.first + room * o.roomSize, 6, 10, QLatin1Char('0')); }

    Status buildTemplates();
    void connectMore();
    void openConnection(Conn *c);
    void onFrame(Conn *c, const QByteArray &data);
    void onHello(Conn *c, const protocol::Hello &hello);
    void onWelcome(Conn *c, const protocol::Welcome &welcome);
    void onMsg(Conn *c, const protocol::Msg &msg);
    void onAccepted(Conn *c, quint64 requestId);
    void onError(Conn *c, quint64 requestId, const protocol::ErrorReply &e);
    void onDisconnected(Conn *c, QWebSocket *socket);
    void sendLogin(Conn *c, bool resumed);
    void scheduleAck(Conn *c, quint64 seq);
    void flushAcks(Conn *c);

    void createRooms();
    void reportReady();
    void sendRoomRecord(int room, quint64 seq);
    void onRoomOk(Conn *c, quint64 requestId);

    void pace();
    void sendMessage(Conn *sender, int room, qint64 dueNs);
    void reconnectOne();
    void leaveIfQuiet(Conn *c);
    void complete(std::unordered_map<quint32, Record>::iterator it);

    void onControl();
    void reportSample();
    void reportFinal();
    void closeAll();
};

Worker::Worker(WorkerOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, std::move(options)))
{
}

Worker::~Worker() = default;

void Worker::start()
{
    d->control = std::make_unique<QSocketNotifier>(d->o.controlIn, QSocketNotifier::Read);
    connect(d->control.get(), &QSocketNotifier::activated, this, [this] { d->onControl(); });
    d->setupDeadline.setSingleShot(true);
    connect(&d->setupDeadline, &QTimer::timeout, this, [this] {
        d->setupFailed(u"not done within %1 s (%2 of %3 devices logged in, %4 of %5 rooms made)"_s
                           .arg(d->o.setupTimeoutSeconds)
                           .arg(d->online)
                           .arg(d->conns.size())
                           .arg(d->roomsReady)
                           .arg(d->rooms));
    });
    d->setupDeadline.start(d->o.setupTimeoutSeconds * 1000);

    for (int i = 0; i < d->o.count; ++i) {
        auto c = std::make_unique<Conn>();
        c->local = i;
        c->id = &d->o.identities.at(d->o.first + i);
        d->conns.push_back(std::move(c));
    }
    d->rooms = d->o.roomSize >= 2 ? d->o.count / d->o.roomSize : 0;
    d->roomMemberCursor.assign(size_t(d->rooms), 0);
    if (Status s = d->buildTemplates(); !s)
        d->setupFailed(s.error().message);
    d->pacer.setTimerType(Qt::PreciseTimer);
    d->pacer.setInterval(PacerTickMs);
    connect(&d->pacer, &QTimer::timeout, this, [this] { d->pace(); });
    if (d->o.reconnectRate > 0) {
        d->reconnector.setTimerType(Qt::PreciseTimer);
        d->reconnector.setInterval(std::max(1, int(1000.0 / d->o.reconnectRate)));
        connect(&d->reconnector, &QTimer::timeout, this, [this] { d->reconnectOne(); });
    }
    for (auto &c : d->conns)
        d->toConnect.push_back(c.get());
    d->connectMore();
}

// One envelope per direction of every pair and one per room, built with the SDK before any connection (real keys,
// real wrapping). Each send reuses its template with a fresh message id and time: the server neither opens
// payloads nor checks the signature over the message core (recipients do, docs/protocol.md "Who checks what"), so
// what it stores and relays has the shape and size of real traffic; the receivers here count and ack, they do
// not open.
Status Worker::Private::buildTemplates()
{
    const QString text = benchText();
    const quint64 at = quint64(QDateTime::currentMSecsSinceEpoch());
    pairTemplates.resize(size_t(o.count));
    for (int i = 0; i < o.count; ++i) {
        const Identity &from = *conns[size_t(i)]->id;
        const Identity &to = *conns[size_t(i ^ 1)]->id;
        auto envelope = sdk::Envelope::build(senderIdentity(from), {to.user}, {recipientDevice(to)}, text, at);
        if (!envelope)
            return envelope.error();
        pairTemplates[size_t(i)] = envelope->toRequest();
    }
    roomTemplates.resize(size_t(rooms));
    for (int r = 0; r < rooms; ++r) {
        QStringList members;
        QList<sdk::RecipientDevice> devices;
        for (int m = 0; m < o.roomSize; ++m) {
            const Identity &member = *conns[size_t(r * o.roomSize + m)]->id;
            members.append(member.user);
            devices.append(recipientDevice(member));
        }
        protocol::MessageOptions options;
        options.room = roomName(r);
        auto envelope = sdk::Envelope::build(senderIdentity(*conns[size_t(r * o.roomSize)]->id), members, devices,
                                             text, at, options);
        if (!envelope)
            return envelope.error();
        roomTemplates[size_t(r)] = envelope->toRequest();
    }
    return {};
}

void Worker::Private::connectMore()
{
    while (connecting < MaxConnecting && !toConnect.empty()) {
        Conn *c = toConnect.front();
        toConnect.pop_front();
        openConnection(c);
    }
}

void Worker::Private::openConnection(Conn *c)
{
    ++connecting;
    if (!ready)
        ++c->setupAttempts;
    c->state = State::Connecting;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    c->socket = socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);   // the run's own throw-away certificate
    socket->setSslConfiguration(tls);
    QObject::connect(socket, &QWebSocket::connected, q, [socket] {
        // Qt's WebSocket client keeps its TLS socket as a child and offers no option for Nagle: off on its
        // descriptor, so acks and sends are not held back (the server does the same on its side).
        if (const auto *tcp = socket->findChild<QSslSocket *>(); tcp && tcp->socketDescriptor() >= 0) {
            const int one = 1;
            ::setsockopt(int(tcp->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
    });
    QObject::connect(socket, &QWebSocket::binaryMessageReceived, q, [this, c, socket](const QByteArray &data) {
        if (c->socket == socket)
            onFrame(c, data);
    });
    QObject::connect(socket, &QWebSocket::disconnected, q, [this, c, socket] { onDisconnected(c, socket); });
    socket->open(QNetworkRequest(o.url));
}

void Worker::Private::onDisconnected(Conn *c, QWebSocket *socket)
{
    if (c->socket != socket)
        return;
    c->socket = nullptr;
    socket->deleteLater();
    const State was = c->state;
    c->state = State::Offline;
    c->acks.clear();
    if (was == State::Online || was == State::Leaving)
        --online;
    if (was == State::Connecting)
        --connecting;
    if (closing)
        return;
    if (was == State::Leaving) {
        // Our own reconnect: straight back.
        c->reconnecting = true;
        openConnection(c);
        return;
    }
    if (!ready) {
        // A busy machine can take a handshake past the server's time limit: the device tries again (a few times).
        // A device that had logged in is not expected to go during set-up.
        if (was != State::Connecting || c->setupAttempts >= MaxSetupAttempts)
            setupFailed(u"device %1 lost its connection during set-up (attempt %2): %3 %4"_s.arg(c->id->user)
                            .arg(c->setupAttempts)
                            .arg(socket->closeReason(), socket->errorString()));
        ++setupRetries;
        openConnection(c);
        return;
    }
    error(u"device %1: the connection closed unasked (%2 %3); %4 sends unanswered"_s.arg(c->id->user,
                                                                                        socket->closeReason(),
                                                                                        socket->errorString())
              .arg(c->pending.size()));
    // Its unanswered sends stay unaccepted (counted at the end); the device comes back.
    c->pending.clear();
    c->reconnecting = true;
    openConnection(c);
}

void Worker::Private::onFrame(Conn *c, const QByteArray &data)
{
    auto decoded = protocol::decode(data, protocol::Direction::ServerToClient);
    if (const auto *e = std::get_if<protocol::FrameError>(&decoded))
        return error(u"device %1: a malformed frame from the server: %2"_s.arg(c->id->user, e->message));
    const protocol::Frame &f = std::get<protocol::Frame>(decoded);
    if (f.type == protocol::Msg::Type)
        return onMsg(c, protocol::Msg::from(f));
    if (f.type == protocol::Accepted::Type)
        return onAccepted(c, f.id);
    if (f.type == protocol::ErrorReply::Type)
        return onError(c, f.id, protocol::ErrorReply::from(f));
    if (f.type == protocol::Hello::Type)
        return onHello(c, protocol::Hello::from(f));
    if (f.type == protocol::Welcome::Type)
        return onWelcome(c, protocol::Welcome::from(f));
    if (f.type == protocol::RoomOk::Type)
        return onRoomOk(c, f.id);
    // synced, refill (the last-resort key serves every sender), room_changed: nothing to do.
}

void Worker::Private::onHello(Conn *c, const protocol::Hello &hello)
{
    c->challenge = hello.ch;
    // Reconnects alternate between the resumption credential and the device key's signature.
    sendLogin(c, c->reconnecting && !c->resume.isEmpty() && reconnectCount % 2 == 0);
}

void Worker::Private::sendLogin(Conn *c, bool resumed)
{
    protocol::Login login;
    login.user = c->id->user;
    login.device = c->id->device;
    c->loginResumed = resumed;
    if (resumed) {
        login.resume = c->resume;
    } else {
        auto sig = c->id->deviceKey.sign(protocol::loginStatement(c->challenge, c->id->user, c->id->device));
        if (!sig)
            return setupFailed(u"signing a login failed"_s);
        login.sig = *sig;
    }
    c->socket->sendBinaryMessage(login.encode(1));
}

void Worker::Private::onWelcome(Conn *c, const protocol::Welcome &welcome)
{
    if (welcome.resume)
        c->resume = *welcome.resume;
    --connecting;
    ++online;
    c->state = State::Online;
    if (c->reconnecting) {
        c->reconnecting = false;
        ++reconnectCount;
        ++interval.reconnects;
        ++total.reconnects;
        if (c->loginResumed) {
            ++interval.resumed;
            ++total.resumed;
        }
        return;
    }
    connectMore();
    if (online == int(conns.size()) && !ready)
        createRooms();
}

void Worker::Private::onMsg(Conn *c, const protocol::Msg &msg)
{
    scheduleAck(c, msg.seq);
    if (msg.mid.size() != 16)
        return error(u"device %1: a message id of %2 bytes"_s.arg(c->id->user).arg(msg.mid.size()));
    const int sender = int(qFromBigEndian<quint32>(msg.mid.constData())) - o.first;
    const quint32 number = qFromBigEndian<quint32>(msg.mid.constData() + 4);
    if (sender < 0 || sender >= o.count || number >= nextNumber || msg.sender != conns[size_t(sender)]->id->user)
        return error(u"device %1: a message nobody here sent"_s.arg(c->id->user));
    auto it = records.find(number);
    const int bit = it == records.end() ? -1 : c->local - it->second.base;
    if (bit < 0 || bit >= 64 || !(it->second.missing & (quint64(1) << bit))) {
        // Delivered before (unacked when its device reconnected) or finished: a duplicate, which clients drop.
        ++interval.duplicates;
        ++total.duplicates;
        return;
    }
    it->second.missing &= ~(quint64(1) << bit);
    ++interval.delivered;
    ++total.delivered;
    latencies.push_back(quint32(std::max<qint64>(0, nowNs() - it->second.dueNs) / 1000));
    if (it->second.missing == 0 && it->second.accepted)
        complete(it);
}

void Worker::Private::complete(std::unordered_map<quint32, Record>::iterator it)
{
    records.erase(it);
}

void Worker::Private::onAccepted(Conn *c, quint64 requestId)
{
    const auto p = c->pending.constFind(requestId);
    if (p == c->pending.cend())
        return error(u"device %1: `accepted` for no send of ours"_s.arg(c->id->user));
    const quint32 number = p->number;
    c->pending.erase(p);
    ++interval.accepted;
    ++total.accepted;
    auto it = records.find(number);
    if (it != records.end()) {
        it->second.accepted = true;
        if (it->second.missing == 0)
            complete(it);
    }
    if (c->state == State::Leaving)
        leaveIfQuiet(c);
}

void Worker::Private::onError(Conn *c, quint64 requestId, const protocol::ErrorReply &e)
{
    if (requestId == 1 && e.code == protocol::WireError::ResumeFailed) {
        // The credential was refused: log in with the device key (and count it, a good credential should pass).
        error(u"device %1: resumed login refused: %2"_s.arg(c->id->user, e.msg));
        c->resume.clear();
        return sendLogin(c, false);
    }
    if (roomRequests.contains(requestId))
        setupFailed(u"room change refused: %1 %2"_s.arg(protocol::wireErrorName(e.code), e.msg));
    const auto p = c->pending.constFind(requestId);
    if (p == c->pending.cend())
        return error(u"device %1: error %2 (%3) for request %4"_s.arg(c->id->user, protocol::wireErrorName(e.code), e.msg)
                         .arg(requestId));
    if (e.code == protocol::WireError::Busy || e.code == protocol::WireError::RateLimited) {
        // Not taken: the same frame again after the server's hint, as a client does.
        ++interval.refused;
        ++total.refused;
        const QByteArray frame = p->frame;
        QWebSocket *socket = c->socket;
        QTimer::singleShot(int(std::min<quint64>(e.retry.value_or(100), 5000)), q, [c, socket, frame] {
            if (c->socket == socket && socket)
                socket->sendBinaryMessage(frame);
        });
        return;
    }
    error(u"device %1: send refused: %2 (%3)"_s.arg(c->id->user, protocol::wireErrorName(e.code), e.msg));
    records.erase(p->number);
    c->pending.erase(p);
    if (c->state == State::Leaving)
        leaveIfQuiet(c);
}

void Worker::Private::scheduleAck(Conn *c, quint64 seq)
{
    c->acks.append(seq);
    if (c->ackScheduled)
        return;
    c->ackScheduled = true;
    QTimer::singleShot(0, q, [this, c] {
        c->ackScheduled = false;
        flushAcks(c);
    });
}

void Worker::Private::flushAcks(Conn *c)
{
    while (!c->acks.isEmpty() && c->socket) {
        const qsizetype n = std::min<qsizetype>(c->acks.size(), protocol::MaxAcksPerFrame);
        protocol::Ack ack;
        ack.seqs = c->acks.mid(0, n);
        c->acks.remove(0, n);
        c->socket->sendBinaryMessage(ack.encode());
    }
}

// --- rooms: the first device of each group creates the room and adds the others, one signed record at a time ---

void Worker::Private::createRooms()
{
    roomHeads.assign(size_t(rooms), QByteArray());
    roomNextSeq.assign(size_t(rooms), 0);
    if (rooms == 0)
        return reportReady();
    for (int r = 0; r < rooms; ++r)
        sendRoomRecord(r, 0);
}

void Worker::Private::sendRoomRecord(int room, quint64 seq)
{
    Conn *creator = conns[size_t(room * o.roomSize)].get();
    protocol::RoomRecord record;
    record.room = roomName(room);
    record.seq = seq;
    record.prev = roomHeads[size_t(room)];
    record.actor = creator->id->user;
    record.actorDevice = creator->id->device;
    record.at = quint64(QDateTime::currentMSecsSinceEpoch());
    if (seq == 0) {
        record.op = protocol::RoomOp::Create;
        record.target = creator->id->user;
        protocol::RoomPolicy policy;
        policy.title = u"soak"_s;
        record.policy = policy;
    } else {
        record.op = protocol::RoomOp::Add;
        record.target = conns[size_t(room * o.roomSize + int(seq))]->id->user;
    }
    const QByteArray bytes = record.encode();
    auto sig = creator->id->deviceKey.sign(bytes);
    if (!sig)
        setupFailed(u"signing a room record failed"_s);
    roomHeads[size_t(room)] = crypto::sha512(bytes);
    protocol::RoomChange change;
    change.room = record.room;
    change.rec = bytes;
    change.sig = *sig;
    const quint64 requestId = nextRequest++;
    roomRequests.insert(requestId, room);
    creator->socket->sendBinaryMessage(change.encode(requestId));
}

void Worker::Private::onRoomOk(Conn *c, quint64 requestId)
{
    Q_UNUSED(c);
    const auto it = roomRequests.constFind(requestId);
    if (it == roomRequests.cend())
        return error(u"`room_ok` for no change of ours"_s);
    const int room = *it;
    roomRequests.erase(it);
    const quint64 next = ++roomNextSeq[size_t(room)];
    if (next < quint64(o.roomSize))
        return sendRoomRecord(room, next);
    if (++roomsReady == rooms)
        reportReady();
}

void Worker::Private::reportReady()
{
    ready = true;
    setupDeadline.stop();
    if (setupRetries > 0)
        std::fprintf(stderr, "soak worker %d: set-up: %d connections closed before their login and opened again\n",
                     o.first, setupRetries);
    writeAll(o.controlOut, "R\n", 2);
}

// --- traffic ---

void Worker::Private::pace()
{
    // Message k of a stream is due at start + k / rate; latency counts from the due time, so a late send does not
    // hide a delay (no coordinated omission).
    const double elapsed = double(nowNs() - startNs) / 1e9;
    const qint64 pairDue = o.pairRate > 0 ? qint64(elapsed * o.pairRate) + 1 : 0;
    while (pairSent < pairDue) {
        Conn *sender = nullptr;
        for (int tries = 0; tries < o.count && !sender; ++tries) {
            Conn *candidate = conns[size_t(pairCursor)].get();
            pairCursor = (pairCursor + 1) % o.count;
            if (candidate->state == State::Online)
                sender = candidate;
        }
        const qint64 due = startNs + qint64(double(pairSent) * 1e9 / o.pairRate);
        ++pairSent;
        if (sender)
            sendMessage(sender, -1, due);
    }
    if (rooms == 0)
        return;
    const qint64 roomDue = o.roomRate > 0 ? qint64(elapsed * o.roomRate) + 1 : 0;
    while (roomSent < roomDue) {
        const int room = roomCursor;
        roomCursor = (roomCursor + 1) % rooms;
        Conn *sender = nullptr;
        for (int tries = 0; tries < o.roomSize && !sender; ++tries) {
            int &cursor = roomMemberCursor[size_t(room)];
            Conn *candidate = conns[size_t(room * o.roomSize + cursor)].get();
            cursor = (cursor + 1) % o.roomSize;
            if (candidate->state == State::Online)
                sender = candidate;
        }
        const qint64 due = startNs + qint64(double(roomSent) * 1e9 / o.roomRate);
        ++roomSent;
        if (sender)
            sendMessage(sender, room, due);
    }
}

void Worker::Private::sendMessage(Conn *c, int room, qint64 dueNs)
{
    const quint32 number = nextNumber++;
    Record record;
    record.dueNs = dueNs;
    protocol::SendRequest request;
    if (room < 0) {
        request = pairTemplates[size_t(c->local)];
        record.base = c->local & ~1;
        record.missing = quint64(1) << ((c->local ^ 1) - record.base);
    } else {
        request = roomTemplates[size_t(room)];
        // The sending device never gets a key entry of its own (docs/protocol.md "send").
        request.keys.removeIf([c](const protocol::KeyEntry &k) { return k.user == c->id->user; });
        record.base = room * o.roomSize;
        record.missing = (o.roomSize == 64 ? ~quint64(0) : (quint64(1) << o.roomSize) - 1)
            & ~(quint64(1) << (c->local - record.base));
    }
    request.mid = messageId(o.first + c->local, number);
    request.at = quint64(QDateTime::currentMSecsSinceEpoch());
    const quint64 requestId = nextRequest++;
    PendingSend pending{number, request.encode(requestId)};
    c->socket->sendBinaryMessage(pending.frame);
    c->pending.insert(requestId, std::move(pending));
    records.emplace(number, record);
    ++interval.sent;
    ++total.sent;
}

void Worker::Private::reconnectOne()
{
    for (int tries = 0; tries < 16; ++tries) {
        Conn *c = conns[size_t(QRandomGenerator::global()->bounded(o.count))].get();
        if (c->state != State::Online)
            continue;
        c->state = State::Leaving;
        // Half leave with the WebSocket close handshake, half drop the connection (acks not yet written are lost,
        // so those messages come again after the login).
        c->abortOnLeave = QRandomGenerator::global()->bounded(2) == 1;
        leaveIfQuiet(c);
        return;
    }
}

// A leaving device goes once its sends are answered (a client that loses an `accepted` sends again; this one waits).
void Worker::Private::leaveIfQuiet(Conn *c)
{
    if (!c->pending.isEmpty() || !c->socket)
        return;
    flushAcks(c);
    if (c->abortOnLeave)
        c->socket->abort();
    else
        c->socket->close();
}

// --- control ---

void Worker::Private::onControl()
{
    char command = 0;
    if (::read(o.controlIn, &command, 1) != 1)
        _exit(0);   // the parent went away
    switch (command) {
    case 'G':
        if (running || !ready)
            return;
        running = true;
        startNs = nowNs();
        pacer.start();
        if (o.reconnectRate > 0)
            reconnector.start();
        return;
    case 'S':
        return reportSample();
    case 'E':
        draining = true;
        pacer.stop();
        reconnector.stop();
        return;
    case 'F':
        return reportFinal();
    case 'C':
        return closeAll();
    case 'Q':
        std::fflush(stderr);
        _exit(0);
    default:
        return;
    }
}

void Worker::Private::reportSample()
{
    interval.outstanding = qint64(records.size());
    interval.offline = qint64(conns.size()) - online;
    const IntervalCounts &i = interval;
    const QByteArray line = "S " + QByteArray::number(i.sent) + ' ' + QByteArray::number(i.accepted) + ' '
        + QByteArray::number(i.delivered) + ' ' + QByteArray::number(i.duplicates) + ' ' + QByteArray::number(i.errors)
        + ' ' + QByteArray::number(i.refused) + ' ' + QByteArray::number(i.reconnects) + ' '
        + QByteArray::number(i.resumed) + ' ' + QByteArray::number(i.outstanding) + ' '
        + QByteArray::number(i.offline) + ' ' + QByteArray::number(qulonglong(latencies.size())) + '\n';
    writeAll(o.controlOut, line.constData(), size_t(line.size()));
    writeAll(o.controlOut, reinterpret_cast<const char *>(latencies.data()), latencies.size() * sizeof(quint32));
    latencies.clear();
    interval = IntervalCounts();
}

void Worker::Private::reportFinal()
{
    qint64 lost = 0, unanswered = 0;
    int shown = 0;
    for (const auto &[number, r] : records) {
        if (r.accepted)
            ++lost;
        else
            ++unanswered;
        if (shown++ < 5) {
            std::fprintf(stderr, "soak worker %d: message %u %s, recipient devices still without it: mask %llx from %d\n",
                         o.first, number, r.accepted ? "accepted" : "never answered", qulonglong(r.missing), r.base);
        }
    }
    const QByteArray line = "F " + QByteArray::number(lost) + ' ' + QByteArray::number(unanswered) + ' '
        + QByteArray::number(total.sent) + ' ' + QByteArray::number(total.accepted) + ' '
        + QByteArray::number(total.delivered) + ' ' + QByteArray::number(total.errors) + '\n';
    writeAll(o.controlOut, line.constData(), size_t(line.size()));
}

void Worker::Private::closeAll()
{
    closing = true;
    pacer.stop();
    reconnector.stop();
    for (auto &c : conns) {
        flushAcks(c.get());
        if (c->socket) {
            c->state = State::Closing;
            c->socket->close();
        }
    }
    // Every close handshake done, or a second at most, then go (the parent counts the server's descriptors after).
    QObject::connect(&closeWait, &QTimer::timeout, q, [this] {
        const bool open = std::any_of(conns.cbegin(), conns.cend(), [](const auto &c) { return c->socket != nullptr; });
        if (!open || ++closeTicks > 100) {
            std::fflush(stderr);
            _exit(0);
        }
    });
    closeWait.start(10);
}

} // namespace parley::bench::soak
