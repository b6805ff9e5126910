#pragma once

#include <QLoggingCategory>

namespace parley::server {

// parley.cluster: the link between the nodes on one PostgreSQL database: its outages and who sends the wake-ups. Never
// device ids, message content or keys.
Q_DECLARE_LOGGING_CATEGORY(lcCluster)

} // namespace parley::server
