#pragma once

// Encryption of attachments (docs/protocol.md "Attachments", "The file entry"). A file is encrypted with a fresh
// random 256-bit key in chunks of `chunk` plaintext bytes (64 KiB), each chunk sealed on its own with AES-256-GCM,
// so a file of any size streams through a fixed amount of memory and a damaged chunk is detected when it is read:
//
//   chunk i (0-based) = AES-256-GCM(key, nonce = prefix (7 bytes) || uint32_be(i) || last (1 byte: 1 for the final
//                       chunk, else 0), plaintext chunk i, aad = "parley-file-v1"), tag appended (16 bytes)
//
// (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár). A file of n bytes has max(1, ceil(n / chunk))
// chunks, every one full but the last (an empty file is one empty final chunk), so the ciphertext is n + 16 bytes
// per chunk. The counter in the nonce fixes each chunk's position and the final flag the end: chunks cannot be
// reordered, dropped, repeated or appended without a tag failing. Encryption is deterministic given key and
// prefix, so an upload resumes at any byte by re-encrypting the chunk that holds it.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCryptographicHash>

namespace parley::sdk {

class PARLEY_EXPORT FileCipher {
public:
    static constexpr int KeySize = 32;
    static constexpr int PrefixSize = 7;
    static constexpr int TagSize = 16;
    static constexpr qint64 DefaultChunk = 64 * 1024;
    // The plaintext chunk sizes a receiver accepts: a power of two in [MinChunk, MaxChunk].
    static constexpr qint64 MinChunk = 1024;
    static constexpr qint64 MaxChunk = 1024 * 1024;
    // The largest file (2^32 chunks of the largest size is far beyond; this keeps sizes exact in a double and the
    // counter within 32 bits for every accepted chunk size).
    static constexpr qint64 MaxLength = qint64(1) << 50;

    FileCipher(QByteArray key, QByteArray prefix, qint64 length, qint64 chunk = DefaultChunk);
    // A fresh random key and prefix.
    static FileCipher generate(qint64 length, qint64 chunk = DefaultChunk);

    static bool isValidChunk(qint64 chunk);
    static qint64 chunkCount(qint64 length, qint64 chunk);
    static qint64 ciphertextSize(qint64 length, qint64 chunk);

    const QByteArray &key() const { return m_key; }
    const QByteArray &prefix() const { return m_prefix; }
    qint64 length() const { return m_length; }
    qint64 chunk() const { return m_chunk; }
    qint64 chunks() const { return chunkCount(m_length, m_chunk); }
    qint64 ciphertextSize() const { return ciphertextSize(m_length, m_chunk); }
    // Plaintext bytes of chunk `index` (the last one may be short or empty).
    qint64 plainChunkSize(qint64 index) const;

    // Seals chunk `index`, whose plaintext must be exactly plainChunkSize(index) bytes.
    Result<QByteArray> seal(qint64 index, QByteArrayView plaintext) const;
    // Opens chunk `index` (ciphertext with its tag): Crypto when the tag does not verify.
    Result<QByteArray> open(qint64 index, QByteArrayView ciphertext) const;

private:
    QByteArray nonce(qint64 index) const;

    QByteArray m_key;
    QByteArray m_prefix;
    qint64 m_length = 0;
    qint64 m_chunk = DefaultChunk;
};

// Decrypts a ciphertext fed in pieces of any size, in order, and checks it as a whole: every chunk's tag, the
// SHA-256 of the ciphertext against `digest`, and that exactly ciphertextSize() bytes came.
class PARLEY_EXPORT FileDecryptor {
public:
    FileDecryptor(FileCipher cipher, QByteArray digest);

    // Takes the next ciphertext bytes; returns the plaintext of the chunks they completed (possibly none).
    // A tag that fails, or more bytes than the ciphertext has, is an error (Crypto, InvalidArgument); after an
    // error the decryptor stays failed.
    Result<QByteArray> feed(QByteArrayView ciphertext);
    // After the last bytes: whether the whole ciphertext came and matches the digest.
    Status finish();

    qint64 received() const { return m_received; }

private:
    FileCipher m_cipher;
    QByteArray m_digest;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QByteArray m_pending;
    qint64 m_index = 0;
    qint64 m_received = 0;
    bool m_failed = false;
};

} // namespace parley::sdk
