#pragma once

#include "core/result.h"
#include "store/roomstore.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace parley::server {

class Db;

struct AdminAccount {
    qint64 id = 0;
    QString name;
    QString passwordHash;     // Argon2id encoded string
    bool mustChange = false;
    QByteArray totpSecret;    // empty: none; set but not enabled: pending confirmation
    bool totpEnabled = false;
    int failedLogins = 0;
    qint64 lockedUntil = 0;   // ms since epoch
    qint64 createdAt = 0;
};

struct AuditRecord {
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    QString action;
    QString target;
    QString outcome;
};

struct AuditFilter {
    QString actor;
    QString action;
    qint64 since = 0;
    qint64 until = 0;         // 0: no bound
    int limit = 1000;
};

struct EventRecord {
    qint64 at = 0;
    QString level;            // debug, info, warning, critical
    QString category;
    QString message;
};

struct EventFilter {
    QString grep;
    QString category;
    QString minLevel;         // empty: all
    qint64 since = 0;
    int limit = 200;
};

struct UserSummary {
    QString name;
    bool suspended = false;
    bool enrolled = true;     // false: only an enrollment code is pending
    bool bot = false;         // a bot (store/botstore.h)
    int devices = 0;
    qint64 createdAt = 0;
    qint64 lastSeen = 0;
    qint64 queued = 0;
};

// The admin API's tables (schema version 3) and the user-management writes, over a Db connection. Reads work on
// any connection; writes belong on the store's writer thread (inside Store::write ops).
class AdminStore {
public:
    explicit AdminStore(Db &db);

    // --- admin accounts ---
    Result<AdminAccount> account(const QString &name);              // NotFound
    Result<QList<AdminAccount>> accounts();
    Result<qint64> createAccount(const QString &name, const QString &hash, bool mustChange, qint64 now);   // Conflict
    // Sets the hash, clears the lockout and deletes every token of the account.
    Status setPassword(qint64 accountId, const QString &hash, bool mustChange);
    Status deleteAccount(const QString &name);                       // NotFound; Forbidden for the last account
    // Counts a failure; at `maxFailures` the account is locked until now + lockMs and the count starts again.
    Result<bool> recordFailure(qint64 accountId, int maxFailures, qint64 lockMs, qint64 now);   // true: now locked
    Status clearFailures(qint64 accountId);
    Status setTotp(qint64 accountId, const QByteArray &secret, bool enabled);

    // --- tokens (stored as SHA-256) ---
    Status insertToken(const QByteArray &tokenHash, qint64 accountId, qint64 now, qint64 expiresAt);
    Result<AdminAccount> accountForToken(const QByteArray &tokenHash, qint64 now);   // Unauthorized
    Status deleteToken(const QByteArray &tokenHash);
    Result<int> purgeTokens(qint64 now);

    // --- audit log (append-only) ---
    Status appendAudit(const AuditRecord &record);
    Result<QList<AuditRecord>> audit(const AuditFilter &filter);

    // --- event log ---
    Status appendEvents(const QList<EventRecord> &events);
    Result<QList<EventRecord>> events(const EventFilter &filter);
    Result<int> purgeEventsBefore(qint64 cutoff);

    // --- managed settings ---
    Result<std::optional<QString>> setting(const QString &key);
    Status setSetting(const QString &key, const QString &value, qint64 now);

    // --- users ---
    Result<QList<UserSummary>> users(const QString &search);
    Result<bool> userExists(const QString &name);
    // Whether an unused, unexpired enrollment code waits for this name.
    Result<bool> codePending(const QString &name, qint64 now);
    // Row ids of the user's devices that are not revoked (to drop their sessions). Suspending also signs the user out.
    Result<QList<qint64>> setSuspended(const QString &name, bool suspended);
    // Signs the user out everywhere: deletes every resumption credential of the user, so that each device needs a
    // challenge login again. Returns the row ids of the user's devices that are not revoked (to drop their sessions).
    Result<QList<qint64>> signOut(const QString &name);
    // Revokes a device: no login any more, its queue, prekeys and resumption credential purged. Returns its row id.
    Result<qint64> revokeDevice(const QString &name, quint32 deviceNo);
    // Deletes the user with devices, prekeys, queues, recovery bundle, enrollment codes, replay records, room
    // memberships and, for a bot, the bot. Returns the row ids of its devices. A name with only pending codes (or a
    // bot that never enrolled) loses the codes (and the bot).
    Result<QList<qint64>> deleteUser(const QString &name);
    Result<qint64> queuedTotal();

    // --- rooms (tables of schema version 2) ---
    struct RoomRow {
        QString name;
        QString title;
        qint64 expireSeconds = 0;
        bool burn = false;
        int members = 0;
        qint64 createdAt = 0;
        qint64 lastAt = 0;
        qint64 enforcedExpireSeconds = 0;
        bool enforcedBurn = false;
        RoomRetention retention() const
        {
            return RoomRetention{quint64(expireSeconds), burn, quint64(enforcedExpireSeconds), enforcedBurn};
        }
    };
    Result<QList<RoomRow>> rooms(const QString &search);
    // Deletes the room, its records and memberships. NotFound when absent.
    Status deleteRoom(const QString &name);
    Result<qint64> userCount();

private:
    Db &m_db;
};

} // namespace parley::server
