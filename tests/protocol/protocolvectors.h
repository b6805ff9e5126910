#pragma once

// The test vectors of docs/protocol.md ("Test vectors"), kept in docs/protocol-vectors/: one JSON file per set,
// every byte string as lower-case hex. tst_protocolvectors checks libparley against every file;
// `tst_protocolvectors --generate DIR` writes them anew from fixed inputs (ECDSA signatures are randomized, so only
// the signatures differ from one generation to the next).

#include "crypto/crypto.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace parley::vectors {

// The files of the set, each checked by its own test function.
inline const QStringList &fileNames()
{
    static const QStringList names{
        QStringLiteral("keys.json"),         QStringLiteral("statements.json"), QStringLiteral("room-records.json"),
        QStringLiteral("message.json"),      QStringLiteral("recovery.json"),   QStringLiteral("safety-code.json"),
    };
    return names;
}

inline QString hex(QByteArrayView bytes) { return QString::fromLatin1(bytes.toByteArray().toHex()); }
inline QByteArray unhex(const QJsonValue &value) { return QByteArray::fromHex(value.toString().toLatin1()); }

// The fixed inputs: a P-521 key 0x00 || SHA-512("parley-vectors:" label) || 0x01, and the first `size` bytes of
// SHA-512("parley-vectors:" label).
crypto::EcKey vectorKey(QByteArrayView label);
QByteArray vectorBytes(QByteArrayView label, int size);
QByteArray vectorSign(const crypto::EcKey &key, const QByteArray &statement);

// The contents of message.json and recovery.json (protocolvectormessage.cpp).
QJsonObject messageFile();
QJsonObject recoveryFile();

// Writes every file of fileNames() into `directory` (which must exist). False, with a line on stderr, on failure.
bool generate(const QString &directory);

} // namespace parley::vectors
