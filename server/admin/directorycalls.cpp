#include "admin/directorycalls.h"

#include "admin/adminlog.h"
#include "crypto/securebuffer.h"
#include "store/adminstore.h"
#include "store/directorystore.h"
#include "store/store.h"

#include <QCborArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>

#include <limits>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

const QString SettingKey = u"directory"_s;

} // namespace

DirectoryCalls::DirectoryCalls(AdminContext &ctx)
    : m_ctx(ctx), m_sync(std::make_unique<DirectorySync>(ctx.store(), ctx.config().dataDir))
{
    m_sync->setDropSessions([this](const QList<qint64> &devices) {
        m_ctx.dropSessions(devices, u"the directory sync suspended or deleted the user"_s);
    });
}

DirectoryCalls::~DirectoryCalls() = default;

const QList<AdminCall<DirectoryCalls>> &DirectoryCalls::calls()
{
    static const QList<AdminCall<DirectoryCalls>> calls = {
        {"directory.show"_L1, &DirectoryCalls::handleShow},
        {"directory.set"_L1, &DirectoryCalls::handleSet},
        {"directory.clear"_L1, &DirectoryCalls::handleClear},
        {"directory.sync"_L1, &DirectoryCalls::handleSync},
        {"directory.users"_L1, &DirectoryCalls::handleUsers},
    };
    return calls;
}

Status DirectoryCalls::load(AdminStore &admin)
{
    auto value = admin.setting(SettingKey);
    if (!value)
        return value.error();
    const QString stored = value->value_or(QString());
    const std::optional<DirectoryConfig> config = DirectoryConfig::decode(stored);
    if (!stored.isEmpty() && !config)
        qCWarning(lcAdmin) << "The stored directory settings are not readable; the directory sync stays off until directory.set";
    m_sync->configure(config);
    return {};
}

void DirectoryCalls::stop()
{
    m_sync->stop();
}

std::optional<QCborMap> DirectoryCalls::lastSync() const
{
    if (!m_sync->config())
        return std::nullopt;
    return m_sync->lastRun();
}

QCborMap DirectoryCalls::showMap() const
{
    const std::optional<DirectoryConfig> &c = m_sync->config();
    const DirectoryConfig shown = c.value_or(DirectoryConfig{});
    QCborMap m;
    m.insert("configured"_L1, bool(c));
    m.insert("url"_L1, c ? shown.url : QString());
    m.insert("starttls"_L1, shown.startTls);
    // The CA certificate itself too (public): a client that changes other settings sends it back unchanged.
    m.insert("ca_certificate"_L1, shown.caCertificate);
    const QList<QSslCertificate> ca = QSslCertificate::fromData(shown.caCertificate.toUtf8(), QSsl::Pem);
    m.insert("ca_subject"_L1, ca.isEmpty() ? QString() : ca.first().subjectDisplayName());
    m.insert("ca_fingerprint"_L1, ca.isEmpty() ? QString() : QString::fromLatin1(ca.first().digest(QCryptographicHash::Sha256).toHex()));
    m.insert("ca_expires_at"_L1, ca.isEmpty() ? qint64(0) : ca.first().expiryDate().toMSecsSinceEpoch());
    m.insert("bind_dn"_L1, shown.bindDn);
    m.insert("password_set"_L1, !shown.storedPassword.isEmpty());
    m.insert("password_file"_L1, shown.passwordFile);
    m.insert("base_dn"_L1, shown.baseDn);
    m.insert("user_filter"_L1, c ? shown.userFilter : QString());
    m.insert("group_filter"_L1, shown.groupFilter);
    m.insert("name_attribute"_L1, c ? shown.nameAttribute : QString());
    m.insert("display_name_attribute"_L1, c ? shown.displayNameAttribute : QString());
    m.insert("disabled_attribute"_L1, shown.disabledAttribute);
    m.insert("disabled_value"_L1, shown.disabledValue);
    m.insert("disabled_bit"_L1, qint64(shown.disabledBit));
    m.insert("group_name_attribute"_L1, c ? shown.groupNameAttribute : QString());
    m.insert("member_attribute"_L1, c ? shown.memberAttribute : QString());
    QStringList rooms;
    for (const DirectoryRoomMapping &r : shown.rooms)
        rooms << r.group + u"="_s + r.room;
    m.insert("rooms"_L1, QCborArray::fromStringList(rooms));
    m.insert("interval_seconds"_L1, c ? shown.intervalSeconds : 0);
    m.insert("grace_seconds"_L1, c ? shown.graceSeconds : qint64(0));
    m.insert("page_size"_L1, c ? shown.pageSize : 0);
    m.insert("valid_hours"_L1, c ? shown.validHours : 0);
    m.insert("updated_at"_L1, shown.updatedAt);
    m.insert("running"_L1, m_sync->running());
    m.insert("next_sync_at"_L1, m_sync->nextRunAt());
    m.insert("last_sync"_L1, m_sync->lastRun());
    return m;
}

void DirectoryCalls::handleShow(const AdminRequestPtr &r)
{
    m_ctx.reply(r, showMap());
}

void DirectoryCalls::handleSet(const AdminRequestPtr &r)
{
    const QCborMap &a = r->args;
    auto text = [&a](const char *key, const QString &fallback = {}) {
        const QLatin1StringView k(key);
        return a.contains(k) ? a.value(k).toString() : fallback;
    };
    auto invalid = [this, r](const QString &message) { m_ctx.fail(r, proto::errors::InvalidArgument, message); };
    DirectoryConfig c;
    c.url = text("url");
    c.startTls = a.value("starttls"_L1).toBool();
    c.caCertificate = text("ca_certificate");
    c.bindDn = text("bind_dn");
    c.baseDn = text("base_dn");
    c.userFilter = text("user_filter", c.userFilter);
    c.groupFilter = text("group_filter");
    c.nameAttribute = text("name_attribute", c.nameAttribute);
    c.displayNameAttribute = text("display_name_attribute", c.displayNameAttribute);
    c.disabledAttribute = text("disabled_attribute");
    c.disabledValue = text("disabled_value");
    c.groupNameAttribute = text("group_name_attribute", c.groupNameAttribute);
    c.memberAttribute = text("member_attribute", c.memberAttribute);
    for (const QCborValue &v : a.value("rooms"_L1).toArray()) {
        const auto mapping = DirectoryConfig::parseRoom(v.toString());
        if (!mapping)
            return invalid(u"rooms: expected GROUP=ROOM (a group's name or DN, and a room name): %1"_s.arg(v.toString().left(64)));
        c.rooms.append(*mapping);
    }
    // The numbers: anything beyond an int is out of every range below.
    struct Number {
        const char *key;
        qint64 *out;
    };
    qint64 interval = c.intervalSeconds;
    qint64 grace = c.graceSeconds;
    qint64 pageSize = c.pageSize;
    qint64 validHours = c.validHours;
    for (const Number &n : {Number{"interval_seconds", &interval}, Number{"grace_seconds", &grace},
                            Number{"page_size", &pageSize}, Number{"valid_hours", &validHours}}) {
        if (a.contains(QLatin1StringView(n.key)))
            *n.out = std::min<qint64>(a.value(QLatin1StringView(n.key)).toInteger(), std::numeric_limits<int>::max());
    }
    c.intervalSeconds = int(interval);
    c.graceSeconds = grace;
    c.pageSize = int(pageSize);
    c.validHours = int(validHours);
    c.disabledBit = quint64(a.value("disabled_bit"_L1).toInteger());

    const bool newPassword = a.contains("password"_L1);
    if (newPassword && a.contains("password_file"_L1))
        return invalid(u"password_file: give either password or password_file"_s);
    if (newPassword) {
        const qsizetype bytes = a.value("password"_L1).toString().toUtf8().size();
        if (bytes < 1 || bytes > DirectoryConfig::MaxPasswordBytes)
            return invalid(u"password: 1 to %1 bytes"_s.arg(DirectoryConfig::MaxPasswordBytes));
        if (a.value("password"_L1).toString().contains(u'\n') || a.value("password"_L1).toString().contains(u'\r'))
            return invalid(u"password: one line"_s);
        c.storedPassword = u"(new)"_s;   // stands for the file written below, for the checks
    } else if (a.contains("password_file"_L1)) {
        c.passwordFile = text("password_file");
    } else if (!c.bindDn.isEmpty() && m_sync->config()) {
        // Kept when absent, as long as there is a bind DN to use it with.
        c.passwordFile = m_sync->config()->passwordFile;
        c.storedPassword = m_sync->config()->storedPassword;
    }
    if (const QString bad = c.check(); !bad.isEmpty())
        return invalid(bad);
    if (!c.passwordFile.isEmpty() && a.contains("password_file"_L1)) {
        const QFileInfo file(c.passwordFile);
        if (!file.isFile() || !file.isReadable())
            return invalid(u"password_file: parleyd cannot read %1 (it must be a file the service user can read)"_s.arg(c.passwordFile));
        if (file.permissions() & (QFileDevice::ReadOther | QFileDevice::WriteOther))
            return invalid(u"password_file: %1 is readable or writable by others; make it 0600 or 0640"_s.arg(c.passwordFile));
    }
    c.updatedAt = AdminContext::now();
    if (newPassword) {
        QByteArray password = a.value("password"_L1).toString().toUtf8();
        auto name = m_sync->writePassword(password, c.updatedAt);
        crypto::cleanse(password);
        if (!name)
            return m_ctx.reply(r, name.error());
        c.storedPassword = *name;
    }
    store(r, c);
}

void DirectoryCalls::handleClear(const AdminRequestPtr &r)
{
    store(r, std::nullopt);
}

// Stores the setting and, once it is committed, applies it; the password files no longer named go.
void DirectoryCalls::store(const AdminRequestPtr &r, const std::optional<DirectoryConfig> &config)
{
    const QString value = config ? config->encode() : QString();
    m_ctx.store()->write<bool>(m_ctx.owner(), [value](Db &db) -> Result<bool> {
        if (Status s = AdminStore(db).setSetting(SettingKey, value, AdminContext::now()); !s)
            return s.error();
        return true;
    }, [this, r, config](Result<bool> stored) {
        if (!stored) {
            if (config && !config->storedPassword.isEmpty() && config->storedPassword != (m_sync->config() ? m_sync->config()->storedPassword : QString()))
                QFile::remove(QDir(m_sync->directory()).filePath(config->storedPassword));
            return m_ctx.reply(r, stored.error());
        }
        m_sync->configure(config);
        m_sync->removeOtherPasswords(config ? config->storedPassword : QString());
        if (config)
            qCInfo(lcAdmin).noquote() << "Directory settings set through the admin API; sync"
                                      << (config->intervalSeconds ? u"every %1 s"_s.arg(config->intervalSeconds) : u"on demand"_s);
        else
            qCInfo(lcAdmin).noquote() << "Directory settings cleared through the admin API";
        m_ctx.reply(r, showMap());
    });
}

void DirectoryCalls::handleSync(const AdminRequestPtr &r)
{
    const bool dryRun = r->args.value("dry_run"_L1).toBool();
    m_sync->run(dryRun, r->actor, [this, r](Result<QCborMap> result) {
        if (result) {
            QCborArray changes;
            for (const QCborValue &v : result->value("changes"_L1).toArray()) {
                QCborMap m = v.toMap();
                if (m.contains("code"_L1))
                    m.insert("link"_L1, m_ctx.enrollLink(m.value("name"_L1).toString(), m.value("code"_L1).toString()));
                changes.append(m);
            }
            result->insert("changes"_L1, changes);
        }
        m_ctx.reply(r, result);
    });
}

void DirectoryCalls::handleUsers(const AdminRequestPtr &r)
{
    Db &db = m_ctx.store()->reader();
    auto links = DirectoryStore::links(db);
    if (!links)
        return m_ctx.reply(r, links.error());
    auto users = AdminStore(db).users({});
    if (!users)
        return m_ctx.reply(r, users.error());
    auto pending = DirectoryStore::pendingNames(db, AdminContext::now());
    if (!pending)
        return m_ctx.reply(r, pending.error());
    QHash<QString, UserSummary> byName;
    for (const UserSummary &u : std::as_const(*users)) {
        if (u.enrolled)
            byName.insert(u.name, u);
    }
    const qint64 graceMs = m_sync->config() ? m_sync->config()->graceSeconds * 1000 : 0;
    QCborArray list;
    for (const DirectoryLink &l : std::as_const(*links)) {
        QCborMap m;
        m.insert("name"_L1, l.name);
        m.insert("display_name"_L1, l.displayName);
        m.insert("dn"_L1, l.dn);
        const auto u = byName.constFind(l.name);
        m.insert("state"_L1, u != byName.cend() ? (u->suspended ? u"suspended"_s : u"active"_s)
                                                : pending->contains(l.name) ? u"pending"_s : u"none"_s);
        m.insert("suspended_by_sync"_L1, l.suspendedBySync);
        m.insert("missing_since"_L1, l.missingSince);
        m.insert("delete_at"_L1, l.missingSince ? l.missingSince + graceMs : qint64(0));
        m.insert("synced_at"_L1, l.syncedAt);
        list.append(m);
    }
    QCborMap m;
    m.insert("users"_L1, list);
    m_ctx.reply(r, m);
}

} // namespace parley::server
