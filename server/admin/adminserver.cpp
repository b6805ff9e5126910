#include "admin/adminserver.h"

#include "admin/accountcalls.h"
#include "admin/admincontext.h"
#include "admin/adminlog.h"
#include "admin/auditcalls.h"
#include "admin/botcalls.h"
#include "admin/certificatecalls.h"
#include "admin/directorycalls.h"
#include "admin/logcalls.h"
#include "admin/proxycalls.h"
#include "admin/pushcalls.h"
#include "admin/filecalls.h"
#include "admin/turncalls.h"
#include "admin/roomcalls.h"
#include "admin/ssocalls.h"
#include "admin/statuscalls.h"
#include "admin/statuswarnings.h"
#include "admin/usercalls.h"
#include "admin/adminauth.h"
#include "protocol/frame.h"
#include "relay/tlscontext.h"
#include "relay/tlslistener.h"
#include "relay/tlsserversocket.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QHash>
#include <QTimer>
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
constexpr int HandshakeTimeoutMs = 10000;   // TLS handshake and WebSocket upgrade

// The admin listener's TLS context; one made for a reload takes over the ticket keys of `previous`.
Result<std::shared_ptr<TlsContext>> adminContext(const QSslConfiguration &tls, const std::shared_ptr<TlsContext> &previous = {})
{
    TlsContext::Options options;
    options.sessionIdContext = QByteArrayLiteral("parleyd-admin");
    return TlsContext::create(tls, options, previous);
}

} // namespace

// The listener: connections, frame intake, authentication of each request, and the one dispatch table, which is
// the handlers' parts in the order of the call table.
struct AdminServer::Private {
    struct Entry {
        QLatin1StringView name;
        std::function<void(Private &, const AdminRequestPtr &)> handle;
    };
    struct Connection {
        int badFrames = 0;
        int loginFailures = 0;
        QTimer *idle = nullptr;
    };

    Private(AdminServer *server, AdminHost *host, EventLog *events)
        : q(server),
          ctx(server, host, events),
          accounts(ctx),
          warnings(ctx, {[this] { return certificates.adminCertificate(); }, [this] { return directory.lastSync(); }}),
          status(ctx, warnings),
          users(ctx),
          bots(ctx),
          certificates(ctx, [this](const QSslConfiguration &tls) { applyTls(tls); }),
          logs(ctx),
          proxies(ctx),
          push(ctx),
          turn(ctx),
          audit(ctx),
          rooms(ctx),
          files(ctx),
          directory(ctx),
          sso(ctx)
    {
        ctx.setLoginFailureCounter([this](QWebSocket *socket) {
            auto conn = connections.find(socket);
            return conn == connections.end() ? 0 : ++conn->loginFailures;
        });
    }

    AdminServer *q;
    AdminContext ctx;
    AccountCalls accounts;
    StatusWarnings warnings;
    StatusCalls status;
    UserCalls users;
    BotCalls bots;
    CertificateCalls certificates;
    LogCalls logs;
    ProxyCalls proxies;
    PushCalls push;
    TurnCalls turn;
    AuditCalls audit;
    RoomCalls rooms;
    FileCalls files;
    DirectoryCalls directory;
    SsoCalls sso;
    std::shared_ptr<TlsContext> tls;
    std::unique_ptr<TlsListener> tlsListener;
    std::unique_ptr<QWebSocketServer> listener;
    QHash<QWebSocket *, Connection> connections;
    quint16 port = 0;
    QTimer maintenance;
    QTimer warningsTimer;     // `since` of each warning: when it was first seen

    static const QList<Entry> &table();

    template<typename Handler>
    static void addPart(QList<Entry> &table, Handler Private::*handler, const QList<AdminCall<Handler>> &part)
    {
        for (const AdminCall<Handler> &call : part) {
            table.append({call.name, [handler, handle = call.handle](Private &d, const AdminRequestPtr &r) {
                              ((d.*handler).*handle)(r);
                          }});
        }
    }

    // A reloaded certificate: new connections use a new context, established ones keep theirs.
    void applyTls(const QSslConfiguration &configuration)
    {
        if (!tlsListener)
            return;
        auto context = adminContext(configuration, tls);
        if (!context) {
            qCWarning(lcAdmin) << "The admin listener keeps its TLS set-up:" << context.error().message;
            return;
        }
        tls = *context;
        tlsListener->setContext(tls);
    }

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
            return entry->handle(*this, r);
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
        entry->handle(*this, r);
    }

    Status loadSettings()
    {
        AdminStore admin(ctx.store()->reader());
        if (Status s = logs.load(admin); !s)
            return s;
        if (Status s = proxies.load(admin); !s)
            return s;
        if (Status s = turn.load(admin); !s)
            return s;
        if (Status s = directory.load(admin); !s)
            return s;
        if (Status s = sso.load(admin); !s)
            return s;
        return push.load(admin);
    }

    void runMaintenance()
    {
        logs.purge();
        accounts.purgeTokens();
    }
};

const QList<AdminServer::Private::Entry> &AdminServer::Private::table()
{
    static const QList<Entry> entries = [] {
        QList<Entry> t;
        addPart(t, &Private::accounts, AccountCalls::sessionCalls());
        addPart(t, &Private::status, StatusCalls::calls());
        addPart(t, &Private::users, UserCalls::calls());
        addPart(t, &Private::bots, BotCalls::calls());
        addPart(t, &Private::certificates, CertificateCalls::calls());
        addPart(t, &Private::logs, LogCalls::calls());
        addPart(t, &Private::proxies, ProxyCalls::calls());
        addPart(t, &Private::push, PushCalls::calls());
        addPart(t, &Private::turn, TurnCalls::calls());
        addPart(t, &Private::accounts, AccountCalls::accountCalls());
        addPart(t, &Private::audit, AuditCalls::calls());
        addPart(t, &Private::rooms, RoomCalls::calls());
        addPart(t, &Private::files, FileCalls::calls());
        addPart(t, &Private::directory, DirectoryCalls::calls());
        addPart(t, &Private::sso, SsoCalls::calls());
        return t;
    }();
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
    d->status.markStarted();
    if (Status s = d->accounts.start(); !s)
        return s;
    if (Status s = d->loadSettings(); !s)
        return makeError(s.error().code, u"cannot read the managed settings: %1"_s.arg(s.error().message));
    if (Status s = d->certificates.loadAdminTls(); !s)
        return s;
    auto context = adminContext(d->certificates.adminTls());
    if (!context)
        return makeError(context.error().code, u"cannot set up TLS for the admin API: %1"_s.arg(context.error().message));
    d->tls = *context;
    // The TLS layer is the listener's own (TlsListener): the WebSocket server sees plaintext sockets.
    d->listener = std::make_unique<QWebSocketServer>(u"parleyd-admin"_s, QWebSocketServer::NonSecureMode);
    d->listener->setMaxPendingConnections(MaxConnections);
    connect(d->listener.get(), &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    d->tlsListener = std::make_unique<TlsListener>(d->tls, HandshakeTimeoutMs);
    connect(d->tlsListener.get(), &TlsListener::encrypted, this, [this](TlsServerSocket *socket) {
        d->listener->handleConnection(socket);
    });
    if (!d->tlsListener->listen(d->ctx.config().admin.listenAddress, d->ctx.config().admin.listenPort)) {
        const QString why = d->tlsListener->errorString();
        d->tlsListener.reset();
        d->listener.reset();
        return makeError(ErrorCode::Network, u"cannot listen for the admin API on port %1: %2"_s.arg(d->ctx.config().admin.listenPort).arg(why));
    }
    d->port = d->tlsListener->serverPort();
    connect(&d->warningsTimer, &QTimer::timeout, this, [this] { d->warnings.evaluate(); });
    d->warningsTimer.start(d->ctx.host()->historyIntervalMs());
    d->warnings.evaluate();
    connect(&d->maintenance, &QTimer::timeout, this, [this] { d->runMaintenance(); });
    d->maintenance.start(3600 * 1000);
    d->runMaintenance();
    qCInfo(lcAdmin) << "Admin API listening on port" << d->port;
    return {};
}

void AdminServer::stop()
{
    d->maintenance.stop();
    d->warningsTimer.stop();
    d->directory.stop();
    if (d->tlsListener)
        d->tlsListener->close();
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
    d->tlsListener.reset();
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
    return d->accounts.initialPasswordFile();
}

QNetworkProxy AdminServer::messagingProxy() const
{
    return d->proxies.proxy();
}

Result<QString> AdminServer::resetPassword(Store &store, const QString &name)
{
    return AccountCalls::resetPassword(store, name);
}

} // namespace parley::server
