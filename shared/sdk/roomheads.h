#pragma once

// The verified head of every room chain this device has seen (docs/protocol.md "What a client must check"): the
// position (seq) of the last verified record and the SHA-512 of its bytes. A chain the server serves later must
// extend it: at least as long (else a rollback) and with the same record hash at that position (else a fork).
// Kept in the profile (rooms.cbor), so the check holds across runs.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborValue>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::sdk {

class PARLEY_EXPORT RoomHeads {
public:
    // The version of the file's content ({"v": 1, "rooms": [[room, seq, head], ...]}). A profile from before the
    // file existed has none: every room starts without a head.
    static constexpr int Version = 1;

    struct Head {
        quint64 seq = 0;         // position of the last verified record
        QByteArray hash;         // SHA-512 of its bytes (64 bytes)
        bool operator==(const Head &) const = default;
    };

    std::optional<Head> head(const QString &room) const;
    // Records a newer head; returns whether anything changed.
    bool update(const QString &room, const Head &head);
    QStringList rooms() const;
    bool isEmpty() const { return m_heads.isEmpty(); }

    QCborValue toCbor() const;
    // Accepts the empty state of a missing file (an empty array) as well as the versioned map.
    static Result<RoomHeads> fromCbor(const QCborValue &value);

private:
    QHash<QString, Head> m_heads;
};

} // namespace parley::sdk
