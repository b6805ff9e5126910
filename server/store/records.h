#pragma once

#include "protocol/messages.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace parley::server {

struct UserRecord {
    qint64 id = 0;
    QString name;
    QByteArray rootPub;       // empty until the first device enrolled
    bool suspended = false;
    qint64 createdAt = 0;     // ms since epoch
};

struct PrekeyRecord {
    quint32 kid = 0;
    QByteArray pub;
    QByteArray sig;
    bool lastResort = false;
};

struct DeviceRecord {
    qint64 id = 0;            // database row id, server-internal
    qint64 userId = 0;
    QString userName;
    quint32 deviceNo = 0;     // the device number clients see (>= 1)
    QByteArray pub;
    QByteArray sig;           // device certificate signature by the user's root key
    QString name;
    bool revoked = false;
    qint64 createdAt = 0;
    qint64 lastSeen = 0;
    std::optional<PrekeyRecord> lastResort;
    qint64 queued = 0;        // messages waiting in the device's queue
};

// A device's resumption credential as stored: its SHA-256, never the credential itself.
struct StoredResume {
    QByteArray hash;
    qint64 expiresAt = 0;     // ms since epoch
};

struct EnrollCheck {
    bool newUser = true;
    QByteArray recovery;      // the user's recovery bundle, if any
};

struct EnrollRequest {
    QString user;
    QString code;
    QByteArray rootPub;
    QByteArray devicePub;
    QByteArray deviceSig;     // already verified by the caller
    QString deviceName;
    QByteArray recovery;      // optional
    int maxDevices = 10;
};

struct EnrollResult {
    qint64 userId = 0;
    qint64 deviceId = 0;
    quint32 deviceNo = 0;
};

// A message as stored once, shared by every recipient device's queue entry. `envelope` is the `msg` frame each
// recipient device gets, less what differs per device (seq, kid, eph, wk), which the entries hold.
struct NewMessage {
    qint64 senderDeviceId = 0;
    protocol::RelayedMsg envelope;
    QString room;             // a room message's room (opts.room), empty otherwise
    qint64 expiresAt = 0;     // ms; 0 = server default
    struct Entry {
        qint64 deviceId = 0;
        quint32 kid = 0;
        QByteArray eph;
        QByteArray wrappedKey;
    };
    QList<Entry> entries;
    qint64 maxQueuePerDevice = 2000000;
    QByteArray digest;        // of the content (the message core), kept with the replay record
    qint64 senderUserId = 0;  // the owner the referenced blobs must have
    QList<QByteArray> blobs;  // ids of completed blobs the message references (docs/protocol.md, "Attachments")
};

struct InsertedMessage {
    qint64 payloadId = 0;
    QList<quint64> seqs;      // parallel to NewMessage::entries
    bool duplicate = false;   // stored before under this (sender device, mid) with the same digest: nothing new
};

// One queue entry joined with its shared message: the `msg` frame the device gets, as the store, the router and
// the delivery path hand it on.
using QueuedMessage = protocol::RelayedMsg;

// Server-wide room defaults (applied to new rooms by clients, which read them from `room_list`) and limits
// (enforced on every membership record and room message). Managed settings: stored in the database.
struct RoomSettings {
    int maxMembers = 1000;              // 1 ... 1000 (the protocol's recipient limit)
    qint64 maxExpireSeconds = 0;        // 0: no server maximum for room message lifetime
    qint64 defaultExpireSeconds = 0;    // 0: rooms are created without an expiry unless asked
    bool defaultBurn = false;
};

} // namespace parley::server
