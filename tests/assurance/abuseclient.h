#pragma once

// What the abuse tests misbehave with where the SDK would not: plain TCP connections from a chosen loopback address,
// a WebSocket client written by hand over QSslSocket (any frame, any header, bytes trickled), and a look at a
// running parleyd's descriptors and memory through /proc.

#include "../e2e/harness.h"

#include "protocol/frame.h"

#include <QDir>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

namespace parley::e2e {

// A blocking TCP connection from `local` (any 127.0.0.0/8 address is this host) to 127.0.0.1:`port`; -1 on failure.
// The kernel completes the handshake whether or not the server ever accepts it.
inline int tcpConnect(const char *local, quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, local, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof(from)) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof(to)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Whether the server has closed (FIN or RST) a connection the client never reads from.
inline bool closedByServer(int fd)
{
    char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// The number of open descriptors and the resident memory (kB) of a process.
inline int openDescriptors(qint64 pid)
{
    return int(QDir(u"/proc/%1/fd"_s.arg(pid)).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot).size());
}

inline qint64 residentKb(qint64 pid)
{
    const QByteArray status = Daemon::readFile(u"/proc/%1/status"_s.arg(pid));
    const qsizetype at = status.indexOf("VmRSS:");
    if (at < 0)
        return -1;
    return status.mid(at + 6, status.indexOf('\n', at) - at - 6).replace("kB", "").trimmed().toLongLong();
}

// A WebSocket client by hand: TLS from a chosen local address (no certificate check: the test's own daemon), then
// whatever the test writes. Server frames are parsed as they come: protocol frames in `frames`, the close code.
class RawClient : public QObject {
public:
    explicit RawClient(const QString &local)
    {
        m_socket.bind(QHostAddress(local));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_socket.setSslConfiguration(tls);
        connect(&m_socket, &QSslSocket::readyRead, this, [this] { read(); });
        connect(&m_socket, &QSslSocket::disconnected, this, [this] { m_disconnected = true; });
        connect(&m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
            if (m_socket.state() != QAbstractSocket::ConnectedState)
                m_disconnected = true;
        });
    }

    // The socket is destroyed after the members its handlers write (it is declared first): the handlers go first.
    ~RawClient() override { m_socket.disconnect(this); }

    QSslSocket &socket() { return m_socket; }
    QList<protocol::Frame> frames;   // every binary message from the server that decoded as a frame

    bool connectTls(quint16 port)
    {
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
        QElapsedTimer timer;
        timer.start();
        while (!m_socket.isEncrypted() && !m_disconnected && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        return m_socket.isEncrypted();
    }

    // The upgrade request, headers `extra` added; true once the server answered 101 (its header in response()).
    bool upgrade(const QByteArray &extra = {})
    {
        m_socket.write(request(extra));
        QElapsedTimer timer;
        timer.start();
        while (!m_upgraded && !m_disconnected && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        return m_upgraded && m_response.startsWith("HTTP/1.1 101");
    }

    static QByteArray request(const QByteArray &extra = {})
    {
        return "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               + extra + "\r\n";
    }
    QByteArray response() const { return m_response; }

    // One masked client frame. `rsv` holds the RSV1-3 bits as they sit in the first byte (0x40 is RSV1).
    void sendFrame(quint8 opcode, const QByteArray &payload, bool fin = true, quint8 rsv = 0)
    {
        m_socket.write(frameHeader(opcode, quint64(payload.size()), fin, rsv) + masked(payload));
    }
    // A frame header announcing `length` payload bytes, none of which follow.
    void sendHeaderOnly(quint8 opcode, quint64 length) { m_socket.write(frameHeader(opcode, length, true, 0)); }
    void send(const protocol::Frame &frame) { sendFrame(0x2, protocol::encode(frame)); }

    // The error frames received, by code.
    QStringList errorCodes() const
    {
        QStringList codes;
        for (const protocol::Frame &f : frames) {
            if (f.type == u"error"_s)
                codes << f.text("code"_L1);
        }
        return codes;
    }
    std::optional<protocol::Frame> replyTo(quint64 id) const
    {
        for (const protocol::Frame &f : frames) {
            if (f.id == id)
                return f;
        }
        return std::nullopt;
    }
    std::optional<protocol::Frame> waitReply(quint64 id)
    {
        QElapsedTimer timer;
        timer.start();
        while (!replyTo(id) && !m_disconnected && timer.elapsed() < WaitMs)
            QTest::qWait(5);
        return replyTo(id);
    }

    bool waitClosed(int ms = WaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (!isClosed() && timer.elapsed() < ms)
            QTest::qWait(5);
        return isClosed();
    }
    // Closed: the connection ended, or the server's close frame came.
    bool isClosed() const { return m_disconnected || m_closeCode >= 0; }
    int closeCode() const { return m_closeCode; }

private:
    static QByteArray frameHeader(quint8 opcode, quint64 length, bool fin, quint8 rsv)
    {
        QByteArray h;
        h.append(char((fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0f)));
        if (length < 126) {
            h.append(char(0x80 | length));
        } else if (length <= 0xffff) {
            h.append(char(0x80 | 126));
            h.append(char(length >> 8));
            h.append(char(length & 0xff));
        } else {
            h.append(char(0x80 | 127));
            for (int i = 7; i >= 0; --i)
                h.append(char((length >> (8 * i)) & 0xff));
        }
        return h + QByteArray(Mask, 4);
    }
    static QByteArray masked(QByteArray payload)
    {
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char(payload[i] ^ Mask[i % 4]);
        return payload;
    }

    void read()
    {
        m_buffer += m_socket.readAll();
        if (!m_upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_response = m_buffer.left(end + 4);
            m_buffer.remove(0, end + 4);
            m_upgraded = true;
        }
        // Server frames are unmasked: opcode, 7-bit length or a 16/64-bit extension, payload.
        while (m_buffer.size() >= 2) {
            const int opcode = m_buffer[0] & 0x0f;
            quint64 length = quint8(m_buffer[1]) & 0x7f;
            qsizetype header = 2;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = (quint64(quint8(m_buffer[2])) << 8) | quint8(m_buffer[3]);
                header = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = 0;
                for (int i = 2; i < 10; ++i)
                    length = (length << 8) | quint8(m_buffer[i]);
                header = 10;
            }
            if (quint64(m_buffer.size() - header) < length)
                return;
            const QByteArray payload = m_buffer.mid(header, qsizetype(length));
            m_buffer.remove(0, header + qsizetype(length));
            if (opcode == 0x2) {
                auto decoded = protocol::decode(payload, protocol::Direction::ServerToClient);
                if (auto *f = std::get_if<protocol::Frame>(&decoded))
                    frames.append(*f);
            } else if (opcode == 0x8 && payload.size() >= 2 && m_closeCode < 0) {
                m_closeCode = (quint8(payload[0]) << 8) | quint8(payload[1]);
            }
        }
    }

    static constexpr char Mask[5] = "\x1f\x2e\x3d\x4c";
    QSslSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_response;
    bool m_upgraded = false;
    bool m_disconnected = false;
    int m_closeCode = -1;
};

} // namespace parley::e2e
