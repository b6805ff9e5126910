#include "admin/admincontext.h"

#include "admin/adminlog.h"
#include "relay/router.h"
#include "store/store.h"

#include <QDateTime>
#include <QSaveFile>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

QString errorName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound: return proto::errors::NotFound;
    case ErrorCode::Conflict: return proto::errors::Conflict;
    case ErrorCode::InvalidArgument: return proto::errors::InvalidArgument;
    case ErrorCode::Unauthorized: return proto::errors::Unauthorized;
    case ErrorCode::Forbidden: return proto::errors::Forbidden;
    case ErrorCode::RateLimited: return proto::errors::LockedOut;
    case ErrorCode::Unavailable: return proto::errors::Unavailable;
    default: return proto::errors::Internal;
    }
}

// What a call acts on: a user or admin name, a room, or a push provider. Never any other argument.
QString auditTarget(const AdminRequestPtr &r)
{
    const QString name = r->args.value("name"_L1).toString();
    if (!name.isEmpty())
        return name;
    const QString room = r->args.value("room"_L1).toString();
    if (!room.isEmpty())
        return room;
    if (r->call.startsWith(u"push."_s))
        return r->call == u"push.clear"_s ? r->args.value("provider"_L1).toString() : r->call.mid(9);
    return QString();
}

} // namespace

AdminContext::AdminContext(QObject *owner, AdminHost *host, EventLog *events)
    : m_owner(owner), m_host(host), m_events(events), m_store(host->store()), m_config(host->adminSettings())
{
}

qint64 AdminContext::now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

int AdminContext::validHours(const AdminRequestPtr &r, bool *ok)
{
    const qint64 hours = r->args.contains("valid_hours"_L1) ? r->args.value("valid_hours"_L1).toInteger() : DefaultValidHours;
    *ok = hours >= 1 && hours <= MaxValidHours;
    return int(hours);
}

Status AdminContext::writePrivateFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    if (!file.setPermissions(permissions) || file.write(data) != data.size() || !file.commit())
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    return {};
}

void AdminContext::send(QWebSocket *socket, const proto::Response &response)
{
    if (socket && socket->isValid())
        socket->sendBinaryMessage(proto::encodeResponse(response));
}

void AdminContext::audit(const QString &actor, const QString &action, const QString &target, const QString &outcome)
{
    AuditRecord record{0, now(), actor, action, target, outcome};
    m_store->write<bool>(m_owner, [record](Db &db) -> Result<bool> {
        if (Status s = AdminStore(db).appendAudit(record); !s)
            return s.error();
        return true;
    }, [](Result<bool> r) {
        if (!r)
            qCWarning(lcAdmin) << "Writing an audit record failed:" << r.error().message;
    });
}

void AdminContext::reply(const AdminRequestPtr &r, const Result<QCborMap> &result)
{
    if (r->answered)
        return;
    r->answered = true;
    proto::Response response;
    response.id = r->id;
    if (result) {
        response.result = *result;
    } else {
        response.error = errorName(result.error().code);
        response.message = response.error == proto::errors::Internal ? u"internal error"_s : result.error().message;
        if (response.error == proto::errors::Internal)
            qCWarning(lcAdmin) << "Admin call" << r->call << "failed:" << result.error().message;
    }
    audit(r->actor, r->call, auditTarget(r), result ? u"ok"_s : response.error);
    send(r->socket, response);
}

void AdminContext::fail(const AdminRequestPtr &r, QLatin1StringView code, const QString &message)
{
    if (r->answered)
        return;
    r->answered = true;
    proto::Response response;
    response.id = r->id;
    response.error = code;
    response.message = message;
    audit(r->actor, r->call, auditTarget(r), code);
    send(r->socket, response);
}

void AdminContext::write(const AdminRequestPtr &r, std::function<Result<QCborMap>(Db &)> op, std::function<void()> after)
{
    m_store->write<QCborMap>(m_owner, std::move(op), [this, r, after](Result<QCborMap> result) {
        if (result && after)
            after();
        reply(r, result);
    });
}

void AdminContext::saveSettings(const AdminRequestPtr &r, const QList<std::pair<QString, QString>> &values,
                                const QCborMap &result)
{
    write(r, [values, result](Db &db) -> Result<QCborMap> {
        AdminStore admin(db);
        for (const auto &[key, value] : values) {
            if (Status s = admin.setSetting(key, value, now()); !s)
                return s.error();
        }
        return result;
    });
}

QString AdminContext::enrollServer() const
{
    if (!m_config.admin.enrollServer.isEmpty())
        return m_config.admin.enrollServer;
    const QUrl url(m_host->url());
    return url.host(QUrl::FullyEncoded).contains(u':') ? u"[%1]:%2"_s.arg(url.host()).arg(url.port())
                                                       : u"%1:%2"_s.arg(url.host()).arg(url.port());
}

QString AdminContext::enrollLink(const QString &user, const QString &code) const
{
    QUrlQuery query;
    query.addQueryItem(u"server"_s, enrollServer());
    query.addQueryItem(u"user"_s, user);
    query.addQueryItem(u"code"_s, code);
    query.addQueryItem(u"fp"_s, m_host->fingerprint());
    QUrl url;
    url.setScheme(u"parley"_s);
    url.setHost(u"enroll"_s);
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

void AdminContext::dropSessions(const QList<qint64> &deviceIds, const QString &reason)
{
    Router *router = m_host->router();
    for (const qint64 id : deviceIds)
        router->closeDevice(id, QWebSocketProtocol::CloseCodePolicyViolated, reason);   // here or at another node
}

} // namespace parley::server
