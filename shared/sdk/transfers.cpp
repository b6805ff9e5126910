#include "sdk/transfers.h"

#include "core/cborvalues.h"
#include "protocol/messages.h"
#include "sdk/connection.h"
#include "sdk/sdklog.h"

#include <QCborMap>
#include <QCborValue>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QPointer>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr quint64 AttachmentsVersion = 2;
constexpr qint64 PrepareStepBytes = 4 * 1024 * 1024;   // encrypted per event-loop turn while preparing
constexpr int DefaultRetryMs = 200;
constexpr int MaxRetryMs = 30000;
constexpr qint64 DefaultRequestChunk = 256 * 1024;

QString wireError(const protocol::Frame &reply)
{
    return Connection::errorCode(reply) + u": "_s + Connection::errorText(reply);
}

int retryMs(const protocol::Frame &reply)
{
    if (reply.type != protocol::ErrorReply::Type || Connection::isDisconnected(reply))
        return DefaultRetryMs;
    const std::optional<quint64> retry = protocol::ErrorReply::from(reply).retry;
    return retry ? int(qBound<quint64>(1, *retry, MaxRetryMs)) : DefaultRetryMs;
}

QString errnoText() { return QString::fromLocal8Bit(std::strerror(errno)); }

} // namespace

// ---- Upload --------------------------------------------------------------------------------------------------------

class Upload::Private {
public:
    Private(Upload *upload, Connection &c, const QString &p, UploadOptions o)
        : q(upload), connection(c), path(p), options(std::move(o)), cipher(QByteArray(), QByteArray(), 0)
    {
    }

    Upload *q;
    Connection &connection;
    QString path;
    UploadOptions options;
    Stage stage = Stage::Preparing;
    QFile file;
    qint64 fileSize = -1;
    qint64 fileMtimeMs = -1;
    FileCipher cipher;
    FileRef ref;
    QCryptographicHash hash{QCryptographicHash::Sha256};
    qint64 prepared = 0;            // chunks sealed and hashed so far
    qint64 cachedIndex = -1;        // the sealed chunk held in `cached`
    QByteArray cached;
    qint64 sendOffset = 0;          // the next blob_put's offset
    qint64 acked = 0;
    qint64 resumedAt = 0;
    qint64 serverChunk = DefaultRequestChunk;
    int inFlight = 0;
    quint64 generation = 0;         // replies of an earlier generation are stale (after a resync)
    bool triedResume = false;
    QString error;
    QTimer retry;

    void fail(const QString &message)
    {
        if (stage == Stage::Finished || stage == Stage::Failed)
            return;
        stage = Stage::Failed;
        ++generation;
        retry.stop();
        error = message;
        file.close();
        Q_EMIT q->failed(message);
    }

    Status statFile()
    {
        const QFileInfo info(path);
        if (!info.exists() || !info.isFile())
            return makeError(ErrorCode::Io, u"%1: no such file"_s.arg(path));
        if (!info.isReadable())
            return makeError(ErrorCode::Io, u"%1: not readable"_s.arg(path));
        fileSize = info.size();
        fileMtimeMs = info.lastModified().toMSecsSinceEpoch();
        return {};
    }

    void begin()
    {
        if (!connection.serverSpeaks(AttachmentsVersion))
            return fail(u"the server does not take attachments (it does not speak protocol version 2)"_s);
        if (Status s = statFile(); !s)
            return fail(s.error().message);
        if (fileSize > FileCipher::MaxLength)
            return fail(u"%1 is too large"_s.arg(path));
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(u"%1: %2"_s.arg(path, file.errorString()));
        ref.name = options.name.isEmpty() ? QFileInfo(path).fileName() : options.name;
        ref.type = options.type;
        if (ref.name.toUtf8().size() > FileRef::MaxNameBytes)
            return fail(u"the file name is longer than %1 bytes"_s.arg(FileRef::MaxNameBytes));
        if (adoptResumeState())
            return startUpload(ref.blob);
        cipher = FileCipher::generate(fileSize);
        prepared = 0;
        QTimer::singleShot(0, q, [this, gen = generation] { prepareStep(gen); });
    }

    // A resume state for this very file (same path, size and modification time) gives back key, digest and blob.
    bool adoptResumeState()
    {
        if (options.resumeState.isEmpty())
            return false;
        const QCborMap m = QCborValue::fromCbor(options.resumeState).toMap();
        if (m.value(u"path"_s).toString() != QFileInfo(path).absoluteFilePath()
            || integerOr(m.value(u"bytes"_s), -1) != fileSize
            || integerOr(m.value(u"mtime"_s), -1) != fileMtimeMs)
            return false;
        Result<FileRef> saved = FileRef::fromCbor(m.value(u"file"_s));
        if (!saved || saved->length != quint64(fileSize))
            return false;
        const QString name = ref.name;
        const QString type = ref.type;
        ref = saved.value();
        ref.name = name;
        ref.type = type;
        cipher = ref.cipher();
        return true;
    }

    void prepareStep(quint64 gen)
    {
        if (gen != generation || stage != Stage::Preparing)
            return;
        qint64 step = 0;
        while (prepared < cipher.chunks() && step < PrepareStepBytes) {
            Result<QByteArray> sealed = sealChunk(prepared);
            if (!sealed)
                return fail(sealed.error().message);
            hash.addData(sealed.value());
            step += sealed->size();
            ++prepared;
        }
        if (prepared < cipher.chunks()) {
            QTimer::singleShot(0, q, [this, gen] { prepareStep(gen); });
            return;
        }
        ref.key = cipher.key();
        ref.prefix = cipher.prefix();
        ref.chunk = quint64(cipher.chunk());
        ref.length = quint64(fileSize);
        ref.size = quint64(cipher.ciphertextSize());
        ref.sha256 = hash.result();
        startUpload(std::nullopt);
    }

    Result<QByteArray> sealChunk(qint64 index)
    {
        if (index == cachedIndex)
            return cached;
        const qint64 want = cipher.plainChunkSize(index);
        if (!file.seek(index * cipher.chunk()))
            return makeError(ErrorCode::Io, u"%1: %2"_s.arg(path, file.errorString()));
        const QByteArray plain = file.read(want);
        if (plain.size() != want)
            return makeError(ErrorCode::Io, u"%1 changed while it was being sent (it is shorter now)"_s.arg(path));
        Result<QByteArray> sealed = cipher.seal(index, plain);
        if (!sealed)
            return sealed.error();
        cachedIndex = index;
        cached = sealed.value();
        return cached;
    }

    Result<QByteArray> ciphertextAt(qint64 offset, qint64 size)
    {
        const qint64 sealedChunk = cipher.chunk() + FileCipher::TagSize;
        QByteArray out;
        out.reserve(size);
        while (out.size() < size) {
            const qint64 index = offset / sealedChunk;
            const qint64 within = offset % sealedChunk;
            Result<QByteArray> sealed = sealChunk(index);
            if (!sealed)
                return sealed.error();
            const qint64 take = qMin<qint64>(size - out.size(), sealed->size() - within);
            if (take <= 0)
                return makeError(ErrorCode::Internal, u"ciphertext offset out of range"_s);
            out.append(sealed->constData() + within, take);
            offset += take;
        }
        return out;
    }

    // blob_start: a new upload (no blob) or the resumption of `blob`.
    void startUpload(std::optional<QByteArray> blob)
    {
        if (connection.state() != Client::State::LoggedIn) {
            stage = Stage::Interrupted;
            return;
        }
        stage = Stage::Uploading;
        const quint64 gen = ++generation;
        inFlight = 0;
        protocol::BlobStart start;
        start.blob = blob;
        start.size = ref.size;
        connection.request(start, [this, gen, resuming = blob.has_value()](const protocol::Frame &reply) {
            if (gen != generation)
                return;
            if (reply.type == protocol::BlobStarted::Type) {
                const protocol::BlobStarted started = protocol::BlobStarted::from(reply);
                if (started.size != ref.size)
                    return fail(u"the server reports another size for the attachment"_s);
                ref.blob = started.blob;
                serverChunk = qint64(qBound<quint64>(1, started.chunk, DefaultRequestChunk));
                sendOffset = acked = resumedAt = qint64(started.offset);
                Q_EMIT q->progress(acked, qint64(ref.size));
                if (acked == qint64(ref.size))
                    return complete();
                return pump();
            }
            const QString code = Connection::errorCode(reply);
            if (resuming && !triedResume && acked == 0 && (code == u"not_found"_s || code == u"conflict"_s)) {
                // The unfinished upload is gone (its lifetime ended) or is another: start afresh with the same
                // encryption.
                triedResume = true;
                return startUpload(std::nullopt);
            }
            handleError(reply);
        });
    }

    void pump()
    {
        while (stage == Stage::Uploading && inFlight < MaxInFlight && sendOffset < qint64(ref.size)) {
            const qint64 size = qMin(serverChunk, qint64(ref.size) - sendOffset);
            Result<QByteArray> data = ciphertextAt(sendOffset, size);
            if (!data)
                return fail(data.error().message);
            protocol::BlobPut put{ref.blob, quint64(sendOffset), data.value()};
            sendOffset += size;
            ++inFlight;
            const quint64 gen = generation;
            connection.request(put, [this, gen](const protocol::Frame &reply) {
                if (gen != generation)
                    return;
                --inFlight;
                if (reply.type == protocol::BlobAck::Type) {
                    const protocol::BlobAck ack = protocol::BlobAck::from(reply);
                    acked = qMax(acked, qint64(ack.offset));
                    Q_EMIT q->progress(acked, qint64(ref.size));
                    if (ack.done)
                        return complete();
                    return pump();
                }
                handleError(reply);
            });
        }
    }

    void handleError(const protocol::Frame &reply)
    {
        if (Connection::isDisconnected(reply)) {
            ++generation;
            stage = Stage::Interrupted;
            Q_EMIT q->interrupted(Connection::errorText(reply));
            return;
        }
        const QString code = Connection::errorCode(reply);
        if (code == u"busy"_s || code == u"conflict"_s || code == u"internal"_s || code == u"unavailable"_s) {
            // Stop sending; after the wait ask the server where the upload stands and go on from there.
            ++generation;
            retry.start(retryMs(reply));
            return;
        }
        if (code == u"rate_limited"_s) {
            ++generation;
            retry.start(retryMs(reply));
            return;
        }
        fail(code == u"quota"_s ? u"the server refused the attachment: %1"_s.arg(Connection::errorText(reply))
                                : u"upload failed: %1"_s.arg(wireError(reply)));
    }

    void resync()
    {
        if (stage != Stage::Uploading && stage != Stage::Interrupted)
            return;
        if (ref.blob.isEmpty())
            return startUpload(std::nullopt);
        startUpload(ref.blob);
    }

    void complete()
    {
        ++generation;
        // The sent bytes are what was read; a file changed meanwhile would not match the digest taken before.
        const qint64 size = fileSize;
        const qint64 mtime = fileMtimeMs;
        if (Status s = statFile(); !s || size != fileSize || mtime != fileMtimeMs)
            return fail(u"%1 changed while it was being sent; send it again"_s.arg(path));
        stage = Stage::Finished;
        file.close();
        Q_EMIT q->finished(ref);
    }
};

Upload::Upload(Connection &connection, const QString &path, UploadOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, path, std::move(options)))
{
    d->retry.setSingleShot(true);
    connect(&d->retry, &QTimer::timeout, this, [this] { d->resync(); });
    connect(&connection, &Connection::loggedIn, this, [this] {
        if (d->stage == Stage::Interrupted)
            d->resync();
    });
}

Upload::~Upload() = default;

Upload::Stage Upload::stage() const { return d->stage; }
QString Upload::path() const { return d->path; }
qint64 Upload::total() const { return qint64(d->ref.size); }
qint64 Upload::done() const { return d->acked; }
qint64 Upload::resumedAt() const { return d->resumedAt; }
const FileRef &Upload::file() const { return d->ref; }
QString Upload::errorString() const { return d->error; }

QByteArray Upload::resumeState() const
{
    if (d->ref.blob.isEmpty())
        return {};
    QCborMap m;
    m.insert(u"path"_s, QFileInfo(d->path).absoluteFilePath());
    m.insert(u"bytes"_s, d->fileSize);
    m.insert(u"mtime"_s, d->fileMtimeMs);
    m.insert(u"file"_s, d->ref.toCbor());
    return m.toCborValue().toCbor();
}

void Upload::start()
{
    if (d->stage != Stage::Preparing || d->file.isOpen())
        return;
    d->begin();
}

void Upload::abort() { d->fail(u"aborted"_s); }

// ---- Download ------------------------------------------------------------------------------------------------------

class Download::Private {
public:
    Private(Download *download, Connection &c, const FileRef &f, const QString &dir)
        : q(download), connection(c), ref(f), directory(dir), decryptor(f.cipher(), f.sha256)
    {
    }
    ~Private() { discard(); }

    Download *q;
    Connection &connection;
    FileRef ref;
    QString directory;
    FileDecryptor decryptor;
    Stage stage = Stage::Downloading;
    int fd = -1;
    QByteArray tempPath;            // the fallback's visible temporary file (empty with O_TMPFILE)
    qint64 written = 0;             // ciphertext bytes received and fed, in order
    qint64 nextRequest = 0;
    qint64 stride = DefaultRequestChunk;
    QMap<qint64, QByteArray> early;   // replies ahead of `written`
    int inFlight = 0;
    quint64 generation = 0;
    QString savedPath;
    QString error;
    QTimer retry;

    void discard()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
        if (!tempPath.isEmpty())
            ::unlink(tempPath.constData());
        tempPath.clear();
    }

    void fail(const QString &message)
    {
        if (stage == Stage::Finished || stage == Stage::Failed)
            return;
        stage = Stage::Failed;
        ++generation;
        retry.stop();
        discard();
        error = message;
        Q_EMIT q->failed(message);
    }

    // An unnamed file in the target directory (O_TMPFILE), linked under its name only when complete: a killed
    // process leaves nothing behind. File systems without O_TMPFILE get a hidden temporary file instead.
    Status openTarget()
    {
        const QByteArray dir = QFile::encodeName(QDir(directory).absolutePath());
        const QFileInfo info(directory);
        if (!info.isDir())
            return makeError(ErrorCode::Io, u"%1 is not a directory"_s.arg(directory));
        fd = ::open(dir.constData(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0)
            return {};
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            return makeError(ErrorCode::Io, u"%1: %2"_s.arg(directory, errnoText()));
        QByteArray pattern = dir + "/.parley-download-XXXXXX";
        fd = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd < 0)
            return makeError(ErrorCode::Io, u"%1: %2"_s.arg(directory, errnoText()));
        tempPath = pattern;
        return {};
    }

    Status writeAll(const QByteArray &bytes)
    {
        qsizetype off = 0;
        while (off < bytes.size()) {
            const ssize_t n = ::write(fd, bytes.constData() + off, size_t(bytes.size() - off));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return makeError(ErrorCode::Io, u"%1: %2"_s.arg(directory, errnoText()));
            off += n;
        }
        return {};
    }

    void begin()
    {
        if (!connection.serverSpeaks(AttachmentsVersion))
            return fail(u"the server does not serve attachments (it does not speak protocol version 2)"_s);
        if (Status s = openTarget(); !s)
            return fail(s.error().message);
        Q_EMIT q->progress(0, qint64(ref.size));
        pump();
    }

    void pump()
    {
        if (connection.state() != Client::State::LoggedIn) {
            stage = Stage::Interrupted;
            return;
        }
        while (stage == Stage::Downloading && inFlight < MaxInFlight && nextRequest < qint64(ref.size)) {
            const qint64 offset = nextRequest;
            nextRequest = qMin(offset + stride, qint64(ref.size));
            ++inFlight;
            const quint64 gen = generation;
            connection.request(protocol::BlobGet{ref.blob, quint64(offset)}, [this, gen](const protocol::Frame &reply) {
                if (gen != generation)
                    return;
                --inFlight;
                onReply(reply);
            });
        }
    }

    // Replies may come out of order (the server reads chunks concurrently): they are taken in order of offset.
    void onReply(const protocol::Frame &reply)
    {
        if (reply.type != protocol::BlobData::Type)
            return handleError(reply);
        protocol::BlobData data = protocol::BlobData::from(reply);
        if (data.size != ref.size)
            return fail(u"integrity: the server holds %1 bytes for this attachment, its file entry says %2"_s
                            .arg(data.size).arg(ref.size));
        if (data.data.isEmpty())
            return fail(u"integrity: the attachment ended after %1 of %2 bytes"_s.arg(data.offset).arg(ref.size));
        if (qint64(data.offset) >= written)
            early.insert(qint64(data.offset), std::move(data.data));
        while (early.contains(written)) {
            const QByteArray bytes = early.take(written);
            if (written == 0 && qint64(bytes.size()) < stride)
                stride = bytes.size();   // the server's chunk is smaller than asked
            Result<QByteArray> plain = decryptor.feed(bytes);
            if (!plain)
                return fail(u"integrity: %1"_s.arg(plain.error().message));
            if (Status s = writeAll(plain.value()); !s)
                return fail(s.error().message);
            written += bytes.size();
            Q_EMIT q->progress(written, qint64(ref.size));
        }
        if (written == qint64(ref.size))
            return complete();
        if (inFlight == 0 && nextRequest >= qint64(ref.size)) {
            // Replies shorter than asked left a gap: ask again from where the file stands.
            early.clear();
            nextRequest = written;
        }
        pump();
    }

    void handleError(const protocol::Frame &reply)
    {
        if (Connection::isDisconnected(reply)) {
            ++generation;
            inFlight = 0;
            nextRequest = written;
            early.clear();
            stage = Stage::Interrupted;
            Q_EMIT q->interrupted(Connection::errorText(reply));
            return;
        }
        const QString code = Connection::errorCode(reply);
        if (code == u"busy"_s || code == u"rate_limited"_s || code == u"internal"_s || code == u"unavailable"_s) {
            ++generation;
            inFlight = 0;
            nextRequest = written;
            early.clear();
            retry.start(retryMs(reply));
            return;
        }
        if (code == u"not_found"_s)
            return fail(u"the attachment is not on the server: its message expired or was deleted, or this device "
                        u"may not read it"_s);
        fail(u"download failed: %1"_s.arg(wireError(reply)));
    }

    void complete()
    {
        ++generation;
        if (Status s = decryptor.finish(); !s)
            return fail(u"integrity: %1"_s.arg(s.error().message));
        if (::fsync(fd) != 0)
            return fail(u"%1: %2"_s.arg(directory, errnoText()));
        const QDir dir(directory);
        const QString base = Download::safeFileName(ref.name);
        const QFileInfo parts(base);
        const QString stem = parts.completeBaseName().isEmpty() ? base : parts.completeBaseName();
        const QString suffix = parts.completeBaseName().isEmpty() || parts.suffix().isEmpty()
            ? QString()
            : u"."_s + parts.suffix();
        for (int n = 0; n < 1000; ++n) {
            const QString name = n == 0 ? base : u"%1 (%2)%3"_s.arg(stem).arg(n).arg(suffix);
            const QByteArray target = QFile::encodeName(dir.absoluteFilePath(name));
            int rc;
            if (tempPath.isEmpty()) {
                const QByteArray self = "/proc/self/fd/" + QByteArray::number(fd);
                rc = ::linkat(AT_FDCWD, self.constData(), AT_FDCWD, target.constData(), AT_SYMLINK_FOLLOW);
            } else {
                rc = ::link(tempPath.constData(), target.constData());
            }
            if (rc == 0) {
                discard();
                const int dfd = ::open(QFile::encodeName(dir.absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dfd >= 0) {
                    ::fsync(dfd);
                    ::close(dfd);
                }
                savedPath = dir.absoluteFilePath(name);
                stage = Stage::Finished;
                Q_EMIT q->finished(savedPath);
                return;
            }
            if (errno != EEXIST)
                return fail(u"%1: %2"_s.arg(QString::fromLocal8Bit(target), errnoText()));
        }
        fail(u"%1: too many files of that name"_s.arg(dir.absoluteFilePath(base)));
    }
};

Download::Download(Connection &connection, const FileRef &file, const QString &directory, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, file, directory))
{
    d->retry.setSingleShot(true);
    connect(&d->retry, &QTimer::timeout, this, [this] {
        if (d->stage == Stage::Downloading)
            d->pump();
    });
    connect(&connection, &Connection::loggedIn, this, [this] {
        if (d->stage == Stage::Interrupted) {
            d->stage = Stage::Downloading;
            d->pump();
        }
    });
}

Download::~Download() = default;

Download::Stage Download::stage() const { return d->stage; }
const FileRef &Download::file() const { return d->ref; }
qint64 Download::total() const { return qint64(d->ref.size); }
qint64 Download::done() const { return d->written; }
QString Download::savedPath() const { return d->savedPath; }
QString Download::errorString() const { return d->error; }

QString Download::safeFileName(const QString &name)
{
    QString base = name;
    const qsizetype slash = qMax(base.lastIndexOf(u'/'), base.lastIndexOf(u'\\'));
    if (slash >= 0)
        base = base.mid(slash + 1);
    QString clean;
    for (const QChar c : std::as_const(base)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Format
            || c.category() == QChar::Other_Control)
            continue;
        clean.append(c);
    }
    clean = clean.trimmed();
    while (clean.startsWith(u'.'))
        clean.remove(0, 1);
    while (clean.toUtf8().size() > FileRef::MaxNameBytes)
        clean.chop(1);
    if (clean.isEmpty())
        return u"attachment"_s;
    return clean;
}

void Download::start()
{
    if (d->stage != Stage::Downloading || d->fd >= 0)
        return;
    d->begin();
}

void Download::abort() { d->fail(u"aborted"_s); }

} // namespace parley::sdk
