#include "daemon/clustersetup.h"

#include "daemon/config.h"
#include "daemon/storesetup.h"
#include "push/pushservice.h"
#include "relay/router.h"
#include "store/store.h"

#include <QPointer>

namespace parley::server {

Result<std::unique_ptr<ClusterLink>> ClusterSetup::start(const Config &config, Store &store, Router &router,
                                                         PushService *push)
{
    const Result<StoreOptions> storeOptions = StoreSetup::options(config, nullptr);   // with the password
    if (!storeOptions)
        return storeOptions.error();
    ClusterLink::Options options;
    options.nodeId = config.store.nodeId;
    options.version = QStringLiteral(PARLEY_VERSION_STRING);
    options.postgres = storeOptions->postgres;

    ClusterLink::Handlers handlers;
    Router *r = &router;
    handlers.ring = [r](const QList<NodeStore::QueueHead> &heads) { r->ring(heads); };
    handlers.notice = [r](qint64 device, const QByteArray &frame) { r->notify(device, frame, Router::Reach::HereOnly); };
    handlers.close = [r](qint64 device, int code, const QString &reason) {
        r->closeDevice(device, QWebSocketProtocol::CloseCode(code), reason, Router::Reach::HereOnly);
    };
    handlers.refill = [r](qint64 device, int remaining) { r->notifyRefill(device, remaining, Router::Reach::HereOnly); };
    handlers.replaced = [r](qint64 device) { r->replaced(device); };
    handlers.localDevices = [r] { return r->localDevices(); };
    Store *s = &store;
    handlers.changes = [s](const StoreChanges &changes) { s->announce(changes); };
    if (push) {
        const QPointer<PushService> service(push);
        handlers.pushLead = [service](bool lead) {
            QMetaObject::invokeMethod(service, [service, lead] {
                if (service)
                    service->setSending(lead);
            }, Qt::QueuedConnection);
        };
    }
    auto link = ClusterLink::start(options, std::move(handlers));
    if (!link)
        return link.error();

    ClusterLink *l = link->get();
    Router::Remote remote;
    remote.attached = [l](qint64 device) { l->attached(device); };
    remote.detached = [l](qint64 device) { l->detached(device); };
    remote.ring = [l](const QList<qint64> &devices) { l->ring(devices); };
    remote.notice = [l](qint64 device, const QByteArray &frame) { l->notice(device, frame); };
    remote.close = [l](qint64 device, int code, const QString &reason) { l->close(device, code, reason); };
    remote.refill = [l](qint64 device, int remaining) { l->refill(device, remaining); };
    const QString node = l->nodeId();
    const qint64 leaseMs = qint64(l->lease().count());
    const auto elsewhere = [s, node, leaseMs](qint64 device) {
        const Result<bool> served = NodeStore::servedElsewhere(s->reader().database(), node, device, leaseMs);
        return served && *served;
    };
    remote.servedElsewhere = elsewhere;
    router.setRemote(std::move(remote));
    if (push)
        push->setElsewhereCheck(elsewhere);
    return link;
}

} // namespace parley::server
