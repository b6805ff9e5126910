#pragma once

// Recovery bundle: how a second device of a user obtains the user's root private key.
//
// At first enrollment the client encrypts the root private key under a passphrase and uploads the result as
// the opaque `recovery` field of `enroll` (the server stores it, at most 64 KiB, and never sees inside):
//
//   blob = CBOR {"v": 1,
//                "kdf": {"alg": "scrypt", "salt": bytes 16, "n": 2^17, "r": 8, "p": 1},
//                "box": {"v": 1, "nonce": bytes 12, "ct": bytes}}
//   key  = scrypt(passphrase, salt, n, r, p) (32 bytes)
//   ct   = AES-256-GCM(key, nonce, CBOR {"root": root private scalar (66 bytes)},
//                      aad = CBOR ["parley-recovery-v1", user]) || tag
//
// The scrypt cost is deliberately higher than the profile's (the blob sits on the server, open to offline
// guessing by whoever can read the server's database); the parameters travel in the blob, so they can be
// raised later with `recovery_put`. Binding the user name as aad stops a server from passing one user's
// bundle off as another's.
//
// A second device: `enroll_info` (user, code) returns `new_user: false` and the bundle; the device decrypts it
// with the passphrase (a wrong passphrase is a clear error before anything is sent), checks that the recovered
// key is a valid P-521 private key, creates its own device key, signs the device certificate
// ["parley-device-v1", user, device_pub] with the recovered root key and sends `enroll` with the root public
// key. The server accepts only if that root key equals the user's stored root key.

#include "core/result.h"
#include "crypto/crypto.h"
#include "parley_export.h"

#include <QByteArray>
#include <QString>

namespace parley::sdk {

class PARLEY_EXPORT RecoveryBundle {
public:
    static constexpr crypto::ScryptParams DefaultKdf{1u << 17, 8, 1};

    static Result<QByteArray> create(const QString &user, const crypto::EcKey &rootKey, QByteArrayView passphrase,
                                     crypto::ScryptParams kdf = DefaultKdf);
    // ErrorCode::Unauthorized for a wrong passphrase, ErrorCode::Protocol for a malformed bundle.
    static Result<crypto::EcKey> open(QByteArrayView blob, const QString &user, QByteArrayView passphrase);
};

} // namespace parley::sdk
