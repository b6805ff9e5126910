#include "sdk/filecipher.h"

#include "crypto/crypto.h"

#include <QtEndian>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {
constexpr QByteArrayView Aad = "parley-file-v1";
}

FileCipher::FileCipher(QByteArray key, QByteArray prefix, qint64 length, qint64 chunk)
    : m_key(std::move(key)), m_prefix(std::move(prefix)), m_length(length), m_chunk(chunk)
{
}

FileCipher FileCipher::generate(qint64 length, qint64 chunk)
{
    return FileCipher(crypto::randomBytes(KeySize), crypto::randomBytes(PrefixSize), length, chunk);
}

bool FileCipher::isValidChunk(qint64 chunk)
{
    return chunk >= MinChunk && chunk <= MaxChunk && (chunk & (chunk - 1)) == 0;
}

qint64 FileCipher::chunkCount(qint64 length, qint64 chunk)
{
    if (length <= 0 || chunk <= 0)
        return 1;
    return (length + chunk - 1) / chunk;
}

qint64 FileCipher::ciphertextSize(qint64 length, qint64 chunk)
{
    return length + chunkCount(length, chunk) * TagSize;
}

qint64 FileCipher::plainChunkSize(qint64 index) const
{
    const qint64 start = index * m_chunk;
    return qBound<qint64>(0, m_length - start, m_chunk);
}

QByteArray FileCipher::nonce(qint64 index) const
{
    QByteArray n = m_prefix;
    n.resize(PrefixSize);
    char counter[4];
    qToBigEndian(quint32(index), counter);
    n.append(counter, 4);
    n.append(index == chunks() - 1 ? '\x01' : '\x00');
    return n;
}

Result<QByteArray> FileCipher::seal(qint64 index, QByteArrayView plaintext) const
{
    if (index < 0 || index >= chunks() || plaintext.size() != plainChunkSize(index))
        return makeError(ErrorCode::InvalidArgument, u"file chunk %1 has the wrong size"_s.arg(index));
    return crypto::aesGcmSeal(m_key, nonce(index), plaintext, Aad);
}

Result<QByteArray> FileCipher::open(qint64 index, QByteArrayView ciphertext) const
{
    if (index < 0 || index >= chunks() || ciphertext.size() != plainChunkSize(index) + TagSize)
        return makeError(ErrorCode::InvalidArgument, u"file chunk %1 has the wrong size"_s.arg(index));
    Result<crypto::SecureBuffer> plain = crypto::aesGcmOpen(m_key, nonce(index), ciphertext, Aad);
    if (!plain)
        return makeError(ErrorCode::Crypto, u"chunk %1 of the file is damaged (its authentication tag does not "
                                            u"verify)"_s.arg(index));
    return QByteArray(plain->view().data(), plain->view().size());
}

FileDecryptor::FileDecryptor(FileCipher cipher, QByteArray digest)
    : m_cipher(std::move(cipher)), m_digest(std::move(digest))
{
}

Result<QByteArray> FileDecryptor::feed(QByteArrayView ciphertext)
{
    if (m_failed)
        return makeError(ErrorCode::InvalidArgument, u"the file's decryption failed before"_s);
    if (m_received + ciphertext.size() > m_cipher.ciphertextSize()) {
        m_failed = true;
        return makeError(ErrorCode::Crypto, u"the attachment is longer than its file entry says"_s);
    }
    m_received += ciphertext.size();
    m_hash.addData(ciphertext);
    m_pending.append(ciphertext.data(), ciphertext.size());
    QByteArray out;
    while (m_index < m_cipher.chunks()) {
        const qint64 need = m_cipher.plainChunkSize(m_index) + FileCipher::TagSize;
        if (m_pending.size() < need)
            break;
        Result<QByteArray> plain = m_cipher.open(m_index, QByteArrayView(m_pending).first(need));
        if (!plain) {
            m_failed = true;
            return plain.error();
        }
        out.append(plain.value());
        m_pending.remove(0, need);
        ++m_index;
    }
    return out;
}

Status FileDecryptor::finish()
{
    if (m_failed)
        return makeError(ErrorCode::InvalidArgument, u"the file's decryption failed before"_s);
    if (m_received != m_cipher.ciphertextSize() || m_index != m_cipher.chunks() || !m_pending.isEmpty())
        return makeError(ErrorCode::Crypto, u"the attachment ended after %1 of %2 bytes"_s.arg(m_received)
                                                .arg(m_cipher.ciphertextSize()));
    if (!crypto::constantTimeEquals(m_hash.result(), m_digest))
        return makeError(ErrorCode::Crypto, u"the attachment's SHA-256 differs from its file entry's"_s);
    return {};
}

} // namespace parley::sdk
