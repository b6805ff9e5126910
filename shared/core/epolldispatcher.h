#pragma once

// An event dispatcher for Qt's event loop built on Linux's epoll, for processes that hold thousands of sockets.
//
// Qt 6.4's dispatchers on Linux (GLib's main loop, or Qt's own over poll()) hand the kernel the whole list of
// watched descriptors on every iteration of the event loop, and the kernel polls each one: with 10,000 idle
// connections every message a relay forwards pays for 10,000 socket polls. Here the kernel keeps the interest list
// (epoll) and each wait returns only the descriptors that are ready, so the cost of an iteration no longer grows with
// the number of connections. Changes to a descriptor's interest (a QSocketNotifier enabled or disabled, which
// QAbstractSocket does often) are collected and handed to the kernel once, before the next wait.
//
// Timers are kept ordered by deadline (an ordered set, and an index per object), so starting, stopping and firing a
// timer costs O(log n) however many connections each hold one. Semantics follow Qt's own dispatcher: a timer fires
// at most once per iteration and never re-enters its own timer event; posted events are sent first in every
// iteration; wakeUp() and interrupt() may be called from any thread.
//
// Install it for a thread's loop before that loop exists: for the main thread with
// QCoreApplication::setEventDispatcher() before the QCoreApplication is constructed (installEpollDispatcher() does
// that unless PARLEY_EVENT_DISPATCHER=qt asks for Qt's own).

#include "parley_export.h"

#include <QAbstractEventDispatcher>

#include <memory>

namespace parley::core {

class PARLEY_EXPORT EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// A new EpollEventDispatcher, or null when the environment variable PARLEY_EVENT_DISPATCHER is "qt" (Qt's own
// dispatcher, for comparison or as a way out). For a QThread: QThread::setEventDispatcher() before start().
PARLEY_EXPORT QAbstractEventDispatcher *createEventDispatcher();
// The same for the main thread: installs it with QCoreApplication::setEventDispatcher(). Call before constructing the
// QCoreApplication. Returns whether it was installed.
PARLEY_EXPORT bool installEpollDispatcher();

} // namespace parley::core
