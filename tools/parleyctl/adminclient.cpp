#include "adminclient.h"

#include <QEventLoop>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace parley::ctl {

namespace proto = protocol::admin;

AdminClient::AdminClient(QString server, QString fingerprint)
    : m_server(std::move(server)), m_fingerprint(std::move(fingerprint))
{
}

void AdminClient::setClientCertificate(const QSslCertificate &certificate, const QSslKey &key)
{
    m_clientCert = certificate;
    m_clientKey = key;
}

Status AdminClient::connectToServer(int timeoutMs)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!m_clientCert.isNull()) {
        tls.setLocalCertificate(m_clientCert);
        tls.setPrivateKey(m_clientKey);
    }
    m_socket.setSslConfiguration(tls);
    m_socket.setMaxAllowedIncomingMessageSize(quint64(proto::MaxResponseBytes));
    const TlsPin pin = TlsPin::fromString(m_fingerprint);
    std::optional<TlsPinError> refused;
    // The server is identified by its pinned fingerprint, not by a CA: only the errors a self-signed certificate
    // causes are ignored, and only for a valid certificate with that fingerprint.
    QObject::connect(&m_socket, &QWebSocket::sslErrors, &m_socket, [this, &pin, &refused](const QList<QSslError> &errors) {
        refused = pin.check(m_socket.sslConfiguration().peerCertificateChain(), errors);
        if (!refused)
            m_socket.ignoreSslErrors(errors);
    });
    QEventLoop loop;
    QString failure;
    QObject::connect(&m_socket, &QWebSocket::connected, &loop, [&] {
        if (!refused)
            refused = pin.check(m_socket.sslConfiguration().peerCertificateChain(), {});
        loop.quit();
    });
    QObject::connect(&m_socket, &QWebSocket::disconnected, &loop, [&] {
        failure = m_socket.errorString();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&] {
        failure = u"timed out"_s;
        loop.quit();
    });
    m_socket.open(QUrl(u"wss://%1/"_s.arg(m_server)));
    loop.exec();
    QObject::disconnect(&m_socket, &QWebSocket::connected, &loop, nullptr);
    QObject::disconnect(&m_socket, &QWebSocket::disconnected, &loop, nullptr);
    QObject::disconnect(&m_socket, &QWebSocket::sslErrors, &m_socket, nullptr);
    if (refused) {
        m_socket.abort();
        return makeError(ErrorCode::Unauthorized, refused->message);
    }
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        return makeError(ErrorCode::Network, u"cannot reach the admin API at %1: %2"_s.arg(m_server, failure.isEmpty() ? m_socket.errorString() : failure));
    return {};
}

AdminClient::Reply AdminClient::call(const QString &name, const QString &token, const QCborMap &args, int timeoutMs)
{
    proto::Request request;
    request.id = m_nextId++;
    request.call = name;
    request.token = token;
    request.args = args;
    Reply reply;
    reply.error = u"network"_s;
    QEventLoop loop;
    QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived, &loop, [&](const QByteArray &data) {
        auto decoded = proto::decodeResponse(data);
        if (auto *bad = std::get_if<proto::DecodeError>(&decoded)) {
            reply.message = u"malformed reply: %1"_s.arg(bad->message);
            loop.quit();
            return;
        }
        const proto::Response &response = std::get<proto::Response>(decoded);
        if (response.id != request.id && response.id != 0)
            return;
        reply.ok = response.ok();
        reply.error = response.error;
        reply.message = response.message;
        reply.result = response.result;
        loop.quit();
    });
    QObject::connect(&m_socket, &QWebSocket::disconnected, &loop, [&] {
        reply.message = u"the server closed the connection: %1"_s.arg(m_socket.closeReason());
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&] {
        reply.message = u"no reply within %1 seconds"_s.arg(timeoutMs / 1000);
        loop.quit();
    });
    m_socket.sendBinaryMessage(proto::encodeRequest(request));
    loop.exec();
    return reply;
}

} // namespace parley::ctl
