#include "relay/tlscontext.h"

#include <QSslCipher>
#include <QSslKey>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstring>
#include <mutex>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr int TicketKeyNameBytes = 16;
constexpr int TicketIvBytes = 16;           // AES-256-CBC
constexpr long SessionLifetimeSeconds = 2 * 3600;

QString openSslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return u"unknown TLS library error"_s;
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    return QString::fromLatin1(text);
}

Error tlsError(const QString &what)
{
    return makeError(ErrorCode::Crypto, u"%1: %2"_s.arg(what, openSslError()));
}

qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct TicketKey {
    unsigned char name[TicketKeyNameBytes];
    unsigned char aesKey[32];
    unsigned char hmacKey[32];
    qint64 createdMs = 0;
    bool valid = false;
};

void wipe(TicketKey &key)
{
    OPENSSL_cleanse(&key, sizeof(key));
    key.valid = false;
}

} // namespace

// The ticket keys of a listener: the current one encrypts, the current and the previous one decrypt. Used from
// every worker thread, hence the mutex; rotation happens on use, when the current key is older than the period.
class TicketKeyRing {
public:
    explicit TicketKeyRing(int periodSeconds) : m_periodMs(qint64(periodSeconds) * 1000) {}
    ~TicketKeyRing()
    {
        wipe(m_current);
        wipe(m_previous);
    }

    int periodSeconds() const { return int(m_periodMs / 1000); }

    bool current(TicketKey *out)
    {
        std::lock_guard lock(m_mutex);
        if (!rotateIfDue(monotonicMs()))
            return false;
        *out = m_current;
        return true;
    }

    // 1: the current key, 2: the previous one (the ticket is renewed), 0: unknown or expired (full handshake).
    int find(const unsigned char *name, TicketKey *out)
    {
        std::lock_guard lock(m_mutex);
        const qint64 now = monotonicMs();
        if (!rotateIfDue(now))
            return 0;
        if (std::memcmp(name, m_current.name, TicketKeyNameBytes) == 0) {
            *out = m_current;
            return 1;
        }
        if (m_previous.valid && now - m_previous.createdMs < 2 * m_periodMs
            && std::memcmp(name, m_previous.name, TicketKeyNameBytes) == 0) {
            *out = m_previous;
            return 2;
        }
        return 0;
    }

private:
    bool rotateIfDue(qint64 now)
    {
        if (m_current.valid && now - m_current.createdMs < m_periodMs)
            return true;
        wipe(m_previous);
        if (m_current.valid && now - m_current.createdMs < 2 * m_periodMs)
            m_previous = m_current;
        wipe(m_current);
        if (RAND_bytes(m_current.name, sizeof(m_current.name)) <= 0 || RAND_priv_bytes(m_current.aesKey, sizeof(m_current.aesKey)) <= 0
            || RAND_priv_bytes(m_current.hmacKey, sizeof(m_current.hmacKey)) <= 0)
            return false;
        m_current.createdMs = now;
        m_current.valid = true;
        return true;
    }

    std::mutex m_mutex;
    const qint64 m_periodMs;
    TicketKey m_current;
    TicketKey m_previous;
};

namespace {

int ringIndex()
{
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

bool setMacKey(EVP_MAC_CTX *mac, TicketKey &key)
{
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmacKey, sizeof(key.hmacKey)),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    return EVP_MAC_CTX_set_params(mac, params) == 1;
}

// SSL_CTX_set_tlsext_ticket_key_evp_cb: encrypts new tickets with the current key, decrypts with the key the
// ticket names. Returning 0 on decryption makes OpenSSL run a full handshake (and issue a new ticket).
int ticketKeyCallback(SSL *ssl, unsigned char *keyName, unsigned char *iv, EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac,
                      int encrypt)
{
    auto *ring = static_cast<TicketKeyRing *>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ringIndex()));
    if (!ring)
        return -1;
    TicketKey key;
    int result = 0;
    if (encrypt) {
        result = ring->current(&key) && RAND_bytes(iv, TicketIvBytes) > 0 ? 1 : -1;
        if (result == 1) {
            std::memcpy(keyName, key.name, TicketKeyNameBytes);
            if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aesKey, iv) != 1)
                result = -1;
        }
    } else {
        result = ring->find(keyName, &key);
        if (result > 0 && EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aesKey, iv) != 1)
            result = -1;
    }
    if (result > 0 && !setMacKey(mac, key))
        result = -1;
    wipe(key);
    return result;
}

Status setProtocols(SSL_CTX *ctx, QSsl::SslProtocol protocol)
{
    int min = TLS1_2_VERSION;
    int max = 0;
    switch (protocol) {
    case QSsl::TlsV1_2:
        max = TLS1_2_VERSION;
        break;
    case QSsl::TlsV1_2OrLater:
        break;
    case QSsl::TlsV1_3:
    case QSsl::TlsV1_3OrLater:
        min = TLS1_3_VERSION;
        break;
    default:
        return makeError(ErrorCode::InvalidArgument, u"the TLS layer supports TLS 1.2 and 1.3 only"_s);
    }
    if (SSL_CTX_set_min_proto_version(ctx, min) != 1 || SSL_CTX_set_max_proto_version(ctx, max) != 1)
        return tlsError(u"cannot set the TLS versions"_s);
    return {};
}

// The suites of the configuration: OpenSSL names TLS 1.3 suites TLS_*, the others by their TLS 1.2 names.
Status setSuites(SSL_CTX *ctx, const QList<QSslCipher> &ciphers)
{
    QStringList tls12;
    QStringList tls13;
    for (const QSslCipher &c : ciphers)
        (c.name().startsWith("TLS_"_L1) ? tls13 : tls12).append(c.name());
    if (tls12.isEmpty() && tls13.isEmpty())
        return makeError(ErrorCode::Crypto, u"no TLS cipher suite is allowed"_s);
    // Without suites of one version, that version is off (rather than left to OpenSSL's default suites).
    if (tls12.isEmpty() && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1)
        return tlsError(u"cannot set the TLS versions"_s);
    if (tls13.isEmpty() && SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1)
        return tlsError(u"cannot set the TLS versions"_s);
    if (!tls12.isEmpty() && SSL_CTX_set_cipher_list(ctx, tls12.join(u':').toLatin1().constData()) != 1)
        return tlsError(u"cannot set the TLS 1.2 cipher suites"_s);
    if (SSL_CTX_set_ciphersuites(ctx, tls13.join(u':').toLatin1().constData()) != 1)
        return tlsError(u"cannot set the TLS 1.3 cipher suites"_s);
    return {};
}

X509 *toX509(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return d2i_X509(nullptr, &p, long(der.size()));
}

Status setIdentity(SSL_CTX *ctx, const QList<QSslCertificate> &chain, const QSslKey &key)
{
    if (chain.isEmpty() || key.isNull())
        return makeError(ErrorCode::InvalidArgument, u"the TLS configuration has no certificate or key"_s);
    X509 *leaf = toX509(chain.first());
    const bool leafSet = leaf && SSL_CTX_use_certificate(ctx, leaf) == 1;
    X509_free(leaf);
    if (!leafSet)
        return tlsError(u"cannot use the serving certificate"_s);
    for (qsizetype i = 1; i < chain.size(); ++i) {
        X509 *extra = toX509(chain.at(i));
        if (!extra || SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            return tlsError(u"cannot use the certificate chain"_s);
        }
    }
    QByteArray pem = key.toPem();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    OPENSSL_cleanse(pem.data(), size_t(pem.size()));
    const bool keySet = pkey && SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
    EVP_PKEY_free(pkey);
    if (!keySet)
        return tlsError(u"cannot use the private key"_s);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return tlsError(u"the private key does not match the certificate"_s);
    return {};
}

// Client certificates: with a verify mode other than VerifyNone, the peer must present a certificate issued by one
// of the configuration's CA certificates (and only those: no system CAs).
Status setPeerVerification(SSL_CTX *ctx, const QSslConfiguration &configuration, bool *verifies)
{
    *verifies = configuration.peerVerifyMode() == QSslSocket::VerifyPeer;
    if (!*verifies) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        return {};
    }
    const QList<QSslCertificate> cas = configuration.caCertificates();
    if (cas.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"client certificates are required but no CA certificate is given"_s);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    for (const QSslCertificate &ca : cas) {
        X509 *x = toX509(ca);
        const bool added = x && X509_STORE_add_cert(store, x) == 1 && SSL_CTX_add_client_CA(ctx, x) == 1;
        X509_free(x);
        if (!added)
            return tlsError(u"cannot use the client CA certificate"_s);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    return {};
}

} // namespace

Result<std::shared_ptr<TlsContext>> TlsContext::create(const QSslConfiguration &configuration, const Options &options,
                                                       const std::shared_ptr<TlsContext> &previous)
{
    if (options.ticketKeySeconds < 1)
        return makeError(ErrorCode::InvalidArgument, u"the ticket key period must be at least one second"_s);
    std::shared_ptr<TlsContext> context(new TlsContext);
    // A listener that checks client certificates starts over: its new CA list must not be bypassed by resuming a
    // session that an old one admitted.
    const bool checksClients = configuration.peerVerifyMode() == QSslSocket::VerifyPeer;
    if (previous && previous->m_keys && previous->m_keys->periodSeconds() == options.ticketKeySeconds && !checksClients)
        context->m_keys = previous->m_keys;
    else
        context->m_keys = std::make_shared<TicketKeyRing>(options.ticketKeySeconds);
    ERR_clear_error();
    if (Status s = context->configure(configuration, options); !s)
        return s.error();
    return context;
}

Status TlsContext::configure(const QSslConfiguration &configuration, const Options &options)
{
    m_ctx = SSL_CTX_new(TLS_server_method());
    if (!m_ctx)
        return tlsError(u"cannot create the TLS context"_s);
    if (Status s = setProtocols(m_ctx, configuration.protocol()); !s)
        return s;
    if (Status s = setSuites(m_ctx, configuration.ciphers()); !s)
        return s;
    if (Status s = setIdentity(m_ctx, configuration.localCertificateChain(), configuration.privateKey()); !s)
        return s;
    if (Status s = setPeerVerification(m_ctx, configuration, &m_verifiesPeer); !s)
        return s;
    // No compression, no renegotiation (of either side), the server's suite order; a resumed TLS 1.3 session
    // always runs a fresh key exchange (psk_dhe_ke: OpenSSL's default without SSL_OP_ALLOW_NO_DHE_KEX, made
    // explicit); tickets on (stateless: no server-side session cache to grow).
    SSL_CTX_set_options(m_ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_clear_options(m_ctx, SSL_OP_ALLOW_NO_DHE_KEX | SSL_OP_NO_TICKET | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION
                                     | SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    SSL_CTX_set_session_cache_mode(m_ctx, SSL_SESS_CACHE_OFF);
    // No 0-RTT: tickets never allow early data, and early data a client sends anyway ends the handshake.
    if (SSL_CTX_set_max_early_data(m_ctx, 0) != 1 || SSL_CTX_set_recv_max_early_data(m_ctx, 0) != 1)
        return tlsError(u"cannot turn early data off"_s);
    // A session (and the lifetime its ticket announces) lasts two hours at most, however long its key lives.
    SSL_CTX_set_timeout(m_ctx, SessionLifetimeSeconds);
    const QByteArray &sid = options.sessionIdContext;
    if (sid.isEmpty() || sid.size() > SSL_MAX_SID_CTX_LENGTH
        || SSL_CTX_set_session_id_context(m_ctx, reinterpret_cast<const unsigned char *>(sid.constData()), unsigned(sid.size())) != 1)
        return makeError(ErrorCode::InvalidArgument, u"the TLS session id context must have 1 to 32 bytes"_s);
    if (SSL_CTX_set_ex_data(m_ctx, ringIndex(), m_keys.get()) != 1
        || SSL_CTX_set_tlsext_ticket_key_evp_cb(m_ctx, ticketKeyCallback) != 1)
        return tlsError(u"cannot install the session ticket keys"_s);
    // Idle connections give their read and write buffers back; writes may move and may complete in parts.
    SSL_CTX_set_mode(m_ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return {};
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_ctx);
}

ssl_ctx_st *TlsContext::handle() const
{
    return m_ctx;
}

bool TlsContext::verifiesPeer() const
{
    return m_verifiesPeer;
}

} // namespace parley::server
