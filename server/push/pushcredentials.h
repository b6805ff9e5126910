#pragma once

#include "core/result.h"
#include "push/pushconfig.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::server {

class AdminStore;

// Push provider credentials set through the admin API (docs/push.md, "Credentials through the admin API"). Each
// secret is a file of its own under DATA_DIR/push/ (directory 0700, file 0600, written atomically under a new name
// per upload); the non-secret details are the managed setting push.apns, push.fcm or push.webpush, a JSON object
// that names the file. Per provider they take precedence over the boot configuration's [push] files. Main thread.
class ManagedPushCredentials {
public:
    struct Entry {
        QString file;            // name inside directory()
        QJsonObject details;     // non-secret: apns key_id, team_id, topic, endpoint; fcm project_id, client_email,
                                 // endpoint, token_endpoint; webpush subject, public_key
        qint64 updatedAt = 0;
    };
    // A checked upload: what goes into the file, and the details.
    struct Upload {
        QByteArray secret;
        QJsonObject details;
    };

    static const QStringList &providers();   // "apns", "fcm", "webpush"
    static QString settingKey(const QString &provider) { return QStringLiteral("push.") + provider; }

    explicit ManagedPushCredentials(const QString &dataDir);

    QString directory() const;
    QString path(const Entry &entry) const;

    // Reads the three settings; one that cannot be parsed is ignored with a warning.
    Status load(AdminStore &admin);
    std::optional<Entry> entry(const QString &provider) const;
    void setEntry(const QString &provider, const std::optional<Entry> &entry);
    // The setting's value for `entry`; empty for none.
    static QString encode(const std::optional<Entry> &entry);

    // `boot` with the managed providers' credentials and endpoints in place of its own. An endpoint not given
    // with the credentials is the boot configuration's.
    PushConfig applyTo(const PushConfig &boot) const;

    // Upload checks (invalid_argument errors that name the field; never quoting key material).
    static Result<Upload> checkApns(const QString &pem, const QString &keyId, const QString &teamId,
                                    const QString &topic, const QString &endpoint);
    static Result<Upload> checkFcm(const QString &serviceAccountJson, const QString &endpoint,
                                   const QString &tokenEndpoint);
    // An empty `pem` makes a new P-256 key.
    static Result<Upload> checkWebPush(const QString &subject, const QString &pem);

    // Writes `secret` to a new file for `provider` (atomically, 0600, in a 0700 directory); returns its name.
    Result<QString> writeSecret(const QString &provider, const QByteArray &secret, qint64 nowMs) const;
    // Deletes a file written by writeSecret (a name inside directory()).
    void removeFile(const QString &name) const;
    // Deletes every file of `provider` but those in `keep`: replaced keys, ones left by an interrupted upload, and
    // ones that could not be used at start.
    void removeOtherFiles(const QString &provider, const QStringList &keep) const;

private:
    QString m_directory;
    QHash<QString, Entry> m_entries;
};

} // namespace parley::server
