#pragma once

#include "parley_export.h"
#include "protocol/wireerror.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QString>
#include <QStringList>

#include <variant>

namespace parley::protocol {

constexpr int Version = 1;
// Version 2 is version 1 with attachments (docs/protocol.md, "Attachments"); the server lists both in `hello`.
constexpr int AttachmentsVersion = 2;
constexpr qsizetype MaxClientFrameBytes = 1 << 20;        // client -> server
constexpr qsizetype MaxServerFrameBytes = 4 << 20;        // server -> client
constexpr qsizetype MaxPayloadBytes = 64 * 1024;
constexpr int MaxRecipients = 1000;
constexpr int MaxKeyEntries = 10000;
constexpr int MaxPrekeysPerUpload = 200;
constexpr qsizetype MaxRecoveryBytes = 64 * 1024;
constexpr int MaxAcksPerFrame = 1000;
constexpr int MaxNestingDepth = 8;                         // the top-level map is level 1
constexpr qsizetype MaxErrorMessageBytes = 1024;          // `msg` of an `error` frame
constexpr quint64 MaxRequestId = (quint64(1) << 53);
constexpr qsizetype MaxBlobChunkBytes = 256 * 1024;      // `data` of blob_put and blob_data
constexpr int MaxBlobsPerMessage = 16;                     // `blobs` of send

enum class Direction { ClientToServer, ServerToClient };

// One decoded, validated frame. `fields` holds every key but "t" and "id"; after decode() every field has the
// type and size its schema demands, so the accessors below need no further checks for required fields.
struct PARLEY_EXPORT Frame {
    QString type;
    quint64 id = 0;      // 0: none
    QCborMap fields;

    Frame() = default;
    Frame(QString t, quint64 requestId = 0, QCborMap f = {}) : type(std::move(t)), id(requestId), fields(std::move(f)) {}

    bool has(QLatin1StringView key) const { return fields.contains(key); }
    QByteArray bytes(QLatin1StringView key) const { return fields.value(key).toByteArray(); }
    QString text(QLatin1StringView key) const { return fields.value(key).toString(); }
    quint64 uint(QLatin1StringView key) const { return quint64(fields.value(key).toInteger()); }
    bool boolean(QLatin1StringView key) const { return fields.value(key).toBool(); }
    QCborArray array(QLatin1StringView key) const { return fields.value(key).toArray(); }
    QCborMap map(QLatin1StringView key) const { return fields.value(key).toMap(); }
    QStringList textList(QLatin1StringView key) const;

    Frame &set(QLatin1StringView key, const QCborValue &value) { fields.insert(key, value); return *this; }
};

struct FrameError {
    WireError code = WireError::BadFrame;
    QString message;     // for people; names the offending field for BadField ("keys[3].eph: expected 133 bytes")
    quint64 id = 0;      // the request id, when it could be read (never for TooLarge: an oversize frame is not parsed)
};

using DecodeResult = std::variant<Frame, FrameError>;

// Strict decoding (docs/protocol.md "Frame layout"): size limit for the direction, well-formed CBOR with no
// trailing bytes, a map at the top, known type for the direction, every field present/typed/sized per the
// type's schema, no undefined keys, nesting depth <= MaxNestingDepth. Never throws, never asserts on input.
PARLEY_EXPORT DecodeResult decode(QByteArrayView data, Direction direction);

// Encodes a frame (t, id when non-zero, then fields). Does not validate; tests validate with decode().
PARLEY_EXPORT QByteArray encode(const Frame &frame);

// Builds an `error` frame; `message` is cut to MaxErrorMessageBytes of UTF-8.
PARLEY_EXPORT Frame errorFrame(WireError code, const QString &message, quint64 id = 0);

// Whether `type` is a defined frame type for the direction (the server's dispatch table is checked against it).
PARLEY_EXPORT QStringList frameTypes(Direction direction);
// Types of client requests that must carry an `id` (every client type except "ack"), and the server replies that
// echo it (every server type but "hello", "msg", "synced" and "refill", which carry none, and "error", where it is
// optional).
PARLEY_EXPORT bool requiresId(const QString &type);

// User names: 1..64 bytes of [a-z0-9._-], first character a letter or digit.
PARLEY_EXPORT bool isValidUserName(QStringView name);
// Names ending in ".bot" are reserved for bots (service accounts, docs/admin-api.md "Bots"): the server lets only an
// administrator's bot enroll under one, so that a client can tell a bot by its name alone.
PARLEY_EXPORT bool isBotName(QStringView name);

} // namespace parley::protocol
