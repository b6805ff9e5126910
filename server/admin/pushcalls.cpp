#include "admin/pushcalls.h"

#include "admin/adminlog.h"
#include "crypto/crypto.h"
#include "push/pushservice.h"
#include "store/adminstore.h"
#include "store/pushstore.h"
#include "store/store.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

PushCalls::PushCalls(AdminContext &ctx)
    : m_ctx(ctx), m_managed(std::make_unique<ManagedPushCredentials>(ctx.config().dataDir))
{
}

const QList<AdminCall<PushCalls>> &PushCalls::calls()
{
    static const QList<AdminCall<PushCalls>> calls = {
        {"push.show"_L1, &PushCalls::handlePushShow},
        {"push.set_apns"_L1, &PushCalls::handlePushSetApns},
        {"push.set_fcm"_L1, &PushCalls::handlePushSetFcm},
        {"push.set_webpush"_L1, &PushCalls::handlePushSetWebPush},
        {"push.clear"_L1, &PushCalls::handlePushClear},
    };
    return calls;
}

Status PushCalls::load(AdminStore &admin)
{
    if (Status s = m_managed->load(admin); !s)
        return s;
    applyManagedPushAtStart();
    return {};
}

QCborMap PushCalls::pushProviderMap(const QString &provider) const
{
    PushService *service = m_ctx.host()->push();
    const PushConfig current = service ? service->currentConfig() : m_ctx.config().push;
    const PushService::Details details = service ? service->details() : PushService::Details{};
    const auto managed = m_managed->entry(provider);
    const bool configured = service && service->supports(provider);
    bool inBootConfig = false;
    QCborMap m;
    auto text = [&](const char *key, const QString &value) { m.insert(QLatin1StringView(key), configured ? value : QString()); };
    auto url = [](const QUrl &u) { return u.toString(QUrl::FullyEncoded); };
    if (provider == u"apns"_s) {
        inBootConfig = m_ctx.config().push.apnsEnabled();
        text("key_id", current.apnsKeyId);
        text("team_id", current.apnsTeamId);
        text("topic", current.apnsTopic);
        text("endpoint", url(current.apnsEndpoint));
    } else if (provider == u"fcm"_s) {
        inBootConfig = m_ctx.config().push.fcmEnabled();
        text("project_id", details.fcmProjectId);
        text("client_email", details.fcmClientEmail);
        text("endpoint", url(current.fcmEndpoint));
        text("token_endpoint", url(current.fcmTokenEndpoint));
    } else {
        inBootConfig = m_ctx.config().push.webPushEnabled();
        text("subject", current.vapidSubject);
        text("public_key", QString::fromLatin1(details.vapidPublicKey));
    }
    m.insert("configured"_L1, configured);
    m.insert("source"_L1, managed ? u"admin"_s : inBootConfig ? u"config"_s : QString());
    m.insert("updated_at"_L1, managed ? managed->updatedAt : qint64(0));
    return m;
}

void PushCalls::handlePushShow(const AdminRequestPtr &r)
{
    QCborMap providers;
    for (const QString &provider : ManagedPushCredentials::providers())
        providers.insert(provider, pushProviderMap(provider));
    QCborMap m;
    m.insert("providers"_L1, providers);
    Db &db = m_ctx.store()->reader();
    auto pending = PushStore::pendingCount(db);
    auto dead = PushStore::deadCount(db);
    if (!pending)
        return m_ctx.reply(r, pending.error());
    if (!dead)
        return m_ctx.reply(r, dead.error());
    m.insert("pending"_L1, *pending);
    m.insert("dead"_L1, *dead);
    m_ctx.reply(r, m);
}

void PushCalls::handlePushSetApns(const AdminRequestPtr &r)
{
    auto upload = ManagedPushCredentials::checkApns(r->args.value("key"_L1).toString(), r->args.value("key_id"_L1).toString(),
                                                    r->args.value("team_id"_L1).toString(),
                                                    r->args.value("topic"_L1).toString(),
                                                    r->args.value("endpoint"_L1).toString());
    if (!upload)
        return m_ctx.reply(r, upload.error());
    storePushCredentials(r, u"apns"_s, std::move(*upload));
}

void PushCalls::handlePushSetFcm(const AdminRequestPtr &r)
{
    auto upload = ManagedPushCredentials::checkFcm(r->args.value("service_account"_L1).toString(),
                                                   r->args.value("endpoint"_L1).toString(),
                                                   r->args.value("token_endpoint"_L1).toString());
    if (!upload)
        return m_ctx.reply(r, upload.error());
    storePushCredentials(r, u"fcm"_s, std::move(*upload));
}

void PushCalls::handlePushSetWebPush(const AdminRequestPtr &r)
{
    auto upload = ManagedPushCredentials::checkWebPush(r->args.value("subject"_L1).toString(),
                                                       r->args.value("private_key"_L1).toString());
    if (!upload)
        return m_ctx.reply(r, upload.error());
    storePushCredentials(r, u"webpush"_s, std::move(*upload));
}

void PushCalls::handlePushClear(const AdminRequestPtr &r)
{
    const QString provider = r->args.value("provider"_L1).toString();
    if (!ManagedPushCredentials::providers().contains(provider))
        return m_ctx.fail(r, proto::errors::InvalidArgument, u"provider: expected apns, fcm or webpush"_s);
    changePushCredentials(r, provider, std::nullopt);
}

void PushCalls::storePushCredentials(const AdminRequestPtr &r, const QString &provider, ManagedPushCredentials::Upload upload)
{
    const qint64 now = AdminContext::now();
    auto name = m_managed->writeSecret(provider, upload.secret, now);
    crypto::cleanse(upload.secret);
    if (!name)
        return m_ctx.reply(r, name.error());
    changePushCredentials(r, provider, ManagedPushCredentials::Entry{*name, upload.details, now});
}

// Applies the change to the push service first (so that credentials it cannot use are refused), then stores
// it; a failed store undoes both. The provider's other files go once the new setting is committed.
void PushCalls::changePushCredentials(const AdminRequestPtr &r, const QString &provider,
                           const std::optional<ManagedPushCredentials::Entry> &entry)
{
    PushService *service = m_ctx.host()->push();
    if (!service)
        return m_ctx.fail(r, proto::errors::Unavailable, u"the push service is not running"_s);
    const auto previous = m_managed->entry(provider);
    const PushConfig before = service->currentConfig();
    m_managed->setEntry(provider, entry);
    if (Status s = service->reconfigure(m_managed->applyTo(m_ctx.config().push)); !s) {
        m_managed->setEntry(provider, previous);
        if (entry)
            m_managed->removeFile(entry->file);
        return m_ctx.reply(r, makeError(s.error().code == ErrorCode::Internal ? ErrorCode::Internal : ErrorCode::InvalidArgument,
                                  u"%1: %2"_s.arg(provider, s.error().message)));
    }
    const QString key = ManagedPushCredentials::settingKey(provider);
    const QString value = ManagedPushCredentials::encode(entry);
    m_ctx.store()->write<bool>(m_ctx.owner(), [key, value](Db &db) -> Result<bool> {
        if (Status s = AdminStore(db).setSetting(key, value, AdminContext::now()); !s)
            return s.error();
        return true;
    }, [this, r, provider, entry, previous, before](Result<bool> stored) {
        if (!stored) {
            m_managed->setEntry(provider, previous);
            if (Status s = m_ctx.host()->push() ? m_ctx.host()->push()->reconfigure(before) : Status(); !s)
                qCWarning(lcAdmin) << "Restoring the push providers failed:" << s.error().message;
            if (entry)
                m_managed->removeFile(entry->file);
            return m_ctx.reply(r, stored.error());
        }
        // Keeps what this change stored and what a later change to the same provider, still being stored, uses.
        QStringList keep;
        if (entry)
            keep << entry->file;
        if (const auto latest = m_managed->entry(provider))
            keep << latest->file;
        m_managed->removeOtherFiles(provider, keep);
        qCInfo(lcAdmin).noquote() << "Push credentials for" << provider
                                  << (entry ? "set through the admin API" : "cleared through the admin API");
        m_ctx.reply(r, pushProviderMap(provider));
    });
}

void PushCalls::applyManagedPushAtStart()
{
    PushService *service = m_ctx.host()->push();
    if (!service)
        return;
    const ManagedPushCredentials stored = *m_managed;
    for (const QString &provider : ManagedPushCredentials::providers())
        m_managed->setEntry(provider, std::nullopt);
    for (const QString &provider : ManagedPushCredentials::providers()) {
        const auto entry = stored.entry(provider);
        if (!entry)
            continue;
        m_managed->setEntry(provider, entry);
        if (Status s = service->reconfigure(m_managed->applyTo(m_ctx.config().push)); !s) {
            qCWarning(lcAdmin).noquote() << "The" << provider << "push credentials set through the admin API cannot be "
                                         "used; set them again:" << s.error().message;
            m_managed->setEntry(provider, std::nullopt);
        }
    }
}

} // namespace parley::server
