#pragma once

#include <QLoggingCategory>

namespace parley::server {

// parley.admin: the admin listener, its accounts and the management calls. Never passwords, tokens, TOTP codes,
// keys or enrollment codes.
Q_DECLARE_LOGGING_CATEGORY(lcAdmin)

} // namespace parley::server
