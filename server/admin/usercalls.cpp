#include "admin/usercalls.h"

#include "admin/csv.h"
#include "admin/userimport.h"
#include "protocol/frame.h"
#include "relay/router.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QDateTime>
#include <QSet>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int MaxImportRows = 10000;
const QString NameRule = u"a user name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s;
const QString BotNameRule = u"names ending in .bot are reserved for bots (bots.create makes one)"_s;

} // namespace

const QList<AdminCall<UserCalls>> &UserCalls::calls()
{
    static const QList<AdminCall<UserCalls>> calls = {
        {"user.create"_L1, &UserCalls::handleUserCreate},
        {"user.code"_L1, &UserCalls::handleUserCode},
        {"user.list"_L1, &UserCalls::handleUserList},
        {"user.show"_L1, &UserCalls::handleUserShow},
        {"user.devices"_L1, &UserCalls::handleUserDevices},
        {"user.revoke_device"_L1, &UserCalls::handleRevokeDevice},
        {"user.suspend"_L1, &UserCalls::handleSuspend},
        {"user.resume"_L1, &UserCalls::handleResume},
        {"user.delete"_L1, &UserCalls::handleUserDelete},
        {"user.sign_out"_L1, &UserCalls::handleSignOut},
        {"user.import"_L1, &UserCalls::handleUserImport},
        {"user.export"_L1, &UserCalls::handleUserExport},
    };
    return calls;
}

bool UserCalls::checkName(const AdminRequestPtr &r)
{
    if (protocol::isValidUserName(r->args.value("name"_L1).toString()))
        return true;
    m_ctx.fail(r, proto::errors::InvalidArgument, NameRule);
    return false;
}

void UserCalls::createCode(const AdminRequestPtr &r, bool newUser)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!checkName(r))
        return;
    if (newUser && protocol::isBotName(name))
        return m_ctx.fail(r, proto::errors::InvalidArgument, BotNameRule);
    bool ok = false;
    const int hours = m_ctx.validHours(r, &ok);
    if (!ok)
        return m_ctx.fail(r, proto::errors::InvalidArgument,
                          u"valid_hours must be 1 to %1"_s.arg(AdminContext::MaxValidHours));
    const qint64 validMs = qint64(hours) * 3600 * 1000;
    m_ctx.write(r, [this, name, validMs, newUser](Db &db) -> Result<QCborMap> {
        auto exists = AdminStore(db).userExists(name);
        if (!exists)
            return exists.error();
        auto pending = AdminStore(db).codePending(name, AdminContext::now());
        if (!pending)
            return pending.error();
        if (newUser && (*exists || *pending))
            return makeError(ErrorCode::Conflict, *exists ? u"the user exists; user.code issues a code for a further device"_s
                                                          : u"an enrollment code for this user is pending; user.code issues another"_s);
        if (!newUser && !*exists && !*pending)
            return makeError(ErrorCode::NotFound, u"no such user (user.create makes one)"_s);
        auto code = db.createEnrollCode(name, validMs);
        if (!code)
            return code.error();
        QCborMap m;
        m.insert("name"_L1, name);
        m.insert("code"_L1, *code);
        m.insert("link"_L1, m_ctx.enrollLink(name, *code));
        m.insert("expires_at"_L1, AdminContext::now() + validMs);
        return m;
    });
}

void UserCalls::handleUserCreate(const AdminRequestPtr &r)
{
    createCode(r, true);
}

void UserCalls::handleUserCode(const AdminRequestPtr &r)
{
    createCode(r, false);
}

QCborMap UserCalls::userMap(const UserSummary &u)
{
    QCborMap m;
    m.insert("name"_L1, u.name);
    m.insert("state"_L1, !u.enrolled ? u"pending"_s : u.suspended ? u"suspended"_s : u"active"_s);
    m.insert("kind"_L1, u.bot ? u"bot"_s : u"person"_s);
    m.insert("devices"_L1, u.devices);
    m.insert("created_at"_L1, u.createdAt);
    m.insert("last_seen"_L1, u.lastSeen);
    m.insert("queued"_L1, u.queued);
    return m;
}

void UserCalls::handleUserList(const AdminRequestPtr &r)
{
    auto users = AdminStore(m_ctx.store()->reader()).users(r->args.value("search"_L1).toString());
    if (!users)
        return m_ctx.reply(r, users.error());
    QCborArray list;
    for (const UserSummary &u : *users)
        list.append(userMap(u));
    QCborMap m;
    m.insert("users"_L1, list);
    m_ctx.reply(r, m);
}

Result<QCborArray> UserCalls::deviceList(const QString &name)
{
    Db &db = m_ctx.store()->reader();
    auto user = db.userByName(name);
    if (!user)
        return user.error();
    auto devices = db.devicesOfUser(user->id);
    if (!devices)
        return devices.error();
    QCborArray list;
    for (const DeviceRecord &d : *devices) {
        QCborMap m;
        m.insert("device"_L1, qint64(d.deviceNo));
        m.insert("name"_L1, d.name);
        m.insert("created_at"_L1, d.createdAt);
        m.insert("last_seen"_L1, d.lastSeen);
        m.insert("queued"_L1, d.queued);
        m.insert("online"_L1, m_ctx.host()->router()->isOnline(d.id));   // here or at another node
        list.append(m);
    }
    return list;
}

void UserCalls::handleUserShow(const AdminRequestPtr &r)
{
    if (!checkName(r))
        return;
    const QString name = r->args.value("name"_L1).toString();
    auto users = AdminStore(m_ctx.store()->reader()).users(name);
    if (!users)
        return m_ctx.reply(r, users.error());
    const auto it = std::find_if(users->cbegin(), users->cend(), [&name](const UserSummary &u) { return u.name == name; });
    if (it == users->cend())
        return m_ctx.fail(r, proto::errors::NotFound, u"no such user"_s);
    QCborMap m = userMap(*it);
    if (it->enrolled) {
        auto devices = deviceList(name);
        if (!devices)
            return m_ctx.reply(r, devices.error());
        m.insert("device_list"_L1, *devices);
    }
    m_ctx.reply(r, m);
}

void UserCalls::handleUserDevices(const AdminRequestPtr &r)
{
    if (!checkName(r))
        return;
    auto devices = deviceList(r->args.value("name"_L1).toString());
    if (!devices)
        return m_ctx.reply(r, devices.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such user"_s)
                                                                      : devices.error());
    QCborMap m;
    m.insert("devices"_L1, *devices);
    m_ctx.reply(r, m);
}

void UserCalls::handleRevokeDevice(const AdminRequestPtr &r)
{
    if (!checkName(r))
        return;
    const QString name = r->args.value("name"_L1).toString();
    const qint64 deviceNo = r->args.value("device"_L1).toInteger();
    if (deviceNo < 1 || deviceNo > 0xffffffffLL)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"device: expected a device number"_s);
    auto revoked = std::make_shared<qint64>(0);
    m_ctx.write(r, [name, deviceNo, revoked](Db &db) -> Result<QCborMap> {
        auto id = AdminStore(db).revokeDevice(name, quint32(deviceNo));
        if (!id)
            return id.error();
        *revoked = *id;
        return QCborMap();
    }, [this, revoked] { m_ctx.dropSessions({*revoked}, u"device revoked"_s); });
}

void UserCalls::suspend(const AdminRequestPtr &r, bool suspended)
{
    if (!checkName(r))
        return;
    const QString name = r->args.value("name"_L1).toString();
    auto devices = std::make_shared<QList<qint64>>();
    m_ctx.write(r, [name, suspended, devices](Db &db) -> Result<QCborMap> {
        auto ids = AdminStore(db).setSuspended(name, suspended);
        if (!ids)
            return ids.error();
        *devices = *ids;
        return QCborMap();
    }, [this, devices, suspended] {
        if (suspended)
            m_ctx.dropSessions(*devices, u"the user is suspended"_s);
    });
}

void UserCalls::handleSuspend(const AdminRequestPtr &r)
{
    suspend(r, true);
}

void UserCalls::handleResume(const AdminRequestPtr &r)
{
    suspend(r, false);
}

void UserCalls::handleUserDelete(const AdminRequestPtr &r)
{
    if (!checkName(r))
        return;
    const QString name = r->args.value("name"_L1).toString();
    auto devices = std::make_shared<QList<qint64>>();
    m_ctx.write(r, [name, devices](Db &db) -> Result<QCborMap> {
        auto ids = AdminStore(db).deleteUser(name);
        if (!ids)
            return ids.error();
        *devices = *ids;
        QCborMap m;
        m.insert("devices_removed"_L1, qint64(ids->size()));
        return m;
    }, [this, devices] { m_ctx.dropSessions(*devices, u"the user was deleted"_s); });
}

void UserCalls::handleSignOut(const AdminRequestPtr &r)
{
    if (!checkName(r))
        return;
    const QString name = r->args.value("name"_L1).toString();
    auto devices = std::make_shared<QList<qint64>>();
    m_ctx.write(r, [name, devices](Db &db) -> Result<QCborMap> {
        auto ids = AdminStore(db).signOut(name);
        if (!ids)
            return ids.error();
        *devices = *ids;
        return QCborMap();
    }, [this, devices] { m_ctx.dropSessions(*devices, u"the user was signed out"_s); });
}

void UserCalls::handleUserImport(const AdminRequestPtr &r)
{
    bool ok = false;
    const int hours = m_ctx.validHours(r, &ok);
    if (!ok)
        return m_ctx.fail(r, proto::errors::InvalidArgument,
                          u"valid_hours must be 1 to %1"_s.arg(AdminContext::MaxValidHours));
    auto read = readImport(r->args.value("csv"_L1).toString(), MaxImportRows);
    if (!read)
        return m_ctx.fail(r, proto::errors::InvalidArgument, read.error().message);
    const qint64 validMs = qint64(hours) * 3600 * 1000;
    m_ctx.write(r, [this, rows = *read, validMs](Db &db) -> Result<QCborMap> {
        QCborArray report;
        QSet<QString> seen;
        int created = 0;
        int failed = 0;
        for (const ImportRow &in : rows) {
            const QString &name = in.name;
            QCborMap row;
            row.insert("line"_L1, qint64(in.line));
            row.insert("name"_L1, name.left(64));
            auto refuse = [&](QLatin1StringView code, const QString &message) {
                row.insert("outcome"_L1, code);
                row.insert("msg"_L1, message);
                ++failed;
            };
            if (!in.problem.isEmpty()) {
                refuse(proto::errors::InvalidArgument, in.problem);
            } else if (!protocol::isValidUserName(name)) {
                refuse(proto::errors::InvalidArgument, u"not a valid user name"_s);
            } else if (protocol::isBotName(name)) {
                refuse(proto::errors::InvalidArgument, BotNameRule);
            } else if (seen.contains(name)) {
                refuse(proto::errors::Conflict, u"listed twice"_s);
            } else {
                seen.insert(name);
                auto exists = AdminStore(db).userExists(name);
                if (!exists)
                    return exists.error();
                auto pending = AdminStore(db).codePending(name, AdminContext::now());
                if (!pending)
                    return pending.error();
                if (*exists || *pending) {
                    refuse(proto::errors::Conflict, u"the user exists"_s);
                } else {
                    auto code = db.createEnrollCode(name, validMs);
                    if (!code)
                        return code.error();
                    row.insert("outcome"_L1, u"created"_s);
                    row.insert("code"_L1, *code);
                    row.insert("link"_L1, m_ctx.enrollLink(name, *code));
                    ++created;
                }
            }
            report.append(row);
        }
        QCborMap m;
        m.insert("rows"_L1, report);
        m.insert("created"_L1, created);
        m.insert("failed"_L1, failed);
        m.insert("ok"_L1, failed == 0);
        return m;
    });
}

void UserCalls::handleUserExport(const AdminRequestPtr &r)
{
    auto users = AdminStore(m_ctx.store()->reader()).users({});
    if (!users)
        return m_ctx.reply(r, users.error());
    auto time = [](qint64 ms) { return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString(); };
    QString csv = csv::record(exportColumns());
    for (const UserSummary &u : *users) {
        const QCborMap m = userMap(u);
        csv += csv::record({u.name, m.value("state"_L1).toString(), QString::number(u.devices), time(u.createdAt),
                            time(u.lastSeen), QString::number(u.queued)});
    }
    QCborMap m;
    m.insert("csv"_L1, csv);
    m.insert("count"_L1, qint64(users->size()));
    m_ctx.reply(r, m);
}

} // namespace parley::server
