#pragma once

// Reading integers out of CBOR that no schema has checked (client-side files, resume states).
//
// QCborValue::toInteger() converts a double too, and converting a double beyond qint64's range is undefined
// behaviour. A field Parley writes as an integer is therefore taken only when it is one; a float in its place,
// even 1.0, is a damaged file, not a value.

#include <QCborValue>

namespace parley {

// The integer in `v`, or `fallback` when `v` is anything but an integer.
inline qint64 integerOr(const QCborValue &v, qint64 fallback)
{
    return v.isInteger() ? v.toInteger() : fallback;
}

// Whether the version field `v` of a file format is `version`.
inline bool isVersion(const QCborValue &v, qint64 version)
{
    return v.isInteger() && v.toInteger() == version;
}

} // namespace parley
