#include "store/blobfiles.h"

#include <QDir>
#include <QFile>
#include <QObject>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

Error ioError(const QString &what, int error)
{
    return makeError(ErrorCode::Io, what + u": "_s + QString::fromLocal8Bit(std::strerror(error)));
}

// A descriptor closed on every path.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }

private:
    int m_fd;
};

// A blob file's name: the 16-byte id in lower-case hex, as pathOf() writes it.
bool isBlobName(const char *name)
{
    int n = 0;
    for (; name[n] != '\0'; ++n) {
        if (n == 32 || !((name[n] >= '0' && name[n] <= '9') || (name[n] >= 'a' && name[n] <= 'f')))
            return false;
    }
    return n == 32;
}

Status syncPath(const QByteArray &path, int flags)
{
    const Fd fd(::open(path.constData(), flags | O_CLOEXEC));
    if (!fd.valid())
        return ioError(u"cannot open %1"_s.arg(QString::fromLocal8Bit(path)), errno);
    if (::fsync(fd.get()) != 0)
        return ioError(u"cannot sync %1"_s.arg(QString::fromLocal8Bit(path)), errno);
    return {};
}

} // namespace

struct BlobFiles::Private {
    QString directory;
    QThread thread;
    QObject *context = nullptr;   // lives in `thread`; jobs are queued calls on it
};

BlobFiles::BlobFiles(const QString &directory) : d(std::make_unique<Private>())
{
    d->directory = directory;
    d->thread.setObjectName(u"parleyd-blobs"_s);
    d->context = new QObject;
    d->context->moveToThread(&d->thread);
    QObject::connect(&d->thread, &QThread::finished, d->context, &QObject::deleteLater);
    d->thread.start();
}

BlobFiles::~BlobFiles()
{
    stop();
}

void BlobFiles::stop()
{
    d->thread.quit();
    d->thread.wait();
}

Result<std::unique_ptr<BlobFiles>> BlobFiles::open(const QString &directory)
{
    const QByteArray path = QFile::encodeName(directory);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST)
        return ioError(u"cannot create the blob directory %1"_s.arg(directory), errno);
    if (::chmod(path.constData(), 0700) != 0)
        return ioError(u"cannot restrict the blob directory %1"_s.arg(directory), errno);
    return std::unique_ptr<BlobFiles>(new BlobFiles(directory));
}

QString BlobFiles::directory() const
{
    return d->directory;
}

QString BlobFiles::pathOf(const QByteArray &bid) const
{
    return d->directory + u'/' + QString::fromLatin1(bid.toHex());
}

void BlobFiles::post(std::function<void()> job)
{
    QMetaObject::invokeMethod(d->context, std::move(job), Qt::QueuedConnection);
}

Status BlobFiles::prepare(const QByteArray &bid, qint64 keep)
{
    const QByteArray path = QFile::encodeName(pathOf(bid));
    const Fd fd(::open(path.constData(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
        return ioError(u"cannot create a blob file"_s, errno);
    if (::ftruncate(fd.get(), keep) != 0)
        return ioError(u"cannot cut a blob file"_s, errno);
    if (::fsync(fd.get()) != 0)
        return ioError(u"cannot sync a blob file"_s, errno);
    return syncDirectory();
}

Status BlobFiles::write(const QByteArray &bid, qint64 offset, const QByteArray &data)
{
    const QByteArray path = QFile::encodeName(pathOf(bid));
    const Fd fd(::open(path.constData(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT)
            return makeError(ErrorCode::NotFound, u"no such blob"_s);
        return ioError(u"cannot open a blob file"_s, errno);
    }
    qint64 done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pwrite(fd.get(), data.constData() + done, size_t(data.size() - done), off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(u"cannot write a blob file"_s, errno);
        }
        done += n;
    }
    if (::fdatasync(fd.get()) != 0)
        return ioError(u"cannot sync a blob file"_s, errno);
    return {};
}

Result<QByteArray> BlobFiles::read(const QByteArray &bid, qint64 offset, qint64 max)
{
    const QByteArray path = QFile::encodeName(pathOf(bid));
    const Fd fd(::open(path.constData(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT)
            return makeError(ErrorCode::NotFound, u"no such blob"_s);
        return ioError(u"cannot open a blob file"_s, errno);
    }
    QByteArray out(max, Qt::Uninitialized);
    qint64 done = 0;
    while (done < max) {
        const ssize_t n = ::pread(fd.get(), out.data() + done, size_t(max - done), off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(u"cannot read a blob file"_s, errno);
        }
        if (n == 0)
            return makeError(ErrorCode::Io, u"a blob file is shorter than its record"_s);
        done += n;
    }
    return out;
}

Status BlobFiles::remove(const QByteArray &bid)
{
    const QByteArray path = QFile::encodeName(pathOf(bid));
    if (::unlink(path.constData()) != 0 && errno != ENOENT)
        return ioError(u"cannot delete a blob file"_s, errno);
    return {};
}

Status BlobFiles::syncDirectory()
{
    return syncPath(QFile::encodeName(d->directory), O_RDONLY | O_DIRECTORY);
}

Result<BlobFiles::Listing> BlobFiles::list() const
{
    const QByteArray path = QFile::encodeName(d->directory);
    DIR *dir = ::opendir(path.constData());
    if (!dir)
        return ioError(u"cannot read the blob directory"_s, errno);
    Listing out;
    int error = 0;
    for (;;) {
        errno = 0;
        const dirent *entry = ::readdir(dir);
        if (!entry) {
            error = errno;
            break;
        }
        const char *name = entry->d_name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0)
            continue;
        // Not followed: a link named like a blob is not one of the server's files.
        struct stat st {};
        if (isBlobName(name) && ::fstatat(::dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            out.bids.append(QByteArray::fromHex(QByteArray(name)));
        else
            ++out.others;
    }
    ::closedir(dir);
    if (error != 0)
        return ioError(u"cannot read the blob directory"_s, error);
    return out;
}

} // namespace parley::server
