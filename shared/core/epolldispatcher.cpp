#include "core/epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace parley::core {

namespace {

constexpr int MaxEventsPerWait = 512;

qint64 nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// What each notifier type waits for, and which ready events wake it (as Qt's poll() dispatcher does: a hang-up or
// an error wakes every type, so the owner reads the error).
constexpr uint32_t interest[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};
constexpr uint32_t wakesOn[3] = {EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR,
                                 EPOLLPRI | EPOLLHUP | EPOLLERR};

} // namespace

struct EpollEventDispatcher::Private {
    struct Timer {
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadline = 0;        // ns, CLOCK_MONOTONIC
        quint64 serial = 0;         // tells a timer from a later one that reuses its id
        bool inEvent = false;       // its timer event is being delivered: it does not fire again meanwhile
    };
    struct Descriptor {
        QSocketNotifier *notifiers[3] = {};
        uint32_t inKernel = 0;      // the interest the kernel holds (0: not in the epoll set)
        uint8_t pending = 0;        // types found ready in this iteration and not yet delivered
        bool dirty = false;         // the notifiers changed since the kernel was last told
        bool emptied = false;       // all notifiers went away meanwhile: the descriptor may have been closed and reused
        bool alwaysReady = false;   // a file epoll cannot watch (a regular file): ready, as poll() says

        uint32_t wanted() const
        {
            uint32_t mask = 0;
            for (int t = 0; t < 3; ++t)
                if (notifiers[t])
                    mask |= interest[t];
            return mask;
        }
    };

    int epoll = -1;
    int wakeFd = -1;
    std::atomic<int> wakeUps{0};
    std::atomic<bool> interrupted{false};

    std::unordered_map<int, Descriptor> descriptors;
    std::vector<int> dirty;
    std::vector<std::pair<int, int>> pending;      // (descriptor, type) in the order found ready
    int alwaysReady = 0;

    std::unordered_map<int, Timer> timers;
    std::set<std::pair<qint64, int>> byDeadline;
    std::unordered_map<QObject *, std::vector<int>> byObject;
    quint64 nextSerial = 1;

    void markDirty(int fd, Descriptor &entry)
    {
        if (!entry.dirty) {
            entry.dirty = true;
            dirty.push_back(fd);
        }
    }
    void applyChanges();
    void apply(int fd, Descriptor &entry);
    int waitAndMark(int timeoutMs);
    void drainWakeUps();
    int activateNotifiers();

    int timerWaitMs() const;
    int activateTimers();
    void removeTimer(std::unordered_map<int, Timer>::iterator it);
    static qint64 effectiveIntervalMs(qint64 intervalMs, Qt::TimerType type)
    {
        // A very coarse timer keeps whole seconds, as Qt's own dispatcher rounds it.
        return type == Qt::VeryCoarseTimer ? (intervalMs + 500) / 1000 * 1000 : intervalMs;
    }
};

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent), d(std::make_unique<Private>())
{
    d->epoll = ::epoll_create1(EPOLL_CLOEXEC);
    d->wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d->epoll < 0 || d->wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create the epoll set or the wake-up descriptor: %s", std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = d->wakeFd;
    if (::epoll_ctl(d->epoll, EPOLL_CTL_ADD, d->wakeFd, &event) < 0)
        qFatal("EpollEventDispatcher: cannot watch the wake-up descriptor: %s", std::strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(d->wakeFd);
    ::close(d->epoll);
}

// --- socket notifiers ---

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("QSocketNotifier: socket notifiers cannot be enabled from another thread");
        return;
    }
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    Private::Descriptor &entry = d->descriptors[fd];
    if (entry.notifiers[type] && entry.notifiers[type] != notifier)
        qWarning("EpollEventDispatcher: two socket notifiers of one type for socket %d", fd);
    entry.notifiers[type] = notifier;
    d->markDirty(fd, entry);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("QSocketNotifier: socket notifiers cannot be disabled from another thread");
        return;
    }
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    const auto it = d->descriptors.find(fd);
    if (it == d->descriptors.end() || it->second.notifiers[type] != notifier)
        return;
    Private::Descriptor &entry = it->second;
    entry.notifiers[type] = nullptr;
    entry.pending &= uint8_t(~(1u << type));
    if (!entry.notifiers[0] && !entry.notifiers[1] && !entry.notifiers[2])
        entry.emptied = true;
    d->markDirty(fd, entry);
}

void EpollEventDispatcher::Private::applyChanges()
{
    for (const int fd : dirty) {
        const auto it = descriptors.find(fd);
        if (it == descriptors.end())
            continue;
        apply(fd, it->second);
        if (it->second.wanted() == 0 && !it->second.alwaysReady)
            descriptors.erase(it);
    }
    dirty.clear();
}

void EpollEventDispatcher::Private::apply(int fd, Descriptor &entry)
{
    entry.dirty = false;
    const uint32_t want = entry.wanted();
    if (entry.alwaysReady) {
        if (want == 0 || entry.emptied) {
            entry.alwaysReady = false;
            --alwaysReady;
        } else {
            return;
        }
    }
    // A descriptor whose notifiers all went away may have been closed (the kernel then dropped it from the set)
    // and its number reused: it is added afresh rather than trusted to be still in the set.
    const bool fresh = entry.emptied;
    entry.emptied = false;
    if (want == 0) {
        if (entry.inKernel)
            ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);    // fails harmlessly when the descriptor was closed
        entry.inKernel = 0;
        return;
    }
    if (want == entry.inKernel && !fresh)
        return;
    epoll_event event{};
    event.events = want;
    event.data.fd = fd;
    int result = ::epoll_ctl(epoll, entry.inKernel && !fresh ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    if (result < 0 && errno == EEXIST)
        result = ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
    else if (result < 0 && errno == ENOENT)
        result = ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    if (result == 0) {
        entry.inKernel = want;
    } else if (errno == EPERM) {
        entry.inKernel = 0;
        entry.alwaysReady = true;
        ++alwaysReady;
    } else {
        entry.inKernel = 0;
        qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, std::strerror(errno));
    }
}

int EpollEventDispatcher::Private::waitAndMark(int timeoutMs)
{
    epoll_event events[MaxEventsPerWait];
    const int n = ::epoll_wait(epoll, events, MaxEventsPerWait, timeoutMs);
    int woken = 0;
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wakeFd) {
            drainWakeUps();
            ++woken;
            continue;
        }
        const auto it = descriptors.find(fd);
        if (it == descriptors.end())
            continue;
        Descriptor &entry = it->second;
        for (int t = 0; t < 3; ++t) {
            if (entry.notifiers[t] && (events[i].events & wakesOn[t]) && !(entry.pending & (1u << t))) {
                entry.pending |= uint8_t(1u << t);
                pending.emplace_back(fd, t);
            }
        }
    }
    if (alwaysReady > 0) {
        for (auto &[fd, entry] : descriptors) {
            if (!entry.alwaysReady)
                continue;
            for (int t = 0; t < 3; ++t) {
                if (entry.notifiers[t] && !(entry.pending & (1u << t))) {
                    entry.pending |= uint8_t(1u << t);
                    pending.emplace_back(fd, t);
                }
            }
        }
    }
    return woken;
}

void EpollEventDispatcher::Private::drainWakeUps()
{
    eventfd_t value = 0;
    ::eventfd_read(wakeFd, &value);
    wakeUps.store(0, std::memory_order_release);
}

int EpollEventDispatcher::Private::activateNotifiers()
{
    int activated = 0;
    QEvent event(QEvent::SockAct);
    // A notifier's handler may enable, disable or delete notifiers, itself included: each delivery looks the
    // descriptor up again, and an unregistered notifier has lost its pending bit.
    for (size_t i = 0; i < pending.size(); ++i) {
        const auto [fd, type] = pending[i];
        const auto it = descriptors.find(fd);
        if (it == descriptors.end() || !(it->second.pending & (1u << type)))
            continue;
        it->second.pending &= uint8_t(~(1u << type));
        if (QSocketNotifier *notifier = it->second.notifiers[type]) {
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
    }
    pending.clear();
    return activated;
}

// --- timers ---

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (object->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::registerTimer: timers cannot be started from another thread");
        return;
    }
    if (const auto old = d->timers.find(timerId); old != d->timers.end())
        d->removeTimer(old);
    Private::Timer timer;
    timer.intervalMs = Private::effectiveIntervalMs(interval, timerType);
    timer.type = timerType;
    timer.object = object;
    timer.deadline = nowNs() + timer.intervalMs * 1000000;
    timer.serial = d->nextSerial++;
    d->byDeadline.emplace(timer.deadline, timerId);
    d->byObject[object].push_back(timerId);
    d->timers.emplace(timerId, timer);
}

void EpollEventDispatcher::Private::removeTimer(std::unordered_map<int, Timer>::iterator it)
{
    const int id = it->first;
    byDeadline.erase({it->second.deadline, id});
    const auto owner = byObject.find(it->second.object);
    if (owner != byObject.end()) {
        auto &ids = owner->second;
        std::erase(ids, id);
        if (ids.empty())
            byObject.erase(owner);
    }
    timers.erase(it);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    if (thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::unregisterTimer: timers cannot be stopped from another thread");
        return false;
    }
    const auto it = d->timers.find(timerId);
    if (it == d->timers.end())
        return false;
    d->removeTimer(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    if (!object || object->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::unregisterTimers: invalid argument or another thread");
        return false;
    }
    const auto owner = d->byObject.find(object);
    if (owner == d->byObject.end())
        return false;
    const std::vector<int> ids = std::move(owner->second);
    d->byObject.erase(owner);
    for (const int id : ids) {
        const auto it = d->timers.find(id);
        if (it != d->timers.end()) {
            d->byDeadline.erase({it->second.deadline, id});
            d->timers.erase(it);
        }
    }
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    const auto owner = d->byObject.find(object);
    if (owner == d->byObject.end())
        return list;
    for (const int id : owner->second) {
        const Private::Timer &t = d->timers.at(id);
        list.append(TimerInfo(id, int(t.intervalMs), t.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = d->timers.find(timerId);
    if (it == d->timers.end())
        return -1;
    const qint64 left = it->second.deadline - nowNs();
    return left <= 0 ? 0 : int((left + 999999) / 1000000);
}

int EpollEventDispatcher::Private::timerWaitMs() const
{
    const qint64 now = nowNs();
    for (const auto &[deadline, id] : byDeadline) {
        if (timers.at(id).inEvent)
            continue;    // a timer whose event is being delivered (a nested loop) does not decide the wait
        const qint64 left = deadline - now;
        // Rounded up: waking before the deadline would only spin.
        return left <= 0 ? 0 : int(std::min<qint64>((left + 999999) / 1000000, 1 << 30));
    }
    return -1;
}

int EpollEventDispatcher::Private::activateTimers()
{
    const qint64 now = nowNs();
    std::vector<int> due;
    for (auto it = byDeadline.begin(); it != byDeadline.end() && it->first <= now; ++it)
        due.push_back(it->second);
    int fired = 0;
    for (const int id : due) {
        auto it = timers.find(id);
        if (it == timers.end() || it->second.inEvent || it->second.deadline > now)
            continue;    // stopped, restarted or re-entered by an earlier timer's handler
        Timer &t = it->second;
        byDeadline.erase({t.deadline, id});
        // The next deadline keeps the timer's rhythm, unless it fell behind (then it counts from now).
        t.deadline += t.intervalMs * 1000000;
        if (t.deadline < now)
            t.deadline = now + t.intervalMs * 1000000;
        byDeadline.emplace(t.deadline, id);
        t.inEvent = true;
        const quint64 serial = t.serial;
        QObject *object = t.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = timers.find(id);
        if (it != timers.end() && it->second.serial == serial)
            it->second.inEvent = false;
    }
    return fired;
}

// --- the loop ---

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    d->interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !d->interrupted.load(std::memory_order_relaxed);
    if (canWait)
        Q_EMIT aboutToBlock();
    if (d->interrupted.load(std::memory_order_relaxed))
        return false;

    int timeoutMs = 0;
    if (canWait) {
        timeoutMs = includeTimers ? d->timerWaitMs() : -1;
        if (includeNotifiers && d->alwaysReady > 0)
            timeoutMs = 0;
    }
    int handled = 0;
    if (includeNotifiers) {
        d->applyChanges();
        handled += d->waitAndMark(timeoutMs);
        handled += d->activateNotifiers();
    } else {
        // Sockets are left for a later iteration: wait for a wake-up or a timer only.
        pollfd wake{d->wakeFd, POLLIN, 0};
        if (::poll(&wake, 1, timeoutMs) > 0 && (wake.revents & POLLIN)) {
            d->drainWakeUps();
            ++handled;
        }
    }
    if (includeTimers)
        handled += d->activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::wakeUp()
{
    int expected = 0;
    if (d->wakeUps.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
        ::eventfd_write(d->wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    d->interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

QAbstractEventDispatcher *createEventDispatcher()
{
    if (qEnvironmentVariable("PARLEY_EVENT_DISPATCHER") == QLatin1StringView("qt"))
        return nullptr;
    return new EpollEventDispatcher;
}

bool installEpollDispatcher()
{
    QAbstractEventDispatcher *dispatcher = createEventDispatcher();
    if (dispatcher)
        QCoreApplication::setEventDispatcher(dispatcher);
    return dispatcher;
}

} // namespace parley::core
