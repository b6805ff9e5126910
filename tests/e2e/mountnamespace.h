#pragma once

// A mount namespace of the test process's own, so that it may mount a size-limited tmpfs as a daemon's data
// directory: with a user namespace (unprivileged, where user namespaces are allowed), or without one when that is
// refused but the process may create a mount namespace itself (root). Call it in main(), before QCoreApplication or
// anything else starts a thread.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

namespace parley::e2e {

inline QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

inline bool writeProcFile(const char *path, const QByteArray &text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.constData(), size_t(text.size())) == text.size();
    return ::close(fd) == 0 && ok;
}

// Why the process has no mount namespace of its own, or nothing when it has one now.
inline QString enterPrivateMountNamespace()
{
    using namespace Qt::StringLiterals;
    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
        if (!writeProcFile("/proc/self/setgroups", "deny")
            || !writeProcFile("/proc/self/uid_map", "0 " + QByteArray::number(uid) + " 1\n")
            || !writeProcFile("/proc/self/gid_map", "0 " + QByteArray::number(gid) + " 1\n"))
            return u"cannot map the user namespace's ids: "_s + errnoText();
    } else {
        const QString userError = errnoText();
        if (::unshare(CLONE_NEWNS) != 0)
            return u"unshare(CLONE_NEWUSER | CLONE_NEWNS): %1; unshare(CLONE_NEWNS): %2"_s.arg(userError, errnoText());
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return u"cannot make the mounts private: "_s + errnoText();
    return {};
}

// Mounts a tmpfs of `size` (mount(8)'s spelling: 16m, 2304m) at `path`, mode 0700; why not, or nothing.
inline QString mountTmpfs(const QString &path, const QByteArray &size)
{
    if (::mount("parley-test", QFile::encodeName(path).constData(), "tmpfs", MS_NOSUID | MS_NODEV,
                ("size=" + size + ",mode=0700").constData()) != 0)
        return QStringLiteral("mount tmpfs: ") + errnoText();
    return {};
}

} // namespace parley::e2e
