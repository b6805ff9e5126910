#include "passphrase.h"

#include "crypto/securebuffer.h"

#include <QFile>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley::cli {

namespace {

constexpr qsizetype MaxPassphraseBytes = 4096;

QByteArray firstLine(QByteArray data)
{
    const qsizetype nl = data.indexOf('\n');
    QByteArray line = nl >= 0 ? data.left(nl) : data;
    crypto::cleanse(data);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

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

} // namespace

Result<QByteArray> Passphrase::fromFile(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read the passphrase file %1: %2"_s.arg(file, f.errorString()));
    QByteArray line = firstLine(f.read(MaxPassphraseBytes));
    if (line.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"the passphrase file %1 is empty"_s.arg(file));
    return line;
}

Result<QByteArray> Passphrase::obtain(const QString &file, const QString &promptText, bool confirm)
{
    if (!file.isEmpty())
        return fromFile(file);
    if (const char *env = std::getenv("PARLEY_PASSPHRASE"); env && *env)
        return QByteArray(env);
    Result<QByteArray> first = prompt(promptText);
    if (!first || !confirm)
        return first;
    Result<QByteArray> second = prompt(u"Repeat the passphrase: "_s);
    if (!second)
        return second;
    const bool same = first.value() == second.value();
    crypto::cleanse(second.value());
    if (!same) {
        crypto::cleanse(first.value());
        return makeError(ErrorCode::InvalidArgument, u"the passphrases do not match"_s);
    }
    return first;
}

Result<QByteArray> Passphrase::prompt(const QString &text)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::InvalidArgument,
                         u"no passphrase given and no terminal to ask on: use --passphrase-file FILE or set "
                         u"PARLEY_PASSPHRASE"_s);
    const QByteArray promptBytes = text.toUtf8();
    QByteArray line;
    {
        EchoOff quiet(fd);
        if (::write(fd, promptBytes.constData(), size_t(promptBytes.size())) < 0) {
            ::close(fd);
            return makeError(ErrorCode::Io, u"cannot write to the terminal"_s);
        }
        char c = 0;
        for (;;) {
            const ssize_t n = ::read(fd, &c, 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || c == '\n')
                break;
            if (line.size() < MaxPassphraseBytes)
                line.append(c);
        }
        c = 0;
    }
    ::close(fd);
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"an empty passphrase is not allowed"_s);
    return line;
}

} // namespace parley::cli
