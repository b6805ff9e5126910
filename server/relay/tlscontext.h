#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QSslConfiguration>

#include <memory>

struct ssl_ctx_st;

namespace parley::server {

class TicketKeyRing;

// One server-side TLS context (an OpenSSL SSL_CTX) shared by every connection of a listener, on every worker
// thread: certificate, key and CA list are held once, and TLS sessions resume across connections and workers
// through session tickets. Built from the QSslConfiguration the daemon assembles (TLS versions, suites, chain,
// key, client CA list and verify mode); compression, renegotiation and early data are always off, and a resumed
// TLS 1.3 session always runs a fresh (EC)DHE exchange (psk_dhe_ke only).
//
// Ticket keys (AES-256-CBC + HMAC-SHA256, as RFC 5077 suggests) rotate every `ticketKeySeconds`; the previous key
// still decrypts, so a ticket is accepted for at most two periods after its key was made (and at most two hours,
// the session lifetime). A context built for a certificate reload takes over the ticket keys of the one it
// replaces, unless it checks client certificates (then sessions admitted under the old CA list do not resume).
//
// Sockets hold the context through a shared_ptr: a reload gives new connections a new context while established
// ones keep theirs until they close.
class TlsContext {
public:
    struct Options {
        QByteArray sessionIdContext;      // names the listener; a session resumes only where it was made
        int ticketKeySeconds = 3600;
    };

    static Result<std::shared_ptr<TlsContext>> create(const QSslConfiguration &configuration, const Options &options,
                                                      const std::shared_ptr<TlsContext> &previous = {});
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    ssl_ctx_st *handle() const;
    bool verifiesPeer() const;

private:
    TlsContext() = default;
    Status configure(const QSslConfiguration &configuration, const Options &options);

    ssl_ctx_st *m_ctx = nullptr;
    std::shared_ptr<TicketKeyRing> m_keys;
    bool m_verifiesPeer = false;
};

} // namespace parley::server
