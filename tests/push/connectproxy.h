#pragma once

// A minimal HTTP CONNECT proxy on loopback that records where it was asked to connect, so that a test can see that
// the daemon's outbound push traffic went through the configured proxy.

#include <QByteArray>
#include <QHostAddress>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace parley::pushtest {

class ConnectProxy : public QObject {
public:
    QStringList targets;   // "host:port" of every CONNECT

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

    ConnectProxy()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                accept(client);
        });
    }

private:
    void accept(QTcpSocket *client)
    {
        client->setParent(this);
        // Held by the connection below alone: it goes when the client does, also when the proxy deletes the client.
        const auto head = std::make_shared<QByteArray>();
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        connect(client, &QTcpSocket::readyRead, this, [this, client, head] {
            if (client->property("tunnel").toBool())
                return;
            head->append(client->readAll());
            const qsizetype end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> line = head->left(head->indexOf("\r\n")).split(' ');
            if (line.value(0) != "CONNECT" || line.size() < 2) {
                client->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QByteArray target = line.at(1);
            targets.append(QString::fromLatin1(target));
            const qsizetype colon = target.lastIndexOf(':');
            const QByteArray rest = head->mid(end + 4);
            client->setProperty("tunnel", true);
            auto *upstream = new QTcpSocket(client);
            connect(upstream, &QTcpSocket::connected, client, [client, upstream, rest] {
                client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!rest.isEmpty())
                    upstream->write(rest);
                connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
                if (client->bytesAvailable())
                    upstream->write(client->readAll());
            });
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(upstream, &QTcpSocket::errorOccurred, client, [client](QAbstractSocket::SocketError) {
                client->disconnectFromHost();
            });
            connect(client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->disconnectFromHost(); });
            upstream->connectToHost(QString::fromLatin1(target.left(colon)), quint16(target.mid(colon + 1).toUInt()));
        });
    }

    QTcpServer m_server;
};

} // namespace parley::pushtest
