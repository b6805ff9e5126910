#pragma once

#include "admin/admincontext.h"
#include "relay/turnsettings.h"

namespace parley::server {

class AdminStore;

// turn.*: the TURN relay devices get credentials for (docs/calls.md), a managed setting applied to the workers at
// once. The shared secret is stored (the server needs it to make credentials) but never shown back.
class TurnCalls {
public:
    explicit TurnCalls(AdminContext &ctx) : m_ctx(ctx) {}

    static const QList<AdminCall<TurnCalls>> &calls();
    // Applies the stored TURN settings, if there are any.
    Status load(AdminStore &admin);

    // The managed setting's value: a JSON object, or empty for none.
    static QString encode(const std::optional<TurnConfig> &config);
    static std::optional<TurnConfig> decode(const QString &value);

private:
    void handleTurnShow(const AdminRequestPtr &r);
    void handleTurnSet(const AdminRequestPtr &r);
    void handleTurnClear(const AdminRequestPtr &r);

    void store(const AdminRequestPtr &r, const std::optional<TurnConfig> &config);
    static QCborMap turnMap(const std::optional<TurnConfig> &config);

    AdminContext &m_ctx;
};

} // namespace parley::server
