#pragma once

#include "crypto/p256key.h"
#include "push/pushprovider.h"

#include <QHash>

#include <memory>

namespace parley::server {

// Web Push (RFC 8030) with VAPID (RFC 8292) and the aes128gcm content coding (RFC 8291). The body is a wake marker
// only ({"wake":1}), encrypted for the subscription anyway; the push service sees its size and nothing else.
class WebPushProvider : public PushProvider {
    Q_OBJECT
public:
    static constexpr int RecordSize = 4096;
    static constexpr qint64 VapidLifetimeSeconds = 12 * 3600;

    // Reads the VAPID key file (readable by the service alone).
    static Result<std::unique_ptr<WebPushProvider>> create(QNetworkAccessManager *network, const PushConfig &config,
                                                           QObject *parent);
    ~WebPushProvider() override;

    void send(const PushJob &job, qint64 expiresAtMs, Done done) override;

    // The VAPID application server key browsers need (base64url of the uncompressed point).
    QByteArray publicKey() const { return m_publicKey; }

    static QByteArray plaintext();
    // RFC 8291 section 3 with one record: salt(16) || rs(4) || idlen(1) || keyid (the ephemeral public key) ||
    // AES-128-GCM(plaintext || 0x02). `salt` and `ephemeral` may be given for known-answer tests; otherwise fresh.
    static Result<QByteArray> encrypt(QByteArrayView plaintext, QByteArrayView uaPublic, QByteArrayView authSecret,
                                      QByteArrayView salt = {}, const crypto::P256Key &ephemeral = {});

private:
    WebPushProvider(QNetworkAccessManager *network, const PushConfig &config, crypto::P256Key key, QObject *parent);
    Result<QByteArray> vapidToken(const QString &audience);

    struct Cached {
        QByteArray token;
        qint64 expiresSeconds = 0;
    };
    crypto::P256Key m_key;
    QByteArray m_publicKey;   // base64url of the uncompressed point (the k= parameter)
    QHash<QString, Cached> m_tokens;   // per audience (origin)
};

} // namespace parley::server
