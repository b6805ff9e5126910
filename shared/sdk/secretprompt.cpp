#include "secretprompt.h"

#include "crypto/securebuffer.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley {

namespace {

// Restores the terminal's echo whatever way the prompt ends.
class EchoOff {
public:
    explicit EchoOff(int fd) : m_fd(fd)
    {
        if (tcgetattr(fd, &m_saved) == 0) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            quiet.c_lflag |= ECHONL;
            m_active = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff()
    {
        if (m_active)
            tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
    int m_fd;
    termios m_saved{};
    bool m_active = false;
};

// Closes a descriptor this code opened.
class OwnedFd {
public:
    explicit OwnedFd(int fd, bool owned) : m_fd(fd), m_owned(owned) {}
    ~OwnedFd()
    {
        if (m_owned && m_fd >= 0)
            ::close(m_fd);
    }
    OwnedFd(const OwnedFd &) = delete;
    OwnedFd &operator=(const OwnedFd &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
    bool m_owned;
};

} // namespace

Result<QByteArray> SecretPrompt::ask(const QString &prompt, Terminal terminal)
{
    const bool controlling = terminal == Terminal::Controlling;
    if (!controlling && !::isatty(STDIN_FILENO))
        return makeError(ErrorCode::Unavailable, u"standard input is not a terminal"_s);
    const OwnedFd input(controlling ? ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) : STDIN_FILENO, controlling);
    if (input.get() < 0)
        return makeError(ErrorCode::Unavailable, u"no terminal to ask on"_s);
    const int output = controlling ? input.get() : STDERR_FILENO;
    const QByteArray promptBytes = prompt.toUtf8();
    QByteArray line;
    {
        EchoOff quiet(input.get());
        if (::write(output, promptBytes.constData(), size_t(promptBytes.size())) < 0)
            return makeError(ErrorCode::Io, u"cannot write to the terminal"_s);
        char c = 0;
        for (;;) {
            const ssize_t n = ::read(input.get(), &c, 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || c == '\n')
                break;
            if (line.size() < MaxBytes)
                line.append(c);
        }
        c = 0;
    }
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"nothing entered"_s);
    return line;
}

Result<QByteArray> SecretPrompt::firstLine(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read %1: %2"_s.arg(file, f.errorString()));
    QByteArray data = f.read(MaxBytes + 2);
    const qsizetype nl = data.indexOf('\n');
    QByteArray line = nl >= 0 ? data.left(nl) : data.left(MaxBytes);
    crypto::cleanse(data);
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"%1 is empty"_s.arg(file));
    return line;
}

} // namespace parley
