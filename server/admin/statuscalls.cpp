#include "admin/statuscalls.h"

#include "relay/router.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

const QList<AdminCall<StatusCalls>> &StatusCalls::calls()
{
    static const QList<AdminCall<StatusCalls>> calls = {
        {"status"_L1, &StatusCalls::handleStatus},
    };
    return calls;
}

void StatusCalls::handleStatus(const AdminRequestPtr &r)
{
    AdminStore admin(m_ctx.store()->reader());
    auto queued = admin.queuedTotal();
    if (!queued)
        return m_ctx.reply(r, queued.error());
    auto users = admin.userCount();
    if (!users)
        return m_ctx.reply(r, users.error());
    const Result<qint64> dbBytes = m_ctx.store()->databaseBytes();
    if (!dbBytes)
        return m_ctx.reply(r, dbBytes.error());
    QCborMap m;
    m.insert("version"_L1, QStringLiteral(PARLEY_VERSION_STRING));
    m.insert("uptime_seconds"_L1, (AdminContext::now() - m_startedAt) / 1000);
    m.insert("connected_devices"_L1, qint64(m_ctx.host()->router()->onlineDevices()));
    m.insert("queued_messages"_L1, *queued);
    // Writes waiting for the database writer (sends, acks, deletes): near 0 on a server that keeps up.
    m.insert("write_queue"_L1, qint64(m_ctx.store()->queuedWrites()));
    m.insert("users"_L1, *users);
    m.insert("database_bytes"_L1, *dbBytes);
    m.insert("workers"_L1, m_ctx.host()->workerCount());
    m.insert("fingerprint"_L1, m_ctx.host()->fingerprint());
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_ctx.config().certificateFile);
    if (!chain.isEmpty()) {
        const qint64 expires = chain.first().expiryDate().toMSecsSinceEpoch();
        m.insert("certificate_expires_at"_L1, expires);
        m.insert("certificate_days_left"_L1, (expires - AdminContext::now()) / (24 * 3600 * 1000));
    }
    m_ctx.reply(r, m);
}

} // namespace parley::server
