#pragma once

#include "core/result.h"
#include "crypto/p256key.h"

#include <QByteArray>
#include <QNetworkProxy>
#include <QString>
#include <QUrl>

#include <optional>

class QSettings;

namespace parley::server {

// [push] in the boot configuration (docs/push.md). A provider is enabled when its credentials are configured.
struct PushConfig {
    // APNs provider API with token authentication.
    QUrl apnsEndpoint = QUrl(QStringLiteral("https://api.push.apple.com"));
    QString apnsKeyFile;          // the team's .p8 key (PKCS#8 PEM, P-256)
    QString apnsKeyId;
    QString apnsTeamId;
    QString apnsTopic;            // default topic (bundle id) for tokens registered without one
    // FCM HTTP v1.
    QUrl fcmEndpoint = QUrl(QStringLiteral("https://fcm.googleapis.com"));
    QUrl fcmTokenEndpoint;        // empty: the service account's token_uri
    QString fcmServiceAccountFile;
    // Web Push with VAPID.
    QString vapidPrivateKeyFile;  // PEM, P-256
    QString vapidSubject;         // mailto: or https: contact (RFC 8292 2.1)

    QString caFile;               // extra CA certificates (PEM) trusted for push endpoints, e.g. an own gateway
    std::optional<QNetworkProxy> proxy;

    int coalesceMs = 1000;                // a new wake-up waits this long, so that a burst of messages makes one push
    int minIntervalSeconds = 30;          // at most one wake-up per device in this interval (rate limit)
    int retryBaseMs = 2000;               // first retry delay; doubles per attempt, with jitter
    int retryMaxMs = 15 * 60 * 1000;
    int deadAfterSeconds = 4 * 3600;      // a wake-up not delivered by then goes to the dead-letter state
    int requestTimeoutMs = 30000;
    int maxInFlight = 64;
    int deadRetentionDays = 7;
    // Web Push endpoints come from devices: by default the server refuses ones that name a loopback, private,
    // link-local or otherwise internal address (or "localhost"), so that a device cannot aim its POSTs inward.
    bool webPushAllowPrivateEndpoints = false;

    bool apnsEnabled() const { return !apnsKeyFile.isEmpty(); }
    bool fcmEnabled() const { return !fcmServiceAccountFile.isEmpty(); }
    bool webPushEnabled() const { return !vapidPrivateKeyFile.isEmpty(); }
    bool enabled() const { return apnsEnabled() || fcmEnabled() || webPushEnabled(); }

    // Parses one key of the [push] group ("push/NAME"); unknown names and malformed values are errors naming the key.
    static Status parseKey(const QSettings &settings, const QString &key, PushConfig &config);
    // Checks that each enabled provider has everything it needs.
    Status validate() const;

    // Reads a credential file that must be readable by the service alone: a regular file owned by the effective
    // user, with no permission bits for group or others.
    static Result<QByteArray> readPrivateFile(const QString &path);
    // A PEM P-256 private key (an APNs .p8 or a VAPID key) from `pem`, which is cleansed afterwards; errors read
    // "NAME: why".
    static Result<crypto::P256Key> parseP256Key(const QString &name, QByteArray pem);
    // The same from a file readPrivateFile accepts; errors name the setting and the file ("[push] SETTING PATH: why").
    static Result<crypto::P256Key> readP256KeyFile(const QString &setting, const QString &path);
    // Whether a Web Push endpoint URL may be used under this configuration (see webPushAllowPrivateEndpoints).
    // Host names are checked as written; one that resolves to an internal address is not caught here.
    Status checkWebPushEndpoint(const QUrl &endpoint) const;
    // An https URL without path, query or user info ("https://host[:port]"), as apns_endpoint and fcm_endpoint take.
    static Result<QUrl> parseEndpoint(const QString &text);
    // Any https URL with a host, as fcm_token_endpoint takes.
    static Result<QUrl> parseHttpsUrl(const QString &text);
    // "http://[user:pass@]host:port" or "socks5://host:port".
    static Result<QNetworkProxy> parseProxy(const QString &text);
};

} // namespace parley::server
