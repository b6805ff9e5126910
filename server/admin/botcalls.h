#pragma once

#include "admin/admincontext.h"

namespace parley::server {

// bots.*: service accounts (docs/admin-api.md "Bots"). An administrator makes a bot with a scope, an expiry and a send
// limit, and gets a one-time enrollment code for its device, which then enrolls like any device (its keys are its
// own). The relay holds the bot to all three; revocation ends its devices and sessions at once.
class BotCalls {
public:
    explicit BotCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<BotCalls>> &calls();

private:
    void handleCreate(const AdminRequestPtr &r);
    void handleList(const AdminRequestPtr &r);
    void handleUpdate(const AdminRequestPtr &r);
    void handleRevoke(const AdminRequestPtr &r);

    AdminContext &m_ctx;
};

} // namespace parley::server
