#include "store/statements.h"

using namespace Qt::StringLiterals;

namespace parley::server {

// Portable SQL for every driver (dialect::statement() has the few that differ). New rows name their ids with RETURNING;
// the enroll_codes column "user" is quoted (a reserved word in PostgreSQL).

#define PARLEY_DEVICE_COLUMNS                                                                                   \
    "d.id, d.user_id, u.name, d.device_no, d.pub, d.sig, d.name, d.revoked, d.created_at, d.last_seen, "      \
    "d.lr_kid, d.lr_pub, d.lr_sig, d.queued "                                                                   \
    "FROM devices d JOIN users u ON u.id = d.user_id "

QLatin1StringView sqlOf(Stmt id)
{
    switch (id) {
    case BeginImmediate: return "BEGIN IMMEDIATE"_L1;
    case Commit: return "COMMIT"_L1;
    case Rollback: return "ROLLBACK"_L1;
    case SavepointOp: return "SAVEPOINT op"_L1;
    case ReleaseOp: return "RELEASE op"_L1;
    case RollbackToOp: return "ROLLBACK TO op"_L1;
    case SavepointMethod: return "SAVEPOINT m"_L1;
    case ReleaseMethod: return "RELEASE m"_L1;
    case RollbackToMethod: return "ROLLBACK TO m"_L1;
    case UserByName: return "SELECT id, name, root_pub, suspended, created_at FROM users WHERE name = ?"_L1;
    case UserById: return "SELECT id, name, root_pub, suspended, created_at FROM users WHERE id = ?"_L1;
    case DevicesOfUser:
        return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.user_id = ? AND d.revoked = 0 ORDER BY d.device_no"_L1;
    case DeviceByNo:
        return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.user_id = ? AND d.device_no = ? AND d.revoked = 0"_L1;
    case DeviceById: return "SELECT " PARLEY_DEVICE_COLUMNS "WHERE d.id = ?"_L1;
    case DeviceExists: return "SELECT 1 FROM devices WHERE id = ?"_L1;
    case CountActiveDevices: return "SELECT COUNT(*) FROM devices WHERE user_id = ? AND revoked = 0"_L1;
    case NextDeviceNo: return "SELECT COALESCE(MAX(device_no), 0) + 1 FROM devices WHERE user_id = ?"_L1;
    case InsertUser:
        return "INSERT INTO users (name, root_pub, suspended, created_at) VALUES (?, ?, 0, ?) RETURNING id"_L1;
    case SetUserRoot: return "UPDATE users SET root_pub = ? WHERE id = ?"_L1;
    case InsertDevice:
        return "INSERT INTO devices (user_id, device_no, pub, sig, name, created_at, last_seen) "
               "VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id"_L1;
    case TouchDevice: return "UPDATE devices SET last_seen = ? WHERE id = ?"_L1;
    case RecoveryOfUser: return "SELECT blob FROM recovery WHERE user_id = ?"_L1;
    case UpsertRecovery:
        return "INSERT INTO recovery (user_id, blob, updated_at) VALUES (?, ?, ?) "
               "ON CONFLICT (user_id) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at"_L1;
    case DeleteRecovery: return "DELETE FROM recovery WHERE user_id = ?"_L1;
    case InsertEnrollCode:
        return "INSERT INTO enroll_codes (code_hash, \"user\", created_at, expires_at) VALUES (?, ?, ?, ?)"_L1;
    case EnrollCodeByHash: return "SELECT \"user\", expires_at, used_at FROM enroll_codes WHERE code_hash = ?"_L1;
    case UseEnrollCode: return "UPDATE enroll_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL"_L1;
    case PurgeEnrollCodes: return "DELETE FROM enroll_codes WHERE used_at IS NOT NULL OR expires_at <= ?"_L1;
    case PrekeyCount: return "SELECT COUNT(*) FROM prekeys WHERE device_id = ?"_L1;
    case InsertPrekey: return "INSERT INTO prekeys (device_id, kid, pub, sig) VALUES (?, ?, ?, ?)"_L1;
    case SetLastResort: return "UPDATE devices SET lr_kid = ?, lr_pub = ?, lr_sig = ? WHERE id = ?"_L1;
    case ConsumePrekey:
        return "DELETE FROM prekeys WHERE device_id = ? "
               "AND kid = (SELECT MIN(kid) FROM prekeys WHERE device_id = ?) RETURNING kid, pub, sig"_L1;
    case LastResortOf: return "SELECT lr_kid, lr_pub, lr_sig FROM devices WHERE id = ?"_L1;
    case InsertSeen:
        return "INSERT INTO seen (sender_device_id, mid, seen_at, seq, digest) VALUES (?, ?, ?, ?, ?)"_L1;
    case SeenOutcome: return "SELECT seq, digest FROM seen WHERE sender_device_id = ? AND mid = ?"_L1;
    case PurgeSeen: return "DELETE FROM seen WHERE seen_at < ?"_L1;
    case BumpQueued: return "UPDATE devices SET queued = queued + 1 WHERE id = ? AND queued < ?"_L1;
    case QueuedOf: return "SELECT queued FROM devices WHERE id = ?"_L1;
    case InsertMessage:
        return "INSERT INTO messages (sender_device_id, from_user, from_device, mid, to_cbor, sent_at, payload, kc, "
               "opts, room, sig, expires_at, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_L1;
    // PostgreSQL's only (dialect.cpp): SQLite's write lock does the same already.
    case LockQueue: return "SELECT 1"_L1;
    case Ping: return "SELECT 1"_L1;
    case InsertQueueEntry:
        return "INSERT INTO queue (device_id, message_id, kid, eph, wk) VALUES (?, ?, ?, ?, ?) RETURNING seq"_L1;
    case DeleteQueueEntries:
        return "DELETE FROM queue WHERE device_id = ? AND seq IN (SELECT value FROM json_each(?))"_L1;
    case QueuePage:
        return "SELECT q.seq, m.from_user, m.from_device, m.mid, m.to_cbor, m.sent_at, m.payload, m.kc, m.opts, "
               "m.sig, q.kid, q.eph, q.wk FROM queue q JOIN messages m ON m.id = q.message_id "
               "WHERE q.device_id = ? AND q.seq > ? AND (m.expires_at = 0 OR m.expires_at > ?) "
               "ORDER BY q.seq LIMIT ?"_L1;
    case CountExpired: return "SELECT COUNT(*) FROM messages WHERE expires_at > 0 AND expires_at <= ?"_L1;
    case PurgeExpired:
        return "DELETE FROM queue WHERE message_id IN "
               "(SELECT id FROM messages WHERE expires_at > 0 AND expires_at <= ?)"_L1;
    case ResumeOfDevice: return "SELECT hash, expires_at FROM resume_credentials WHERE device_id = ?"_L1;
    case UpsertResume:
        return "INSERT INTO resume_credentials (device_id, user_id, hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (device_id) DO UPDATE SET user_id = excluded.user_id, hash = excluded.hash, "
               "issued_at = excluded.issued_at, expires_at = excluded.expires_at"_L1;
    case DeleteResumeOfUser: return "DELETE FROM resume_credentials WHERE user_id = ?"_L1;
    case DeleteResumeOfDevice: return "DELETE FROM resume_credentials WHERE device_id = ?"_L1;
    case PurgeResume: return "DELETE FROM resume_credentials WHERE expires_at <= ?"_L1;
    case RoomSettingsRow:
        return "SELECT max_members, max_expire_seconds, default_expire_seconds, default_burn "
               "FROM room_settings WHERE id = 1"_L1;
    case UpsertRoomSettings:
        return "INSERT INTO room_settings (id, max_members, max_expire_seconds, default_expire_seconds, default_burn, "
               "updated_at) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET max_members = excluded.max_members, "
               "max_expire_seconds = excluded.max_expire_seconds, default_expire_seconds = excluded.default_expire_seconds, "
               "default_burn = excluded.default_burn, updated_at = excluded.updated_at"_L1;
    case StmtCount: break;
    }
    return {};
}

#undef PARLEY_DEVICE_COLUMNS

UserRecord readUser(const sql::Rows &row)
{
    UserRecord user;
    user.id = row.integer(0);
    user.name = row.text(1);
    user.rootPub = row.bytes(2);
    user.suspended = row.integer(3) != 0;
    user.createdAt = row.integer(4);
    return user;
}

DeviceRecord readDevice(const sql::Rows &row)
{
    DeviceRecord device;
    device.id = row.integer(0);
    device.userId = row.integer(1);
    device.userName = row.text(2);
    device.deviceNo = quint32(row.integer(3));
    device.pub = row.bytes(4);
    device.sig = row.bytes(5);
    device.name = row.text(6);
    device.revoked = row.integer(7) != 0;
    device.createdAt = row.integer(8);
    device.lastSeen = row.integer(9);
    const QByteArray lrPub = row.bytes(11);
    if (!lrPub.isEmpty())
        device.lastResort = PrekeyRecord{quint32(row.integer(10)), lrPub, row.bytes(12), true};
    device.queued = row.integer(13);
    return device;
}

QueuedMessage readQueuedMessage(const sql::Rows &row)
{
    QueuedMessage m;
    m.seq = quint64(row.integer(0));
    m.sender = row.text(1);
    m.dev = quint32(row.integer(2));
    m.mid = row.bytes(3);
    m.to.cbor = row.bytes(4);
    m.at = quint64(row.integer(5));
    m.pl = row.bytes(6);
    m.kc = row.bytes(7);
    m.opts.cbor = row.bytes(8);
    m.sig = row.bytes(9);
    m.kid = quint32(row.integer(10));
    m.eph = row.bytes(11);
    m.wk = row.bytes(12);
    return m;
}

} // namespace parley::server
