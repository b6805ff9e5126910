#pragma once

#include <QLoggingCategory>

namespace parley::server {

// parley.store: the database, its writer and migrations. Never message content, keys or codes.
Q_DECLARE_LOGGING_CATEGORY(lcStore)

} // namespace parley::server
