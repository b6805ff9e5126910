#include "cluster/clusterlink.h"

#include "cluster/clusterlog.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <QTimer>
#include <QVariant>

#include <atomic>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

const QString WorkConnection = u"parley-cluster"_s;          // heartbeats, presence, doorbells out, scans
const QString ListenConnection = u"parley-cluster-listen"_s; // LISTEN only: doorbells in

// A notice frame or a close reason travels as base64 in the doorbell's text.
QString encoded(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

struct ClusterLink::Private {
    Options options;
    Handlers handlers;
    QThread thread;
    QObject *context = nullptr;          // lives in `thread`: the parent of the timers, the target of invocations

    // Shared with other threads.
    mutable QMutex mutex;
    QHash<qint64, bool> presence;        // device -> attached (true) or detached, not yet written
    QSet<qint64> rings;
    struct Tell {
        qint64 device;
        QString payload;
    };
    QList<Tell> tells;
    bool flushPosted = false;
    QList<NodeRecord> nodes;
    Counts counts;
    std::atomic<bool> connected{false};
    std::atomic<qint64> queued{-1};

    // The link's thread only.
    bool up = false;
    bool registered = false;
    bool pushLead = false;
    bool warned = false;                 // the outage was logged
    qint64 cursor = 0;                   // the greatest queue seq scanned or known to be delivered
    qint64 pingSent = 0;                 // the heartbeat's doorbell to this node, and the last one that came back
    qint64 pingSeen = 0;
    int beats = 0;
    QTimer *heartbeatTimer = nullptr;
    QTimer *pollTimer = nullptr;

    QSqlDatabase work() const { return QSqlDatabase::database(WorkConnection, false); }

    Status connectAll();
    void dropAll();
    void lost(const Error &error);
    void postFlush();
    void flush();
    void heartbeat();
    void poll();
    void received(const QString &channel, const QString &payload);
    void ringHere(const QList<qint64> &devices);
    void count(qint64 Counts::*field, qint64 n)
    {
        QMutexLocker lock(&mutex);
        counts.*field += n;
    }
};

Status ClusterLink::Private::connectAll()
{
    dropAll();
    const QString &id = options.nodeId;
    if (Status s = NodeStore::openLink(options.postgres, WorkConnection); !s)
        return s;
    if (Status s = NodeStore::openLink(options.postgres, ListenConnection); !s)
        return s;
    QSqlDatabase db = work();
    const bool first = !registered;
    if (Status s = first ? NodeStore::registerNode(db, id, options.version) : NodeStore::reclaimNode(db, id, options.version);
        !s)
        return s;
    registered = true;

    // Listen before reading where the queue ends: whatever commits after the read rings here.
    QSqlDriver *driver = QSqlDatabase::database(ListenConnection, false).driver();
    QObject::connect(driver, &QSqlDriver::notification, context,
                     [this](const QString &channel, QSqlDriver::NotificationSource, const QVariant &payload) {
                         received(channel, payload.toString());
                     });
    for (const QString &channel : {NodeStore::channelOf(id), QString::fromLatin1(NodeStore::ChangesChannel)}) {
        if (!driver->subscribeToNotification(channel)) {
            return makeError(ErrorCode::Unavailable,
                             u"cannot listen on %1: %2"_s.arg(channel, driver->lastError().text()));
        }
    }
    if (first) {
        auto last = NodeStore::lastQueueSeq(db);
        if (!last)
            return last.error();
        cursor = *last;
    } else {
        // Back after an outage: tell the database again which devices are here, forget what the caches hold (the
        // changes of the outage were not heard), and catch up with the queue from where the link left it.
        const QList<qint64> here = handlers.localDevices ? handlers.localDevices() : QList<qint64>{};
        if (Status s = NodeStore::attach(db, id, here); !s)
            return s;
        if (handlers.changes) {
            StoreChanges everything;
            everything.everything = true;
            handlers.changes(everything);
        }
    }
    up = true;
    connected = true;
    pingSent = pingSeen = 0;
    if (!first)
        count(&Counts::reconnects, 1);
    if (warned) {
        qCInfo(lcCluster) << "The link to the database is back; node" << id << "catches up";
        warned = false;
    }
    if (!first)
        poll();
    return {};
}

void ClusterLink::Private::dropAll()
{
    up = false;
    connected = false;
    for (const QString &name : {WorkConnection, ListenConnection}) {
        if (QSqlDatabase::contains(name)) {
            {
                QSqlDatabase db = QSqlDatabase::database(name, false);
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
    }
    if (pushLead) {
        pushLead = false;   // the lock went with the session
        if (handlers.pushLead)
            handlers.pushLead(false);
    }
}

void ClusterLink::Private::lost(const Error &error)
{
    if (!warned) {
        qCWarning(lcCluster).noquote() << u"The cluster link to the database is down (%1); doorbells wait, devices "
                                          u"catch up when it is back"_s.arg(error.message);
        warned = true;
    }
    dropAll();
}

void ClusterLink::Private::postFlush()
{
    // Under `mutex`.
    if (flushPosted)
        return;
    flushPosted = true;
    QMetaObject::invokeMethod(context, [this] { flush(); }, Qt::QueuedConnection);
}

void ClusterLink::Private::flush()
{
    QHash<qint64, bool> presenceNow;
    QSet<qint64> ringsNow;
    QList<Tell> tellsNow;
    {
        QMutexLocker lock(&mutex);
        flushPosted = false;
        presenceNow.swap(presence);
        ringsNow.swap(rings);
        tellsNow.swap(tells);
    }
    if (!up)
        return;   // presence is written again in full on reconnect; rings and tells are caught up by the scans
    QSqlDatabase db = work();
    QList<qint64> attached, detached;
    for (auto it = presenceNow.cbegin(); it != presenceNow.cend(); ++it)
        (it.value() ? attached : detached).append(it.key());
    if (Status s = NodeStore::detach(db, options.nodeId, detached); !s)
        return lost(s.error());
    if (Status s = NodeStore::attach(db, options.nodeId, attached); !s)
        return lost(s.error());
    // A message another node committed before this node's presence row was in may have rung nobody: those devices
    // read their queues once more, now that every later commit rings here.
    if (!attached.isEmpty())
        ringHere(attached);
    if (!ringsNow.isEmpty()) {
        auto sent = NodeStore::ring(db, options.nodeId, QList<qint64>(ringsNow.cbegin(), ringsNow.cend()));
        if (!sent)
            return lost(sent.error());
        count(&Counts::ringsSent, *sent);
    }
    for (const Tell &t : std::as_const(tellsNow)) {
        if (Status s = NodeStore::tell(db, options.nodeId, t.device, t.payload); !s)
            return lost(s.error());
        count(&Counts::ringsSent, 1);
    }
}

void ClusterLink::Private::ringHere(const QList<qint64> &devices)
{
    if (!handlers.ring || devices.isEmpty())
        return;
    QList<NodeStore::QueueHead> heads;
    heads.reserve(devices.size());
    for (const qint64 device : devices)
        heads.append(NodeStore::QueueHead{device, 0});
    handlers.ring(heads);
}

void ClusterLink::Private::heartbeat()
{
    if (!up) {
        if (Status s = connectAll(); !s) {
            lost(s.error());
            return;
        }
    }
    // The doorbell sent with the last heartbeat has not come back: the listening connection is gone without a word.
    if (pingSent > pingSeen + 1)
        return lost(makeError(ErrorCode::Unavailable, u"the connection that hears doorbells stopped hearing them"_s));
    QSqlDatabase db = work();
    const qint64 devices = handlers.localDevices ? handlers.localDevices().size() : 0;
    if (Status s = NodeStore::heartbeat(db, options.nodeId, devices); !s)
        return lost(s.error());
    if (Status s = NodeStore::notifyNode(db, options.nodeId, u"h %1"_s.arg(pingSent + 1)); !s)
        return lost(s.error());
    ++pingSent;

    auto listed = NodeStore::nodes(db);
    if (!listed)
        return lost(listed.error());
    if (beats++ % ClusterLink::QueuedEvery == 0) {
        auto total = NodeStore::queuedTotal(db);
        if (!total)
            return lost(total.error());
        queued = *total;
    }
    {
        QMutexLocker lock(&mutex);
        nodes = *listed;
    }
    if (!pushLead) {
        auto lead = NodeStore::takePushLead(db);
        if (!lead)
            return lost(lead.error());
        if (*lead) {
            pushLead = true;
            qCInfo(lcCluster) << "Node" << options.nodeId << "sends the push wake-ups";
            if (handlers.pushLead)
                handlers.pushLead(true);
        }
    }
}

void ClusterLink::Private::poll()
{
    if (!up)
        return;
    auto heads = NodeStore::queueHeadsAfter(work(), cursor);
    if (!heads)
        return lost(heads.error());
    if (heads->isEmpty())
        return;
    for (const NodeStore::QueueHead &h : std::as_const(*heads))
        cursor = std::max(cursor, h.seq);
    count(&Counts::caughtUp, heads->size());
    if (handlers.ring)
        handlers.ring(*heads);
}

void ClusterLink::Private::received(const QString &channel, const QString &payload)
{
    if (channel == QLatin1StringView(NodeStore::ChangesChannel)) {
        // "kind:name", as the trigger sends it: 1 a user, 2 a room, 3 the room settings.
        const qsizetype colon = payload.indexOf(u':');
        StoreChanges c;
        const QString name = payload.mid(colon + 1);
        switch (colon > 0 ? payload.left(colon).toInt() : 0) {
        case 1: c.users.insert(name); break;
        case 2: c.rooms.insert(name); break;
        case 3: c.roomSettings = true; break;
        default: c.everything = true; break;
        }
        if (handlers.changes)
            handlers.changes(c);
        return;
    }
    // A doorbell: a letter, then its arguments, separated by spaces (docs/scale-out.md, "Doorbells").
    const QStringList words = payload.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty())
        return;
    const QString &kind = words.first();
    bool ok = false;
    if (kind == u"h"_s) {
        pingSeen = std::max(pingSeen, words.value(1).toLongLong());
    } else if (kind == u"r"_s) {
        QList<qint64> devices;
        devices.reserve(words.size() - 1);
        for (qsizetype i = 1; i < words.size(); ++i) {
            if (const qint64 device = words.at(i).toLongLong(&ok); ok)
                devices.append(device);
        }
        count(&Counts::ringsReceived, devices.size());
        ringHere(devices);
    } else if (kind == u"k"_s) {
        // Another node took these devices. Unless this node took one back since (its own presence not yet written, or
        // written after), the session here is the one replaced.
        flush();
        for (qsizetype i = 1; i < words.size() && up; ++i) {
            const qint64 device = words.at(i).toLongLong(&ok);
            if (!ok)
                continue;
            auto here = NodeStore::isPresentAt(work(), options.nodeId, device);
            if (!here)
                return lost(here.error());
            if (!*here && handlers.replaced)
                handlers.replaced(device);
        }
    } else if (kind == u"n"_s && words.size() == 3) {
        const qint64 device = words.at(1).toLongLong(&ok);
        if (ok && handlers.notice)
            handlers.notice(device, QByteArray::fromBase64(words.at(2).toLatin1()));
    } else if (kind == u"c"_s && words.size() >= 3) {
        const qint64 device = words.at(1).toLongLong(&ok);
        const int code = words.at(2).toInt();
        if (ok && handlers.close)
            handlers.close(device, code, QString::fromUtf8(QByteArray::fromBase64(words.value(3).toLatin1())));
    } else if (kind == u"f"_s && words.size() == 3) {
        const qint64 device = words.at(1).toLongLong(&ok);
        if (ok && handlers.refill)
            handlers.refill(device, words.at(2).toInt());
    } else {
        qCWarning(lcCluster) << "Ignored a doorbell of an unknown kind:" << kind.left(8);
    }
}

ClusterLink::ClusterLink(const Options &options, Handlers handlers) : d(std::make_unique<Private>())
{
    d->options = options;
    d->handlers = std::move(handlers);
}

Result<std::unique_ptr<ClusterLink>> ClusterLink::start(const Options &options, Handlers handlers)
{
    if (!NodeStore::isValidNodeId(options.nodeId)) {
        return makeError(ErrorCode::InvalidArgument,
                         u"cluster/node_id: \"%1\" is not a node id (1 to 40 of a-z, 0-9, '-' and '_')"_s.arg(options.nodeId));
    }
    std::unique_ptr<ClusterLink> link(new ClusterLink(options, std::move(handlers)));
    Private *d = link->d.get();
    d->thread.setObjectName(u"cluster"_s);
    d->context = new QObject;
    d->context->moveToThread(&d->thread);
    QObject::connect(&d->thread, &QThread::finished, d->context, &QObject::deleteLater);
    d->thread.start();
    Status started;
    QMetaObject::invokeMethod(
        d->context,
        [d, &started] {
            started = d->connectAll();
            if (!started) {
                d->dropAll();
                return;
            }
            d->heartbeatTimer = new QTimer(d->context);
            QObject::connect(d->heartbeatTimer, &QTimer::timeout, d->context, [d] { d->heartbeat(); });
            d->heartbeatTimer->start(d->options.heartbeat);
            d->pollTimer = new QTimer(d->context);
            QObject::connect(d->pollTimer, &QTimer::timeout, d->context, [d] { d->poll(); });
            d->pollTimer->start(d->options.poll);
            d->heartbeat();
        },
        Qt::BlockingQueuedConnection);
    if (!started)
        return started.error();
    return link;
}

ClusterLink::~ClusterLink()
{
    if (d->thread.isRunning()) {
        Private *p = d.get();
        QMetaObject::invokeMethod(
            d->context,
            [p] {
                delete p->heartbeatTimer;
                delete p->pollTimer;
                p->heartbeatTimer = p->pollTimer = nullptr;
                if (p->up) {
                    p->flush();
                    if (p->up) {
                        if (Status s = NodeStore::deregisterNode(p->work(), p->options.nodeId); !s)
                            qCWarning(lcCluster) << "Cannot mark the node stopped:" << s.error().message;
                    }
                }
                p->handlers = {};
                p->dropAll();
            },
            Qt::BlockingQueuedConnection);
        d->thread.quit();
        d->thread.wait();
    }
}

QString ClusterLink::nodeId() const
{
    return d->options.nodeId;
}

void ClusterLink::attached(qint64 device)
{
    QMutexLocker lock(&d->mutex);
    d->presence.insert(device, true);
    d->postFlush();
}

void ClusterLink::detached(qint64 device)
{
    QMutexLocker lock(&d->mutex);
    d->presence.insert(device, false);
    d->postFlush();
}

void ClusterLink::ring(const QList<qint64> &devices)
{
    if (devices.isEmpty())
        return;
    QMutexLocker lock(&d->mutex);
    for (const qint64 device : devices)
        d->rings.insert(device);
    d->postFlush();
}

void ClusterLink::notice(qint64 device, const QByteArray &frame)
{
    QMutexLocker lock(&d->mutex);
    d->tells.append(Private::Tell{device, u"n %1 %2"_s.arg(device).arg(encoded(frame))});
    d->postFlush();
}

void ClusterLink::close(qint64 device, int closeCode, const QString &reason)
{
    QMutexLocker lock(&d->mutex);
    d->tells.append(Private::Tell{device, u"c %1 %2 %3"_s.arg(device).arg(closeCode).arg(encoded(reason.toUtf8()))});
    d->postFlush();
}

void ClusterLink::refill(qint64 device, int remaining)
{
    QMutexLocker lock(&d->mutex);
    d->tells.append(Private::Tell{device, u"f %1 %2"_s.arg(device).arg(remaining)});
    d->postFlush();
}

QList<NodeRecord> ClusterLink::nodes() const
{
    QMutexLocker lock(&d->mutex);
    return d->nodes;
}

qint64 ClusterLink::queuedMessages() const
{
    return d->queued.load();
}

bool ClusterLink::isConnected() const
{
    return d->connected.load();
}

ClusterLink::Counts ClusterLink::counts() const
{
    QMutexLocker lock(&d->mutex);
    return d->counts;
}

std::chrono::milliseconds ClusterLink::lease() const
{
    return d->options.lease;
}

} // namespace parley::server
