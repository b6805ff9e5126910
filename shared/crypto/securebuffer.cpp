#include "crypto/securebuffer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

namespace parley::crypto {

// Invariant: the bytes between size() and capacity() are always zero, so every release of the storage only has to
// wipe [0, size()).

SecureBuffer::SecureBuffer(std::size_t size)
    : m_bytes(size, 0)
{
}

SecureBuffer::SecureBuffer(QByteArrayView bytes)
    : m_bytes(reinterpret_cast<const unsigned char *>(bytes.data()),
              reinterpret_cast<const unsigned char *>(bytes.data()) + bytes.size())
{
}

SecureBuffer::SecureBuffer(const SecureBuffer &other)
    : m_bytes(other.m_bytes)
{
}

SecureBuffer::SecureBuffer(SecureBuffer &&other) noexcept
    : m_bytes(std::move(other.m_bytes))
{
    other.m_bytes.clear();
}

SecureBuffer &SecureBuffer::operator=(const SecureBuffer &other)
{
    if (this != &other) {
        clear();
        m_bytes = other.m_bytes;   // m_bytes holds no storage after clear(), so this allocates exactly once
    }
    return *this;
}

SecureBuffer &SecureBuffer::operator=(SecureBuffer &&other) noexcept
{
    if (this != &other) {
        clear();
        m_bytes.swap(other.m_bytes);
    }
    return *this;
}

SecureBuffer::~SecureBuffer()
{
    clear();
}

void SecureBuffer::resize(std::size_t size)
{
    const std::size_t old = m_bytes.size();
    if (size <= old) {
        if (size < old)
            OPENSSL_cleanse(m_bytes.data() + size, old - size);
        m_bytes.resize(size);
        return;
    }
    if (size <= m_bytes.capacity()) {
        m_bytes.resize(size);   // stays in place; new bytes are zero
        return;
    }
    // Growing past the capacity would let std::vector free the old block unwiped: move by hand instead.
    std::vector<unsigned char> grown(size, 0);
    std::copy(m_bytes.begin(), m_bytes.end(), grown.begin());
    clear();
    m_bytes.swap(grown);
}

void SecureBuffer::clear()
{
    if (!m_bytes.empty())
        OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
    std::vector<unsigned char>().swap(m_bytes);
}

bool SecureBuffer::operator==(const SecureBuffer &other) const
{
    if (m_bytes.size() != other.m_bytes.size())
        return false;
    if (m_bytes.empty())
        return true;
    return CRYPTO_memcmp(m_bytes.data(), other.m_bytes.data(), m_bytes.size()) == 0;
}

void cleanse(QByteArray &bytes)
{
    // data() detaches first, so only this array's own storage is wiped: a shared copy elsewhere keeps its bytes.
    if (!bytes.isEmpty())
        OPENSSL_cleanse(bytes.data(), std::size_t(bytes.size()));
}

} // namespace parley::crypto
