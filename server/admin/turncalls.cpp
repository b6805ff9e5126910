#include "admin/turncalls.h"

#include "admin/adminlog.h"
#include "store/adminstore.h"

#include <QCborArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

const QString SettingKey = u"turn"_s;

} // namespace

const QList<AdminCall<TurnCalls>> &TurnCalls::calls()
{
    static const QList<AdminCall<TurnCalls>> calls = {
        {"turn.show"_L1, &TurnCalls::handleTurnShow},
        {"turn.set"_L1, &TurnCalls::handleTurnSet},
        {"turn.clear"_L1, &TurnCalls::handleTurnClear},
    };
    return calls;
}

QString TurnCalls::encode(const std::optional<TurnConfig> &config)
{
    if (!config)
        return {};
    QJsonObject o;
    o.insert(u"uris"_s, QJsonArray::fromStringList(config->uris));
    o.insert(u"ttl"_s, config->ttlSeconds);
    o.insert(u"secret"_s, QString::fromLatin1(config->secret));
    o.insert(u"updated_at"_s, config->updatedAt);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<TurnConfig> TurnCalls::decode(const QString &value)
{
    const QJsonObject o = QJsonDocument::fromJson(value.toUtf8()).object();
    TurnConfig c;
    for (const QJsonValue &uri : o.value(u"uris"_s).toArray())
        c.uris << uri.toString();
    c.ttlSeconds = o.value(u"ttl"_s).toInt();
    c.secret = o.value(u"secret"_s).toString().toLatin1();
    c.updatedAt = o.value(u"updated_at"_s).toInteger();
    // A value this code did not write (or none) is no configuration.
    if (c.uris.isEmpty() || c.secret.isEmpty() || c.ttlSeconds < TurnSettings::MinTtlSeconds
        || c.ttlSeconds > TurnSettings::MaxTtlSeconds)
        return std::nullopt;
    return c;
}

Status TurnCalls::load(AdminStore &admin)
{
    auto value = admin.setting(SettingKey);
    if (!value)
        return value.error();
    const std::optional<TurnConfig> config = decode(value->value_or(QString()));
    if (!value->value_or(QString()).isEmpty() && !config)
        qCWarning(lcAdmin) << "The stored TURN settings are not readable; TURN stays off until turn.set";
    m_ctx.host()->turn()->set(config);
    return {};
}

QCborMap TurnCalls::turnMap(const std::optional<TurnConfig> &config)
{
    QCborMap m;
    m.insert("configured"_L1, bool(config));
    m.insert("uris"_L1, QCborArray::fromStringList(config ? config->uris : QStringList()));
    m.insert("ttl"_L1, config ? config->ttlSeconds : 0);
    m.insert("secret_set"_L1, config && !config->secret.isEmpty());
    m.insert("updated_at"_L1, config ? config->updatedAt : qint64(0));
    return m;
}

void TurnCalls::handleTurnShow(const AdminRequestPtr &r)
{
    m_ctx.reply(r, turnMap(m_ctx.host()->turn()->current()));
}

void TurnCalls::handleTurnSet(const AdminRequestPtr &r)
{
    TurnConfig config;
    const QCborArray uris = r->args.value("uris"_L1).toArray();
    for (const QCborValue &v : uris) {
        const QString uri = v.toString();
        if (const QString bad = TurnSettings::checkUri(uri); !bad.isEmpty())
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"uris: %1: %2"_s.arg(uri.left(64), bad));
        config.uris << uri;
    }
    if (config.uris.isEmpty() || config.uris.size() > TurnSettings::MaxUris)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"uris: 1 to %1 URIs"_s.arg(TurnSettings::MaxUris));
    const qint64 ttl = r->args.contains("ttl"_L1) ? r->args.value("ttl"_L1).toInteger() : TurnSettings::DefaultTtlSeconds;
    if (ttl < TurnSettings::MinTtlSeconds || ttl > TurnSettings::MaxTtlSeconds)
        return m_ctx.fail(r, proto::errors::InvalidArgument,
                          u"ttl: %1 to %2 seconds"_s.arg(TurnSettings::MinTtlSeconds).arg(TurnSettings::MaxTtlSeconds));
    config.ttlSeconds = int(ttl);
    if (r->args.contains("secret"_L1)) {
        const QString secret = r->args.value("secret"_L1).toString();
        if (const QString bad = TurnSettings::checkSecret(secret); !bad.isEmpty())
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"secret: "_s + bad);
        config.secret = secret.toLatin1();
    } else {
        const std::optional<TurnConfig> previous = m_ctx.host()->turn()->current();
        if (!previous)
            return m_ctx.fail(r, proto::errors::InvalidArgument, u"secret: required while none is set"_s);
        config.secret = previous->secret;
    }
    config.updatedAt = AdminContext::now();
    store(r, config);
}

void TurnCalls::handleTurnClear(const AdminRequestPtr &r)
{
    store(r, std::nullopt);
}

// Stores the setting and, once it is committed, hands it to the workers.
void TurnCalls::store(const AdminRequestPtr &r, const std::optional<TurnConfig> &config)
{
    const QString value = encode(config);
    const QCborMap result = turnMap(config);
    m_ctx.write(r, [value, result](Db &db) -> Result<QCborMap> {
        if (Status s = AdminStore(db).setSetting(SettingKey, value, AdminContext::now()); !s)
            return s.error();
        return result;
    }, [this, config] {
        m_ctx.host()->turn()->set(config);
        if (config)
            qCInfo(lcAdmin).noquote() << "TURN settings set through the admin API:" << config->uris.size()
                                      << "URIs, credentials good for" << config->ttlSeconds << "s";
        else
            qCInfo(lcAdmin).noquote() << "TURN settings cleared through the admin API";
    });
}

} // namespace parley::server
