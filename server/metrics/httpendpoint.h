#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTcpServer>

#include <functional>

namespace parley::server::metrics {

// A small, strict HTTP/1.1 responder for GET and HEAD of a fixed set of paths (parleyd's /metrics, /healthz and
// /readyz): one request per connection, answered and closed (Connection: close). Plain HTTP, no authentication:
// meant for loopback or a management network (docs/operations.md).
//
// Bounded: at most `maxConnections` open at once (more are closed at once), a request head of at most
// `maxHeadBytes` (431 beyond it; the socket's read buffer is that big, so a client cannot make it hold more), and
// `timeoutMs` from the connection to its complete head (408 then). After the response the endpoint closes its
// sending side and discards what the client still sends for at most `lingerMs` (so that a response is not lost to a
// reset when the client sent more than was read), then closes. Refusals: 400 (a malformed head, parseRequestHead),
// 404 (another path), 405 (another method), 505 (another HTTP version).
class HttpEndpoint : public QObject {
    Q_OBJECT
public:
    struct Response {
        int status = 200;
        QByteArray contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        QByteArray body;
    };
    // Called on the endpoint's thread for a GET or HEAD of one of the paths (given without its query).
    using Handler = std::function<Response(const QByteArray &path)>;

    struct Limits {
        int maxConnections = 16;
        qsizetype maxHeadBytes = 8192;
        int timeoutMs = 5000;
        int lingerMs = 2000;
    };

    HttpEndpoint(QList<QByteArray> paths, Handler handler, Limits limits, QObject *parent = nullptr);
    HttpEndpoint(QList<QByteArray> paths, Handler handler, QObject *parent = nullptr)
        : HttpEndpoint(std::move(paths), std::move(handler), Limits(), parent) {}
    ~HttpEndpoint() override;

    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;
    // Stops listening and aborts the connections still open.
    void close();
    int openConnections() const;

    static QByteArray reasonPhrase(int status);

private:
    class Connection;
    void onNewConnection();
    void onReadable(Connection *c);
    void onTimeout(Connection *c);
    void respond(Connection *c, const Response &response, bool withBody, const QByteArray &extraHeaders = {});
    void refuse(Connection *c, int status, const QByteArray &extraHeaders = {});
    void halfClose(Connection *c);
    void finish(Connection *c);

    const QList<QByteArray> m_paths;
    const Handler m_handler;
    const Limits m_limits;
    QTcpServer m_server;
    QList<Connection *> m_connections;
};

} // namespace parley::server::metrics
