#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

namespace parley::server::metrics {

// The space of the file system that holds a path (statvfs(3)), for status' disk_low warning and the
// parleyd_data_dir_* metrics.
struct FileSystemSpace {
    quint64 availableBytes = 0;   // what an unprivileged process may still write (f_bavail)
    quint64 totalBytes = 0;       // the file system's size (f_blocks)
};

// Nothing when it cannot be read; `error` then says why.
std::optional<FileSystemSpace> fileSystemSpace(const QString &path, QString *error = nullptr);

} // namespace parley::server::metrics
