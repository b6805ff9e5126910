#pragma once

// A client profile: one directory per device identity.
//
// Layout (directory 0700, every file 0600, every write atomic through QSaveFile):
//   profile.json   public settings: server URL, trust (pinned certificate fingerprint or "ca.pem"), user,
//                  device number and name, root and device public keys. Readable without the passphrase.
//   keystore.cbor  {"v": 1, "kdf": {"alg": "scrypt", "salt", "n", "r", "p"}, "box": sealed box}: the KeyStore
//                  (root private key, device private key, prekey private keys) encrypted with AES-256-GCM under
//                  HKDF(scrypt(passphrase, salt), "parley-profile-keystore-v1"). The scrypt parameters live in the
//                  file, so changePassphrase() can raise them for an existing profile.
//   trust.cbor     TOFU record of other users' root keys, with   } each a sealed box under
//                  their devices and previous root keys          }
//   prekeys.cbor   prekeys fetched for other devices (cache)     } HKDF(scrypt key, "parley-profile-state-v1"),
//   seen.cbor      bounded record of received (from, dev, mid)  } so contacts are not readable at rest either
//   rooms.cbor     verified head of each room chain (RoomHeads) }
//   resume.cbor    the server's resumption credential            }   (and the credential neither)
//   ca.pem         the CA certificate(s) the server is checked against, when trust is by CA
//   lock           QLockFile: one process per profile at a time
//
// A wrong passphrase is reported as ErrorCode::Unauthorized ("wrong passphrase").

#include "core/result.h"
#include "crypto/crypto.h"
#include "parley_export.h"
#include "sdk/dedupelog.h"
#include "sdk/keystore.h"
#include "sdk/prekeycache.h"
#include "sdk/roomheads.h"
#include "sdk/sealedbox.h"
#include "sdk/truststore.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QCborMap>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace parley::sdk {

struct PARLEY_EXPORT ProfileSettings {
    QUrl server;                 // wss://host:port/
    QString fingerprint;         // SHA-256 of the server certificate (DER), lower-case hex; empty when trusting a CA
    bool caTrust = false;        // the server is verified against ca.pem in the profile (with host name checks)
    QString user;
    quint32 device = 0;          // 0 until enrolled
    QString deviceName;
    QByteArray rootPub;          // 133 bytes once enrolled
    QByteArray devicePub;

    bool isEnrolled() const { return device != 0 && !user.isEmpty(); }
};

// The resumption credential the server issued at the device's last challenge login (docs/protocol.md "Resumed
// login"): presented instead of the login signature until it expires or the server refuses it. A secret: never logged.
struct PARLEY_EXPORT ResumeCredential {
    QByteArray credential;       // 32 bytes
    qint64 expiresAt = 0;        // ms since the epoch, server time
};

class PARLEY_EXPORT Profile {
public:
    static constexpr crypto::ScryptParams DefaultKdf{1u << 15, 8, 1};

    // Creates a new profile in `directory` (created if missing). Fails if a profile already exists there.
    static Result<std::unique_ptr<Profile>> create(const QString &directory, QByteArrayView passphrase,
                                                   crypto::ScryptParams kdf = DefaultKdf);
    // Opens an existing profile: takes the lock, derives the key, decrypts the keystore and the state files.
    static Result<std::unique_ptr<Profile>> open(const QString &directory, QByteArrayView passphrase);
    // Whether `directory` holds a profile (a keystore).
    static bool exists(const QString &directory);
    // The public settings alone: no passphrase, no lock (for `whoami`).
    static Result<ProfileSettings> readSettings(const QString &directory);
    // Accepts 64 hex digits with or without ':' separators, any case; returns lower-case hex without separators.
    static Result<QString> normaliseFingerprint(const QString &text);
    // The spelling every program prints (parley::formatFingerprint(): 64 lower-case hex digits).
    static QString formatFingerprint(const QString &normalised);

    ~Profile();
    Profile(const Profile &) = delete;
    Profile &operator=(const Profile &) = delete;

    QString directory() const;
    QString filePath(const QString &name) const;

    const ProfileSettings &settings() const;
    Status setSettings(const ProfileSettings &settings);

    // Stores PEM certificate(s) as ca.pem (at least one certificate must parse).
    Status setCaCertificates(const QByteArray &pem);
    Result<QList<QSslCertificate>> caCertificates() const;

    KeyStore &keys();
    const KeyStore &keys() const;
    Status saveKeys();

    TrustStore &trust();
    Status saveTrust();
    PrekeyCache &prekeyCache();
    Status savePrekeyCache();
    DedupeLog &received();
    Status saveReceived();
    // The stored resumption credential, if any; setting one (or none) writes resume.cbor at once.
    const std::optional<ResumeCredential> &resumeCredential() const;
    Status setResumeCredential(const std::optional<ResumeCredential> &credential);

    RoomHeads &roomHeads();
    Status saveRoomHeads();
    // Unfinished uploads, for resuming them in a later run: absolute file path -> Upload::resumeState() (bytes).
    // They hold the files' keys, so they are kept encrypted like the other state files.
    QCborMap &pendingUploads();
    Status savePendingUploads();

    const KdfParams &kdfParams() const;
    // Re-encrypts the keystore and the state files under a new passphrase (and new scrypt parameters).
    Status changePassphrase(QByteArrayView newPassphrase, crypto::ScryptParams kdf = DefaultKdf);

private:
    Profile();
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
