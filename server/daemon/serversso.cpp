// Server: the single sign-on listener ([sso], docs/operations.md "Single sign-on"), started with the server and
// applied again when the admin API changes its settings.

#include "daemon/server.h"
#include "daemon/serverstate.h"

#include "daemon/logging.h"

using namespace Qt::StringLiterals;

namespace parley::server {

// The single sign-on listener, when [sso] is configured: with the device plane's certificate.
Status Server::startSso(const QSslConfiguration &tls)
{
    if (!d->config.sso.enabled())
        return {};
    d->sso = makeSso(d->config.sso);
    if (Status s = d->sso->start(tls); !s) {
        d->sso.reset();
        return s;
    }
    return {};
}

std::unique_ptr<SsoServer> Server::makeSso(const SsoConfig &config)
{
    SsoHost host;
    host.store = d->store.get();
    host.deviceServer = [this] { return enrollServer(); };
    host.fingerprint = [this] { return d->fingerprint; };
    return std::make_unique<SsoServer>(config, host);
}

// A new single sign-on service in place of the one running: started first when it listens elsewhere, so that one that
// cannot start leaves the old one as it was; when it takes the same address, the old one stops to free it and starts
// again if the new one fails.
Status Server::applySso(const SsoConfig &config)
{
    if (!d->running || d->stopping)
        return makeError(ErrorCode::Unavailable, u"the server is not running"_s);
    std::unique_ptr<SsoServer> &current = d->sso;
    if (!config.enabled()) {
        if (current)
            current->stop();
        current.reset();
        qCInfo(lcServer) << "Single sign-on is off";
        return {};
    }
    std::unique_ptr<SsoServer> next = makeSso(config);
    const bool sameAddress = current && current->config().listenAddress == config.listenAddress
        && current->config().listenPort == config.listenPort;
    if (sameAddress)
        current->stop();
    if (Status s = next->start(d->tlsConfiguration); !s) {
        if (sameAddress) {
            if (Status again = current->start(d->tlsConfiguration); !again)
                qCWarning(lcServer).noquote() << "Single sign-on could not start again as it was:" << again.error().message;
        }
        return s;
    }
    if (current)
        current->stop();
    current = std::move(next);
    return {};
}

const SsoServer *Server::sso() const
{
    return d->sso.get();
}

QString Server::ssoUrl() const
{
    return d->sso ? d->sso->url() : QString();
}

} // namespace parley::server
