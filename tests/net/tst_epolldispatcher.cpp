// The epoll event dispatcher that parleyd's event loop runs on: timers, socket notifiers (including a descriptor
// closed and reused within one iteration, and notifiers deleted by another's handler), wake-ups from other threads,
// deferred deletes, and real TCP and TLS traffic through Qt's own sockets.

#include "core/epolldispatcher.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using parley::core::EpollEventDispatcher;

namespace {

struct SocketPair {
    int fd[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd); }
    ~SocketPair()
    {
        for (int f : fd)
            if (f >= 0)
                ::close(f);
    }
    void send(const char *text = "x") const { QCOMPARE_GE(::write(fd[1], text, std::strlen(text)), 1); }
    void drain() const
    {
        char buffer[256];
        while (::read(fd[0], buffer, sizeof buffer) > 0) {
        }
    }
};

// Runs the loop for a number of iterations without waiting (nothing here depends on elapsed time).
void spin(int iterations = 20)
{
    for (int i = 0; i < iterations; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents);
}

class TimerCounter : public QObject
{
public:
    QList<int> fired;
protected:
    void timerEvent(QTimerEvent *event) override { fired.append(event->timerId()); }
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isInstalled();
    void timersFireInDeadlineOrder();
    void timerStoppedByAnEarlierHandlerDoesNotFire();
    void zeroTimerDoesNotStarveSockets();
    void timerBookkeeping();
    void notifierFollowsEnableAndDisable();
    void descriptorClosedAndReusedWithinOneIteration();
    void notifierDeletedByAnotherHandler();
    void regularFileIsAlwaysReady();
    void wakeUpFromAnotherThread();
    void deferredDelete();
    void tcpEchoOverManySockets();
};

void TestEpollDispatcher::isInstalled()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void TestEpollDispatcher::timersFireInDeadlineOrder()
{
    QList<int> order;
    for (int ms : {60, 20, 40}) {
        QTimer::singleShot(ms, Qt::PreciseTimer, this, [&order, ms] { order.append(ms); });
    }
    QTRY_COMPARE(order.size(), 3);
    QCOMPARE(order, (QList<int>{20, 40, 60}));
}

void TestEpollDispatcher::timerStoppedByAnEarlierHandlerDoesNotFire()
{
    QTimer first, second;
    first.setSingleShot(true);
    second.setSingleShot(true);
    int secondFired = 0;
    connect(&first, &QTimer::timeout, this, [&] { second.stop(); });
    connect(&second, &QTimer::timeout, this, [&] { ++secondFired; });
    first.start(5);
    second.start(5);    // due in the same iteration as the first, after it
    QTest::qWait(50);
    QCOMPARE(secondFired, 0);
    QVERIFY(!second.isActive());
}

void TestEpollDispatcher::zeroTimerDoesNotStarveSockets()
{
    QTimer busy;
    int ticks = 0;
    connect(&busy, &QTimer::timeout, this, [&] { ++ticks; });
    busy.start(0);
    SocketPair pair;
    QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
    int reads = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        ++reads;
        pair.drain();
    });
    pair.send();
    QTRY_COMPARE(reads, 1);
    QVERIFY(ticks > 0);
}

void TestEpollDispatcher::timerBookkeeping()
{
    TimerCounter counter;
    const int id = counter.startTimer(10000);
    QVERIFY(id > 0);
    const int left = QAbstractEventDispatcher::instance()->remainingTime(id);
    QVERIFY2(left > 9000 && left <= 10000, qPrintable(QString::number(left)));
    const auto timers = QAbstractEventDispatcher::instance()->registeredTimers(&counter);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, id);
    QCOMPARE(timers.first().interval, 10000);
    counter.killTimer(id);
    QCOMPARE(QAbstractEventDispatcher::instance()->remainingTime(id), -1);
    QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&counter).isEmpty());

    // A repeating timer fires again and again, and an object's timers all go with it.
    auto *owner = new TimerCounter;
    const int repeating = owner->startTimer(1);
    owner->startTimer(100000);
    QTRY_VERIFY(owner->fired.size() >= 3);
    QVERIFY(owner->fired.count(repeating) == owner->fired.size());
    delete owner;    // unregisters both; a later iteration must not touch them
    spin();
}

void TestEpollDispatcher::notifierFollowsEnableAndDisable()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
    int reads = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] { ++reads; });
    pair.send();
    QTRY_VERIFY(reads > 0);
    // Level-triggered, as Qt's own dispatchers: unread data keeps waking the notifier.
    const int before = reads;
    spin();
    QVERIFY(reads > before);
    notifier.setEnabled(false);
    const int disabledAt = reads;
    spin();
    QCOMPARE(reads, disabledAt);
    // Disabled and enabled again within one iteration: the kernel must still watch it.
    notifier.setEnabled(true);
    notifier.setEnabled(false);
    notifier.setEnabled(true);
    spin();
    QVERIFY(reads > disabledAt);
    pair.drain();
}

void TestEpollDispatcher::descriptorClosedAndReusedWithinOneIteration()
{
    auto *old = new SocketPair;
    auto *oldNotifier = new QSocketNotifier(old->fd[0], QSocketNotifier::Read);
    spin(2);    // the kernel now watches the old descriptor
    const int number = old->fd[0];
    // Without returning to the loop: the notifier goes, the socket closes, and a new socket gets the same number.
    delete oldNotifier;
    delete old;
    SocketPair fresh;
    if (fresh.fd[0] != number) {
        QCOMPARE(::dup2(fresh.fd[0], number), number);
        ::close(fresh.fd[0]);
        fresh.fd[0] = number;
    }
    QSocketNotifier notifier(number, QSocketNotifier::Read);
    int reads = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        ++reads;
        fresh.drain();
    });
    fresh.send();
    QTRY_COMPARE(reads, 1);
}

void TestEpollDispatcher::notifierDeletedByAnotherHandler()
{
    SocketPair a, b;
    auto *first = new QSocketNotifier(a.fd[0], QSocketNotifier::Read);
    auto *second = new QSocketNotifier(b.fd[0], QSocketNotifier::Read);
    QPointer<QSocketNotifier> firstAlive(first), secondAlive(second);
    int fired = 0;
    // Whichever fires first deletes the other, although both are ready in the same iteration.
    connect(first, &QSocketNotifier::activated, this, [&] {
        ++fired;
        delete secondAlive.data();
        a.drain();
    });
    connect(second, &QSocketNotifier::activated, this, [&] {
        ++fired;
        delete firstAlive.data();
        b.drain();
    });
    a.send();
    b.send();
    spin(2);
    QCOMPARE(fired, 1);
    QCOMPARE(int(!firstAlive) + int(!secondAlive), 1);
    delete firstAlive.data();
    delete secondAlive.data();
}

void TestEpollDispatcher::regularFileIsAlwaysReady()
{
    // epoll cannot watch a regular file; poll() calls one always readable, and so does this dispatcher.
    QTemporaryFile file;
    QVERIFY(file.open());
    file.write("data");
    file.flush();
    QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
    int reads = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        if (++reads == 3)
            notifier.setEnabled(false);
    });
    QTRY_COMPARE(reads, 3);
    spin();
    QCOMPARE(reads, 3);
}

void TestEpollDispatcher::wakeUpFromAnotherThread()
{
    // The loop blocks with no timer and no ready socket; a call queued from another thread must wake it.
    QEventLoop loop;
    bool called = false;
    QThread *thread = QThread::create([&] {
        QThread::msleep(20);
        QMetaObject::invokeMethod(&loop, [&] {
            called = true;
            loop.quit();
        }, Qt::QueuedConnection);
    });
    thread->start();
    QTimer guard;    // a test that hangs is a failure, not a stuck run
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
    guard.start(10000);
    QCOMPARE(loop.exec(), 0);
    QVERIFY(called);
    thread->wait();
    delete thread;
}

void TestEpollDispatcher::deferredDelete()
{
    QPointer<QObject> object(new QObject);
    object->deleteLater();
    QVERIFY(object);
    QTRY_VERIFY(!object);
}

void TestEpollDispatcher::tcpEchoOverManySockets()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        while (QTcpSocket *peer = server.nextPendingConnection()) {
            connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll()); });
            connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
        }
    });
    constexpr int Clients = 300;
    const QByteArray payload(4096, 'p');    // more than one read each, so notifiers toggle on the way
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    int echoed = 0;
    for (int i = 0; i < Clients; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *s = socket.get();
        auto received = std::make_shared<qsizetype>(0);
        connect(s, &QTcpSocket::connected, s, [s, payload] { s->write(payload); });
        connect(s, &QTcpSocket::readyRead, s, [s, received, &echoed, payload] {
            *received += s->readAll().size();
            if (*received == payload.size())
                ++echoed;
        });
        s->connectToHost(QHostAddress::LocalHost, server.serverPort());
        clients.push_back(std::move(socket));
    }
    QTRY_COMPARE_WITH_TIMEOUT(echoed, Clients, 30000);
    for (auto &c : clients)
        c->disconnectFromHost();
    clients.clear();
    spin();
}

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
