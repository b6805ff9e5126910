#pragma once

#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <vector>

namespace parley::crypto {

// Owns secret bytes; wipes them with OPENSSL_cleanse when destroyed or reassigned.
// Never implicitly converts to QByteArray (whose copies cannot be wiped).
class PARLEY_EXPORT SecureBuffer {
public:
    SecureBuffer() = default;
    explicit SecureBuffer(std::size_t size);           // zero-filled
    explicit SecureBuffer(QByteArrayView bytes);        // copies
    SecureBuffer(const SecureBuffer &other);
    SecureBuffer(SecureBuffer &&other) noexcept;
    SecureBuffer &operator=(const SecureBuffer &other);
    SecureBuffer &operator=(SecureBuffer &&other) noexcept;
    ~SecureBuffer();

    unsigned char *data() { return m_bytes.data(); }
    const unsigned char *data() const { return m_bytes.data(); }
    std::size_t size() const { return m_bytes.size(); }
    bool isEmpty() const { return m_bytes.empty(); }
    void resize(std::size_t size);   // wipes the old storage if it moves
    void clear();

    QByteArrayView view() const { return QByteArrayView(reinterpret_cast<const char *>(m_bytes.data()), qsizetype(m_bytes.size())); }
    // An explicit, unprotected copy: only for handing bytes to an API that needs a QByteArray.
    QByteArray toByteArray() const { return view().toByteArray(); }

    bool operator==(const SecureBuffer &other) const;   // constant time

private:
    std::vector<unsigned char> m_bytes;
};

// Wipes a QByteArray's bytes in place (for transient copies that could not be avoided).
PARLEY_EXPORT void cleanse(QByteArray &bytes);

} // namespace parley::crypto
