#include "worker.h"

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkRequest>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QtEndian>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <deque>

using namespace Qt::StringLiterals;

namespace parley::bench {

namespace {

constexpr int MaxConnecting = 48;          // TLS handshakes in progress per worker
constexpr int MaxReportedErrors = 5;

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

// Qt's WebSocket client offers no access to its socket: turn Nagle off on every TCP socket of the process (the
// server side does the same through its listener), so latency figures carry no Nagle/delayed-ack stalls.
void setNoDelayEverywhere()
{
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    const int one = 1;
    for (int fd = 3; fd < int(std::min<rlim_t>(limit.rlim_cur, 1 << 20)); ++fd)
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

QByteArray be32(quint32 v)
{
    QByteArray b(4, Qt::Uninitialized);
    qToBigEndian(v, b.data());
    return b;
}

QString attribute(const QString &stanza, QLatin1StringView name)
{
    for (const QChar quote : {u'\'', u'"'}) {
        const QString key = u" "_s + name + u'=' + quote;
        const qsizetype at = stanza.indexOf(key);
        if (at >= 0) {
            const qsizetype start = at + key.size();
            const qsizetype end = stanza.indexOf(quote, start);
            if (end > start)
                return stanza.mid(start, end - start);
        }
    }
    return {};
}

} // namespace

struct Conn {
    int index = 0;                       // identity index
    QWebSocket *socket = nullptr;
    bool loggedIn = false;
    qint64 connectStart = 0;
    int pair = -1;                       // traffic: pair number (global)
    bool sender = false;
    int next = 0;                        // next message to send
    int inflight = 0;
    QList<quint64> acks;
    bool ackScheduled = false;
    int xmppStep = 0;
    QByteArray resumeCredential;         // resumed: from the set-up's full login
    QByteArray tlsSession;               // resumed: the TLS session ticket of the last connection
};

struct Worker::Private {
    Worker *q;
    WorkerOptions o;
    std::vector<std::unique_ptr<Conn>> conns;
    std::deque<Conn *> toConnect;
    int connecting = 0;
    int loggedIn = 0;
    bool ready = false;
    bool running = false;
    bool finished = false;
    // traffic
    int pairs = 0;
    int firstPair = 0;
    std::vector<std::vector<QByteArray>> frames;      // [local pair][message]
    std::vector<std::vector<qint64>> sentAt;           // [local pair][message]
    qint64 sentTotal = 0;
    qint64 delivered = 0;
    qint64 errors = 0;
    qint64 startNs = 0;
    qint64 endNs = 0;
    std::vector<quint32> latencies;                    // µs
    QTimer pacer;
    int roundRobin = 0;
    std::unique_ptr<QSocketNotifier> control;
    QTimer deadline;

    explicit Private(Worker *w, WorkerOptions options) : q(w), o(std::move(options)) {}

    void fail(const QString &what)
    {
        if (++errors <= MaxReportedErrors)
            std::fprintf(stderr, "loadgen: %s\n", qPrintable(what));
    }

    // --- set-up ---
    Status buildTraffic();
    void openConnection(Conn *c);
    void connectMore();
    void onLoggedIn(Conn *c);
    void onControl();
    void report();

    // --- wire ---
    void onBinary(Conn *c, const QByteArray &data);
    void onText(Conn *c, const QString &text);
    void sendLogin(Conn *c, const QByteArray &challenge);
    void delivered1(Conn *c, quint32 pair, quint32 number);
    void scheduleAck(Conn *c, quint64 seq);
    void pump(Conn *sender);
    void sendOne(Conn *sender, qint64 stamp);
    void pace();
    void finishIfDone();
};

Worker::Worker(WorkerOptions options, QObject *parent) : QObject(parent), d(std::make_unique<Private>(this, std::move(options))) {}

Worker::~Worker() = default;

void Worker::start()
{
    d->control = std::make_unique<QSocketNotifier>(d->o.controlIn, QSocketNotifier::Read);
    connect(d->control.get(), &QSocketNotifier::activated, this, [this] { d->onControl(); });
    d->deadline.setSingleShot(true);
    connect(&d->deadline, &QTimer::timeout, this, [this] {
        if (!d->running) {
            // Set-up (connecting and logging in) never finished: say so, and let the parent see the worker go.
            std::fprintf(stderr, "loadgen: set-up did not finish within %d s (%d of %zu connections logged in)\n",
                         d->o.timeoutSeconds, d->loggedIn, d->conns.size());
            _exit(2);
        }
        d->fail(u"timed out"_s);
        d->report();
    });
    d->deadline.start(d->o.timeoutSeconds * 1000);

    for (int i = 0; i < d->o.count; ++i) {
        auto c = std::make_unique<Conn>();
        c->index = d->o.first + i;
        d->conns.push_back(std::move(c));
    }
    if (d->o.task == Task::Traffic) {
        d->pairs = d->o.count / 2;
        d->firstPair = d->o.first / 2;
        if (Status s = d->buildTraffic(); !s) {
            std::fprintf(stderr, "loadgen: %s\n", qPrintable(s.error().message));
            _exit(2);
        }
    }
    if (d->o.task == Task::Traffic || d->o.task == Task::Idle || d->o.task == Task::Resumed) {
        for (auto &c : d->conns)
            d->toConnect.push_back(c.get());
        d->connectMore();
    } else {
        d->ready = true;
        writeAll(d->o.controlOut, "R\n", 2);
    }
}

Status Worker::Private::buildTraffic()
{
    frames.assign(size_t(pairs), {});
    sentAt.assign(size_t(pairs), std::vector<qint64>(size_t(o.messages), 0));
    latencies.reserve(size_t(pairs) * size_t(o.messages));
    const QString text = benchText();
    for (int p = 0; p < pairs; ++p) {
        Conn *s = conns[size_t(2 * p)].get();
        Conn *r = conns[size_t(2 * p + 1)].get();
        s->pair = r->pair = firstPair + p;
        s->sender = true;
        const Identity &from = o.identities.at(s->index);
        const Identity &to = o.identities.at(r->index);
        auto &list = frames[size_t(p)];
        list.reserve(size_t(o.messages));
        for (int m = 0; m < o.messages; ++m) {
            const QByteArray mid = messageId(quint32(s->pair), quint32(m));
            if (o.mode == Mode::Parley) {
                auto envelope = sdk::Envelope::build(senderIdentity(from), {to.user}, {recipientDevice(to)}, text,
                                                     quint64(QDateTime::currentMSecsSinceEpoch()), {}, mid);
                if (!envelope)
                    return envelope.error();
                list.push_back(protocol::encode(envelope->toFrame(quint64(m) + 2)));
            } else if (o.mode == Mode::Floor) {
                QByteArray frame = be32(quint32(r->index)) + mid.left(8);
                frame.append(QByteArray(std::max(0, o.payloadBytes - 12), 'x'));
                list.push_back(frame);
            } else {
                const QString head = u"<message xmlns='jabber:client' to='%1@%2' type='chat' id='m%3-%4'><body>"_s.arg(
                    to.user, o.xmppDomain).arg(s->pair).arg(m);
                const QString tail = u"</body></message>"_s;
                const QString body(std::max<qsizetype>(1, o.payloadBytes - head.size() - tail.size()), u'x');
                list.push_back((head + body + tail).toUtf8());
            }
        }
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
    c->loggedIn = false;
    c->xmppStep = 0;
    c->connectStart = nowNs();
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    c->socket = socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);    // the bench's own throw-away certificates
    if (o.task == Task::Resumed) {
        // Keep the session ticket the server hands out, and offer the last one: TLS resumption.
        tls.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
        tls.setSslOption(QSsl::SslOptionDisableSessionTickets, false);
        if (!c->tlsSession.isEmpty())
            tls.setSessionTicket(c->tlsSession);
    }
    socket->setSslConfiguration(tls);
    QObject::connect(socket, &QWebSocket::binaryMessageReceived, q, [this, c](const QByteArray &data) { onBinary(c, data); });
    QObject::connect(socket, &QWebSocket::textMessageReceived, q, [this, c](const QString &text) { onText(c, text); });
    QObject::connect(socket, &QWebSocket::connected, q, [this, c] {
        if (o.mode == Mode::Floor) {
            c->socket->sendBinaryMessage(QByteArray("L") + be32(quint32(c->index)));
        } else if (o.mode == Mode::Xmpp) {
            c->socket->sendTextMessage(
                u"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='%1' version='1.0'/>"_s.arg(o.xmppDomain));
        }
    });
    QObject::connect(socket, &QWebSocket::disconnected, q, [this, c, socket] {
        if (c->socket != socket)
            return;
        c->socket = nullptr;
        socket->deleteLater();
        if (!c->loggedIn) {
            --connecting;
            fail(u"connection %1 closed before login: %2 %3"_s.arg(c->index).arg(socket->closeReason(), socket->errorString()));
            if ((o.task == Task::Sessions || o.task == Task::Resumed) && running && !finished)
                openConnection(c);
            else
                connectMore();
        } else if (running && !finished && o.task != Task::Sessions) {
            fail(u"connection %1 closed: %2"_s.arg(c->index).arg(socket->closeReason()));
        }
    });
    QWebSocketHandshakeOptions handshake;
    if (o.mode == Mode::Xmpp)
        handshake.setSubprotocols({u"xmpp"_s});   // RFC 7395
    const QUrl &url = o.urls.isEmpty() ? o.url : o.urls.at(c->index % o.urls.size());
    socket->open(QNetworkRequest(url), handshake);
}

void Worker::Private::sendLogin(Conn *c, const QByteArray &challenge)
{
    const Identity &id = o.identities.at(c->index);
    protocol::Login login;
    login.user = id.user;
    login.device = id.device;
    if (o.task == Task::Resumed && running && !c->resumeCredential.isEmpty()) {
        login.resume = c->resumeCredential;
    } else {
        auto sig = id.deviceKey.sign(protocol::loginStatement(challenge, id.user, id.device));
        if (!sig) {
            fail(u"signing the login failed"_s);
            return;
        }
        login.sig = *sig;
    }
    c->socket->sendBinaryMessage(login.encode(1));
}

void Worker::Private::onLoggedIn(Conn *c)
{
    c->loggedIn = true;
    --connecting;
    if (o.task == Task::Resumed) {
        // The ticket of this connection is the one the next offers (the server sends tickets after its handshake,
        // before `welcome`).
        // QWebSocket copies its socket's TLS configuration before the handshake; the QSslSocket it made (its
        // child) has the ticket.
        if (const auto *tls = c->socket->findChild<QSslSocket *>()) {
            const QByteArray ticket = tls->sslConfiguration().sessionTicket();
            if (!ticket.isEmpty())
                c->tlsSession = ticket;
        }
    }
    if (o.task == Task::Sessions || (o.task == Task::Resumed && running)) {
        if (running && !finished) {
            ++delivered;
            latencies.push_back(quint32((nowNs() - c->connectStart) / 1000));
        }
        QWebSocket *socket = std::exchange(c->socket, nullptr);
        socket->disconnect(q);
        socket->abort();
        socket->deleteLater();
        if (running && !finished)
            openConnection(c);
        return;
    }
    if (o.task == Task::Drain) {
        return;
    }
    ++loggedIn;
    if (o.task == Task::Resumed) {
        QWebSocket *socket = std::exchange(c->socket, nullptr);
        socket->disconnect(q);
        socket->close();
        socket->deleteLater();
    }
    connectMore();
    if (loggedIn == int(conns.size()) && !ready) {
        ready = true;
        setNoDelayEverywhere();
        writeAll(o.controlOut, "R\n", 2);
    }
}

void Worker::Private::onBinary(Conn *c, const QByteArray &data)
{
    if (o.mode == Mode::Floor) {
        if (!c->loggedIn) {
            if (data == "W")
                onLoggedIn(c);
            return;
        }
        quint32 pair = 0, number = 0;
        if (data.size() < 12 || !parseMessageId(data.mid(4, 8), &pair, &number))
            return fail(u"short floor frame"_s);
        delivered1(c, pair, number);
        return;
    }
    const QCborMap frame = QCborValue::fromCbor(data).toMap();
    const QString type = frame.value("t"_L1).toString();
    if (type == "msg"_L1) {
        quint32 pair = 0, number = 0;
        const QByteArray mid = frame.value("mid"_L1).toByteArray();
        scheduleAck(c, quint64(frame.value("seq"_L1).toInteger()));
        if (o.task == Task::Drain) {
            if (++delivered == o.expected) {
                endNs = nowNs();
                finishIfDone();
            }
            return;
        }
        if (parseMessageId(mid, &pair, &number))
            delivered1(c, pair, number);
    } else if (type == "accepted"_L1) {
        // counted at the receiver
    } else if (type == "hello"_L1) {
        sendLogin(c, frame.value("ch"_L1).toByteArray());
    } else if (type == "welcome"_L1) {
        if (o.task == Task::Resumed && !running) {
            const auto welcome = protocol::Welcome::from(protocol::frameOf(data));
            if (!welcome.resume) {
                fail(u"the server issued no resumption credential"_s);
                return;
            }
            c->resumeCredential = *welcome.resume;
        }
        onLoggedIn(c);
    } else if (type == "error"_L1) {
        fail(u"error frame: %1 (%2)"_s.arg(frame.value("code"_L1).toString(), frame.value("msg"_L1).toString()));
    }
}

void Worker::Private::onText(Conn *c, const QString &text)
{
    if (o.mode != Mode::Xmpp)
        return;
    if (qEnvironmentVariableIsSet("LOADGEN_TRACE"))
        std::fprintf(stderr, "<< %s\n", qPrintable(text.left(300)));
    if (text.startsWith(u"<message"_s)) {
        const QString id = attribute(text, "id"_L1);
        const qsizetype dash = id.indexOf(u'-');
        if (!id.startsWith(u'm') || dash < 0)
            return;
        delivered1(c, id.mid(1, dash - 1).toUInt(), id.mid(dash + 1).toUInt());
        return;
    }
    if (c->loggedIn)
        return;
    const Identity &id = o.identities.at(c->index);
    if (text.contains(u"<stream:features"_s) || text.contains(u"<features"_s)) {
        if (text.contains(u"mechanisms"_s)) {
            const QByteArray plain = QByteArray(1, '\0') + id.user.toUtf8() + '\0' + o.xmppPassword.toUtf8();
            c->socket->sendTextMessage(u"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%1</auth>"_s.arg(
                QString::fromLatin1(plain.toBase64())));
        } else if (text.contains(u"bind"_s)) {
            c->socket->sendTextMessage(
                u"<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                "<resource>bench</resource></bind></iq>"_s);
        }
    } else if (text.startsWith(u"<success"_s)) {
        c->socket->sendTextMessage(
            u"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='%1' version='1.0'/>"_s.arg(o.xmppDomain));
    } else if (text.startsWith(u"<iq"_s) && attribute(text, "id"_L1) == "bind1"_L1) {
        if (attribute(text, "type"_L1) != "result"_L1)
            return fail(u"bind failed"_s);
        // Initial presence makes the session available, so messages are delivered live.
        c->socket->sendTextMessage(u"<presence xmlns='jabber:client'/>"_s);
        onLoggedIn(c);
    } else if (text.startsWith(u"<failure"_s) || text.startsWith(u"<close"_s)) {
        fail(u"xmpp: %1"_s.arg(text.left(200)));
    }
}

void Worker::Private::scheduleAck(Conn *c, quint64 seq)
{
    c->acks.append(seq);
    if (c->ackScheduled)
        return;
    c->ackScheduled = true;
    QTimer::singleShot(0, q, [c] {
        c->ackScheduled = false;
        while (!c->acks.isEmpty() && c->socket) {
            const qsizetype n = std::min<qsizetype>(c->acks.size(), protocol::MaxAcksPerFrame);
            QCborArray seqs;
            for (qsizetype i = 0; i < n; ++i)
                seqs.append(qint64(c->acks.at(i)));
            c->acks.remove(0, n);
            protocol::Frame ack(u"ack"_s);
            ack.set("seqs"_L1, seqs);
            c->socket->sendBinaryMessage(protocol::encode(ack));
        }
    });
}

void Worker::Private::delivered1(Conn *c, quint32 pair, quint32 number)
{
    Q_UNUSED(c);
    const int p = int(pair) - firstPair;
    if (p < 0 || p >= pairs || int(number) >= o.messages)
        return fail(u"a delivery for an unknown message"_s);
    ++delivered;
    const qint64 now = nowNs();
    latencies.push_back(quint32(std::max<qint64>(0, now - sentAt[size_t(p)][number]) / 1000));
    Conn *sender = conns[size_t(2 * p)].get();
    --sender->inflight;
    if (o.rate <= 0)
        pump(sender);
    if (delivered == qint64(pairs) * o.messages) {
        endNs = now;
        finishIfDone();
    }
}

void Worker::Private::sendOne(Conn *sender, qint64 stamp)
{
    const int p = sender->pair - firstPair;
    sentAt[size_t(p)][size_t(sender->next)] = stamp;
    const QByteArray &frame = frames[size_t(p)][size_t(sender->next)];
    if (o.mode == Mode::Xmpp)
        sender->socket->sendTextMessage(QString::fromUtf8(frame));
    else
        sender->socket->sendBinaryMessage(frame);
    ++sender->next;
    ++sender->inflight;
    ++sentTotal;
}

void Worker::Private::pump(Conn *sender)
{
    if (!sender->socket)
        return;
    while (sender->next < o.messages && (o.window <= 0 || sender->inflight < o.window))
        sendOne(sender, nowNs());
}

void Worker::Private::pace()
{
    // Message k of this worker is due at start + k / rate; latency counts from the due time, so a late send
    // does not hide the delay (no coordinated omission).
    const qint64 total = qint64(pairs) * o.messages;
    const qint64 now = nowNs();
    const qint64 due = std::min<qint64>(total, qint64(double(now - startNs) * o.rate / 1e9) + 1);
    while (sentTotal < due) {
        Conn *sender = nullptr;
        for (int tries = 0; tries < pairs && !sender; ++tries) {
            Conn *candidate = conns[size_t(2 * roundRobin)].get();
            roundRobin = (roundRobin + 1) % pairs;
            if (candidate->next < o.messages && candidate->socket)
                sender = candidate;
        }
        if (!sender)
            break;
        sendOne(sender, startNs + qint64(double(sentTotal) * 1e9 / o.rate));
    }
    if (sentTotal >= total)
        pacer.stop();
}

void Worker::Private::onControl()
{
    char command = 0;
    if (::read(o.controlIn, &command, 1) != 1) {
        _exit(0);    // the parent went away
    }
    if (command == 'Q') {
        std::fflush(stderr);
        _exit(0);
    }
    if (command != 'G' || running)
        return;
    running = true;
    startNs = nowNs();
    deadline.start(o.timeoutSeconds * 1000);
    switch (o.task) {
    case Task::Traffic:
        if (o.rate > 0) {
            pacer.setTimerType(Qt::PreciseTimer);
            pacer.setInterval(1);
            QObject::connect(&pacer, &QTimer::timeout, q, [this] { pace(); });
            pacer.start();
        } else {
            for (int p = 0; p < pairs; ++p)
                pump(conns[size_t(2 * p)].get());
        }
        break;
    case Task::Idle:
        break;
    case Task::Sessions:
    case Task::Resumed:
        for (auto &c : conns)
            openConnection(c.get());
        QTimer::singleShot(o.seconds * 1000, q, [this] {
            endNs = nowNs();
            finishIfDone();
        });
        break;
    case Task::Drain:
        openConnection(conns.front().get());
        break;
    }
}

void Worker::Private::finishIfDone()
{
    if (finished)
        return;
    report();
}

void Worker::Private::report()
{
    if (finished)
        return;
    finished = true;
    pacer.stop();
    if (endNs == 0)
        endNs = nowNs();
    const QByteArray head = "D " + QByteArray::number(delivered) + ' ' + QByteArray::number(sentTotal) + ' '
        + QByteArray::number(errors) + ' ' + QByteArray::number(startNs) + ' ' + QByteArray::number(endNs) + ' '
        + QByteArray::number(qulonglong(latencies.size())) + '\n';
    // Acks still pending go out before the figures, so the server's CPU reading includes deleting them.
    for (auto &c : conns) {
        if (c->socket && !c->acks.isEmpty()) {
            c->ackScheduled = false;
            scheduleAck(c.get(), c->acks.takeLast());
        }
    }
    QTimer::singleShot(50, q, [this, head] {
        writeAll(o.controlOut, head.constData(), size_t(head.size()));
        writeAll(o.controlOut, reinterpret_cast<const char *>(latencies.data()), latencies.size() * sizeof(quint32));
    });
}

} // namespace parley::bench
