#include "metrics/httpendpoint.h"

#include "metrics/httprequest.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace parley::server::metrics {

namespace {

constexpr int MethodNotAllowed = 405;
constexpr int NotFound = 404;
constexpr int RequestTimeout = 408;
constexpr int HeaderFieldsTooLarge = 431;

} // namespace

// One client connection: its socket, the head read so far and its deadline. A child of the endpoint.
class HttpEndpoint::Connection : public QObject {
public:
    Connection(QTcpSocket *s, HttpEndpoint *endpoint) : QObject(endpoint), socket(s)
    {
        socket->setParent(this);
        timer.setSingleShot(true);
    }

    QTcpSocket *socket;
    QByteArray head;
    QTimer timer;
    bool answered = false;
    bool halfClosed = false;
    bool finished = false;
};

HttpEndpoint::HttpEndpoint(QList<QByteArray> paths, Handler handler, Limits limits, QObject *parent)
    : QObject(parent), m_paths(std::move(paths)), m_handler(std::move(handler)), m_limits(limits)
{
    m_server.setMaxPendingConnections(m_limits.maxConnections);
    connect(&m_server, &QTcpServer::newConnection, this, &HttpEndpoint::onNewConnection);
}

HttpEndpoint::~HttpEndpoint()
{
    close();
}

bool HttpEndpoint::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

quint16 HttpEndpoint::port() const
{
    return m_server.serverPort();
}

QString HttpEndpoint::errorString() const
{
    return m_server.errorString();
}

int HttpEndpoint::openConnections() const
{
    return int(m_connections.size());
}

void HttpEndpoint::close()
{
    m_server.close();
    const QList<Connection *> open = std::exchange(m_connections, {});
    for (Connection *c : open) {
        c->finished = true;
        c->socket->abort();
        delete c;
    }
}

QByteArray HttpEndpoint::reasonPhrase(int status)
{
    switch (status) {
    case 200: return QByteArrayLiteral("OK");
    case 400: return QByteArrayLiteral("Bad Request");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 505: return QByteArrayLiteral("HTTP Version Not Supported");
    default: return QByteArrayLiteral("Unknown");
    }
}

void HttpEndpoint::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_connections.size() >= m_limits.maxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *c = new Connection(socket, this);
        m_connections.append(c);
        // The socket buffers at most a head's worth: what a client sends beyond it waits in the kernel.
        socket->setReadBufferSize(m_limits.maxHeadBytes);
        connect(socket, &QTcpSocket::readyRead, c, [this, c] { onReadable(c); });
        connect(socket, &QTcpSocket::bytesWritten, c, [this, c] { halfClose(c); });
        connect(socket, &QTcpSocket::disconnected, c, [this, c] { finish(c); });
        connect(&c->timer, &QTimer::timeout, c, [this, c] { onTimeout(c); });
        c->timer.start(m_limits.timeoutMs);
    }
}

void HttpEndpoint::onReadable(Connection *c)
{
    if (c->answered) {
        c->socket->readAll();   // lingering: dropped
        return;
    }
    c->head += c->socket->read(m_limits.maxHeadBytes - c->head.size());
    const qsizetype end = c->head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (c->head.size() >= m_limits.maxHeadBytes)
            refuse(c, HeaderFieldsTooLarge);
        return;
    }
    const HttpRequestHead request = parseRequestHead(QByteArrayView(c->head).first(end + 4));
    if (!request.ok())
        return refuse(c, request.refusal);
    if (!m_paths.contains(request.path))
        return refuse(c, NotFound);
    if (request.method != "GET" && request.method != "HEAD")
        return refuse(c, MethodNotAllowed, QByteArrayLiteral("Allow: GET, HEAD\r\n"));
    respond(c, m_handler(request.path), request.method == "GET");
}

// Before the answer: the head did not come in time. After it: the client neither took the response nor closed.
void HttpEndpoint::onTimeout(Connection *c)
{
    if (!c->answered)
        return refuse(c, RequestTimeout);
    c->socket->abort();
    finish(c);
}

void HttpEndpoint::respond(Connection *c, const Response &response, bool withBody, const QByteArray &extraHeaders)
{
    c->answered = true;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\nConnection: close\r\n" + extraHeaders + "\r\n";
    if (withBody)
        out += response.body;
    c->socket->write(out);
    c->timer.start(m_limits.timeoutMs);   // for the client to take it
}

void HttpEndpoint::refuse(Connection *c, int status, const QByteArray &extraHeaders)
{
    Response r;
    r.status = status;
    r.body = reasonPhrase(status).toLower() + '\n';
    respond(c, r, true, extraHeaders);
}

// Once the response is sent: nothing more from this side, and what the client still sends is read and dropped until
// it closes too (at most lingerMs). Closing with unread bytes would send a reset, which can destroy the response
// before the client has read it.
void HttpEndpoint::halfClose(Connection *c)
{
    if (c->finished || !c->answered || c->halfClosed || c->socket->bytesToWrite() > 0)
        return;
    c->halfClosed = true;
    ::shutdown(int(c->socket->socketDescriptor()), SHUT_WR);
    c->socket->readAll();
    c->timer.start(m_limits.lingerMs);
}

void HttpEndpoint::finish(Connection *c)
{
    if (c->finished)
        return;
    c->finished = true;
    m_connections.removeOne(c);
    c->timer.stop();
    c->deleteLater();
}

} // namespace parley::server::metrics
