#pragma once

// Passphrase-derived keys and authenticated encryption for client-side files and blobs.
//
// A sealed box is the CBOR map {"v": 1, "nonce": bytes 12, "ct": bytes} where ct = AES-256-GCM(key, nonce,
// plaintext, aad) with the 16-byte tag appended. The key either comes from scrypt over a passphrase (the KDF
// parameters travel with the box, see KdfParams) or is derived from such a key with HKDF for a named purpose.

#include "core/result.h"
#include "crypto/crypto.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborMap>

namespace parley::sdk {

struct PARLEY_EXPORT KdfParams {
    QByteArray salt;                 // 16 random bytes for new boxes
    crypto::ScryptParams scrypt;

    static KdfParams fresh(crypto::ScryptParams params);
    QCborMap toCbor() const;         // {"alg": "scrypt", "salt", "n", "r", "p"}
    // Refuses unknown algorithms and parameters outside sane bounds (a hostile file must not make us allocate
    // gigabytes): n a power of two in [2^10, 2^20], r in [1, 32], p in [1, 16], 128*r*n <= 1 GiB, salt 16..64 bytes.
    static Result<KdfParams> fromCbor(const QCborMap &map);
};

class PARLEY_EXPORT SealedBox {
public:
    static constexpr int KeySize = crypto::AesKeySize;

    static Result<crypto::SecureBuffer> deriveKey(QByteArrayView passphrase, const KdfParams &params);
    // A subkey for one purpose, so that one passphrase key never encrypts two kinds of data under the same label.
    static Result<crypto::SecureBuffer> subkey(const crypto::SecureBuffer &key, QByteArrayView purpose);

    static Result<QCborMap> seal(const crypto::SecureBuffer &key, QByteArrayView plaintext, QByteArrayView aad);
    // Fails with ErrorCode::Unauthorized when the tag does not verify (wrong key or tampered data) and with
    // ErrorCode::Protocol when the box is malformed.
    static Result<crypto::SecureBuffer> open(const crypto::SecureBuffer &key, const QCborMap &box, QByteArrayView aad);
};

} // namespace parley::sdk
