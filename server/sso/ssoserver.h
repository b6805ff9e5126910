#pragma once

#include "core/result.h"
#include "sso/ssoconfig.h"

#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>

namespace parley::server {

class Store;

// What the single sign-on needs of the daemon around it.
struct SsoHost {
    Store *store = nullptr;
    std::function<QString()> deviceServer;    // HOST:PORT devices connect to (as in enrollment links)
    std::function<QString()> fingerprint;     // of the device listener's certificate
};

// Single sign-on for enrollment (docs/operations.md "Single sign-on"): an HTTPS listener of its own for browsers,
// an OpenID Connect relying party (authorization code flow with PKCE S256, state bound to the browser by a cookie,
// the ID token's signature, issuer, audience, nonce and times checked), and for a person the provider signed in, a
// one-time enrollment code for the Parley user their claim names, shown on a plain page with the `parley register`
// command line. Each code it issues, and each refusal for a known user name, is in the audit log (actor `sso`,
// action `sso.enroll`).
//
//   GET /sso/start      a new sign-in: 302 to the provider's authorization endpoint
//   GET /sso/callback   the provider's answer: the code exchanged, the ID token checked, the enrollment code shown
//
// Lives in the main thread; the TLS layer is the server's own (TlsListener), with the device plane's certificate.
class SsoServer : public QObject {
    Q_OBJECT
public:
    SsoServer(SsoConfig config, SsoHost host, QObject *parent = nullptr);
    ~SsoServer() override;

    // Reads the client secret and the CA file, listens, and starts fetching the provider's metadata (a provider that
    // cannot be reached yet is tried again at the first sign-in).
    Status start(const QSslConfiguration &tls);
    // New connections use this certificate (a reload); open ones keep theirs.
    void setTls(const QSslConfiguration &tls);
    void stop();

    quint16 port() const;
    QString url() const;              // https://ADDR:PORT/
    QUrl redirectUri() const;         // PUBLIC_URL/sso/callback
    bool isListening() const;
    const SsoConfig &config() const;
    // The last failure to read the provider's metadata or keys, until a read of the same kind succeeds.
    QString lastError() const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
