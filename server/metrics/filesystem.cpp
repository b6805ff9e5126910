#include "metrics/filesystem.h"

#include <QFile>

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace parley::server::metrics {

std::optional<FileSystemSpace> fileSystemSpace(const QString &path, QString *error)
{
    struct statvfs s {};
    if (::statvfs(QFile::encodeName(path).constData(), &s) != 0) {
        if (error)
            *error = QString::fromLocal8Bit(std::strerror(errno));
        return std::nullopt;
    }
    const quint64 unit = s.f_frsize ? quint64(s.f_frsize) : quint64(s.f_bsize);
    return FileSystemSpace{quint64(s.f_bavail) * unit, quint64(s.f_blocks) * unit};
}

} // namespace parley::server::metrics
