#pragma once

// The byte strings that get signed (docs/protocol.md, "Cryptographic objects"): deterministic CBOR arrays.

#include "parley_export.h"
#include "protocol/messages.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace parley::protocol {

PARLEY_EXPORT QByteArray deviceStatement(const QString &user, const QByteArray &devicePub);
PARLEY_EXPORT QByteArray prekeyStatement(quint32 kid, const QByteArray &prekeyPub);
PARLEY_EXPORT QByteArray loginStatement(const QByteArray &challenge, const QString &user, quint32 device);

// The message core (docs/protocol.md, "Cryptographic objects"), built from the typed frames: the one place it is made.
struct PARLEY_EXPORT MessageCore {
    QString from;
    quint32 device = 0;
    QByteArray mid;
    QStringList to;          // normalised (sorted by UTF-8 bytes, deduplicated) by encode()
    quint64 sentAt = 0;
    QByteArray payload;      // hashed with SHA-512 into the core
    QByteArray keyCommitment;
    MessageOptions options;

    // What the sending device signs, from its request and the sender the server authenticated.
    static MessageCore of(const SendRequest &send, const QString &senderUser, quint32 senderDevice);
    // What a recipient checks the signature of a delivered message against.
    static MessageCore of(const Msg &msg);

    QByteArray encode() const;
    // SHA-512 of encode(): the additional data of every wrapped message key.
    QByteArray hash() const;

    bool operator==(const MessageCore &) const = default;
};
// Sorted by UTF-8 bytes, duplicates removed.
PARLEY_EXPORT QStringList normalisedRecipients(QStringList users);

// HKDF info for wrapping a message key for one recipient device.
PARLEY_EXPORT QByteArray wrapInfo(const QString &from, const QByteArray &senderRoot, const QByteArray &senderDevicePub,
                                  const QString &toUser, const QByteArray &recipientRoot,
                                  const QByteArray &recipientDevicePub, const QByteArray &ephemeralPub,
                                  const QByteArray &prekeyPub);

} // namespace parley::protocol
