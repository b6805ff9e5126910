#include "daemon/testhooks.h"

#include "daemon/logging.h"

#include <QByteArray>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QtGlobal>

#ifdef PARLEY_TEST_HOOKS
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#endif

using namespace Qt::StringLiterals;

namespace parley::server::testhooks {

namespace {

#ifdef PARLEY_TEST_HOOKS
// The variable's value within [min, max], or `fallback` when it is unset; a value that does not fit is logged and
// ignored.
int readHook(const char *name, int min, int max, int fallback)
{
    if (!qEnvironmentVariableIsSet(name))
        return fallback;
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    if (!ok || value < min || value > max) {
        qCWarning(lcServer).noquote() << u"Test hook %1 ignored: expected %2 ... %3"_s
                                             .arg(QString::fromLatin1(name)).arg(min).arg(max);
        return fallback;
    }
    qCWarning(lcServer).noquote() << u"Test hook %1=%2 in force"_s.arg(QString::fromLatin1(name)).arg(value);
    return value;
}

int g_userSignalWriteEnd = -1;

void onUserSignalRaised(int)
{
    const int saved = errno;
    const unsigned char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_userSignalWriteEnd, &byte, 1);
    errno = saved;
}
#else
int readHook(const char *, int, int, int fallback)
{
    return fallback;
}
#endif

} // namespace

int historyIntervalMs(int fallback)
{
    static const int value = readHook("PARLEY_TEST_HISTORY_INTERVAL_MS", 100, 10000, fallback);
    return value;
}

int heartbeatIntervalMs(int fallback)
{
    static const int value = readHook("PARLEY_TEST_HEARTBEAT_MS", 50, 5000, fallback);
    return value;
}

int blockWorkerMs()
{
    static const int value = readHook("PARLEY_TEST_BLOCK_WORKER_MS", 1, 600000, 0);
    return value;
}

void onUserSignal(QObject *context, std::function<void()> handler)
{
#ifdef PARLEY_TEST_HOOKS
    if (blockWorkerMs() <= 0 || g_userSignalWriteEnd >= 0)
        return;
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) {
        qCWarning(lcServer) << "Test hook: cannot create the SIGUSR1 socket pair";
        return;
    }
    g_userSignalWriteEnd = fds[0];
    auto *notifier = new QSocketNotifier(fds[1], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [fd = fds[1], handler = std::move(handler)] {
        unsigned char byte = 0;
        while (::read(fd, &byte, 1) == 1)
            handler();
    });
    struct sigaction action {};
    action.sa_handler = onUserSignalRaised;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (::sigaction(SIGUSR1, &action, nullptr) != 0)
        qCWarning(lcServer) << "Test hook: cannot install the SIGUSR1 handler";
#else
    Q_UNUSED(context);
    Q_UNUSED(handler);
#endif
}

} // namespace parley::server::testhooks
