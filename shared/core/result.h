#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace parley {

// Error categories shared by every layer. Each maps to a stable wire/error name where it crosses a boundary.
enum class ErrorCode {
    InvalidArgument,   // caller passed something malformed
    Crypto,            // an OpenSSL operation failed or a check (tag, signature, point) did not pass
    Io,                // file system
    Database,          // SQL error
    Protocol,          // malformed frame / violated protocol rules
    NotFound,
    Unauthorized,      // wrong credentials / not logged in
    Forbidden,         // logged in but not allowed
    Conflict,          // replay, duplicate, mismatch
    RateLimited,
    QuotaExceeded,
    Timeout,
    Network,
    Unavailable,       // shutting down / overloaded
    Internal,
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;
};

inline Error makeError(ErrorCode code, QString message) { return Error{code, std::move(message)}; }

// A value or a typed error. `if (!r) return r.error();` propagates.
template<typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &std::get<0>(m_v); }
    const T *operator->() const { return &std::get<0>(m_v); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_v); }
    T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_v;
};

template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

using Status = Result<void>;

} // namespace parley
