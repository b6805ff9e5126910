#pragma once

#include <QCborMap>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <functional>
#include <memory>

namespace parley::admin {

// The admin API client of parley-admin: libparley's AdminApiClient (one TLS WebSocket, many requests in flight, every
// reply delivered asynchronously to a callback that runs only while its context object lives) with what the widgets
// need on top: the pins kept in QSettings, and every failure in translated words.
//
// Certificate trust: a certificate the system trust store accepts is used as is. Otherwise the server's SHA-256
// fingerprint must have been pinned for this server (QSettings, see CertificatePins); an unknown certificate is
// reported through certificateUnknown() so that the administrator can confirm it once, and a certificate that
// differs from the pinned one through certificateChanged(); both refuse the connection. A certificate with the pinned
// fingerprint that has expired or is not yet valid is refused too, and disconnected() names its dates.
//
// Client certificate: for an admin listener with require_client_certificate=true, a certificate and key set with
// setClientCertificate() are presented in the TLS handshake. When the server refuses the handshake for want of one,
// disconnected() says so in words.
class AdminClient : public QObject {
    Q_OBJECT
public:
    struct Reply {
        bool ok = false;
        QString error;       // admin error code, or "network" / "timeout" / "protocol"
        QString message;     // the server's own text, if any
        QCborMap result;
        // The failure in words for a person (translated).
        QString text() const;
    };
    using Callback = std::function<void(const Reply &)>;

    enum class State { Disconnected, Connecting, Connected };

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    // HOST:PORT (IPv6 hosts in brackets).
    void connectToServer(const QString &server);
    // The client certificate presented by the next connectToServer(); a null certificate presents none.
    void setClientCertificate(const QSslCertificate &certificate, const QSslKey &key);
    void clearClientCertificate();
    bool hasClientCertificate() const;
    void disconnectFromServer();
    State state() const;
    QString server() const;
    QString peerFingerprint() const;

    void setToken(const QString &token);
    QString token() const;
    void setTimeout(int ms);

    // Sends one call; `done` runs exactly once (reply, error, timeout or disconnect) if `context` still exists.
    void call(const QString &name, const QCborMap &args, QObject *context, Callback done);
    // The same with a time limit of its own, for a call that may take longer than the usual limit (a directory sync).
    void call(const QString &name, const QCborMap &args, QObject *context, Callback done, int timeoutMs);

    // Human sentence for an admin error code and the server's message.
    static QString describeError(const QString &code, const QString &message);
    // A fingerprint in either spelling, shown as every Parley program prints it (parley::formatFingerprint()).
    static QString formatFingerprint(const QString &hex);

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);
    // No trust store accepts this certificate and none is pinned: ask the administrator; connection refused.
    void certificateUnknown(const QString &fingerprint);
    // The pinned certificate differs from the presented one: connection refused.
    void certificateChanged(const QString &pinned, const QString &presented);
    // The server answered password_change_required or unauthorized to a call.
    void sessionProblem(const QString &code);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

// Pinned server certificates, one SHA-256 fingerprint per HOST:PORT, in QSettings.
namespace CertificatePins {
QString pinned(const QString &server);
void pin(const QString &server, const QString &fingerprint);
void forget(const QString &server);
}

} // namespace parley::admin
