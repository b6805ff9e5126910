#include "admin/adminserver.h"

#include "admin/admincontext.h"
#include "admin/adminhost.h"
#include "admin/adminlog.h"
#include "admin/csv.h"

#include "admin/adminauth.h"
#include "store/adminstore.h"
#include "admin/eventlog.h"
#include "protocol/adminprotocol.h"
#include "protocol/frame.h"
#include "push/pushcredentials.h"
#include "push/pushservice.h"
#include "store/pushstore.h"
#include "crypto/crypto.h"
#include "relay/devicedirectory.h"
#include "store/roomstore.h"
#include "relay/router.h"
#include "store/store.h"

#include <QCborArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSaveFile>
#include <QSslKey>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int MaxConnections = 32;
constexpr int IdleTimeoutMs = 15 * 60 * 1000;
constexpr int MaxBadFrames = 10;
constexpr int MaxLoginFailuresPerConnection = 10;
constexpr int FailureDelayStepMs = 250;
constexpr int MaxFailureDelayMs = 3000;
constexpr int DefaultValidHours = 168;
constexpr int MaxValidHours = 24 * 366;
constexpr int ExpiryWarningDays = 30;
constexpr int ProxyTestTimeoutMs = 10000;
constexpr int AuditListLimit = 1000;
constexpr int MaxImportRows = 10000;
const QString InitialAccount = u"admin"_s;
const QString InitialPasswordFileName = u"initial-admin-password"_s;
const QStringList LogLevels = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s, u"off"_s};

QCborMap certificateInfo(const QSslCertificate &cert)
{
    QCborMap m;
    m.insert("subject"_L1, cert.subjectDisplayName());
    m.insert("issuer"_L1, cert.issuerDisplayName());
    m.insert("not_before"_L1, cert.effectiveDate().toMSecsSinceEpoch());
    m.insert("not_after"_L1, cert.expiryDate().toMSecsSinceEpoch());
    m.insert("fingerprint"_L1, QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex()));
    return m;
}

bool sameName(const QSslCertificate &issued, const QSslCertificate &issuer)
{
    const QList<QSslCertificate::SubjectInfo> attrs = {QSslCertificate::CommonName, QSslCertificate::Organization,
                                                       QSslCertificate::OrganizationalUnitName, QSslCertificate::CountryName};
    for (const auto attr : attrs) {
        if (issued.issuerInfo(attr) != issuer.subjectInfo(attr))
            return false;
    }
    return true;
}

// The filter rules for one category at one level.
QString rulesFor(const QString &category, const QString &level)
{
    const qsizetype at = LogLevels.indexOf(level);
    const QStringList types = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s};
    QStringList rules;
    for (qsizetype i = 0; i < types.size(); ++i)
        rules << u"%1.%2=%3"_s.arg(category, types.at(i), i >= at ? u"true"_s : u"false"_s);
    return rules.join(u'\n');
}

bool isCategoryName(const QString &name)
{
    if (name.isEmpty() || name.size() > 128)
        return false;
    for (const QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'.'
                     || c == u'_' || c == u'-' || c == u'*';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

struct AdminServer::Private {
    using Handler = void (Private::*)(const AdminRequestPtr &);
    struct Entry {
        QLatin1StringView name;
        Handler handler;
    };
    struct Connection {
        int badFrames = 0;
        int loginFailures = 0;
        QTimer *idle = nullptr;
    };

    Private(AdminServer *server, AdminHost *host, EventLog *events)
        : q(server), ctx(server, host, events), managedPush(std::make_unique<ManagedPushCredentials>(ctx.config().dataDir))
    {
    }

    AdminServer *q;
    AdminContext ctx;
    std::unique_ptr<QWebSocketServer> listener;
    QHash<QWebSocket *, Connection> connections;
    QSslConfiguration tls;
    QSslCertificate adminCertificate;
    quint16 port = 0;
    qint64 startedAt = 0;
    QString initialPasswordFile;
    QString dummyHash;                       // verified against for unknown names, so that they take as long
    QHash<qint64, qint64> lastTotpStep;      // a TOTP code works once
    QMap<QString, QString> logLevels;
    QNetworkProxy proxy;
    bool proxyManaged = false;               // a proxy.* setting is stored: it wins over [push] proxy
    std::unique_ptr<ManagedPushCredentials> managedPush;
    int retentionDays = EventLog::DefaultRetentionDays;
    QTimer maintenance;

    static const QList<Entry> &table();

    QString enrollServer() const
    {
        if (!ctx.config().admin.enrollServer.isEmpty())
            return ctx.config().admin.enrollServer;
        const QUrl url(ctx.host()->url());
        return url.host(QUrl::FullyEncoded).contains(u':') ? u"[%1]:%2"_s.arg(url.host()).arg(url.port())
                                                           : u"%1:%2"_s.arg(url.host()).arg(url.port());
    }

    QString enrollLink(const QString &user, const QString &code) const
    {
        QUrlQuery query;
        query.addQueryItem(u"server"_s, enrollServer());
        query.addQueryItem(u"user"_s, user);
        query.addQueryItem(u"code"_s, code);
        query.addQueryItem(u"fp"_s, ctx.host()->fingerprint());
        QUrl url;
        url.setScheme(u"parley"_s);
        url.setHost(u"enroll"_s);
        url.setQuery(query);
        return url.toString(QUrl::FullyEncoded);
    }

    int validHours(const AdminRequestPtr &r, bool *ok) const
    {
        const qint64 hours = r->args.contains("valid_hours"_L1) ? r->args.value("valid_hours"_L1).toInteger() : DefaultValidHours;
        *ok = hours >= 1 && hours <= MaxValidHours;
        return int(hours);
    }
    // ---- connections ----

    void onNewConnection()
    {
        while (QWebSocket *raw = listener->nextPendingConnection()) {
            std::unique_ptr<QWebSocket> socket(raw);
            if (connections.size() >= MaxConnections) {
                socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"too many admin connections"_s);
                socket.release()->deleteLater();
                continue;
            }
            QWebSocket *s = socket.release();
            s->setParent(q);
            s->setMaxAllowedIncomingMessageSize(quint64(proto::MaxRequestBytes));
            s->setMaxAllowedIncomingFrameSize(quint64(proto::MaxRequestBytes));
            Connection c;
            c.idle = new QTimer(s);
            c.idle->setSingleShot(true);
            c.idle->start(IdleTimeoutMs);
            QObject::connect(c.idle, &QTimer::timeout, s, [s] { s->close(QWebSocketProtocol::CloseCodeGoingAway, u"idle"_s); });
            connections.insert(s, c);
            QObject::connect(s, &QWebSocket::binaryMessageReceived, q, [this, s](const QByteArray &data) { onFrame(s, data); });
            QObject::connect(s, &QWebSocket::textMessageReceived, q, [s](const QString &) {
                s->close(QWebSocketProtocol::CloseCodeDatatypeNotSupported, u"binary CBOR frames only"_s);
            });
            QObject::connect(s, &QWebSocket::disconnected, q, [this, s] {
                connections.remove(s);
                s->deleteLater();
            });
        }
    }

    void onFrame(QWebSocket *socket, const QByteArray &data)
    {
        auto conn = connections.find(socket);
        if (conn == connections.end())
            return;
        conn->idle->start(IdleTimeoutMs);
        auto decoded = proto::decodeRequest(data);
        if (auto *error = std::get_if<proto::DecodeError>(&decoded)) {
            ctx.send(socket, proto::Response{error->id, proto::errors::BadRequest, error->message, {}});
            if (++conn->badFrames >= MaxBadFrames)
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"too many malformed frames"_s);
            return;
        }
        proto::Request request = std::get<proto::Request>(std::move(decoded));
        auto r = std::make_shared<AdminRequest>();
        r->socket = socket;
        r->id = request.id;
        r->call = request.call;
        r->args = request.args;
        const proto::Call *spec = proto::findCall(request.call);
        const Entry *entry = nullptr;
        for (const Entry &e : table()) {
            if (e.name == request.call)
                entry = &e;
        }
        if (!spec || !entry) {
            r->call = u"unknown"_s;
            r->args = {};
            ctx.send(socket, proto::Response{r->id, proto::errors::UnknownCall, u"no admin call of that name"_s, {}});
            return;
        }
        if (spec->access == proto::Access::Anonymous) {
            const QString name = r->args.value("name"_L1).toString();
            r->actor = protocol::isValidUserName(name) ? name : u"-"_s;
            if (const QString bad = proto::validateArgs(*spec, r->args); !bad.isEmpty())
                return ctx.fail(r, proto::errors::BadRequest, bad);
            return (this->*(entry->handler))(r);
        }
        if (request.token.isEmpty())
            return ctx.fail(r, proto::errors::Unauthorized, u"log in first"_s);
        r->tokenHash = adminauth::tokenHash(request.token);
        auto account = AdminStore(ctx.store()->reader()).accountForToken(r->tokenHash, AdminContext::now());
        if (!account) {
            if (account.error().code == ErrorCode::Unauthorized)
                return ctx.fail(r, proto::errors::Unauthorized, account.error().message);
            return ctx.reply(r, account.error());
        }
        r->account = *account;
        r->actor = account->name;
        if (account->mustChange && spec->access != proto::Access::PasswordChange)
            return ctx.fail(r, proto::errors::PasswordChangeRequired,
                        u"this account must choose a new password first (password.change)"_s);
        if (const QString bad = proto::validateArgs(*spec, r->args); !bad.isEmpty())
            return ctx.fail(r, proto::errors::BadRequest, bad);
        (this->*(entry->handler))(r);
    }

    // ---- sessions and accounts ----

    void loginFailed(const AdminRequestPtr &r, qint64 accountId)
    {
        int delay = FailureDelayStepMs;
        auto conn = connections.find(r->socket.data());
        if (conn != connections.end()) {
            ++conn->loginFailures;
            delay = std::min(MaxFailureDelayMs, FailureDelayStepMs * conn->loginFailures);
        }
        const bool closeAfter = conn != connections.end() && conn->loginFailures >= MaxLoginFailuresPerConnection;
        auto answer = [this, r, closeAfter](QLatin1StringView code, const QString &message) {
            QTimer::singleShot(0, ctx.owner(), [] {});
            ctx.fail(r, code, message);
            if (closeAfter && r->socket)
                r->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"too many failed logins"_s);
        };
        if (accountId == 0) {
            QTimer::singleShot(delay, ctx.owner(), [answer] { answer(proto::errors::Unauthorized, u"wrong name or password"_s); });
            return;
        }
        const int maxFailures = ctx.config().admin.maxFailedLogins;
        const qint64 lockMs = qint64(ctx.config().admin.lockoutSeconds) * 1000;
        ctx.store()->write<bool>(ctx.owner(), [accountId, maxFailures, lockMs](Db &db) {
            return AdminStore(db).recordFailure(accountId, maxFailures, lockMs, AdminContext::now());
        }, [this, answer, delay](Result<bool> locked) {
            const bool nowLocked = locked && *locked;
            QTimer::singleShot(delay, ctx.owner(), [this, answer, nowLocked] {
                if (nowLocked)
                    answer(proto::errors::LockedOut, u"wrong credentials; the account is locked for %1 seconds"_s.arg(ctx.config().admin.lockoutSeconds));
                else
                    answer(proto::errors::Unauthorized, u"wrong name or password"_s);
            });
        });
    }

    void issueToken(const AdminRequestPtr &r, const AdminAccount &account, bool mustChange)
    {
        const QString token = adminauth::generateToken();
        const QByteArray hash = adminauth::tokenHash(token);
        const qint64 now = AdminContext::now();
        const qint64 expires = now + qint64(ctx.config().admin.tokenLifetimeSeconds) * 1000;
        const qint64 id = account.id;
        ctx.write(r, [id, hash, now, expires, token, mustChange, name = account.name](Db &db) -> Result<QCborMap> {
            AdminStore admin(db);
            if (Status s = admin.clearFailures(id); !s)
                return s.error();
            if (Status s = admin.insertToken(hash, id, now, expires); !s)
                return s.error();
            QCborMap m;
            m.insert("name"_L1, name);
            m.insert("token"_L1, token);
            m.insert("expires_at"_L1, expires);
            m.insert("must_change_password"_L1, mustChange);
            return m;
        });
    }

    void handleLogin(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        const QString password = r->args.value("password"_L1).toString();
        const QString totp = r->args.value("totp"_L1).toString();
        auto account = AdminStore(ctx.store()->reader()).account(name);
        if (!account && account.error().code != ErrorCode::NotFound)
            return ctx.reply(r, account.error());
        if (!account) {
            const QString dummy = dummyHash;
            ctx.offThread<bool>([dummy, password] { return adminauth::verifyPassword(dummy, password); },
                            [this, r](bool) { loginFailed(r, 0); });
            return;
        }
        if (account->lockedUntil > AdminContext::now()) {
            const qint64 seconds = (account->lockedUntil - AdminContext::now() + 999) / 1000;
            return ctx.fail(r, proto::errors::LockedOut, u"too many failed logins; try again in %1 seconds"_s.arg(seconds));
        }
        const AdminAccount a = *account;
        ctx.offThread<bool>([hash = a.passwordHash, password] { return adminauth::verifyPassword(hash, password); },
                        [this, r, a, totp](bool ok) {
            if (!ok)
                return loginFailed(r, a.id);
            if (a.totpEnabled) {
                if (totp.isEmpty())
                    return ctx.fail(r, proto::errors::TotpRequired, u"this account needs a TOTP code (totp)"_s);
                const auto step = adminauth::matchTotp(a.totpSecret, totp, AdminContext::now() / 1000);
                if (!step || *step <= lastTotpStep.value(a.id, -1))
                    return loginFailed(r, a.id);
                lastTotpStep.insert(a.id, *step);
            }
            issueToken(r, a, a.mustChange);
        });
    }

    void handlePasswordChange(const AdminRequestPtr &r)
    {
        const QString current = r->args.value("password"_L1).toString();
        const QString next = r->args.value("new_password"_L1).toString();
        if (Status s = adminauth::checkPasswordPolicy(next); !s)
            return ctx.reply(r, s.error());
        if (next == current)
            return ctx.fail(r, proto::errors::InvalidArgument, u"the new password must differ from the current one"_s);
        const AdminAccount a = r->account;
        struct Outcome {
            bool verified = false;
            Result<QString> hash = QString();
        };
        ctx.offThread<std::shared_ptr<Outcome>>([hash = a.passwordHash, current, next] {
            auto o = std::make_shared<Outcome>();
            o->verified = adminauth::verifyPassword(hash, current);
            if (o->verified)
                o->hash = adminauth::hashPassword(next);
            return o;
        }, [this, r, a](std::shared_ptr<Outcome> o) {
            if (!o->verified)
                return loginFailed(r, a.id);
            if (!o->hash)
                return ctx.reply(r, o->hash.error());
            const QString hash = *o->hash;
            const bool wasInitial = a.mustChange;
            ctx.store()->write<bool>(ctx.owner(), [id = a.id, hash](Db &db) -> Result<bool> {
                if (Status s = AdminStore(db).setPassword(id, hash, false); !s)
                    return s.error();
                return true;
            }, [this, r, a, wasInitial](Result<bool> done) {
                if (!done)
                    return ctx.reply(r, done.error());
                if (wasInitial && a.name == InitialAccount)
                    QFile::remove(QDir(ctx.config().dataDir).filePath(InitialPasswordFileName));
                AdminAccount changed = a;
                changed.mustChange = false;
                issueToken(r, changed, false);
            });
        });
    }

    void handleLogout(const AdminRequestPtr &r)
    {
        ctx.write(r, [hash = r->tokenHash](Db &db) -> Result<QCborMap> {
            if (Status s = AdminStore(db).deleteToken(hash); !s)
                return s.error();
            return QCborMap();
        });
    }

    void handleStatus(const AdminRequestPtr &r)
    {
        AdminStore admin(ctx.store()->reader());
        auto queued = admin.queuedTotal();
        if (!queued)
            return ctx.reply(r, queued.error());
        auto users = admin.userCount();
        if (!users)
            return ctx.reply(r, users.error());
        qint64 dbBytes = 0;
        for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s})
            dbBytes += QFileInfo(ctx.config().databaseFile + suffix).size();
        QCborMap m;
        m.insert("version"_L1, QStringLiteral(PARLEY_VERSION_STRING));
        m.insert("uptime_seconds"_L1, (AdminContext::now() - startedAt) / 1000);
        m.insert("connected_devices"_L1, qint64(ctx.host()->router()->onlineDevices()));
        m.insert("queued_messages"_L1, *queued);
        m.insert("users"_L1, *users);
        m.insert("database_bytes"_L1, dbBytes);
        m.insert("workers"_L1, ctx.host()->workerCount());
        m.insert("fingerprint"_L1, ctx.host()->fingerprint());
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(ctx.config().certificateFile);
        if (!chain.isEmpty()) {
            const qint64 expires = chain.first().expiryDate().toMSecsSinceEpoch();
            m.insert("certificate_expires_at"_L1, expires);
            m.insert("certificate_days_left"_L1, (expires - AdminContext::now()) / (24 * 3600 * 1000));
        }
        ctx.reply(r, m);
    }

    // ---- users ----

    void createCode(const AdminRequestPtr &r, bool newUser)
    {
        const QString name = r->args.value("name"_L1).toString();
        if (!protocol::isValidUserName(name))
            return ctx.fail(r, proto::errors::InvalidArgument, u"a user name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
        bool ok = false;
        const int hours = validHours(r, &ok);
        if (!ok)
            return ctx.fail(r, proto::errors::InvalidArgument, u"valid_hours must be 1 to %1"_s.arg(MaxValidHours));
        const qint64 validMs = qint64(hours) * 3600 * 1000;
        ctx.write(r, [this, name, validMs, newUser](Db &db) -> Result<QCborMap> {
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
            m.insert("link"_L1, enrollLink(name, *code));
            m.insert("expires_at"_L1, AdminContext::now() + validMs);
            return m;
        });
    }

    void handleUserCreate(const AdminRequestPtr &r) { createCode(r, true); }
    void handleUserCode(const AdminRequestPtr &r) { createCode(r, false); }

    static QCborMap userMap(const UserSummary &u)
    {
        QCborMap m;
        m.insert("name"_L1, u.name);
        m.insert("state"_L1, !u.enrolled ? u"pending"_s : u.suspended ? u"suspended"_s : u"active"_s);
        m.insert("devices"_L1, u.devices);
        m.insert("created_at"_L1, u.createdAt);
        m.insert("last_seen"_L1, u.lastSeen);
        m.insert("queued"_L1, u.queued);
        return m;
    }

    void handleUserList(const AdminRequestPtr &r)
    {
        auto users = AdminStore(ctx.store()->reader()).users(r->args.value("search"_L1).toString());
        if (!users)
            return ctx.reply(r, users.error());
        QCborArray list;
        for (const UserSummary &u : *users)
            list.append(userMap(u));
        QCborMap m;
        m.insert("users"_L1, list);
        ctx.reply(r, m);
    }

    Result<QCborArray> deviceList(const QString &name)
    {
        Db &db = ctx.store()->reader();
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
            m.insert("online"_L1, bool(ctx.host()->router()->route(d.id)));
            list.append(m);
        }
        return list;
    }

    void handleUserShow(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        auto users = AdminStore(ctx.store()->reader()).users(name);
        if (!users)
            return ctx.reply(r, users.error());
        const auto it = std::find_if(users->cbegin(), users->cend(), [&name](const UserSummary &u) { return u.name == name; });
        if (it == users->cend())
            return ctx.fail(r, proto::errors::NotFound, u"no such user"_s);
        QCborMap m = userMap(*it);
        if (it->enrolled) {
            auto devices = deviceList(name);
            if (!devices)
                return ctx.reply(r, devices.error());
            m.insert("device_list"_L1, *devices);
        }
        ctx.reply(r, m);
    }

    void handleUserDevices(const AdminRequestPtr &r)
    {
        auto devices = deviceList(r->args.value("name"_L1).toString());
        if (!devices)
            return ctx.reply(r, devices.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such user"_s)
                                                                          : devices.error());
        QCborMap m;
        m.insert("devices"_L1, *devices);
        ctx.reply(r, m);
    }

    void handleRevokeDevice(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        const qint64 deviceNo = r->args.value("device"_L1).toInteger();
        if (deviceNo < 1 || deviceNo > 0xffffffffLL)
            return ctx.fail(r, proto::errors::InvalidArgument, u"device: expected a device number"_s);
        auto revoked = std::make_shared<qint64>(0);
        ctx.write(r, [name, deviceNo, revoked](Db &db) -> Result<QCborMap> {
            auto id = AdminStore(db).revokeDevice(name, quint32(deviceNo));
            if (!id)
                return id.error();
            *revoked = *id;
            return QCborMap();
        }, [this, revoked] { ctx.dropSessions({*revoked}, u"device revoked"_s); });
    }

    void suspend(const AdminRequestPtr &r, bool suspended)
    {
        const QString name = r->args.value("name"_L1).toString();
        auto devices = std::make_shared<QList<qint64>>();
        ctx.write(r, [name, suspended, devices](Db &db) -> Result<QCborMap> {
            auto ids = AdminStore(db).setSuspended(name, suspended);
            if (!ids)
                return ids.error();
            *devices = *ids;
            return QCborMap();
        }, [this, devices, suspended] {
            if (suspended)
                ctx.dropSessions(*devices, u"the user is suspended"_s);
        });
    }

    void handleSuspend(const AdminRequestPtr &r) { suspend(r, true); }
    void handleResume(const AdminRequestPtr &r) { suspend(r, false); }

    void handleUserDelete(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        auto devices = std::make_shared<QList<qint64>>();
        ctx.write(r, [name, devices](Db &db) -> Result<QCborMap> {
            auto ids = AdminStore(db).deleteUser(name);
            if (!ids)
                return ids.error();
            *devices = *ids;
            QCborMap m;
            m.insert("devices_removed"_L1, qint64(ids->size()));
            return m;
        }, [this, devices] { ctx.dropSessions(*devices, u"the user was deleted"_s); });
    }

    void handleUserImport(const AdminRequestPtr &r)
    {
        bool ok = false;
        const int hours = validHours(r, &ok);
        if (!ok)
            return ctx.fail(r, proto::errors::InvalidArgument, u"valid_hours must be 1 to %1"_s.arg(MaxValidHours));
        const QStringList lines = r->args.value("csv"_L1).toString().split(u'\n');
        if (lines.size() > MaxImportRows)
            return ctx.fail(r, proto::errors::InvalidArgument, u"at most %1 rows per import"_s.arg(MaxImportRows));
        const qint64 validMs = qint64(hours) * 3600 * 1000;
        ctx.write(r, [this, lines, validMs](Db &db) -> Result<QCborMap> {
            QCborArray rows;
            QSet<QString> seen;
            int created = 0;
            int failed = 0;
            for (qsizetype i = 0; i < lines.size(); ++i) {
                QString line = lines.at(i);
                if (line.endsWith(u'\r'))
                    line.chop(1);
                if (line.trimmed().isEmpty())
                    continue;
                const QStringList fields = csv::fields(line);
                const QString name = fields.value(0);
                if (i == 0 && name.compare(u"name"_s, Qt::CaseInsensitive) == 0)
                    continue;   // header
                QCborMap row;
                row.insert("line"_L1, qint64(i + 1));
                row.insert("name"_L1, name.left(64));
                auto refuse = [&](QLatin1StringView code, const QString &message) {
                    row.insert("outcome"_L1, code);
                    row.insert("msg"_L1, message);
                    ++failed;
                };
                if (fields.size() > 1) {
                    refuse(proto::errors::InvalidArgument, u"one column (name) expected"_s);
                } else if (!protocol::isValidUserName(name)) {
                    refuse(proto::errors::InvalidArgument, u"not a valid user name"_s);
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
                        row.insert("link"_L1, enrollLink(name, *code));
                        ++created;
                    }
                }
                rows.append(row);
            }
            QCborMap m;
            m.insert("rows"_L1, rows);
            m.insert("created"_L1, created);
            m.insert("failed"_L1, failed);
            return m;
        });
    }

    void handleUserExport(const AdminRequestPtr &r)
    {
        auto users = AdminStore(ctx.store()->reader()).users({});
        if (!users)
            return ctx.reply(r, users.error());
        QString csv = u"name,state,devices,created_at,last_seen,queued\n"_s;
        for (const UserSummary &u : *users) {
            const QCborMap m = userMap(u);
            csv += u"%1,%2,%3,%4,%5,%6\n"_s.arg(csv::field(u.name), m.value("state"_L1).toString()).arg(u.devices)
                       .arg(u.createdAt ? QDateTime::fromMSecsSinceEpoch(u.createdAt, Qt::UTC).toString(Qt::ISODate) : QString())
                       .arg(u.lastSeen ? QDateTime::fromMSecsSinceEpoch(u.lastSeen, Qt::UTC).toString(Qt::ISODate) : QString())
                       .arg(u.queued);
        }
        QCborMap m;
        m.insert("csv"_L1, csv);
        m.insert("count"_L1, qint64(users->size()));
        ctx.reply(r, m);
    }

    // ---- certificates ----

    Status loadAdminTls()
    {
        auto loaded = ctx.host()->loadAdminTls();
        if (!loaded)
            return loaded.error();
        QSslConfiguration configuration = loaded->configuration;
        if (ctx.config().admin.requireClientCertificate) {
            const QList<QSslCertificate> cas = QSslCertificate::fromPath(ctx.config().admin.clientCaPath);
            if (cas.isEmpty())
                return makeError(ErrorCode::InvalidArgument, u"admin/client_ca: %1 holds no PEM certificate"_s.arg(ctx.config().admin.clientCaPath));
            configuration.setCaCertificates(cas);
            configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        }
        tls = configuration;
        adminCertificate = loaded->certificate;
        if (listener)
            listener->setSslConfiguration(tls);
        return {};
    }

    Result<QCborMap> reloadAll()
    {
        auto fingerprint = ctx.host()->reloadTls();
        if (!fingerprint)
            return fingerprint.error();
        if (Status s = loadAdminTls(); !s)
            return s.error();
        QCborMap m;
        m.insert("fingerprint"_L1, *fingerprint);
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(ctx.config().certificateFile);
        if (!chain.isEmpty())
            m.insert("expires_at"_L1, chain.first().expiryDate().toMSecsSinceEpoch());
        return m;
    }

    void handleCertShow(const AdminRequestPtr &r)
    {
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(ctx.config().certificateFile);
        if (chain.isEmpty())
            return ctx.fail(r, proto::errors::NotFound, u"the certificate file holds no certificate"_s);
        QCborArray list;
        for (const QSslCertificate &c : chain)
            list.append(certificateInfo(c));
        const qint64 expires = chain.first().expiryDate().toMSecsSinceEpoch();
        const qint64 daysLeft = (expires - AdminContext::now()) / (24 * 3600 * 1000);
        QCborMap m;
        m.insert("chain"_L1, list);
        m.insert("fingerprint"_L1, ctx.host()->fingerprint());
        m.insert("expires_at"_L1, expires);
        m.insert("days_left"_L1, daysLeft);
        if (expires <= AdminContext::now())
            m.insert("warning"_L1, u"the certificate has expired"_s);
        else if (daysLeft < ExpiryWarningDays)
            m.insert("warning"_L1, u"the certificate expires in %1 days"_s.arg(daysLeft));
        if (!ctx.config().admin.certificatePath.isEmpty())
            m.insert("admin_certificate"_L1, certificateInfo(adminCertificate));
        ctx.reply(r, m);
    }

    void handleCertReload(const AdminRequestPtr &r) { ctx.reply(r, reloadAll()); }

    QString pendingKeyFile() const { return QDir(ctx.config().dataDir).filePath(u"tls/pending.key"_s); }

    void handleCertInstall(const AdminRequestPtr &r)
    {
        const QByteArray certPem = r->args.value("certificate"_L1).toString().toUtf8();
        QByteArray keyPem = r->args.value("private_key"_L1).toString().toUtf8();
        const bool pendingKey = keyPem.isEmpty();
        if (pendingKey) {
            QFile pending(pendingKeyFile());
            if (!pending.open(QIODevice::ReadOnly))
                return ctx.fail(r, proto::errors::InvalidArgument, u"no private_key given and no key from cert.csr waiting"_s);
            keyPem = pending.readAll();
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (chain.isEmpty() || chain.first().isNull())
            return ctx.fail(r, proto::errors::InvalidArgument, u"certificate: no PEM certificate"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (qsizetype i = 0; i < chain.size(); ++i) {
            if (chain.at(i).expiryDate() <= now)
                return ctx.fail(r, proto::errors::InvalidArgument, u"certificate %1 of the chain has expired"_s.arg(i + 1));
            if (chain.at(i).effectiveDate() > now)
                return ctx.fail(r, proto::errors::InvalidArgument, u"certificate %1 of the chain is not valid yet"_s.arg(i + 1));
            if (i + 1 < chain.size() && !sameName(chain.at(i), chain.at(i + 1)))
                return ctx.fail(r, proto::errors::InvalidArgument,
                            u"chain order: certificate %1 is not issued by certificate %2 (leaf first, then each issuer)"_s.arg(i + 1).arg(i + 2));
        }
        if (Status s = crypto::certificateMatchesKey(certPem, keyPem); !s) {
            crypto::cleanse(keyPem);
            return ctx.fail(r, proto::errors::InvalidArgument, s.error().message);
        }
        Status written = AdminContext::writePrivateFile(ctx.config().certificateFile, certPem,
                                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        if (written)
            written = AdminContext::writePrivateFile(ctx.config().privateKeyFile, keyPem, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        crypto::cleanse(keyPem);
        if (!written)
            return ctx.reply(r, written.error());
        if (pendingKey)
            QFile::remove(pendingKeyFile());
        ctx.reply(r, reloadAll());
    }

    void handleCertCsr(const AdminRequestPtr &r)
    {
        QStringList dns;
        const QStringList parts = r->args.value("dns"_L1).toString().split(u',', Qt::SkipEmptyParts);
        for (const QString &p : parts)
            dns << p.trimmed();
        auto generated = crypto::generateCertificateRequest(r->args.value("common_name"_L1).toString(), dns);
        if (!generated)
            return ctx.reply(r, generated.error());
        if (!QDir().mkpath(QFileInfo(pendingKeyFile()).absolutePath()))
            return ctx.fail(r, proto::errors::Internal, u"cannot create the tls directory"_s);
        if (Status s = AdminContext::writePrivateFile(pendingKeyFile(), generated->privateKeyPem.view().toByteArray(),
                                        QFileDevice::ReadOwner | QFileDevice::WriteOwner); !s)
            return ctx.reply(r, s.error());
        QCborMap m;
        m.insert("csr"_L1, QString::fromLatin1(generated->requestPem));
        ctx.reply(r, m);
    }

    // ---- event logging ----

    void applyLogRules()
    {
        QStringList rules{u"*.debug=false"_s};
        if (!ctx.config().logRules.isEmpty())
            rules << ctx.config().logRules;
        for (auto it = logLevels.cbegin(); it != logLevels.cend(); ++it)
            rules << rulesFor(it.key(), it.value());
        QLoggingCategory::setFilterRules(rules.join(u'\n'));
    }

    QString encodeLevels() const
    {
        QStringList out;
        for (auto it = logLevels.cbegin(); it != logLevels.cend(); ++it)
            out << it.key() + u'=' + it.value();
        return out.join(u'\n');
    }

    void handleLogSetLevel(const AdminRequestPtr &r)
    {
        const QString category = r->args.value("category"_L1).toString();
        const QString level = r->args.value("level"_L1).toString().toLower();
        if (!isCategoryName(category))
            return ctx.fail(r, proto::errors::InvalidArgument, u"category: letters, digits, . _ - and * only"_s);
        if (!LogLevels.contains(level))
            return ctx.fail(r, proto::errors::InvalidArgument, u"level: expected debug, info, warning, critical or off"_s);
        logLevels.insert(category, level);
        applyLogRules();
        QCborMap m;
        m.insert("category"_L1, category);
        m.insert("level"_L1, level);
        ctx.saveSettings(r, {{u"log.levels"_s, encodeLevels()}}, m);
    }

    void handleLogLevels(const AdminRequestPtr &r)
    {
        QCborMap levels;
        for (const QString &category : std::as_const(ctx.config().logCategories))
            levels.insert(category, logLevels.value(category, u"info"_s));
        for (auto it = logLevels.cbegin(); it != logLevels.cend(); ++it)
            levels.insert(it.key(), it.value());
        QCborMap m;
        m.insert("levels"_L1, levels);
        m.insert("boot_rules"_L1, ctx.config().logRules);
        ctx.reply(r, m);
    }

    void handleLogShow(const AdminRequestPtr &r)
    {
        EventFilter filter;
        filter.grep = r->args.value("grep"_L1).toString();
        filter.category = r->args.value("category"_L1).toString();
        filter.minLevel = r->args.value("level"_L1).toString().toLower();
        filter.since = r->args.value("since"_L1).toInteger();
        filter.limit = int(std::clamp<qint64>(r->args.contains("limit"_L1) ? r->args.value("limit"_L1).toInteger() : 200, 1, 5000));
        if (!filter.minLevel.isEmpty() && (!LogLevels.contains(filter.minLevel) || filter.minLevel == u"off"_s))
            return ctx.fail(r, proto::errors::InvalidArgument, u"level: expected debug, info, warning or critical"_s);
        ctx.events()->flush();   // queued before this read on the same writer: the newest lines are included
        ctx.write(r, [filter](Db &db) -> Result<QCborMap> {
            auto list = AdminStore(db).events(filter);
            if (!list)
                return list.error();
            QCborArray out;
            for (const EventRecord &e : *list) {
                QCborMap m;
                m.insert("at"_L1, e.at);
                m.insert("level"_L1, e.level);
                m.insert("category"_L1, e.category);
                m.insert("message"_L1, e.message);
                out.append(m);
            }
            QCborMap m;
            m.insert("events"_L1, out);
            return m;
        });
    }

    void handleLogRetention(const AdminRequestPtr &r)
    {
        QCborMap m;
        if (!r->args.contains("days"_L1)) {
            m.insert("days"_L1, retentionDays);
            return ctx.reply(r, m);
        }
        const qint64 days = r->args.value("days"_L1).toInteger();
        if (days < 1 || days > 3650)
            return ctx.fail(r, proto::errors::InvalidArgument, u"days: 1 to 3650"_s);
        retentionDays = int(days);
        m.insert("days"_L1, retentionDays);
        ctx.events()->purge(retentionDays);
        ctx.saveSettings(r, {{u"log.retention_days"_s, QString::number(retentionDays)}}, m);
    }

    // ---- messaging proxy ----

    static QString proxyTypeName(QNetworkProxy::ProxyType type)
    {
        switch (type) {
        case QNetworkProxy::HttpProxy: return u"http"_s;
        case QNetworkProxy::Socks5Proxy: return u"socks5"_s;
        default: return u"none"_s;
        }
    }

    void applyProxy(const QString &type, const QString &host, quint16 port, const QString &user, const QString &password)
    {
        if (type == u"http"_s)
            proxy = QNetworkProxy(QNetworkProxy::HttpProxy, host, port, user, password);
        else if (type == u"socks5"_s)
            proxy = QNetworkProxy(QNetworkProxy::Socks5Proxy, host, port, user, password);
        else
            proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    }

    void handleProxySet(const AdminRequestPtr &r)
    {
        const QString type = r->args.value("type"_L1).toString();
        const QString host = r->args.value("host"_L1).toString();
        const qint64 port = r->args.value("port"_L1).toInteger();
        const QString user = r->args.value("user"_L1).toString();
        const QString password = r->args.value("password"_L1).toString();
        if (type != u"none"_s && type != u"http"_s && type != u"socks5"_s)
            return ctx.fail(r, proto::errors::InvalidArgument, u"type: expected none, http or socks5"_s);
        if (type != u"none"_s && (host.isEmpty() || host.contains(u' ') || port < 1 || port > 65535))
            return ctx.fail(r, proto::errors::InvalidArgument, u"an http or socks5 proxy needs host and port (1-65535)"_s);
        if (password.size() && user.isEmpty())
            return ctx.fail(r, proto::errors::InvalidArgument, u"a proxy password needs a user"_s);
        applyProxy(type, host, quint16(port), user, password);
        proxyManaged = true;
        applyProxyToPush();
        const QList<std::pair<QString, QString>> values = {
            {u"proxy.type"_s, type}, {u"proxy.host"_s, type == u"none"_s ? u""_s : host},
            {u"proxy.port"_s, type == u"none"_s ? u""_s : QString::number(port)},
            {u"proxy.user"_s, type == u"none"_s ? u""_s : user},
            {u"proxy.password"_s, type == u"none"_s ? u""_s : password}};
        ctx.saveSettings(r, values, proxyMap());
    }

    // The managed proxy, once one is stored, replaces [push] proxy (type none: push goes direct).
    void applyProxyToPush()
    {
        if (!proxyManaged || !ctx.host()->push())
            return;
        ctx.host()->push()->setProxy(proxy);
        qCInfo(lcAdmin).noquote() << "Push traffic now goes" << (proxy.type() == QNetworkProxy::NoProxy
                                                                   ? u"direct"_s
                                                                   : u"through the managed %1 proxy"_s.arg(proxyTypeName(proxy.type())));
    }

    QCborMap proxyMap() const
    {
        QCborMap m;
        m.insert("type"_L1, proxyTypeName(proxy.type()));
        if (proxy.type() != QNetworkProxy::NoProxy) {
            m.insert("host"_L1, proxy.hostName());
            m.insert("port"_L1, proxy.port());
            m.insert("user"_L1, proxy.user());
            m.insert("has_password"_L1, !proxy.password().isEmpty());
        }
        return m;
    }

    void handleProxyShow(const AdminRequestPtr &r) { ctx.reply(r, proxyMap()); }

    void handleProxyTest(const AdminRequestPtr &r)
    {
        const QString host = r->args.value("host"_L1).toString();
        const qint64 port = r->args.value("port"_L1).toInteger();
        if (host.isEmpty() || port < 1 || port > 65535)
            return ctx.fail(r, proto::errors::InvalidArgument, u"host and port (1-65535) needed"_s);
        auto *socket = new QTcpSocket(ctx.owner());
        socket->setProxy(proxy.type() == QNetworkProxy::NoProxy ? QNetworkProxy(QNetworkProxy::NoProxy) : proxy);
        auto *timer = new QTimer(socket);
        timer->setSingleShot(true);
        const QString via = proxyTypeName(proxy.type());
        auto finish = [this, r, socket, via](bool ok, const QString &why) {
            if (r->answered)
                return;
            if (ok) {
                QCborMap m;
                m.insert("connected"_L1, true);
                m.insert("via"_L1, via);
                ctx.reply(r, m);
            } else {
                ctx.fail(r, proto::errors::Unavailable, u"could not connect through %1: %2"_s.arg(via, why));
            }
            socket->abort();
            socket->deleteLater();
        };
        QObject::connect(socket, &QTcpSocket::connected, ctx.owner(), [finish] { finish(true, {}); });
        QObject::connect(socket, &QTcpSocket::errorOccurred, ctx.owner(), [finish, socket](QAbstractSocket::SocketError) {
            finish(false, socket->errorString());
        });
        QObject::connect(timer, &QTimer::timeout, ctx.owner(), [finish] { finish(false, u"timed out"_s); });
        timer->start(ProxyTestTimeoutMs);
        socket->connectToHost(host, quint16(port));
    }

    // ---- push credentials ----

    QCborMap pushProviderMap(const QString &provider) const
    {
        PushService *service = ctx.host()->push();
        const PushConfig current = service ? service->currentConfig() : ctx.config().push;
        const PushService::Details details = service ? service->details() : PushService::Details{};
        const auto managed = managedPush->entry(provider);
        const bool configured = service && service->supports(provider);
        bool inBootConfig = false;
        QCborMap m;
        auto text = [&](const char *key, const QString &value) { m.insert(QLatin1StringView(key), configured ? value : QString()); };
        auto url = [](const QUrl &u) { return u.toString(QUrl::FullyEncoded); };
        if (provider == u"apns"_s) {
            inBootConfig = ctx.config().push.apnsEnabled();
            text("key_id", current.apnsKeyId);
            text("team_id", current.apnsTeamId);
            text("topic", current.apnsTopic);
            text("endpoint", url(current.apnsEndpoint));
        } else if (provider == u"fcm"_s) {
            inBootConfig = ctx.config().push.fcmEnabled();
            text("project_id", details.fcmProjectId);
            text("client_email", details.fcmClientEmail);
            text("endpoint", url(current.fcmEndpoint));
            text("token_endpoint", url(current.fcmTokenEndpoint));
        } else {
            inBootConfig = ctx.config().push.webPushEnabled();
            text("subject", current.vapidSubject);
            text("public_key", QString::fromLatin1(details.vapidPublicKey));
        }
        m.insert("configured"_L1, configured);
        m.insert("source"_L1, managed ? u"admin"_s : inBootConfig ? u"config"_s : QString());
        m.insert("updated_at"_L1, managed ? managed->updatedAt : qint64(0));
        return m;
    }

    void handlePushShow(const AdminRequestPtr &r)
    {
        QCborMap providers;
        for (const QString &provider : ManagedPushCredentials::providers())
            providers.insert(provider, pushProviderMap(provider));
        QCborMap m;
        m.insert("providers"_L1, providers);
        Db &db = ctx.store()->reader();
        auto pending = PushStore::pendingCount(db);
        auto dead = PushStore::deadCount(db);
        if (!pending)
            return ctx.reply(r, pending.error());
        if (!dead)
            return ctx.reply(r, dead.error());
        m.insert("pending"_L1, *pending);
        m.insert("dead"_L1, *dead);
        ctx.reply(r, m);
    }

    void handlePushSetApns(const AdminRequestPtr &r)
    {
        auto upload = ManagedPushCredentials::checkApns(r->args.value("key"_L1).toString(), r->args.value("key_id"_L1).toString(),
                                                        r->args.value("team_id"_L1).toString(),
                                                        r->args.value("topic"_L1).toString(),
                                                        r->args.value("endpoint"_L1).toString());
        if (!upload)
            return ctx.reply(r, upload.error());
        storePushCredentials(r, u"apns"_s, std::move(*upload));
    }

    void handlePushSetFcm(const AdminRequestPtr &r)
    {
        auto upload = ManagedPushCredentials::checkFcm(r->args.value("service_account"_L1).toString(),
                                                       r->args.value("endpoint"_L1).toString(),
                                                       r->args.value("token_endpoint"_L1).toString());
        if (!upload)
            return ctx.reply(r, upload.error());
        storePushCredentials(r, u"fcm"_s, std::move(*upload));
    }

    void handlePushSetWebPush(const AdminRequestPtr &r)
    {
        auto upload = ManagedPushCredentials::checkWebPush(r->args.value("subject"_L1).toString(),
                                                           r->args.value("private_key"_L1).toString());
        if (!upload)
            return ctx.reply(r, upload.error());
        storePushCredentials(r, u"webpush"_s, std::move(*upload));
    }

    void handlePushClear(const AdminRequestPtr &r)
    {
        const QString provider = r->args.value("provider"_L1).toString();
        if (!ManagedPushCredentials::providers().contains(provider))
            return ctx.fail(r, proto::errors::InvalidArgument, u"provider: expected apns, fcm or webpush"_s);
        changePushCredentials(r, provider, std::nullopt);
    }

    void storePushCredentials(const AdminRequestPtr &r, const QString &provider, ManagedPushCredentials::Upload upload)
    {
        const qint64 now = AdminContext::now();
        auto name = managedPush->writeSecret(provider, upload.secret, now);
        crypto::cleanse(upload.secret);
        if (!name)
            return ctx.reply(r, name.error());
        changePushCredentials(r, provider, ManagedPushCredentials::Entry{*name, upload.details, now});
    }

    // Applies the change to the push service first (so that credentials it cannot use are refused), then stores
    // it; a failed store undoes both. The provider's other files go once the new setting is committed.
    void changePushCredentials(const AdminRequestPtr &r, const QString &provider,
                               const std::optional<ManagedPushCredentials::Entry> &entry)
    {
        PushService *service = ctx.host()->push();
        if (!service)
            return ctx.fail(r, proto::errors::Unavailable, u"the push service is not running"_s);
        const auto previous = managedPush->entry(provider);
        const PushConfig before = service->currentConfig();
        managedPush->setEntry(provider, entry);
        if (Status s = service->reconfigure(managedPush->applyTo(ctx.config().push)); !s) {
            managedPush->setEntry(provider, previous);
            if (entry)
                managedPush->removeFile(entry->file);
            return ctx.reply(r, makeError(s.error().code == ErrorCode::Internal ? ErrorCode::Internal : ErrorCode::InvalidArgument,
                                      u"%1: %2"_s.arg(provider, s.error().message)));
        }
        const QString key = ManagedPushCredentials::settingKey(provider);
        const QString value = ManagedPushCredentials::encode(entry);
        ctx.store()->write<bool>(ctx.owner(), [key, value](Db &db) -> Result<bool> {
            if (Status s = AdminStore(db).setSetting(key, value, AdminContext::now()); !s)
                return s.error();
            return true;
        }, [this, r, provider, entry, previous, before](Result<bool> stored) {
            if (!stored) {
                managedPush->setEntry(provider, previous);
                if (Status s = ctx.host()->push() ? ctx.host()->push()->reconfigure(before) : Status(); !s)
                    qCWarning(lcAdmin) << "Restoring the push providers failed:" << s.error().message;
                if (entry)
                    managedPush->removeFile(entry->file);
                return ctx.reply(r, stored.error());
            }
            // Keeps what this change stored and what a later change to the same provider, still being stored, uses.
            QStringList keep;
            if (entry)
                keep << entry->file;
            if (const auto latest = managedPush->entry(provider))
                keep << latest->file;
            managedPush->removeOtherFiles(provider, keep);
            qCInfo(lcAdmin).noquote() << "Push credentials for" << provider
                                      << (entry ? "set through the admin API" : "cleared through the admin API");
            ctx.reply(r, pushProviderMap(provider));
        });
    }

    // ---- admin accounts ----

    void handleAdminList(const AdminRequestPtr &r)
    {
        auto accounts = AdminStore(ctx.store()->reader()).accounts();
        if (!accounts)
            return ctx.reply(r, accounts.error());
        QCborArray list;
        for (const AdminAccount &a : *accounts) {
            QCborMap m;
            m.insert("name"_L1, a.name);
            m.insert("must_change_password"_L1, a.mustChange);
            m.insert("totp"_L1, a.totpEnabled);
            m.insert("locked"_L1, a.lockedUntil > AdminContext::now());
            m.insert("created_at"_L1, a.createdAt);
            list.append(m);
        }
        QCborMap m;
        m.insert("admins"_L1, list);
        ctx.reply(r, m);
    }

    // Hashes `password` off the event loop, then runs `op` with the hash on the writer.
    void withHash(const AdminRequestPtr &r, const QString &password, std::function<Result<QCborMap>(Db &, const QString &)> op)
    {
        if (Status s = adminauth::checkPasswordPolicy(password); !s)
            return ctx.reply(r, s.error());
        ctx.offThread<std::shared_ptr<Result<QString>>>([password] {
            return std::make_shared<Result<QString>>(adminauth::hashPassword(password));
        }, [this, r, op](std::shared_ptr<Result<QString>> hash) {
            if (!*hash)
                return ctx.reply(r, hash->error());
            ctx.write(r, [op, h = hash->value()](Db &db) { return op(db, h); });
        });
    }

    void handleAdminCreate(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        if (!protocol::isValidUserName(name))
            return ctx.fail(r, proto::errors::InvalidArgument, u"an admin name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"_s);
        withHash(r, r->args.value("password"_L1).toString(), [name](Db &db, const QString &hash) -> Result<QCborMap> {
            auto id = AdminStore(db).createAccount(name, hash, true, AdminContext::now());
            if (!id)
                return id.error();
            QCborMap m;
            m.insert("name"_L1, name);
            m.insert("must_change_password"_L1, true);
            return m;
        });
    }

    void handleAdminDelete(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        ctx.write(r, [name](Db &db) -> Result<QCborMap> {
            if (Status s = AdminStore(db).deleteAccount(name); !s)
                return s.error();
            return QCborMap();
        });
    }

    void handleAdminSetPassword(const AdminRequestPtr &r)
    {
        const QString name = r->args.value("name"_L1).toString();
        if (name == r->account.name)
            return ctx.fail(r, proto::errors::Forbidden, u"change your own password with password.change"_s);
        withHash(r, r->args.value("password"_L1).toString(), [name](Db &db, const QString &hash) -> Result<QCborMap> {
            AdminStore admin(db);
            auto account = admin.account(name);
            if (!account)
                return account.error();
            if (Status s = admin.setPassword(account->id, hash, true); !s)
                return s.error();
            QCborMap m;
            m.insert("name"_L1, name);
            m.insert("must_change_password"_L1, true);
            return m;
        });
    }

    void handleTotpSetup(const AdminRequestPtr &r)
    {
        if (r->account.totpEnabled)
            return ctx.fail(r, proto::errors::Conflict, u"TOTP is already on; turn it off first"_s);
        const QByteArray secret = crypto::randomBytes(20);
        const QString encoded = adminauth::base32(secret);
        const QString name = r->account.name;
        ctx.write(r, [id = r->account.id, secret, encoded, name](Db &db) -> Result<QCborMap> {
            if (Status s = AdminStore(db).setTotp(id, secret, false); !s)
                return s.error();
            QUrlQuery query;
            query.addQueryItem(u"secret"_s, encoded);
            query.addQueryItem(u"issuer"_s, u"Parley"_s);
            query.addQueryItem(u"algorithm"_s, u"SHA1"_s);
            query.addQueryItem(u"digits"_s, u"6"_s);
            query.addQueryItem(u"period"_s, u"30"_s);
            QCborMap m;
            m.insert("secret"_L1, encoded);
            m.insert("uri"_L1, u"otpauth://totp/Parley:%1?%2"_s.arg(name, query.toString(QUrl::FullyEncoded)));
            return m;
        });
    }

    void handleTotpEnable(const AdminRequestPtr &r)
    {
        const AdminAccount &a = r->account;
        if (a.totpEnabled)
            return ctx.fail(r, proto::errors::Conflict, u"TOTP is already on"_s);
        if (a.totpSecret.isEmpty())
            return ctx.fail(r, proto::errors::Conflict, u"call totp.setup first"_s);
        const auto step = adminauth::matchTotp(a.totpSecret, r->args.value("code"_L1).toString(), AdminContext::now() / 1000);
        if (!step)
            return ctx.fail(r, proto::errors::InvalidArgument, u"wrong TOTP code"_s);
        lastTotpStep.insert(a.id, *step);
        ctx.write(r, [id = a.id, secret = a.totpSecret](Db &db) -> Result<QCborMap> {
            if (Status s = AdminStore(db).setTotp(id, secret, true); !s)
                return s.error();
            return QCborMap();
        });
    }

    void handleTotpDisable(const AdminRequestPtr &r)
    {
        const QString name = r->args.contains("name"_L1) ? r->args.value("name"_L1).toString() : r->account.name;
        ctx.write(r, [name](Db &db) -> Result<QCborMap> {
            AdminStore admin(db);
            auto account = admin.account(name);
            if (!account)
                return account.error();
            if (Status s = admin.setTotp(account->id, {}, false); !s)
                return s.error();
            return QCborMap();
        });
    }

    // ---- audit ----

    Result<AuditFilter> auditFilter(const AdminRequestPtr &r)
    {
        AuditFilter f;
        f.actor = r->args.value("actor"_L1).toString();
        f.action = r->args.value("action"_L1).toString();
        f.since = r->args.value("since"_L1).toInteger();
        f.until = r->args.value("until"_L1).toInteger();
        f.limit = int(std::clamp<qint64>(r->args.contains("limit"_L1) ? r->args.value("limit"_L1).toInteger() : AuditListLimit, 1, 100000));
        return f;
    }

    void handleAuditShow(const AdminRequestPtr &r)
    {
        auto records = AdminStore(ctx.store()->reader()).audit(*auditFilter(r));
        if (!records)
            return ctx.reply(r, records.error());
        QCborArray list;
        for (const AuditRecord &a : *records) {
            QCborMap m;
            m.insert("id"_L1, a.id);
            m.insert("at"_L1, a.at);
            m.insert("actor"_L1, a.actor);
            m.insert("action"_L1, a.action);
            m.insert("target"_L1, a.target);
            m.insert("outcome"_L1, a.outcome);
            list.append(m);
        }
        QCborMap m;
        m.insert("records"_L1, list);
        ctx.reply(r, m);
    }

    void handleAuditExport(const AdminRequestPtr &r)
    {
        AuditFilter f = *auditFilter(r);
        f.limit = 1000000;
        auto records = AdminStore(ctx.store()->reader()).audit(f);
        if (!records)
            return ctx.reply(r, records.error());
        QString csv = u"id,time,actor,action,target,outcome\n"_s;
        for (auto it = records->crbegin(); it != records->crend(); ++it) {
            csv += u"%1,%2,%3,%4,%5,%6\n"_s.arg(it->id)
                       .arg(QDateTime::fromMSecsSinceEpoch(it->at, Qt::UTC).toString(Qt::ISODateWithMs))
                       .arg(csv::field(it->actor), csv::field(it->action), csv::field(it->target), csv::field(it->outcome));
        }
        QCborMap m;
        m.insert("csv"_L1, csv);
        m.insert("count"_L1, qint64(records->size()));
        ctx.reply(r, m);
    }

    // ---- rooms ----

    static QCborMap roomSettingsMap(const RoomSettings &s)
    {
        QCborMap m;
        m.insert("max_members"_L1, s.maxMembers);
        m.insert("max_expire_seconds"_L1, s.maxExpireSeconds);
        m.insert("default_expire_seconds"_L1, s.defaultExpireSeconds);
        m.insert("default_burn"_L1, s.defaultBurn);
        return m;
    }

    void handleRoomsDefaults(const AdminRequestPtr &r)
    {
        const QCborMap args = r->args;
        ctx.write(r, [args](Db &db) -> Result<QCborMap> {
            auto current = db.roomSettings();
            if (!current)
                return current.error();
            if (args.isEmpty())
                return roomSettingsMap(*current);
            RoomSettings s = *current;
            if (args.contains("max_members"_L1))
                s.maxMembers = int(std::min<qint64>(args.value("max_members"_L1).toInteger(), 1 << 30));
            if (args.contains("max_expire_seconds"_L1))
                s.maxExpireSeconds = args.value("max_expire_seconds"_L1).toInteger();
            if (args.contains("default_expire_seconds"_L1))
                s.defaultExpireSeconds = args.value("default_expire_seconds"_L1).toInteger();
            if (args.contains("default_burn"_L1))
                s.defaultBurn = args.value("default_burn"_L1).toBool();
            if (Status st = db.setRoomSettings(s); !st)
                return st.error();
            return roomSettingsMap(s);
        });
    }

    void handleRoomsList(const AdminRequestPtr &r)
    {
        auto rooms = AdminStore(ctx.store()->reader()).rooms(r->args.value("search"_L1).toString());
        if (!rooms)
            return ctx.reply(r, rooms.error());
        QCborArray list;
        for (const AdminStore::RoomRow &row : *rooms) {
            QCborMap m;
            m.insert("room"_L1, row.name);
            m.insert("title"_L1, row.title);
            m.insert("members"_L1, row.members);
            m.insert("expire_seconds"_L1, row.expireSeconds);
            m.insert("burn_on_read"_L1, row.burn);
            m.insert("enforced_expire_seconds"_L1, row.enforcedExpireSeconds);
            m.insert("enforced_burn"_L1, row.enforcedBurn);
            m.insert("effective_expire_seconds"_L1, qint64(row.retention().effectiveExpireSeconds()));
            m.insert("effective_burn"_L1, row.retention().effectiveBurn());
            m.insert("created_at"_L1, row.createdAt);
            m.insert("last_at"_L1, row.lastAt);
            list.append(m);
        }
        QCborMap m;
        m.insert("rooms"_L1, list);
        ctx.reply(r, m);
    }

    static QCborMap roomMap(const StoredRoom &room)
    {
        const protocol::RoomState *state = &room.state;
        QCborMap m;
        m.insert("room"_L1, state->room);
        m.insert("title"_L1, state->policy.title);
        m.insert("description"_L1, state->policy.description);
        m.insert("expire_seconds"_L1, qint64(state->policy.expireSeconds));
        m.insert("burn_on_read"_L1, state->policy.burnOnRead);
        m.insert("enforced_expire_seconds"_L1, qint64(room.retention.enforcedExpireSeconds));
        m.insert("enforced_burn"_L1, room.retention.enforcedBurn);
        m.insert("effective_expire_seconds"_L1, qint64(room.retention.effectiveExpireSeconds()));
        m.insert("effective_burn"_L1, room.retention.effectiveBurn());
        m.insert("member_count"_L1, qint64(state->members.size()));
        m.insert("admin_count"_L1, state->adminCount());
        QCborArray members;
        for (const QString &name : state->memberList()) {
            QCborMap member;
            member.insert("name"_L1, name);
            member.insert("admin"_L1, state->isAdmin(name));
            members.append(member);
        }
        m.insert("members"_L1, members);
        m.insert("records"_L1, qint64(state->nextSeq));
        m.insert("last_at"_L1, qint64(state->lastAt));
        return m;
    }

    void handleRoomsShow(const AdminRequestPtr &r)
    {
        auto room = roomstore::load(ctx.store()->reader(), r->args.value("room"_L1).toString());
        if (!room)
            return ctx.reply(r, room.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such room"_s) : room.error());
        ctx.reply(r, roomMap(*room));
    }

    // The administrator's retention override: it can only tighten the chain's policy (docs/admin-api.md).
    void handleRoomsPolicy(const AdminRequestPtr &r)
    {
        const QString room = r->args.value("room"_L1).toString();
        std::optional<quint64> expire;
        std::optional<bool> burn;
        if (r->args.contains("expire_seconds"_L1))
            expire = quint64(r->args.value("expire_seconds"_L1).toInteger());
        if (r->args.contains("burn_on_read"_L1))
            burn = r->args.value("burn_on_read"_L1).toBool();
        if (!expire && !burn)
            return ctx.fail(r, proto::errors::InvalidArgument, u"give expire_seconds, burn_on_read or both"_s);
        auto changed = std::make_shared<std::optional<roomstore::RetentionChange>>();
        ctx.store()->write<QCborMap>(ctx.owner(), [room, expire, burn, changed](Db &db) -> Result<QCborMap> {
            auto settings = db.roomSettings();
            if (!settings)
                return settings.error();
            auto change = roomstore::setRetention(db, room, expire, burn, *settings);
            if (!change)
                return change.error().code == ErrorCode::NotFound ? makeError(ErrorCode::NotFound, u"no such room"_s)
                                                                  : change.error();
            *changed = *change;
            return roomMap(change->room);
        }, [this, r, changed](Result<QCborMap> result) {
            if (result && *changed) {
                const roomstore::RetentionChange &c = **changed;
                qCInfo(lcAdmin) << "A room's retention override changed;" << c.shortened << "stored messages expire sooner";
                // Members' connected devices hear of it the way they hear of a chain change (same seq), and fetch
                // the room again: the chain page and the room list carry the override.
                notifyRoomChanged(c.room);
            }
            ctx.reply(r, result);
        });
    }

    void notifyRoomChanged(const StoredRoom &room)
    {
        const QByteArray notice = protocol::encode(protocol::Frame(u"room_changed"_s)
                                                       .set("room"_L1, room.state.room)
                                                       .set("seq"_L1, QCborValue(qint64(room.state.nextSeq > 0 ? room.state.nextSeq - 1 : 0))));
        DeviceDirectory *directory = ctx.host()->directory();
        Router *router = ctx.host()->router();
        for (const QString &user : room.state.memberList()) {
            auto entry = directory->lookup(user);
            if (!entry)
                continue;
            for (const DeviceRecord &device : (*entry)->devices)
                router->notify(device.id, notice);
        }
    }

    void handleRoomsDelete(const AdminRequestPtr &r)
    {
        const QString room = r->args.value("room"_L1).toString();
        ctx.write(r, [room](Db &db) -> Result<QCborMap> {
            if (Status s = AdminStore(db).deleteRoom(room); !s)
                return s.error();
            return QCborMap();
        });
    }

    // ---- start-up ----

    Status loadSettings()
    {
        AdminStore admin(ctx.store()->reader());
        auto levels = admin.setting(u"log.levels"_s);
        if (!levels)
            return levels.error();
        if (*levels) {
            const QStringList lines = (**levels).split(u'\n', Qt::SkipEmptyParts);
            for (const QString &line : lines) {
                const QString category = line.section(u'=', 0, 0);
                const QString level = line.section(u'=', 1);
                if (isCategoryName(category) && LogLevels.contains(level))
                    logLevels.insert(category, level);
            }
        }
        applyLogRules();
        auto retention = admin.setting(u"log.retention_days"_s);
        if (!retention)
            return retention.error();
        if (*retention) {
            const int days = (**retention).toInt();
            if (days >= 1 && days <= 3650)
                retentionDays = days;
        }
        QMap<QString, QString> p;
        for (const QString &key : {u"proxy.type"_s, u"proxy.host"_s, u"proxy.port"_s, u"proxy.user"_s, u"proxy.password"_s}) {
            auto v = admin.setting(key);
            if (!v)
                return v.error();
            p.insert(key, v->value_or(QString()));
        }
        applyProxy(p.value(u"proxy.type"_s), p.value(u"proxy.host"_s), quint16(p.value(u"proxy.port"_s).toUInt()),
                   p.value(u"proxy.user"_s), p.value(u"proxy.password"_s));
        proxyManaged = !p.value(u"proxy.type"_s).isEmpty();
        applyProxyToPush();
        if (Status s = managedPush->load(admin); !s)
            return s;
        applyManagedPushAtStart();
        return {};
    }

    // Each provider on its own: one whose managed files cannot be used is left to the boot configuration, with a
    // warning, so that the others still work and the administrator can upload it again.
    void applyManagedPushAtStart()
    {
        PushService *service = ctx.host()->push();
        if (!service)
            return;
        const ManagedPushCredentials stored = *managedPush;
        for (const QString &provider : ManagedPushCredentials::providers())
            managedPush->setEntry(provider, std::nullopt);
        for (const QString &provider : ManagedPushCredentials::providers()) {
            const auto entry = stored.entry(provider);
            if (!entry)
                continue;
            managedPush->setEntry(provider, entry);
            if (Status s = service->reconfigure(managedPush->applyTo(ctx.config().push)); !s) {
                qCWarning(lcAdmin).noquote() << "The" << provider << "push credentials set through the admin API cannot be "
                                             "used; set them again:" << s.error().message;
                managedPush->setEntry(provider, std::nullopt);
            }
        }
    }

    Status ensureInitialAccount()
    {
        auto accounts = AdminStore(ctx.store()->reader()).accounts();
        if (!accounts)
            return accounts.error();
        if (!accounts->isEmpty())
            return {};
        const QString password = adminauth::generatePassword();
        auto hash = adminauth::hashPassword(password);
        if (!hash)
            return hash.error();
        const QString file = QDir(ctx.config().dataDir).filePath(InitialPasswordFileName);
        if (Status s = AdminContext::writePrivateFile(file, password.toUtf8() + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner); !s)
            return s;
        auto created = ctx.store()->writeSync<qint64>([h = *hash](Db &db) {
            return AdminStore(db).createAccount(InitialAccount, h, true, AdminContext::now());
        });
        if (!created)
            return created.error();
        initialPasswordFile = file;
        return {};
    }

    void runMaintenance()
    {
        ctx.events()->purge(retentionDays);
        ctx.store()->write<int>(ctx.owner(), [](Db &db) { return AdminStore(db).purgeTokens(AdminContext::now()); }, [](Result<int> r) {
            if (!r)
                qCWarning(lcAdmin) << "Purging admin tokens failed:" << r.error().message;
        });
    }
};

const QList<AdminServer::Private::Entry> &AdminServer::Private::table()
{
    using P = Private;
    static const QList<Entry> entries = {
        {"login"_L1, &P::handleLogin},
        {"password.change"_L1, &P::handlePasswordChange},
        {"logout"_L1, &P::handleLogout},
        {"status"_L1, &P::handleStatus},
        {"user.create"_L1, &P::handleUserCreate},
        {"user.code"_L1, &P::handleUserCode},
        {"user.list"_L1, &P::handleUserList},
        {"user.show"_L1, &P::handleUserShow},
        {"user.devices"_L1, &P::handleUserDevices},
        {"user.revoke_device"_L1, &P::handleRevokeDevice},
        {"user.suspend"_L1, &P::handleSuspend},
        {"user.resume"_L1, &P::handleResume},
        {"user.delete"_L1, &P::handleUserDelete},
        {"user.import"_L1, &P::handleUserImport},
        {"user.export"_L1, &P::handleUserExport},
        {"cert.show"_L1, &P::handleCertShow},
        {"cert.reload"_L1, &P::handleCertReload},
        {"cert.install"_L1, &P::handleCertInstall},
        {"cert.csr"_L1, &P::handleCertCsr},
        {"log.set_level"_L1, &P::handleLogSetLevel},
        {"log.levels"_L1, &P::handleLogLevels},
        {"log.show"_L1, &P::handleLogShow},
        {"log.retention"_L1, &P::handleLogRetention},
        {"proxy.set"_L1, &P::handleProxySet},
        {"proxy.show"_L1, &P::handleProxyShow},
        {"proxy.test"_L1, &P::handleProxyTest},
        {"push.show"_L1, &P::handlePushShow},
        {"push.set_apns"_L1, &P::handlePushSetApns},
        {"push.set_fcm"_L1, &P::handlePushSetFcm},
        {"push.set_webpush"_L1, &P::handlePushSetWebPush},
        {"push.clear"_L1, &P::handlePushClear},
        {"admin.list"_L1, &P::handleAdminList},
        {"admin.create"_L1, &P::handleAdminCreate},
        {"admin.delete"_L1, &P::handleAdminDelete},
        {"admin.set_password"_L1, &P::handleAdminSetPassword},
        {"totp.setup"_L1, &P::handleTotpSetup},
        {"totp.enable"_L1, &P::handleTotpEnable},
        {"totp.disable"_L1, &P::handleTotpDisable},
        {"audit.show"_L1, &P::handleAuditShow},
        {"audit.export"_L1, &P::handleAuditExport},
        {"rooms.defaults"_L1, &P::handleRoomsDefaults},
        {"rooms.list"_L1, &P::handleRoomsList},
        {"rooms.show"_L1, &P::handleRoomsShow},
        {"rooms.policy"_L1, &P::handleRoomsPolicy},
        {"rooms.delete"_L1, &P::handleRoomsDelete},
    };
    return entries;
}

AdminServer::AdminServer(AdminHost *host, EventLog *events, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, host, events))
{
}

AdminServer::~AdminServer()
{
    stop();
}

QStringList AdminServer::handledCalls()
{
    QStringList names;
    for (const Private::Entry &e : Private::table())
        names << e.name;
    return names;
}

Status AdminServer::start()
{
    QStringList expected;
    for (const proto::Call &c : proto::calls())
        expected << c.name;
    if (handledCalls() != expected)
        return makeError(ErrorCode::Internal, u"the admin dispatch table does not match the admin call table"_s);
    if (!d->ctx.store())
        return makeError(ErrorCode::Unavailable, u"the server is not running"_s);
    d->startedAt = AdminContext::now();
    auto dummy = adminauth::hashPassword(adminauth::generatePassword());
    if (!dummy)
        return dummy.error();
    d->dummyHash = *dummy;
    if (Status s = d->ensureInitialAccount(); !s)
        return makeError(s.error().code, u"cannot create the first admin account: %1"_s.arg(s.error().message));
    if (Status s = d->loadSettings(); !s)
        return makeError(s.error().code, u"cannot read the managed settings: %1"_s.arg(s.error().message));
    if (Status s = d->loadAdminTls(); !s)
        return s;
    d->listener = std::make_unique<QWebSocketServer>(u"parleyd-admin"_s, QWebSocketServer::SecureMode);
    d->listener->setSslConfiguration(d->tls);
    d->listener->setMaxPendingConnections(MaxConnections);
    connect(d->listener.get(), &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    if (!d->listener->listen(d->ctx.config().admin.listenAddress, d->ctx.config().admin.listenPort)) {
        const QString why = d->listener->errorString();
        d->listener.reset();
        return makeError(ErrorCode::Network, u"cannot listen for the admin API on port %1: %2"_s.arg(d->ctx.config().admin.listenPort).arg(why));
    }
    d->port = d->listener->serverPort();
    connect(&d->maintenance, &QTimer::timeout, this, [this] { d->runMaintenance(); });
    d->maintenance.start(3600 * 1000);
    d->runMaintenance();
    qCInfo(lcAdmin) << "Admin API listening on port" << d->port;
    return {};
}

void AdminServer::stop()
{
    d->maintenance.stop();
    if (d->listener) {
        d->listener->close();
        const QList<QWebSocket *> sockets = d->connections.keys();
        for (QWebSocket *s : sockets) {
            s->disconnect(this);
            s->abort();
            s->deleteLater();
        }
        d->connections.clear();
        d->listener.reset();
    }
}

quint16 AdminServer::port() const
{
    return d->port;
}

QString AdminServer::url() const
{
    const QHostAddress &a = d->ctx.config().admin.listenAddress;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(a.toString()) : a.toString();
    return u"wss://%1:%2/"_s.arg(host).arg(d->port);
}

QString AdminServer::initialPasswordFile() const
{
    return d->initialPasswordFile;
}

QNetworkProxy AdminServer::messagingProxy() const
{
    return d->proxy;
}

Result<QString> AdminServer::resetPassword(Store &store, const QString &name)
{
    if (!protocol::isValidUserName(name))
        return makeError(ErrorCode::InvalidArgument, u"'%1' is not a valid admin name"_s.arg(name));
    const QString password = adminauth::generatePassword();
    auto hash = adminauth::hashPassword(password);
    if (!hash)
        return hash.error();
    auto done = store.writeSync<bool>([name, h = *hash](Db &db) -> Result<bool> {
        AdminStore admin(db);
        auto account = admin.account(name);
        if (!account && account.error().code != ErrorCode::NotFound)
            return account.error();
        if (account) {
            if (Status s = admin.setPassword(account->id, h, true); !s)
                return s.error();
        } else if (auto id = admin.createAccount(name, h, true, AdminContext::now()); !id) {
            return id.error();
        }
        if (Status s = admin.appendAudit(AuditRecord{0, AdminContext::now(), u"host"_s, u"admin.reset_password"_s, name, u"ok"_s}); !s)
            return s.error();
        return true;
    });
    if (!done)
        return done.error();
    return password;
}

} // namespace parley::server
