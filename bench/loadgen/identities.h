#pragma once

// The devices a benchmark run uses, shared between the provisioning step and the load generator's workers.

#include "core/result.h"
#include "crypto/crypto.h"
#include "sdk/envelope.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace parley::bench {

struct Identity {
    int index = 0;
    QString user;
    quint32 device = 0;
    QByteArray rootPub;
    crypto::EcKey deviceKey;     // private
    QByteArray devicePub;
    quint32 lrKid = 0;
    crypto::EcKey lrKey;         // private half of the last-resort prekey
    QByteArray lrPub;
};

constexpr int PlaintextBytes = 256;

QString userName(int index);                               // "b000042"
QString benchText();                                       // PlaintextBytes of text
// 16 bytes: pair and message number (big-endian) followed by 8 random bytes, so that a receiver can tell which
// send a delivery answers without opening it.
QByteArray messageId(quint32 pair, quint32 number);
bool parseMessageId(const QByteArray &mid, quint32 *pair, quint32 *number);

sdk::SenderIdentity senderIdentity(const Identity &identity);
sdk::RecipientDevice recipientDevice(const Identity &identity);

Status writeIdentities(const QString &file, const QList<Identity> &identities);
Result<QList<Identity>> readIdentities(const QString &file);

} // namespace parley::bench
