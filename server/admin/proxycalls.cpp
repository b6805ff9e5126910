#include "admin/proxycalls.h"

#include "admin/adminlog.h"
#include "push/pushservice.h"
#include "store/adminstore.h"

#include <QMap>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

constexpr int ProxyTestTimeoutMs = 10000;

// A host name or address as a proxy or a test target takes it: not empty, no spaces or control characters.
bool isHost(const QString &host)
{
    if (host.isEmpty())
        return false;
    for (const QChar c : host) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

} // namespace

const QList<AdminCall<ProxyCalls>> &ProxyCalls::calls()
{
    static const QList<AdminCall<ProxyCalls>> calls = {
        {"proxy.set"_L1, &ProxyCalls::handleProxySet},
        {"proxy.show"_L1, &ProxyCalls::handleProxyShow},
        {"proxy.test"_L1, &ProxyCalls::handleProxyTest},
    };
    return calls;
}

Status ProxyCalls::load(AdminStore &admin)
{
    QMap<QString, QString> p;
    for (const QString &key : {u"proxy.type"_s, u"proxy.host"_s, u"proxy.port"_s, u"proxy.user"_s, u"proxy.password"_s}) {
        auto v = admin.setting(key);
        if (!v)
            return v.error();
        p.insert(key, v->value_or(QString()));
    }
    applyProxy(p.value(u"proxy.type"_s), p.value(u"proxy.host"_s), quint16(p.value(u"proxy.port"_s).toUInt()),
               p.value(u"proxy.user"_s), p.value(u"proxy.password"_s));
    m_managed = !p.value(u"proxy.type"_s).isEmpty();
    applyProxyToPush();
    return {};
}

QString ProxyCalls::proxyTypeName(QNetworkProxy::ProxyType type)
{
    switch (type) {
    case QNetworkProxy::HttpProxy: return u"http"_s;
    case QNetworkProxy::Socks5Proxy: return u"socks5"_s;
    default: return u"none"_s;
    }
}

void ProxyCalls::applyProxy(const QString &type, const QString &host, quint16 port, const QString &user, const QString &password)
{
    if (type == u"http"_s)
        m_proxy = QNetworkProxy(QNetworkProxy::HttpProxy, host, port, user, password);
    else if (type == u"socks5"_s)
        m_proxy = QNetworkProxy(QNetworkProxy::Socks5Proxy, host, port, user, password);
    else
        m_proxy = QNetworkProxy(QNetworkProxy::NoProxy);
}

void ProxyCalls::handleProxySet(const AdminRequestPtr &r)
{
    const QString type = r->args.value("type"_L1).toString();
    const QString host = r->args.value("host"_L1).toString();
    const qint64 port = r->args.value("port"_L1).toInteger();
    const QString user = r->args.value("user"_L1).toString();
    const QString password = r->args.value("password"_L1).toString();
    if (type != u"none"_s && type != u"http"_s && type != u"socks5"_s)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"type: expected none, http or socks5"_s);
    if (type == u"none"_s && (r->args.contains("host"_L1) || r->args.contains("port"_L1) || r->args.contains("user"_L1)
                              || r->args.contains("password"_L1)))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"type none takes no host, port, user or password"_s);
    if (type != u"none"_s && (!isHost(host) || port < 1 || port > 65535))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"an http or socks5 proxy needs host and port (1-65535)"_s);
    if (password.size() && user.isEmpty())
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"a proxy password needs a user"_s);
    applyProxy(type, host, quint16(port), user, password);
    m_managed = true;
    applyProxyToPush();
    const QList<std::pair<QString, QString>> values = {
        {u"proxy.type"_s, type}, {u"proxy.host"_s, type == u"none"_s ? u""_s : host},
        {u"proxy.port"_s, type == u"none"_s ? u""_s : QString::number(port)},
        {u"proxy.user"_s, type == u"none"_s ? u""_s : user},
        {u"proxy.password"_s, type == u"none"_s ? u""_s : password}};
    m_ctx.saveSettings(r, values, proxyMap());
}

// The managed proxy, once one is stored, replaces [push] proxy (type none: push goes direct).
void ProxyCalls::applyProxyToPush()
{
    if (!m_managed || !m_ctx.host()->push())
        return;
    m_ctx.host()->push()->setProxy(m_proxy);
    qCInfo(lcAdmin).noquote() << "Push traffic now goes" << (m_proxy.type() == QNetworkProxy::NoProxy
                                                               ? u"direct"_s
                                                               : u"through the managed %1 proxy"_s.arg(proxyTypeName(m_proxy.type())));
}

QCborMap ProxyCalls::proxyMap() const
{
    QCborMap m;
    m.insert("type"_L1, proxyTypeName(m_proxy.type()));
    if (m_proxy.type() != QNetworkProxy::NoProxy) {
        m.insert("host"_L1, m_proxy.hostName());
        m.insert("port"_L1, m_proxy.port());
        m.insert("user"_L1, m_proxy.user());
        m.insert("has_password"_L1, !m_proxy.password().isEmpty());
    }
    return m;
}

void ProxyCalls::handleProxyShow(const AdminRequestPtr &r)
{
    m_ctx.reply(r, proxyMap());
}

void ProxyCalls::handleProxyTest(const AdminRequestPtr &r)
{
    const QString host = r->args.value("host"_L1).toString();
    const qint64 port = r->args.value("port"_L1).toInteger();
    if (!isHost(host) || port < 1 || port > 65535)
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"host and port (1-65535) needed"_s);
    auto *socket = new QTcpSocket(m_ctx.owner());
    socket->setProxy(m_proxy.type() == QNetworkProxy::NoProxy ? QNetworkProxy(QNetworkProxy::NoProxy) : m_proxy);
    auto *timer = new QTimer(socket);
    timer->setSingleShot(true);
    const QString via = proxyTypeName(m_proxy.type());
    auto finish = [this, r, socket, via](bool ok, const QString &why) {
        if (r->answered)
            return;
        if (ok) {
            QCborMap m;
            m.insert("connected"_L1, true);
            m.insert("via"_L1, via);
            m_ctx.reply(r, m);
        } else {
            m_ctx.fail(r, proto::errors::Unavailable, u"could not connect through %1: %2"_s.arg(via, why));
        }
        socket->abort();
        socket->deleteLater();
    };
    QObject::connect(socket, &QTcpSocket::connected, m_ctx.owner(), [finish] { finish(true, {}); });
    QObject::connect(socket, &QTcpSocket::errorOccurred, m_ctx.owner(), [finish, socket](QAbstractSocket::SocketError) {
        finish(false, socket->errorString());
    });
    QObject::connect(timer, &QTimer::timeout, m_ctx.owner(), [finish] { finish(false, u"timed out"_s); });
    timer->start(ProxyTestTimeoutMs);
    socket->connectToHost(host, quint16(port));
}

} // namespace parley::server
