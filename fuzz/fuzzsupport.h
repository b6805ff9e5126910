#pragma once

// What the fuzz targets and the seed generator share: the check that stops a target when an invariant breaks, the
// fixed keys and records of docs/protocol-vectors/ (the trust anchors a target verifies against), and quiet logging.

#include "crypto/crypto.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

#include <cstdio>
#include <cstdlib>

// An invariant of the code under test: when it does not hold the target aborts, and libFuzzer keeps the input.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            ::parley::fuzz::invariantBroken(#condition, __FILE__, __LINE__);                                           \
    } while (false)

namespace parley::fuzz {

[[noreturn]] inline void invariantBroken(const char *what, const char *file, int line)
{
    std::fprintf(stderr, "invariant broken: %s (%s:%d)\n", what, file, line);
    std::abort();
}

// Set-up that cannot fail on a good checkout; a missing vector file stops the target at once.
[[noreturn]] inline void setupFailed(const QString &what)
{
    std::fprintf(stderr, "fuzz set-up: %s\n", qPrintable(what));
    std::exit(2);
}

// The library's warnings for refused input would cost more than the parsing and flood the output.
inline void quietLogging() { QLoggingCategory::setFilterRules(QStringLiteral("*=false\n*.critical=true")); }

// One file of docs/protocol-vectors/.
inline QJsonObject vectorFile(const QString &name)
{
    QFile file(QStringLiteral(PARLEY_PROTOCOL_VECTORS_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        setupFailed(QStringLiteral("cannot read %1").arg(file.fileName()));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject())
        setupFailed(QStringLiteral("%1 is not a JSON object").arg(file.fileName()));
    return doc.object();
}

inline QByteArray unhex(const QJsonValue &value) { return QByteArray::fromHex(value.toString().toLatin1()); }

// A key pair of keys.json by name ("bob.device2"): `private` and `public` as hex.
inline QJsonObject vectorKeyEntry(const QString &name)
{
    const QJsonArray keys = vectorFile(QStringLiteral("keys.json")).value(QLatin1StringView("keys")).toArray();
    for (const QJsonValue &k : keys) {
        if (k.toObject().value(QLatin1StringView("name")).toString() == name)
            return k.toObject();
    }
    setupFailed(QStringLiteral("keys.json has no key %1").arg(name));
}

inline crypto::EcKey vectorPrivateKey(const QString &name)
{
    Result<crypto::EcKey> key = crypto::EcKey::fromPrivateScalar(unhex(vectorKeyEntry(name).value(QLatin1StringView("private"))));
    if (!key)
        setupFailed(QStringLiteral("key %1: %2").arg(name, key.error().message));
    return key.value();
}

inline QByteArray vectorPublicKey(const QString &name)
{
    return unhex(vectorKeyEntry(name).value(QLatin1StringView("public")));
}

} // namespace parley::fuzz
