#include "daemon/signalwatcher.h"

#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

int writeEnd = -1;

void onSignal(int number)
{
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(number);
    // Async-signal-safe; if the pipe is full a shutdown is already pending.
    [[maybe_unused]] const ssize_t n = ::write(writeEnd, &byte, 1);
    errno = saved;
}

} // namespace

struct SignalWatcher::Private {
    int fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> notifier;
    struct sigaction previousTerm {};
    struct sigaction previousInt {};
};

SignalWatcher::SignalWatcher() : d(std::make_unique<Private>()) {}

Result<std::unique_ptr<SignalWatcher>> SignalWatcher::install()
{
    if (writeEnd >= 0)
        return makeError(ErrorCode::InvalidArgument, u"a signal watcher is already installed"_s);
    std::unique_ptr<SignalWatcher> watcher(new SignalWatcher);
    Private *d = watcher->d.get();
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, d->fds) != 0)
        return makeError(ErrorCode::Io, u"cannot create the signal socket pair: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno))));
    writeEnd = d->fds[0];

    d->notifier = std::make_unique<QSocketNotifier>(d->fds[1], QSocketNotifier::Read);
    SignalWatcher *self = watcher.get();
    QObject::connect(d->notifier.get(), &QSocketNotifier::activated, self, [self] {
        unsigned char byte = 0;
        while (::read(self->d->fds[1], &byte, 1) == 1)
            Q_EMIT self->terminationRequested(int(byte));
    });

    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (::sigaction(SIGTERM, &action, &d->previousTerm) != 0 || ::sigaction(SIGINT, &action, &d->previousInt) != 0)
        return makeError(ErrorCode::Internal, u"cannot install the signal handlers: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno))));
    return watcher;
}

SignalWatcher::~SignalWatcher()
{
    if (d->fds[0] >= 0) {
        ::sigaction(SIGTERM, &d->previousTerm, nullptr);
        ::sigaction(SIGINT, &d->previousInt, nullptr);
        writeEnd = -1;
        d->notifier.reset();
        ::close(d->fds[0]);
        ::close(d->fds[1]);
    }
}

} // namespace parley::server
