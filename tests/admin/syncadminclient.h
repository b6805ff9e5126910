#pragma once

// libparley's admin API client, waited for: the tests make one call after the other and check each reply. Each wait
// is bounded; an event loop of its own is fine in a test (production code chains callbacks instead).

#include "admin/adminapiclient.h"
#include "core/result.h"

#include <QCborMap>
#include <QEventLoop>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QTimer>

#include <optional>

namespace parley::e2e {

class SyncAdminClient {
public:
    struct Reply {
        bool ok = false;
        QString error;        // admin error code, or "network" when the reply did not come from the server
        QString message;
        QCborMap result;
    };

    SyncAdminClient(QString server, const QString &fingerprint) : m_server(std::move(server))
    {
        m_client.setPin(TlsPin::fromString(fingerprint));
    }

    void setClientCertificate(const QSslCertificate &certificate, const QSslKey &key)
    {
        m_client.setClientCertificate(certificate, key);
    }

    Status connectToServer(int timeoutMs)
    {
        std::optional<AdminFailure> failure;
        QEventLoop loop;
        QObject::connect(&m_client, &AdminApiClient::connected, &loop, &QEventLoop::quit);
        QObject::connect(&m_client, &AdminApiClient::connectionFailed, &loop, [&](const AdminFailure &f) {
            failure = f;
            loop.quit();
        });
        m_client.setConnectTimeout(timeoutMs);
        m_client.connectToServer(m_server);
        QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
        loop.exec();
        if (failure)
            return makeError(failure->error == AdminError::Certificate ? ErrorCode::Unauthorized : ErrorCode::Network,
                             failure->message);
        if (m_client.state() != AdminApiClient::State::Connected)
            return makeError(ErrorCode::Timeout, QStringLiteral("no connection in time"));
        return {};
    }

    Reply call(const QString &name, const QString &token, const QCborMap &args, int timeoutMs)
    {
        Reply reply{false, QStringLiteral("network"), QStringLiteral("no reply in time"), {}};
        QEventLoop loop;
        m_client.setToken(token);
        m_client.setCallTimeout(timeoutMs);
        m_client.call(name, args, &loop, [&](const AdminReply &r) {
            if (r.ok()) {
                reply = Reply{true, {}, {}, r.result()};
            } else {
                const AdminFailure &f = r.failure();
                reply = Reply{false, f.isLocal() ? QStringLiteral("network") : f.code, f.message, {}};
            }
            loop.quit();
        });
        QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
        loop.exec();
        return reply;
    }

private:
    QString m_server;
    AdminApiClient m_client;
};

} // namespace parley::e2e
