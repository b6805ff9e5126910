#pragma once

// Bots (schema version 12, store/schema.cpp; docs/admin-api.md "Bots"): service accounts an administrator makes with a
// scope, an expiry and a send limit of their own. A bot is a user like any other once its device enrolled (its keys are
// its own; the server sees no content); the row here says what the server lets it do. Reads work on any connection;
// writes on the writer only (inside Store::write).

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::server {

class Db;

// Whom a bot may send to: anyone, or the listed users (direct messages) and rooms (room messages). Its own other
// devices always.
struct BotScope {
    bool anyone = false;
    QStringList users;            // sorted, no duplicates
    QStringList rooms;            // sorted, no duplicates

    // From the admin API's form: "any" alone, or entries "user:NAME" and "room:NAME" (1 or more). InvalidArgument
    // names the entry that is none of these.
    static Result<BotScope> parse(const QStringList &entries);
    QStringList entries() const;
    bool isEmpty() const { return !anyone && users.isEmpty() && rooms.isEmpty(); }
    bool allowsUser(const QString &user) const;
    bool allowsRoom(const QString &room) const;
    friend bool operator==(const BotScope &, const BotScope &) = default;
};

struct BotRecord {
    QString name;
    QString description;
    BotScope scope;
    qint64 expiresAt = 0;         // ms since epoch; logins are refused from then on
    int rate = 1;                 // messages per second, sustained
    int burst = 20;
    qint64 createdAt = 0;
    QString createdBy;            // the admin account
    qint64 updatedAt = 0;
    qint64 revokedAt = 0;         // 0: not revoked
    // The user behind it, as find() and list() read them (not stored with the bot).
    bool enrolled = false;        // a device enrolled: the users row exists
    bool suspended = false;
    int devices = 0;              // not revoked
    qint64 lastSeen = 0;

    bool revoked() const { return revokedAt > 0; }
    bool expired(qint64 nowMs) const { return nowMs >= expiresAt; }
    // Logins and enrollments are refused: revoked, or past its expiry.
    bool blocked(qint64 nowMs) const { return revoked() || expired(nowMs); }
    // "revoked", "expired", "suspended", "pending" (no device enrolled yet) or "active".
    QString state(qint64 nowMs) const;
};

namespace botstore {

// NotFound when absent.
Result<BotRecord> find(Db &db, const QString &name);
// Every bot whose name contains `search` (all when empty), by name.
Result<QList<BotRecord>> list(Db &db, const QString &search);
// Writer only. Conflict when a bot of that name exists.
Status insert(Db &db, const BotRecord &bot);
// Writer only: description, scope, expiry, rate and burst of an existing bot (NotFound otherwise).
Status update(Db &db, const BotRecord &bot);
// Writer only: marks the bot revoked at `nowMs` and deletes its pending enrollment codes (NotFound; Conflict when it
// is revoked already). Its devices are the caller's to revoke.
Status markRevoked(Db &db, const QString &name, qint64 nowMs);
// Writer only: whether the enrollment of a device under `user` may go ahead, checked in the same operation as the
// enrollment. A bot that is revoked or expired: Forbidden (the wire's `suspended`). A name reserved for bots
// (protocol::isBotName) without a bot: Unauthorized (`enroll_failed`), so that no person enrolls as a bot.
Status enrollGate(Db &db, const QString &user, qint64 nowMs);

} // namespace botstore

} // namespace parley::server
