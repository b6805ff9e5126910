// parley-bench-floor: the floor of the benchmark. A minimal TLS WebSocket relay on the same stack as parleyd
// (Qt WebSockets over QSslSocket, TLS 1.2 or later, TCP_NODELAY) with no storage, no authentication and no frame
// decoding: the most this stack can do on this machine, which parleyd's figures are compared against.
//
//   parley-bench-floor [PORT]        listens on 127.0.0.1:PORT (0: any free port), prints "listen PORT"
//
// Wire: a client's first binary message is "L" + its 4-byte number; the relay answers "W". Every later binary
// message starts with the 4-byte number of the destination and is forwarded to it unchanged.

#include "core/epolldispatcher.h"
#include "crypto/crypto.h"

#include <QCoreApplication>
#include <QHash>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    // The same event loop as parleyd's (epoll; PARLEY_EVENT_DISPATCHER=qt selects Qt's own for both).
    parley::core::installEpollDispatcher();
    QCoreApplication app(argc, argv);
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    const quint16 port = argc > 1 ? quint16(QByteArray(argv[1]).toUInt()) : 0;

    auto certificate = parley::crypto::generateSelfSignedCertificate(u"parley-bench-floor"_s, {u"localhost"_s},
                                                                     {QHostAddress::LocalHost}, 30);
    if (!certificate) {
        std::fprintf(stderr, "parley-bench-floor: %s\n", qPrintable(certificate.error().message));
        return 1;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setLocalCertificate(QSslCertificate(certificate->certificatePem));
    tls.setPrivateKey(QSslKey(certificate->privateKeyPem.view().toByteArray(), QSsl::Ec));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);

    QWebSocketServer server(u"parley-bench-floor"_s, QWebSocketServer::SecureMode);
    server.setSslConfiguration(tls);
    server.setMaxPendingConnections(10000);
    if (!server.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "parley-bench-floor: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    // Accepted sockets inherit TCP_NODELAY from the listener on Linux.
    const int one = 1;
    ::setsockopt(int(server.socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    QHash<quint32, QWebSocket *> clients;
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server, &clients] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            auto number = std::make_shared<qint64>(-1);
            QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket,
                             [socket, number, &clients](const QByteArray &data) {
                                 if (data.size() < 4 + (*number < 0 ? 1 : 0))
                                     return;
                                 if (*number < 0) {
                                     if (data.size() != 5 || data.at(0) != 'L')
                                         return;
                                     *number = qFromBigEndian<quint32>(data.constData() + 1);
                                     clients.insert(quint32(*number), socket);
                                     socket->sendBinaryMessage(QByteArrayLiteral("W"));
                                     return;
                                 }
                                 if (QWebSocket *to = clients.value(qFromBigEndian<quint32>(data.constData())))
                                     to->sendBinaryMessage(data);
                             });
            QObject::connect(socket, &QWebSocket::disconnected, socket, [socket, number, &clients] {
                if (*number >= 0 && clients.value(quint32(*number)) == socket)
                    clients.remove(quint32(*number));
                socket->deleteLater();
            });
        }
    });
    std::printf("listen %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
