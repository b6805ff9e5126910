#include "store/botstore.h"

#include "protocol/frame.h"
#include "store/connection.h"
#include "store/db.h"
#include "store/sql.h"

#include <QDateTime>
#include <QHash>
#include <QSqlDatabase>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"a bot statement failed";

const QString BotColumns =
    u"b.name, b.description, b.scope_any, b.expires_at, b.rate, b.burst, b.created_at, b.created_by, b.updated_at, "
    "b.revoked_at, u.id IS NOT NULL, COALESCE(u.suspended, 0), "
    "(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id AND d.revoked = 0), "
    "(SELECT COALESCE(MAX(d.last_seen), 0) FROM devices d WHERE d.user_id = u.id) "
    "FROM bots b LEFT JOIN users u ON u.name = b.name "_s;

BotRecord readBot(const sql::Rows &q)
{
    BotRecord b;
    b.name = q.text(0);
    b.description = q.text(1);
    b.scope.anyone = q.integer(2) != 0;
    b.expiresAt = q.integer(3);
    b.rate = int(q.integer(4));
    b.burst = int(q.integer(5));
    b.createdAt = q.integer(6);
    b.createdBy = q.text(7);
    b.updatedAt = q.integer(8);
    b.revokedAt = q.integer(9);
    b.enrolled = q.integer(10) != 0;
    b.suspended = q.integer(11) != 0;
    b.devices = int(q.integer(12));
    b.lastSeen = q.integer(13);
    return b;
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    return u"%"_s + escaped + u"%"_s;
}

// The scope rows of the bots in `bots` (all of them when `name` is empty, else that one's).
Status readScopes(Db &db, QList<BotRecord> &bots, const QString &name)
{
    struct Entry {
        QString bot;
        bool room = false;
        QString target;
    };
    const QString statement = name.isEmpty()
        ? u"SELECT bot, kind, target FROM bot_scope ORDER BY bot, kind, target"_s
        : u"SELECT bot, kind, target FROM bot_scope WHERE bot = ? ORDER BY kind, target"_s;
    const QVariantList binds = name.isEmpty() ? QVariantList() : QVariantList{name};
    const Result<QList<Entry>> entries = sql::queryAll<Entry>(db.database(), statement, binds, Failed, [](const sql::Rows &q) {
        return Entry{q.text(0), q.text(1) == u"room"_s, q.text(2)};
    });
    if (!entries)
        return entries.error();
    QHash<QString, BotRecord *> byName;
    for (BotRecord &b : bots)
        byName.insert(b.name, &b);
    for (const Entry &e : *entries) {
        BotRecord *bot = byName.value(e.bot);
        if (!bot)
            continue;
        (e.room ? bot->scope.rooms : bot->scope.users).append(e.target);
    }
    return {};
}

Status writeScope(Db &db, const BotRecord &bot)
{
    if (Status s = sql::apply(db.database(), u"DELETE FROM bot_scope WHERE bot = ?"_s, {bot.name}, Failed); !s)
        return s;
    const auto add = [&](const QString &kind, const QStringList &targets) -> Status {
        for (const QString &target : targets) {
            if (Status s = sql::apply(db.database(), u"INSERT INTO bot_scope (bot, kind, target) VALUES (?, ?, ?)"_s,
                                      {bot.name, kind, target}, Failed);
                !s)
                return s;
        }
        return {};
    };
    if (Status s = add(u"user"_s, bot.scope.users); !s)
        return s;
    return add(u"room"_s, bot.scope.rooms);
}

// A text column that is NOT NULL: an unset QString binds as NULL.
QString notNull(const QString &text)
{
    return text.isNull() ? u""_s : text;
}

QString formatTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

Result<BotScope> BotScope::parse(const QStringList &entries)
{
    BotScope scope;
    for (const QString &entry : entries) {
        if (entry == u"any"_s) {
            scope.anyone = true;
            continue;
        }
        const QString kind = entry.section(u':', 0, 0);
        const QString target = entry.section(u':', 1);
        if ((kind != u"user"_s && kind != u"room"_s) || !protocol::isValidUserName(target))
            return makeError(ErrorCode::InvalidArgument,
                             u"scope: '%1' is none of any, user:NAME and room:NAME"_s.arg(entry.left(80)));
        (kind == u"user"_s ? scope.users : scope.rooms).append(target);
    }
    if (scope.anyone && (entries.size() > 1))
        return makeError(ErrorCode::InvalidArgument, u"scope: any stands alone (it lets the bot send to everyone)"_s);
    for (QStringList *list : {&scope.users, &scope.rooms}) {
        list->sort();
        list->removeDuplicates();
    }
    if (scope.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"scope: give any, or at least one user:NAME or room:NAME"_s);
    return scope;
}

QStringList BotScope::entries() const
{
    if (anyone)
        return {u"any"_s};
    QStringList out;
    for (const QString &u : users)
        out << u"user:"_s + u;
    for (const QString &r : rooms)
        out << u"room:"_s + r;
    return out;
}

bool BotScope::allowsUser(const QString &user) const
{
    return anyone || std::binary_search(users.cbegin(), users.cend(), user);
}

bool BotScope::allowsRoom(const QString &room) const
{
    return anyone || std::binary_search(rooms.cbegin(), rooms.cend(), room);
}

QString BotRecord::state(qint64 nowMs) const
{
    if (revoked())
        return u"revoked"_s;
    if (expired(nowMs))
        return u"expired"_s;
    if (suspended)
        return u"suspended"_s;
    return enrolled ? u"active"_s : u"pending"_s;
}

namespace botstore {

Result<BotRecord> find(Db &db, const QString &name)
{
    Result<BotRecord> bot = sql::queryOne<BotRecord>(db.database(), u"SELECT "_s + BotColumns + u"WHERE b.name = ?"_s,
                                                     {name}, Failed, readBot,
                                                     makeError(ErrorCode::NotFound, u"no such bot"_s));
    if (!bot)
        return bot;
    QList<BotRecord> one{std::move(*bot)};
    if (Status s = readScopes(db, one, name); !s)
        return s.error();
    return one.first();
}

Result<QList<BotRecord>> list(Db &db, const QString &search)
{
    Result<QList<BotRecord>> bots = sql::queryAll<BotRecord>(
        db.database(), u"SELECT "_s + BotColumns + u"WHERE lower(b.name) LIKE lower(?) ESCAPE '\\' ORDER BY b.name"_s,
        {likePattern(search)}, Failed, readBot);
    if (!bots)
        return bots;
    if (Status s = readScopes(db, *bots, {}); !s)
        return s.error();
    return bots;
}

Status insert(Db &db, const BotRecord &bot)
{
    Connection::Savepoint savepoint(db.connection());
    if (Status s = savepoint.begin(); !s)
        return s;
    const Result<bool> exists = sql::queryOne<bool>(db.database(), u"SELECT 1 FROM bots WHERE name = ?"_s, {bot.name},
                                                    Failed, [](const sql::Rows &) { return true; }, false);
    if (!exists)
        return exists.error();
    if (*exists)
        return makeError(ErrorCode::Conflict, u"a bot of that name exists (a revoked one too, until user.delete)"_s);
    if (Status s = sql::apply(db.database(),
                              u"INSERT INTO bots (name, description, scope_any, expires_at, rate, burst, created_at, "
                              u"created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                              {bot.name, notNull(bot.description), bot.scope.anyone ? 1 : 0, bot.expiresAt, bot.rate,
                               bot.burst, bot.createdAt, notNull(bot.createdBy), bot.createdAt},
                              Failed);
        !s)
        return s;
    if (Status s = writeScope(db, bot); !s)
        return s;
    return savepoint.release();
}

Status update(Db &db, const BotRecord &bot)
{
    Connection::Savepoint savepoint(db.connection());
    if (Status s = savepoint.begin(); !s)
        return s;
    const Result<int> changed = sql::change(
        db.database(),
        u"UPDATE bots SET description = ?, scope_any = ?, expires_at = ?, rate = ?, burst = ?, updated_at = ? "
        u"WHERE name = ?"_s,
        {notNull(bot.description), bot.scope.anyone ? 1 : 0, bot.expiresAt, bot.rate, bot.burst, bot.updatedAt, bot.name},
        Failed);
    if (!changed)
        return changed.error();
    if (*changed == 0)
        return makeError(ErrorCode::NotFound, u"no such bot"_s);
    if (Status s = writeScope(db, bot); !s)
        return s;
    return savepoint.release();
}

Status markRevoked(Db &db, const QString &name, qint64 nowMs)
{
    const Result<int> changed = sql::change(db.database(),
                                            u"UPDATE bots SET revoked_at = ?, updated_at = ? WHERE name = ? AND revoked_at = 0"_s,
                                            {nowMs, nowMs, name}, Failed);
    if (!changed)
        return changed.error();
    if (*changed == 1)
        return sql::apply(db.database(), u"DELETE FROM enroll_codes WHERE \"user\" = ?"_s, {name}, Failed);
    const Result<BotRecord> bot = find(db, name);
    if (!bot)
        return bot.error();
    return makeError(ErrorCode::Conflict, u"the bot is already revoked"_s);
}

Status enrollGate(Db &db, const QString &user, qint64 nowMs)
{
    if (!protocol::isBotName(user))
        return {};
    const Result<BotRecord> bot = find(db, user);
    if (!bot) {
        if (bot.error().code != ErrorCode::NotFound)
            return bot.error();
        // A user of such a name from before the names were reserved may add devices; nobody else gets one.
        const Result<UserRecord> existing = db.userByName(user);
        if (existing)
            return {};
        if (existing.error().code != ErrorCode::NotFound)
            return existing.error();
        return makeError(ErrorCode::Unauthorized, u"names ending in .bot are reserved for bots"_s);
    }
    if (bot->revoked())
        return makeError(ErrorCode::Forbidden, u"the bot was revoked"_s);
    if (bot->expired(nowMs))
        return makeError(ErrorCode::Forbidden, u"the bot's credential expired at %1"_s.arg(formatTime(bot->expiresAt)));
    return {};
}

} // namespace botstore

} // namespace parley::server
