#pragma once

// The declarative description of every frame in docs/protocol.md, per direction. Private to libparley: decode()
// walks these tables; nothing else needs them.

#include "protocol/frame.h"

#include <QByteArrayView>
#include <QLatin1StringView>

#include <cstddef>

namespace parley::protocol::schema {

enum class Kind : quint8 { Uint, Bool, Bytes, Text, Array, Map };

// An extra rule for a text value, given its UTF-8 bytes (already known to be valid UTF-8).
using TextCheck = bool (*)(QByteArrayView utf8);

struct Field;

// A contiguous, statically allocated list of fields (the keys a map defines).
struct FieldList {
    const Field *data = nullptr;
    qsizetype size = 0;

    constexpr FieldList() = default;
    template<std::size_t N>
    constexpr FieldList(const Field (&fields)[N]) : data(fields), size(qsizetype(N))
    {
        static_assert(N <= 64, "a map schema tracks its keys in a 64-bit mask");
    }
};

// What one value must look like.
struct Spec {
    Kind kind = Kind::Uint;
    quint64 min = 0;                   // Uint: smallest value; Bytes/Text: fewest bytes; Array: fewest elements
    quint64 max = 0;                   // Uint: largest value; Bytes/Text: most bytes; Array: most elements
    const Spec *element = nullptr;     // Array: every element
    FieldList fields;                  // Map: the keys it defines; an empty list means the map must be empty
    TextCheck check = nullptr;         // Text: extra syntax rule
    const char *checkWhat = nullptr;   // Text: what `check` demands, completing "expected ..."
    bool ascending = false;            // Array of Uint or Text: strictly increasing (text by UTF-8 bytes)
};

struct Field {
    constexpr Field(QLatin1StringView k, const Spec &s, bool isRequired = true) : key(k), spec(s), required(isRequired) {}

    QLatin1StringView key;
    Spec spec;
    bool required = true;
};

// Whether a frame carries the request id.
enum class IdRule : quint8 { Required, Optional, Absent };

struct FrameSchema {
    Direction direction;
    QLatin1StringView type;
    IdRule id;
    FieldList fields;
};

// Every frame type of protocol version 1, client -> server first, each direction in the order of docs/protocol.md.
const FrameSchema *begin();
const FrameSchema *end();

// The schema of `type` for the direction, or nullptr.
const FrameSchema *find(Direction direction, QByteArrayView type);

// User names: 1..64 bytes of [a-z0-9._-], first character a letter or digit (protocol::isValidUserName applies this
// to a QString).
bool isUserNameUtf8(QByteArrayView utf8);

// Ceiling for integers the schema does not bound more tightly (2^53, exact in IEEE doubles).
constexpr quint64 MaxUint = MaxRequestId;

} // namespace parley::protocol::schema
