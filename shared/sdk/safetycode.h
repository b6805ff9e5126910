#pragma once

// Safety codes (docs/protocol.md "Safety codes"): 60 digits, in 12 groups of 5, derived from two users' names and
// root public keys, the same for both of them. Two people who read the same code to each other (in person, on a
// call) know that neither of their servers substituted a root key. The construction is Signal's numeric
// fingerprint: per user 5,200 iterations of SHA-512, 30 digits each, the smaller half first.

#include "parley_export.h"

#include <QByteArray>
#include <QString>

namespace parley::sdk {

constexpr int SafetyCodeIterations = 5200;

// The 30 digits of one user's half.
PARLEY_EXPORT QString safetyCodeHalf(const QString &user, const QByteArray &rootPub);
// "ddddd ddddd ... ddddd": both halves, the smaller (as text) first; symmetric in its two users.
PARLEY_EXPORT QString safetyCode(const QString &userA, const QByteArray &rootA, const QString &userB,
                                 const QByteArray &rootB);

} // namespace parley::sdk
