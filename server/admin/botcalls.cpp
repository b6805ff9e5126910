#include "admin/botcalls.h"

#include "protocol/frame.h"
#include "store/adminstore.h"
#include "store/botstore.h"
#include "store/db.h"
#include "store/store.h"

#include <QCborArray>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;
constexpr qint64 DefaultLifetimeMs = 365 * DayMs;   // a bot that is given no expiry
constexpr qint64 MaxLifetimeMs = 3653 * DayMs;      // ten years
constexpr int DefaultRate = 1;                      // messages per second
constexpr int DefaultBurst = 20;
constexpr int MaxRate = 10000;
constexpr int MaxBurst = 100000;

const QString NameRule = u"a bot's name is a user name ending in .bot, e.g. alerts.bot"_s;

// What bots.create and bots.update set; each value checked.
struct BotPatch {
    std::optional<QString> description;
    std::optional<BotScope> scope;
    std::optional<qint64> expiresAt;
    std::optional<int> rate;
    std::optional<int> burst;

    bool isEmpty() const { return !description && !scope && !expiresAt && !rate && !burst; }
    void applyTo(BotRecord &bot) const
    {
        if (description)
            bot.description = *description;
        if (scope)
            bot.scope = *scope;
        if (expiresAt)
            bot.expiresAt = *expiresAt;
        if (rate)
            bot.rate = *rate;
        if (burst)
            bot.burst = *burst;
    }
};

// The values of the request (the call table has checked their types), or nothing after refusing it with
// `invalid_argument` naming the one out of range.
std::optional<BotPatch> readPatch(AdminContext &ctx, const AdminRequestPtr &r, qint64 now)
{
    const QCborMap &args = r->args;
    BotPatch patch;
    if (args.contains("description"_L1))
        patch.description = args.value("description"_L1).toString();
    if (args.contains("scope"_L1)) {
        QStringList entries;
        for (const QCborValue &v : args.value("scope"_L1).toArray())
            entries << v.toString();
        Result<BotScope> scope = BotScope::parse(entries);
        if (!scope) {
            ctx.fail(r, proto::errors::InvalidArgument, scope.error().message);
            return std::nullopt;
        }
        patch.scope = *scope;
    }
    if (args.contains("expires_at"_L1)) {
        const qint64 at = args.value("expires_at"_L1).toInteger();
        if (at <= now || at > now + MaxLifetimeMs) {
            ctx.fail(r, proto::errors::InvalidArgument,
                     u"expires_at: a time (ms since the epoch) after now and at most ten years ahead; bots.revoke "
                     u"ends a bot at once"_s);
            return std::nullopt;
        }
        patch.expiresAt = at;
    }
    const auto bounded = [&](QLatin1StringView key, int max, std::optional<int> &into) {
        if (!args.contains(key))
            return true;
        const qint64 value = args.value(key).toInteger();
        if (value < 1 || value > max) {
            ctx.fail(r, proto::errors::InvalidArgument, u"%1: expected 1 to %2"_s.arg(key).arg(max));
            return false;
        }
        into = int(value);
        return true;
    };
    if (!bounded("rate"_L1, MaxRate, patch.rate) || !bounded("burst"_L1, MaxBurst, patch.burst))
        return std::nullopt;
    return patch;
}

QCborMap botMap(const BotRecord &bot, qint64 now)
{
    QCborArray scope;
    for (const QString &entry : bot.scope.entries())
        scope.append(entry);
    QCborMap m;
    m.insert("name"_L1, bot.name);
    m.insert("description"_L1, bot.description);
    m.insert("scope"_L1, scope);
    m.insert("expires_at"_L1, bot.expiresAt);
    m.insert("rate"_L1, bot.rate);
    m.insert("burst"_L1, bot.burst);
    m.insert("state"_L1, bot.state(now));
    m.insert("created_at"_L1, bot.createdAt);
    m.insert("created_by"_L1, bot.createdBy);
    m.insert("updated_at"_L1, bot.updatedAt);
    m.insert("revoked_at"_L1, bot.revokedAt);
    m.insert("devices"_L1, bot.devices);
    m.insert("last_seen"_L1, bot.lastSeen);
    return m;
}

// Row ids of the user's devices that are not revoked (none before the bot's first enrollment).
Result<QList<qint64>> deviceIds(Db &db, const QString &name)
{
    const Result<UserRecord> user = db.userByName(name);
    if (!user) {
        if (user.error().code == ErrorCode::NotFound)
            return QList<qint64>();
        return user.error();
    }
    const Result<QList<DeviceRecord>> devices = db.devicesOfUser(user->id);
    if (!devices)
        return devices.error();
    QList<qint64> ids;
    for (const DeviceRecord &d : *devices)
        ids << d.id;
    return ids;
}

} // namespace

const QList<AdminCall<BotCalls>> &BotCalls::calls()
{
    static const QList<AdminCall<BotCalls>> calls = {
        {"bots.create"_L1, &BotCalls::handleCreate},
        {"bots.list"_L1, &BotCalls::handleList},
        {"bots.update"_L1, &BotCalls::handleUpdate},
        {"bots.revoke"_L1, &BotCalls::handleRevoke},
    };
    return calls;
}

// The bot and its first enrollment code, in one write: the code is valid for `valid_hours` (but not beyond the bot's
// expiry), and the device that enrolls with it makes the bot's user, keys and all, as any first device does.
void BotCalls::handleCreate(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isBotName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, NameRule);
    const qint64 now = AdminContext::now();
    const std::optional<BotPatch> patch = readPatch(m_ctx, r, now);
    if (!patch)
        return;
    bool ok = false;
    const int hours = AdminContext::validHours(r, &ok);
    if (!ok)
        return m_ctx.fail(r, proto::errors::InvalidArgument,
                          u"valid_hours must be 1 to %1"_s.arg(AdminContext::MaxValidHours));
    BotRecord bot;
    bot.name = name;
    bot.expiresAt = now + DefaultLifetimeMs;
    bot.rate = DefaultRate;
    bot.burst = DefaultBurst;
    patch->applyTo(bot);
    bot.createdAt = now;
    bot.updatedAt = now;
    bot.createdBy = r->actor;
    const qint64 codeValidMs = std::min(qint64(hours) * 3600 * 1000, bot.expiresAt - now);
    m_ctx.write(r, [this, bot, codeValidMs, now](Db &db) -> Result<QCborMap> {
        AdminStore admin(db);
        const Result<bool> exists = admin.userExists(bot.name);
        if (!exists)
            return exists.error();
        const Result<bool> pending = admin.codePending(bot.name, now);
        if (!pending)
            return pending.error();
        if (*exists || *pending)
            return makeError(ErrorCode::Conflict, u"a user of that name exists or has an enrollment code pending"_s);
        if (Status s = botstore::insert(db, bot); !s)
            return s.error();
        const Result<QString> code = db.createEnrollCode(bot.name, codeValidMs);
        if (!code)
            return code.error();
        const Result<BotRecord> stored = botstore::find(db, bot.name);
        if (!stored)
            return stored.error();
        QCborMap m = botMap(*stored, now);
        m.insert("code"_L1, *code);
        m.insert("link"_L1, m_ctx.enrollLink(bot.name, *code));
        m.insert("code_expires_at"_L1, now + codeValidMs);
        return m;
    });
}

void BotCalls::handleList(const AdminRequestPtr &r)
{
    const Result<QList<BotRecord>> bots = botstore::list(m_ctx.store()->reader(), r->args.value("search"_L1).toString());
    if (!bots)
        return m_ctx.reply(r, bots.error());
    const qint64 now = AdminContext::now();
    QCborArray list;
    for (const BotRecord &bot : *bots)
        list.append(botMap(bot, now));
    QCborMap m;
    m.insert("bots"_L1, list);
    m_ctx.reply(r, m);
}

// Scope, rate and a later expiry apply to the bot's live sessions from their next message on (the relay reads the
// bot through its device directory, which the change drops). An earlier expiry drops the live sessions, so that
// each logs in again under it (or is refused when it has passed).
void BotCalls::handleUpdate(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, NameRule);
    const qint64 now = AdminContext::now();
    const std::optional<BotPatch> patch = readPatch(m_ctx, r, now);
    if (!patch)
        return;
    if (patch->isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"give description, scope, expires_at, rate or burst"_s);
    auto drop = std::make_shared<QList<qint64>>();
    m_ctx.write(r, [name, changes = *patch, now, drop](Db &db) -> Result<QCborMap> {
        Result<BotRecord> bot = botstore::find(db, name);
        if (!bot)
            return bot.error();
        if (bot->revoked())
            return makeError(ErrorCode::Conflict, u"the bot is revoked; revocation is final"_s);
        const qint64 expiredBefore = bot->expiresAt;
        changes.applyTo(*bot);
        bot->updatedAt = now;
        if (Status s = botstore::update(db, *bot); !s)
            return s.error();
        if (bot->expiresAt < expiredBefore) {
            const Result<QList<qint64>> ids = deviceIds(db, name);
            if (!ids)
                return ids.error();
            *drop = *ids;
        }
        const Result<BotRecord> stored = botstore::find(db, name);
        if (!stored)
            return stored.error();
        return botMap(*stored, now);
    }, [this, drop] { m_ctx.dropSessions(*drop, u"the bot's expiry was moved earlier"_s); });
}

// Final: the bot's devices are revoked (queues, prekeys and resumption credentials purged, gone from device lists, so
// that nobody's messages wait for it), its live sessions dropped, its pending codes deleted. The name stays taken by
// the revoked bot, for the record, until user.delete.
void BotCalls::handleRevoke(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!protocol::isValidUserName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, NameRule);
    const qint64 now = AdminContext::now();
    auto revoked = std::make_shared<QList<qint64>>();
    m_ctx.write(r, [name, now, revoked](Db &db) -> Result<QCborMap> {
        if (Status s = botstore::markRevoked(db, name, now); !s)
            return s.error();
        const Result<UserRecord> user = db.userByName(name);
        if (user) {
            const Result<QList<DeviceRecord>> devices = db.devicesOfUser(user->id);
            if (!devices)
                return devices.error();
            for (const DeviceRecord &d : *devices) {
                const Result<qint64> id = AdminStore(db).revokeDevice(name, d.deviceNo);
                if (!id)
                    return id.error();
                revoked->append(*id);
            }
        } else if (user.error().code != ErrorCode::NotFound) {
            return user.error();
        }
        const Result<BotRecord> stored = botstore::find(db, name);
        if (!stored)
            return stored.error();
        return botMap(*stored, now);
    }, [this, revoked] { m_ctx.dropSessions(*revoked, u"the bot was revoked"_s); });
}

} // namespace parley::server
