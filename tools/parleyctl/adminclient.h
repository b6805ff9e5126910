#pragma once

#include "core/result.h"
#include "net/tlspin.h"
#include "protocol/adminprotocol.h"

#include <QCborMap>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QWebSocket>

namespace parley::ctl {

// A blocking admin API client for the command line: one TLS WebSocket to HOST:PORT whose certificate must have the
// pinned SHA-256 fingerprint, one request at a time. Runs the application's only event loop while it waits.
class AdminClient {
public:
    struct Reply {
        bool ok = false;
        QString error;        // admin error code, or "network" when the server could not be reached
        QString message;
        QCborMap result;
    };

    AdminClient(QString server, QString fingerprint);
    void setClientCertificate(const QSslCertificate &certificate, const QSslKey &key);

    Status connectToServer(int timeoutMs);
    Reply call(const QString &name, const QString &token, const QCborMap &args, int timeoutMs);

private:
    QString m_server;
    QString m_fingerprint;
    QSslCertificate m_clientCert;
    QSslKey m_clientKey;
    QWebSocket m_socket;
    quint64 m_nextId = 1;
};

} // namespace parley::ctl
