#pragma once

// The admin API client both admin tools use (parleyctl, parley-admin): one TLS WebSocket to HOST:PORT
// (docs/admin-api.md), many calls in flight, every reply delivered later to a callback that runs only while its
// context object lives. No nested event loops.

#include "net/tlspin.h"
#include "parley_export.h"

#include <QAbstractSocket>
#include <QCborMap>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace parley {

// Why an admin call failed: the server's admin_error codes (protocol/adminprotocol.h), then the client's own.
enum class AdminError {
    BadRequest,
    UnknownCall,
    Unauthorized,
    TotpRequired,
    LockedOut,
    PasswordChangeRequired,
    Forbidden,
    NotFound,
    Conflict,
    InvalidArgument,
    Unavailable,
    Internal,       // also any code this client does not know
    Network,        // not connected, or the connection ended before the reply
    Timeout,        // no reply in time
    Protocol,       // a reply that does not decode
    Certificate,    // the server's certificate was refused (TlsPin)
};

struct PARLEY_EXPORT AdminFailure {
    AdminError error = AdminError::Internal;
    QString code;       // the wire code as received ("not_found"), or "network", "timeout", "protocol", "certificate"
    QString message;    // the server's text, or the client's account of what went wrong

    static AdminFailure fromCode(const QString &code, const QString &message);
    static AdminFailure local(AdminError error, const QString &message);
    // Whether the failure happened on this side of the wire (no admin_error from the server).
    bool isLocal() const;
};

PARLEY_EXPORT QString adminErrorCode(AdminError error);

// A call's result map, or why there is none.
class PARLEY_EXPORT AdminReply {
public:
    AdminReply(QCborMap result) : m_v(std::move(result)) {}
    AdminReply(AdminFailure failure) : m_v(std::move(failure)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    // Empty when the call failed.
    QCborMap result() const { return ok() ? std::get<0>(m_v) : QCborMap(); }
    // Only when the call failed.
    const AdminFailure &failure() const { return std::get<1>(m_v); }

private:
    std::variant<QCborMap, AdminFailure> m_v;
};

class PARLEY_EXPORT AdminApiClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const AdminReply &)>;
    enum class State { Disconnected, Connecting, Connected };

    static constexpr int DefaultCallTimeoutMs = 30000;
    static constexpr int DefaultConnectTimeoutMs = 15000;

    explicit AdminApiClient(QObject *parent = nullptr);
    ~AdminApiClient() override;

    // The pinned fingerprint of the server's certificate (TlsPin::check). Without a pin only a certificate the
    // system trust store accepts is used; any other is refused and reported by certificateRefused().
    void setPin(const TlsPin &pin);
    TlsPin pin() const;
    // Presented by the next connectToServer(); a null certificate presents none.
    void setClientCertificate(const QSslCertificate &certificate, const QSslKey &key);
    QSslCertificate clientCertificate() const;
    void setConnectTimeout(int ms);
    void setCallTimeout(int ms);
    int callTimeout() const;

    // HOST:PORT (IPv6 hosts in brackets). Ends in connected() or connectionFailed().
    void connectToServer(const QString &server);
    void disconnectFromServer();
    State state() const;
    QString server() const;
    // The server's leaf certificate as seen in the last connection attempt (null before the handshake).
    QSslCertificate peerCertificate() const;

    // What the last connection attempt learnt about the TLS handshake, to explain a refusal: the server's fatal
    // alert, whether its certificate was seen, and the socket's error.
    std::optional<QSsl::AlertType> fatalAlert() const;
    bool serverCertificateSeen() const;
    QAbstractSocket::SocketError socketError() const;
    // The server's close reason, else the socket's error, when the last connection ended.
    QString closeReason() const;

    // The token sent with every call (empty: none).
    void setToken(const QString &token);
    QString token() const;

    // Sends one call; `done` runs exactly once, later (reply, error, timeout or disconnect), unless `context` is
    // gone by then. A null context means the callback is not tied to any object's lifetime.
    void call(const QString &name, const QCborMap &args, const QObject *context, Callback done);

Q_SIGNALS:
    void connected();
    // The attempt from connectToServer() failed (AdminError::Network, Timeout or Certificate).
    void connectionFailed(const parley::AdminFailure &failure);
    // An established connection ended.
    void disconnected(const parley::AdminFailure &failure);
    // The server's certificate was refused: the pin's verdict, or (without a pin) a certificate no trust store accepts.
    // Followed by connectionFailed().
    void certificateRefused(const QSslCertificate &presented, const std::optional<parley::TlsPinError> &pinError);
    // A call was answered with password_change_required.
    void passwordChangeRequired();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley
