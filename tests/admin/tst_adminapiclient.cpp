// AdminApiClient against a small admin endpoint in the test (QWebSocketServer over TLS with a certificate made here):
// pinning, typed results and errors, timeouts, context-guarded callbacks, and what happens when the connection ends.

#include "admin/adminapiclient.h"
#include "crypto/crypto.h"
#include "protocol/adminprotocol.h"

#include <QHostAddress>
#include <QPointer>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace parley;
namespace proto = parley::protocol::admin;

namespace {

constexpr int WaitMs = 10000;

// Answers by call name: "status" with a result (and the token it got), "user.show" with not_found, "slow" never,
// "garbage" with bytes that are no reply, "frame" with an error that names no request, "bye" by closing.
class Endpoint : public QObject {
public:
    QWebSocketServer server{u"test"_s, QWebSocketServer::SecureMode};
    QSslCertificate certificate;
    std::vector<std::unique_ptr<QWebSocket>> sockets;

    bool start()
    {
        auto generated = crypto::generateSelfSignedCertificate(u"localhost"_s, {u"localhost"_s}, {QHostAddress::LocalHost}, 2);
        if (!generated)
            return false;
        certificate = QSslCertificate(generated->certificatePem, QSsl::Pem);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(certificate);
        tls.setPrivateKey(QSslKey(generated->privateKeyPem.view().toByteArray(), QSsl::Ec, QSsl::Pem));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        server.setSslConfiguration(tls);
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server.nextPendingConnection()) {
                sockets.emplace_back(s);
                connect(s, &QWebSocket::binaryMessageReceived, this, [s](const QByteArray &data) { answer(s, data); });
            }
        });
        return server.listen(QHostAddress::LocalHost, 0);
    }

    QString address() const { return u"127.0.0.1:%1"_s.arg(server.serverPort()); }

    static void answer(QWebSocket *s, const QByteArray &data)
    {
        auto decoded = proto::decodeRequest(data);
        if (!std::holds_alternative<proto::Request>(decoded))
            return;
        const proto::Request request = std::get<proto::Request>(decoded);
        proto::Response response;
        response.id = request.id;
        if (request.call == u"status"_s) {
            response.result = QCborMap{{u"token"_s, request.token}};
        } else if (request.call == u"user.show"_s) {
            response.error = proto::errors::NotFound;
            response.message = u"no such user"_s;
        } else if (request.call == u"frame"_s) {
            response.id = 0;
            response.error = proto::errors::BadRequest;
            response.message = u"frame"_s;
        } else if (request.call == u"garbage"_s) {
            s->sendBinaryMessage("not cbor");
            return;
        } else if (request.call == u"bye"_s) {
            s->close(QWebSocketProtocol::CloseCodeNormal, u"bye"_s);
            return;
        } else {
            return;   // "slow"
        }
        s->sendBinaryMessage(proto::encodeResponse(response));
    }
};

} // namespace

class tst_AdminApiClient : public QObject {
    Q_OBJECT

private:
    Endpoint m_endpoint;

    bool connectWith(AdminApiClient &client, const TlsPin &pin)
    {
        client.setPin(pin);
        QSignalSpy connected(&client, &AdminApiClient::connected);
        client.connectToServer(m_endpoint.address());
        return connected.wait(WaitMs);
    }

    // The reply to one call, and how often the callback ran.
    std::optional<AdminReply> callAndWait(AdminApiClient &client, const QString &name, int *runs = nullptr)
    {
        std::optional<AdminReply> reply;
        int count = 0;
        client.call(name, {}, this, [&](const AdminReply &r) {
            reply = r;
            ++count;
        });
        if (reply)
            qWarning("the callback ran inside call()");
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, WaitMs))
            return std::nullopt;
        QTest::qWait(50);   // time for a second run, which must not come
        if (runs)
            *runs = count;
        return reply;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_endpoint.start()); }

    void typedResultsAndErrors()
    {
        AdminApiClient client;
        QVERIFY(connectWith(client, TlsPin::fromString(TlsPin::of(m_endpoint.certificate).toColonHex())));
        client.setToken(u"tok"_s);
        int runs = 0;
        auto ok = callAndWait(client, u"status"_s, &runs);
        QVERIFY(ok && ok->ok());
        QCOMPARE(runs, 1);
        QCOMPARE(ok->result().value("token"_L1).toString(), u"tok"_s);

        auto missing = callAndWait(client, u"user.show"_s, &runs);
        QVERIFY(missing && !missing->ok());
        QCOMPARE(runs, 1);
        QCOMPARE(missing->failure().error, AdminError::NotFound);
        QCOMPARE(missing->failure().code, u"not_found"_s);
        QCOMPARE(missing->failure().message, u"no such user"_s);
        QVERIFY(!missing->failure().isLocal());

        // An error that names no request goes to the oldest one; a reply that does not decode is a protocol error.
        auto frame = callAndWait(client, u"frame"_s);
        QVERIFY(frame && !frame->ok());
        QCOMPARE(frame->failure().error, AdminError::BadRequest);
        auto garbage = callAndWait(client, u"garbage"_s);
        QVERIFY(garbage && !garbage->ok());
        QCOMPARE(garbage->failure().error, AdminError::Protocol);
        QVERIFY(garbage->failure().isLocal());
    }

    void errorCodes()
    {
        QCOMPARE(AdminFailure::fromCode(u"locked_out"_s, {}).error, AdminError::LockedOut);
        QCOMPARE(AdminFailure::fromCode(u"password_change_required"_s, {}).error, AdminError::PasswordChangeRequired);
        // A code from a newer server is kept as received.
        const AdminFailure unknown = AdminFailure::fromCode(u"brand_new"_s, u"m"_s);
        QCOMPARE(unknown.error, AdminError::Internal);
        QCOMPARE(unknown.code, u"brand_new"_s);
        // The server cannot claim the client's own codes.
        QCOMPARE(AdminFailure::fromCode(u"network"_s, {}).error, AdminError::Internal);
        QCOMPARE(adminErrorCode(AdminError::Timeout), u"timeout"_s);
    }

    void wrongPinIsRefused()
    {
        AdminApiClient client;
        auto other = crypto::generateSelfSignedCertificate(u"other"_s, {u"other"_s}, {}, 2);
        QVERIFY(other);
        client.setPin(TlsPin::of(QSslCertificate(other->certificatePem, QSsl::Pem)));
        QSignalSpy refused(&client, &AdminApiClient::certificateRefused);
        QSignalSpy failed(&client, &AdminApiClient::connectionFailed);
        client.connectToServer(m_endpoint.address());
        QVERIFY(failed.wait(WaitMs));
        QCOMPARE(refused.size(), 1);
        const auto pinError = refused.first().at(1).value<std::optional<TlsPinError>>();
        QVERIFY(pinError);
        QCOMPARE(pinError->failure, TlsPinFailure::Mismatch);
        QCOMPARE(failed.first().at(0).value<AdminFailure>().error, AdminError::Certificate);
        QCOMPARE(client.state(), AdminApiClient::State::Disconnected);
    }

    void unpinnedSelfSignedIsRefused()
    {
        AdminApiClient client;
        QSignalSpy refused(&client, &AdminApiClient::certificateRefused);
        QSignalSpy failed(&client, &AdminApiClient::connectionFailed);
        client.connectToServer(m_endpoint.address());
        QVERIFY(failed.wait(WaitMs));
        QCOMPARE(refused.size(), 1);
        QVERIFY(!refused.first().at(1).value<std::optional<TlsPinError>>());
        QCOMPARE(refused.first().at(0).value<QSslCertificate>(), m_endpoint.certificate);
    }

    void timeout()
    {
        AdminApiClient client;
        QVERIFY(connectWith(client, TlsPin::of(m_endpoint.certificate)));
        client.setCallTimeout(200);
        auto slow = callAndWait(client, u"slow"_s);
        QVERIFY(slow && !slow->ok());
        QCOMPARE(slow->failure().error, AdminError::Timeout);
    }

    void callbacksNeedTheirContext()
    {
        AdminApiClient client;
        QVERIFY(connectWith(client, TlsPin::of(m_endpoint.certificate)));
        auto context = std::make_unique<QObject>();
        bool ran = false;
        client.call(u"status"_s, {}, context.get(), [&](const AdminReply &) { ran = true; });
        context.reset();
        auto after = callAndWait(client, u"status"_s);   // the earlier reply has arrived by now
        QVERIFY(after && after->ok());
        QVERIFY(!ran);
    }

    void notConnected()
    {
        AdminApiClient client;
        auto reply = callAndWait(client, u"status"_s);
        QVERIFY(reply && !reply->ok());
        QCOMPARE(reply->failure().error, AdminError::Network);
    }

    void closedConnectionFailsPendingCalls()
    {
        AdminApiClient client;
        QVERIFY(connectWith(client, TlsPin::of(m_endpoint.certificate)));
        QSignalSpy disconnected(&client, &AdminApiClient::disconnected);
        std::optional<AdminReply> pending;
        client.call(u"slow"_s, {}, this, [&](const AdminReply &r) { pending = r; });
        auto bye = callAndWait(client, u"bye"_s);
        QVERIFY(bye && !bye->ok());
        QCOMPARE(bye->failure().error, AdminError::Network);
        QVERIFY(pending && !pending->ok());
        QCOMPARE(pending->failure().error, AdminError::Network);
        QCOMPARE(disconnected.size(), 1);
        QCOMPARE(client.state(), AdminApiClient::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_AdminApiClient)
#include "tst_adminapiclient.moc"
