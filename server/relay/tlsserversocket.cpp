#include "relay/tlsserversocket.h"

#include "relay/relaylog.h"
#include "relay/tlscontext.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int RecordBytes = 16384;                 // the largest TLS record's plaintext
constexpr qsizetype MaxReadPerWakeup = 256 * 1024; // then the (level-triggered) notifier comes back
constexpr qsizetype CompactAfterBytes = 64 * 1024;
constexpr int CloseTimeoutMs = 10000;              // for queued writes a peer does not take
constexpr int LingerMs = 2000;                     // a closed connection's reads are drained for at most this
constexpr int MaxLingeringPerThread = 1024;        // beyond that a close is immediate

thread_local int t_lingering = 0;

QString openSslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return errno != 0 ? QString::fromLocal8Bit(std::strerror(errno)) : u"connection closed"_s;
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    return QString::fromLatin1(text);
}

quint16 portOf(const sockaddr_storage &storage)
{
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
}

// A lingering close, as HTTP servers do it. Closing a descriptor whose receive queue holds data the peer sent makes
// the kernel answer with a reset and drop what it had not yet sent (RFC 1122 4.2.2.13): the close frame with its
// reason, and the TLS close_notify. A peer still sending when the server refuses it (a frame too large, a flood)
// would then see a reset instead of the reason. So the write side is shut (everything queued goes out, then FIN) and
// what the peer still sends is read and thrown away until it closes too, for at most LingerMs.
class LingeringClose final : public QObject {
public:
    LingeringClose(int fd, QObject *parent) : QObject(parent), m_fd(fd), m_notifier(fd, QSocketNotifier::Read, this)
    {
        ++t_lingering;
        connect(&m_notifier, &QSocketNotifier::activated, this, &LingeringClose::drain);
        QTimer::singleShot(LingerMs, this, &LingeringClose::finish);
    }
    ~LingeringClose() override
    {
        m_notifier.setEnabled(false);
        ::close(m_fd);
        --t_lingering;
    }

private:
    void drain()
    {
        char discard[RecordBytes];
        for (int i = 0; i < 16; ++i) {   // then the level-triggered notifier comes back
            const ssize_t n = ::read(m_fd, discard, sizeof(discard));
            if (n > 0 || (n < 0 && errno == EINTR))
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            finish();   // the peer's FIN, or its reset
            return;
        }
    }
    void finish()
    {
        m_notifier.setEnabled(false);
        deleteLater();
    }

    const int m_fd;
    QSocketNotifier m_notifier;
};

} // namespace

struct TlsServerSocket::Private {
    std::shared_ptr<TlsContext> context;
    SSL *ssl = nullptr;
    int fd = -1;
    QSocketNotifier *readNotifier = nullptr;
    QSocketNotifier *writeNotifier = nullptr;
    QPointer<QTimer> handshakeTimer;       // QWebSocketServer deletes it once the upgrade is done
    QPointer<QObject> home;                // the listener that accepted it: it owns the lingering closes
    ConnectionGate::Admission admission;   // until the upgrade is done (the session takes over) or the close
    metrics::GaugeHold open;               // until the close
    QTimer *closeTimer = nullptr;
    QByteArray in;                         // decrypted, not yet read: in[inPos..]
    qsizetype inPos = 0;
    QByteArray out;                        // written, not yet encrypted: out[outPos..]
    qsizetype outPos = 0;
    bool handshaking = true;
    bool closing = false;
    bool flushPosted = false;
    bool readWantsWrite = false;
    bool writeWantsRead = false;
    bool emittingReadyRead = false;
    bool dropPeekBuffer = false;

    qsizetype inAvailable() const { return in.size() - inPos; }
    qsizetype outPending() const { return out.size() - outPos; }
    void watchRead(bool on) const
    {
        if (readNotifier)
            readNotifier->setEnabled(on);
    }
    void watchWrite(bool on) const
    {
        if (writeNotifier)
            writeNotifier->setEnabled(on);
    }
};

TlsServerSocket::TlsServerSocket(qintptr descriptor, std::shared_ptr<TlsContext> context, int handshakeTimeoutMs,
                                 ConnectionGate::Admission admission, QObject *parent)
    : QTcpSocket(parent), d(std::make_unique<Private>())
{
    d->fd = int(descriptor);
    d->home = parent;
    d->admission = std::move(admission);
    d->context = std::move(context);
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getpeername(d->fd, reinterpret_cast<sockaddr *>(&storage), &length) == 0) {
        setPeerAddress(QHostAddress(reinterpret_cast<const sockaddr *>(&storage)));
        setPeerPort(portOf(storage));
    }
    length = sizeof(storage);
    if (::getsockname(d->fd, reinterpret_cast<sockaddr *>(&storage), &length) == 0) {
        setLocalAddress(QHostAddress(reinterpret_cast<const sockaddr *>(&storage)));
        setLocalPort(portOf(storage));
    }
    setSocketState(ConnectingState);
    const int flags = ::fcntl(d->fd, F_GETFL);
    d->ssl = d->context ? SSL_new(d->context->handle()) : nullptr;
    if (flags < 0 || ::fcntl(d->fd, F_SETFL, flags | O_NONBLOCK) != 0 || !d->ssl || SSL_set_fd(d->ssl, d->fd) != 1) {
        fail(SslInternalError, u"cannot start TLS on the connection: %1"_s.arg(openSslError()));
        return;
    }
    SSL_set_accept_state(d->ssl);
    d->readNotifier = new QSocketNotifier(d->fd, QSocketNotifier::Read, this);
    connect(d->readNotifier, &QSocketNotifier::activated, this, &TlsServerSocket::onReadable);
    d->writeNotifier = new QSocketNotifier(d->fd, QSocketNotifier::Write, this);
    d->writeNotifier->setEnabled(false);
    connect(d->writeNotifier, &QSocketNotifier::activated, this, &TlsServerSocket::onWritable);
    auto *timer = new QTimer(this);
    timer->setObjectName(u"handshakeTimer"_s);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this] {
        if (d->handshaking)
            fail(SocketTimeoutError, u"the TLS handshake timed out"_s);
        else
            close();
    });
    timer->start(handshakeTimeoutMs);
    d->handshakeTimer = timer;
    // QWebSocketServer deletes the timer when the upgrade is done (before it announces the new connection, whose
    // session then holds the gate's place).
    connect(timer, &QObject::destroyed, this, [this] { d->admission.reset(); });
    // Its peek() at the request has left a 16 KB chunk in QIODevice's read buffer, which is given back then.
    connect(timer, &QObject::destroyed, this, [this] {
        d->dropPeekBuffer = true;
        dropPeekBuffer();
    }, Qt::QueuedConnection);
}

// Reopening with the same mode gives QIODevice's (empty) read buffer back; it is only used by peek().
void TlsServerSocket::dropPeekBuffer()
{
    if (!d->dropPeekBuffer || state() != ConnectedState || QIODevice::bytesAvailable() > 0)
        return;
    d->dropPeekBuffer = false;
    const OpenMode mode = openMode();
    setOpenMode(NotOpen);
    setOpenMode(mode);
}

TlsServerSocket::~TlsServerSocket()
{
    delete d->readNotifier;
    delete d->writeNotifier;
    SSL_free(d->ssl);
    if (d->fd >= 0)
        ::close(d->fd);
}

void TlsServerSocket::holdWhileOpen(metrics::GaugeHold open)
{
    d->open = std::move(open);
    if (d->fd < 0)
        d->open.reset();
}

void TlsServerSocket::setClientAddress(const QHostAddress &address, quint16 port)
{
    setPeerAddress(address);
    setPeerPort(port);
}

bool TlsServerSocket::isEncrypted() const
{
    return d->ssl && !d->handshaking;
}

bool TlsServerSocket::isSessionReused() const
{
    return isEncrypted() && SSL_session_reused(d->ssl) == 1;
}

QString TlsServerSocket::protocolName() const
{
    return isEncrypted() ? QString::fromLatin1(SSL_get_version(d->ssl)) : QString();
}

QString TlsServerSocket::cipherName() const
{
    return isEncrypted() ? QString::fromLatin1(SSL_get_cipher_name(d->ssl)) : QString();
}

void TlsServerSocket::handshake()
{
    ERR_clear_error();
    errno = 0;
    const int result = SSL_do_handshake(d->ssl);
    if (result == 1) {
        d->handshaking = false;
        d->watchWrite(false);
        setOpenMode(QIODevice::ReadWrite | QIODevice::Unbuffered);
        setSocketState(ConnectedState);
        QPointer<TlsServerSocket> guard(this);
        Q_EMIT stateChanged(ConnectedState);
        if (guard)
            Q_EMIT encrypted();
        if (guard && state() == ConnectedState)
            readRecords();   // application data that came with the client's last handshake flight
        return;
    }
    switch (SSL_get_error(d->ssl, result)) {
    case SSL_ERROR_WANT_READ:
        d->watchWrite(false);
        d->watchRead(true);
        return;
    case SSL_ERROR_WANT_WRITE:
        d->watchRead(false);   // until the descriptor takes our part of the handshake
        d->watchWrite(true);
        return;
    default:
        fail(SslHandshakeFailedError, u"TLS handshake failed: %1"_s.arg(openSslError()));
    }
}

void TlsServerSocket::onReadable()
{
    if (d->handshaking) {
        handshake();
        return;
    }
    if (d->writeWantsRead) {
        d->writeWantsRead = false;
        flushOut();
    }
    if (d->ssl && !d->closing) {
        dropPeekBuffer();
        readRecords();
    }
}

void TlsServerSocket::onWritable()
{
    if (d->handshaking) {
        handshake();
        return;
    }
    if (d->readWantsWrite) {
        d->readWantsWrite = false;
        d->watchRead(!d->closing);
        QPointer<TlsServerSocket> guard(this);
        if (!readRecords() || !guard)
            return;
    }
    flushOut();
}

// Decrypts what the descriptor holds into `in` and emits readyRead once. Returns false once the connection is gone.
bool TlsServerSocket::readRecords()
{
    char buffer[RecordBytes];
    qsizetype total = 0;
    int finalError = SSL_ERROR_NONE;
    while (d->ssl && total < MaxReadPerWakeup) {
        ERR_clear_error();
        errno = 0;
        const int n = SSL_read(d->ssl, buffer, sizeof(buffer));
        if (n > 0) {
            if (d->inPos == d->in.size()) {
                d->in.clear();
                d->inPos = 0;
            }
            d->in.append(buffer, n);
            total += n;
            continue;
        }
        finalError = SSL_get_error(d->ssl, n);
        if (finalError == SSL_ERROR_WANT_WRITE) {
            d->readWantsWrite = true;
            d->watchRead(false);   // until the descriptor takes what OpenSSL has to send first
            d->watchWrite(true);
        }
        break;
    }
    QPointer<TlsServerSocket> guard(this);
    if (total > 0 && !d->emittingReadyRead) {
        d->emittingReadyRead = true;
        Q_EMIT readyRead();
        if (!guard)
            return false;
        d->emittingReadyRead = false;
    }
    if (finalError == SSL_ERROR_NONE || finalError == SSL_ERROR_WANT_READ || finalError == SSL_ERROR_WANT_WRITE)
        return d->ssl != nullptr;
    // close_notify, or the connection ended or broke (readyRead above has handed over what came before).
    const bool orderly = finalError == SSL_ERROR_ZERO_RETURN;
    setSocketError(RemoteHostClosedError);
    setErrorString(orderly ? u"The remote host closed the connection"_s : openSslError());
    Q_EMIT errorOccurred(RemoteHostClosedError);
    if (guard)
        Q_EMIT readChannelFinished();
    if (!guard)
        return false;
    if (orderly && d->ssl) {
        ERR_clear_error();
        SSL_shutdown(d->ssl);   // our close_notify in reply, best effort
        ERR_clear_error();
    }
    closeNow();
    return false;
}

qint64 TlsServerSocket::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + d->inAvailable();
}

qint64 TlsServerSocket::bytesToWrite() const
{
    return d->outPending();
}

bool TlsServerSocket::canReadLine() const
{
    return QIODevice::canReadLine() || d->in.indexOf('\n', d->inPos) >= 0;
}

qint64 TlsServerSocket::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, d->inAvailable());
    if (n == 0)
        return state() == ConnectedState || state() == ClosingState ? 0 : -1;
    std::memcpy(data, d->in.constData() + d->inPos, size_t(n));
    d->inPos += n;
    if (d->inPos == d->in.size()) {
        d->in.clear();
        d->inPos = 0;
    }
    return n;
}

qint64 TlsServerSocket::skipData(qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, d->inAvailable());
    d->inPos += n;
    if (d->inPos == d->in.size()) {
        d->in.clear();
        d->inPos = 0;
    }
    return n;
}

qint64 TlsServerSocket::writeData(const char *data, qint64 size)
{
    if (!d->ssl || d->handshaking || d->closing) {
        setSocketError(OperationError);
        setErrorString(u"The connection is not open for writing"_s);
        return -1;
    }
    if (d->outPending() == 0) {
        d->out.clear();
        d->outPos = 0;
    }
    d->out.append(data, qsizetype(size));
    if (!d->writeNotifier->isEnabled() && !d->writeWantsRead)
        scheduleFlush();
    return size;
}

void TlsServerSocket::scheduleFlush()
{
    if (d->flushPosted)
        return;
    d->flushPosted = true;
    QMetaObject::invokeMethod(this, [this] {
        d->flushPosted = false;
        flushOut();
    }, Qt::QueuedConnection);
}

// Encrypts and sends what is queued, as far as the descriptor takes it; then bytesWritten(), and the end of a
// close that waited for the queue.
void TlsServerSocket::flushOut()
{
    if (!d->ssl || d->handshaking)
        return;
    qint64 written = 0;
    while (d->outPending() > 0) {
        const int chunk = int(std::min<qsizetype>(d->outPending(), RecordBytes));
        ERR_clear_error();
        errno = 0;
        const int n = SSL_write(d->ssl, d->out.constData() + d->outPos, chunk);
        if (n > 0) {
            d->outPos += n;
            written += n;
            continue;
        }
        const int error = SSL_get_error(d->ssl, n);
        if (error == SSL_ERROR_WANT_READ) {
            d->writeWantsRead = true;
            d->watchRead(true);
        } else if (error != SSL_ERROR_WANT_WRITE) {
            fail(NetworkError, u"TLS write failed: %1"_s.arg(openSslError()));
            return;
        }
        break;
    }
    d->watchWrite((d->outPending() > 0 && !d->writeWantsRead) || d->readWantsWrite);
    if (d->outPending() == 0) {
        d->out.clear();
        d->outPos = 0;
    } else if (d->outPos >= CompactAfterBytes) {
        d->out.remove(0, d->outPos);   // the unsent bytes stay the same; OpenSSL accepts the moved buffer
        d->outPos = 0;
    }
    QPointer<TlsServerSocket> guard(this);
    if (written > 0)
        Q_EMIT bytesWritten(written);
    if (guard && d->closing && d->outPending() == 0)
        finishClose();
}

void TlsServerSocket::close()
{
    // QAbstractSocket::abort() (not virtual) drops the write channel of the open device and then calls close():
    // nothing queued is sent. A close() (or abort()) while a close is already sending the queue ends it too.
    const bool aborting = d->handshaking || d->closing || (isOpen() && writeChannelCount() == 0);
    QPointer<TlsServerSocket> guard(this);
    QIODevice::close();
    if (!guard)
        return;
    if (aborting)
        closeNow();
    else
        disconnectFromHost();
}

void TlsServerSocket::disconnectFromHost()
{
    if (state() == UnconnectedState)
        return;
    if (d->handshaking) {
        closeNow();
        return;
    }
    if (!d->closing) {
        d->closing = true;
        d->watchRead(d->writeWantsRead);
        setSocketState(ClosingState);
        QPointer<TlsServerSocket> guard(this);
        Q_EMIT stateChanged(ClosingState);
        if (!guard || state() == UnconnectedState)
            return;
        d->closeTimer = new QTimer(this);
        d->closeTimer->setSingleShot(true);
        connect(d->closeTimer, &QTimer::timeout, this, &TlsServerSocket::closeNow);
        d->closeTimer->start(CloseTimeoutMs);
    }
    if (d->outPending() == 0)
        finishClose();
    else
        flushOut();
}

void TlsServerSocket::finishClose()
{
    if (d->ssl) {
        ERR_clear_error();
        SSL_shutdown(d->ssl);   // close_notify, one try
        ERR_clear_error();
    }
    // The listener, not this socket (QWebSocket deletes it once disconnected), keeps the descriptor while it lingers.
    if (d->fd >= 0 && d->home && d->home->thread() == thread() && t_lingering < MaxLingeringPerThread
        && ::shutdown(d->fd, SHUT_WR) == 0) {
        new LingeringClose(d->fd, d->home);
        d->fd = -1;
    }
    closeNow();
}

// Closes the descriptor at once and frees the TLS state; emits stateChanged() and disconnected().
void TlsServerSocket::closeNow()
{
    if (d->handshakeTimer)
        d->handshakeTimer->stop();
    if (d->closeTimer)
        d->closeTimer->stop();
    delete d->readNotifier;
    d->readNotifier = nullptr;
    delete d->writeNotifier;
    d->writeNotifier = nullptr;
    SSL_free(d->ssl);
    d->ssl = nullptr;
    if (d->fd >= 0) {
        ::shutdown(d->fd, SHUT_RDWR);
        ::close(d->fd);
        d->fd = -1;
    }
    d->out.clear();
    d->outPos = 0;
    d->context.reset();
    d->admission.reset();
    d->open.reset();
    if (state() == UnconnectedState)
        return;
    QPointer<TlsServerSocket> guard(this);
    QIODevice::close();
    if (!guard)
        return;
    d->in.clear();
    d->inPos = 0;
    setSocketState(UnconnectedState);
    Q_EMIT stateChanged(UnconnectedState);
    if (guard)
        Q_EMIT disconnected();
}

void TlsServerSocket::fail(SocketError error, const QString &message)
{
    qCDebug(lcRelay) << "TLS connection closed:" << message;
    setSocketError(error);
    setErrorString(message);
    QPointer<TlsServerSocket> guard(this);
    Q_EMIT errorOccurred(error);
    if (guard)
        closeNow();
}

bool TlsServerSocket::waitFor(short events, int msecs)
{
    if (d->fd < 0)
        return false;
    pollfd p{d->fd, events, 0};
    int r = 0;
    do {
        r = ::poll(&p, 1, msecs);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

bool TlsServerSocket::waitForReadyRead(int msecs)
{
    const QDeadlineTimer deadline(msecs);
    const qint64 before = bytesAvailable();
    while (d->ssl && !d->closing) {
        if (!waitFor(POLLIN, int(deadline.remainingTime())))
            return false;
        onReadable();
        if (bytesAvailable() > before)
            return true;
    }
    return false;
}

bool TlsServerSocket::waitForBytesWritten(int msecs)
{
    const QDeadlineTimer deadline(msecs);
    while (d->ssl && !d->handshaking && d->outPending() > 0) {
        const qsizetype before = d->outPending();
        flushOut();
        if (d->outPending() < before)
            return true;
        if (!waitFor(d->writeWantsRead ? POLLIN : POLLOUT, int(deadline.remainingTime())))
            return false;
    }
    return false;
}

bool TlsServerSocket::waitForDisconnected(int msecs)
{
    const QDeadlineTimer deadline(msecs);
    while (state() != UnconnectedState) {
        const bool sending = d->closing || d->outPending() > 0;
        if (!waitFor(sending && !d->writeWantsRead ? POLLOUT : POLLIN, int(deadline.remainingTime())))
            return false;
        if (sending)
            onWritable();
        else
            onReadable();
    }
    return true;
}

} // namespace parley::server
